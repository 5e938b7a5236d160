package scenarios

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/messemu/messemu/fakegraph"
)

// What record writes, the loader takes: a one-time notification request
// is expected as its template, which a hand-written file may name too.
func TestRecordedOneTimeNotificationRequestLoads(t *testing.T) {
	t.Parallel()
	var m botMessage
	require.NoError(t, json.Unmarshal([]byte(`{"type":"template","payload":{"template_type":"one_time_notif_req","title":"Back in stock?","payload":"RESTOCK"}}`), &m.Attachment))
	lines := expectLines(m)
	src := "name: otn\nsteps:\n  - says: notify me\n"
	for _, l := range lines {
		src += "  " + l + "\n"
	}
	all, err := Parse("otn.yaml", []byte(src))
	require.NoError(t, err, src)
	require.NotNil(t, all[0].Steps[1].Expect.Template)
	assert.Equal(t, "one_time_notif_req", *all[0].Steps[1].Expect.Template)
}

// A session on a virtual clock away from the wall clock (serve --clock,
// or the clock moved before it) is recorded with its setup: clock, so
// that it replays under the rules of its date, not of the day it is
// replayed; one at the wall clock is not.
func TestRecordWritesTheSessionsClock(t *testing.T) {
	t.Parallel()
	live := startEmulatorWith(t, "You said: ", fakegraph.WithClock(fakegraph.NewClock(time.Date(2026, 3, 31, 12, 0, 0, 0, time.UTC))))
	page, alice := fakegraph.DefaultPageID, fakegraph.DefaultUsers()[0].PSID
	_, err := live.UserSends(page, alice, fakegraph.UserMessageRequest{Text: "hello"})
	require.NoError(t, err)
	botAnswered(t, live, alice, 1)
	_, err = live.AdvanceClock(25 * time.Hour)
	require.NoError(t, err)
	_, err = live.UserSends(page, alice, fakegraph.UserMessageRequest{Text: "again"})
	require.NoError(t, err)
	botAnswered(t, live, alice, 2)
	all, rec := recordAndLoad(t, live, alice, 1)
	at, ok := all[0].StartsAt()
	require.True(t, ok, rec)
	assert.Equal(t, "2026-03-31", at.Format(time.DateOnly), rec)
	assert.Contains(t, rec, "- advances_clock: 25h0m0s")

	now := startEmulator(t)
	_, err = now.UserSends(page, alice, fakegraph.UserMessageRequest{Text: "hello"})
	require.NoError(t, err)
	botAnswered(t, now, alice, 1)
	_, err = now.AdvanceClock(2 * time.Hour) // after the session began: it ran at the wall clock
	require.NoError(t, err)
	all, rec = recordAndLoad(t, now, alice, 1)
	_, ok = all[0].StartsAt()
	assert.False(t, ok, rec)
}

// Two sessions side by side on a virtual clock cannot each replay at its
// own date (the first's advances_clock passes the second's): neither gets
// one, the file says why, and CheckClocks takes it.
func TestRecordOverlappingSessionsOnAVirtualClock(t *testing.T) {
	t.Parallel()
	live := startEmulatorWith(t, "You said: ", fakegraph.WithClock(fakegraph.NewClock(time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC))))
	page := fakegraph.DefaultPageID
	alice, bob := fakegraph.DefaultUsers()[0].PSID, fakegraph.DefaultUsers()[1].PSID
	for i, text := range []string{"hi", "again"} {
		for _, psid := range []string{alice, bob} {
			_, err := live.UserSends(page, psid, fakegraph.UserMessageRequest{Text: text})
			require.NoError(t, err)
			botAnswered(t, live, psid, i+1)
		}
		if i == 0 {
			_, err := live.AdvanceClock(25 * time.Hour)
			require.NoError(t, err)
		}
	}
	all, rec := recordAndLoad(t, live, "", 2)
	assert.Contains(t, rec, "overlapped on the emulator's virtual clock")
	for _, sc := range all {
		_, dated := sc.StartsAt()
		assert.False(t, dated, rec)
	}
	assert.NoError(t, CheckClocks(all, time.Now()), rec)
}

// Handover is recorded: the Page Inbox passing the thread back as a
// handover: step, the bot's own pass as the thread's owner expected; the
// recording replays.
func TestRecordWritesHandover(t *testing.T) {
	t.Parallel()
	live := startEmulator(t)
	page, alice := fakegraph.DefaultPageID, fakegraph.DefaultUsers()[0].PSID
	_, err := live.UserSends(page, alice, fakegraph.UserMessageRequest{Text: "human"})
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		st, err := live.ThreadControl(page, alice)
		return err == nil && st.Owner == fakegraph.PageInboxAppID
	}, 5*time.Second, 10*time.Millisecond, "the bot passes the thread to the Page Inbox")
	require.NoError(t, live.ActAsApp(page, fakegraph.HandoverActRequest{Action: "pass_thread_control", PSID: alice, Metadata: "back to you"}))
	_, err = live.UserSends(page, alice, fakegraph.UserMessageRequest{Text: "hi again"})
	require.NoError(t, err)
	botAnswered(t, live, alice, 2)

	all, rec := recordAndLoad(t, live, alice, 1)
	assert.Contains(t, rec, `- expect_user: {thread_owner: "263902037430900"}  # the bot passed the thread`)
	assert.Contains(t, rec, `- handover: {action: pass_thread_control, metadata: "back to you"}`)
	assert.Less(t, strings.Index(rec, "expect_user"), strings.Index(rec, "- handover:"), rec)
	rep, err := (&Runner{Emulator: startEmulator(t).URL(), Wait: 5 * time.Second}).Run(context.Background(), all)
	require.NoError(t, err)
	require.True(t, rep.OK(), "%s\n%v", rec, rep.Results)
}

// A user action whose webhook never reached the bot is recorded with a
// comment that says so.
func TestRecordNotesWhatTheBotNeverGot(t *testing.T) {
	t.Parallel()
	live := startEmulator(t)
	page, alice := fakegraph.DefaultPageID, fakegraph.DefaultUsers()[0].PSID
	_, err := live.UserSends(page, alice, fakegraph.UserMessageRequest{Text: "crash"})
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		return len(live.Journal().Find(0, func(e *fakegraph.Event) bool {
			a, ok := e.Attempt()
			return ok && a.NextRetry != nil
		})) > 0
	}, 5*time.Second, 10*time.Millisecond)
	_, rec := recordAndLoad(t, live, alice, 1)
	assert.Contains(t, rec, "    - says: \"crash\"\n    # its webhook was never delivered: the bot answered HTTP 500 (it answered \"boom")
}
