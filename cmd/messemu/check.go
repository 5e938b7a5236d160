package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/messemu/messemu/scenarios"
)

// runCheck is `messemu check`: judge an exported journal's requests under
// today's rules at a date. It reports whether a request fails.
func runCheck(args []string, stdin io.Reader, stdout, stderr io.Writer) (failed bool, err error) {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: messemu check [--at DATE] [--strict] JOURNAL.jsonl|-")
		fs.PrintDefaults()
	}
	at := fs.String("at", "", "judge as of this date (2026-04-28 or RFC 3339; default now)")
	strict := fs.Bool("strict", false, "fail on warnings too")
	files, err := parseInterspersed(fs, args)
	if err != nil {
		return false, err
	}
	if len(files) != 1 {
		return false, errors.New("usage: messemu check JOURNAL.jsonl|- [--at 2026-04-28] [--strict]")
	}
	when := time.Now().UTC()
	if *at != "" {
		if when, err = parseDate(*at); err != nil {
			return false, err
		}
	}
	in := stdin // "-": the journal lines come on standard input, as validate's body does
	if files[0] != "-" {
		f, err := os.Open(files[0])
		if err != nil {
			return false, err
		}
		defer f.Close()
		in = f
	}
	events, err := scenarios.ReadJournal(in)
	if err != nil {
		return false, fmt.Errorf("%s: %w", files[0], err)
	}
	ok := scenarios.WriteRejudged(stdout, scenarios.Rejudge(events, when), when, *strict)
	return !ok, nil
}

func parseDate(s string) (time.Time, error) {
	for _, layout := range []string{time.DateOnly, time.RFC3339} {
		if t, err := time.Parse(layout, s); err == nil {
			if !clockRange(t) {
				return time.Time{}, fmt.Errorf("--at %q is too far from now: a virtual clock reads within 290 years of it, from 1971", s)
			}
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("--at %q is not a date such as 2026-04-28 or 2026-04-28T12:00:00Z", s)
}

// clockRange reports a time a virtual clock can read: one whose distance
// from now a time.Duration holds (about 292 years), after the Unix epoch
// (a zero time reads as now).
func clockRange(t time.Time) bool {
	const span = 290 * 365 * 24 * time.Hour
	d := time.Until(t)
	return t.Year() > 1970 && d < span && d > -span
}
