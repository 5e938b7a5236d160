package main

import (
	"bytes"
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
	fs.Usage = func() {
		fmt.Fprint(stderr, "usage: messemu record --out FILE|- [--emulator URL] [--psid PSID] [--control-token T]\n\n"+
			"Turns what the test users did on a running messemu serve, and what the bot\n"+
			"answered, into a scenario file for messemu replay. --out is required.\n"+
			"Only what came after the emulator's last reset is recorded (a reset\n"+
			"takes the users' threads away).\n\n")
		fs.PrintDefaults()
	}
	emulator := fs.String("emulator", "http://127.0.0.1:8765", "the `URL` of the running messemu serve to record from")
	out := fs.String("out", "", "the scenario `FILE` to write, or - for standard output (required)")
	psid := fs.String("psid", "", "record only this user's session (default: every user who did something)")
	control := fs.String("control-token", env("MESSEMU_CONTROL_TOKEN", ""), "the --control-token of the emulator, if it was started with one [MESSEMU_CONTROL_TOKEN]")
	rest, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if *out == "" || len(rest) > 0 {
		return errors.New("usage: messemu record --out FILE|- [--emulator URL] [--psid PSID] [--control-token T] (--out is required)")
	}
	// The file is written once the recording is whole: a mistake (a
	// wrong --psid, an emulator not running) leaves it as it was.
	var buf bytes.Buffer
	if err := checkEmulatorURL(*emulator); err != nil {
		return fmt.Errorf("record: %w", err)
	}
	n, err := (&scenarios.Recorder{Emulator: *emulator, PSID: *psid, ControlToken: *control}).Record(context.Background(), &buf)
	if err != nil {
		return fmt.Errorf("record: %w", err)
	}
	if b := buf.Bytes(); len(b) > 0 && b[len(b)-1] != '\n' {
		buf.WriteByte('\n') // a text file's last line ends too
	}
	if *out == "-" {
		_, err := stdout.Write(buf.Bytes())
		return err
	}
	// A file there is replaced, as a new recording of the same session
	// should be; the message says so, in case it was not meant.
	replaced := ""
	if st, err := os.Stat(linkTarget(*out)); err == nil && st.Mode().IsRegular() {
		replaced = " (replacing the file that was there)"
	}
	if err := writeReplacing(*out, func(w io.Writer) error { _, err := w.Write(buf.Bytes()); return err }); err != nil {
		return fmt.Errorf("record: %w", err)
	}
	fmt.Fprintf(stderr, "messemu: recorded %s into %s%s; replay with: messemu replay --bot URL %s\n", count(n, "scenario"), *out, replaced, *out)
	return nil
}
