//go:build !windows

package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A bot started with --exec that crashes mid-run stops the run at once:
// the scenario under way fails where it stood, the one left fails unrun
// (named on the console, as in the JUnit report, with --parallel 1 too),
// the bot's last output is shown, and replay exits 1, not after each
// expect has waited out its time.
func TestReplayFailsFastWhenTheBotCrashes(t *testing.T) {
	if testing.Short() {
		t.Skip("builds binaries and starts a bot")
	}
	t.Parallel()
	messemu, echobot := buildBinaries(t)
	dir := t.TempDir()
	scenario := filepath.Join(dir, "slow.yaml")
	require.NoError(t, os.WriteFile(scenario, []byte(`- name: first
  steps:
    - says: hi
    - waits: 60s
- name: second
  steps:
    - says: hi
    - waits: 60s
`), 0o600))
	junit := filepath.Join(dir, "junit.xml")
	// The bot runs in the background of a script that "crashes": as a
	// wrapper (go run, npm start) that outlives its bot's crash would.
	crash := echobot + ` & pid=$!; sleep 1; echo "CRASH: panic: nil map" >&2; kill $pid; exit 3`
	code, out := replay(t, messemu, "--addr", "127.0.0.1:0", "--parallel", "1", "--junit", junit, "--exec", crash, scenario)
	assert.Equal(t, 1, code, out) // a wait run out would fail its expect, not stop "here" for the bot
	assert.Regexp(t, `FAIL first \(\d+\.\d+s\)\n    `+regexp.QuoteMeta(scenario+":4:7: stopped here: the bot (--exec) exited (exit status 3)\n"), out)
	assert.Contains(t, out, "FAIL second\n    "+scenario+":5: not run: the bot (--exec) exited (exit status 3)\n", "the scenario left is named")
	assert.Less(t, strings.Index(out, "FAIL first"), strings.Index(out, "FAIL second"), "the one under way ends first")
	assert.Contains(t, out, "FAIL: 2 scenarios, 0 passed, 2 failed")
	assert.Contains(t, out, "messemu: the bot (--exec) exited during the run (exit status 3): the run fails")
	assert.Contains(t, out, "  | CRASH: panic: nil map", "the bot's output")
	assert.Contains(t, out, `msg="echobot listening"`, "the bot's output, from the process it started too")
	assert.NotContains(t, out, "interrupted")
	assert.Equal(t, junitCounts{Tests: 2, Failures: 2}, readJUnit(t, junit), "the stopped scenarios are failures, not skipped")
}

// When a scenario fails, the last lines of a started bot's output come
// with it, whether or not the bot exited.
func TestReplayShowsTheBotsOutputWhenAScenarioFails(t *testing.T) {
	if testing.Short() {
		t.Skip("builds binaries and starts a bot")
	}
	t.Parallel()
	messemu, echobot := buildBinaries(t)
	code, out := replay(t, messemu, "--addr", "127.0.0.1:0", "--exec", echobot, "../../scenarios/testdata/fail/wrong-reply.yaml")
	assert.Equal(t, 1, code, out)
	assert.Contains(t, out, "messemu: the bot (--exec), its output:\n")
	assert.Contains(t, out, `msg="echobot listening"`)
	assert.NotContains(t, out, "exited during the run")

	code, out = replay(t, messemu, "--addr", "127.0.0.1:0", "--exec", echobot, "../../scenarios/examples/greeting.yaml")
	assert.Equal(t, 0, code, out)
	assert.NotContains(t, out, "its output", "a run that passes keeps the bot's output to itself")
}
