package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net"
	"net/url"
	"os"
	"os/signal"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/messemu/messemu/fakegraph"
	"github.com/messemu/messemu/webui"
)

// serveConfig is what `messemu serve` runs with: flags, each also read from
// a MESSEMU_* environment variable.
type serveConfig struct {
	addr         string
	pageID       string
	pageName     string
	pageToken    string
	appID        string
	appSecret    string
	requireProof bool
	rateLimits   bool
	journalLimit int
	keep         fakegraph.Retention // --retention
	keepErr      error               // a MESSEMU_RETENTION that does not parse
	envErrs      map[string]error    // MESSEMU_* variables that do not parse, by name
	pprofAddr    string
	logLevel     string
	logFormat    string
	intercept    string
	passthrough  bool
	caDir        string
	webhook      string // serve_webhook.go
	verifyToken  string
	noDemoBot    bool
	noReceipts   bool
	allowOrigin  string              // web UI websocket: more origins, comma-separated
	products     []fakegraph.Product // serve_products.go
	controlToken string              // serve_exposure.go
	clock        string              // --clock: the virtual clock's start, RFC 3339 ("": now)
	start        time.Time           // clock read by check (zero: now)
	stdHTTP      bool                // --std-http: net/http for every request
}

func (c *serveConfig) flags(fs *flag.FlagSet) {
	fs.StringVar(&c.addr, "addr", env("MESSEMU_ADDR", "127.0.0.1:8765"), "listen address (loopback by default) [MESSEMU_ADDR]")
	fs.StringVar(&c.pageID, "page-id", env("MESSEMU_PAGE_ID", fakegraph.DefaultPageID), "the test Page's id [MESSEMU_PAGE_ID]")
	fs.StringVar(&c.pageName, "page-name", env("MESSEMU_PAGE_NAME", fakegraph.DefaultPageName), "the test Page's name [MESSEMU_PAGE_NAME]")
	fs.StringVar(&c.pageToken, "page-token", env("MESSEMU_PAGE_TOKEN", fakegraph.DefaultPageToken), "the Page access token the bot uses [MESSEMU_PAGE_TOKEN]")
	fs.StringVar(&c.appID, "app-id", env("MESSEMU_APP_ID", fakegraph.DefaultAppID), "the bot's app id [MESSEMU_APP_ID]")
	fs.StringVar(&c.appSecret, "app-secret", env("MESSEMU_APP_SECRET", fakegraph.DefaultAppSecret), "app secret for appsecret_proof and webhook signatures [MESSEMU_APP_SECRET]")
	fs.BoolVar(&c.requireProof, "require-proof", c.envBool("MESSEMU_REQUIRE_PROOF"), "refuse calls without appsecret_proof (\"Require App Secret\") [MESSEMU_REQUIRE_PROOF]")
	fs.BoolVar(&c.rateLimits, "rate-limits", c.envBool("MESSEMU_RATE_LIMITS"), "enforce the platform's rate limits (off by default) [MESSEMU_RATE_LIMITS]")
	c.keep, c.keepErr = fakegraph.ParseRetention(env("MESSEMU_RETENTION", fakegraph.DefaultServeRetention.String()))
	fs.Var(retentionFlag{&c.keep}, "retention", "how much history the journal and the conversations keep: events (500000), a size (200MB) and/or an age on the virtual clock (24h), joined by commas, or unlimited [MESSEMU_RETENTION]")
	fs.IntVar(&c.journalLimit, "journal-limit", c.envInt("MESSEMU_JOURNAL_LIMIT", 0), "keep at most N journal events, within the retention's other bounds (the default 32MB stays; --retention N alone drops it) [MESSEMU_JOURNAL_LIMIT]")
	fs.StringVar(&c.pprofAddr, "pprof", env("MESSEMU_PPROF", ""), "serve Go's net/http/pprof profiles on this address, e.g. 127.0.0.1:6060 (off by default) [MESSEMU_PPROF]")
	fs.StringVar(&c.logLevel, "log-level", env("MESSEMU_LOG_LEVEL", "info"), "debug, info, warn or error [MESSEMU_LOG_LEVEL]")
	fs.StringVar(&c.logFormat, "log-format", env("MESSEMU_LOG_FORMAT", "text"), "text or json [MESSEMU_LOG_FORMAT]")
	fs.StringVar(&c.intercept, "intercept", env("MESSEMU_INTERCEPT", ""), "also listen as an HTTPS proxy answering for graph.facebook.com, e.g. 127.0.0.1:8443 [MESSEMU_INTERCEPT]")
	fs.BoolVar(&c.passthrough, "intercept-passthrough", c.envBool("MESSEMU_INTERCEPT_PASSTHROUGH"), "let the intercept proxy tunnel other hosts unchanged [MESSEMU_INTERCEPT_PASSTHROUGH]")
	fs.Func("products", "catalogue products the product template may name: ids separated by commas, or @file.json holding [{\"id\":…,\"name\":…}] [MESSEMU_PRODUCTS]", c.setProducts)
	fs.StringVar(&c.caDir, "ca-dir", env("MESSEMU_CA_DIR", ""), "where the intercept CA lives (default: the user config dir) [MESSEMU_CA_DIR]")
	fs.StringVar(&c.clock, "clock", env("MESSEMU_CLOCK", ""), "start the virtual clock at this time, RFC 3339 such as 2026-04-01T09:00:00Z (default: now); it runs on from there [MESSEMU_CLOCK]")
	fs.BoolVar(&c.stdHTTP, "std-http", c.envBool("MESSEMU_STD_HTTP"), "serve every request with Go's net/http alone, not Graph calls on messemu's faster HTTP/1.1 road (to compare, or to rule it out when a client misbehaves) [MESSEMU_STD_HTTP]")
	fs.StringVar(&c.allowOrigin, "allow-origin", env("MESSEMU_ALLOW_ORIGIN", ""), "also let pages from these origins (comma-separated, e.g. http://localhost:3000) open the web UI's websocket [MESSEMU_ALLOW_ORIGIN]")
	c.webhookFlags(fs)
	c.exposureFlags(fs)
}

