package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/messemu/messemu/fakegraph"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// checkGolden compares got with testdata/name, or rewrites it with -update.
func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./cmd/messemu -run %s -update to create it", t.Name())
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s differs (-want +got; go test ./cmd/messemu -run %s -update rewrites it):\n%s", path, t.Name(), diff)
	}
}

// syncBuffer is a log destination that the server's goroutines and the
// test share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// logged starts an emulator as serve does (serve's flags, logger and
// options) with its log going to the returned buffer.
func logged(t *testing.T, level string, args ...string) (*fakegraph.Server, *serveConfig, *syncBuffer) {
	t.Helper()
	var cfg serveConfig
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	cfg.flags(fs)
	require.NoError(t, fs.Parse(append([]string{"--log-level", level}, args...)))
	var buf syncBuffer
	log, err := newLogger(&buf, cfg.logLevel, cfg.logFormat)
	require.NoError(t, err)
	opts := append(cfg.serverOptions(log), fakegraph.WithClock(fakegraph.NewFrozenClock(time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))))
	srv := fakegraph.New(opts...)
	require.NoError(t, srv.Start("127.0.0.1:0"))
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Error(err)
		}
	})
	return srv, &cfg, &buf
}

// do makes one HTTP call and returns the status.
func do(t *testing.T, method, url, body string) int {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	require.NoError(t, err)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	_, err = io.Copy(io.Discard, resp.Body)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	return resp.StatusCode
}

// waitJournal long-polls the journal until it holds n events of kind.
func waitJournal(t *testing.T, srv *fakegraph.Server, kind string, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for seen := 0; ; {
		resp, err := http.Get(srv.URL() + "/_messemu/v1/journal?after=0&limit=1000")
		require.NoError(t, err)
		var page struct {
			Events []struct{ Kind string } `json:"events"`
		}
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&page))
		require.NoError(t, resp.Body.Close())
		seen = 0
		for _, e := range page.Events {
			if e.Kind == kind {
				seen++
			}
		}
		if seen >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the journal has %d %s events after 10s, want %d", seen, kind, n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

var (
	logTime    = regexp.MustCompile(`^time=\S+ `)
	logLatency = regexp.MustCompile(`latency=\S+`)
)

// stable drops what changes from run to run: the time and the latency.
func stable(log, url string) string {
	var out []string
	for _, line := range strings.Split(strings.TrimSpace(log), "\n") {
		line = logTime.ReplaceAllString(line, "")
		line = logLatency.ReplaceAllString(line, "latency=…")
		out = append(out, strings.ReplaceAll(line, url, "http://127.0.0.1:PORT"))
	}
	return strings.Join(out, "\n") + "\n"
}

const alice = "5275811702471834"

func TestStartupScreen(t *testing.T) {
	t.Parallel()
	srv, cfg, _ := logged(t, "info")
	s, err := newStartup(srv, cfg)
	require.NoError(t, err)
	s.url, s.version = "http://127.0.0.1:8765", "dev"
	var out bytes.Buffer
	require.NoError(t, s.print(&out))
	checkGolden(t, "startup.golden", out.String())
	// One screen: the person at the terminal sees it without scrolling.
	if n := strings.Count(out.String(), "\n"); n > 24 {
		t.Errorf("the start-up screen has %d lines, want at most 24", n)
	}
	for _, want := range []string{fakegraph.DefaultPageToken, fakegraph.DefaultAppSecret, fakegraph.DefaultVerifyToken, alice} {
		require.Contains(t, out.String(), want)
	}
	require.NotContains(t, out.String(), "Enforced", "the defaults enforce nothing extra")

	// What is on beyond the defaults is said.
	cfg.requireProof, cfg.rateLimits = true, true
	s, err = newStartup(srv, cfg)
	require.NoError(t, err)
	out.Reset()
	require.NoError(t, s.print(&out))
	require.Contains(t, out.String(), "Enforced      appsecret_proof required (--require-proof), rate limits on (--rate-limits)")
}

