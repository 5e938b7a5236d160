// Package conformance drives real third-party Messenger clients from npm
// (messaging-api-messenger, botly and messenger-bot, pointed at the plain
// listener; bootbot, messenger-node, fb-messenger and fb-messenger-bot-api,
// which hard-code https://graph.facebook.com, through the intercept proxy)
// against a `messemu serve` binary, so the emulator is judged by what real
// bots send rather than by its own tests.
//
// The Node programs (send.mjs, multipart.mjs, graph.mjs, …) print one
// `ok - …` or `not ok - …: why` line per check and end with
// `N passed, N failed`; this test builds the binary, starts it on a free
// loopback port, runs each program against it and fails on any failed check.
//
// Run `npm ci` in conformance/ first. Without Node the test skips; without
// node_modules it skips too, except in CI (CI=true), where it fails.
package conformance

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// The emulator's built-in defaults (DESIGN.md: `messemu serve` needs no flags).
const (
	defaultPageID    = "109876543210987"
	defaultPageToken = "EAAMessemuTestPageToken"
	alicePSID        = "5275811702471834"
)

// scripts are the Node programs run against a fresh emulator each: the Send
// API (send.mjs), multipart sends and uploads from streams and bot-built
// forms (multipart.mjs), the rest of the Graph API a bot calls (graph.mjs:
// Messenger Profile, personas, labels, user profile, handover, batch, …),
// batches built with the client's helpers and signed with appsecret_proof
// (batch.mjs), and messenger-bot's calls and webhook middleware
// (messengerbot.mjs).
var scripts = []string{"send.mjs", "multipart.mjs", "graph.mjs", "batch.mjs", "messengerbot.mjs"}

// clients are the npm packages the scripts drive (package.json pins them),
// global-agent among them: intercept.mjs preloads it to send node-fetch's
// calls to the proxy.
var clients = []string{"messaging-api-messenger", "botly", "messenger-bot",
	"bootbot", "messenger-node", "fb-messenger", "fb-messenger-bot-api", "global-agent"}

var summaryLine = regexp.MustCompile(`^(\d+) passed, (\d+) failed$`)

func TestConformance(t *testing.T) {
	node := requireNode(t)

	// MESSEMU_CONFORMANCE_URL points the harness at an emulator that is
	// already running (for debugging one); no binary is built then.
	external := strings.TrimRight(os.Getenv("MESSEMU_CONFORMANCE_URL"), "/")
	var bin string
	if external == "" {
		bin = buildMessemu(t)
	}

	for _, script := range scripts {
		t.Run(script, func(t *testing.T) {
			url := external
			if url == "" {
				// Each script has an emulator of its own, so they run side
				// by side; against one external emulator they take turns
				// (send.mjs moves its clock).
				t.Parallel()
				url = startServer(t, bin, nil)
			}
			runScript(t, node, url, script)
		})
	}

	// intercept.mjs drives the clients that hard-code graph.facebook.com
	// through `serve --intercept`, with the variables `messemu env` prints.
	t.Run("intercept.mjs", func(t *testing.T) {
		if external != "" {
			t.Skip("MESSEMU_CONFORMANCE_URL is set: intercept.mjs needs an emulator this test starts with --intercept (run it by hand against yours, conformance/README.md)")
		}
		t.Parallel()
		var proxy string
		caDir := t.TempDir()
		url := startServer(t, bin, func() []string {
			proxy = freeAddr(t) // anew with each attempt: this one may be taken too
			return []string{"--intercept", proxy, "--ca-dir", caDir}
		})
		env := messemuEnv(t, bin, proxy, caDir)
		env = append(env,
			"MESSEMU_CA_DIR="+caDir, // the script checks the certificate's issuer against it
			// global-agent (preloaded with -r) reads HTTPS_PROXY and
			// NO_PROXY themselves, and no HTTP_PROXY: plain http (the
			// control API) is never proxied.
			"GLOBAL_AGENT_ENVIRONMENT_VARIABLE_NAMESPACE=",
			// It leaves alone the agent the request library brings for its
			// own HTTPS_PROXY tunnel.
			"GLOBAL_AGENT_FORCE_GLOBAL_AGENT=false",
			"HTTP_PROXY=", "http_proxy=", // a proxy of the machine's own would take the control API
		)
		runScript(t, node, url, "intercept.mjs", withEnv(env...), withNodeArgs("-r", "global-agent/bootstrap"))
	})
}

