package validator

import (
	"encoding/json"
	"github.com/getkin/kin-openapi/openapi3"
	"maps"
	"slices"
	"testing"
)

// The rules must refuse everything the schema backstop refuses, so that
// the schema never decides alone (and can be narrowed, see Send). These
// tests mutate accepted bodies node by node and check that whatever the
// rules accept the schema accepts too.

// mutations are the values put in place of each node of an accepted body.
var mutations = []any{nil, json.Number("1"), json.Number("-2.5"), "x", "", true, map[string]any{}, []any{}, []any{"x"}, map[string]any{"zz": "x"}}

// acceptedBodies lists the table bodies the rules accept, small ones only.
func acceptedBodies(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, cases := range [][]sendCase{topLevelCases, messageCases, templateCases} {
		for _, tc := range cases {
			if tc.want == nil && tc.state == nil && len(tc.body) < 3000 {
				out = append(out, tc.body)
			}
		}
	}
	for _, tc := range schemaValidBodies {
		out = append(out, tc.body)
	}
	return out
}

// variants calls fn with copies of body where one node is replaced, one
// key removed or one unknown key added.
func variants(body any, fn func(any)) {
	switch x := body.(type) {
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(x)) {
			orig := x[k]
			for _, m := range mutations {
				x[k] = m
				fn(body)
			}
			delete(x, k)
			fn(body)
			x[k] = orig
			variants(orig, func(any) { fn(body) })
		}
		x["zz_unknown"] = "x"
		fn(body)
		delete(x, "zz_unknown")
	case []any:
		for i, orig := range x {
			for _, m := range mutations {
				x[i] = m
				fn(body)
			}
			x[i] = orig
			variants(orig, func(any) { fn(body) })
		}
	}
}

// deepCopy copies decoded JSON.
func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = deepCopy(e)
		}
		return m
	case []any:
		a := make([]any, len(x))
		for i, e := range x {
			a[i] = deepCopy(e)
		}
		return a
	}
	return v
}

func TestRulesRefuseWhatTheSchemaRefuses(t *testing.T) {
	t.Parallel()
	rulesOnly := New(nil)
	schemas := MustLoadSchemas()
	n := 0
	for _, src := range acceptedBodies(t) {
		root := decodeSchemaBody(t, src, true)
		variants(root, func(any) {
			n++
			body, ok := deepCopy(root).(map[string]any)
			if !ok {
				t.Fatal("body is not an object")
			}
			if rulesOnly.Send(body, OfflineState{Clock: testNow}).Err() != nil {
				return
			}
			if err := schemas.CheckBody("SendRequest", body); err != nil {
				out, merr := json.Marshal(body)
				if merr != nil {
					t.Fatal(merr)
				}
				t.Errorf("rules accept what the schema refuses (%v): %s", err, out)
			}
		})
	}
	if n < 10000 {
		t.Errorf("only %d variants checked", n)
	}
}

// sendPropertyNames lists every property name the SendRequest schema
// defines, anywhere below it.
func sendPropertyNames(t *testing.T) []string {
	t.Helper()
	root := MustLoadSchemas().byName["SendRequest"]
	if root == nil {
		t.Fatal("no SendRequest schema")
	}
	names := map[string]bool{}
	seen := map[*openapi3.Schema]bool{}
	var walk func(*openapi3.Schema)
	walk = func(s *openapi3.Schema) {
		if s == nil || seen[s] {
			return
		}
		seen[s] = true
		for name, ref := range s.Properties {
			names[name] = true
			walk(ref.Value)
		}
		if s.Items != nil {
			walk(s.Items.Value)
		}
		for _, refs := range []openapi3.SchemaRefs{s.OneOf, s.AllOf, s.AnyOf} {
			for _, ref := range refs {
				walk(ref.Value)
			}
		}
	}
	walk(root)
	return slices.Sorted(maps.Keys(names))
}

// TestRulesReadEveryKeyTheSchemaTypes adds, to every object of the
// schema's own valid bodies, each property name the spec knows with a
// value of the wrong type: a key the rules let through unread would be
// decided by the schema alone.
func TestRulesReadEveryKeyTheSchemaTypes(t *testing.T) {
	t.Parallel()
	rulesOnly := New(nil)
	schemas := MustLoadSchemas()
	names := sendPropertyNames(t)
	values := []any{map[string]any{"zz": "x"}, "x", json.Number("1")}
	var objects func(v any, fn func(map[string]any))
	objects = func(v any, fn func(map[string]any)) {
		switch x := v.(type) {
		case map[string]any:
			fn(x)
			for _, k := range slices.Sorted(maps.Keys(x)) {
				objects(x[k], fn)
			}
		case []any:
			for _, e := range x {
				objects(e, fn)
			}
		}
	}
	n := 0
	for _, tc := range schemaValidBodies {
		root := decodeSchemaBody(t, tc.body, true)
		objects(root, func(obj map[string]any) {
			for _, name := range names {
				if _, has := obj[name]; has {
					continue
				}
				for _, v := range values {
					obj[name] = v
					n++
					body, ok := deepCopy(root).(map[string]any)
					if !ok {
						t.Fatal("body is not an object")
					}
					if rulesOnly.Send(body, OfflineState{Clock: testNow}).Err() == nil {
						if err := schemas.CheckBody("SendRequest", body); err != nil {
							out, merr := json.Marshal(body)
							if merr != nil {
								t.Fatal(merr)
							}
							t.Errorf("%s: rules accept what the schema refuses (%v): %s", tc.name, err, short(string(out)))
						}
					}
				}
				delete(obj, name)
			}
		})
	}
	if n < 10000 {
		t.Errorf("only %d variants checked", n)
	}
}
