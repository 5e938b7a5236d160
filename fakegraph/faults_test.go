package fakegraph

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/messemu/messemu/validator"
)

const (
	faultAlice = "5275811702471834"
	faultBob   = "6283749102837465"
)

// faultServer is a default emulator where Alice and Bob have written, so
// sends to them are inside the window.
func faultServer(t *testing.T) *Server {
	t.Helper()
	s := New()
	for _, psid := range []string{faultAlice, faultBob} {
		if _, err := s.UserSends(DefaultPageID, psid, UserMessageRequest{Text: "hi"}); err != nil {
			t.Fatalf("UserSends(%s): %v", psid, err)
		}
	}
	return s
}

type graphAnswer struct {
	Status int
	Error  struct {
		Message string `json:"message"`
		Code    int    `json:"code"`
		Subcode int    `json:"error_subcode"`
	} `json:"error"`
}

func sendText(t *testing.T, s *Server, psid string) graphAnswer {
	t.Helper()
	body := `{"recipient":{"id":"` + psid + `"},"messaging_type":"RESPONSE","message":{"text":"hello"},"access_token":"` + DefaultPageToken + `"}`
	r := httptest.NewRequest("POST", "/v26.0/me/messages", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	s.Handler().ServeHTTP(w, r)
	var a graphAnswer
	if err := json.Unmarshal(w.Body.Bytes(), &a); err != nil {
		t.Fatalf("answer %q: %v", w.Body.String(), err)
	}
	a.Status = w.Code
	return a
}

func control(t *testing.T, s *Server, method, path, body string) (int, string) {
	t.Helper()
	r := httptest.NewRequest(method, "/_messemu/v1/"+path, strings.NewReader(body))
	w := httptest.NewRecorder()
	s.Handler().ServeHTTP(w, r)
	return w.Code, w.Body.String()
}

func TestFaultUnavailableForOneUser(t *testing.T) {
	t.Parallel()
	s := faultServer(t)
	if _, err := s.AddFault(FaultRule{API: "send", PSID: faultAlice, Error: validator.KeyUnavailable}); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		a := sendText(t, s, faultAlice)
		if a.Status != 400 || a.Error.Code != 551 || a.Error.Subcode != 1545041 || a.Error.Message != "(#551) This person isn't available right now." {
			t.Errorf("send to Alice: got %+v, want 400 551/1545041", a)
		}
	}
	if a := sendText(t, s, faultBob); a.Status != 200 {
		t.Errorf("send to Bob: got %+v, want 200", a)
	}
	evs := s.Journal().Find(0, func(e *Event) bool { return e.Kind == KindRequest && !e.Accepted })
	if len(evs) != 2 {
		t.Fatalf("refused requests journalled: %d, want 2", len(evs))
	}
	v := evs[0].Violations
	if len(v) != 1 || v[0].Rule != "fault" || !strings.Contains(v[0].Detail, "f1") || v[0].Error.Code != 551 {
		t.Errorf("violation = %+v, want the fault rule f1 with 551", v)
	}
	if evs[0].PSID != faultAlice {
		t.Errorf("the refusal is journalled for PSID %q, want Alice's", evs[0].PSID)
	}
}

