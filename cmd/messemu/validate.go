package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/messemu/messemu/fakegraph"
	"github.com/messemu/messemu/validator"
)

// runValidate checks a Send API JSON body with no emulator: every id is
// taken to exist and every window to be open, so only the request itself is
// judged. It prints every violation it can tell apart, marking the error
// the platform answers (the first), and reports whether the platform would
// refuse the request.
func runValidate(args []string, stdin io.Reader, stdout, stderr io.Writer) (failed bool, err error) {
	fs := flag.NewFlagSet("validate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: messemu validate [--json] [--at DATE] FILE|-   (a Send API JSON body; - reads standard input)")
		fs.PrintDefaults()
	}
	asJSON := fs.Bool("json", false, "print the violations as JSON")
	at := fs.String("at", "", "judge as of this date (2026-04-28 or RFC 3339; default now): the message tags' cutoff follows it")
	files, err := parseInterspersed(fs, args) // validate FILE --json too
	if err != nil {
		return false, err
	}
	var state validator.OfflineState
	if *at != "" {
		if state.Clock, err = parseDate(*at); err != nil {
			return false, err
		}
	}
	if len(files) != 1 {
		return false, errors.New("validate takes one argument: a file with a Send API JSON body, or - for standard input")
	}
	name := files[0]
	var data []byte
	if name == "-" {
		data, err = io.ReadAll(stdin)
	} else {
		data, err = os.ReadFile(name)
	}
	if err != nil {
		return false, err
	}
	if len(data) > fakegraph.DefaultBodyLimit {
		return false, fmt.Errorf("%s is over the %d MiB a request body may be (serve answers it (#100) Invalid parameter without reading it)", name, fakegraph.DefaultBodyLimit>>20)
	}
	// Decoded as serve decodes it: text that is not UTF-8 stays as it
	// came, for the rules to refuse where serve's do.
	body, decoded := fakegraph.DecodeObject(data)
	if !decoded {
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		if err := dec.Decode(&body); err != nil {
			return false, fmt.Errorf("%s is not a JSON object: %w", name, err)
		}
		// serve refuses a body with anything after its object but space (a
		// stray } included), so validate does not judge the object alone.
		if rest := bytes.TrimSpace(data[dec.InputOffset():]); len(rest) > 0 {
			return false, fmt.Errorf("%s is not one JSON object: %q follows it", name, rest[:min(len(rest), 20)])
		}
		if body == nil { // DecodeObject decodes no null; encoding/json does
			return false, fmt.Errorf("%s is not a JSON object: null", name)
		}
	}
	res := validator.New(validator.MustLoadSchemas()).SendAll(body, state)
	answered := answeredIndex(res.Violations)
	if *asJSON {
		type marked struct {
			validator.Violation
			// Answered marks the error the platform answers: the first.
			Answered bool `json:"answered,omitempty"`
		}
		vs := make([]marked, len(res.Violations))
		for i, v := range res.Violations {
			vs[i] = marked{Violation: v, Answered: i == answered}
		}
		out, err := json.MarshalIndent(map[string]any{"accepted": res.Accepted(), "violations": vs, "rules": rulesDoc}, "", "  ")
		if err != nil {
			return false, err
		}
		fmt.Fprintln(stdout, string(out))
		return !res.Accepted(), nil
	}
	printViolations(stdout, res.Violations, answered)
	errs, warns := len(res.Errors()), len(res.Warnings())
	if res.Accepted() {
		fmt.Fprintf(stdout, "accepted (%s)\n", count(warns, "warning"))
	} else {
		fmt.Fprintf(stdout, "refused: %s, %s; * marks the one the platform answers (it stops at the first)\n", count(errs, "error"), count(warns, "warning"))
	}
	if len(res.Violations) > 0 {
		fmt.Fprintf(stdout, "rules, limits and sources: %s (or messemu rules)\n", rulesDoc)
	}
	return !res.Accepted(), nil
}

// answeredIndex is the index of the error the platform answers, -1 when
// it accepts the request.
func answeredIndex(vs []validator.Violation) int {
	for i, v := range vs {
		if v.Severity == validator.SeverityError {
			return i
		}
	}
	return -1
}

func printViolations(w io.Writer, vs []validator.Violation, answered int) {
	for i, v := range vs {
		path := v.Path
		if path == "" {
			path = "(request)"
		}
		mark := "  "
		if i == answered {
			mark = "* "
		}
		fmt.Fprintf(w, "%s%-7s %s: %s", mark, v.Severity, path, v.Rule)
		if v.Limit != "" {
			fmt.Fprintf(w, " (limit %s)", v.Limit)
		}
		if v.Source != "" {
			fmt.Fprintf(w, " [%s]", v.Source)
		}
		fmt.Fprintln(w)
		if v.Detail != "" {
			fmt.Fprintf(w, "          %s\n", v.Detail)
		}
		if v.Error != nil {
			b, err := json.Marshal(map[string]any{"error": v.Error})
			if err != nil {
				continue
			}
			if i == answered {
				fmt.Fprintf(w, "          platform answers 400 %s\n", b)
			} else {
				fmt.Fprintf(w, "          also refused, answered only when first: 400 %s\n", b)
			}
		}
	}
}
