package scenarios

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// printable is s with what a terminal would act on and XML 1.0 cannot
// hold written as escapes (\x07, \x1b, \ufffe; a byte that is not UTF-8
// as \xff): a bot's text can carry them, and a report must neither drive
// the terminal it is printed on nor be unreadable to the CI that parses it.
// Line breaks and tabs stay as they are.
func printable(s string) string {
	clean := true
	for i, r := range s {
		if !safeRune(r) || (r == utf8.RuneError && !validAt(s, i)) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case !safeRune(r) && r < 0x100:
			fmt.Fprintf(&b, `\x%02x`, r)
		case !safeRune(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// safeRune reports whether r prints as itself: not a control character
// (but line break and tab), not one XML 1.0 refuses.
func safeRune(r rune) bool {
	switch {
	case r == '\n' || r == '\t':
		return true
	case r < 0x20 || (r >= 0x7f && r < 0xa0):
		return false
	case r == 0xfffe || r == 0xffff || (r >= 0xd800 && r < 0xe000):
		return false
	}
	return true
}

// validAt reports whether s holds a real U+FFFD at i, not a bad byte.
func validAt(s string, i int) bool {
	_, n := utf8.DecodeRuneInString(s[i:])
	return n == 3
}
