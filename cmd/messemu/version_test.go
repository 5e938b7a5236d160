package main

import (
	"bytes"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// version reports what the build recorded: the module's version (go
// install …@v1.2.3, or Go's pseudo-version of a checkout), else the
// commit, else "dev".
func TestVersionOf(t *testing.T) {
	t.Parallel()
	vcs := func(rev, at, modified string) []debug.BuildSetting {
		return []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: rev}, {Key: "vcs.time", Value: at}, {Key: "vcs.modified", Value: modified}}
	}
	for _, c := range []struct {
		bi   *debug.BuildInfo
		want string
	}{
		{nil, "dev"},
		{&debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, "dev"},
		{&debug.BuildInfo{Main: debug.Module{Version: "v1.4.0"}}, "v1.4.0"},
		{&debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261206212945-d22a6386c0a2+dirty"}, Settings: vcs("d22a6386c0a2e5cff97dde80c323a417159ab5e2", "2026-12-06T21:29:45Z", "true")},
			"v0.0.0-20261206212945-d22a6386c0a2+dirty"},
		{&debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs("d22a6386c0a2e5cff97dde80c323a417159ab5e2", "2026-12-06T21:29:45Z", "false")},
			"dev (d22a6386c0a2 of 2026-12-06T21:29:45Z)"},
		{&debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs("d22a6386c0a2e5cff97dde80c323a417159ab5e2", "", "true")},
			"dev (d22a6386c0a2, modified)"},
	} {
		assert.Equal(t, c.want, versionOf(c.bi))
	}
}

func TestVersionCommand(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	assert.Equal(t, 0, run([]string{"version"}, nil, &out, &errOut))
	assert.True(t, strings.HasPrefix(out.String(), "messemu "+versionString()+"\n"), out.String())
	out.Reset()
	assert.Equal(t, 2, run([]string{"version", "--json"}, nil, &out, &errOut))
	assert.Empty(t, out.String())
	assert.Contains(t, errOut.String(), `version takes no arguments, got "--json"`)
}
