package main

import (
	"context"
	"flag"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
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