// retentionFlag reads --retention (fakegraph.ParseRetention).
type retentionFlag struct{ r *fakegraph.Retention }

func (f retentionFlag) String() string {
	if f.r == nil {
		return ""
	}
	return f.r.String()
}

func (f retentionFlag) Set(text string) error {
	r, err := fakegraph.ParseRetention(text)
	if err != nil {
		return err
	}
	*f.r = r
	return nil
}

func env(key, def string) string {
	if v, ok := os.LookupEnv(key); ok {
		return v
	}
	return def
}

// envBool reads a yes/no MESSEMU_* variable: 1, true, yes or on, and 0,
// false, no or off, in any case; unset or empty is no. Another value is
// an error serve reports (envErr) unless the flag it stands for is given.
func (c *serveConfig) envBool(key string) bool {
	v := strings.ToLower(strings.TrimSpace(os.Getenv(key)))
	switch v {
	case "", "0", "f", "false", "n", "no", "off":
		return false
	case "1", "t", "true", "y", "yes", "on":
		return true
	}
	c.badEnv(key, fmt.Errorf("%s=%q: want yes or no (1 or 0, true or false, on or off)", key, os.Getenv(key)))
	return false
}

// envInt reads a whole-number MESSEMU_* variable (unset or empty: def).
func (c *serveConfig) envInt(key string, def int) int {
	v := strings.TrimSpace(os.Getenv(key))
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		c.badEnv(key, fmt.Errorf("%s=%q: want a whole number", key, os.Getenv(key)))
		return def
	}
	return n
}

// badEnv keeps the first error of a MESSEMU_* variable.
func (c *serveConfig) badEnv(key string, err error) {
	if c.envErrs == nil {
		c.envErrs = map[string]error{}
	}
	c.envErrs[key] = err
}

// envFlag is the flag a MESSEMU_* variable stands for: MESSEMU_NO_RECEIPTS
// is --no-receipts.
func envFlag(key string) string {
	return strings.ReplaceAll(strings.ToLower(strings.TrimPrefix(key, "MESSEMU_")), "_", "-")
}