// messemuEnv runs `messemu env --intercept proxy --ca-dir caDir` and answers
// the variables it exports (HTTPS_PROXY, NO_PROXY, NODE_EXTRA_CA_CERTS, …)
// as KEY=VALUE.
func messemuEnv(t *testing.T, bin, proxy, caDir string) []string {
	t.Helper()
	cmd := exec.Command(bin, "env", "--shell", "sh", "--intercept", proxy, "--ca-dir", caDir)
	cmd.Env = withoutMessemuVars(os.Environ())
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s env: %v\n%s", bin, err, out)
	}
	var env []string
	seen := map[string]bool{}
	for _, line := range strings.Split(string(out), "\n") {
		m := exportLine.FindStringSubmatch(strings.TrimSpace(line))
		if m == nil {
			continue
		}
		env = append(env, m[1]+"="+strings.ReplaceAll(m[2], `'\''`, `'`))
		seen[m[1]] = true
	}
	for _, k := range []string{"HTTPS_PROXY", "NO_PROXY", "NODE_EXTRA_CA_CERTS"} {
		if !seen[k] {
			t.Fatalf("messemu env printed no %s:\n%s", k, out)
		}
	}
	return env
}

// exportLine is one `export KEY='value'` line of `messemu env --shell sh`.
var exportLine = regexp.MustCompile(`^export ([A-Za-z_][A-Za-z0-9_]*)='((?:[^']|'\\'')*)'$`)

// requireNode returns the path of node, or skips (or, in CI, fails) when the
// harness cannot run.
func requireNode(t *testing.T) string {
	t.Helper()
	node, why := harnessMissing()
	switch {
	case why == "":
		return node
	case node != "" && os.Getenv("CI") == "true":
		t.Fatal(why + "; in CI, .ci/run must do `(cd conformance && npm ci)` before the Go tests")
	}
	t.Skip(why)
	return ""
}

// harnessMissing says why the harness cannot run ("" when it can), with
// the path of node when node was found.
func harnessMissing() (node, why string) {
	node, err := exec.LookPath("node")
	if err != nil {
		return "", "node is not on PATH: install Node.js (18 or later) and run `npm ci` in conformance/ to run the conformance harness"
	}
	for _, pkg := range clients {
		if _, err := os.Stat(filepath.Join("node_modules", pkg, "package.json")); err != nil {
			return node, "conformance/node_modules lacks " + pkg + ": run `npm ci` in conformance/ (" + err.Error() + ")"
		}
	}
	return node, ""
}

// buildMessemu builds cmd/messemu into a temporary directory. Under -race the
// binary is built with -race too, so the clients' traffic doubles as a race
// test of the server.
func buildMessemu(t *testing.T) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("go is not on PATH: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "messemu")
	args := []string{"build", "-o", bin}
	if raceEnabled {
		args = append(args, "-race")
	}
	args = append(args, "github.com/messemu/messemu/cmd/messemu")
	cmd := exec.Command(goTool, args...)
	cmd.Dir = ".." // the module root
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return bin
}

// syncBuffer collects the server's output from its two streams.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startServer runs `messemu serve` on a free loopback port with its built-in
// defaults (and the flags extra gives, when not nil) and returns its base
// URL once the control API answers. The server is stopped when the test
// ends; its log is shown if the test failed. freeAddr's port can be taken
// by another program before serve binds it (the packages' tests run side
// by side): serve then stops at once, saying so, and startServer tries
// other ports, asking extra anew each time (a fresh proxy address).
func startServer(t *testing.T, bin string, extra func() []string) string {
	t.Helper()
	const attempts = 5
	for attempt := 1; ; attempt++ {
		addr := freeAddr(t)
		args := []string{"serve", "--addr", addr}
		if extra != nil {
			args = append(args, extra()...)
		}
		if url, taken := runServer(t, bin, addr, args, attempt == attempts); !taken {
			return url
		}
		t.Logf("messemu serve found a port taken (attempt %d of %d); trying others", attempt, attempts)
	}
}

