package main

import (
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The on/off and number variables read as people write them, and a value
// that does not parse stops serve rather than being taken as off, unless
// the flag it stands for is given.
func TestServeVariablesParseOrStop(t *testing.T) {
	for _, yes := range []string{"1", "true", "YES", "on", " y "} {
		t.Setenv("MESSEMU_REQUIRE_PROOF", yes)
		cfg, err := parseServe(nil, io.Discard)
		require.NoError(t, err, yes)
		assert.True(t, cfg.requireProof, "MESSEMU_REQUIRE_PROOF=%q", yes)
	}
	for _, no := range []string{"", "0", "False", "off", "no"} {
		t.Setenv("MESSEMU_REQUIRE_PROOF", no)
		cfg, err := parseServe(nil, io.Discard)
		require.NoError(t, err, no)
		assert.False(t, cfg.requireProof, "MESSEMU_REQUIRE_PROOF=%q", no)
	}
	t.Setenv("MESSEMU_REQUIRE_PROOF", "")
	t.Setenv("MESSEMU_RATE_LIMITS", "maybe")
	_, err := parseServe(nil, io.Discard)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `MESSEMU_RATE_LIMITS="maybe"`)
	cfg, err := parseServe([]string{"--rate-limits"}, io.Discard)
	require.NoError(t, err, "the flag given wins over its variable")
	assert.True(t, cfg.rateLimits)
	t.Setenv("MESSEMU_RATE_LIMITS", "")
	t.Setenv("MESSEMU_JOURNAL_LIMIT", "abc")
	_, err = parseServe(nil, io.Discard)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "MESSEMU_JOURNAL_LIMIT")
}
