package main

import (
	"bufio"
	"bytes"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/messemu/messemu/fakegraph"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLoopbackAddr(t *testing.T) {
	t.Parallel()
	for addr, want := range map[string]bool{
		"127.0.0.1:8765": true, "localhost:8765": true, "[::1]:8765": true, "127.0.0.2:1": true,
		":8765": false, "0.0.0.0:8765": false, "[::]:8765": false, "192.168.1.5:8765": false, "devbox:8765": false,
	} {
		assert.Equal(t, want, loopbackAddr(addr), addr)
	}
}

func TestServeWarnsBeyondLoopback(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		cfg  serveConfig
		want string
	}{
		{serveConfig{addr: "127.0.0.1:8765"}, ""},
		{serveConfig{addr: ":8765"}, "control API answers this machine only"},
		{serveConfig{addr: "0.0.0.0:8765", controlToken: "t"}, "needs the --control-token bearer token"},
	} {
		var buf bytes.Buffer
		c.cfg.warnExposure(slog.New(slog.NewTextHandler(&buf, nil)))
		if c.want == "" {
			assert.Empty(t, buf.String(), c.cfg.addr)
			continue
		}
		assert.Contains(t, buf.String(), "level=WARN", c.cfg.addr)
		assert.Contains(t, buf.String(), c.want, c.cfg.addr)
	}
}

// TestServeLogKeepsThePageTokenOut runs `messemu serve` (this test binary,
// re-executed) and reads its log up to the start-up line.
func TestServeLogKeepsThePageTokenOut(t *testing.T) {
	t.Parallel()
	const token = "EAAHardeningSecretPageToken42"
	cmd := exec.Command(os.Args[0], "-test.run=^TestServeHelperProcess$")
	cmd.Env = append(os.Environ(), "MESSEMU_TEST_SERVE=1", "MESSEMU_PAGE_TOKEN="+token, "MESSEMU_ADDR=127.0.0.1:0", "MESSEMU_NO_DEMO_BOT=1")
	stderr, err := cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		if cmd.Process.Signal(syscall.SIGTERM) != nil { // Windows sends no SIGTERM
			_ = cmd.Process.Kill()
		}
		_ = cmd.Wait()
	})
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	var log []string
	deadline := time.After(30 * time.Second)
	for {
		select {
		case l, ok := <-lines:
			require.True(t, ok, "serve ended before its start-up line: %s", strings.Join(log, "\n"))
			log = append(log, l)
			if strings.Contains(l, "messemu is serving") {
				assert.NotContains(t, strings.Join(log, "\n"), token)
				assert.NotContains(t, strings.Join(log, "\n"), token[:12], "not even shortened")
				return
			}
		case <-deadline:
			t.Fatalf("no start-up line within 30 s: %s", strings.Join(log, "\n"))
		}
	}
}

// TestServeHelperProcess is `messemu serve` for TestServeLogKeepsThePageTokenOut.
func TestServeHelperProcess(t *testing.T) {
	if os.Getenv("MESSEMU_TEST_SERVE") != "1" {
		return // only as a child process
	}
	os.Exit(run([]string{"serve"}, os.Stdin, os.Stdout, os.Stderr))
}

func TestInterceptHasTheMainListenersTimeouts(t *testing.T) {
	t.Parallel()
	main := fakegraph.DefaultTimeouts()
	o := interceptOptions(false, nil)
	assert.Equal(t, []time.Duration{main.ReadHeader, main.Read, main.Idle}, []time.Duration{o.ReadHeaderTimeout, o.ReadTimeout, o.IdleTimeout})
	assert.Positive(t, o.ReadTimeout, "a slow body is cut off")
}
