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
//	                   for messemu serve: http://127.0.0.1:8765)
//	PAGE_ACCESS_TOKEN  the Page token
//	APP_SECRET         the app secret (webhook signatures, appsecret_proof)
//	VERIFY_TOKEN       the webhook verify token
//	ADDR               where to listen (default 127.0.0.1:3000)
//
// The webhook is served at /webhook; POST /agent?psid=…&text=… plays a
// help-desk agent answering a user. At start-up the bot sets its Messenger
// profile (Get Started, greeting, persistent menu).
//
// Against messemu serve:
//
//	messemu serve --webhook http://127.0.0.1:3000/webhook &
//	GRAPH_API_URL=http://127.0.0.1:8765 PAGE_ACCESS_TOKEN=EAAMessemuTestPageToken \
//	APP_SECRET=messemu-app-secret VERIFY_TOKEN=messemu-verify-token go run ./examples/echobot &
//	curl -X POST http://127.0.0.1:8765/_messemu/v1/webhook/verify   # the bot is up now
//
// and write to it as a test user through the control API:
// curl -d '{"text":"shop"}' http://127.0.0.1:8765/_messemu/v1/users/5275811702471834/messages
// (the journal, GET /_messemu/v1/journal, shows what followed).
// Its tests (echobot_test.go) show the same through testkit, in process.
package main

import (
	"cmp"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"
)

func main() {
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	cfg, addr, err := configFromEnv(os.Getenv)
	if err != nil {
		log.Error("configuration", "err", err)
		os.Exit(2)
	}
	cfg.Client = &http.Client{Timeout: 10 * time.Second}
	cfg.Logger = log
	bot := New(cfg)
	if err := bot.Setup(); err != nil {
		log.Error("setting the Messenger profile", "err", err)
		os.Exit(1)
	}
	srv := &http.Server{Addr: addr, Handler: bot, ReadHeaderTimeout: 10 * time.Second}
	log.Info("echobot listening", "addr", addr, "graph", cfg.GraphURL)
	if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Error("serve", "err", err)
		os.Exit(1)
	}
}

// configFromEnv reads the configuration and the listen address from the
// environment (getenv is os.Getenv, or a map in tests).
func configFromEnv(getenv func(string) string) (Config, string, error) {
	cfg := Config{
		GraphURL:    strings.TrimSuffix(cmp.Or(getenv("GRAPH_API_URL"), "https://graph.facebook.com"), "/"),
		PageToken:   getenv("PAGE_ACCESS_TOKEN"),
		AppSecret:   getenv("APP_SECRET"),
		VerifyToken: getenv("VERIFY_TOKEN"),
	}
	var missing []string
	for name, v := range map[string]string{"PAGE_ACCESS_TOKEN": cfg.PageToken, "APP_SECRET": cfg.AppSecret, "VERIFY_TOKEN": cfg.VerifyToken} {
		if v == "" {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		return cfg, "", fmt.Errorf("set %s", strings.Join(missing, ", "))
	}
	return cfg, cmp.Or(getenv("ADDR"), "127.0.0.1:3000"), nil
}
