package fakegraph

import (
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// A journal limit never costs a webhook: the dispatcher's pin keeps what it
// has not read (issue 3: "nothing is silently dropped").
func TestJournalLimitKeepsUndeliveredEvents(t *testing.T) {
	t.Parallel()
	var got atomic.Int64
	bot := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			if _, err := io.WriteString(w, r.URL.Query().Get("hub.challenge")); err != nil {
				t.Error(err)
			}
			return
		}
		if _, err := io.Copy(io.Discard, r.Body); err != nil {
			t.Error(err)
		}
		got.Add(1)
	}))
	defer bot.Close()
	s := New(WithJournalLimit(50))
	defer s.Close()
	off := false
	if err := s.SetWebhook(WebhookConfig{URL: bot.URL + "/wh", Receipts: &off}); err != nil {
		t.Fatal(err)
	}
	const n = 2000
	users := []string{alice, "6283749102837465", "7391028374650192"}
	for i := 0; i < n; i++ {
		if _, err := s.UserSends(DefaultPageID, users[i%len(users)], UserMessageRequest{Text: "hi"}); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(20 * time.Second)
	for got.Load() < n && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if got.Load() != n {
		st := s.Webhook()
		t.Fatalf("the bot got %d of %d events (delivered %d, failed %d, pending %d)", got.Load(), n, st.Delivered, st.Failed, st.Pending)
	}
	// Once read, the journal trims again.
	if _, err := s.UserSends(DefaultPageID, alice, UserMessageRequest{Text: "last"}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond)
	if evs := s.Journal().After(0, 0); len(evs) > 4*n/3 {
		t.Errorf("the journal holds %d events after the dispatcher caught up", len(evs))
	}
}

// A webhook that fails its handshake gets no event, not even one that was
// in flight to the previous URL (PLATFORM.md §10, Verification).
func TestNoPostToAnUnverifiedWebhook(t *testing.T) {
	t.Parallel()
	posted := make(chan struct{})
	var inFlight sync.Once
	old := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			if _, err := io.WriteString(w, r.URL.Query().Get("hub.challenge")); err != nil {
				t.Error(err)
			}
			return
		}
		inFlight.Do(func() { close(posted) })
		time.Sleep(300 * time.Millisecond)
		w.WriteHeader(http.StatusInternalServerError)
	}))
	defer old.Close()
	var posts atomic.Int64
	wrong := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			if _, err := io.WriteString(w, "wrong"); err != nil {
				t.Error(err)
			}
			return
		}
		posts.Add(1)
	}))
	defer wrong.Close()
	s := New(WithClock(NewFrozenClock(time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC))))
	defer s.Close()
	off := false
	if err := s.SetWebhook(WebhookConfig{URL: old.URL, Receipts: &off}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UserSends(DefaultPageID, alice, UserMessageRequest{Text: "hi"}); err != nil {
		t.Fatal(err)
	}
	select { // the first POST is in flight: the old bot is holding it
	case <-posted:
	case <-time.After(10 * time.Second):
		t.Fatal("the first POST never reached the old webhook")
	}
	if err := s.SetWebhook(WebhookConfig{URL: wrong.URL}); err == nil {
		t.Fatal("a webhook answering the wrong challenge was accepted")
	}
	deadline := time.Now().Add(5 * time.Second)
	for s.Webhook().Failed == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := posts.Load(); n != 0 {
		t.Errorf("the unverified webhook got %d POSTs", n)
	}
	if st := s.Webhook(); st.Failed != 1 {
		t.Errorf("the in-flight event is not reported failed: %+v", st)
	}
}

// Closing an emulator leaves no goroutine behind, keep-alive connections to
// the bot included (each test may start its own emulator).
func TestCloseLeavesNoGoroutines(t *testing.T) { // not parallel: it counts goroutines
	bot := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			if _, err := io.WriteString(w, r.URL.Query().Get("hub.challenge")); err != nil {
				t.Error(err)
			}
			return
		}
		if _, err := io.Copy(io.Discard, r.Body); err != nil {
			t.Error(err)
		}
	}))
	defer bot.Close()
	before := runtime.NumGoroutine()
	for i := 0; i < 10; i++ {
		s := New()
		if err := s.SetWebhook(WebhookConfig{URL: bot.URL}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.UserSends(DefaultPageID, alice, UserMessageRequest{Text: "hi"}); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(5 * time.Second)
		for s.Webhook().Delivered == 0 && time.Now().Before(deadline) {
			time.Sleep(5 * time.Millisecond)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before+2 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before+2 {
		buf := make([]byte, 1<<16)
		t.Errorf("%d goroutines before, %d after closing 10 emulators:\n%s", before, n, buf[:runtime.Stack(buf, true)])
	}
}
