package fakegraph

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzGraphRequest drives arbitrary bodies, content types and paths through
// the whole pipeline (decoding, auth, routing, validation, journal). No input
// may panic, answer anything but 200 or 400, or answer a body that is not
// JSON; a refusal must be a Graph error envelope. The pipeline turns a
// panic into an "internal error" refusal, so the journal is read for one.
func FuzzGraphRequest(f *testing.F) {
	seeds := []struct{ path, ctype, body string }{
		{"/v26.0/me/messages", "application/json", textSend},
		{"/me/messages", "application/json", `{"recipient":{"id":"` + alice + `"},"message":{"text":"hi","quick_replies":[{"content_type":"text","title":"a","payload":"b"}]}}`},
		{"/me/messages", "application/json", `{"recipient":{"id":"` + alice + `"},"message":{"attachment":{"type":"template","payload":{"template_type":"generic","elements":[{"title":"t","buttons":[{"type":"postback","title":"b","payload":"p"}]}]}}}}`},
		{"/me/messages", "application/json", `{"recipient":{"id":"` + alice + `"},"sender_action":"react","payload":{"message_id":"m_x","reaction":"😊"}}`},
		{"/me/messages", "application/x-www-form-urlencoded", `recipient={'id':'` + alice + `'}&message={"text":"x"}`},
		{"/me/messages", "multipart/form-data; boundary=xx", "--xx\r\nContent-Disposition: form-data; name=\"message\"\r\n\r\n{\"text\":\"x\"}\r\n--xx--\r\n"},
		{"/v99.0/me", "", ""},
		{"/me/messages", "application/json", `{"recipient":{"id":1e400},"message":null}`},
		{"/me/messages", "application/json", "{\"message\":{\"text\":\"\xff\xfe\"}}"},
		// Lenient forms the rules rewrite in place (a number as text, "true").
		{"/me/messages", "application/json", `{"recipient":{"id":"` + alice + `"},"message":{"text":42,"metadata":null}}`},
		{"/me/messages", "application/json", `{"recipient":{"id":"` + alice + `"},"message":{"attachment":{"type":"image","payload":{"url":"https://a.example/i.png","is_reusable":"true"}}}}`},
	}
	for _, s := range seeds {
		f.Add(s.path, s.ctype, s.body)
	}
	s := New(WithIDSeed(1), WithJournalLimit(1000))
	if _, err := s.UserSends(DefaultPageID, alice, UserMessageRequest{Text: "hi"}); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, path, ctype, body string) {
		if !strings.HasPrefix(path, "/") || strings.HasPrefix(path, "/_messemu") {
			return
		}
		before := s.Journal().Last()
		req := httptest.NewRequest("POST", "http://graph.test/", strings.NewReader(body))
		req.URL.Path, req.URL.RawPath = path, ""
		req.URL.RawQuery = "access_token=" + DefaultPageToken
		req.Header.Set("Content-Type", ctype)
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		if rec.Code != 200 && rec.Code != 400 {
			t.Fatalf("status %d for %q %q %q", rec.Code, path, ctype, body)
		}
		var out map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
			t.Fatalf("answer is not JSON: %q", rec.Body.String())
		}
		if rec.Code == 400 {
			e, ok := out["error"].(map[string]any)
			if !ok || e["code"] == nil || e["message"] == "" || e["fbtrace_id"] == nil {
				t.Fatalf("refusal is not a Graph error: %s", rec.Body.String())
			}
		}
		for _, e := range s.Journal().After(before, 0) {
			for _, v := range e.Violations {
				if strings.HasPrefix(v.Detail, "internal error") {
					t.Fatalf("a handler panicked: %s for %q %q %q", v.Detail, path, ctype, body)
				}
			}
		}
	})
}
