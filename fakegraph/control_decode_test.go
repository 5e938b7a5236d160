package fakegraph

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// ctl sends a control call with body and Content-Type ctype ("" for
// none), and returns the status and the answer.
func ctl(t *testing.T, s *Server, method, path, ctype, body string) (int, string) {
	t.Helper()
	r := httptest.NewRequest(method, ControlPrefix+path, strings.NewReader(body))
	if ctype != "" {
		r.Header.Set("Content-Type", ctype)
	}
	w := httptest.NewRecorder()
	s.Handler().ServeHTTP(w, r)
	return w.Code, w.Body.String()
}

// A control body is read strictly: a field an endpoint does not take, a
// body of the wrong kind, more after the JSON, bytes that are not UTF-8
// and a body where none is taken are refused, saying why in JSON's words;
// a JSON body sent with curl -d's form Content-Type is read as JSON.
func TestControlBodiesAreReadStrictly(t *testing.T) {
	t.Parallel()
	s := New()
	rolesBefore := s.AppRoles(DefaultPageID)
	const form = "application/x-www-form-urlencoded"
	for _, c := range []struct {
		name, method, path, ctype, body string
		status                          int
		says                            string
	}{
		{"a misspelt field", "PUT", "handover/roles", "application/json", `{"approles":{"1":["primary_receiver"]}}`, 400, `no field \"approles\"`},
		{"a misspelt webhook field", "PUT", "webhook", "application/json", `{"uri":"http://127.0.0.1:1/x"}`, 400, `no field \"uri\"`},
		{"an array body", "POST", "clock/advance", "application/json", `[]`, 400, "must be an object, not a JSON array"},
		{"more after the JSON", "POST", "clock/advance", "application/json", `{"duration":"1m"} {}`, 400, "more after its JSON value"},
		{"not UTF-8", "POST", "users", "application/json", "{\"name\":\"\xff\xfe\"}", 400, "not UTF-8"},
		{"a body for reset", "POST", "reset", "application/json", `{"a":1}`, 400, `no field \"a\"`},
		{"malformed for reset", "POST", "reset", "application/json", `{"a":`, 400, "not valid JSON"},
		{"a Page reset does not have", "POST", "reset?page_id=999", "", "", 404, "no page 999"},
		{"a body for read", "POST", "users/5275811702471834/read", form, `{"x":1}`, 400, `no field \"x\"`},
		{"curl -d JSON with a bad value", "POST", "clock/advance", form, `{"to":"2026-13-45T00:00:00Z"}`, 400, "month out of range"},
		{"a real form", "POST", "users/5275811702471834/messages", form, `text=hi`, 400, "not a form"},
		{"over 1 MiB", "POST", "users", "application/json", `{"name":"` + strings.Repeat("a", 1<<20) + `"}`, 413, "1 MiB"},
		{"the documented example with curl -d", "POST", "users/5275811702471834/messages", form, `{"text":"hi"}`, 200, `"mid"`},
		{"reset with {}", "POST", "reset", "application/json", `{}`, 200, `"ok":true`},
	} {
		status, body := ctl(t, s, c.method, c.path, c.ctype, c.body)
		assert.Equal(t, c.status, status, "%s: %s", c.name, body)
		assert.Contains(t, body, c.says, c.name)
		assert.NotContains(t, body, "Go value", "%s: the error speaks JSON", c.name)
	}
	assert.Equal(t, rolesBefore, s.AppRoles(DefaultPageID), "a misspelt roles body changed nothing")
	if status, _ := ctl(t, s, http.MethodGet, "clock", "", ""); status != 200 {
		t.Errorf("the control API stopped answering: %d", status)
	}
}

// A test user's timezone is an offset people have; a wrong type in a
// patch is said in JSON's words.
func TestUserProfileValuesAreChecked(t *testing.T) {
	t.Parallel()
	s := New()
	for _, c := range []struct{ method, path, body string }{
		{"PATCH", "users/5275811702471834", `{"timezone":1e9}`},
		{"PATCH", "users/5275811702471834", `{"timezone":-13}`},
		{"POST", "users", `{"name":"Zed","timezone":15}`},
	} {
		status, body := ctl(t, s, c.method, c.path, "application/json", c.body)
		assert.Equal(t, 400, status, "%s %s: %s", c.method, c.body, body)
		assert.Contains(t, body, "-12 to 14", c.body)
	}
	status, body := ctl(t, s, "PATCH", "users/5275811702471834", "application/json", `{"blocked":"yes"}`)
	assert.Equal(t, 400, status, body)
	assert.Contains(t, body, `\"blocked\" must be true or false, not a JSON string`)
	status, body = ctl(t, s, "PATCH", "users/5275811702471834", "application/json", `{"timezone":5.5}`)
	assert.Equal(t, 200, status, "India's +5:30: %s", body)
}

// Values a control call cannot mean are said: a negative fault latency, a
// clock moved by nothing, a journal of a Page the emulator does not have.
func TestControlValuesThatMeanNothing(t *testing.T) {
	t.Parallel()
	s := New()
	for _, c := range []struct {
		method, path, body string
		status             int
		says               string
	}{
		{"POST", "faults", `{"api":"send","latency":"-2s"}`, 400, "cannot be negative"},
		{"POST", "clock/advance", `{"duration":"0s"}`, 400, "positive"},
		{"GET", "journal?page_id=999", ``, 404, "no page 999"},
		{"GET", "journal?page_id=" + DefaultPageID, ``, 200, `"events"`},
		{"GET", "journal?kinds=request", ``, 400, `no parameter \"kinds\"`},
		{"GET", "journal?psid=1&accepted=false&limit=5&after=0&kind=request&api=send&wait=1ms", ``, 200, `"events"`},
	} {
		status, body := ctl(t, s, c.method, c.path, "application/json", c.body)
		assert.Equal(t, c.status, status, "%s %s %s: %s", c.method, c.path, c.body, body)
		assert.Contains(t, body, c.says, c.path)
	}
}
