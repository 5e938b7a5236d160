package fakegraph

import (
	"encoding/json"
	"path"
)

// HandoverText says in words a handover of a thread the journal holds: the
// bot's own pass, take, request or release (an accepted handover call),
// or what the platform told the bot of another app's (a handover event).
// ok is false for any other event. Transcripts (testkit, scenario
// failures, the control API's thread) show it where a user's action or a
// bot's message would be.
func HandoverText(e *Event) (text string, ok bool) {
	switch {
	case e.Kind == KindRequest && e.API == APIHandover && e.Accepted && e.PSID != "":
		var req struct {
			TargetAppID any `json:"target_app_id"`
		}
		_ = json.Unmarshal(e.Request, &req)
		switch Action(path.Base(e.Path)) {
		case ActionPassThreadControl:
			return "passes the thread to " + appInWords(textOf(req.TargetAppID)), true
		case ActionTakeThreadControl:
			return "takes the thread", true
		case ActionRequestThreadControl:
			return "asks for the thread", true
		case actRelease:
			return "releases the thread", true
		}
	case e.Kind == KindHandover:
		var d HandoverDetail
		if json.Unmarshal(e.Detail, &d) != nil {
			return "", false
		}
		var ev MessagingEvent
		_ = json.Unmarshal(d.Event, &ev)
		switch {
		case ev.PassThreadControl != nil:
			from := "another app"
			if p := ev.PassThreadControl.PreviousOwnerAppID; p != nil {
				from = appInWords(*p)
			}
			return from + " passes the thread to the bot", true
		case ev.TakeThreadControl != nil: // told to the app that had it: the bot
			return appInWords(ev.TakeThreadControl.NewOwnerAppID) + " takes the thread", true
		case ev.RequestThreadControl != nil:
			return appInWords(ev.RequestThreadControl.RequestedOwnerAppID) + " asks the bot for the thread", true
		}
		return string(d.Action), true
	}
	return "", false
}

// appInWords names an app of the Page's handover roles in a sentence,
// with no Server at hand (Server.appName gives the names the Page set):
// the Page Inbox by name, another by id.
func appInWords(id string) string {
	if id == PageInboxAppID {
		return "the Page Inbox"
	}
	if id == "" {
		return "another app"
	}
	return "app " + id
}

// TimedOutText says in words a batch item a fault rule made time out (a
// fault event with TimedOut): the item left no request in the journal,
// and the bot got null for it. ok is false for any other event.
func TimedOutText(e *Event) (text string, ok bool) {
	if e.Kind != KindFault {
		return "", false
	}
	var d FaultDetail
	if json.Unmarshal(e.Detail, &d) != nil || !d.TimedOut {
		return "", false
	}
	return "a batch item (" + e.API + ") timed out, forced by fault rule " + d.RuleID + ": the bot got null for it", true
}
