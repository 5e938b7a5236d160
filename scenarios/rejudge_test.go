package scenarios

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/messemu/messemu/fakegraph"
)

// taggedJournal records, before the 2026-04-27 cutoff, a user writing and
// the bot answering once normally and once with the ACCOUNT_UPDATE tag,
// both accepted; it returns the journal as JSON lines.
func taggedJournal(t *testing.T) []byte {
	t.Helper()
	emu, alice := aliceWrote(t)
	for _, body := range []string{
		`{"recipient":{"id":"` + alice + `"},"messaging_type":"RESPONSE","message":{"text":"hello"}}`,
		`{"recipient":{"id":"` + alice + `"},"messaging_type":"MESSAGE_TAG","tag":"ACCOUNT_UPDATE","message":{"text":"your account changed"}}`,
	} {
		resp, err := http.Post(emu.URL()+"/v26.0/me/messages?access_token="+fakegraph.DefaultPageToken, "application/json", strings.NewReader(body))
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.NoError(t, resp.Body.Close())
	}
	return journalLines(t, emu)
}

// aliceWrote starts an emulator on a frozen clock before the 2026-04-27
// cutoff, in which Alice has written to the Page (her window open).
func aliceWrote(t *testing.T) (*fakegraph.Server, string) {
	t.Helper()
	emu := fakegraph.New(fakegraph.WithClock(fakegraph.NewFrozenClock(time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC))))
	require.NoError(t, emu.Start("127.0.0.1:0"))
	t.Cleanup(func() { _ = emu.Close() })
	alice := fakegraph.DefaultUsers()[0].PSID
	_, err := emu.UserSends(fakegraph.DefaultPageID, alice, fakegraph.UserMessageRequest{Text: "hi"})
	require.NoError(t, err)
	return emu, alice
}

// journalLines is emu's journal as JSON lines, as an export writes it.
func journalLines(t *testing.T, emu *fakegraph.Server) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for _, e := range emu.Journal().After(0, 1000) {
		require.NoError(t, enc.Encode(e))
	}
	return buf.Bytes()
}

func TestRejudgeFailsATagOnlyAfterItsRetirement(t *testing.T) {
	t.Parallel()
	events, err := ReadJournal(bytes.NewReader(taggedJournal(t)))
	require.NoError(t, err)

	before := Rejudge(events, time.Date(2026, 4, 20, 0, 0, 0, 0, time.UTC))
	require.Len(t, before.Checked, 2)
	for _, v := range before.Checked {
		assert.False(t, v.Refused(), "%s: %v", v.Event.Request, v.Violations)
	}
	var out bytes.Buffer
	assert.True(t, WriteRejudged(&out, before, time.Date(2026, 4, 20, 0, 0, 0, 0, time.UTC), false))
	assert.Contains(t, out.String(), "PASS: 2 Send API requests judged at 2026-04-20T00:00:00Z, 0 would fail")

	after := Rejudge(events, time.Date(2026, 4, 28, 0, 0, 0, 0, time.UTC))
	require.Len(t, after.Checked, 2)
	assert.False(t, after.Checked[0].Refused(), "the plain answer keeps its open window: %v", after.Checked[0].Violations)
	assert.True(t, after.Checked[1].Refused(), "ACCOUNT_UPDATE is retired on 2026-04-27")
	out.Reset()
	assert.False(t, WriteRejudged(&out, after, time.Date(2026, 4, 28, 0, 0, 0, 0, time.UTC), false))
	text := out.String()
	assert.Contains(t, text, "accepted then): POST /v26.0/me/messages")
	assert.Contains(t, text, `got "ACCOUNT_UPDATE"`)
	assert.Contains(t, text, "FAIL: 2 Send API requests judged at 2026-04-28T00:00:00Z, 1 would fail")

	one := after
	one.Checked = one.Checked[:1]
	out.Reset()
	WriteRejudged(&out, one, time.Date(2026, 4, 28, 0, 0, 0, 0, time.UTC), false)
	assert.Contains(t, out.String(), "PASS: 1 Send API request judged at", "one request, in the singular")
}

func TestReadJournalTakesControlAPIPagesAndRefusesGarbage(t *testing.T) {
	t.Parallel()
	lines := taggedJournal(t)
	var events []json.RawMessage
	for _, l := range bytes.Split(bytes.TrimSpace(lines), []byte("\n")) {
		events = append(events, l)
	}
	page, err := json.Marshal(map[string]any{"events": events, "last_seq": len(events)})
	require.NoError(t, err)
	fromPage, err := ReadJournal(bytes.NewReader(page))
	require.NoError(t, err)
	fromLines, err := ReadJournal(bytes.NewReader(lines))
	require.NoError(t, err)
	assert.Equal(t, len(fromLines), len(fromPage))

	_, err = ReadJournal(strings.NewReader(`{"seq":1}`))
	require.ErrorContains(t, err, "journal value 1 is not an event")
	_, err = ReadJournal(strings.NewReader(`{"seq":`))
	require.Error(t, err)
}

