//go:build !windows

package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Tests of replay that start bots with sh syntax and signals.

// A reader that quits early (replay … | head -1) does not leave the bot
// replay started running: replay goes on to its end and stops it.
func TestReplayStopsTheBotWhenItsOutputCloses(t *testing.T) {
	if testing.Short() {
		t.Skip("builds binaries")
	}
	t.Parallel()
	messemu, echobot := buildBinaries(t)
	pidFile := filepath.Join(t.TempDir(), "bot.pid")
	scenario := filepath.Join(t.TempDir(), "two.yaml")
	require.NoError(t, os.WriteFile(scenario, []byte("- name: one\n  steps: [{says: hi}, {expect: {text: nope, within: 200ms}}]\n"+
		"- name: two\n  steps: [{says: hi}, {expect: {text: nope, within: 200ms}}]\n"), 0o600))
	cmd := exec.Command(messemu, "replay", "--addr", "127.0.0.1:0", "--parallel", "1",
		"--exec", "echo $$ > "+pidFile+"; exec "+echobot, scenario)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	first := make([]byte, 1)
	_, err = stdout.Read(first) // the first result is out
	require.NoError(t, err)
	require.NoError(t, stdout.Close())
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("replay did not end after its output closed")
	}
	b, err := os.ReadFile(pidFile)
	require.NoError(t, err)
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		return errors.Is(syscall.Kill(pid, 0), syscall.ESRCH)
	}, 10*time.Second, 50*time.Millisecond, "the bot (pid %d) is still running", pid)
}

// A --junit file that cannot be written is said before anything runs: the
// bot is not started.
func TestReplayRefusesAnUnwritableJUnitPathFirst(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	started := filepath.Join(dir, "started")
	var out, errOut bytes.Buffer
	code := run([]string{"replay", "--addr", "127.0.0.1:0", "--exec", "touch " + started,
		"--junit", filepath.Join(dir, "no-such-dir", "junit.xml"), "../../scenarios/examples"}, nil, &out, &errOut)
	assert.NotEqual(t, 0, code)
	assert.Contains(t, errOut.String(), "replay: --junit: open ")
	assert.NoFileExists(t, started, "the bot was started before the report's path was checked")
}

// A run that ends before its report (the bot never answered) leaves no
// empty report behind for CI to read as "no tests".
func TestReplayLeavesNoEmptyJUnitFile(t *testing.T) {
	t.Parallel()
	junit := filepath.Join(t.TempDir(), "junit.xml")
	var out, errOut bytes.Buffer
	code := run([]string{"replay", "--addr", "127.0.0.1:0", "--exec", "true", "--junit", junit, "../../scenarios/examples"}, nil, &out, &errOut)
	assert.NotEqual(t, 0, code)
	assert.Contains(t, errOut.String(), "the bot exited before answering the webhook handshake")
	assert.NoFileExists(t, junit)
}

// A report file already there (last run's, a symlink to another file) is
// neither removed nor emptied by a run that ends before its report.
func TestReplayKeepsAnExistingJUnitFileWhenItEndsEarly(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	old := filepath.Join(dir, "old.xml")
	require.NoError(t, os.WriteFile(old, []byte("<old/>"), 0o600))
	target := filepath.Join(dir, "target.txt")
	require.NoError(t, os.WriteFile(target, []byte("data"), 0o600))
	link := filepath.Join(dir, "link.xml")
	require.NoError(t, os.Symlink(target, link))
	for _, path := range []string{old, link} {
		var out, errOut bytes.Buffer
		code := run([]string{"replay", "--addr", "127.0.0.1:0", "--exec", "true", "--junit", path, "../../scenarios/examples"}, nil, &out, &errOut)
		assert.NotEqual(t, 0, code)
		assert.FileExists(t, path)
	}
	b, err := os.ReadFile(old)
	require.NoError(t, err)
	assert.Equal(t, "<old/>", string(b))
	b, err = os.ReadFile(target)
	require.NoError(t, err)
	assert.Equal(t, "data", string(b))
}

