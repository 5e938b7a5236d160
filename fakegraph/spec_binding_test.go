package fakegraph

import (
	"strings"
	"testing"

	"github.com/messemu/messemu"
	"github.com/stretchr/testify/require"
)

// Every Graph and control route is bound to its openapi.yaml operation,
// and every operation to a route.
func TestRoutesMatchTheSpec(t *testing.T) {
	t.Parallel()
	require.NoError(t, New().CheckSpec(messemu.OpenAPI))
}

// The binding fails when the spec loses an operation a route serves, and
// when a route is gone that an operation needs: shown on copies.
func TestSpecBindingFailsOnDrift(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, drop, want string
	}{
		{"graph operation removed", "operationId: debugToken\n", `Graph route GET /debug_token: openapi.yaml has no operation "debugToken"`},
		{"control operation removed", "operationId: reset\n", `control route POST /_messemu/v1/reset: openapi.yaml has no operation "reset"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			spec := string(messemu.OpenAPI)
			require.Contains(t, spec, tc.drop)
			spec = strings.Replace(spec, tc.drop, "operationId: "+strings.Repeat("x", 3)+tc.name[:5]+"\n", 1)
			err := New().CheckSpec([]byte(spec))
			require.Error(t, err)
			require.Contains(t, err.Error(), tc.want)
		})
	}
	t.Run("route removed", func(t *testing.T) {
		t.Parallel()
		s := New()
		var kept []route
		for _, r := range s.routes {
			if r.op != "debugToken" {
				kept = append(kept, r)
			}
		}
		s.routes = kept
		err := s.CheckSpec(messemu.OpenAPI)
		require.Error(t, err)
		require.Contains(t, err.Error(), `operation "debugToken" (GET /debug_token) is served by route /{id}, bound to "getNode"`)
	})
}
