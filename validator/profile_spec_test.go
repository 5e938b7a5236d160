package validator

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestSpecDescribesTheIdentityAPIs checks that openapi.yaml lists every
// operation of the profile, personas, labels and user-profile families.
func TestSpecDescribesTheIdentityAPIs(t *testing.T) {
	t.Parallel()
	doc := MustLoadSchemas().Doc()
	for _, c := range []struct{ method, path, tag string }{
		{"GET", "/{page}/messenger_profile", "profile"},
		{"POST", "/{page}/messenger_profile", "profile"},
		{"DELETE", "/{page}/messenger_profile", "profile"},
		{"GET", "/{page}/custom_user_settings", "profile"},
		{"POST", "/{page}/custom_user_settings", "profile"},
		{"DELETE", "/{page}/custom_user_settings", "profile"},
		{"POST", "/{page}/personas", "personas"},
		{"GET", "/{page}/personas", "personas"},
		{"POST", "/{id}/custom_labels", "labels"},
		{"GET", "/{id}/custom_labels", "labels"},
		{"POST", "/{label-id}/label", "labels"},
		{"DELETE", "/{label-id}/label", "labels"},
		{"GET", "/{id}", "user-profile"},
		{"DELETE", "/{id}", "user-profile"},
		{"GET", "/_messemu/v1/profile", "control"},
		{"GET", "/_messemu/v1/personas", "control"},
		{"GET", "/_messemu/v1/labels", "control"},
	} {
		item := doc.Paths.Value(c.path)
		if item == nil || item.GetOperation(c.method) == nil {
			t.Errorf("no %s %s in the spec", c.method, c.path)
			continue
		}
		op := item.GetOperation(c.method)
		if diff := cmp.Diff([]string{c.tag}, op.Tags); diff != "" {
			t.Errorf("%s %s tags (-want +got):\n%s", c.method, c.path, diff)
		}
		if c.tag != "control" && (op.Responses.Value("400") == nil || op.Responses.Value("200") == nil) {
			t.Errorf("%s %s: want a 200 and a 400 (GraphError) response", c.method, c.path)
		}
	}
}

// TestIdentitySpecExamplesPass runs the request examples of the profile,
// personas and labels families through their rules and schemas.
func TestIdentitySpecExamplesPass(t *testing.T) {
	t.Parallel()
	s := MustLoadSchemas()
	v := New(s)
	for _, c := range []struct {
		path, method string
		check        func(map[string]any) Result
	}{
		{"/{page}/messenger_profile", "POST", func(b map[string]any) Result { return v.MessengerProfile(b, ProfilePage{GetStarted: true}).Result }},
		{"/{page}/custom_user_settings", "POST", func(b map[string]any) Result { r, _ := v.UserSettings(b, ProfilePage{GetStarted: true}); return r }},
		{"/{page}/personas", "POST", func(b map[string]any) Result { return v.CreatePersona(b).Result }},
		{"/{id}/custom_labels", "POST", func(b map[string]any) Result { return v.CreateLabel(b).Result }},
	} {
		op := s.Doc().Paths.Value(c.path).GetOperation(c.method)
		mt := op.RequestBody.Value.Content.Get("application/json")
		var bodies []any
		if mt.Example != nil {
			bodies = append(bodies, mt.Example)
		}
		for _, ex := range mt.Examples {
			bodies = append(bodies, ex.Value.Value)
		}
		if len(bodies) == 0 {
			t.Errorf("%s %s has no request example", c.method, c.path)
		}
		for _, b := range bodies {
			raw := decodeSchemaBody(t, mustJSON(t, b), true)
			if res := c.check(raw); !res.Accepted() {
				t.Errorf("%s %s example %v refused: %+v", c.method, c.path, b, res.Errors())
			}
		}
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