func TestFaultTimesAndAfter(t *testing.T) {
	t.Parallel()
	s := faultServer(t)
	if _, err := s.AddFault(FaultRule{API: "send", After: 1, Times: 3, Error: validator.KeyRateAPI}); err != nil {
		t.Fatal(err)
	}
	var codes []int
	for range 6 {
		codes = append(codes, sendText(t, s, faultBob).Error.Code)
	}
	if diff := cmp.Diff([]int{0, 613, 613, 613, 0, 0}, codes); diff != "" {
		t.Errorf("error codes (-want +got):\n%s", diff)
	}
	got := s.Faults()
	if len(got) != 1 || got[0].Seen != 4 || got[0].Applied != 3 {
		t.Errorf("counters = %+v, want seen 4 applied 3", got)
	}
	b, err := json.Marshal(got[0])
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"spent":true`) {
		t.Errorf("JSON %s lacks spent:true", b)
	}
}

func TestFaultFirstErrorWins(t *testing.T) {
	t.Parallel()
	s := faultServer(t)
	for _, f := range []FaultRule{
		{PSID: faultAlice, Error: validator.KeyUnavailable},
		{API: "send", Times: 1, Error: validator.KeyRateAPI},
	} {
		if _, err := s.AddFault(f); err != nil {
			t.Fatal(err)
		}
	}
	if a := sendText(t, s, faultAlice); a.Error.Code != 551 {
		t.Errorf("Alice: code %d, want 551", a.Error.Code)
	}
	// The 613 rule was not used up by Alice's send.
	if a := sendText(t, s, faultBob); a.Error.Code != 613 {
		t.Errorf("Bob: code %d, want 613", a.Error.Code)
	}
}

func TestFaultLatency(t *testing.T) {
	t.Parallel()
	s := faultServer(t)
	const delay = 30 * time.Millisecond
	if _, err := s.AddFault(FaultRule{Path: "{page}/messages", Latency: delay}); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	a := sendText(t, s, faultBob)
	if a.Status != 200 {
		t.Errorf("latency-only rule changed the answer: %+v", a)
	}
	if took := time.Since(start); took < delay {
		t.Errorf("answered after %v, before the %v latency", took, delay)
	}
}

func TestFaultArgsAndFaultOnlyKeys(t *testing.T) {
	t.Parallel()
	s := faultServer(t)
	if _, err := s.AddFault(FaultRule{Error: validator.KeyRequired}); err == nil {
		t.Error("a rule for 'required' without its path arg was accepted")
	}
	// A misspelt family would match nothing: refused, naming the families.
	if _, err := s.AddFault(FaultRule{API: "sned", Error: validator.KeyUnavailable}); err == nil || !strings.Contains(err.Error(), `unknown api "sned"; the families are send,`) {
		t.Errorf("api sned: %v", err)
	}
	if _, err := s.AddFault(FaultRule{PSID: faultBob, Error: validator.KeyRequired, Args: []string{"message[text]"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddFault(FaultRule{PSID: faultAlice, Error: validator.KeyRestricted}); err != nil {
		t.Fatal(err)
	}
	if a := sendText(t, s, faultBob); a.Error.Message != "(#100) The parameter message[text] is required" {
		t.Errorf("Bob: %q", a.Error.Message)
	}
	if a := sendText(t, s, faultAlice); a.Error.Code != 10 || a.Error.Subcode != 1893063 {
		t.Errorf("Alice: %+v, want 10/1893063", a.Error)
	}
}

func TestFaultControlAPI(t *testing.T) {
	t.Parallel()
	s := faultServer(t)
	code, body := control(t, s, "POST", "faults", `{"api":"send","psid":"`+faultAlice+`","error":"unavailable","latency":"1ms"}`)
	if code != 200 || !strings.Contains(body, `"id":"f1"`) || !strings.Contains(body, `"latency":"1ms"`) {
		t.Fatalf("POST faults: %d %s", code, body)
	}
	if a := sendText(t, s, faultAlice); a.Error.Code != 551 {
		t.Errorf("after POST: code %d, want 551", a.Error.Code)
	}
	code, body = control(t, s, "GET", "faults", "")
	if code != 200 || !strings.Contains(body, `"applied":1`) {
		t.Errorf("GET faults: %d %s", code, body)
	}
	for _, bad := range []string{`{}`, `{"error":"no-such-key"}`, `{"latency":"soon"}`, `{"error":"invalid","times":-1}`, `{"error":"invalid","method":"PUT"}`} {
		if code, body := control(t, s, "POST", "faults", bad); code != http.StatusBadRequest || !strings.Contains(body, `"error"`) {
			t.Errorf("POST %s: %d %s, want 400 with an error", bad, code, body)
		}
	}
	// A misspelt field is said, not read as a rule without it (a rule for
	// every user where one user was meant).
	code, body = control(t, s, "POST", "faults", `{"api":"send","pssid":"`+faultAlice+`","error":"unavailable"}`)
	if code != http.StatusBadRequest || !strings.Contains(body, `takes no field \"pssid\"`) {
		t.Errorf("POST a misspelt field: %d %s, want 400 naming pssid", code, body)
	}
	// What GET lists can be sent back as it is (spent, seen and applied
	// included).
	_, listed := control(t, s, "GET", "faults", "")
	var rules struct{ Data []json.RawMessage }
	if err := json.Unmarshal([]byte(listed), &rules); err != nil || len(rules.Data) != 1 {
		t.Fatalf("GET faults: %v %s", err, listed)
	}
	if code, body := control(t, s, "POST", "faults", string(rules.Data[0])); code != 200 {
		t.Errorf("POST back a listed rule %s: %d %s", rules.Data[0], code, body)
	}
	if code, _ := control(t, s, "DELETE", "faults/f9", ""); code != http.StatusNotFound {
		t.Errorf("DELETE unknown rule: %d, want 404", code)
	}
	if code, _ := control(t, s, "DELETE", "faults", ""); code != 200 {
		t.Errorf("DELETE faults: %d", code)
	}
	if a := sendText(t, s, faultAlice); a.Status != 200 {
		t.Errorf("after DELETE: %+v, want 200", a)
	}
}

