package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/messemu/messemu/scenarios"
)

// runRecord is `messemu record`: a live session into a scenario file.
func runRecord(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("record", flag.ContinueOnError)
	fs.SetOutput(stderr)
	emulator := fs.String("emulator", "http://127.0.0.1:8765", "the running messemu serve to record from")
	out := fs.String("out", "", "the scenario file to write (- for standard output)")
	psid := fs.String("psid", "", "record only this user's session (default: every user who did something)")
	control := fs.String("control-token", env("MESSEMU_CONTROL_TOKEN", ""), "the --control-token of the emulator, if it was started with one [MESSEMU_CONTROL_TOKEN]")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" || fs.NArg() > 0 {
		return errors.New("usage: messemu record --emulator URL --out FILE [--psid P] [--control-token T]")
	}
	// The file is written once the recording is whole: a mistake (a
	// wrong --psid, an emulator not running) leaves it as it was.
	var buf bytes.Buffer
	n, err := (&scenarios.Recorder{Emulator: *emulator, PSID: *psid, ControlToken: *control}).Record(context.Background(), &buf)
	if err != nil {
		return fmt.Errorf("record: %w", err)
	}
	if *out == "-" {
		_, err := stdout.Write(buf.Bytes())
		return err
	}
	if err := writeReplacing(*out, func(w io.Writer) error { _, err := w.Write(buf.Bytes()); return err }); err != nil {
		return fmt.Errorf("record: %w", err)
	}
	fmt.Fprintf(stderr, "messemu: recorded %d scenario(s) into %s; replay with: messemu replay --bot URL %s\n", n, *out, *out)
	return nil
}
