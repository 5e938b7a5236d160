package fakegraph

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// A panic in a send's rules (a bug) is answered as a Graph error, and the
// send lets go of the server's lock on its way out: the next send is
// served rather than waiting for ever behind it.
func TestSendPanicLetsGoOfTheLock(t *testing.T) {
	t.Parallel()
	s := New()
	userWrites(t, s, alice)
	s.mu.Lock()
	p := s.pages[DefaultPageID]
	personas := p.personas
	p.personas = nil // the persona rule reads through it: a nil dereference
	s.mu.Unlock()

	post := func(body string) <-chan int {
		done := make(chan int, 1)
		go func() {
			req := httptest.NewRequest("POST", "/v26.0/me/messages?access_token="+DefaultPageToken, strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			s.Handler().ServeHTTP(rec, req)
			done <- rec.Code
		}()
		return done
	}
	answered := func(what string, done <-chan int) int {
		t.Helper()
		select {
		case code := <-done:
			return code
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: no answer in 10 s (the server's lock is still held)", what)
			return 0
		}
	}

	withPersona := `{"recipient":{"id":"` + alice + `"},"messaging_type":"RESPONSE","message":{"text":"hi"},"persona_id":"1234567890"}`
	if code := answered("the send that panics", post(withPersona)); code == 200 {
		t.Fatalf("the send whose rules panicked was accepted")
	}
	ev := lastRequest(t, s)
	if ev.Accepted || !strings.Contains(firstViolationDetail(ev), "internal error") {
		t.Fatalf("the journal does not show the recovered panic: %+v", ev.Violations)
	}

	s.mu.Lock()
	p.personas = personas
	s.mu.Unlock()
	if code := answered("the next send", post(textSend)); code != 200 {
		t.Fatalf("the next send: status %d, want 200", code)
	}
}

// firstViolationDetail is the detail of ev's first violation, or "".
func firstViolationDetail(ev Event) string {
	if len(ev.Violations) == 0 {
		return ""
	}
	return ev.Violations[0].Detail
}