func newLogger(w io.Writer, level, format string) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level must be debug, info, warn or error, not %q", level)
	}
	opts := &slog.HandlerOptions{Level: lv}
	switch format {
	case "text":
		// slog's text handler, with the emulator's access lines written
		// by the emulator itself (the same lines, for less CPU).
		return slog.New(fakegraph.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("--log-format must be text or json, not %q", format)
}

// serverOptions turns the configuration into emulator options.
func (c *serveConfig) serverOptions(log *slog.Logger) []fakegraph.Option {
	keep := c.keep
	if c.journalLimit > 0 {
		keep.Events = c.journalLimit
	}
	opts := []fakegraph.Option{
		fakegraph.WithLogger(log),
		fakegraph.WithApp(c.appID, c.appSecret),
		fakegraph.WithRequireProof(c.requireProof),
		fakegraph.WithRateLimits(c.rateLimits),
		fakegraph.WithRetention(keep),
		fakegraph.WithVerifyToken(c.verifyToken),
		fakegraph.WithProducts(c.products...),
	}
	opts = append(opts, c.exposureOptions()...)
	if !c.start.IsZero() {
		opts = append(opts, fakegraph.WithClock(fakegraph.NewClock(c.start)))
	}
	if c.stdHTTP {
		opts = append(opts, fakegraph.WithStandardHTTP())
	}
	if c.pageID != fakegraph.DefaultPageID || c.pageToken != fakegraph.DefaultPageToken || c.pageName != fakegraph.DefaultPageName {
		users := fakegraph.DefaultUsers()
		for i := range users {
			users[i].PageID = c.pageID
		}
		opts = append(opts,
			fakegraph.WithPage(fakegraph.Page{ID: c.pageID, Name: c.pageName, Token: c.pageToken}),
			fakegraph.WithUsers(users...))
	}
	return opts
}

// parseServe reads serve's flags and the MESSEMU_* variables.
func parseServe(args []string, stderr io.Writer) (serveConfig, error) {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, "usage: messemu serve [flags]\n\n"+
			"Runs the emulator: the Graph API, the control API and the web page on --addr,\n"+
			"webhooks to --webhook (or the built-in demo bot), and with --intercept an HTTPS\n"+
			"proxy answering for graph.facebook.com. Every flag has a MESSEMU_* variable,\n"+
			"named in brackets; a flag given wins over its variable.\n\n")
		fs.PrintDefaults()
	}
	var cfg serveConfig
	cfg.flags(fs)
	if err := parseFlags(fs, args); err != nil {
		return cfg, err
	}
	// Every setting is checked before serve reports any, so that one run
	// names all there are to mend.
	var errs []error
	if cfg.keepErr != nil {
		errs = append(errs, fmt.Errorf("MESSEMU_RETENTION: %w", cfg.keepErr))
	}
	for _, key := range slices.Sorted(maps.Keys(cfg.envErrs)) {
		if !flagGiven(fs, envFlag(key)) { // a flag given overrides its variable
			errs = append(errs, cfg.envErrs[key])
		}
	}
	if v, ok := os.LookupEnv("MESSEMU_PRODUCTS"); ok && !flagGiven(fs, "products") {
		if err := cfg.setProducts(v); err != nil {
			errs = append(errs, fmt.Errorf("MESSEMU_PRODUCTS: %w", err))
		}
	}
	if fs.NArg() > 0 {
		errs = append(errs, fmt.Errorf("serve takes no arguments, got %q", strings.Join(fs.Args(), " ")))
	}
	errs = append(errs, cfg.check(fs)...)
	if _, err := newLogger(io.Discard, cfg.logLevel, cfg.logFormat); err != nil {
		errs = append(errs, err)
	}
	return cfg, settingsError(errs)
}

// settingsError is serve's refusal of its settings: the one error, or all
// of them, one a line.
func settingsError(errs []error) error {
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return errs[0]
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d settings need mending:", len(errs))
	for _, err := range errs {
		b.WriteString("\n  ")
		b.WriteString(err.Error())
	}
	return errors.New(b.String())
}

// check refuses, before serve announces or listens on anything, the
// addresses, the webhook URL and the clock that could only fail later; it
// reads --clock into start.
func (c *serveConfig) check(fs *flag.FlagSet) []error {
	name := func(flagName, envName string) string {
		if flagGiven(fs, flagName) {
			return "--" + flagName
		}
		if _, ok := os.LookupEnv(envName); ok {
			return envName
		}
		return "--" + flagName
	}
	var errs []error
	for _, a := range []struct{ flag, env, addr, example string }{
		{"addr", "MESSEMU_ADDR", c.addr, "127.0.0.1:8765"},
		{"pprof", "MESSEMU_PPROF", c.pprofAddr, "127.0.0.1:6060"},
		{"intercept", "MESSEMU_INTERCEPT", c.intercept, "127.0.0.1:8443"},
	} {
		if a.addr == "" && a.flag != "addr" {
			continue
		}
		if err := checkListenAddr(a.addr, a.example); err != nil {
			errs = append(errs, fmt.Errorf("%s %q: %w", name(a.flag, a.env), a.addr, err))
		}
	}
	if err := checkWebhookURL(c.webhook); err != nil {
		errs = append(errs, fmt.Errorf("%s %q: %w", name("webhook", "MESSEMU_WEBHOOK"), c.webhook, err))
	}
	var err error
	if c.start, err = c.clockStart(); err != nil {
		errs = append(errs, fmt.Errorf("%s %q: %w", name("clock", "MESSEMU_CLOCK"), c.clock, err))
	}
	return errs
}

// clockStart is --clock read (zero when not given).
func (c *serveConfig) clockStart() (time.Time, error) {
	if strings.TrimSpace(c.clock) == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, strings.ToUpper(strings.TrimSpace(c.clock))) // RFC 3339 allows t and z
	if err != nil {
		return time.Time{}, errors.New("want an RFC 3339 time, such as 2026-04-01T09:00:00Z")
	}
	if !clockRange(t) {
		return time.Time{}, errors.New("too far from now: the virtual clock reads within 290 years of it, from 1971")
	}
	return t, nil
}

