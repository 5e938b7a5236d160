package fakegraph

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzControlRequest drives arbitrary methods, paths, bodies and browser
// headers through the control API. No input may panic or answer a 5xx or a
// body that is not JSON; a refusal is the control error envelope; a request
// from another site's page is always refused with 403.
func FuzzControlRequest(f *testing.F) {
	seeds := []struct{ method, path, body, origin string }{
		{"GET", "users", "", ""},
		{"POST", "users", `{"name":"Dana Li","locale":"fr_FR"}`, ""},
		{"POST", "users/" + alice + "/messages", `{"text":"hi"}`, ""},
		{"POST", "users/" + alice + "/messages", `{"attachments":[{"type":"sticker","sticker_id":369239263222822}]}`, ""},
		{"POST", "clock/advance", `{"duration":"2562047h"}`, ""},
		{"POST", "clock/advance", `{"to":"9999-12-31T23:59:59Z"}`, ""},
		{"GET", "journal?after=18446744073709551615&limit=1", "", ""},
		{"POST", "faults", `{"api":"send","error":"unavailable","times":1}`, ""},
		{"PUT", "handover/roles", `{"app_roles":{"1":["primary_receiver"]}}`, ""},
		{"POST", "reset", "", "http://evil.example"},
		{"PATCH", "users/" + alice, `{"blocked":true,"timezone":"x"}`, ""},
		{"POST", "users/" + alice + "/quick_replies", `{"index":-1}`, "null"},
	}
	for _, s := range seeds {
		f.Add(s.method, s.path, s.body, s.origin)
	}
	s := New(WithIDSeed(1), WithJournalLimit(1000))
	f.Fuzz(func(t *testing.T, method, path, body, origin string) {
		// Keep the fuzzer off the network and off the clock: a webhook
		// handshake would dial the URL it was given, a long poll waits.
		if strings.Contains(path, "webhook") || strings.Contains(path, "wait") || strings.ContainsAny(method, " \t\r\n") || method == "" {
			return
		}
		req := httptest.NewRequest("GET", "/", strings.NewReader(body))
		req.Method = method
		target := "/_messemu/v1/" + path
		if i := strings.IndexByte(target, '?'); i >= 0 {
			req.URL.Path, req.URL.RawQuery = target[:i], target[i+1:]
		} else {
			req.URL.Path = target
		}
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("status %d for %s %q %q: %s", rec.Code, method, path, body, rec.Body.String())
		}
		var out map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil && !(rec.Code == 200 && json.Valid(rec.Body.Bytes())) {
			t.Fatalf("answer is not JSON: %q", rec.Body.String())
		}
		if rec.Code != 200 {
			e, ok := out["error"].(map[string]any)
			if !ok || e["message"] == "" || e["type"] != "MessemuControlError" {
				t.Fatalf("refusal is not the control error envelope: %s", rec.Body.String())
			}
		}
		if checkSameSite(req) != nil && rec.Code != 403 {
			t.Fatalf("a cross-site request (Origin %q) was answered %d", origin, rec.Code)
		}
	})
}