func TestServeLogsGraphCalls(t *testing.T) {
	t.Parallel()
	srv, _, buf := logged(t, "info", "--no-demo-bot")
	u := srv.URL()
	tok := "access_token=" + fakegraph.DefaultPageToken
	send := `{"recipient":{"id":"` + alice + `"},"messaging_type":"RESPONSE","message":{"text":"hello"}}`
	require.Equal(t, 200, do(t, "POST", u+"/_messemu/v1/users/"+alice+"/messages", `{"text":"hi"}`))
	require.Equal(t, 200, do(t, "POST", u+"/v26.0/me/messages?"+tok, send))
	require.Equal(t, 200, do(t, "POST", u+"/me/messages?"+tok, `{"recipient":{"id":"`+alice+`"},"message":{"text":"no type"}}`))
	require.Equal(t, 400, do(t, "POST", u+"/v26.0/me/messages?"+tok, `{"recipient":{"id":"`+alice+`"},"message":{"text":"hi","quick_replies":[]}}`))
	require.Equal(t, 400, do(t, "GET", u+"/v26.0/me?access_token=wrong", ""))
	require.Equal(t, 400, do(t, "GET", u+"/v26.0/no/such/path?"+tok, ""))
	checkGolden(t, "log_graph.golden", stable(buf.String(), u))
}

func TestServeLogsFailedWebhookAttempts(t *testing.T) {
	t.Parallel()
	bot := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			fmt.Fprint(w, r.URL.Query().Get("hub.challenge"))
			return
		}
		http.Error(w, "down", http.StatusServiceUnavailable)
	}))
	defer bot.Close()
	srv, _, buf := logged(t, "info", "--no-receipts")
	receipts := false
	require.NoError(t, srv.SetWebhook(fakegraph.WebhookConfig{URL: bot.URL, Receipts: &receipts}))
	require.Equal(t, 200, do(t, "POST", srv.URL()+"/_messemu/v1/users/"+alice+"/messages", `{"text":"hi"}`))
	waitJournal(t, srv, "webhook", 4) // the first attempt and three at once
	// The handshake is a webhook event too, so the count can be reached
	// with three attempts made: wait for the fourth's line as well.
	require.Eventually(t, func() bool { return strings.Contains(buf.String(), "attempt=4") }, 10*time.Second, 10*time.Millisecond)
	got := strings.ReplaceAll(stable(buf.String(), srv.URL()), bot.URL, "http://127.0.0.1:BOT")
	checkGolden(t, "log_webhook.golden", got)
}

func TestServeLogLevelWarnIsQuiet(t *testing.T) {
	t.Parallel()
	srv, _, buf := logged(t, "warn", "--no-demo-bot")
	tok := "access_token=" + fakegraph.DefaultPageToken
	require.Equal(t, 200, do(t, "POST", srv.URL()+"/_messemu/v1/users/"+alice+"/messages", `{"text":"hi"}`))
	require.Equal(t, 400, do(t, "POST", srv.URL()+"/me/messages?"+tok, `{"recipient":{"id":"1"},"message":{"text":"x"}}`))
	if got := buf.String(); got != "" {
		t.Errorf("--log-level warn logged calls:\n%s", got)
	}
}

