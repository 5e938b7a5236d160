package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/messemu/messemu/fakegraph"
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
	products     []fakegraph.Product // serve_products.go
}

func (c *serveConfig) flags(fs *flag.FlagSet) {
	fs.StringVar(&c.addr, "addr", env("MESSEMU_ADDR", "127.0.0.1:8765"), "listen address (loopback by default) [MESSEMU_ADDR]")
	fs.StringVar(&c.pageID, "page-id", env("MESSEMU_PAGE_ID", fakegraph.DefaultPageID), "the test Page's id [MESSEMU_PAGE_ID]")
	fs.StringVar(&c.pageName, "page-name", env("MESSEMU_PAGE_NAME", fakegraph.DefaultPageName), "the test Page's name [MESSEMU_PAGE_NAME]")
	fs.StringVar(&c.pageToken, "page-token", env("MESSEMU_PAGE_TOKEN", fakegraph.DefaultPageToken), "the Page access token the bot uses [MESSEMU_PAGE_TOKEN]")
	fs.StringVar(&c.appID, "app-id", env("MESSEMU_APP_ID", fakegraph.DefaultAppID), "the bot's app id [MESSEMU_APP_ID]")
	fs.StringVar(&c.appSecret, "app-secret", env("MESSEMU_APP_SECRET", fakegraph.DefaultAppSecret), "app secret for appsecret_proof and webhook signatures [MESSEMU_APP_SECRET]")
	fs.BoolVar(&c.requireProof, "require-proof", envBool("MESSEMU_REQUIRE_PROOF"), "refuse calls without appsecret_proof (\"Require App Secret\") [MESSEMU_REQUIRE_PROOF]")
	fs.BoolVar(&c.rateLimits, "rate-limits", envBool("MESSEMU_RATE_LIMITS"), "enforce the platform's rate limits (off by default) [MESSEMU_RATE_LIMITS]")
	fs.IntVar(&c.journalLimit, "journal-limit", envInt("MESSEMU_JOURNAL_LIMIT", 0), "keep only the newest N journal events (0 keeps all; set it for day-long runs under load) [MESSEMU_JOURNAL_LIMIT]")
	fs.StringVar(&c.pprofAddr, "pprof", env("MESSEMU_PPROF", ""), "serve Go's net/http/pprof profiles on this address, e.g. 127.0.0.1:6060 (off by default) [MESSEMU_PPROF]")
	fs.StringVar(&c.logLevel, "log-level", env("MESSEMU_LOG_LEVEL", "info"), "debug, info, warn or error [MESSEMU_LOG_LEVEL]")
	fs.StringVar(&c.logFormat, "log-format", env("MESSEMU_LOG_FORMAT", "text"), "text or json [MESSEMU_LOG_FORMAT]")
	fs.StringVar(&c.intercept, "intercept", env("MESSEMU_INTERCEPT", ""), "also listen as an HTTPS proxy answering for graph.facebook.com, e.g. 127.0.0.1:8443 [MESSEMU_INTERCEPT]")
	fs.BoolVar(&c.passthrough, "intercept-passthrough", envBool("MESSEMU_INTERCEPT_PASSTHROUGH"), "let the intercept proxy tunnel other hosts unchanged [MESSEMU_INTERCEPT_PASSTHROUGH]")
	fs.Func("products", "catalogue products the product template may name: ids separated by commas, or @file.json holding [{\"id\":…,\"name\":…}]", c.setProducts)
	fs.StringVar(&c.caDir, "ca-dir", env("MESSEMU_CA_DIR", ""), "where the intercept CA lives (default: the user config dir) [MESSEMU_CA_DIR]")
	c.webhookFlags(fs)
}

func env(key, def string) string {
	if v, ok := os.LookupEnv(key); ok {
		return v
	}
	return def
}

func envBool(key string) bool {
	b, err := strconv.ParseBool(os.Getenv(key))
	return err == nil && b
}

func envInt(key string, def int) int {
	n, err := strconv.Atoi(os.Getenv(key))
	if err != nil {
		return def
	}
	return n
}

func newLogger(w io.Writer, level, format string) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level: %w", err)
	}
	opts := &slog.HandlerOptions{Level: lv}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("--log-format must be text or json, not %q", format)
}

// serverOptions turns the configuration into emulator options.
func (c *serveConfig) serverOptions(log *slog.Logger) []fakegraph.Option {
	opts := []fakegraph.Option{
		fakegraph.WithLogger(log),
		fakegraph.WithApp(c.appID, c.appSecret),
		fakegraph.WithRequireProof(c.requireProof),
		fakegraph.WithRateLimits(c.rateLimits),
		fakegraph.WithJournalLimit(c.journalLimit),
		fakegraph.WithVerifyToken(c.verifyToken),
		fakegraph.WithProducts(c.products...),
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

func runServe(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg serveConfig
	cfg.flags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("serve takes no arguments, got %q", strings.Join(fs.Args(), " "))
	}
	log, err := newLogger(stderr, cfg.logLevel, cfg.logFormat)
	if err != nil {
		return err
	}
	if _, set := os.LookupEnv("GOGC"); !set {
		// The emulator keeps everything it is sent; collecting less often
		// buys ~10% throughput under load for some memory.
		debug.SetGCPercent(200)
	}
	srv := fakegraph.New(cfg.serverOptions(log)...)
	if err := srv.Start(cfg.addr); err != nil {
		return err
	}
	if cfg.pprofAddr != "" {
		stopPprof, err := startPprof(cfg.pprofAddr, log)
		if err != nil {
			return fmt.Errorf("--pprof: %w (closing: %v)", err, srv.Close())
		}
		defer func() {
			if err := stopPprof(); err != nil {
				log.Warn("pprof", "err", err)
			}
		}()
	}
	stopIntercept := func(context.Context) error { return nil }
	if cfg.intercept != "" {
		stopIntercept, err = startIntercept(cfg.intercept, cfg.caDir, cfg.passthrough, srv.Handler(), log)
		if err != nil {
			closeErr := srv.Close()
			return fmt.Errorf("--intercept: %w (closing: %v)", err, closeErr)
		}
	}
	if err := printStartup(srv, &cfg, stdout, log); err != nil {
		return fmt.Errorf("%w (closing: %v)", err, srv.Close())
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := cfg.startWebhook(ctx, srv, log); err != nil {
		closeErr := srv.Close()
		return fmt.Errorf("--webhook: %w (closing: %v)", err, closeErr)
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
