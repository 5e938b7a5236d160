package main

import (
	"fmt"
	"io"
	"log/slog"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/messemu/messemu/fakegraph"
)

// startup is what `messemu serve` tells the person at the terminal before
// anything else: where to point the bot, with which credentials, and one
// call to try. It goes to standard output, never to the log: the log is
// for files and pipes and carries no secret, this screen is for the human
// who started the emulator and needs the token.
type startup struct {
	version     string
	url         string // the listener's base URL
	page        fakegraph.Page
	appID       string
	appSecret   string
	verifyToken string
	users       []fakegraph.User
	webhook     string // the bot's webhook URL; "" for the demo bot or none
	hookState   string // its state once serve set it (WebhookStatus.State)
	hookErr     string // why its handshake failed, when it did
	demoBot     bool
	intercept   string   // the intercept proxy's address, "" when off
	caDir       string   // --ca-dir, "" for the default
	enforced    []string // what the defaults leave off: the proof, rate limits
	clock       string   // the virtual clock's time, when --clock set it
}

// printStartup writes the screen to stdout and logs, without any secret,
// that messemu is serving.
func printStartup(srv *fakegraph.Server, cfg *serveConfig, stdout io.Writer, log *slog.Logger) error {
	log.Info("messemu is serving", "graph", srv.URL()+"/"+fakegraph.LatestVersion,
		"control", srv.URL()+"/_messemu/v1/", "page_id", srv.Pages()[0].ID)
	s, err := newStartup(srv, cfg)
	if err != nil {
		return err
	}
	return s.print(stdout)
}

// newStartup gathers the screen's facts from a started server.
func newStartup(srv *fakegraph.Server, cfg *serveConfig) (startup, error) {
	page := srv.Pages()[0]
	users, err := srv.Users(page.ID)
	if err != nil {
		return startup{}, err
	}
	s := startup{
		version: versionString(), url: srv.URL(), page: page,
		appID: srv.AppID(), appSecret: srv.AppSecret(), verifyToken: srv.VerifyToken(),
		users: users, webhook: cfg.webhook, demoBot: cfg.webhook == "" && !cfg.noDemoBot,
		intercept: cfg.intercept, caDir: cfg.caDir,
	}
	// What the defaults leave off, said where a forgotten MESSEMU_*
	// variable would otherwise show only as a refused call.
	if cfg.requireProof {
		s.enforced = append(s.enforced, "appsecret_proof required (--require-proof)")
	}
	if cfg.rateLimits {
		s.enforced = append(s.enforced, "rate limits on (--rate-limits)")
	}
	if !cfg.start.IsZero() {
		s.clock = srv.Clock().Now().UTC().Format(time.RFC3339) + "  (set at start; the control API moves it forward)"
	}
	if cfg.webhook != "" {
		st := srv.Webhook()
		s.hookState, s.hookErr = st.State, st.LastError
	}
	return s, nil
}

// print writes the screen: one screenful at most with the default users.
func (s startup) print(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "messemu %s: a local Messenger Platform\n\n", s.version)
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	row := func(k, v string) { fmt.Fprintf(tw, "  %s\t%s\n", k, v) }
	row("Web page", s.url+"/  (conversations, inspector, controls)")
	row("Graph API", s.url+"/"+fakegraph.LatestVersion+"  (the version is optional)")
	row("Control API", s.url+"/_messemu/v1/  (journal: "+s.url+"/_messemu/v1/journal)")
	if s.intercept != "" {
		row("Intercept", "HTTPS proxy for graph.facebook.com on "+s.intercept+"  ("+envCommand(s.intercept, s.caDir)+")")
	}
	row("Page", s.page.ID+"  "+s.page.Name)
	row("Page token", s.page.Token)
	row("App", s.appID+"  secret "+s.appSecret)
	if len(s.enforced) > 0 {
		row("Enforced", strings.Join(s.enforced, ", "))
	}
	if s.clock != "" {
		row("Virtual clock", s.clock)
	}
	row("Verify token", s.verifyToken)
	switch {
	case s.webhook != "" && (s.hookState == "unverified" || s.hookState == "none"):
		row("Webhook", s.webhook+"  NOT VERIFIED: "+shortVerifyError(s.hookErr))
		row("", fmt.Sprintf("retried every %s for %d min; until it passes, what the test users do is dropped, not queued", verifyEvery, int((verifyEvery*verifyRetries).Minutes())))
	case s.webhook != "" && s.hookState == "active":
		row("Webhook", s.webhook+"  (verified)")
	case s.webhook != "" && s.hookState != "":
		row("Webhook", s.webhook+"  ("+s.hookState+")")
	case s.webhook != "":
		row("Webhook", s.webhook)
	case s.demoBot:
		row("Webhook", "none: the built-in demo bot answers (--webhook URL for yours)")
	default:
		row("Webhook", "none (--webhook URL, or PUT /_messemu/v1/webhook)")
	}
	for i, u := range s.users {
		k := ""
		if i == 0 {
			k = "Test users"
		}
		row(k, u.PSID+"  "+u.Name)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(s.users) > 0 {
		u := s.users[0]
		fmt.Fprintf(&b, "\nTry it: %s writes to the Page, and the journal shows what followed:\n", u.FirstName)
		fmt.Fprintf(&b, "  curl -s -X POST %s/_messemu/v1/users/%s/messages -d '{\"text\":\"hi\"}'\n", s.url, u.PSID)
	}
	fmt.Fprintf(&b, "\nRules and their sources: docs/rules.md (or messemu rules). Ctrl-C stops.\n\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// shortVerifyError is the gist of a failed handshake, for one line:
// "connection refused" rather than the HTTP client's whole error.
func shortVerifyError(s string) string {
	s = strings.TrimPrefix(s, fakegraph.ErrWebhookVerification.Error()+": ")
	if strings.HasPrefix(s, "Get ") { // the client's error: what went wrong comes last
		if i := strings.LastIndex(s, ": "); i >= 0 {
			s = s[i+2:]
		}
	}
	if s == "" {
		return "the handshake did not pass"
	}
	if r := []rune(s); len(r) > 80 {
		s = string(r[:79]) + "…"
	}
	return s
}
