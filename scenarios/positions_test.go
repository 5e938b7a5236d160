package scenarios

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A user: referral the emulator refuses as the scenario starts is told
// at its referral: key, not at the scenario's name. (The loader refuses
// the refs it knows the platform refuses; this one is changed after
// loading, as a Go caller of Runner could.)
func TestRunnerPointsAtARefusedUserReferral(t *testing.T) {
	t.Parallel()
	emu := startEmulator(t)
	all, err := Parse("ref.yaml", []byte("name: from a link\nuser:\n  referral: {ref: summer}\nsteps:\n  - says: hi\n"))
	require.NoError(t, err)
	all[0].User.Referral.Ref = "not a ref!"
	rep, err := (&Runner{Emulator: emu.URL()}).Run(context.Background(), all)
	require.NoError(t, err)
	require.Len(t, rep.Results, 1)
	f := rep.Results[0].Failure
	assert.True(t, strings.HasPrefix(f, "ref.yaml:3:3: user: referral: "), f)
}
