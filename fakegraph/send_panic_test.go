package fakegraph

import (
	"bytes"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// A panic in a send's rules (a bug) is answered as a Graph error, and the
// send lets go of the server's lock on its way out, whether it judged
// under the read lock (a JSON send) or held the write lock throughout (a
// send with a file): the next send is served rather than waiting for ever
// behind it.
func TestSendPanicLetsGoOfTheLock(t *testing.T) {
	t.Parallel()
	withPersona := `{"recipient":{"id":"` + alice + `"},"messaging_type":"RESPONSE","message":{"text":"hi"},"persona_id":"1234567890"}`
	ct, withFile := multipartBody(t,
		part{name: "recipient", data: []byte(`{"id":"` + alice + `"}`)},
		part{name: "messaging_type", data: []byte("RESPONSE")},
		part{name: "persona_id", data: []byte("1234567890")},
		part{name: "message", data: []byte(`{"attachment":{"type":"image","payload":{"is_reusable":true}}}`)},
		part{name: "filedata", fileName: "cat.png", contentType: "image/png", data: []byte("\x89PNG\r\n\x1a\n")})
	for _, tc := range []struct {
		name, contentType string
		body              []byte
	}{
		{"json, read lock", "application/json", []byte(withPersona)},
		{"file, write lock", ct, withFile},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := New()
			userWrites(t, s, alice)
			// lock takes the server's lock, failing the test rather than
			// hanging if a send left it held.
			lock := func(what string) {
				t.Helper()
				for deadline := time.Now().Add(10 * time.Second); !s.mu.TryLock(); time.Sleep(time.Millisecond) {
					if time.Now().After(deadline) {
						t.Fatalf("%s: the server's lock is still held after 10 s", what)
					}
				}
			}
			post := func(what, contentType string, body []byte) int {
				t.Helper()
				done := make(chan int, 1)
				go func() {
					req := httptest.NewRequest("POST", "/v26.0/me/messages?access_token="+DefaultPageToken, bytes.NewReader(body))
					req.Header.Set("Content-Type", contentType)
					rec := httptest.NewRecorder()
					s.Handler().ServeHTTP(rec, req)
					done <- rec.Code
				}()
				select {
				case code := <-done:
					return code
				case <-time.After(10 * time.Second):
					t.Fatalf("%s: no answer in 10 s (the server's lock is still held)", what)
					return 0
				}
			}

			lock("before")
			p := s.pages[DefaultPageID]
			personas := p.personas
			p.personas = nil // the persona rule reads through it: a nil dereference
			s.mu.Unlock()
			if code := post("the send that panics", tc.contentType, tc.body); code == 200 {
				t.Fatalf("the send whose rules panicked was accepted")
			}
			ev := lastRequest(t, s)
			if ev.Accepted || !strings.Contains(firstViolationDetail(ev), "internal error") {
				t.Fatalf("the journal does not show the recovered panic: %+v", ev.Violations)
			}

			lock("after the panic")
			p.personas = personas
			s.mu.Unlock()
			if code := post("the next send", "application/json", []byte(textSend)); code != 200 {
				t.Fatalf("the next send: status %d, want 200", code)
			}
		})
	}
}

// firstViolationDetail is the detail of ev's first violation, or "".
func firstViolationDetail(ev Event) string {
	if len(ev.Violations) == 0 {
		return ""
	}
	return ev.Violations[0].Detail
}