// TestServeLogsNoSecret runs serve's logger at debug through everything
// that logs: a failed and a passed handshake, sends with the token in the
// query, the body and a header, refused sends, failed deliveries, the
// 15-minute alert and the 1-hour disabling. No line may carry the Page
// token, the app secret or the verify token.
func TestServeLogsNoSecret(t *testing.T) {
	t.Parallel()
	const token, secret, verify = "EAAPageTokenNeverLogged42", "app-secret-never-logged-42", "verify-never-logged-42"
	var failing sync.Mutex
	down := false
	bot := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			fmt.Fprint(w, r.URL.Query().Get("hub.challenge"))
			return
		}
		failing.Lock()
		defer failing.Unlock()
		if down {
			http.Error(w, "down", http.StatusBadGateway)
		}
	}))
	defer bot.Close()
	srv, cfg, buf := logged(t, "debug", "--page-token", token, "--app-secret", secret, "--verify-token", verify, "--no-demo-bot")
	require.NoError(t, printStartup(srv, cfg, io.Discard, srv.Logger()))

	// A handshake that cannot connect: the client's error names the URL.
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	require.Error(t, srv.SetWebhook(fakegraph.WebhookConfig{URL: closed.URL + "/hook?x=1"}))
	require.NoError(t, srv.SetWebhook(fakegraph.WebhookConfig{URL: bot.URL}))

	u := srv.URL()
	send := `{"recipient":{"id":"` + alice + `"},"messaging_type":"RESPONSE","message":{"text":"hello"}}`
	require.Equal(t, 200, do(t, "POST", u+"/_messemu/v1/users/"+alice+"/messages", `{"text":"hi"}`))
	require.Equal(t, 200, do(t, "POST", u+"/v26.0/me/messages?access_token="+token, send))
	require.Equal(t, 200, do(t, "POST", u+"/v26.0/me/messages", `{"access_token":"`+token+`",`+send[1:]))
	req, err := http.NewRequest("GET", u+"/v26.0/"+alice+"?fields=first_name", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	require.Equal(t, 400, do(t, "POST", u+"/v26.0/me/messages?access_token="+token+"&appsecret_proof=00", send))
	require.Equal(t, 400, do(t, "POST", u+"/v26.0/me/messages?access_token="+token, `{"recipient":{"id":"`+alice+`"},"message":{"text":""}}`))
	require.Equal(t, 400, do(t, "GET", u+"/v26.0/"+fakegraph.DefaultAppID+"/subscriptions?access_token="+fakegraph.DefaultAppID+"|"+secret+"x", ""))

	failing.Lock()
	down = true
	failing.Unlock()
	require.Equal(t, 200, do(t, "POST", u+"/_messemu/v1/users/"+alice+"/messages", `{"text":"are you there?"}`))
	waitJournal(t, srv, "webhook", 8)
	srv.Advance(16 * time.Minute)
	srv.Advance(61 * time.Minute)
	waitJournal(t, srv, "alert", 3) // the failed handshake, failing for 15 min, disabled

	log := buf.String()
	for _, want := range []string{"webhook verification failed", "webhook attempt failed", "msg=graph", "Webhooks Disabled"} {
		require.Contains(t, log, want, "the test no longer exercises this line")
	}
	for name, s := range map[string]string{"Page token": token, "app secret": secret, "verify token": verify} {
		if strings.Contains(log, s) {
			t.Errorf("the log carries the %s:\n%s", name, log)
		}
	}
}

// TestServeLogsNoSecretWithDemoBot runs the built-in demo bot, which calls
// the Graph API with the Page token and appsecret_proof, under the debug
// logger.
func TestServeLogsNoSecretWithDemoBot(t *testing.T) {
	t.Parallel()
	const token, secret, verify = "EAADemoTokenNeverLogged42", "demo-secret-never-logged-42", "demo-verify-never-logged-42"
	srv, cfg, buf := logged(t, "debug", "--page-token", token, "--app-secret", secret, "--verify-token", verify)
	require.NoError(t, cfg.startWebhook(t.Context(), srv, srv.Logger()))
	require.Equal(t, 200, do(t, "POST", srv.URL()+"/_messemu/v1/users/"+alice+"/messages", `{"text":"hi"}`))
	waitJournal(t, srv, "request", 3) // the profile read and two answers
	log := buf.String()
	require.Contains(t, log, "msg=graph", "the demo bot's calls are logged")
	for name, s := range map[string]string{"Page token": token, "app secret": secret, "verify token": verify} {
		if strings.Contains(log, s) {
			t.Errorf("the log carries the %s:\n%s", name, log)
		}
	}
}
