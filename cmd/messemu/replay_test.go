package main

import (
	"bytes"
	"encoding/xml"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// End to end, as CI runs it: the real binary, the example bot started
// with --exec, the real HTTP path, exit codes and the JUnit file.

// buildBinaries builds messemu and the example echobot into a temporary
// directory.
func buildBinaries(t *testing.T) (messemu, echobot string) {
	t.Helper()
	dir := t.TempDir()
	messemu, echobot = filepath.Join(dir, "messemu"), filepath.Join(dir, "echobot")
	for pkg, out := range map[string]string{".": messemu, "../../examples/echobot": echobot} {
		b, err := exec.Command("go", "build", "-o", out, pkg).CombinedOutput()
		require.NoError(t, err, "go build %s: %s", pkg, b)
	}
	return messemu, echobot
}

// replay runs the binary and returns its exit code and output.
func replay(t *testing.T, bin string, args ...string) (int, string) {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"replay"}, args...)...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode(), out.String()
	}
	require.NoError(t, err)
	return 0, out.String()
}

type junitCounts struct {
	Tests    int `xml:"tests,attr"`
	Failures int `xml:"failures,attr"`
}

func readJUnit(t *testing.T, file string) junitCounts {
	t.Helper()
	b, err := os.ReadFile(file)
	require.NoError(t, err)
	var c junitCounts
	require.NoError(t, xml.Unmarshal(b, &c))
	return c
}

func TestReplayAgainstTheExampleBot(t *testing.T) {
	if testing.Short() {
		t.Skip("builds binaries")
	}
	t.Parallel()
	messemu, echobot := buildBinaries(t)
	junit := filepath.Join(t.TempDir(), "junit.xml")

	code, out := replay(t, messemu, "--exec", echobot, "--addr", "127.0.0.1:0", "--junit", junit, "--parallel", "4", "../../scenarios/examples")
	require.Equal(t, 0, code, out)
	assert.Contains(t, out, "PASS: 4 scenarios, 4 passed, 0 failed")
	assert.Equal(t, junitCounts{Tests: 4, Failures: 0}, readJUnit(t, junit))

	code, out = replay(t, messemu, "--exec", echobot, "--addr", "127.0.0.1:0", "--junit", junit, "--run", "passes|wrong", "../../scenarios/testdata/fail/wrong-reply.yaml")
	require.Equal(t, 1, code, out)
	assert.Contains(t, out, "../../scenarios/testdata/fail/wrong-reply.yaml:9:7: expect: the bot's message is not the one expected")
	assert.Contains(t, out, `Text:         "Hello",`)
	assert.Contains(t, out, "FAIL: 2 scenarios, 1 passed, 1 failed")
	assert.Equal(t, junitCounts{Tests: 2, Failures: 1}, readJUnit(t, junit))
}

func TestReplayExitsTwoOnAFileErrorAndRunsNothing(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	code := run([]string{"replay", "--bot", "http://127.0.0.1:1/webhook", "../../scenarios/testdata/bad/wrong-type.yaml"}, nil, &out, &errOut)
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut.String(), "wrong-type.yaml:5:33: wrong type: want a number, got a string")
	assert.Empty(t, out.String())

	code = run([]string{"replay", "../../scenarios/examples"}, nil, &out, &errOut)
	assert.Equal(t, 2, code, "no bot given")
	code = run([]string{"replay", "--bogus"}, nil, &out, &errOut)
	assert.Equal(t, 2, code)
}
