package scenarios

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/messemu/messemu/fakegraph"
)

// failureText renders a failure: file:line:column of the step, why, the
// diff (want -, got +), and the conversation so far.
func (ss *session) failureText(err error) string {
	var b strings.Builder
	var sf *stepFailure
	if errors.As(err, &sf) && sf.step != nil {
		fmt.Fprintf(&b, "%s:%d:%d: %s\n", ss.s.File, sf.step.Line, sf.step.Column, sf.reason)
	} else {
		fmt.Fprintf(&b, "%s:%d: %s\n", ss.s.File, ss.s.Line, err.Error())
	}
	if sf != nil && sf.diff != "" {
		b.WriteString("  (-want +got):\n")
		for _, l := range strings.Split(strings.TrimRight(sf.diff, "\n"), "\n") {
			b.WriteString("  " + strings.ReplaceAll(l, "\u00a0", " ") + "\n")
		}
	}
	if ss.in != nil {
		evs, _, _ := ss.in.snapshot()
		if conv := conversation(evs); conv != "" {
			b.WriteString("  conversation so far:\n" + conv)
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// conversation renders what the user did and what the bot sent, one line
// each.
func conversation(evs []fakegraph.Event) string {
	var b strings.Builder
	for _, e := range evs {
		if line := conversationLine(e); line != "" {
			b.WriteString("    " + line + "\n")
		}
	}
	return b.String()
}

func conversationLine(e fakegraph.Event) string {
	switch e.Kind {
	case fakegraph.KindUserAction:
		if e.API == "delivery" { // a platform receipt, not something the user did
			return ""
		}
		return "user: " + userActionText(e)
	case fakegraph.KindRequest:
		if e.API != "send" {
			if !e.Accepted {
				return "bot ✗ " + e.Method + " " + e.Path + " refused"
			}
			return ""
		}
		if !e.Accepted {
			msg := "refused"
			if len(e.Violations) > 0 && e.Violations[0].Error != nil {
				msg = "refused: " + e.Violations[0].Error.Message
			}
			return "bot ✗ " + msg
		}
		if m, ok := botMessageOf(e); ok {
			return "bot:  " + m.summary()
		}
	}
	return ""
}

// userActionText renders a user action from its request.
func userActionText(e fakegraph.Event) string {
	var req map[string]any
	_ = json.Unmarshal(e.Request, &req) // an odd request still renders its kind
	str := func(k string) string {
		s, _ := req[k].(string)
		return s
	}
	var d struct {
		Event struct {
			Message *struct {
				Text string `json:"text"`
			} `json:"message"`
			Postback *struct {
				Title string `json:"title"`
			} `json:"postback"`
		} `json:"event"`
	}
	_ = json.Unmarshal(e.Detail, &d) // older journals carry no detail: fall back to the request
	switch e.API {
	case "quick_reply":
		if m := d.Event.Message; m != nil {
			return fmt.Sprintf("(taps quick reply %q)", m.Text)
		}
	case "postback", "menu", "get_started":
		if p := d.Event.Postback; p != nil {
			return fmt.Sprintf("(taps %s %q)", map[string]string{"postback": "button", "menu": "menu item", "get_started": "Get Started"}[e.API], p.Title)
		}
	}
	switch e.API {
	case "message":
		if t := str("text"); t != "" {
			return t
		}
		if atts, ok := req["attachments"].([]any); ok && len(atts) > 0 {
			if a, ok := atts[0].(map[string]any); ok {
				return fmt.Sprintf("(sends %v)", a["type"])
			}
		}
		return "(sends a message)"
	case "quick_reply":
		return fmt.Sprintf("(taps quick reply %q)", str("quick_reply"))
	case "postback":
		return fmt.Sprintf("(taps button %q)", str("button"))
	case "get_started":
		return "(taps Get Started)"
	case "reaction":
		return fmt.Sprintf("(reacts %s%s)", str("emoji"), str("action"))
	}
	return "(" + e.API + ")"
}
