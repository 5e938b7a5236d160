package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/messemu/messemu/fakegraph/journal"
)

// fakeHost is an emulator reduced to what Host asks: a journal, a frozen
// clock and one Page's subscription.
type fakeHost struct {
	j   *journal.Journal
	now time.Time

	mu     sync.Mutex
	fields map[string][]string
}

func (h *fakeHost) Journal() *journal.Journal     { return h.j }
func (h *fakeHost) Logger() *slog.Logger          { return slog.New(slog.DiscardHandler) }
func (h *fakeHost) AppSecret() string             { return "secret" }
func (h *fakeHost) Now() time.Time                { return h.now }
func (h *fakeHost) ClockChanged() <-chan struct{} { return make(chan struct{}) }

func (h *fakeHost) SubscribedFields(pageID string) []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.fields[pageID]
}

func (h *fakeHost) UnsubscribeAll() map[string][]string {
	h.mu.Lock()
	defer h.mu.Unlock()
	had := h.fields
	h.fields = map[string][]string{}
	return had
}

func (h *fakeHost) Resubscribe(fields map[string][]string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for id, f := range fields {
		h.fields[id] = f
	}
}

// The dispatcher needs nothing of the emulator but Host: it follows the
// journal, posts the Hook of an event, signed with the app secret, and
// journals the attempt.
func TestDispatcherDeliversThroughHost(t *testing.T) {
	t.Parallel()
	got := make(chan []byte, 1)
	bot := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			if _, err := io.WriteString(w, r.URL.Query().Get("hub.challenge")); err != nil {
				t.Error(err)
			}
			return
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			t.Error(err)
		}
		m := hmac.New(sha256.New, []byte("secret"))
		m.Write(body)
		if want := "sha256=" + hex.EncodeToString(m.Sum(nil)); r.Header.Get("X-Hub-Signature-256") != want {
			t.Errorf("X-Hub-Signature-256 = %q, want %q", r.Header.Get("X-Hub-Signature-256"), want)
		}
		got <- body
	}))
	defer bot.Close()
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	host := &fakeHost{j: journal.NewJournal(0), now: at, fields: map[string][]string{pageID: Fields()}}
	d := New(host)
	defer d.Close()
	require.NoError(t, d.SetWebhook(WebhookConfig{URL: bot.URL, VerifyToken: "tok"}, nil))

	item := json.RawMessage(`{"sender":{"id":"42"},"recipient":{"id":"` + pageID + `"},"timestamp":1,"message":{"mid":"m.1","text":"hé"}}`)
	detail, err := json.Marshal(journal.UserActionDetail{Action: journal.ActionMessage, Hook: journal.Hook{Field: journal.FieldMessages, Event: item}})
	require.NoError(t, err)
	ev := host.j.Append(journal.Event{Time: at, Kind: journal.KindUserAction, PageID: pageID, PSID: "42", API: journal.FieldMessages, Accepted: true, MID: "m.1", Detail: detail})

	var body []byte
	select {
	case body = <-got:
	case <-time.After(10 * time.Second):
		t.Fatal("the bot got nothing")
	}
	want := `{"object":"page","entry":[{"id":"` + pageID + `","time":` + "1767323045000" + `,"messaging":[` +
		`{"sender":{"id":"42"},"recipient":{"id":"` + pageID + `"},"timestamp":1,"message":{"mid":"m.1","text":"h\u00e9"}}]}]}`
	if d := cmp.Diff(want, string(body)); d != "" {
		t.Errorf("body (-want +got):\n%s", d)
	}
	attempts, err := host.j.WaitMatch(t.Context(), ev.Seq, 1, func(e *journal.Event) bool { return e.Kind == journal.KindWebhook })
	require.NoError(t, err)
	a, ok := attempts[0].Attempt()
	require.True(t, ok)
	require.Equal(t, journal.OutcomeDelivered, a.Outcome)
	require.Equal(t, ev.Seq, a.EventSeq)
	require.Equal(t, 1, a.Attempt)
	st := d.Status()
	require.Equal(t, "active", st.State)
	require.Equal(t, uint64(1), st.Delivered)
}

// A disable that falls between the host storing a Page's subscription and
// Subscribed has unsubscribed that Page too: Subscribed, enabling the
// webhook, stores the subscription again, so the webhook never reads
// active while no Page is subscribed.
func TestSubscribedRestoresASubscriptionTheDisableWiped(t *testing.T) {
	t.Parallel()
	bot := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, r.URL.Query().Get("hub.challenge"))
	}))
	defer bot.Close()
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	host := &fakeHost{j: journal.NewJournal(0), now: at, fields: map[string][]string{}}
	d := New(host)
	defer d.Close()
	require.NoError(t, d.SetWebhook(WebhookConfig{URL: bot.URL, VerifyToken: "tok"}, nil))

	// The host stores the bot's new subscription, and the hour of failures
	// ends before it tells the dispatcher.
	host.Resubscribe(map[string][]string{pageID: {"messages"}})
	d.mu.Lock()
	d.failing = at.Add(-disableAfter)
	d.checkFailureLocked(at)
	d.mu.Unlock()
	require.Equal(t, "disabled", d.Status().State)
	require.Nil(t, host.SubscribedFields(pageID), "the disable unsubscribes every Page")

	d.Subscribed(pageID, []string{"messages"})
	require.Equal(t, "active", d.Status().State)
	require.Equal(t, []string{"messages"}, host.SubscribedFields(pageID))
}

// A redirect is not a delivery: the bot's answer to the POST is a 302, not
// the 2xx the platform wants, however the redirect's target answers.
func TestARedirectIsNoDelivery(t *testing.T) {
	t.Parallel()
	var gets atomic.Int32
	bot := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			gets.Add(1)
			_, _ = io.WriteString(w, r.URL.Query().Get("hub.challenge"))
			return
		}
		http.Redirect(w, r, "/webhook?hub.mode=subscribe&hub.verify_token=tok&hub.challenge=1", http.StatusFound)
	}))
	defer bot.Close()
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	host := &fakeHost{j: journal.NewJournal(0), now: at, fields: map[string][]string{pageID: Fields()}}
	d := New(host)
	defer d.Close()
	require.NoError(t, d.SetWebhook(WebhookConfig{URL: bot.URL + "/webhook", VerifyToken: "tok"}, nil))
	handshakes := gets.Load()

	item := json.RawMessage(`{"sender":{"id":"42"},"recipient":{"id":"` + pageID + `"},"timestamp":1,"message":{"mid":"m.1","text":"hi"}}`)
	detail, err := json.Marshal(journal.UserActionDetail{Action: journal.ActionMessage, Hook: journal.Hook{Field: journal.FieldMessages, Event: item}})
	require.NoError(t, err)
	ev := host.j.Append(journal.Event{Time: at, Kind: journal.KindUserAction, PageID: pageID, PSID: "42", API: journal.FieldMessages, Accepted: true, MID: "m.1", Detail: detail})
	attempts, err := host.j.WaitMatch(t.Context(), ev.Seq, 1, func(e *journal.Event) bool { return e.Kind == journal.KindWebhook })
	require.NoError(t, err)
	a, ok := attempts[0].Attempt()
	require.True(t, ok)
	require.NotEqual(t, journal.OutcomeDelivered, a.Outcome)
	require.Contains(t, a.Error, "HTTP 302")
	require.Equal(t, handshakes, gets.Load(), "the redirect was not followed")
}
