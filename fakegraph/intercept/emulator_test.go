package intercept

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/messemu/messemu/fakegraph"
)

// An unmodified Python bot and curl, configured only by the env lines,
// reach the real emulator through the proxy: its journal shows their
// requests, validated like any other.
func TestPythonAndCurlReachTheEmulator(t *testing.T) {
	t.Parallel()
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh on PATH to source the env lines")
	}
	emu := fakegraph.New()
	if _, err := emu.UserSends(fakegraph.DefaultPageID, "5275811702471834", fakegraph.UserMessageRequest{Text: "hi"}); err != nil {
		t.Fatal(err)
	}
	ca, l := serveEmulator(t, emu)
	bundle, _, err := ca.WriteBundle()
	if err != nil {
		t.Fatal(err)
	}
	lines, err := EnvLines("sh", l.Addr().String(), bundle)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	envFile := filepath.Join(dir, "env.sh")
	if err := os.WriteFile(envFile, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(t *testing.T, argv ...string) string {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, sh, append([]string{"-c", `. "$0" && exec "$@"`, envFile}, argv...)...)
		cmd.Dir = dir
		cmd.Env = withoutProxyEnv(os.Environ())
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s failed: %v\n%s", strings.Join(argv, " "), err, out)
		}
		return string(out)
	}
	journalled := func(t *testing.T, method, path string) fakegraph.Event {
		t.Helper()
		for _, ev := range emu.Journal().After(0, 0) {
			if ev.Kind == fakegraph.KindRequest && ev.Method == method && ev.Path == path {
				return ev
			}
		}
		t.Fatalf("the journal has no %s %s", method, path)
		return fakegraph.Event{}
	}
	t.Run("python requests", func(t *testing.T) {
		python := pythonWithRequests()
		if python == "" {
			t.Skip("python3 with the requests module not found (Debian: apt-get install python3-requests)")
		}
		script := filepath.Join(dir, "bot.py")
		bot := `import requests
r = requests.post("https://graph.facebook.com/v15.0/me/messages",
    params={"access_token": "` + fakegraph.DefaultPageToken + `"},
    json={"recipient": {"id": "5275811702471834"}, "messaging_type": "RESPONSE", "message": {"text": "hello from python"}},
    timeout=10)
print(r.status_code, r.text)
r.raise_for_status()
`
		if err := os.WriteFile(script, []byte(bot), 0o644); err != nil {
			t.Fatal(err)
		}
		out := run(t, python, script)
		if !strings.HasPrefix(out, "200 ") || !strings.Contains(out, `"message_id":"m_`) {
			t.Errorf("the Python bot got %s", out)
		}
		if ev := journalled(t, "POST", "/v15.0/me/messages"); !ev.Accepted || ev.MID == "" {
			t.Errorf("the journal shows the Python send as %+v", ev)
		}
	})
	t.Run("curl", func(t *testing.T) {
		curl, err := exec.LookPath("curl")
		if err != nil {
			t.Skip("curl not found (Debian: apt-get install curl)")
		}
		out := run(t, curl, "--silent", "--show-error", "--max-time", "10",
			"https://graph.facebook.com/v26.0/me?access_token="+fakegraph.DefaultPageToken)
		if !strings.Contains(out, `"id":"`+fakegraph.DefaultPageID+`"`) {
			t.Errorf("curl got %s", out)
		}
		journalled(t, "GET", "/v26.0/me")
	})
}

// A CONNECT to port 80 carries plain HTTP, which the emulator answers.
func TestConnectPort80CarriesPlainHTTP(t *testing.T) {
	t.Parallel()
	emu := fakegraph.New()
	_, l := serveEmulator(t, emu)
	conn, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := conn.SetDeadline(time.Now().Add(10 * time.Second)); err != nil {
		t.Fatal(err)
	}
	req := "CONNECT graph.facebook.com:80 HTTP/1.1\r\nHost: graph.facebook.com:80\r\n\r\n" +
		"GET /v26.0/me?access_token=" + fakegraph.DefaultPageToken + " HTTP/1.1\r\nHost: graph.facebook.com\r\nConnection: close\r\n\r\n"
	if _, err := conn.Write([]byte(req)); err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(conn)
	if err != nil && !errors.Is(err, net.ErrClosed) {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), "200 Connection established") || !strings.Contains(string(out), `"id":"`+fakegraph.DefaultPageID+`"`) {
		t.Errorf("CONNECT :80 then GET answered:\n%s", out)
	}
}

// serveEmulator serves emu behind a Proxy on a loopback port until the test
// ends, and returns the proxy's CA and listener.
func serveEmulator(t *testing.T, emu *fakegraph.Server) (*CA, net.Listener) {
	t.Helper()
	ca, err := LoadOrCreateCA(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := New(emu.Handler(), ca, Options{})
	go func() {
		if err := p.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
			t.Error(err)
		}
	}()
	t.Cleanup(func() {
		if err := p.Close(); err != nil {
			t.Error(err)
		}
	})
	return ca, l
}
