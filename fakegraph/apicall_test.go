package fakegraph

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// Test helpers for the Graph API families of attachments, handover, batch
// and subscriptions: calls through the Handler (no socket) and exact checks
// of error envelopes.

// testStart is a fixed instant for the virtual clock of these tests.
var testStart = time.Date(2026, 9, 1, 12, 0, 0, 0, time.UTC)

// newTestServer is an emulator with a frozen clock and the default page.
func newTestServer(t testing.TB, opts ...Option) *Server {
	t.Helper()
	return New(append([]Option{WithClock(NewFrozenClock(testStart))}, opts...)...)
}

// apiResult is one answer: status, headers and the decoded JSON body.
type apiResult struct {
	status int
	header http.Header
	raw    []byte
	body   map[string]any
	list   []any
}

// apiDo sends r to s's handler and decodes the answer.
func apiDo(t testing.TB, s *Server, r *http.Request) apiResult {
	t.Helper()
	w := httptest.NewRecorder()
	s.Handler().ServeHTTP(w, r)
	res := apiResult{status: w.Code, header: w.Header(), raw: w.Body.Bytes()}
	if len(bytes.TrimSpace(res.raw)) > 0 {
		var v any
		if err := json.Unmarshal(res.raw, &v); err != nil {
			t.Fatalf("%s %s: answer is not JSON: %v\n%s", r.Method, r.URL, err, res.raw)
		}
		switch x := v.(type) {
		case map[string]any:
			res.body = x
		case []any:
			res.list = x
		}
	}
	return res
}

// apiJSON sends a JSON body (nil: none) with the default token in the query.
func apiJSON(t testing.TB, s *Server, method, path string, body any) apiResult {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		rd = bytes.NewReader(b)
	}
	r := httptest.NewRequest(method, withToken(path), rd)
	if body != nil {
		r.Header.Set("Content-Type", "application/json")
	}
	return apiDo(t, s, r)
}

// apiForm sends an urlencoded body.
func apiForm(t testing.TB, s *Server, method, path string, form url.Values) apiResult {
	t.Helper()
	r := httptest.NewRequest(method, path, strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return apiDo(t, s, r)
}

// withToken adds the default page token to path's query unless it has one.
func withToken(path string) string {
	if strings.Contains(path, "access_token=") {
		return path
	}
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	return path + sep + "access_token=" + DefaultPageToken
}

// part is one multipart part: a field, or a file when fileName is set.
type part struct {
	name, fileName, contentType string
	data                        []byte
}

// multipartBody encodes parts in the order given.
func multipartBody(t testing.TB, parts ...part) (string, []byte) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, p := range parts {
		h := textproto.MIMEHeader{}
		if p.fileName != "" {
			h.Set("Content-Disposition", `form-data; name="`+p.name+`"; filename="`+p.fileName+`"`)
		} else {
			h.Set("Content-Disposition", `form-data; name="`+p.name+`"`)
		}
		if p.contentType != "" {
			h.Set("Content-Type", p.contentType)
		}
		w, err := mw.CreatePart(h)
		if err != nil {
			t.Fatalf("multipart: %v", err)
		}
		if _, err := w.Write(p.data); err != nil {
			t.Fatalf("multipart: %v", err)
		}
	}
	if err := mw.Close(); err != nil {
		t.Fatalf("multipart: %v", err)
	}
	return mw.FormDataContentType(), buf.Bytes()
}

// apiMultipart posts parts to path with the default token in the query.
func apiMultipart(t testing.TB, s *Server, path string, parts ...part) apiResult {
	t.Helper()
	ct, body := multipartBody(t, parts...)
	r := httptest.NewRequest("POST", withToken(path), bytes.NewReader(body))
	r.Header.Set("Content-Type", ct)
	return apiDo(t, s, r)
}

// wantOK fails unless the answer is 200 with exactly want as its body.
func wantOK(t testing.TB, res apiResult, want map[string]any) {
	t.Helper()
	if res.status != http.StatusOK {
		t.Fatalf("status %d, want 200; body %s", res.status, res.raw)
	}
	if want == nil {
		return
	}
	if d := cmp.Diff(want, res.body); d != "" {
		t.Fatalf("answer (-want +got):\n%s", d)
	}
}

// wantError fails unless the answer is the Graph error with this message,
// code and subcode (0: none), type OAuthException unless typ is given.
func wantError(t testing.TB, res apiResult, code, subcode int, message string, typ ...string) {
	t.Helper()
	if res.status != http.StatusBadRequest {
		t.Fatalf("status %d, want 400; body %s", res.status, res.raw)
	}
	e, _ := res.body["error"].(map[string]any)
	if e == nil {
		t.Fatalf("no error envelope: %s", res.raw)
	}
	wantType := "OAuthException"
	if len(typ) > 0 {
		wantType = typ[0]
	}
	got := map[string]any{"message": e["message"], "type": e["type"], "code": e["code"], "error_subcode": e["error_subcode"]}
	want := map[string]any{"message": message, "type": wantType, "code": float64(code), "error_subcode": nil}
	if subcode != 0 {
		want["error_subcode"] = float64(subcode)
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("error (-want +got):\n%s\nbody: %s", d, res.raw)
	}
	if tr, _ := e["fbtrace_id"].(string); len(tr) != 23 {
		t.Fatalf("fbtrace_id %q is not 23 characters", tr)
	}
}

// str reads a string field of an answer.
func (r apiResult) str(key string) string {
	s, _ := r.body[key].(string)
	return s
}

// lastEvent is the newest journal event.
func lastEvent(t testing.TB, s *Server) Event {
	t.Helper()
	e, ok := s.Journal().Get(s.Journal().Last())
	if !ok {
		t.Fatal("the journal is empty")
	}
	return e
}

// psidBob and psidCarla are default test users (alice is in pipeline_test.go).
const (
	psidBob   = "6283749102837465"
	psidCarla = "7391028374650192"
)
