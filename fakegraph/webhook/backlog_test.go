package webhook

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/messemu/messemu/fakegraph/journal"
)

// gatedBot is a bot that holds every POST until open is closed, and
// records the mids it got, in order.
type gatedBot struct {
	open chan struct{}
	mu   sync.Mutex
	mids []string
}

func newGatedBot(t *testing.T) (*gatedBot, *httptest.Server) {
	b := &gatedBot{open: make(chan struct{})}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			if _, err := io.WriteString(w, r.URL.Query().Get("hub.challenge")); err != nil {
				t.Error(err)
			}
			return
		}
		<-b.open
		var p WebhookPayload
		if err := json.NewDecoder(r.Body).Decode(&p); err != nil {
			t.Error(err)
			return
		}
		b.mu.Lock()
		defer b.mu.Unlock()
		for _, e := range p.Entry {
			for _, raw := range e.Messaging {
				var ev MessagingEvent
				if err := json.Unmarshal(raw, &ev); err != nil || ev.Message == nil {
					t.Errorf("not a message: %s", raw)
					continue
				}
				b.mids = append(b.mids, ev.Message.MID)
			}
		}
	}))
	t.Cleanup(srv.Close)
	return b, srv
}

func (b *gatedBot) got() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.mids...)
}

// userMessages journals n messages of user psid, with mids "m.<from+i>".
func userMessages(t *testing.T, h *fakeHost, psid string, from, n int) {
	t.Helper()
	for i := from; i < from+n; i++ {
		mid := fmt.Sprintf("m.%d", i)
		item := json.RawMessage(`{"sender":{"id":"` + psid + `"},"recipient":{"id":"` + pageID + `"},"timestamp":1,"message":{"mid":"` + mid + `","text":"hi"}}`)
		detail, err := json.Marshal(journal.UserActionDetail{Action: journal.ActionMessage, Hook: journal.Hook{Field: journal.FieldMessages, Event: item}})
		require.NoError(t, err)
		h.j.Append(journal.Event{Time: h.now, Kind: journal.KindUserAction, PageID: pageID, PSID: psid, API: journal.FieldMessages, Accepted: true, MID: mid, Detail: detail})
	}
}

// inOrder checks that mids come in increasing order (no repeats).
func inOrder(t *testing.T, mids []string) {
	t.Helper()
	last := -1
	for _, m := range mids {
		var n int
		_, err := fmt.Sscanf(m, "m.%d", &n)
		require.NoError(t, err)
		require.Greater(t, n, last, "out of order or repeated: %s after m.%d", m, last)
		last = n
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// alertWatch collects the drop alerts of a journal as they come (a small
// retention would soon trim them).
type alertWatch struct {
	mu     sync.Mutex
	alerts []journal.AlertDetail
}

func watchAlerts(t *testing.T, j *journal.Journal) *alertWatch {
	w := &alertWatch{}
	ctx := t.Context()
	go func() {
		seq := j.Last()
		for {
			evs, err := j.WaitMatch(ctx, seq, 0, func(e *journal.Event) bool {
				return e.Kind == journal.KindAlert && e.API == journal.AlertWebhookDropped
			})
			var trimmed *journal.TrimmedError
			switch {
			case errors.As(err, &trimmed):
				seq = trimmed.First - 1
				continue
			case err != nil:
				return
			}
			for _, e := range evs {
				var a journal.AlertDetail
				if json.Unmarshal(e.Detail, &a) != nil {
					t.Errorf("alert detail: %s", e.Detail)
				}
				w.mu.Lock()
				w.alerts = append(w.alerts, a)
				w.mu.Unlock()
				seq = e.Seq
			}
		}
	}()
	return w
}

func (w *alertWatch) got() []journal.AlertDetail {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]journal.AlertDetail(nil), w.alerts...)
}

// startBounded starts a dispatcher on host with small bounds, pointed at
// the gated bot.
func startBounded(t *testing.T, host *fakeHost, held, behind int) (*Dispatcher, *gatedBot) {
	t.Helper()
	bot, srv := newGatedBot(t)
	d := New(host)
	t.Cleanup(d.Close)
	d.maxHeld, d.maxBehind = held, behind
	require.NoError(t, d.SetWebhook(WebhookConfig{URL: srv.URL, Timeout: time.Minute}, nil))
	return d, bot
}

