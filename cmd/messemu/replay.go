package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"time"

	"github.com/messemu/messemu/fakegraph"
	"github.com/messemu/messemu/scenarios"
)

// errFailed is a replay whose scenarios did not all pass: exit 1.
var errFailed = errors.New("scenarios failed")

// errInterrupted: replay was stopped (Ctrl-C, SIGTERM) before its end; it
// exits 130, as a shell reports a program SIGINT ended.
var errInterrupted = errors.New("replay: interrupted")

// replayConfig is what `messemu replay` runs with.
type replayConfig struct {
	bot         string
	exec        string
	emulator    string
	control     string // the --emulator's --control-token
	addr        string
	appSecret   string
	verifyToken string
	junit       string
	parallel    int
	timeout     time.Duration
	wait        time.Duration
	settle      time.Duration
	run         string
	tags        string
	strict      bool
}

func (c *replayConfig) flags(fs *flag.FlagSet) {
	fs.StringVar(&c.bot, "bot", "", "the bot's webhook URL (with --exec, default http://127.0.0.1:$PORT/webhook)")
	fs.StringVar(&c.exec, "exec", "", "start the bot with this shell command, with MESSEMU_* variables set (see the README), and stop it at the end; its output is kept, and its last lines shown on standard error when a scenario fails or the bot exits, which fails the run")
	fs.StringVar(&c.emulator, "emulator", "", "the `URL` of a running messemu serve to use (default: start one in process on --addr); with --bot or --exec its webhook is put back after the run")
	fs.StringVar(&c.control, "control-token", env("MESSEMU_CONTROL_TOKEN", ""), "the --control-token of the --emulator, if it was started with one [MESSEMU_CONTROL_TOKEN]")
	fs.StringVar(&c.addr, "addr", "127.0.0.1:8765", "where the in-process emulator listens (serve's default, so a bot set up for serve runs unchanged)")
	fs.StringVar(&c.appSecret, "app-secret", fakegraph.DefaultAppSecret, "the app secret (webhook signatures, appsecret_proof) of the in-process emulator")
	fs.StringVar(&c.verifyToken, "verify-token", fakegraph.DefaultVerifyToken, "the webhook verify token")
	fs.StringVar(&c.junit, "junit", "", "write a JUnit XML report to this file")
	fs.IntVar(&c.parallel, "parallel", 4, "scenarios run at once (those that move the clock or set the profile run alone)")
	fs.DurationVar(&c.timeout, "timeout", 2*time.Minute, "the longest one scenario may take")
	fs.DurationVar(&c.wait, "wait", 10*time.Second, "how long an expect: waits for the bot's message unless it says within:")
	fs.DurationVar(&c.settle, "settle", 100*time.Millisecond, "how long replay waits, once a scenario's webhooks are delivered, for what a bot sends after answering them: at the end of a scenario and before an advances_clock (raise it for a bot that answers its webhooks first and sends later)")
	fs.StringVar(&c.run, "run", "", "run only the scenarios whose name matches this regular expression")
	fs.StringVar(&c.tags, "tags", "", "run only the scenarios with one of these tags (comma-separated: smoke,shop)")
	fs.BoolVar(&c.strict, "strict", false, "fail on the platform's warnings too, not only on refused requests, and on webhooks the bot did not acknowledge within the webhook's timeout (without it: a warning line under the scenario)")
}

// checkEmulatorURL checks an --emulator: the URL of a running serve
// ("" is none).
func checkEmulatorURL(raw string) error {
	if raw == "" {
		return nil
	}
	if !absoluteHTTP(raw) {
		return fmt.Errorf("--emulator %q: want the URL of a running messemu serve, such as http://127.0.0.1:8765", raw)
	}
	return nil
}

