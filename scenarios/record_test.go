package scenarios

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/messemu/messemu/fakegraph"
)

// botAnswered waits until the bot has sent n messages to psid.
func botAnswered(t *testing.T, emu *fakegraph.Server, psid string, n int) {
	t.Helper()
	require.Eventually(t, func() bool {
		got := 0
		for _, e := range emu.Journal().After(0, 10000) {
			if _, ok := botMessageOf(e); ok && e.PSID == psid {
				got++
			}
		}
		return got >= n
	}, 5*time.Second, 10*time.Millisecond)
}

func TestRecordedSessionReplaysAndCatchesAChangedReply(t *testing.T) {
	t.Parallel()
	live := startEmulator(t)
	page, alice := fakegraph.DefaultPageID, fakegraph.DefaultUsers()[0].PSID
	for i, text := range []string{"hello", "how are you?"} {
		_, err := live.UserSends(page, alice, fakegraph.UserMessageRequest{Text: text})
		require.NoError(t, err)
		botAnswered(t, live, alice, i+1)
	}
	var file bytes.Buffer
	n, err := (&Recorder{Emulator: live.URL(), PSID: alice}).Record(context.Background(), &file)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	rec := file.String()
	assert.Contains(t, rec, `    - says: "hello"`)
	assert.Contains(t, rec, `        text: "You said: how are you?"  # or text_contains: / text_matches: if it varies`)
	assert.NotContains(t, rec, alice, "ids are left out so the file replays for a new user")

	all, err := Parse("recorded.yaml", file.Bytes())
	require.NoError(t, err, rec)
	require.Len(t, all, 1)
	require.Len(t, all[0].Steps, 4, rec)

	same := startEmulator(t)
	rep, err := (&Runner{Emulator: same.URL()}).Run(context.Background(), all)
	require.NoError(t, err)
	require.True(t, rep.OK(), "%s\n%v", rec, rep.Results)

	changed := startEmulatorWith(t, "You wrote: ")
	rep, err = (&Runner{Emulator: changed.URL()}).Run(context.Background(), all)
	require.NoError(t, err)
	require.False(t, rep.OK())
	step := all[0].Steps[1]
	assert.Contains(t, rep.Results[0].Failure, fmt.Sprintf("recorded.yaml:%d:%d: expect: the bot's message is not the one expected", step.Line, step.Column))
	assert.Contains(t, rep.Results[0].Failure, `+ 	Text:         "You wrote: hello",`)
}

func TestRecordSaysWhenThereIsNothingToRecord(t *testing.T) {
	t.Parallel()
	emu := startEmulator(t)
	_, err := (&Recorder{Emulator: emu.URL()}).Record(context.Background(), &bytes.Buffer{})
	require.ErrorContains(t, err, "nothing a user did")
}

// Users with the same name (replay's are all "Scenario User") get
// scenarios of different names, so the recorded file loads.
func TestRecordNamesEachSessionOnce(t *testing.T) {
	t.Parallel()
	live := startEmulator(t)
	page := fakegraph.DefaultPageID
	for range 2 {
		u, err := live.AddUser(fakegraph.User{Name: "Scenario User"})
		require.NoError(t, err)
		_, err = live.UserSends(page, u.PSID, fakegraph.UserMessageRequest{Text: "hi"})
		require.NoError(t, err)
		botAnswered(t, live, u.PSID, 1)
	}
	var file bytes.Buffer
	n, err := (&Recorder{Emulator: live.URL()}).Record(context.Background(), &file)
	require.NoError(t, err)
	require.Equal(t, 2, n)
	all, err := Parse("recorded.yaml", file.Bytes())
	require.NoError(t, err, file.String())
	require.Len(t, all, 2)
	assert.Equal(t, "recorded session of Scenario User", all[0].Name)
	assert.Equal(t, "recorded session of Scenario User (2)", all[1].Name)
}
