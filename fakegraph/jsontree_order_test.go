package fakegraph

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// sameAsMarshal checks appendJSONTree against json.Marshal on v.
func sameAsMarshal(t *testing.T, v any) {
	t.Helper()
	want, werr := json.Marshal(v)
	got, gerr := appendJSONTree(nil, v)
	if werr != nil {
		require.Error(t, gerr, "json.Marshal refuses %#v", v)
		return
	}
	require.NoError(t, gerr)
	require.Equal(t, string(want), string(got))
}

// TestAppendJSONTreeOrdersMembers: objects of every size up to past the
// insertion sort's, with keys that share prefixes and first bytes.
func TestAppendJSONTreeOrdersMembers(t *testing.T) {
	t.Parallel()
	keys := []string{"type", "title", "url", "", "t", "ti", "tit", "a", "ab", "é", "Ä", "~", "Z", "_", "payload", "pay", "b", "type2", "webview_height_ratio", "web"}
	for n := 0; n <= len(keys); n++ {
		obj := map[string]any{}
		for i, k := range keys[:n] {
			obj[k] = strconv.Itoa(i)
		}
		sameAsMarshal(t, obj)
		sameAsMarshal(t, []any{obj, map[string]any{"nested": obj}})
	}
}

// TestAppendJSONTreeEscapesAsMarshal: every byte that json.Marshal writes
// escaped, alone and amid plain text, in values and in keys.
func TestAppendJSONTreeEscapesAsMarshal(t *testing.T) {
	t.Parallel()
	for c := 0; c < 0x80; c++ {
		for _, s := range []string{string(rune(c)), "ab" + string(rune(c)), string(rune(c)) + "cd", "x" + string(rune(c)) + "y"} {
			sameAsMarshal(t, map[string]any{s: s})
		}
	}
	for _, s := range []string{"é", "👋", "\u2028", "\u2029", "\ufeff", "\xff", "a\xc3", strings.Repeat("plain ", 20) + "<"} {
		sameAsMarshal(t, map[string]any{s: []any{s}})
	}
}

func FuzzAppendJSONTree(f *testing.F) {
	for _, s := range decodeSeeds {
		f.Add(s)
	}
	f.Add(generic10())
	f.Fuzz(func(t *testing.T, body string) {
		if v, ok := decodeObject([]byte(body)); ok {
			sameAsMarshal(t, v)
		}
	})
}