func runReplay(args []string, stdout, stderr io.Writer) error {
	// The scenarios without setup: clock run at this time: the run's
	// now, by the wall clock.
	started := time.Now()
	fs := flag.NewFlagSet("replay", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, "usage: messemu replay [--bot URL | --exec 'node bot.js'] [--emulator URL] [flags] PATHS...\n\n"+
			"A bot started with --exec runs in the foreground until the end of the run. Its\n"+
			"standard output and error are not shown as it runs: replay keeps them and\n"+
			"prints their last lines on standard error when a scenario fails or the bot\n"+
			"exits. A bot that exits during the run (with any status) stops it: the\n"+
			"scenarios under way fail, those left fail unrun, and replay exits 1.\n\n"+
			"Exit status: 0 all passed, 1 a scenario failed or the bot exited, 2 a usage\n"+
			"or file error, 130 stopped by Ctrl-C.\n\n")
		fs.PrintDefaults()
	}
	var cfg replayConfig
	cfg.flags(fs)
	paths, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(paths) == 0 {
		return errors.New("replay: give the scenario files, directories or globs to run")
	}
	if cfg.parallel < 1 {
		return errors.New("replay: --parallel must be at least 1")
	}
	if cfg.timeout < 0 || cfg.wait < 0 || cfg.settle < 0 {
		return errors.New("replay: --timeout, --wait and --settle are durations above zero (or 0 for the default)")
	}
	var filter *regexp.Regexp
	if cfg.run != "" {
		re, err := regexp.Compile(cfg.run)
		if err != nil {
			return fmt.Errorf("replay: --run: %w", err)
		}
		filter = re
	}
	all, err := scenarios.Load(paths...)
	if err != nil {
		return loadError(err)
	}
	if cfg.emulator == "" && cfg.bot == "" && cfg.exec == "" {
		return errors.New("replay: give the bot: --bot URL of its webhook, or --exec to start it")
	}
	if err := checkWebhookURL(cfg.bot); err != nil {
		return fmt.Errorf("replay: --bot %q: %w", cfg.bot, err)
	}
	if err := checkEmulatorURL(cfg.emulator); err != nil {
		return fmt.Errorf("replay: %w", err)
	}
	// A report path that cannot be written is said before the run, not
	// after every scenario has run.
	if cfg.junit != "" {
		if err := checkReplaceable(cfg.junit); err != nil {
			return fmt.Errorf("replay: --junit: %w", err)
		}
	}

	runner := &scenarios.Runner{ControlToken: cfg.control, Parallel: cfg.parallel, Timeout: cfg.timeout, Wait: cfg.wait, Settle: cfg.settle,
		Strict: cfg.strict, Filter: filter, Tags: tagList(cfg.tags)}
	selected := runner.Select(all)
	if len(selected) == 0 {
		var by []string
		if cfg.run != "" {
			by = append(by, fmt.Sprintf("--run %q", cfg.run))
		}
		if cfg.tags != "" {
			by = append(by, fmt.Sprintf("--tags %q", cfg.tags))
		}
		return fmt.Errorf("replay: no scenario matches %s", strings.Join(by, " and "))
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// Output piped into a reader that quits (| head) must not kill replay
	// before it stops the bot it started: a write then fails instead.
	signal.Ignore(syscall.SIGPIPE)
	emuURL := cfg.emulator
	if emuURL == "" {
		// Dates the clock cannot all reach are said before anything runs.
		runner.Now = started
		if err := scenarios.CheckClocks(selected, started); err != nil {
			return clockError(err)
		}
		opts := []fakegraph.Option{fakegraph.WithApp(fakegraph.DefaultAppID, cfg.appSecret), fakegraph.WithVerifyToken(cfg.verifyToken),
			fakegraph.WithLogger(slog.New(slog.DiscardHandler))}
		if start, ok := scenarios.ClockStart(selected); ok { // a setup: clock in the past
			opts = append(opts, fakegraph.WithClock(fakegraph.NewClock(start)))
		}
		srv := fakegraph.New(opts...)
		if err := srv.Start(cfg.addr); err != nil {
			if addrInUse(err) {
				return fmt.Errorf("replay: starting the emulator on %s: %w (a messemu serve there? replay against it with --emulator http://%s, or give replay's own emulator another --addr, such as 127.0.0.1:0)", cfg.addr, err, cfg.addr)
			}
			return fmt.Errorf("replay: starting the emulator: %w", err)
		}
		defer srv.Close()
		emuURL = srv.URL()
	} else {
		// The scenarios without setup: clock run at the emulator's
		// clock, which its serve --clock may have set.
		now, err := emulatorClock(ctx, emuURL, cfg.control)
		if err != nil {
			if ctx.Err() != nil { // Ctrl-C before the first scenario
				return errInterrupted
			}
			return fmt.Errorf("replay: %w", err)
		}
		if err := scenarios.CheckReachable(selected, now); err != nil {
			return clockError(err)
		}
		if err := scenarios.CheckClocks(selected, now); err != nil {
			return clockError(err)
		}
	}
	runner.Emulator = emuURL
	if cfg.emulator != "" {
		// The serve's app secret is not told on its control API: a bot that
		// refuses every webhook with 403 likely checks the signatures with
		// another one (an --exec bot gets replay's --app-secret).
		runner.ForbiddenHint = "the bot may check signatures with another app secret than the serve's --app-secret"
		if cfg.exec != "" {
			runner.ForbiddenHint = "the bot may check signatures with another app secret: give replay the serve's --app-secret"
		}
	}
	if cfg.bot != "" || cfg.exec != "" {
		// replay sets the webhook, with this token: the runner sets it
		// again with it when a scenario leaves it failing.
		runner.VerifyToken = cfg.verifyToken
	} else {
		// The running serve's own webhook, whose verify token replay does
		// not know: left as it stands.
		runner.LeaveWebhook = true
	}
	// The bot's own start-up calls (its Messenger Profile) are judged too.
	start, err := runner.JournalEnd(ctx)
	if err != nil {
		if ctx.Err() != nil { // Ctrl-C before the first scenario
			return errInterrupted
		}
		return fmt.Errorf("replay: %w", err)
	}
	runner.After = &start
	if cfg.emulator != "" && (cfg.bot != "" || cfg.exec != "") {
		// The running serve's webhook is pointed at the bot under test:
		// put back the one it had when the run ends.
		restore, err := keepWebhook(ctx, emuURL, cfg.control, stderr)
		if err != nil {
			return err
		}
		defer restore()
	}
	bot, err := startBot(ctx, cfg, emuURL, stderr)
	if err != nil {
		if ctx.Err() != nil { // Ctrl-C while the bot starts
			return errInterrupted
		}
		return err
	}
	defer bot.stop()

	// A bot started with --exec that exits stops the run, with that for
	// its cause: the scenarios under way fail where they stood, those left
	// fail unrun, rather than each waiting out its expect for a bot that
	// is gone.
	runCtx, stopRun := context.WithCancelCause(ctx)
	defer stopRun(nil)
	go func() {
		select {
		case <-bot.done: // nil, never, without --exec
			stopRun(fmt.Errorf("the bot (--exec) exited (%s)", bot.exitText()))
		case <-runCtx.Done():
		}
	}()
	con := &scenarios.Console{W: stdout, Terminal: isTerminal(stdout), Total: len(selected), Durations: true}
	runner.OnResult = con.Result
	rep, err := runner.Run(runCtx, selected)
	interrupted := err != nil && ctx.Err() != nil
	gone := ctx.Err() == nil && bot.exited()
	switch {
	case interrupted && rep == nil: // before the first scenario
		return errInterrupted
	case err != nil && !interrupted && !gone:
		return fmt.Errorf("replay: %w", err)
	case rep == nil: // the bot exited as the run began
		rep = &scenarios.Report{}
	}
	con.Summary(rep)
	if gone {
		fmt.Fprintf(stderr, "messemu: the bot (--exec) exited during the run (%s): the run fails\n", bot.exitText())
	}
	if gone || !rep.OK() {
		bot.printOutput(stderr)
	}
	if cfg.junit != "" {
		if err := writeJUnitFile(cfg.junit, rep); err != nil {
			if !interrupted {
				return err
			}
			fmt.Fprintln(stderr, "messemu:", err) // and still the interrupted run's 130
		}
	}
	if interrupted {
		return errInterrupted
	}
	if !rep.OK() || gone {
		return errFailed
	}
	return nil
}

