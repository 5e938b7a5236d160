package main

// The intercept commands: `messemu env`, `messemu ca`, and the
// `serve --intercept` listener. The work is in fakegraph/intercept; this file
// only reads flags and prints.

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime"
	"strings"

	"github.com/messemu/messemu/fakegraph"
	"github.com/messemu/messemu/fakegraph/intercept"
)

// envCommand is the shell line that applies `messemu env` for a proxy on
// addr with its CA in caDir ("" for the default), naming only what
// differs from env's defaults.
func envCommand(addr, caDir string) string { return envCommandFor(runtime.GOOS, addr, caDir) }

// envCommandFor is envCommand in the shell of goos: PowerShell on
// Windows, sh elsewhere.
func envCommandFor(goos, addr, caDir string) string {
	args := ""
	if addr != intercept.DefaultAddr {
		args += " --intercept " + addr
	}
	if goos == "windows" {
		if caDir != "" {
			args += " --ca-dir '" + strings.ReplaceAll(caDir, "'", "''") + "'"
		}
		return "messemu env --shell powershell" + args + " | Out-String | Invoke-Expression"
	}
	if caDir != "" {
		args += " --ca-dir '" + strings.ReplaceAll(caDir, "'", `'\''`) + "'"
	}
	return `eval "$(messemu env` + args + `)"`
}

// runEnv implements `messemu env [--shell sh|fish|powershell] [--intercept ADDR] [--ca-dir DIR]`:
// it makes sure the CA and its bundle exist and prints the variables that
// point a bot at the intercept proxy.
func runEnv(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("env", flag.ContinueOnError)
	defaultShell := "sh"
	if runtime.GOOS == "windows" {
		defaultShell = "powershell"
	}
	shell := fs.String("shell", defaultShell, "shell syntax: "+strings.Join(intercept.Shells, ", "))
	addr := fs.String("intercept", envOr("MESSEMU_INTERCEPT", intercept.DefaultAddr), "address of the intercept proxy, as given to serve --intercept [MESSEMU_INTERCEPT]")
	caDir := fs.String("ca-dir", os.Getenv("MESSEMU_CA_DIR"), caDirUsage)
	usage := func() {
		fs.SetOutput(stdout)
		fmt.Fprintf(stdout, "usage: messemu env [--shell sh|fish|powershell] [--intercept ADDR] [--ca-dir DIR]\n\n"+
			"Prints the environment that sends a bot's https://graph.facebook.com calls to\n"+
			"`messemu serve --intercept ADDR`. Apply it with:\n"+
			"  sh:         eval \"$(messemu env)\"\n"+
			"  fish:       messemu env --shell fish | source\n"+
			"  powershell: messemu env --shell powershell | Out-String | Invoke-Expression\n\n")
		fs.PrintDefaults()
	}
	if err := parseQuietly(fs, args, usage); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("env: unexpected argument %q", fs.Arg(0))
	}
	// A shell or an address env cannot write for is said before the CA
	// is made, as env's own flag, not as an error of package intercept.
	if _, err := intercept.EnvLines(*shell, intercept.DefaultAddr, "ca.pem"); err != nil {
		return fmt.Errorf("env: --shell: %s", strings.TrimPrefix(err.Error(), "intercept: "))
	}
	if _, err := intercept.EnvLines(*shell, *addr, "ca.pem"); err != nil {
		return fmt.Errorf("env: --intercept: %s", strings.TrimPrefix(err.Error(), "intercept: "))
	}
	ca, err := loadCA(*caDir)
	if err != nil {
		return err
	}
	bundle, roots, err := ca.WriteBundle()
	if err != nil {
		return err
	}
	lines, err := intercept.EnvLines(*shell, *addr, bundle)
	if err != nil {
		return err
	}
	if roots == "" {
		lines = append(lines, "# warning: no system root certificates found; "+bundle+
			" trusts only messemu's CA, so other HTTPS hosts will fail in runtimes that read SSL_CERT_FILE.")
	}
	_, err = io.WriteString(stdout, strings.Join(lines, "\n")+"\n")
	return err
}

