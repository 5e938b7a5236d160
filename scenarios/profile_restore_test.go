package scenarios

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/messemu/messemu/fakegraph"
)

// A setup: profile is the scenario's own: the Page's Messenger Profile is
// put back as it was once it ends, keys it added removed.
func TestRunnerPutsTheProfileBackAfterASetupProfile(t *testing.T) {
	t.Parallel()
	emu := startEmulator(t)
	post := func(body string) {
		resp, err := http.Post(emu.URL()+"/v26.0/me/messenger_profile?access_token="+fakegraph.DefaultPageToken, "application/json", strings.NewReader(body))
		require.NoError(t, err)
		defer resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode)
	}
	post(`{"get_started":{"payload":"GET_STARTED"},"persistent_menu":[{"locale":"default","call_to_actions":[{"type":"postback","title":"My order","payload":"MY_ORDER"}]}]}`)
	before, err := emu.ProfileJSON(emu.Pages()[0].ID)
	require.NoError(t, err)
	all, err := Parse("profile.yaml", []byte(`
- name: a holiday menu
  setup:
    profile:
      greeting: [{locale: default, text: Happy holidays}]
      persistent_menu:
        - locale: default
          call_to_actions: [{type: postback, title: Specials, payload: SPECIALS}]
  steps:
    - taps_menu: Specials
    - expect: {text: "postback SPECIALS"}
- name: the regular menu, later
  steps:
    - advances_clock: 1m
    - taps_menu: My order
    - expect: {text: "postback MY_ORDER"}
`))
	require.NoError(t, err)
	rep, err := (&Runner{Emulator: emu.URL(), Wait: 5 * time.Second}).Run(context.Background(), all)
	require.NoError(t, err)
	res := byName(rep)
	assert.True(t, res["a holiday menu"].Passed(), res["a holiday menu"].Failure)
	assert.True(t, res["the regular menu, later"].Passed(), res["the regular menu, later"].Failure)
	assert.Empty(t, rep.Stray)
	after, err := emu.ProfileJSON(emu.Pages()[0].ID)
	require.NoError(t, err)
	assert.Equal(t, keysOf(before.Fields), keysOf(after.Fields), "the greeting the setup added is gone")
	for k, v := range before.Fields {
		assert.JSONEq(t, string(v), string(after.Fields[k]), k)
	}
}

func keysOf(m map[string]json.RawMessage) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// The runner's own User Profile read for expect_user: is never one of the
// bot's requests: refused (a scenario built past the loader, which
// refuses the unknown name), it fails the step, and the run lists no
// stray request for it. (Without the mark the refusal was a stray only
// when the feed read it after the scenario's user was gone: some runs.)
func TestExpectUserProfileReadIsTheRunnersOwn(t *testing.T) {
	t.Parallel()
	emu := startEmulator(t)
	all, err := Parse("own.yaml", []byte("name: own\nsteps:\n  - says: hi\n  - expect: {text: \"You said: hi\"}\n  - expect_user: {profile: {first_name: x}}\n"))
	require.NoError(t, err)
	all[0].Steps[2].ExpectUser.Profile = map[string]any{"favourite_colour": "blue"}
	rep, err := (&Runner{Emulator: emu.URL()}).Run(context.Background(), all)
	require.NoError(t, err)
	require.Len(t, rep.Results, 1)
	assert.NotEmpty(t, rep.Results[0].Failure)
	assert.Empty(t, rep.Stray, "the runner's own read is not the bot's")
}
