package fakegraph

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/messemu/messemu/validator"
)

// The answers the emulator writes must fit the shapes openapi.yaml
// promises: the spec is the single source of request and response shapes.
func TestResponsesFitTheSpec(t *testing.T) {
	t.Parallel()
	schemas := validator.MustLoadSchemas()
	s := New()
	call := func(method, target, body string) map[string]any {
		t.Helper()
		req := httptest.NewRequest(method, target, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		dec := json.NewDecoder(bytes.NewReader(rec.Body.Bytes()))
		dec.UseNumber()
		var out map[string]any
		if err := dec.Decode(&out); err != nil {
			t.Fatalf("%s %s: %v: %s", method, target, err, rec.Body)
		}
		return out
	}
	send := "/v26.0/me/messages?access_token=" + DefaultPageToken
	cases := []struct {
		schema, method, target, body string
	}{
		{"ControlUserList", "GET", "/_messemu/v1/users", ""},
		{"ControlUser", "POST", "/_messemu/v1/users", `{"name":"Dana Li","locale":"fr_FR"}`},
		{"ControlUser", "GET", "/_messemu/v1/users/" + alice, ""},
		{"ControlUserMessageResult", "POST", "/_messemu/v1/users/" + alice + "/messages", `{"text":"hi"}`},
		{"SendResponse", "POST", send, textSend},
		{"SenderActionResponse", "POST", send, `{"recipient":{"id":"` + alice + `"},"sender_action":"typing_on"}`},
		{"GraphError", "POST", send, `{"recipient":{"id":"1"},"message":{"text":"x"}}`},
		{"ControlClock", "POST", "/_messemu/v1/clock/advance", `{"duration":"1h"}`},
		{"ControlClock", "GET", "/_messemu/v1/clock", ""},
		{"ControlJournalPage", "GET", "/_messemu/v1/journal?after=0", ""},
		{"ControlConversation", "GET", "/_messemu/v1/users/" + alice + "/thread", ""},
		{"JournalEvent", "GET", "/_messemu/v1/journal/1", ""},
		{"ControlPageList", "GET", "/_messemu/v1/pages", ""},
		{"ControlRateLimits", "POST", "/_messemu/v1/rate_limits", `{"enabled":false}`},
		{"ControlReceipts", "POST", "/_messemu/v1/receipts", `{"enabled":true}`},
		{"ControlUser", "PATCH", "/_messemu/v1/users/" + alice, `{"locale":"fr_FR"}`},
		{"ControlOK", "POST", "/_messemu/v1/reset", ""},
		{"ControlProductList", "POST", "/_messemu/v1/products", `{"id":"4730587393621832","name":"Blue mug"}`},
		{"ControlProductList", "GET", "/_messemu/v1/products", ""},
		{"ControlOK", "DELETE", "/_messemu/v1/products", ""},
	}
	for _, tc := range cases {
		if !schemas.Has(tc.schema) {
			t.Errorf("openapi.yaml has no schema %s", tc.schema)
			continue
		}
		got := call(tc.method, tc.target, tc.body)
		if err := schemas.CheckBody(tc.schema, got); err != nil {
			t.Errorf("%s %s does not fit %s: %v\n%v", tc.method, tc.target, tc.schema, err, got)
		}
	}
}
