package fakegraph

import (
	"encoding/json"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
)

// jsonStringSeeds are strings with every kind of byte appendJSONString
// and unquote treat apart.
var jsonStringSeeds = []string{
	"", "hello", "Olá! Ça va? 👋", "Größe 42 € — à bientôt", "日本語のテキスト",
	"line\nbreak\ttab\rreturn", "\b\f\x00\x01\x1f\x7f", `quote " backslash \ slash /`,
	"<a href=\"x\">&amp;</a>", "\u2028\u2029", "bad \xff byte", "\xed\xa0\x80 surrogate bytes",
	"cut \xe2\x82", "\xf0\x9f\x91", "é\u2028\xc3",
}

// TestAppendJSONStringIsMarshal: every kind of string is written as
// json.Marshal writes it.
func TestAppendJSONStringIsMarshal(t *testing.T) {
	t.Parallel()
	for _, s := range jsonStringSeeds {
		sameStringAsMarshal(t, s)
	}
	for c := 0; c < 256; c++ {
		sameStringAsMarshal(t, "a"+string(rune(c))+"b")
		sameStringAsMarshal(t, "a"+string([]byte{byte(c)})+"b")
	}
}

func FuzzAppendJSONString(f *testing.F) {
	for _, s := range jsonStringSeeds {
		f.Add(s)
	}
	f.Fuzz(sameStringAsMarshal)
}

func sameStringAsMarshal(t *testing.T, s string) {
	want, err := json.Marshal(s)
	require.NoError(t, err)
	require.Equal(t, string(want), string(appendJSONString([]byte("x"), s))[1:], "%q", s)
}

// TestUnquoteIsUnmarshal: escapes of every kind, surrogates paired, lone,
// reversed and cut short, decode as json.Unmarshal decodes them.
func TestUnquoteIsUnmarshal(t *testing.T) {
	t.Parallel()
	for _, raw := range unquoteSeeds {
		sameAsUnmarshal(t, raw)
	}
	for _, s := range jsonStringSeeds {
		if q, err := json.Marshal(s); err == nil {
			sameAsUnmarshal(t, string(q[1:len(q)-1]))
		}
	}
}

var unquoteSeeds = []string{
	`plain`, `a\nb`, `\"\\\/\b\f\n\r\t`, `\u00e9\u00E9`, `\ud83d\udc4b`, `\uD83D\uDC4B`,
	`\ud83d`, `\udc4b`, `\udc4b\ud83d`, `\ud83d\u0041`, `\ud83dx`, `\ud83d\`, `\ud83d\u12`,
	`\ud83d\ud83d\udc4b`, `\u`, `\u12`, `\u12g4`, `\x`, `\`, `\u0000`, `é\u2028👋`, `\'`,
}

func FuzzUnquote(f *testing.F) {
	for _, raw := range unquoteSeeds {
		f.Add(raw)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		// What the parser hands unquote: valid UTF-8, no control
		// character, no quote that an escape does not hold.
		if !utf8.ValidString(raw) {
			return
		}
		for i := 0; i < len(raw); i++ {
			switch c := raw[i]; {
			case c < 0x20:
				return
			case c == '\\':
				i++
			case c == '"':
				return
			}
		}
		sameAsUnmarshal(t, raw)
	})
}

func sameAsUnmarshal(t *testing.T, raw string) {
	var want string
	werr := json.Unmarshal([]byte(`"`+raw+`"`), &want)
	got, ok := unquote(raw)
	if werr != nil {
		require.False(t, ok, "json.Unmarshal refuses %q: %v; unquote gave %q", raw, werr, got)
		return
	}
	require.True(t, ok, "json.Unmarshal reads %q", raw)
	require.Equal(t, want, got, "%q", raw)
}
