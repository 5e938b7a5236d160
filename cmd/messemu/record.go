package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/messemu/messemu/scenarios"
)

// runRecord is `messemu record`: a live session into a scenario file.
func runRecord(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("record", flag.ContinueOnError)
	fs.SetOutput(stderr)
	emulator := fs.String("emulator", "http://127.0.0.1:8765", "the running messemu serve to record from")
	out := fs.String("out", "", "the scenario file to write (- for standard output)")
	psid := fs.String("psid", "", "record only this user's session (default: every user who did something)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" || fs.NArg() > 0 {
		return errors.New("usage: messemu record --emulator URL --out FILE [--psid P]")
	}
	w := stdout
	var f *os.File
	if *out != "-" {
		var err error
		if f, err = os.Create(*out); err != nil {
			return fmt.Errorf("record: %w", err)
		}
		w = f
	}
	n, err := (&scenarios.Recorder{Emulator: *emulator, PSID: *psid}).Record(context.Background(), w)
	if f != nil {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		return fmt.Errorf("record: %w", err)
	}
	if f != nil {
		fmt.Fprintf(stderr, "messemu: recorded %d scenario(s) into %s; replay with: messemu replay --bot URL %s\n", n, *out, *out)
	}
	return nil
}
