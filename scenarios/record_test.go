package scenarios

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
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
	assert.Contains(t, rep.Results[0].Failure, `+ text: "You wrote: hello"`)
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
	all, _ := recordAndLoad(t, live, "", 2)
	assert.Equal(t, "recorded session of Scenario User", all[0].Name)
	assert.Equal(t, "recorded session of Scenario User (2)", all[1].Name)
}

// A clock move is part of the sessions it falls inside of, not of one
// whose user has stopped writing: Bob's session, over before the move,
// carries none; Alice's, which goes on after it, carries it once.
func TestRecordGivesAClockMoveToTheSessionsItFallsIn(t *testing.T) {
	t.Parallel()
	live := startEmulator(t)
	page := fakegraph.DefaultPageID
	alice, bob := fakegraph.DefaultUsers()[0].PSID, fakegraph.DefaultUsers()[1].PSID
	say := func(psid, text string, n int) {
		t.Helper()
		_, err := live.UserSends(page, psid, fakegraph.UserMessageRequest{Text: text})
		require.NoError(t, err)
		botAnswered(t, live, psid, n)
	}
	say(bob, "hi from bob", 1)
	say(alice, "hello", 1)
	_, err := live.AdvanceClock(3 * time.Hour)
	require.NoError(t, err)
	say(alice, "still there?", 2)
	_, err = live.AdvanceClock(30 * time.Hour) // after everyone's last word
	require.NoError(t, err)

	all, file := recordAndLoad(t, live, "", 2)
	moves := func(sc *Scenario) []time.Duration {
		var ds []time.Duration
		for _, st := range sc.Steps {
			if st.AdvancesClock != nil {
				ds = append(ds, st.AdvancesClock.Duration)
			}
		}
		return ds
	}
	assert.Empty(t, moves(all[0]), "bob's session:\n%s", file)
	assert.Equal(t, []time.Duration{3 * time.Hour}, moves(all[1]), "alice's session:\n%s", file)
}

// What the user sent comes back as steps replay takes: a sticker as one
// sticker step (before 2026-08-30 the platform also sends it as an image),
// a shared reel as a comment, an image by its url; the file loads.
func TestRecordWritesAttachmentsReplayTakes(t *testing.T) {
	t.Parallel()
	live := startEmulatorWith(t, "You said: ", fakegraph.WithClock(fakegraph.NewClock(time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC))))
	page, alice := fakegraph.DefaultPageID, fakegraph.DefaultUsers()[0].PSID
	for _, a := range []fakegraph.UserAttachment{
		{Type: "sticker", StickerID: 369239263222822},
		{Type: "reel", URL: "https://www.facebook.com/reel/1"},
		{Type: "image", URL: "https://example.com/cat.png"},
	} {
		_, err := live.UserSends(page, alice, fakegraph.UserMessageRequest{Attachments: []fakegraph.UserAttachment{a}})
		require.NoError(t, err)
	}
	_, rec := recordAndLoad(t, live, alice, 1)
	assert.Equal(t, 1, strings.Count(rec, "- sends: {type: sticker, sticker_id: 369239263222822}"), rec)
	assert.NotContains(t, rec, `url: ""`)
	assert.Contains(t, rec, "# the user shared a reel: not a step replay takes")
	assert.Contains(t, rec, `- sends: {type: image, url: "https://example.com/cat.png"}`)
}

// recordAndLoad records live's sessions (psid's, or every user's), checks
// that n were written and that the file loads, and answers both.
func recordAndLoad(t *testing.T, live *fakegraph.Server, psid string, n int) ([]*Scenario, string) {
	t.Helper()
	var file bytes.Buffer
	got, err := (&Recorder{Emulator: live.URL(), PSID: psid}).Record(context.Background(), &file)
	require.NoError(t, err)
	require.Equal(t, n, got)
	all, err := Parse("recorded.yaml", file.Bytes())
	require.NoError(t, err, file.String())
	require.Len(t, all, n)
	return all, file.String()
}

