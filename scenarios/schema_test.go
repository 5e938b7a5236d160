package scenarios

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
	"github.com/google/go-cmp/cmp"
	"github.com/messemu/messemu/fakegraph"
	"github.com/messemu/messemu/validator"
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

// stepProperty decodes into v the schema.json definition of property
// prop of the step whose key is step (fault:, expect_user:, …).
func stepProperty(t *testing.T, step, prop string, v any) {
	t.Helper()
	b, err := os.ReadFile("schema.json")
	require.NoError(t, err)
	var s struct {
		Defs struct {
			Step struct {
				OneOf []struct {
					Properties map[string]struct {
						Properties map[string]json.RawMessage `json:"properties"`
					} `json:"properties"`
				} `json:"oneOf"`
			} `json:"step"`
		} `json:"$defs"`
	}
	require.NoError(t, json.Unmarshal(b, &s))
	for _, st := range s.Defs.Step.OneOf {
		if def, ok := st.Properties[step].Properties[prop]; ok {
			require.NoError(t, json.Unmarshal(def, v))
			return
		}
	}
	t.Fatalf("schema.json has no step %s: with %s", step, prop)
}

// The schema's list of api families is the emulator's, which the loader
// checks a fault: against.
func TestSchemaFaultAPIsAreTheEmulators(t *testing.T) {
	t.Parallel()
	var api struct {
		Enum []string `json:"enum"`
	}
	stepProperty(t, "fault", "api", &api)
	if d := cmp.Diff(fakegraph.RequestAPIs(), api.Enum); d != "" {
		t.Errorf("schema.json fault: api: enum (-emulator +schema):\n%s", d)
	}
}

// Durations the schema's realWait takes and refuses, as the loader does
// for waits:, no_message: and within: (more than 0, at most 1m). The
// schema refuses a part over 1m; only the loader adds the parts up.
func TestSchemaRealWaitBounds(t *testing.T) {
	t.Parallel()
	s := compileSchema(t)
	for d, ok := range map[string]bool{
		"1ms": true, "0.5s": true, "59s": true, "60s": true, "1m": true, "1m0s": true, "1.0m": true, "30s500ms": true, "0.01h": true,
		"0s": false, "0ms": false, "0.0s": false, "2m": false, "90s": false, "1h": false, "1m1s": false, "1.5m": false, "60.5s": false, "120s": false,
	} {
		_, lerr := Parse("d.yaml", []byte("name: a\nsteps:\n  - waits: "+d+"\n"))
		assert.Equal(t, ok, lerr == nil, "loader, waits: %s: %v", d, lerr)
		inst := map[string]any{"name": "a", "steps": []any{map[string]any{"waits": d}}}
		serr := s.Validate(inst)
		assert.Equal(t, ok, serr == nil, "schema, waits: %s: %v", d, serr)
	}
}

// The names an expected profile may hold are the User Profile API's.
func TestSchemaExpectUserProfileNamesAreTheAPIs(t *testing.T) {
	t.Parallel()
	var profile struct {
		PropertyNames struct {
			Enum []string `json:"enum"`
		} `json:"propertyNames"`
	}
	stepProperty(t, "expect_user", "profile", &profile)
	if d := cmp.Diff(validator.UserProfileFields, profile.PropertyNames.Enum); d != "" {
		t.Errorf("schema.json expect_user: profile: propertyNames (-validator +schema):\n%s", d)
	}
}