// runCA implements `messemu ca path|pem [--ca-dir DIR]`: the CA certificate's
// file name, or the certificate itself, to install in a trust store.
func runCA(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("ca", flag.ContinueOnError)
	caDir := fs.String("ca-dir", os.Getenv("MESSEMU_CA_DIR"), caDirUsage)
	usage := func() {
		fs.SetOutput(stdout)
		fmt.Fprintf(stdout, "usage: messemu ca path|pem [--ca-dir DIR]\n\n"+
			"  path  prints the file of messemu's CA certificate (created on first use)\n"+
			"  pem   prints the certificate itself\n\n"+
			"The CA is name-constrained to graph.facebook.com: trusting it lets messemu\n"+
			"answer for that host and no other.\n\n")
		fs.PrintDefaults()
	}
	if err := parseQuietly(fs, args, usage); err != nil {
		return err
	}
	// Accept the flag after the subcommand too: `messemu ca pem --ca-dir x`.
	sub := fs.Arg(0)
	if fs.NArg() > 0 {
		if err := parseQuietly(fs, fs.Args()[1:], usage); err != nil {
			return err
		}
	}
	if sub == "" || fs.NArg() > 0 {
		return errors.New("ca: want exactly one of: path, pem (messemu ca -h for help)")
	}
	if sub != "path" && sub != "pem" {
		return fmt.Errorf("ca: unknown subcommand %q (want path or pem)", sub)
	}
	ca, err := loadCA(*caDir)
	if err != nil {
		return err
	}
	if sub == "path" {
		_, err = fmt.Fprintln(stdout, ca.CertPath())
		return err
	}
	_, err = stdout.Write(ca.CertPEM())
	return err
}

// startIntercept starts the `serve --intercept ADDR` listener: an HTTPS
// intercept proxy whose requests for graph.facebook.com are served by h, the
// same handler as the plain listener. stop shuts it down gracefully.
func startIntercept(addr, caDir string, passthrough bool, h http.Handler, log *slog.Logger) (stop func(context.Context) error, bound string, err error) {
	ca, err := loadCA(caDir)
	if err != nil {
		return nil, "", err
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, "", err
	}
	return serveIntercept(l, ca, passthrough, h, log), l.Addr().String(), nil
}

// serveIntercept serves the intercept proxy on l until stop is called.
func serveIntercept(l net.Listener, ca *intercept.CA, passthrough bool, h http.Handler, log *slog.Logger) (stop func(context.Context) error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	p := intercept.New(h, ca, interceptOptions(passthrough, log))
	go func() {
		if err := p.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("intercept proxy stopped", "err", err)
		}
	}()
	bound := l.Addr().String()
	log.Info("intercept proxy listening for graph.facebook.com",
		"addr", bound, "ca", ca.CertPath(), "passthrough", passthrough,
		"setup", `eval "$(messemu env --intercept `+bound+` --ca-dir '`+ca.Dir()+`')"`)
	if tcp, ok := l.Addr().(*net.TCPAddr); ok && passthrough && !tcp.IP.IsLoopback() {
		log.Warn("intercept: passthrough on a non-loopback address makes messemu an open proxy for anyone who can reach it", "addr", bound)
	}
	return p.Shutdown
}

// interceptOptions are the proxy's options: the same read timeouts as the
// emulator's own listener, so a slow client is cut off on both.
func interceptOptions(passthrough bool, log *slog.Logger) intercept.Options {
	t := fakegraph.DefaultTimeouts()
	return intercept.Options{
		Passthrough: passthrough, Logger: log,
		ReadHeaderTimeout: t.ReadHeader, ReadTimeout: t.Read, IdleTimeout: t.Idle,
	}
}

// parseQuietly parses args, printing the usage only when asked for it: an
// error goes to the caller (and stderr), never into the output that
// `eval "$(messemu env)"` runs.
func parseQuietly(fs *flag.FlagSet, args []string, usage func()) error {
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		usage()
	}
	return err
}

const caDirUsage = "directory of messemu's CA (default: the user config directory's messemu/) [MESSEMU_CA_DIR]"

// envOr is the value of the environment variable name, or def if unset,
// so that env and ca find what serve was told through the same variables.
func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// loadCA loads or creates the CA in dir, or in the default directory.
func loadCA(dir string) (*intercept.CA, error) {
	if dir == "" {
		d, err := intercept.DefaultCADir()
		if err != nil {
			return nil, err
		}
		dir = d
	}
	return intercept.LoadOrCreateCA(dir)
}