// A template's elements keep their subtitles; an attachment sent by its
// id is expected by its type.
func TestRecordExpectsSubtitlesAndAttachmentsByID(t *testing.T) {
	t.Parallel()
	var m botMessage
	require.NoError(t, json.Unmarshal([]byte(`{"type":"template","payload":{"template_type":"generic","elements":[{"title":"Shirt","subtitle":"100% cotton"}]}}`), &m.Attachment))
	lines := strings.Join(expectLines(m), "\n")
	assert.Contains(t, lines, `- {title: "Shirt", subtitle: "100% cotton"}`)
	m.Attachment = &sentAttachment{Type: "image"}
	assert.Contains(t, strings.Join(expectLines(m), "\n"), "attachment: {type: image}")
}

// A tapped button is recorded by its payload, which names it where a
// carousel repeats a title, and the recording replays the same tap.
func TestRecordTapsAButtonByPayload(t *testing.T) {
	t.Parallel()
	live := startEmulator(t)
	page, alice := fakegraph.DefaultPageID, fakegraph.DefaultUsers()[0].PSID
	_, err := live.UserSends(page, alice, fakegraph.UserMessageRequest{Text: "mugs"})
	require.NoError(t, err)
	botAnswered(t, live, alice, 1)
	var carousel string
	for _, e := range live.Journal().Find(0, func(e *fakegraph.Event) bool { return e.Kind == fakegraph.KindRequest && e.Accepted && e.API == "send" }) {
		carousel = e.MID
	}
	_, err = live.UserTapsButtonOf(page, alice, fakegraph.ButtonTap{Title: "Buy", MID: carousel, Payload: "BUY_BLUE"})
	require.NoError(t, err)
	botAnswered(t, live, alice, 2)

	var file bytes.Buffer
	_, err = (&Recorder{Emulator: live.URL(), PSID: alice}).Record(context.Background(), &file)
	require.NoError(t, err)
	rec := file.String()
	assert.Contains(t, rec, `- taps_button: {payload: "BUY_BLUE"}  # Buy`)
	all, err := Parse("recorded.yaml", file.Bytes())
	require.NoError(t, err, rec)
	rep, err := (&Runner{Emulator: startEmulator(t).URL()}).Run(context.Background(), all)
	require.NoError(t, err)
	require.True(t, rep.OK(), "%s\n%v", rec, rep.Results)
}

// A checkbox opt-in is recorded as one, and replays as one: the bot gets
// a user_ref of the run's own, not the recorded session's.
func TestRecordAndReplayACheckboxOptIn(t *testing.T) {
	t.Parallel()
	live := startEmulator(t)
	page, alice := fakegraph.DefaultPageID, fakegraph.DefaultUsers()[0].PSID
	recorded, err := live.UserOptsIn(page, alice, fakegraph.OptIn{Type: fakegraph.OptInCheckbox, Ref: "cart-7"})
	require.NoError(t, err)
	var file bytes.Buffer
	_, err = (&Recorder{Emulator: live.URL(), PSID: alice}).Record(context.Background(), &file)
	require.NoError(t, err)
	assert.Contains(t, file.String(), `- opts_in: {ref: "cart-7", checkbox: true}`)

	all, err := Parse("recorded.yaml", file.Bytes())
	require.NoError(t, err, file.String())
	emu := startEmulator(t)
	rep, err := (&Runner{Emulator: emu.URL()}).Run(context.Background(), all)
	require.NoError(t, err)
	require.True(t, rep.OK(), "%v", rep.Results)
	optins := emu.Journal().Find(0, func(e *fakegraph.Event) bool {
		return e.Kind == fakegraph.KindUserAction && e.API == fakegraph.FieldOptins
	})
	require.Len(t, optins, 1)
	d, ok := optins[0].UserAction()
	require.True(t, ok)
	var ev fakegraph.MessagingEvent
	require.NoError(t, json.Unmarshal(d.Event, &ev))
	require.NotNil(t, ev.Optin)
	assert.Equal(t, "cart-7", ev.Optin.Ref)
	assert.NotEmpty(t, ev.Optin.UserRef, "the replayed opt-in is the checkbox's")
	assert.NotEqual(t, recorded.UserRef, ev.Optin.UserRef, "a user_ref of the run's own")
}

