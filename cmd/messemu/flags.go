package main

import (
	"errors"
	"flag"
	"fmt"
)

// parseInterspersed parses flags given before, between or after the
// positional arguments (`messemu check FILE --at DATE`), which the flag
// package alone stops at, and returns the positional ones.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := parseFlags(fs, args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if rest[0] == "--" {
			return append(pos, rest[1:]...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// flagError is a bad flag that the flag set has printed already, with its
// usage: main exits 2 without printing it again.
type flagError struct{ error }

func (e flagError) Unwrap() error { return e.error }

// parseFlags is fs.Parse with a bad flag's error marked as printed
// (flagError); -h stays flag.ErrHelp.
func parseFlags(fs *flag.FlagSet, args []string) error {
	err := fs.Parse(args)
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		return flagError{err}
	}
	return err
}

// count is n and noun, in the plural unless n is 1: "1 error", "2 errors".
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