// loadError is a refusal of the scenario files as replay says it: one
// problem alone as it is; several under a line that counts them, each
// then on a line of its own that starts with its file:line:column, as a
// compiler lists them.
func loadError(err error) error {
	var list scenarios.ErrorList
	if errors.As(err, &list) && len(list) > 1 {
		return fmt.Errorf("replay: %d errors in the scenario files:\n%w", len(list), err)
	}
	return err
}

// clockError is CheckClocks' refusal as replay says it, as it says the
// files' errors.
func clockError(err error) error {
	var list scenarios.ErrorList
	if errors.As(err, &list) && len(list) > 1 {
		return fmt.Errorf("replay: %d scenarios cannot run at their setup: clock (the virtual clock only moves forward):\n%w", len(list), err)
	}
	return fmt.Errorf("replay: a scenario cannot run at its setup: clock:\n%w", err)
}

// emulatorClock reads the virtual clock of the emulator at emuURL.
func emulatorClock(ctx context.Context, emuURL, control string) (time.Time, error) {
	status, b, err := controlCall(ctx, control, http.MethodGet, emuURL+"/_messemu/v1/clock", nil)
	var clock struct {
		Now time.Time `json:"now"`
	}
	if err != nil || status != http.StatusOK || json.Unmarshal(b, &clock) != nil {
		return time.Time{}, fmt.Errorf("the emulator at %s does not answer GET /_messemu/v1/clock (%s)", emuURL, unanswered(err, status, b))
	}
	return clock.Now, nil
}

