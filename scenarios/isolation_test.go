package scenarios

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/messemu/messemu/fakegraph"
)

// Each scenario of a run starts from the same emulator as the one before
// it left it only where the platform would: a webhook failing for one
// scenario, the Messenger Profile one scenario set, and the clock one
// scenario moved are not carried into the next.

// byName indexes a report's results.
func byName(rep *Report) map[string]Result {
	out := map[string]Result{}
	for _, r := range rep.Results {
		out[r.Scenario.Name] = r
	}
	return out
}

// A scenario whose bot acknowledges its webhook too late leaves retries
// behind and the webhook failing; the next scenario's clock jump must not
// turn that into "Webhooks Disabled" for it, nor deliver those retries.
func TestRunnerDoesNotCarryAFailingWebhookIntoTheNextScenario(t *testing.T) {
	t.Parallel()
	emu := slowWebhookEmulator(t)
	all, err := Parse("isolation.yaml", []byte(`
- name: a bot too slow for its webhook
  steps:
    - says: too slow
    - expect: {text: "You said: too slow"}
- name: a day later
  steps:
    - advances_clock: 2h
    - says: one
    - expect: {text: "You said: one", within: 3s}
`))
	require.NoError(t, err)
	var secondStarts uint64
	r := &Runner{Emulator: emu.URL(), Parallel: 1, OnStart: func(s *Scenario) {
		if s.Name == "a day later" {
			secondStarts = emu.Journal().Last()
		}
	}}
	rep, err := r.Run(context.Background(), all)
	require.NoError(t, err)
	res := byName(rep)
	assert.True(t, res["a bot too slow for its webhook"].Passed(), res["a bot too slow for its webhook"].Failure)
	assert.True(t, res["a day later"].Passed(), res["a day later"].Failure)
	assert.False(t, emu.Webhook().Disabled, "the webhook was disabled")
	alerts := emu.Journal().Find(secondStarts, func(e *fakegraph.Event) bool { return e.Kind == fakegraph.KindAlert })
	assert.Empty(t, alerts, "alerts after the first scenario ended")
	// No retry of the first scenario's webhook reached the bot once the
	// second began.
	retried := emu.Journal().Find(secondStarts, func(e *fakegraph.Event) bool {
		a, ok := e.Attempt()
		return ok && !a.Dropped && e.PSID != "" && strings.Contains(string(e.Request), "too slow")
	})
	assert.Empty(t, retried, "the first scenario's webhook was retried during the second")
}

// With LeaveWebhook (replay --emulator against a serve's own webhook,
// whose verify token the runner does not know), the runner does not
// remove and set the webhook again between scenarios: it stays the
// user's, with its URL.
func TestRunnerLeavesTheEmulatorsOwnWebhook(t *testing.T) {
	t.Parallel()
	emu := slowWebhookEmulator(t)
	hook := emu.Webhook()
	all, err := Parse("leave.yaml", []byte(`
- name: a bot too slow for its webhook
  steps:
    - says: too slow
    - expect: {text: "You said: too slow"}
- name: then another
  steps:
    - advances_clock: 1m
    - says: one
    - expect: {text: "You said: one", within: 3s}
`))
	require.NoError(t, err)
	before := emu.Journal().Last()
	rep, err := (&Runner{Emulator: emu.URL(), Parallel: 1, LeaveWebhook: true}).Run(context.Background(), all)
	require.NoError(t, err)
	require.Len(t, rep.Results, 2)
	handshakes := emu.Journal().Find(before, func(e *fakegraph.Event) bool { return e.API == fakegraph.APIWebhookVerify })
	assert.Empty(t, handshakes, "the runner set the emulator's own webhook again")
	assert.Equal(t, hook.URL, emu.Webhook().URL)
}

// slowWebhookEmulator is an emulator whose bot answers "too slow" after
// the webhook's timeout (300 ms), without receipts: no echo delivered
// after the slow answer ends the failure streak.
func slowWebhookEmulator(t *testing.T) *fakegraph.Server {
	t.Helper()
	emu := startEmulator(t)
	noReceipts := false
	require.NoError(t, emu.SetWebhook(fakegraph.WebhookConfig{URL: emu.Webhook().URL, Timeout: 300 * time.Millisecond, Receipts: &noReceipts}))
	require.Eventually(t, func() bool { return emu.Webhook().Verified }, 5*time.Second, 10*time.Millisecond)
	return emu
}
