package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A bad flag is said once (with the usage), not once by the flag package
// and again by main, and exits 2.
func TestABadFlagIsSaidOnce(t *testing.T) {
	t.Parallel()
	for _, cmd := range []string{"serve", "validate", "check", "replay", "record", "rules", "env", "ca"} {
		var out, errOut bytes.Buffer
		code := run([]string{cmd, "--bogus"}, strings.NewReader(""), &out, &errOut)
		assert.Equal(t, 2, code, cmd)
		all := out.String() + errOut.String()
		assert.Equal(t, 1, strings.Count(all, "flag provided but not defined: -bogus"), "%s:\n%s", cmd, all)
		assert.NotContains(t, out.String(), "-bogus", "%s: the error goes to standard error", cmd)
	}
	var out, errOut bytes.Buffer
	code := run([]string{"replay", "--wait", "2", "x.yaml"}, nil, &out, &errOut)
	assert.Equal(t, 2, code)
	assert.Equal(t, 1, strings.Count(errOut.String(), `invalid value "2" for flag -wait`), errOut.String())
}

// validate, check, record and replay take their flags after the file
// names too, as the README writes `check FILE --at DATE`.
func TestFlagsAfterTheArguments(t *testing.T) {
	t.Parallel()
	body := filepath.Join(t.TempDir(), "req.json")
	require.NoError(t, os.WriteFile(body, []byte(`{"recipient":{"id":"1"},"messaging_type":"RESPONSE","message":{"text":"hi"}}`), 0o600))
	var out, errOut bytes.Buffer
	code := run([]string{"validate", body, "--json"}, nil, &out, &errOut)
	assert.Equal(t, 0, code, errOut.String())
	assert.Contains(t, out.String(), `"accepted": true`)

	out.Reset()
	errOut.Reset()
	code = run([]string{"validate", "-", "--json"}, strings.NewReader(`{"recipient":{"id":"1"},"message":{"text":""}}`), &out, &errOut)
	assert.Equal(t, 1, code, errOut.String())
	assert.Contains(t, out.String(), `"accepted": false`)

	// record: flags in any order; an argument is still refused.
	errOut.Reset()
	code = run([]string{"record", "extra", "--out", "-"}, nil, &out, &errOut)
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut.String(), "--out is required")
}

// record -h names its command line and says --out is required.
func TestRecordHelpSaysOutIsRequired(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	code := run([]string{"record", "-h"}, nil, &out, &errOut)
	assert.Equal(t, 0, code)
	help := out.String() + errOut.String()
	assert.Contains(t, help, "usage: messemu record --out FILE|- [--emulator URL]")
	assert.Contains(t, help, "--out is required")
	assert.NotContains(t, help, "Usage of record")
	code = run([]string{"record"}, nil, &out, &errOut)
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut.String(), "--out is required")
}
