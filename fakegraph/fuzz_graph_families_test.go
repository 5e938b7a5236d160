package fakegraph

import (
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzGraphBRequests throws arbitrary bodies at the batch, upload and
// handover routes: every answer is a 200 or a Graph error, and no handler
// panics (the pipeline would turn a panic into "internal error").
func FuzzGraphBRequests(f *testing.F) {
	seeds := []struct{ path, ctype, body string }{
		{"/", "application/x-www-form-urlencoded", `batch=[{"method":"GET","relative_url":"me","name":"a"},{"method":"GET","relative_url":"{result=a:$.id}"}]`},
		{"/v26.0/", "application/json", `{"batch":[{"method":"POST","relative_url":"me/messages","body":"recipient={\"id\":\"` + alice + `\"}&message={\"text\":\"x\"}"}],"include_headers":false}`},
		{"/", "application/json", `{"batch":[{"relative_url":"{result=x:$[*].a[0]}"},{"depends_on":"x"},7,null,{"relative_url":"v26.0/"}]}`},
		{"/me/message_attachments", "application/json", `{"message":{"attachment":{"type":"image","payload":{"url":"https://example.com/a.png","is_reusable":true}}}}`},
		{"/me/message_attachments", "multipart/form-data; boundary=xx", "--xx\r\nContent-Disposition: form-data; name=\"filedata\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\nPNG\r\n--xx\r\nContent-Disposition: form-data; name=\"message\"\r\n\r\n{\"attachment\":{\"type\":\"image\",\"payload\":{}}}\r\n--xx--\r\n"},
		{"/me/pass_thread_control", "application/json", `{"recipient":{"id":"` + alice + `"},"target_app_id":"263902037430900"}`},
		{"/me/take_thread_control", "application/x-www-form-urlencoded", `recipient={'id':1}`},
		{"/me/subscribed_apps", "application/json", `{"subscribed_fields":["messages",3,null]}`},
	}
	for _, s := range seeds {
		f.Add(s.path, s.ctype, s.body)
	}
	s := New(WithIDSeed(2), WithJournalLimit(1000))
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
		for _, e := range s.Journal().After(before, 0) {
			for _, v := range e.Violations {
				if strings.HasPrefix(v.Detail, "internal error") {
					t.Fatalf("a handler panicked: %s for %q %q %q", v.Detail, path, ctype, body)
				}
			}
		}
	})
}
