package fakegraph

import (
	"testing"

	"github.com/messemu/messemu/validator"
)

// TestRouteRefusalsNameTheirRule: a call refused for its path, method,
// version or node names a rule that the rule list has, and is journalled
// under its path's API family where the path has one.
func TestRouteRefusalsNameTheirRule(t *testing.T) {
	t.Parallel()
	known := map[string]bool{}
	for _, r := range append(validator.Rules(), Rules()...) {
		known[r.Name] = true
	}
	cases := []struct {
		method, path, rule, api string
		code                    float64
	}{
		{"GET", "/me/messages", "send.method", APISend, 100},
		{"GET", "/123456789012345/messages", "page.other", APISend, 100},
		{"POST", "/me", "path", APINode, 100},
		{"PUT", "/me/personas", "path", APIPersonas, 100},
		{"POST", "/me/thread_owner", "path", APIHandover, 100},
		{"GET", "/me/nonsense", "path", "", 2500},
		{"GET", "/v99.0/me", "version", "", 2500},
		{"GET", "/123456789012345/feed", "page.other", "", 100},
		{"GET", "/123456789012345/personas", "page.other", APIPersonas, 100},
		{"GET", "/" + nobody, "node.unknown", APINode, 100},
	}
	for _, tc := range cases {
		s := New()
		code, out := graph(t, s, tc.method, tc.path, "")
		e, _ := out["error"].(map[string]any)
		if code != 400 || e["code"] != tc.code {
			t.Errorf("%s %s: %d %v, want error %v", tc.method, tc.path, code, out, tc.code)
			continue
		}
		ev := lastEvent(t, s)
		if len(ev.Violations) != 1 || ev.Violations[0].Rule != tc.rule || !known[tc.rule] {
			t.Errorf("%s %s: violations %+v, want one under %s (listed: %v)", tc.method, tc.path, ev.Violations, tc.rule, known[tc.rule])
		}
		if ev.API != tc.api {
			t.Errorf("%s %s: journalled under API %q, want %q", tc.method, tc.path, ev.API, tc.api)
		}
	}
}