// Ctrl-C stops the run: the scenario under way is reported as stopped
// where it stood (not a failure with "context canceled"), the one not
// begun as not run, the JUnit report is written with both skipped, and
// replay exits 130.
func TestReplayInterruptedSaysWhereItStopped(t *testing.T) {
	if testing.Short() {
		t.Skip("builds binaries")
	}
	t.Parallel()
	messemu, echobot := buildBinaries(t)
	dir := t.TempDir()
	scenario := filepath.Join(dir, "quiet.yaml")
	require.NoError(t, os.WriteFile(scenario, []byte("- name: long wait\n  steps:\n    - says: hello\n    - waits: 50s\n"+
		"- name: next\n  steps:\n    - says: hi\n"), 0o600))
	junit := filepath.Join(dir, "junit.xml")
	addr := freeAddr(t)
	cmd := exec.Command(messemu, "replay", "--addr", addr, "--parallel", "1", "--exec", echobot, "--junit", junit, scenario)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	require.NoError(t, cmd.Start())
	require.Eventually(t, func() bool { // the scenario's user has said hello: the run is at its wait
		resp, err := http.Get("http://" + addr + "/_messemu/v1/journal?kind=user_action")
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		var page struct{ Events []json.RawMessage }
		return json.NewDecoder(resp.Body).Decode(&page) == nil && len(page.Events) > 0
	}, 30*time.Second, 20*time.Millisecond)
	time.Sleep(300 * time.Millisecond) // past the step's return, into its 50 s wait
	require.NoError(t, cmd.Process.Signal(os.Interrupt))
	err := cmd.Wait()
	var ee *exec.ExitError
	require.ErrorAs(t, err, &ee, "stdout: %s\nstderr: %s", stdout.String(), stderr.String())
	assert.Equal(t, 130, ee.ExitCode())
	assert.Contains(t, stdout.String(), "STOP long wait")
	assert.Contains(t, stdout.String(), "quiet.yaml:4:7: interrupted at this step", "stopped in its wait")
	assert.Contains(t, stdout.String(), "STOP next\n    "+scenario+":5: not run: the run was interrupted\n", "the scenario not begun is named")
	assert.Contains(t, stdout.String(), "STOPPED: 2 scenarios, 0 passed, 0 failed, 1 interrupted, 1 not run")
	assert.NotContains(t, stdout.String()+stderr.String(), "context canceled")
	assert.Contains(t, stderr.String(), "messemu: replay: interrupted")
	b, err := os.ReadFile(junit)
	require.NoError(t, err)
	assert.Contains(t, string(b), `<skipped message="interrupted: `)
	assert.Contains(t, string(b), `<skipped message="not run: the run was interrupted">`)
	assert.Equal(t, junitCounts{Tests: 2, Failures: 0}, readJUnit(t, junit))
}

// Ctrl-C while the bot starts (it never answers the handshake) stops
// replay at once, with 130 and no Go error text.
func TestReplayInterruptedWhileTheBotStarts(t *testing.T) {
	if testing.Short() {
		t.Skip("builds binaries")
	}
	t.Parallel()
	messemu, _ := buildBinaries(t)
	started := filepath.Join(t.TempDir(), "started")
	cmd := exec.Command(messemu, "replay", "--addr", "127.0.0.1:0", "--exec", "touch "+started+"; exec sleep 30", "../../scenarios/examples")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	require.NoError(t, cmd.Start())
	require.Eventually(t, func() bool { _, err := os.Stat(started); return err == nil }, 30*time.Second, 20*time.Millisecond)
	require.NoError(t, cmd.Process.Signal(os.Interrupt))
	err := cmd.Wait()
	var ee *exec.ExitError
	require.ErrorAs(t, err, &ee, "stdout: %s\nstderr: %s", stdout.String(), stderr.String())
	assert.Equal(t, 130, ee.ExitCode(), stderr.String())
	assert.NotContains(t, stderr.String(), "context canceled")
}

// A --junit symlink to a file not there yet: a run that ends early leaves
// neither the target it would have made nor a broken link behind.
func TestReplayLeavesADanglingJUnitLinkAsItWas(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	target, link := filepath.Join(dir, "target.xml"), filepath.Join(dir, "link.xml")
	require.NoError(t, os.Symlink(target, link))
	var out, errOut bytes.Buffer
	code := run([]string{"replay", "--addr", "127.0.0.1:0", "--exec", "true", "--junit", link, "../../scenarios/examples"}, nil, &out, &errOut)
	assert.NotEqual(t, 0, code)
	assert.NoFileExists(t, target)
	_, err := os.Lstat(link)
	assert.NoError(t, err, "the link is still there")
}

// A --junit directory is refused before anything runs.
func TestReplayRefusesAJUnitDirectoryFirst(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	started := filepath.Join(dir, "started")
	var out, errOut bytes.Buffer
	code := run([]string{"replay", "--addr", "127.0.0.1:0", "--exec", "touch " + started, "--junit", dir, "../../scenarios/examples"}, nil, &out, &errOut)
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut.String(), "is a directory")
	assert.NoFileExists(t, started)
}
