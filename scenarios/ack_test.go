package scenarios

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/messemu/messemu/fakegraph"
)

// A webhook the bot does not acknowledge within the platform's timeout
// (it answers, then returns its 200 too late) is a warning in its
// scenario's output; with Strict it fails the scenario, naming what the
// user did. Here the first attempt times out after the scenario's last
// step: the scenario waits for it.
func TestRunnerJudgesAWebhookAcknowledgedTooLate(t *testing.T) {
	t.Parallel()
	emu := startEmulator(t)
	noReceipts := false
	require.NoError(t, emu.SetWebhook(fakegraph.WebhookConfig{URL: emu.Webhook().URL, Timeout: 500 * time.Millisecond, Receipts: &noReceipts}))
	require.Eventually(t, func() bool { return emu.Webhook().Verified }, 5*time.Second, 10*time.Millisecond)
	all, err := Parse("late.yaml", []byte("name: late\nsteps:\n  - says: too slow\n  - expect: {text: \"You said: too slow\"}\n"))
	require.NoError(t, err)

	var out bytes.Buffer
	con := &Console{W: &out, Total: 1}
	rep, err := (&Runner{Emulator: emu.URL(), Wait: 5 * time.Second, OnResult: con.Result}).Run(context.Background(), all)
	require.NoError(t, err)
	require.Len(t, rep.Results, 1)
	assert.True(t, rep.Results[0].Passed(), rep.Results[0].Failure)
	assert.Contains(t, out.String(), "ok   late\n    warning: late.yaml:4:5: the bot did not acknowledge the messages webhook of \"too slow\" in time: no answer within 500ms (attempt 1)")
	var junit bytes.Buffer
	require.NoError(t, WriteJUnit(&junit, rep))
	assert.Contains(t, junit.String(), "<system-out>warning: late.yaml:4:5: the bot did not acknowledge")

	rep, err = (&Runner{Emulator: emu.URL(), Wait: 5 * time.Second, Strict: true}).Run(context.Background(), all)
	require.NoError(t, err)
	require.Len(t, rep.Results, 1)
	f := rep.Results[0].Failure
	assert.Contains(t, f, "late.yaml:4:5: the bot did not acknowledge the messages webhook of \"too slow\" in time: no answer within 500ms (attempt 1)")
	assert.Contains(t, f, "(--strict fails on this)")
}
