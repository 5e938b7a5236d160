// Command echobot is a small Messenger bot, written as a newcomer would
// write one, to show how a bot is tested with messemu's testkit.
//
// It greets, offers quick replies, shows a carousel of shirts whose Buy
// buttons send postbacks, echoes what it is told, forwards help-desk
// answers (falling back to the HUMAN_AGENT tag when the 24-hour window has
// closed) and survives Send API errors. It verifies every webhook's
// X-Hub-Signature-256 and sends appsecret_proof with every call.
//
// Configuration comes from the environment only:
//
//	GRAPH_API_URL      the Graph API base URL (default https://graph.facebook.com;
//	                   for messemu serve: http://127.0.0.1:8080)
//	PAGE_ACCESS_TOKEN  the Page token
//	APP_SECRET         the app secret (webhook signatures, appsecret_proof)
//	VERIFY_TOKEN       the webhook verify token
//	ADDR               where to listen (default 127.0.0.1:3000)
//
// The webhook is served at /webhook; POST /agent?psid=…&text=… plays a
// help-desk agent answering a user.
package main

import (
	"cmp"
	"errors"
	"log/slog"
	"net/http"
	"os"
	"time"
)

func main() {
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	cfg := Config{
		GraphURL:    cmp.Or(os.Getenv("GRAPH_API_URL"), "https://graph.facebook.com"),
		PageToken:   os.Getenv("PAGE_ACCESS_TOKEN"),
		AppSecret:   os.Getenv("APP_SECRET"),
		VerifyToken: os.Getenv("VERIFY_TOKEN"),
		Client:      &http.Client{Timeout: 10 * time.Second},
		Logger:      log,
	}
	if cfg.PageToken == "" || cfg.AppSecret == "" || cfg.VerifyToken == "" {
		log.Error("set PAGE_ACCESS_TOKEN, APP_SECRET and VERIFY_TOKEN")
		os.Exit(2)
	}
	addr := cmp.Or(os.Getenv("ADDR"), "127.0.0.1:3000")
	srv := &http.Server{Addr: addr, Handler: New(cfg), ReadHeaderTimeout: 10 * time.Second}
	log.Info("echobot listening", "addr", addr, "graph", cfg.GraphURL)
	if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Error("serve", "err", err)
		os.Exit(1)
	}
}
