package messemu

import (
	"context"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
)

// controlOps are the control API's operations in openapi.yaml, as
// "METHOD path" under /_messemu/v1/. Each must carry the control tag and
// an operationId.
func controlOps(t *testing.T) []string {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(OpenAPI)
	require.NoError(t, err)
	require.NoError(t, doc.Validate(context.Background()))
	var out []string
	for path, item := range doc.Paths.Map() {
		rest, ok := strings.CutPrefix(path, "/_messemu/v1/")
		if !ok {
			continue
		}
		for method, op := range item.Operations() {
			if !slices.Contains(op.Tags, "control") || op.OperationID == "" {
				t.Errorf("%s %s: want the control tag and an operationId, have tags %v and %q", method, path, op.Tags, op.OperationID)
			}
			out = append(out, method+" "+rest)
		}
	}
	slices.Sort(out)
	return out
}

var readmeCall = regexp.MustCompile("`(GET|POST|PUT|PATCH|DELETE) ([a-z_/{}]+)[`?]")

// TestReadmeControlTableMatchesSpec holds the README's control API table
// to openapi.yaml: every operation, and nothing else.
func TestReadmeControlTableMatchesSpec(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	_, section, ok := strings.Cut(string(readme), "\n## The control API\n")
	require.True(t, ok, "README.md has no control API section")
	section, _, _ = strings.Cut(section, "\n## ")
	seen := map[string]bool{}
	for _, line := range strings.Split(section, "\n") {
		if !strings.HasPrefix(line, "| `") {
			continue
		}
		first, _, _ := strings.Cut(strings.TrimPrefix(line, "| "), " | ")
		for _, m := range readmeCall.FindAllStringSubmatch(first, -1) {
			seen[m[1]+" "+m[2]] = true
		}
	}
	var documented []string
	for k := range seen {
		documented = append(documented, k)
	}
	slices.Sort(documented)
	if diff := cmp.Diff(controlOps(t), documented); diff != "" {
		t.Errorf("README.md's control API table and openapi.yaml differ (-openapi.yaml +README.md):\n%s", diff)
	}
}