// A bot that stops answering under a flood of events: the dispatcher
// holds a bounded number of them in memory, the journal stays within its
// retention plus the dispatcher's allowance, the events beyond are dropped
// and reported once with their count, and delivery resumes in order.
func TestBacklogIsBoundedAndDropsAreReported(t *testing.T) {
	t.Parallel()
	const retention, held, behind, n = 200, 16, 300, 5000
	host := &fakeHost{j: journal.NewJournal(retention), now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), fields: map[string][]string{pageID: Fields()}}
	alerts := watchAlerts(t, host.j)
	d, bot := startBounded(t, host, held, behind)

	maxPending := 0
	for i := 0; i < n; i += 100 {
		userMessages(t, host, "42", i, 100)
		maxPending = max(maxPending, d.Status().Pending)
		// Once the dispatcher has looked, the journal holds no more than
		// its retention (trimmed in batches of a quarter), the allowance
		// past it and the last 100 events (an event without a webhook
		// makes it trim).
		waitFor(t, "the journal within its bound", func() bool {
			host.j.Append(journal.Event{Time: host.now, Kind: journal.KindControl, API: journal.ChangeClock})
			return host.j.Last()-host.j.First()+1 <= retention*5/4+behind+100
		})
	}
	// In memory: at most held events and one batch read from the journal.
	require.LessOrEqual(t, maxPending, held+followBatch)
	require.Empty(t, bot.got(), "the gate is closed")

	close(bot.open)
	waitFor(t, "the drop alert", func() bool { return len(alerts.got()) > 0 })
	st := d.Status()
	waitFor(t, "the delivery of what was kept", func() bool { st = d.Status(); return st.Pending == 0 && int(st.Delivered)+int(st.Dropped) == n })
	got := bot.got()
	require.Len(t, got, int(st.Delivered))
	require.Zero(t, st.Failed)
	require.Greater(t, st.Dropped, uint64(n/2), "most of the flood had to go")
	inOrder(t, got)

	got1 := alerts.got()
	require.Len(t, got1, 1, "one alert for the episode")
	require.Equal(t, int(st.Dropped), got1[0].Dropped)
	require.Contains(t, got1[0].Alert, fmt.Sprintf("%d webhook events were dropped", st.Dropped))
	require.Less(t, got1[0].FromSeq, got1[0].ToSeq)

	// Delivery resumes: new events all arrive, after the old ones.
	userMessages(t, host, "42", n, 50)
	waitFor(t, "the new events", func() bool { return len(bot.got()) == len(got)+50 })
	got = bot.got()
	inOrder(t, got)
	require.Equal(t, fmt.Sprintf("m.%d", n+49), got[len(got)-1])
	time.Sleep(20 * time.Millisecond)
	require.Len(t, alerts.got(), 1, "no new episode")
}

// A backlog the bound can take loses nothing: the journal holds what the
// dispatcher has not read (its pin), however small its retention, and the
// dispatcher holds no more than its bound in memory.
func TestBacklogWithinTheBoundLosesNothing(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		j      *journal.Journal
		behind int
	}{
		{"bounded journal, allowance large enough", journal.NewJournal(50), 10_000},
		{"unbounded journal, tiny allowance", journal.NewJournal(0), 10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			const held, n = 16, 2000
			host := &fakeHost{j: tc.j, now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), fields: map[string][]string{pageID: Fields()}}
			alerts := watchAlerts(t, host.j)
			d, bot := startBounded(t, host, held, tc.behind)
			maxPending := 0
			for i := 0; i < n; i += 100 {
				userMessages(t, host, "42", i, 50)
				userMessages(t, host, "43", i+50, 50)
				maxPending = max(maxPending, d.Status().Pending)
			}
			require.LessOrEqual(t, maxPending, held+followBatch)
			close(bot.open)
			// The bot has an event before the dispatcher counts it.
			waitFor(t, "every event", func() bool { return len(bot.got()) == n && d.Status().Delivered == n })
			st := d.Status()
			require.Zero(t, st.Dropped)
			require.Empty(t, alerts.got())
			var per [2][]string
			for _, m := range bot.got() {
				var k int
				_, err := fmt.Sscanf(m, "m.%d", &k)
				require.NoError(t, err)
				per[(k/50)%2] = append(per[(k/50)%2], m)
			}
			inOrder(t, per[0])
			inOrder(t, per[1])
		})
	}
}

// Taking a delivered event off the head of its user's queue is O(1): the
// queue behind it is not copied (it once was, and a backlog of 150,000
// events for one user slowed delivery to 24 a second).
func TestPopHeadDoesNotCopyTheQueue(t *testing.T) {
	d := New(&fakeHost{j: journal.NewJournal(0)})
	defer d.Close()
	d.mu.Lock()
	defer d.mu.Unlock()
	evs := make([]*webhookEvent, 1000)
	for i := range evs {
		evs[i] = &webhookEvent{id: uint64(i), key: "p/u"}
		d.pushLocked(evs[i], false)
	}
	before := &d.queues["p/u"][1]
	d.popLocked(evs[0])
	q := d.queues["p/u"]
	require.Len(t, q, 999)
	require.Same(t, before, &q[0], "the queue was copied")
	require.Equal(t, 999, d.pending)
	// An event behind the head (a retry put after the one in flight) still
	// goes, and the order stays.
	d.popLocked(evs[500])
	q = d.queues["p/u"]
	require.Len(t, q, 998)
	for i, we := range q {
		want := uint64(i + 1)
		if i >= 499 {
			want++
		}
		require.Equal(t, want, we.id)
	}
}