// The users replay makes are left out of a recording, unless --psid
// names one.
func TestRecordLeavesReplaysUsersOut(t *testing.T) {
	t.Parallel()
	emu := startEmulator(t)
	all, err := Parse("one.yaml", []byte("name: one\nsteps: [{says: hi}, {expect: {text: \"You said: hi\"}}]\n"))
	require.NoError(t, err)
	rep, err := (&Runner{Emulator: emu.URL()}).Run(context.Background(), all)
	require.NoError(t, err)
	require.True(t, rep.OK(), "%v", rep.Results)
	_, err = (&Recorder{Emulator: emu.URL()}).Record(context.Background(), &bytes.Buffer{})
	require.ErrorContains(t, err, "only sessions messemu replay played")

	users, err := emu.Users(fakegraph.DefaultPageID)
	require.NoError(t, err)
	var made string
	for _, u := range users {
		if u.Scenario == "one" {
			made = u.PSID
		}
	}
	require.NotEmpty(t, made, "the user replay made says its scenario")
	var file bytes.Buffer
	n, err := (&Recorder{Emulator: emu.URL(), PSID: made}).Record(context.Background(), &file)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	assert.Contains(t, file.String(), `says: "hi"`)
}

// A serve that has let its oldest events go (its retention) is recorded
// from what it keeps, not refused for what it forgot; nothing listening
// is said as such.
func TestRecordAfterTheRetentionTrimmed(t *testing.T) {
	t.Parallel()
	emu := startEmulatorWith(t, "You said: ", fakegraph.WithJournalLimit(40))
	page, alice := fakegraph.DefaultPageID, fakegraph.DefaultUsers()[0].PSID
	for i := range 30 {
		_, err := emu.UserSends(page, alice, fakegraph.UserMessageRequest{Text: fmt.Sprint("m", i)})
		require.NoError(t, err)
		want := fmt.Sprintf("You said: m%d", i)
		require.Eventually(t, func() bool { // the journal is trimmed: look for this answer
			for _, e := range emu.Journal().After(emu.Journal().First()-1, 100) {
				if m, ok := botMessageOf(e); ok && m.Text == want {
					return true
				}
			}
			return false
		}, 5*time.Second, 10*time.Millisecond)
	}
	require.Greater(t, emu.Journal().First(), uint64(1), "the journal let events go")
	var file bytes.Buffer
	_, err := (&Recorder{Emulator: emu.URL(), PSID: alice}).Record(context.Background(), &file)
	require.NoError(t, err)
	assert.Contains(t, file.String(), `says: "m29"`)
	assert.NotContains(t, file.String(), `says: "m0"`, "what was let go is not there")

	_, err = (&Recorder{Emulator: "http://127.0.0.1:1"}).Record(context.Background(), &bytes.Buffer{})
	require.ErrorContains(t, err, "is messemu serve running there?")
}

// A reset takes the users and their threads away: record writes the
// sessions after it, not a user it can no longer read.
func TestRecordAfterAReset(t *testing.T) {
	t.Parallel()
	emu := startEmulator(t)
	page := fakegraph.DefaultPageID
	gone, err := emu.AddUser(fakegraph.User{Name: "Gone Soon"})
	require.NoError(t, err)
	_, err = emu.UserSends(page, gone.PSID, fakegraph.UserMessageRequest{Text: "before"})
	require.NoError(t, err)
	botAnswered(t, emu, gone.PSID, 1)
	emu.Reset()
	alice := fakegraph.DefaultUsers()[0].PSID
	_, err = emu.UserSends(page, alice, fakegraph.UserMessageRequest{Text: "after"})
	require.NoError(t, err)
	botAnswered(t, emu, alice, 1)

	var file bytes.Buffer
	n, err := (&Recorder{Emulator: emu.URL()}).Record(context.Background(), &file)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	assert.Contains(t, file.String(), `says: "after"`)
	assert.NotContains(t, file.String(), "before")
}

// A user whose session came before the last reset is not recorded, and
// record says why rather than that they did nothing.
func TestRecordSaysWhenAResetHidSessions(t *testing.T) {
	t.Parallel()
	emu := startEmulator(t)
	bob := fakegraph.DefaultUsers()[1].PSID
	_, err := emu.UserSends(fakegraph.DefaultPageID, bob, fakegraph.UserMessageRequest{Text: "before"})
	require.NoError(t, err)
	botAnswered(t, emu, bob, 1)
	emu.Reset()
	for _, psid := range []string{bob, ""} {
		_, err = (&Recorder{Emulator: emu.URL(), PSID: psid}).Record(context.Background(), &bytes.Buffer{})
		require.ErrorContains(t, err, "since the last reset (journal seq", "--psid %q", psid)
	}
}
