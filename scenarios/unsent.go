package scenarios

import (
	"cmp"
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/messemu/messemu/fakegraph"
	"github.com/messemu/messemu/validator"
)

// The platform sends the bot only the webhook fields that are both in
// the webhook's fields and in the Page's subscribed_apps; messemu does
// the same, and journals nothing for the others: the user's action is
// there, no delivery attempt follows it. What the journal does hold is
// how the subscriptions changed: the webhook's settings (control
// "webhook"), the bot's accepted POST and DELETE /{page}/subscribed_apps
// and the resets. subHistory reads them, so that a wait can tell an
// action that was never sent from one still on its way.

// unsentGrace is how long an expectation waits, once nothing the user did
// since the bot's last message was sent to the bot and the bot has
// finished every webhook of theirs, before it fails: long enough for a
// bot that sends after answering its webhook.
const unsentGrace = time.Second

// subHistory is what the journal says about the subscriptions, read up
// to seq upTo.
type subHistory struct {
	upTo uint64
	// changes are the webhook's settings, the subscribed_apps calls and
	// the resets, in journal order.
	changes []fakegraph.Event
	// now is the webhook's fields as GET webhook answers them: those
	// before the oldest change the journal kept.
	now []string
}

// subscriptions caches the run's subHistory for the scenarios.
type subscriptions struct {
	c  *client
	mu sync.Mutex
	h  *subHistory
}

// at returns the history up to seq at least, reading what the journal
// added since the last read when the cached history stops short of it.
func (s *subscriptions) at(ctx context.Context, seq uint64) (*subHistory, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.h != nil && s.h.upTo >= seq {
		return s.h, nil
	}
	h, err := readSubHistory(ctx, s.c, s.h)
	if err != nil && s.h != nil {
		h, err = readSubHistory(ctx, s.c, nil) // the journal may have dropped what followed the last read
	}
	if err != nil {
		return nil, err
	}
	s.h = h
	return h, nil
}

// readSubHistory reads the history, or what the journal added to old
// since it was read.
func readSubHistory(ctx context.Context, c *client, old *subHistory) (*subHistory, error) {
	h := &subHistory{}
	var after *uint64
	if old != nil {
		h.now = old.now
		h.changes = slices.Clone(old.changes)
		after = &old.upTo
	} else {
		var st fakegraph.WebhookStatus
		if err := c.control(ctx, "GET", "webhook", nil, &st); err != nil {
			return nil, err
		}
		h.now = st.Fields
	}
	for i, q := range []string{"kind=request&api=subscriptions&accepted=true", "kind=control&api=webhook", "kind=control&api=reset"} {
		evs, last, err := readSelected(ctx, c, q, after)
		if err != nil {
			return nil, err
		}
		if i == 0 {
			// What comes later than the first read cannot change the
			// state at an event it covers.
			h.upTo = last
		}
		h.changes = append(h.changes, evs...)
	}
	slices.SortFunc(h.changes, func(a, b fakegraph.Event) int { return cmp.Compare(a.Seq, b.Seq) })
	// A change after upTo that a later query read is read again next time.
	h.changes = slices.CompactFunc(h.changes, func(a, b fakegraph.Event) bool { return a.Seq == b.Seq })
	return h, nil
}

// readSelected reads every event the journal keeps that query selects
// after seq after (nil: from the oldest kept), and the journal's last seq
// when the reading began.
func readSelected(ctx context.Context, c *client, query string, after *uint64) ([]fakegraph.Event, uint64, error) {
	var out []fakegraph.Event
	var first uint64
	for n := 0; ; n++ {
		var page struct {
			Events  []fakegraph.Event `json:"events"`
			LastSeq uint64            `json:"last_seq"`
		}
		q := "journal?limit=1000&" + query
		if after != nil {
			q += "&after=" + strconv.FormatUint(*after, 10)
		}
		if err := c.control(ctx, "GET", q, nil, &page); err != nil {
			return nil, 0, err
		}
		if n == 0 {
			first = page.LastSeq
		}
		out = append(out, page.Events...)
		if len(page.Events) < 1000 {
			return out, first, nil
		}
		last := page.Events[len(page.Events)-1].Seq
		after = &last
	}
}

// state is the webhook's fields and the Page's subscribed_apps just
// before journal event seq; off when the app is not subscribed to the
// Page at all (its events are then journalled as failed).
func (h *subHistory) state(pageID string, seq uint64) (webhook, page []string, off bool) {
	webhook, page = h.now, fakegraph.WebhookFields()
	for _, e := range h.changes {
		if e.Seq >= seq {
			break
		}
		switch {
		case e.Kind == fakegraph.KindControl && e.API == fakegraph.ChangeReset:
			page, off = fakegraph.WebhookFields(), false
		case e.Kind == fakegraph.KindControl:
			var d struct {
				Data struct {
					Fields []string `json:"fields"`
				} `json:"data"`
			}
			if json.Unmarshal(e.Detail, &d) == nil && d.Data.Fields != nil {
				webhook = d.Data.Fields
			}
		case e.PageID != pageID || !strings.HasSuffix(e.Path, "/subscribed_apps"):
		case e.Method == "DELETE":
			off = true
		case e.Method == "POST":
			if f := requestFields(e.Request); len(f) > 0 {
				page, off = f, false
			}
		}
	}
	return webhook, page, off
}

