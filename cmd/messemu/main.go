// Command messemu is a local Messenger Platform: point a bot's Graph API base
// URL at it and it answers as the platform would.
//
//	messemu serve                 run the emulator with its defaults
//	messemu validate [--at DATE] FILE|-  check a Send API JSON body offline
//	messemu replay PATHS...       run scenario files against a bot
//	messemu record --out FILE     turn a live session into a scenario file
//	messemu check JOURNAL.jsonl   judge an exported journal under today's rules
//	messemu rules [--markdown]    list every rule messemu checks (docs/rules.md)
//	messemu env                   print the variables for intercept mode
//	messemu ca path|pem           print the intercept CA
//	messemu version
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

// versionString is what `messemu version` and the startup screen say:
// the -ldflags version; else the module's version (go install
// …@v1.2.3); else "dev" with the commit it was built from, when the
// build recorded it; else "dev".
func versionString() string {
	if version != "dev" {
		return version
	}
	bi, _ := debug.ReadBuildInfo()
	return versionOf(bi)
}

// versionOf is versionString for the build information bi (nil: none).
func versionOf(bi *debug.BuildInfo) string {
	if bi == nil {
		return "dev"
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	var rev, at string
	modified := false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			at = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	if rev == "" {
		return "dev"
	}
	v := "dev (" + rev[:min(len(rev), 12)]
	if at != "" {
		v += " of " + at
	}
	if modified {
		v += ", modified"
	}
	return v + ")"
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run dispatches a subcommand and returns the exit status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	var err error
	switch args[0] {
	case "serve":
		err = runServe(args[1:], stdout, stderr)
	case "validate":
		var failed bool
		failed, err = runValidate(args[1:], stdin, stdout, stderr)
		if err == nil && failed {
			return 1
		}
	case "replay":
		switch err = runReplay(args[1:], stdout, stderr); {
		case errors.Is(err, errFailed):
			return 1
		case errors.Is(err, errInterrupted):
			fmt.Fprintln(stderr, "messemu:", err)
			return 130
		}
	case "check":
		var failed bool
		failed, err = runCheck(args[1:], stdin, stdout, stderr)
		if err == nil && failed {
			return 1
		}
	case "record":
		err = runRecord(args[1:], stdout, stderr)
	case "rules":
		err = runRules(args[1:], stdout, stderr)
	case "env":
		err = runEnv(args[1:], stdout)
	case "ca":
		err = runCA(args[1:], stdout)
	case "version", "-version", "--version":
		if len(args) > 1 {
			err = fmt.Errorf("version takes no arguments, got %q", strings.Join(args[1:], " "))
			break
		}
		fmt.Fprintln(stdout, "messemu", versionString())
	case "help", "-h", "-help", "--help":
		usage(stdout)
	default:
		fmt.Fprintf(stderr, "messemu: unknown command %q\n\n", args[0])
		usage(stderr)
		return 2
	}
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		var printed flagError
		if errors.As(err, &printed) { // printed with the usage already
			return 2
		}
		fmt.Fprintln(stderr, "messemu:", err)
		return 2
	}
	return 0
}

func usage(w io.Writer) {
	fmt.Fprint(w, `messemu: a local emulator of Facebook's Messenger Platform.

Usage:
  messemu serve [flags]          run the emulator (messemu serve -h for flags)
  messemu validate [--json] [--at DATE] FILE|-
                                 check a Send API JSON body offline; exit 1 on any error
  messemu replay [--bot URL | --exec CMD] [flags] PATHS...
                                 run scenario files against a bot; exit 1 if one fails
  messemu record --out FILE|- [--emulator URL] [--psid P] [--control-token T]
                                 turn a live session into a scenario file
  messemu check [--at DATE] [--strict] JOURNAL.jsonl|-
                                 judge an exported journal's sends under today's rules
  messemu rules [--markdown]     list every rule messemu checks, its limit, severity,
                                 error and source (the Markdown is docs/rules.md)
  messemu env [--shell sh|fish|powershell]
                                 print the variables that send a bot through intercept mode
  messemu ca path|pem            print the intercept CA certificate's path or PEM
  messemu version
`)
}
