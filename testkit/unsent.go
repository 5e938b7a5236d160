package testkit

import (
	"fmt"
	"strings"
	"time"

	"github.com/messemu/messemu/fakegraph"
)

// unsentGrace is how long NextMessage waits, once every action of the
// user since its last message went unsent for want of a subscription and
// the bot has finished every webhook of theirs, before it fails: long
// enough for a bot that sends after answering its webhook.
const unsentGrace = time.Second

// unsentWhy says why the webhook of journal event ev was never sent to
// the bot: its field is not one the webhook and the Page are both
// subscribed to, so the platform sends nothing and the journal has no
// attempt for it. "" when it was sent (or its failure is journalled:
// no webhook set, no subscription at all), or it carries no webhook.
// The subscriptions are the current ones: a test that changes them after
// the action may be told about the new ones; attempted (fakegraph.Attempted)
// tells one sent before they changed.
func (e *Emulator) unsentWhy(ev *fakegraph.Event, attempted map[uint64]bool) string {
	h, ok := ev.Hook()
	if !ok {
		return ""
	}
	st := e.srv.Webhook()
	pageFields := e.srv.SubscribedFields(ev.PageID)
	if st.URL == "" || pageFields == nil {
		return ""
	}
	why := fakegraph.UnsentText(h, st.Fields, pageFields, func(field string) string {
		return "give WebhookConfig.Fields " + field + " too, or nil for every field"
	})
	if _, sent := attempted[ev.Seq]; sent {
		return "" // sent before the subscriptions changed
	}
	return why
}

// unsentLine says that u's action ev was not sent to the bot, and why.
func (u *User) unsentLine(ev fakegraph.Event, why string) string {
	return fmt.Sprintf("%s's action %s was not sent to the bot: %s.", u.info.FirstName, userAction(ev), why)
}

// unsentAction is an action of the user's whose webhook was never sent,
// and the line that says so.
type unsentAction struct {
	ev   fakegraph.Event
	line string
}

// unsentSince lists u's actions after journal event seq whose webhook was
// never sent for want of a subscription, and reports whether one of
// those actions (or a handover the bot is told of) did go out: something
// the bot may still answer.
func (u *User) unsentSince(seq uint64) (unsent []unsentAction, sent bool) {
	evs := u.emu.srv.Journal().Find(seq, func(e *fakegraph.Event) bool { return e.PSID == u.info.PSID && e.PageID == u.emu.page.ID })
	attempted := fakegraph.Attempted(evs)
	for _, ev := range evs {
		if k := ev.Kind; k != fakegraph.KindUserAction && k != fakegraph.KindHandover {
			continue
		}
		if _, ok := ev.Hook(); !ok {
			continue
		}
		// unsentWhy takes the dispatcher's lock: not inside Find.
		switch why := u.emu.unsentWhy(&ev, attempted); {
		case why == "":
			sent = true
		case ev.Kind == fakegraph.KindUserAction:
			unsent = append(unsent, unsentAction{ev: ev, line: u.unsentLine(ev, why)})
		}
	}
	return unsent, sent
}

// unsentLines joins the lines of unsent, each ending in a newline.
func unsentLines(unsent []unsentAction) string {
	var b strings.Builder
	for _, a := range unsent {
		b.WriteString(a.line + "\n")
	}
	return b.String()
}

// busy reports that the bot has not finished a webhook of one of u's
// actions or handovers: one went out and has no final attempt yet.
func (u *User) busy() bool {
	evs := u.emu.srv.Journal().Find(0, func(e *fakegraph.Event) bool { return e.PSID == u.info.PSID && e.PageID == u.emu.page.ID })
	final := fakegraph.Attempted(evs)
	// firesWebhook takes the dispatcher's lock: not inside Find.
	for i := range evs {
		if k := evs[i].Kind; (k == fakegraph.KindUserAction || k == fakegraph.KindHandover) && !final[evs[i].Seq] && u.emu.firesWebhook(&evs[i]) {
			return true
		}
	}
	return false
}