// requestFields reads subscribed_fields from a journalled request: a
// comma list or an array, as the Graph call reads it.
func requestFields(raw json.RawMessage) []string {
	var req struct {
		Fields any `json:"subscribed_fields"`
	}
	if json.Unmarshal(raw, &req) != nil {
		return nil
	}
	return validator.FieldList(req.Fields)
}

// why says why the webhook of e was never sent: its field is not in both
// the webhook's fields and the Page's subscribed_apps. "" when it was
// sent (or its failure is journalled), or it carries no webhook.
func (h *subHistory) why(e *fakegraph.Event) string {
	hook, ok := e.Hook()
	if !ok {
		return ""
	}
	webhook, page, off := h.state(e.PageID, e.Seq)
	if off {
		return ""
	}
	return fakegraph.UnsentText(hook, webhook, page, func(string) string {
		return `PUT /_messemu/v1/webhook with "fields" that include it, or without "fields" for every field`
	})
}

// unsent explains, one line each, the user's actions in evs[from:] whose
// webhook was never sent to the bot, and reports whether one of them (or
// a handover the bot is told of) was sent: something the bot may still
// answer. It reads the journal for the subscriptions only when some
// action has no delivery attempt; on an error it knows nothing.
func (ss *session) unsent(ctx context.Context, evs []fakegraph.Event, from int) (lines []string, sent bool) {
	tried := fakegraph.Attempted(evs)
	var quiet []*fakegraph.Event
	for i := from; i < len(evs); i++ {
		e := &evs[i]
		if e.Kind != fakegraph.KindUserAction && e.Kind != fakegraph.KindHandover {
			continue
		}
		if _, ok := e.Hook(); !ok {
			continue
		}
		if _, ok := tried[e.Seq]; ok {
			sent = true
			continue
		}
		quiet = append(quiet, e)
	}
	if len(quiet) == 0 {
		return nil, sent
	}
	h, err := ss.f.subs.at(ctx, quiet[len(quiet)-1].Seq)
	if err != nil {
		return nil, true
	}
	for _, e := range quiet {
		switch why := h.why(e); {
		case why == "":
			sent = true
		case e.Kind == fakegraph.KindUserAction:
			lines = append(lines, userActionText(*e)+": "+why)
		}
	}
	return lines, sent
}

// unsentText is the failure's account of lines.
func unsentText(lines []string) string {
	return "\n      " + strings.Join(lines, "\n      ")
}

// pending lists the events of evs that fire a webhook sent to the bot
// and have no final delivery attempt yet; a webhook never sent for want
// of a subscription is not pending. kinds, when given, keeps only those.
func (ss *session) pending(ctx context.Context, evs []fakegraph.Event, kinds ...fakegraph.EventKind) []*fakegraph.Event {
	tried := fakegraph.Attempted(evs)
	var out []*fakegraph.Event
	for i := range evs {
		e := &evs[i]
		if _, ok := e.Hook(); !ok || tried[e.Seq] || (len(kinds) > 0 && !slices.Contains(kinds, e.Kind)) {
			continue
		}
		out = append(out, e)
	}
	if len(out) == 0 {
		return nil
	}
	h, err := ss.f.subs.at(ctx, out[len(out)-1].Seq)
	if err != nil {
		return out
	}
	return slices.DeleteFunc(out, func(e *fakegraph.Event) bool {
		_, began := tried[e.Seq]
		return !began && h.why(e) != ""
	})
}

// nothingSent reports, with its account, that nothing the user did since
// the bot's last message read was sent to the bot and the bot has
// finished every webhook of the user's actions: no answer can come.
func (ss *session) nothingSent(ctx context.Context, evs []fakegraph.Event) ([]string, bool) {
	lines, sent := ss.unsent(ctx, evs, ss.answered)
	if len(lines) == 0 || sent {
		return nil, false
	}
	if len(ss.pending(ctx, evs, fakegraph.KindUserAction, fakegraph.KindHandover)) > 0 {
		return nil, false
	}
	return lines, true
}

// unsentStop ends a wait that no message can end: nothing the user did
// since the bot's last message was sent to the bot.
type unsentStop struct{ lines []string }

func (u *unsentStop) Error() string { return "nothing the user did was sent to the bot" }