// runServer is one attempt of startServer. taken reports a server that
// stopped because an address was in use, when last is false: the caller
// tries again, and this attempt leaves no error behind.
func runServer(t *testing.T, bin, addr string, args []string, last bool) (url string, taken bool) {
	t.Helper()
	logs := &syncBuffer{}
	if serveHasFlag(t, bin, "no-demo-bot") {
		args = append(args, "--no-demo-bot") // the demo bot would answer the test user's messages
	} else {
		t.Log("messemu serve has no --no-demo-bot flag (yet); starting it without")
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = withoutMessemuVars(os.Environ()) // run on the built-in defaults only
	cmd.Stdout = logs
	cmd.Stderr = logs
	stopWithParent(cmd) // a killed test run leaves no server behind
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s serve: %v", bin, err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	abandoned := false // an attempt whose port was taken

	t.Cleanup(func() {
		if abandoned {
			return
		}
		select {
		case err := <-exited:
			t.Errorf("messemu serve exited during the test: %v", err)
		default:
			if err := cmd.Process.Signal(os.Interrupt); err != nil {
				t.Logf("interrupt messemu serve: %v", err)
			}
			select {
			case <-exited:
			case <-time.After(10 * time.Second):
				t.Errorf("messemu serve did not stop within 10 s of SIGINT; killing it")
				if err := cmd.Process.Kill(); err != nil {
					t.Logf("kill messemu serve: %v", err)
				}
				<-exited
			}
		}
		out := logs.String()
		if strings.Contains(out, "WARNING: DATA RACE") {
			t.Errorf("the race detector fired in messemu serve")
		}
		if t.Failed() {
			t.Logf("messemu serve log:\n%s", out)
		}
	})

	url = "http://" + addr
	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(30 * time.Second)
	for {
		select {
		case err := <-exited:
			if !last && strings.Contains(logs.String(), "address already in use") {
				abandoned = true
				return "", true
			}
			exited <- err // let the cleanup see it too
			t.Fatalf("messemu serve exited before answering: %v\n%s", err, logs.String())
		default:
		}
		resp, err := client.Get(url + "/_messemu/v1/users")
		if err == nil {
			resp.Body.Close()
			// The answer is this server's once its banner names the
			// address (printed when it has bound it): another test's
			// server, given the same port, may answer first.
			if resp.StatusCode == http.StatusOK && strings.Contains(logs.String(), url+"/") {
				return url, false
			}
		}
		if time.Now().After(deadline) {
			status := "no answer"
			if err != nil {
				status = err.Error()
			} else {
				status = resp.Status
			}
			t.Fatalf("messemu serve on %s: GET /_messemu/v1/users did not answer 200 within 30 s (last: %s)", addr, status)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// serveHasFlag reports whether `messemu serve -h` lists the flag.
func serveHasFlag(t *testing.T, bin, flag string) bool {
	t.Helper()
	out, err := exec.Command(bin, "serve", "-h").CombinedOutput()
	if err != nil && len(out) == 0 {
		t.Logf("%s serve -h: %v", bin, err)
	}
	return bytes.Contains(out, []byte("-"+flag+" ")) || bytes.Contains(out, []byte("-"+flag+"\n"))
}

// freeAddr finds a free loopback port by listening on :0 and closing.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("find a free port: %v", err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatalf("close probe listener: %v", err)
	}
	return addr
}

func withoutMessemuVars(env []string) []string {
	out := env[:0:0]
	for _, kv := range env {
		if !strings.HasPrefix(kv, "MESSEMU_") {
			out = append(out, kv)
		}
	}
	return out
}

// scriptOption adds to a script's run: variables, arguments for node.
type scriptOption func(*scriptRun)

type scriptRun struct {
	env      []string
	nodeArgs []string
}

// withEnv sets variables (KEY=VALUE) for the script, over the test's own.
func withEnv(kv ...string) scriptOption {
	return func(r *scriptRun) { r.env = append(r.env, kv...) }
}

// withNodeArgs passes arguments to node before the script (-r MODULE).
func withNodeArgs(args ...string) scriptOption {
	return func(r *scriptRun) { r.nodeArgs = append(r.nodeArgs, args...) }
}

// runScript runs one Node program against the emulator at url, streaming its
// output into the test log, and fails unless it exits 0 with a closing line
// reporting 0 failed.
func runScript(t *testing.T, node, url, script string, opts ...scriptOption) {
	t.Helper()
	var run scriptRun
	for _, o := range opts {
		o(&run)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, append(run.nodeArgs, script)...)
	env := withoutMessemuVars(os.Environ())
	if len(run.env) > 0 {
		// The script's variables replace any the test inherited (a proxy
		// of the machine's own, say), whatever their case.
		set := map[string]bool{}
		for _, kv := range run.env {
			k, _, _ := strings.Cut(kv, "=")
			set[strings.ToUpper(k)] = true
		}
		kept := env[:0:0]
		for _, kv := range env {
			k, _, _ := strings.Cut(kv, "=")
			if !set[strings.ToUpper(k)] {
				kept = append(kept, kv)
			}
		}
		env = append(kept, run.env...)
	}
	cmd.Env = append(env,
		"MESSEMU_URL="+url,
		"MESSEMU_PAGE_TOKEN="+defaultPageToken,
		"MESSEMU_PAGE_ID="+defaultPageID,
		"MESSEMU_PSID="+alicePSID,
	)
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatalf("pipe: %v", err)
	}
	cmd.Stdout = pw
	cmd.Stderr = pw
	if err := cmd.Start(); err != nil {
		pw.Close()
		pr.Close()
		t.Fatalf("start node %s: %v", script, err)
	}
	pw.Close() // the child holds its own copy

	var lastLine string
	var notOK []string
	sc := bufio.NewScanner(pr)
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	for sc.Scan() {
		line := sc.Text()
		t.Log(line)
		if strings.HasPrefix(line, "not ok - ") {
			notOK = append(notOK, line)
		}
		if strings.TrimSpace(line) != "" {
			lastLine = strings.TrimSpace(line)
		}
	}
	if err := sc.Err(); err != nil {
		t.Errorf("read node output: %v", err)
	}
	pr.Close()
	waitErr := cmd.Wait()

	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		t.Fatalf("node %s did not finish within 5 minutes", script)
	}
	m := summaryLine.FindStringSubmatch(lastLine)
	switch {
	case m == nil:
		t.Errorf("node %s: the last line is %q, want `N passed, N failed`", script, lastLine)
	case m[2] != "0":
		t.Errorf("node %s: %s:\n%s", script, lastLine, strings.Join(notOK, "\n"))
	case m[1] == "0":
		t.Errorf("node %s: no check passed (%s)", script, lastLine)
	}
	if waitErr != nil {
		t.Errorf("node %s exited with %v", script, waitErr)
	}
}

// TestStartServerTriesAnotherPort: a port taken between freeAddr and
// serve's bind, the server's own or the intercept proxy's, costs an
// attempt, not the test.
func TestStartServerTriesAnotherPort(t *testing.T) {
	t.Parallel()
	bin := buildMessemu(t)
	held, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	busy := held.Addr().String()
	if url, taken := runServer(t, bin, busy, []string{"serve", "--addr", busy}, false); !taken || url != "" {
		t.Errorf("serve on a held port: url %q, taken %v; want a taken attempt", url, taken)
	}
	calls, caDir := 0, t.TempDir()
	url := startServer(t, bin, func() []string {
		calls++
		proxy := busy // the first attempt's proxy port is taken
		if calls > 1 {
			proxy = freeAddr(t)
		}
		return []string{"--intercept", proxy, "--ca-dir", caDir}
	})
	if calls != 2 || url == "" {
		t.Errorf("startServer with a taken proxy port: %d attempts, url %q; want 2 and a server", calls, url)
	}
}
