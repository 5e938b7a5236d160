package fakegraph

import (
	"slices"
	"strings"
	"testing"
)

// FuzzSplitPath holds splitPath to strings.Split's segments.
func FuzzSplitPath(f *testing.F) {
	for _, s := range []string{"", "/", "v26.0/me/messages", "a//b", "me/", "/x/y/z/1/2/3/4/5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, path string) {
		var buf [6]string
		if got, want := splitPath(buf[:0], path), strings.Split(path, "/"); !slices.Equal(got, want) {
			t.Fatalf("splitPath(%q) = %q, want %q", path, got, want)
		}
	})
}
