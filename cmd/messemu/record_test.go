package main

import (
	"bytes"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/messemu/messemu/fakegraph"
)

// record's file ends with a newline, and replacing a file that was there
// is said.
func TestRecordEndsItsFileAndSaysWhatItReplaced(t *testing.T) {
	t.Parallel()
	srv := fakegraph.New(fakegraph.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	require.NoError(t, srv.Start("127.0.0.1:0"))
	t.Cleanup(func() { _ = srv.Close() })
	require.Equal(t, 200, do(t, "POST", srv.URL()+"/_messemu/v1/users/"+alice+"/messages", `{"text":"hi"}`))

	var out, errOut bytes.Buffer
	require.Equal(t, 0, run([]string{"record", "--emulator", srv.URL(), "--out", "-"}, nil, &out, &errOut), errOut.String())
	assert.Contains(t, out.String(), "says:")
	assert.True(t, strings.HasSuffix(out.String(), "\n"), "--out - ends without a newline: %q", out.String())

	file := filepath.Join(t.TempDir(), "rec.yaml")
	errOut.Reset()
	require.Equal(t, 0, run([]string{"record", "--emulator", srv.URL(), "--out", file}, nil, &out, &errOut), errOut.String())
	assert.Contains(t, errOut.String(), "messemu: recorded 1 scenario into "+file+"; replay with")
	b, err := os.ReadFile(file)
	require.NoError(t, err)
	assert.True(t, strings.HasSuffix(string(b), "\n"), "the file ends without a newline: %q", b)

	errOut.Reset()
	require.Equal(t, 0, run([]string{"record", "--emulator", srv.URL(), "--out", file}, nil, &out, &errOut), errOut.String())
	assert.Contains(t, errOut.String(), "messemu: recorded 1 scenario into "+file+" (replacing the file that was there); replay with")
}
