package journal

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
)

// A pin keeps every event after it whatever the limit; once it moves on,
// the journal trims, and a reader behind the oldest kept event is told.
func TestPinHoldsEventsUnderTheLimit(t *testing.T) {
	t.Parallel()
	j := NewJournal(4)
	p := j.Pin(0)
	defer p.Release()
	for range 20 {
		j.Append(Event{Kind: KindControl})
	}
	require.Equal(t, uint64(1), j.First(), "the pinned events were trimmed")
	require.Len(t, j.After(0, 0), 20)

	p.Move(20)
	j.Append(Event{Kind: KindControl})
	require.Equal(t, uint64(18), j.First(), "the newest 4 are kept once the pin moved")
	_, err := j.Read(0, 0, nil)
	var te *TrimmedError
	require.ErrorAs(t, err, &te)
	require.ErrorIs(t, err, ErrTrimmed)
	require.Equal(t, TrimmedError{After: 0, First: 18}, *te)
	evs, err := j.Read(17, 0, nil)
	require.NoError(t, err)
	require.Equal(t, uint64(18), evs[0].Seq)
}

// WaitMatch skips what does not match and wakes on the first event that
// does; a cancelled wait returns the context's error.
func TestWaitMatchWakesOnAMatchingEvent(t *testing.T) {
	t.Parallel()
	j := NewJournal(0)
	alerts := func(e *Event) bool { return e.Kind == KindAlert }
	done := make(chan []Event)
	go func() {
		evs, err := j.WaitMatch(t.Context(), 0, 0, alerts)
		if err != nil {
			t.Error(err)
		}
		done <- evs
	}()
	j.Append(Event{Kind: KindControl})
	j.Append(Event{Kind: KindAlert, API: AlertWebhookFailing})
	evs := <-done
	require.Len(t, evs, 1)
	require.Equal(t, uint64(2), evs[0].Seq)

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := j.WaitMatch(ctx, j.Last(), 0, alerts)
	require.True(t, errors.Is(err, context.Canceled), "err = %v", err)
}

// Every kind's Detail decodes to its own type; the kinds that fire a
// webhook give their Hook.
func TestDecodeDetail(t *testing.T) {
	t.Parallel()
	hook := Hook{Field: FieldMessages, Event: json.RawMessage(`{"message":{"mid":"m.1"}}`)}
	cases := []struct {
		kind   EventKind
		api    string
		detail any
		hooked bool
	}{
		{KindUserAction, FieldMessages, UserActionDetail{Action: ActionMessage, Hook: hook}, true},
		{KindReceipt, FieldMessages, ReceiptDetail{RequestSeq: 3, Hook: hook}, true},
		{KindHandover, FieldHandovers, HandoverDetail{Action: ActionPassThreadControl, Hook: hook}, true},
		{KindLabel, FieldInboxLabels, LabelDetail{Action: "add", LabelID: "7", Hook: hook}, true},
		{KindWebhook, FieldMessages, WebhookAttemptDetail{EventID: 1, EventSeq: 2, Attempt: 1, Outcome: OutcomeDelivered}, false},
		{KindWebhook, APIWebhookVerify, VerifyDetail{URL: "http://127.0.0.1/wh", Challenge: "1"}, false},
		{KindFault, APISend, FaultDetail{Rules: []string{"r1"}}, false},
		{KindControl, ChangeReset, ControlDetail{Change: ChangeReset}, false},
		{KindAlert, AlertWebhookFailing, AlertDetail{Alert: "failing"}, false},
	}
	for _, c := range cases {
		raw, err := json.Marshal(c.detail)
		require.NoError(t, err)
		e := Event{Seq: 1, Kind: c.kind, API: c.api, Detail: raw}
		got, err := e.DecodeDetail()
		require.NoError(t, err, "%s/%s", c.kind, c.api)
		if d := cmp.Diff(c.detail, got); d != "" {
			t.Errorf("%s/%s detail (-want +got):\n%s", c.kind, c.api, d)
		}
		h, ok := e.Hook()
		require.Equal(t, c.hooked, ok, "%s fires a webhook", c.kind)
		if ok {
			require.Equal(t, hook.Field, h.Field)
		}
	}
	_, err := (&Event{Seq: 9, Kind: KindRequest, Detail: json.RawMessage(`{}`)}).DecodeDetail()
	require.ErrorContains(t, err, `kind "request" has no detail`)
}

// Kept is the oldest event the retention alone would keep: a pin behind
// it holds the rest, and an unbounded journal keeps everything.
func TestKeptIgnoresPins(t *testing.T) {
	t.Parallel()
	j := NewJournal(4)
	p := j.Pin(0)
	defer p.Release()
	for range 20 {
		j.Append(Event{Kind: KindControl})
	}
	require.Equal(t, uint64(1), j.First(), "the pin holds every event")
	require.Equal(t, uint64(17), j.Kept(), "the newest 4 are what the retention keeps")
	p.Move(20)
	j.Append(Event{Kind: KindControl})
	require.Equal(t, uint64(18), j.Kept())
	require.Equal(t, j.First(), j.Kept())

	at := time.Date(2026, 1, 2, 3, 0, 0, 0, time.UTC)
	aged := NewRetainingJournal(Retention{Age: time.Hour})
	q := aged.Pin(0)
	defer q.Release()
	for i := range 5 {
		aged.Append(Event{Kind: KindControl, Time: at.Add(time.Duration(i) * 30 * time.Minute)})
	}
	require.Equal(t, uint64(3), aged.Kept(), "the hour before the newest event (5:00) starts with seq 3 (4:00)")

	all := NewJournal(0)
	all.Append(Event{Kind: KindControl})
	require.Equal(t, uint64(1), all.Kept())
}
