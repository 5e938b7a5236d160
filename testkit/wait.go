package testkit

import (
	"context"
	"slices"

	"github.com/messemu/messemu/fakegraph"
)

// firesWebhook reports whether journal event ev goes out to the bot as a
// webhook, whose delivery attempts the journal then records: it carries
// one (a user action, receipt, handover or label change) and its field
// is subscribed, or the Page is not subscribed at all (the event is then
// journalled as failed, saying so).
func (e *Emulator) firesWebhook(ev *fakegraph.Event) bool {
	h, ok := ev.Hook()
	if !ok {
		return false
	}
	st := e.srv.Webhook()
	if st.URL == "" {
		return false
	}
	pageFields := e.srv.SubscribedFields(ev.PageID)
	if pageFields == nil {
		return true
	}
	field := h.SentField()
	return slices.Contains(st.Fields, field) && slices.Contains(pageFields, field)
}

// WaitForBot waits until the bot has answered every webhook the user's
// thread has fired so far: the user's actions, another app's handover,
// label changes, receipts. A bot served in process (Bot, BotFrom) has
// then returned from its handler, so what it does before answering (a
// handover, a label, its own state) is done and the test can look:
//
//	alice.Says("human")
//	alice.WaitForBot(t)
//	if alice.ThreadOwner() != fakegraph.PageInboxAppID { … }
//
// Without it such a check races the bot, which handles webhooks on the
// emulator's goroutines. A bot that answers the webhook first and works
// on in a goroutine of its own has not finished, and WaitForBot cannot
// tell. A webhook the bot refused through the platform's immediate
// retries fails the test at once; one not answered within the timeout
// (DefaultTimeout, or the Timeout option) fails it then.
func (u *User) WaitForBot(t TB) {
	t.Helper()
	j := u.emu.srv.Journal()
	from, last := u.st.settled.Load(), j.Last()
	pending := map[uint64]bool{}
	// firesWebhook takes the dispatcher's lock, which the dispatcher holds
	// while it appends to the journal: it must not run inside Find.
	for _, e := range j.Find(from, func(e *fakegraph.Event) bool {
		return e.Seq <= last && e.PSID == u.info.PSID && e.PageID == u.emu.page.ID
	}) {
		if u.emu.firesWebhook(&e) {
			pending[e.Seq] = true
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), u.emu.timeout)
	defer cancel()
	for seen := from; len(pending) > 0; {
		evs, err := j.Wait(ctx, seen, 0)
		for i := range evs {
			ev := &evs[i]
			seen = ev.Seq
			d, ok := ev.Attempt()
			if !ok || !pending[d.EventSeq] {
				continue
			}
			switch {
			case ev.Accepted:
				delete(pending, d.EventSeq)
			case u.isRefusedWebhook(ev):
				t.Fatalf("testkit: the bot did not accept %s\n%s", stalledWebhook(*ev), u.transcript())
				return
			}
		}
		if err != nil && len(pending) > 0 {
			t.Fatalf("testkit: the bot has not answered %d webhook(s) of %s's thread within %v: it is still handling them (slow, or blocked).\n%s",
				len(pending), u.info.FirstName, u.emu.timeout, u.transcript())
			return
		}
	}
	for {
		s := u.st.settled.Load()
		if s >= last || u.st.settled.CompareAndSwap(s, last) {
			return
		}
	}
}
