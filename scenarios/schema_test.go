package scenarios

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The schema and the loader speak one language: every file the loader
// accepts, the schema accepts; every file the loader refuses, the schema
// refuses too, unless the file says why a schema cannot ("# schema:
// cannot say").

func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open("schema.json")
	require.NoError(t, err)
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	require.NoError(t, err)
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	require.NoError(t, c.AddResource("schema.json", doc))
	s, err := c.Compile("schema.json")
	require.NoError(t, err)
	return s
}

// validateYAML validates a YAML file against the schema (a parse error
// counts as refused).
func validateYAML(t *testing.T, s *jsonschema.Schema, file string) error {
	t.Helper()
	b, err := os.ReadFile(file)
	require.NoError(t, err)
	j, err := yaml.YAMLToJSON(b)
	if err != nil {
		return err
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(j))
	if err != nil {
		return err
	}
	return s.Validate(inst)
}

func TestSchemaAcceptsWhatTheLoaderAccepts(t *testing.T) {
	t.Parallel()
	s := compileSchema(t)
	var files []string
	for _, g := range []string{"examples/*.yaml", "testdata/good/*.yaml", "testdata/fail/*.yaml"} {
		m, err := filepath.Glob(g)
		require.NoError(t, err)
		files = append(files, m...)
	}
	require.NotEmpty(t, files)
	for _, f := range files {
		_, err := Load(f)
		require.NoError(t, err, f)
		assert.NoError(t, validateYAML(t, s, f), f)
	}
}

func TestSchemaRefusesWhatTheLoaderRefuses(t *testing.T) {
	t.Parallel()
	s := compileSchema(t)
	files, err := filepath.Glob("testdata/bad/*.yaml")
	require.NoError(t, err)
	said := 0
	for _, f := range files {
		_, lerr := Load(f)
		require.Error(t, lerr, f)
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		if strings.Contains(string(b), "\n# schema: cannot say") {
			continue
		}
		said++
		assert.Error(t, validateYAML(t, s, f), "%s: the loader refuses it (%v) but the schema accepts it", f, lerr)
	}
	assert.GreaterOrEqual(t, said, 5)
}
