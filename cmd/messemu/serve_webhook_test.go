package main

import (
	"context"
	"flag"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/messemu/messemu/fakegraph"
)

func TestServeWebhookFlags(t *testing.T) {
	t.Parallel()
	var cfg serveConfig
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	cfg.flags(fs)
	if err := fs.Parse([]string{"--webhook", "http://127.0.0.1:3000/hook", "--verify-token", "tok", "--no-demo-bot", "--no-receipts"}); err != nil {
		t.Fatal(err)
	}
	if cfg.webhook != "http://127.0.0.1:3000/hook" || cfg.verifyToken != "tok" || !cfg.noDemoBot || !cfg.noReceipts {
		t.Errorf("parsed %+v", cfg)
	}
}

// startedServer is an emulator listening on a free loopback port.
func startedServer(t *testing.T, cfg serveConfig) *fakegraph.Server {
	t.Helper()
	if cfg.verifyToken == "" {
		cfg.verifyToken = fakegraph.DefaultVerifyToken
	}
	srv := fakegraph.New(cfg.serverOptions(slog.New(slog.NewTextHandler(io.Discard, nil)))...)
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Error(err)
		}
	})
	return srv
}

func TestServeStartsTheDemoBot(t *testing.T) {
	t.Parallel()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv := startedServer(t, serveConfig{})
	if err := (&serveConfig{}).startWebhook(context.Background(), srv, log); err != nil {
		t.Fatal(err)
	}
	if st := srv.Webhook(); st.State != "active" || st.URL == "" || !st.Receipts {
		t.Errorf("demo bot status: %+v", st)
	}
	off := startedServer(t, serveConfig{})
	if err := (&serveConfig{noDemoBot: true}).startWebhook(context.Background(), off, log); err != nil {
		t.Fatal(err)
	}
	if st := off.Webhook(); st.State != "none" {
		t.Errorf("--no-demo-bot status: %+v", st)
	}
}

func TestServeWebhookBotNotUpYet(t *testing.T) {
	t.Parallel()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	bot := httptest.NewServer(http.NotFoundHandler())
	defer bot.Close()
	srv := startedServer(t, serveConfig{verifyToken: "tok"})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cfg := serveConfig{webhook: bot.URL, verifyToken: "tok", noReceipts: true}
	if err := cfg.startWebhook(ctx, srv, log); err != nil {
		t.Fatalf("a bot that is not up yet is retried, not an error: %v", err)
	}
	if st := srv.Webhook(); st.State != "unverified" || st.Receipts || st.LastError == "" {
		t.Errorf("status: %+v", st)
	}
	if err := (&serveConfig{webhook: "not a url"}).startWebhook(ctx, srv, log); err == nil {
		t.Error("a bad URL: want an error")
	}
}

// The startup screen says whether the bot passed the webhook handshake:
// before it does, what the test users do is dropped, and the person who
// started serve should know it.
func TestStartupScreenSaysWhetherTheWebhookIsVerified(t *testing.T) {
	t.Parallel()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close() // nothing listens there: the bot is not up yet
	bot := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, r.URL.Query().Get("hub.challenge"))
	}))
	defer bot.Close()
	for _, c := range []struct {
		url  string
		want []string
		not  string
	}{
		{closed.URL + "/webhook", []string{closed.URL + "/webhook  NOT VERIFIED: ", "retried every 5s for 2 min; until it passes, what the test users do is dropped, not queued"}, "(verified)"},
		{bot.URL + "/webhook", []string{bot.URL + "/webhook  (verified)"}, "NOT VERIFIED"},
	} {
		ctx, cancel := context.WithCancel(context.Background())
		cfg := serveConfig{webhook: c.url, verifyToken: fakegraph.DefaultVerifyToken}
		srv := startedServer(t, cfg)
		if err := cfg.startWebhook(ctx, srv, log); err != nil {
			t.Fatal(err)
		}
		var out strings.Builder
		if err := printStartup(srv, &cfg, &out, log); err != nil {
			t.Fatal(err)
		}
		cancel()
		for _, want := range c.want {
			if !strings.Contains(out.String(), want) {
				t.Errorf("the screen lacks %q:\n%s", want, out.String())
			}
		}
		if strings.Contains(out.String(), c.not) {
			t.Errorf("the screen says %q:\n%s", c.not, out.String())
		}
		if n := strings.Count(out.String(), "\n"); n > 24 {
			t.Errorf("the start-up screen has %d lines, want at most 24", n)
		}
	}
}

func TestShortVerifyError(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		`webhook verification failed: Get "http://127.0.0.1:3000/webhook": dial tcp 127.0.0.1:3000: connect: connection refused`: "connection refused",
		"webhook verification failed: the bot answered HTTP 403 (want 200 with the challenge as the body)":                       "the bot answered HTTP 403 (want 200 with the challenge as the body)",
		"": "the handshake did not pass",
	} {
		if got := shortVerifyError(in); got != want {
			t.Errorf("shortVerifyError(%q) = %q, want %q", in, got, want)
		}
	}
}
