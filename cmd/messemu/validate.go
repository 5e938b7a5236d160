package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/messemu/messemu/validator"
)

// runValidate checks a Send API JSON body with no emulator: every id is
// taken to exist and every window to be open, so only the request itself is
// judged. It reports whether the platform would refuse it.
func runValidate(args []string, stdin io.Reader, stdout io.Writer) (failed bool, err error) {
	fs := flag.NewFlagSet("validate", flag.ContinueOnError)
	fs.SetOutput(stdout)
	asJSON := fs.Bool("json", false, "print the violations as JSON")
	if err := fs.Parse(args); err != nil {
		return false, err
	}
	if fs.NArg() != 1 {
		return false, errors.New("validate takes one argument: a file with a Send API JSON body, or - for standard input")
	}
	var data []byte
	if name := fs.Arg(0); name == "-" {
		data, err = io.ReadAll(stdin)
	} else {
		data, err = os.ReadFile(name)
	}
	if err != nil {
		return false, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var body map[string]any
	if err := dec.Decode(&body); err != nil {
		return false, fmt.Errorf("%s is not a JSON object: %w", fs.Arg(0), err)
	}
	res := validator.New(validator.MustLoadSchemas()).Send(body, validator.OfflineState{})
	if *asJSON {
		vs := res.Violations
		if vs == nil {
			vs = []validator.Violation{}
		}
		out, err := json.MarshalIndent(map[string]any{"accepted": res.Accepted(), "violations": vs}, "", "  ")
		if err != nil {
			return false, err
		}
		fmt.Fprintln(stdout, string(out))
		return !res.Accepted(), nil
	}
	printViolations(stdout, res.Violations)
	if res.Accepted() {
		fmt.Fprintf(stdout, "accepted (%d warnings)\n", len(res.Warnings()))
		return false, nil
	}
	fmt.Fprintln(stdout, "refused")
	return true, nil
}

func printViolations(w io.Writer, vs []validator.Violation) {
	for _, v := range vs {
		path := v.Path
		if path == "" {
			path = "(request)"
		}
		fmt.Fprintf(w, "%-7s %s: %s", v.Severity, path, v.Rule)
		if v.Limit != "" {
			fmt.Fprintf(w, " (limit %s)", v.Limit)
		}
		if v.Source != "" {
			fmt.Fprintf(w, " [%s]", v.Source)
		}
		fmt.Fprintln(w)
		if v.Detail != "" {
			fmt.Fprintf(w, "        %s\n", v.Detail)
		}
		if v.Error != nil {
			b, err := json.Marshal(map[string]any{"error": v.Error})
			if err == nil {
				fmt.Fprintf(w, "        platform answers 400 %s\n", b)
			}
		}
	}
}
