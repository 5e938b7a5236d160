package main

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

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

// exampleBots are the example bots in three languages, as --exec
// commands; a bot whose language is missing here skips, except in CI.
func exampleBots(t *testing.T, echobot string) map[string]string {
	t.Helper()
	bots := map[string]string{"go": echobot}
	need := func(what, why string) {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s: %s; .ci/run installs it", what, why)
		}
		t.Logf("skipping the %s bot: %s", what, why)
	}
	if _, err := exec.LookPath("node"); err != nil {
		need("node", "install Node.js 18 or later")
	} else if _, err := os.Stat("../../examples/nodebot/node_modules/messaging-api-messenger/package.json"); err != nil {
		need("node", "run `npm ci` in examples/nodebot")
	} else {
		bots["node"] = "node ../../examples/nodebot/bot.js"
	}
	if _, err := exec.LookPath("python3"); err != nil {
		need("python", "install python3")
	} else {
		bots["python"] = "python3 ../../examples/pybot/bot.py"
	}
	return bots
}

func TestReplayAgainstTheExampleBots(t *testing.T) {
	if testing.Short() {
		t.Skip("builds binaries and starts bots")
	}
	t.Parallel()
	messemu, echobot := buildBinaries(t)
	for lang, cmd := range exampleBots(t, echobot) {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			junit := filepath.Join(t.TempDir(), "junit.xml")
			code, out := replay(t, messemu, "--exec", cmd, "--addr", "127.0.0.1:0", "--junit", junit, "--strict", "../../scenarios/examples")
			require.Equal(t, 0, code, out)
			assert.Contains(t, out, "PASS: 4 scenarios, 4 passed, 0 failed")
			assert.Equal(t, junitCounts{Tests: 4, Failures: 0}, readJUnit(t, junit))

			code, out = replay(t, messemu, "--exec", cmd, "--addr", "127.0.0.1:0", "--junit", junit, "../../scenarios/testdata/fail/wrong-reply.yaml")
			require.Equal(t, 1, code, out)
			assert.Contains(t, out, "../../scenarios/testdata/fail/wrong-reply.yaml:9:7: expect: the bot's message is not the one expected")
			assert.Contains(t, out, `- text: "Hello"`, "the diff, in the scenario's keys")
			assert.Contains(t, out, "FAIL: 2 scenarios, 1 passed, 1 failed")
			assert.Equal(t, junitCounts{Tests: 2, Failures: 1}, readJUnit(t, junit))
		})
	}
}

func TestRecordThenReplayThroughTheBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds binaries")
	}
	t.Parallel()
	messemu, echobot := buildBinaries(t)
	emu, _ := startServe(t, messemu)
	bot := exec.Command(echobot)
	bot.Env = append(os.Environ(), "GRAPH_API_URL="+emu, "PAGE_ACCESS_TOKEN=EAAMessemuTestPageToken",
		"APP_SECRET=messemu-app-secret", "VERIFY_TOKEN=messemu-verify-token", "ADDR=127.0.0.1:"+freePortT(t))
	require.NoError(t, bot.Start())
	t.Cleanup(func() { _ = bot.Process.Kill(); _ = bot.Wait() })
	hook := "http://" + envOf(bot.Env, "ADDR") + "/webhook"
	require.Eventually(t, func() bool {
		return controlOK(emu, "PUT", "webhook", `{"url":"`+hook+`"}`) && controlOK(emu, "POST", "webhook/verify", "")
	}, 20*time.Second, 100*time.Millisecond)

	alice := "/_messemu/v1/users/5275811702471834/"
	require.True(t, controlOK(emu, "POST", alice+"messages", `{"text":"hi"}`))
	require.Eventually(t, func() bool { return controlOK(emu, "POST", alice+"quick_replies", `{"title":"Colours"}`) }, 5*time.Second, 50*time.Millisecond)
	require.Eventually(t, func() bool { return controlOK(emu, "POST", alice+"quick_replies", `{"title":"Red"}`) }, 5*time.Second, 50*time.Millisecond)
	time.Sleep(300 * time.Millisecond) // the bot's last answer

	file := filepath.Join(t.TempDir(), "recorded.yaml")
	cmd := exec.Command(messemu, "record", "--emulator", emu, "--out", file, "--psid", "5275811702471834")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	rec, err := os.ReadFile(file)
	require.NoError(t, err)
	assert.Contains(t, string(rec), `- taps_quick_reply: "Red"`)
	assert.Contains(t, string(rec), `text: "Good choice: red."`)

	code, rout := replay(t, messemu, "--exec", echobot, "--addr", "127.0.0.1:0", file)
	assert.Equal(t, 0, code, "%s\n%s", rec, rout)
}