// checkListenAddr checks that addr is a host:port to listen on: the host
// may be empty (every interface), the port a number or a service name;
// example is one to show.
func checkListenAddr(addr, example string) error {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		var ae *net.AddrError
		if errors.As(err, &ae) {
			err = errors.New(ae.Err)
		}
		return fmt.Errorf("want host:port, such as %s (%v)", example, err)
	}
	if _, err := net.LookupPort("tcp", port); err != nil {
		return fmt.Errorf("want host:port, such as %s: %q is not a port", example, port)
	}
	return nil
}

// absoluteHTTP reports an absolute http(s) URL with a host.
func absoluteHTTP(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// checkWebhookURL checks what SetWebhook will: an absolute http(s) URL
// ("" is no webhook).
func checkWebhookURL(raw string) error {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil
	}
	if absoluteHTTP(raw) {
		return nil
	}
	if !strings.Contains(raw, "://") {
		return fmt.Errorf("not an absolute http(s) URL; did you mean http://%s?", raw)
	}
	return errors.New("not an absolute http(s) URL, such as http://127.0.0.1:3000/webhook")
}

// busyHint says what to do about an address another program holds: the
// error as it is otherwise.
func busyHint(err error, flag, addr string) error {
	if !addrInUse(err) {
		return err
	}
	return fmt.Errorf("%w (another messemu serve, or another program, holds %s: stop it, or give serve another %s, such as 127.0.0.1:0 for a free port)", err, addr, flag)
}

func runServe(args []string, stdout, stderr io.Writer) error {
	cfg, err := parseServe(args, stderr)
	if err != nil {
		return err
	}
	logw := newLineBatcher(stderr, 50*time.Millisecond)
	defer logw.Close()
	log, err := newLogger(logw, cfg.logLevel, cfg.logFormat)
	if err != nil {
		return err
	}
	if _, set := os.LookupEnv("GOGC"); !set {
		// Collecting less often buys ~10% throughput under load; the
		// journal's blocks hold no pointers, so a collection stays cheap.
		debug.SetGCPercent(200)
	}
	if _, set := os.LookupEnv("GOMEMLIMIT"); !set && cfg.keep.Bytes > 0 {
		// The retention bounds the live heap (about 2.5 times its bytes
		// at most, with the store); a soft limit keeps GOGC's headroom
		// from tripling it. Five times leaves the collector room to run
		// every 100 MB or so once the retention is full (at four it ran
		// every 40 MB, a third of the CPU under load).
		debug.SetMemoryLimit(max(240<<20, 5*int64(cfg.keep.Bytes)))
	}
	srv := fakegraph.New(cfg.serverOptions(log)...)
	ui := webui.New(srv, webui.WithLogger(log), webui.WithAllowedOrigins(strings.Split(cfg.allowOrigin, ",")...))
	defer ui.Close()
	if err := srv.StartWith(cfg.addr, ui.Wrap); err != nil {
		return busyHint(err, "--addr", cfg.addr)
	}
	cfg.warnExposure(log)
	if cfg.pprofAddr != "" {
		stopPprof, err := startPprof(cfg.pprofAddr, log)
		if err != nil {
			return closing(busyHint(fmt.Errorf("--pprof: %w", err), "--pprof", cfg.pprofAddr), srv)
		}
		defer func() {
			if err := stopPprof(); err != nil {
				log.Warn("pprof", "err", err)
			}
		}()
	}
	stopIntercept := func(context.Context) error { return nil }
	if cfg.intercept != "" {
		var bound string
		stopIntercept, bound, err = startIntercept(cfg.intercept, cfg.caDir, cfg.passthrough, srv.Handler(), log)
		if err != nil {
			return closing(busyHint(fmt.Errorf("--intercept: %w", err), "--intercept", cfg.intercept), srv)
		}
		cfg.intercept = bound // the screen names the port :0 chose, as it does serve's own
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// The webhook's first handshake comes before the screen, so that the
	// screen says whether the bot passed it.
	if err := cfg.startWebhook(ctx, srv, log); err != nil {
		return closing(fmt.Errorf("--webhook: %w", err), srv)
	}
	if err := printStartup(srv, &cfg, stdout, log); err != nil {
		return closing(err, srv)
	}
	<-ctx.Done()
	log.Info("shutting down")
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	ierr := stopIntercept(shutdown)
	if err := srv.Shutdown(shutdown); err != nil {
		return err
	}
	return ierr
}

// closing closes srv after err stopped serve from starting, and says so
// only if closing failed too.
func closing(err error, srv *fakegraph.Server) error {
	if cerr := srv.Close(); cerr != nil {
		return fmt.Errorf("%w (closing: %v)", err, cerr)
	}
	return err
}

// flagGiven reports whether the command line set flag name.
func flagGiven(fs *flag.FlagSet, name string) bool {
	given := false
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == name })
	return given
}
