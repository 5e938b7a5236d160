package fakegraph

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
)

// TestNodeFields: a node answers only the fields asked (plus id), refuses a
// field its type does not have, and leaves out a real field messemu does
// not model with a warning (PLATFORM.md D25).
func TestNodeFields(t *testing.T) {
	t.Parallel()
	s := New()
	userWrites(t, s, alice)
	sent := mustGraph(t, s, "POST", "/me/messages", `{"recipient":{"id":"`+alice+`"},"messaging_type":"RESPONSE","message":{"text":"hi"}}`)
	mid, _ := sent["message_id"].(string)
	persona := createPersona(t, s, "Ben")
	cases := []struct {
		name, path string
		want       map[string]any // nil: refused with wantErr
		wantErr    map[string]any
		warned     bool
	}{
		{"page default", "/me", map[string]any{"name": "messemu Test Page", "id": DefaultPageID}, nil, false},
		{"page id only", "/me?fields=id", map[string]any{"id": DefaultPageID}, nil, false},
		{"page name", "/v26.0/" + DefaultPageID + "?fields=name", map[string]any{"name": "messemu Test Page", "id": DefaultPageID}, nil, false},
		{"page real field not modelled", "/me?fields=id,fan_count", map[string]any{"id": DefaultPageID}, nil, true},
		{"page field no Page has", "/me?fields=name,first_name", nil, oauth100("(#100) Tried accessing nonexisting field (first_name) on node type (Page)"), false},
		{"user field no User has", "/" + alice + "?fields=first_name,fan_count", nil, oauth100("(#100) Tried accessing nonexisting field (fan_count) on node type (User)"), false},
		{"message id only", "/" + mid + "?fields=id", map[string]any{"id": mid}, nil, false},
		{"message real field not modelled", "/" + mid + "?fields=from", map[string]any{"id": mid}, nil, true},
		{"message field no Message has", "/" + mid + "?fields=colour", nil, oauth100("(#100) Tried accessing nonexisting field (colour) on node type (Message)"), false},
		{"persona name only", "/" + persona + "?fields=name", map[string]any{"id": persona, "name": "Ben"}, nil, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, out := graph(t, s, "GET", tc.path, "")
			if tc.want == nil {
				wantGraphError(t, code, out, tc.wantErr)
				return
			}
			if diff := cmp.Diff(tc.want, out); code != 200 || diff != "" {
				t.Fatalf("GET %s: %d (-want +got):\n%s", tc.path, code, diff)
			}
			e := lastEvent(t, s)
			warned := false
			for _, v := range e.Violations {
				warned = warned || v.Severity == "warning"
			}
			assert.Equal(t, tc.warned, warned, "warnings %+v", e.Violations)
		})
	}
}