// TestReplayExecListensWhereBotSays: with --bot, the started bot gets the
// port of that URL as PORT (and ADDR), so that it listens where the
// emulator posts.
func TestReplayExecListensWhereBotSays(t *testing.T) {
	if testing.Short() {
		t.Skip("builds binaries and starts a bot")
	}
	t.Parallel()
	messemu, echobot := buildBinaries(t)
	hook := "http://127.0.0.1:" + freePortT(t) + "/webhook"
	code, out := replay(t, messemu, "--exec", echobot, "--bot", hook, "--addr", "127.0.0.1:0", "../../scenarios/examples/greeting.yaml")
	require.Equal(t, 0, code, out)
	assert.Contains(t, out, "PASS")
}

func TestBotPort(t *testing.T) {
	t.Parallel()
	for hook, want := range map[string]int{"http://127.0.0.1:3000/webhook": 3000, "http://bot.test/webhook": 80, "https://bot.test/hook": 443} {
		got, err := botPort(hook)
		require.NoError(t, err)
		assert.Equal(t, want, got, hook)
	}
	got, err := botPort("")
	require.NoError(t, err)
	assert.Positive(t, got, "a free port")
}

// Every error of the scenario files is shown at once, each on a line of
// its own that starts with its place, under a line that counts them; the
// exit status is a file error's.
func TestReplayShowsEveryErrorOfTheFiles(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	many, one := "../../scenarios/testdata/bad/many-mistakes.yaml", "../../scenarios/testdata/bad/wrong-type.yaml"
	code := run([]string{"replay", "--bot", "http://127.0.0.1:1/webhook", many, one}, nil, &out, &errOut)
	assert.Equal(t, 2, code)
	assert.Empty(t, out.String())
	var want []string
	for _, f := range []string{many, one} {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		for line := range strings.Lines(string(b)) {
			w, ok := strings.CutPrefix(line, "# want: ")
			if !ok {
				break
			}
			want = append(want, strings.ReplaceAll(f+":"+w, "testdata/bad/no-such", "../../scenarios/testdata/bad/no-such"))
		}
	}
	require.Greater(t, len(want), 5)
	assert.Equal(t, fmt.Sprintf("messemu: replay: %d errors in the scenario files:\n", len(want))+strings.Join(want, ""), errOut.String())
}

func TestReplayExitsTwoOnAFileErrorAndRunsNothing(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	code := run([]string{"replay", "--bot", "http://127.0.0.1:1/webhook", "../../scenarios/testdata/bad/wrong-type.yaml"}, nil, &out, &errOut)
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut.String(), `wrong-type.yaml:5:33: quick_reply_count: want a whole number; got the text "three"`)
	assert.Empty(t, out.String())

	code = run([]string{"replay", "../../scenarios/examples"}, nil, &out, &errOut)
	assert.Equal(t, 2, code, "no bot given")
	code = run([]string{"replay", "--bogus"}, nil, &out, &errOut)
	assert.Equal(t, 2, code)
	for _, flag := range []string{"--timeout", "--wait", "--settle"} {
		errOut.Reset()
		code = run([]string{"replay", "--bot", "http://127.0.0.1:1/webhook", flag, "-1s", "../../scenarios/examples"}, nil, &out, &errOut)
		assert.Equal(t, 2, code, "%s -1s", flag)
		assert.Contains(t, errOut.String(), "--timeout, --wait and --settle are durations above zero", flag)
	}
}

// startServe runs `messemu serve` on a port the system chooses (no port a
// test picked and another program took before serve bound it) and
// returns its URL, read from its startup screen, and the screen (to its
// last line, "… Ctrl-C stops.").
func startServe(t *testing.T, messemu string, flags ...string) (url, screen string) {
	t.Helper()
	cmd := exec.Command(messemu, append([]string{"serve", "--addr", "127.0.0.1:0", "--no-demo-bot"}, flags...)...)
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	cmd.Stderr = io.Discard
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	var lines strings.Builder
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		lines.WriteString(sc.Text() + "\n")
		if f := strings.Fields(sc.Text()); len(f) >= 3 && f[0] == "Web" && f[1] == "page" {
			url = strings.TrimSuffix(f[2], "/")
		}
		if strings.HasSuffix(sc.Text(), "Ctrl-C stops.") {
			break
		}
	}
	require.NotEmpty(t, url, "no Web page line on serve's screen:\n%s", lines.String())
	go func() { _, _ = io.Copy(io.Discard, out) }() // what serve writes later
	require.Eventually(t, func() bool { return controlOK(url, "GET", "pages", "") }, 10*time.Second, 50*time.Millisecond)
	return url, lines.String()
}