// checkReplaceable says before the run whether writeReplacing can write
// path, by making and removing a file where it would: nothing is left
// behind and a file that is there (the last report, a symlink's target)
// is not touched. A pipe, a device or a socket (/dev/stdout) is written
// to as it is, and not opened ahead: opening a pipe would hand its reader
// an end of file.
func checkReplaceable(path string) error {
	target := linkTarget(path)
	if st, err := os.Stat(target); err == nil {
		if st.IsDir() {
			return fmt.Errorf("%s is a directory", path)
		}
		if !st.Mode().IsRegular() {
			return nil
		}
	}
	tmp, err := os.CreateTemp(filepath.Dir(target), "."+filepath.Base(target)+".*")
	if err != nil {
		return err
	}
	tmp.Close()
	return os.Remove(tmp.Name())
}

// linkTarget is the file path names, through symlinks, dangling ones too
// (the file the link will point at once written).
func linkTarget(path string) string {
	for range 40 { // as the kernel gives up on a loop
		st, err := os.Lstat(path)
		if err != nil || st.Mode()&fs.ModeSymlink == 0 {
			return path
		}
		to, err := os.Readlink(path)
		if err != nil {
			return path
		}
		if !filepath.IsAbs(to) {
			to = filepath.Join(filepath.Dir(path), to)
		}
		path = to
	}
	return path
}

// writeJUnitFile writes the report to name (writeReplacing).
func writeJUnitFile(name string, rep *scenarios.Report) error {
	if err := writeReplacing(name, func(w io.Writer) error { return scenarios.WriteJUnit(w, rep) }); err != nil {
		return fmt.Errorf("replay: --junit: %w", err)
	}
	return nil
}

// writeReplacing writes a file at name (or a symlink's target) whole,
// through a new file renamed over it, so a write that fails leaves the
// file that was there as it was; a pipe or a device is written to.
func writeReplacing(name string, write func(io.Writer) error) error {
	target := linkTarget(name)
	if st, err := os.Stat(target); err == nil && !st.Mode().IsRegular() {
		f, err := os.OpenFile(target, os.O_WRONLY|os.O_TRUNC, 0)
		if err != nil {
			return err
		}
		if err := write(f); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	}
	tmp, err := os.CreateTemp(filepath.Dir(target), "."+filepath.Base(target)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // gone once renamed
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), target)
}

// tagList is --tags as a list ("" for none).
func tagList(s string) []string {
	var tags []string
	for t := range strings.SplitSeq(s, ",") {
		if t = strings.TrimSpace(t); t != "" {
			tags = append(tags, t)
		}
	}
	return tags
}

// isTerminal reports whether w is a terminal (a character device).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
