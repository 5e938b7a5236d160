package fakegraph

import (
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/messemu/messemu"
)

// TestControlRoutesAreInTheSpec holds the control API's routes to
// openapi.yaml, both ways, so neither can grow alone.
func TestControlRoutesAreInTheSpec(t *testing.T) {
	t.Parallel()
	doc, err := openapi3.NewLoader().LoadFromData(messemu.OpenAPI)
	require.NoError(t, err)
	var spec []string
	for path, item := range doc.Paths.Map() {
		if rest, ok := strings.CutPrefix(path, controlPrefix); ok {
			for method := range item.Operations() {
				spec = append(spec, method+" "+rest)
			}
		}
	}
	var routes []string
	for _, r := range New().controlRoutes() {
		routes = append(routes, r.method+" "+r.pattern)
	}
	slices.Sort(spec)
	slices.Sort(routes)
	if diff := cmp.Diff(routes, spec); diff != "" {
		t.Errorf("control routes and openapi.yaml differ (-routes +openapi.yaml):\n%s", diff)
	}
}