// TestServeScreenNamesTheChosenPorts: given port 0, the startup screen
// names the ports the system chose, the intercept proxy's too (it said
// ":0", in its env command as well), and the proxy listens there.
func TestServeScreenNamesTheChosenPorts(t *testing.T) {
	if testing.Short() {
		t.Skip("builds binaries")
	}
	t.Parallel()
	messemu, _ := buildBinaries(t)
	_, screen := startServe(t, messemu, "--intercept", "127.0.0.1:0", "--ca-dir", t.TempDir())
	m := regexp.MustCompile(`Intercept +HTTPS proxy for graph\.facebook\.com on (127\.0\.0\.1:(\d+)) .*--intercept (\S+) `).FindStringSubmatch(screen)
	require.NotNil(t, m, "no Intercept line:\n%s", screen)
	assert.NotEqual(t, "0", m[2], "the proxy's port")
	assert.Equal(t, m[1], m[3], "the env command's proxy")
	conn, err := net.Dial("tcp", m[1])
	require.NoError(t, err, "the proxy the screen names")
	conn.Close()
}

func freePortT(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
}

func envOf(env []string, key string) string {
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, key+"="); ok {
			return v
		}
	}
	return ""
}

// controlOK calls the control API and reports a 200 answer.
func controlOK(base, method, path, body string) bool {
	if !strings.HasPrefix(path, "/") {
		path = "/_messemu/v1/" + path
	}
	req, err := http.NewRequest(method, base+path, strings.NewReader(body))
	if err != nil {
		return false
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode == http.StatusOK
}

// A bot that exits at once, with status 0, is named as such.
func TestReplayNamesABotThatExitsAtOnce(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	// "exit 0" is a command for sh and cmd.exe alike.
	code := run([]string{"replay", "--addr", "127.0.0.1:0", "--exec", "exit 0", "../../scenarios/examples"}, nil, &out, &errOut)
	assert.NotEqual(t, 0, code)
	assert.Contains(t, errOut.String(), "the bot exited before answering the webhook handshake (it exited with status 0)")
}

// A recording that fails (no emulator there) leaves the file it was to
// write as it was.
func TestRecordLeavesTheFileAloneWhenItFails(t *testing.T) {
	t.Parallel()
	keep := filepath.Join(t.TempDir(), "keep.yaml")
	require.NoError(t, os.WriteFile(keep, []byte("- name: mine\n"), 0o600))
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close()) // nothing listens there now
	var out, errOut bytes.Buffer
	code := run([]string{"record", "--emulator", "http://" + addr, "--out", keep}, nil, &out, &errOut)
	assert.NotEqual(t, 0, code)
	assert.Contains(t, errOut.String(), "record: ")
	b, err := os.ReadFile(keep)
	require.NoError(t, err)
	assert.Equal(t, "- name: mine\n", string(b))
}

// TestReplayOnABusyAddressSaysWhatToDo: replay's own emulator on an address
// in use (serve left running on the default) says how to go on.
func TestReplayOnABusyAddressSaysWhatToDo(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { _ = l.Close() })
	var out, errOut bytes.Buffer
	code := run([]string{"replay", "--addr", l.Addr().String(), "--bot", "http://127.0.0.1:1/webhook", "../../scenarios/examples/greeting.yaml"}, nil, &out, &errOut)
	assert.NotEqual(t, 0, code)
	assert.Contains(t, errOut.String(), "--emulator http://"+l.Addr().String(), errOut.String())
}

// A bot started with --exec that exits is never a passing run, even when
// something else (here the test) answers its webhook and the scenarios
// pass: `--exec nosuchcommand --bot URL-of-a-bot-already-running` exited
// 0 before.
func TestReplayFailsWhenTheExecBotExits(t *testing.T) {
	t.Parallel()
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, r.URL.Query().Get("hub.challenge"))
	}))
	defer other.Close()
	scenario := filepath.Join(t.TempDir(), "says.yaml")
	require.NoError(t, os.WriteFile(scenario, []byte("- name: only says\n  steps:\n    - says: hi\n    - waits: 1s\n"), 0o600))
	var out, errOut bytes.Buffer
	code := run([]string{"replay", "--addr", "127.0.0.1:0", "--exec", "exit 7", "--bot", other.URL + "/webhook", scenario}, nil, &out, &errOut)
	assert.NotEqual(t, 0, code, "%s\n%s", out.String(), errOut.String())
	assert.Contains(t, errOut.String(), "exit status 7", out.String())
	assert.Contains(t, errOut.String(), "the bot (--exec) exited")
}

// The bot's output is shown by its last lines, prefixed so that it does
// not pass for replay's own.
func TestPrintOutputShowsTheLastLines(t *testing.T) {
	t.Parallel()
	b := &childBot{out: &tailBuffer{max: 64}}
	var buf bytes.Buffer
	b.printOutput(&buf)
	assert.Equal(t, "messemu: the bot (--exec) printed nothing\n", buf.String())
	for i := range 100 {
		fmt.Fprintf(b.out, "line %d\n", i)
	}
	buf.Reset()
	b.printOutput(&buf)
	assert.True(t, strings.HasPrefix(buf.String(), "messemu: the bot (--exec), the last "), buf.String())
	assert.True(t, strings.HasSuffix(buf.String(), "  | line 98\n  | line 99\n"), buf.String())
	assert.NotContains(t, buf.String(), "line 0\n")
}