// The control API's fault answers fit openapi.yaml.
func TestFaultAnswersFitTheSpec(t *testing.T) {
	t.Parallel()
	s := faultServer(t)
	schemas := validator.MustLoadSchemas()
	for _, tc := range []struct{ schema, method, path, body string }{
		{"ControlFaultRule", "POST", "faults", `{"api":"send","times":3,"error":"rate-api","latency":"10ms"}`},
		{"ControlFaultList", "GET", "faults", ""},
		{"ControlOK", "DELETE", "faults/f1", ""},
		{"ControlOK", "DELETE", "faults", ""},
	} {
		code, body := control(t, s, tc.method, tc.path, tc.body)
		var got map[string]any
		if err := json.Unmarshal([]byte(body), &got); err != nil || code != 200 {
			t.Fatalf("%s %s: %d %s %v", tc.method, tc.path, code, body, err)
		}
		if err := schemas.CheckBody(tc.schema, got); err != nil {
			t.Errorf("%s %s does not fit %s: %v\n%s", tc.method, tc.path, tc.schema, err, body)
		}
	}
}

func TestFaultPathForms(t *testing.T) {
	t.Parallel()
	for _, path := range []string{"{page}/messages", "me/messages", "/me/messages", DefaultPageID + "/messages"} {
		s := faultServer(t)
		if _, err := s.AddFault(FaultRule{Path: path, Error: validator.KeyUnexpectedError}); err != nil {
			t.Fatal(err)
		}
		if a := sendText(t, s, faultBob); a.Error.Code != 2 {
			t.Errorf("path %q: code %d, want 2", path, a.Error.Code)
		}
	}
	s := faultServer(t)
	if _, err := s.AddFault(FaultRule{Path: "me/messenger_profile", Error: validator.KeyUnexpectedError}); err != nil {
		t.Fatal(err)
	}
	if a := sendText(t, s, faultBob); a.Status != 200 {
		t.Errorf("a rule for another path applied to a send: %+v", a)
	}
}

// A rule names a node call by the family the journal files it under:
// GET /{PSID} is user_profile, GET /{PERSONA_ID} personas.
func TestFaultByNodeFamily(t *testing.T) {
	t.Parallel()
	s := faultServer(t)
	persona := mustGraph(t, s, "POST", "/me/personas", `{"name":"Ann","profile_picture_url":"https://www.example.com/ann.png"}`)["id"].(string)
	for _, api := range []string{"user_profile", "personas"} {
		if _, err := s.AddFault(FaultRule{API: api, Error: validator.KeyUnavailable, Times: 1}); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct{ path, api string }{{"/v26.0/" + faultAlice + "?fields=first_name", "user_profile"}, {"/v26.0/" + persona, "personas"}} {
		if code, out := graph(t, s, "GET", c.path, ""); code != 400 || errorCode(out) != 551 {
			t.Errorf("GET %s with a %s rule: %d %v, want 551", c.path, c.api, code, out)
		}
		if code, out := graph(t, s, "GET", c.path, ""); code != 200 {
			t.Errorf("GET %s once the rule is spent: %d %v", c.path, code, out)
		}
		refused := s.Journal().Find(0, func(e *Event) bool { return e.Kind == KindRequest && !e.Accepted && e.API == c.api })
		if len(refused) != 1 {
			t.Errorf("refused %s requests journalled: %d, want 1 (filed under the node's family)", c.api, len(refused))
		}
	}
	for _, f := range s.Faults() {
		if f.Applied != 1 {
			t.Errorf("rule %s (%s) applied %d times, want 1", f.ID, f.API, f.Applied)
		}
	}
}
