package fakegraph

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// A bot for the webhook tests: it answers the handshake, checks both
// signatures of every POST with the app secret, and keeps each body.

type hookBot struct {
	t           testing.TB
	secret      string
	verifyToken string
	srv         *httptest.Server
	got         chan []byte
	// answer, when set, decides a POST's fate (a status, or a stall
	// until the emulator's timeout) after the signatures are checked.
	answer func(body []byte) (status int, stall bool)
	// challenge, when set, is what the bot answers to the handshake.
	challenge func(c string) string
	mu        sync.Mutex
}

func newHookBot(t testing.TB) *hookBot {
	t.Helper()
	b := &hookBot{t: t, secret: DefaultAppSecret, verifyToken: DefaultVerifyToken, got: make(chan []byte, 1<<16)}
	b.srv = httptest.NewServer(b)
	t.Cleanup(b.srv.Close)
	return b
}

func (b *hookBot) URL() string { return b.srv.URL + "/webhook" }

func (b *hookBot) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet {
		q := r.URL.Query()
		if q.Get("hub.mode") != "subscribe" || q.Get("hub.verify_token") != b.verifyToken {
			http.Error(w, "bad verify token", http.StatusForbidden)
			return
		}
		c := q.Get("hub.challenge")
		b.mu.Lock()
		f := b.challenge
		b.mu.Unlock()
		if f != nil {
			c = f(c)
		}
		_, _ = io.WriteString(w, c)
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return // the emulator gave up (timeout): nothing was delivered
	}
	if msg := checkSignatures(b.secret, r.Header, body); msg != "" {
		b.t.Errorf("%s\nbody: %s", msg, body)
		http.Error(w, msg, http.StatusForbidden)
		return
	}
	if ua := r.Header.Get("User-Agent"); ua != "facebookexternalua" {
		b.t.Errorf("User-Agent %q, want facebookexternalua", ua)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		b.t.Errorf("Content-Type %q, want application/json", ct)
	}
	for _, c := range body {
		if c >= 0x80 {
			b.t.Errorf("body has a raw non-ASCII byte: %s", body)
			break
		}
	}
	b.mu.Lock()
	answer := b.answer
	b.mu.Unlock()
	if answer != nil {
		status, stall := answer(body)
		if stall {
			<-r.Context().Done() // answer only once the emulator gave up
			return
		}
		if status != http.StatusOK {
			w.WriteHeader(status)
			return
		}
	}
	b.got <- body
}

// setAnswer changes how the bot answers POSTs (nil: 200).
func (b *hookBot) setAnswer(f func(body []byte) (int, bool)) {
	b.mu.Lock()
	b.answer = f
	b.mu.Unlock()
}

// setChallenge changes what the bot answers to the handshake (nil: the
// challenge).
func (b *hookBot) setChallenge(f func(string) string) {
	b.mu.Lock()
	b.challenge = f
	b.mu.Unlock()
}

// checkSignatures verifies X-Hub-Signature-256 and X-Hub-Signature.
func checkSignatures(secret string, h http.Header, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	if want := "sha256=" + hex.EncodeToString(m.Sum(nil)); h.Get("X-Hub-Signature-256") != want {
		return "X-Hub-Signature-256 is " + h.Get("X-Hub-Signature-256") + ", want " + want
	}
	m1 := hmac.New(sha1.New, []byte(secret))
	m1.Write(body)
	if want := "sha1=" + hex.EncodeToString(m1.Sum(nil)); h.Get("X-Hub-Signature") != want {
		return "X-Hub-Signature is " + h.Get("X-Hub-Signature") + ", want " + want
	}
	return ""
}

// next waits for the bot's next delivered body.
func (b *hookBot) next(t testing.TB) []byte {
	t.Helper()
	select {
	case body := <-b.got:
		return body
	case <-time.After(10 * time.Second):
		t.Fatal("the bot got no webhook within 10 s")
	}
	return nil
}

// noWebhookWithin is an absence check: it fails if the bot gets a webhook
// within d of real time. It cannot prove that nothing comes later; callers
// wait on the journal first where an event would show there.
func (b *hookBot) noWebhookWithin(t testing.TB, d time.Duration) {
	t.Helper()
	select {
	case body := <-b.got:
		t.Errorf("unexpected webhook within %v: %s", d, body)
	case <-time.After(d):
	}
}

// waitUntil polls cond until it holds, and fails the test after 10 s
// rather than hanging it.
func waitUntil(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("still waiting after 10 s for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// hookServer starts an emulator with a frozen clock and a deterministic
// id source, its webhook pointed at bot.
func hookServer(t testing.TB, bot *hookBot, cfg WebhookConfig, opts ...Option) *Server {
	t.Helper()
	s := New(append([]Option{WithClock(NewFrozenClock(time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC))), WithIDSeed(7)}, opts...)...)
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	if bot != nil {
		cfg.URL = bot.URL()
		if err := s.SetWebhook(cfg); err != nil {
			t.Fatalf("SetWebhook: %v", err)
		}
	}
	return s
}

// waitJournal waits for an event after seq that keep accepts.
func waitJournal(t testing.TB, s *Server, after uint64, keep func(*Event) bool) Event {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for {
		evs, err := s.Journal().Wait(ctx, after, 0)
		if err != nil {
			t.Fatalf("no matching journal event: %v", err)
		}
		for i := range evs {
			if keep(&evs[i]) {
				return evs[i]
			}
			after = evs[i].Seq
		}
	}
}

// attemptOf decodes a webhook attempt's detail.
func attemptOf(t testing.TB, e Event) WebhookAttemptDetail {
	t.Helper()
	var d WebhookAttemptDetail
	if err := json.Unmarshal(e.Detail, &d); err != nil {
		t.Fatalf("attempt detail %s: %v", e.Detail, err)
	}
	return d
}

// botSends posts a Send API body as the bot and returns the answer.
func botSends(t testing.TB, s *Server, body map[string]any) map[string]any {
	t.Helper()
	res := apiJSON(t, s, "POST", "/v26.0/me/messages", body)
	if res.status != http.StatusOK {
		t.Fatalf("send refused: %s", res.raw)
	}
	return res.body
}