// A send the emulator accepted into an idle thread whose primary receiver
// is another app (journalled as standby, with no owner) is no send into a
// thread another app controls when judged again.
func TestRejudgeKeepsAnIdleThreadIdle(t *testing.T) {
	t.Parallel()
	emu := fakegraph.New()
	require.NoError(t, emu.SetAppRoles(fakegraph.DefaultPageID, fakegraph.AppRolesRequest{AppRoles: map[string][]string{fakegraph.PageInboxAppID: {fakegraph.RolePrimary}}}))
	alice := fakegraph.DefaultUsers()[0].PSID
	_, err := emu.UserSends(fakegraph.DefaultPageID, alice, fakegraph.UserMessageRequest{Text: "hi"})
	require.NoError(t, err)
	rec := httptest.NewRecorder()
	emu.Handler().ServeHTTP(rec, httptest.NewRequest("POST", "/v26.0/me/messages?access_token="+fakegraph.DefaultPageToken,
		strings.NewReader(`{"recipient":{"id":"`+alice+`"},"messaging_type":"RESPONSE","message":{"text":"hello"}}`)))
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	var events []fakegraph.Event
	for _, e := range emu.Journal().After(0, 1000) {
		events = append(events, e)
	}
	judged := Rejudge(events, time.Now())
	require.Len(t, judged.Checked, 1)
	require.NotNil(t, judged.Checked[0].Event.Thread)
	assert.True(t, judged.Checked[0].Event.Thread.Standby, "the case under test: standby, idle")
	assert.False(t, judged.Checked[0].Refused(), "%v", judged.Checked[0].Violations)
}

// A user_ref send the journal accepted is judged with the person reachable
// at the date, whatever the date: the journal records no thread for it.
func TestRejudgeKeepsAUserRefSendReachable(t *testing.T) {
	t.Parallel()
	emu := fakegraph.New(fakegraph.WithClock(fakegraph.NewFrozenClock(time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC))))
	require.NoError(t, emu.Start("127.0.0.1:0"))
	t.Cleanup(func() { _ = emu.Close() })
	in, err := emu.UserOptsIn(fakegraph.DefaultPageID, fakegraph.DefaultUsers()[0].PSID, fakegraph.OptIn{Type: fakegraph.OptInCheckbox})
	require.NoError(t, err)
	resp, err := http.Post(emu.URL()+"/v26.0/me/messages?access_token="+fakegraph.DefaultPageToken, "application/json",
		strings.NewReader(`{"recipient":{"user_ref":"`+in.UserRef+`"},"messaging_type":"RESPONSE","message":{"text":"thanks for opting in"}}`))
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.NoError(t, resp.Body.Close())
	events, err := ReadJournal(bytes.NewReader(journalLines(t, emu)))
	require.NoError(t, err)
	r := Rejudge(events, time.Now().Add(72*time.Hour)) // after this machine's clock too
	require.Len(t, r.Checked, 1)
	assert.False(t, r.Checked[0].Refused(), "%v", r.Checked[0].Violations)
}

// A send the platform refused before reading its body (not one JSON
// object, or too large for the journal to keep whole) is not judged again:
// the journal keeps only a stand-in, whose verdict would be made up.
func TestRejudgeLeavesUnreadBodiesAlone(t *testing.T) {
	t.Parallel()
	emu, alice := aliceWrote(t)
	for _, body := range []string{`[1,2]`, `"hi"`, `{"recipient":` + strings.Repeat(" ", 70<<10) + `{"id":"` + alice + `"},"message":{"text":"` + strings.Repeat("a", 3000) + `"}}`} {
		resp, err := http.Post(emu.URL()+"/v26.0/me/messages?access_token="+fakegraph.DefaultPageToken, "application/json", strings.NewReader(body))
		require.NoError(t, err)
		require.Equal(t, http.StatusBadRequest, resp.StatusCode)
		require.NoError(t, resp.Body.Close())
	}
	events, err := ReadJournal(bytes.NewReader(journalLines(t, emu)))
	require.NoError(t, err)
	r := Rejudge(events, time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC))
	assert.Equal(t, 3, r.Unread, "the three refused unread")
	for _, v := range r.Checked {
		assert.NotContains(t, string(v.Event.Request), "_body", "a summary judged as a request")
	}
	var out bytes.Buffer
	WriteRejudged(&out, r, time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC), false)
	assert.Contains(t, out.String(), "3 Send API requests not judged again")
}
