package fakegraph

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// graphCode is the error code and subcode of a Graph answer (0, 0 for a
// success).
func graphCode(out map[string]any) (float64, float64) {
	e, _ := out["error"].(map[string]any)
	code, _ := e["code"].(float64)
	sub, _ := e["error_subcode"].(float64)
	return code, sub
}

func lastControl(t *testing.T, s *Server) (Event, ControlDetail) {
	t.Helper()
	ev := lastOfKind(t, s, KindControl)
	var d ControlDetail
	require.NoError(t, json.Unmarshal(ev.Detail, &d))
	return ev, d
}

// A News Page and the Human Agent permission are the platform's to give;
// the control API sets them, and the tags that need them follow.
func TestControlPageSettings(t *testing.T) {
	t.Parallel()
	s := New()
	userWrites(t, s, alice)
	tagged := func(tag string) string {
		return `{"recipient":{"id":"` + alice + `"},"messaging_type":"MESSAGE_TAG","tag":"` + tag + `","message":{"text":"hi"}}`
	}

	code, body := control(t, s, "GET", "page", "")
	require.Equal(t, 200, code, body)
	assert.JSONEq(t, `{"id":"`+DefaultPageID+`","name":"`+DefaultPageName+`","news":false,"human_agent":true}`, body)
	_, out := graph(t, s, "POST", "/v26.0/me/messages", tagged("NON_PROMOTIONAL_SUBSCRIPTION"))
	c, sub := graphCode(out)
	assert.Equal(t, []float64{10, 2018065}, []float64{c, sub}, "a Page that is not a News Page: %v", out)

	code, body = control(t, s, "PATCH", "page", `{"news":true}`)
	require.Equal(t, 200, code, body)
	assert.Contains(t, body, `"news":true`)
	ev, d := lastControl(t, s)
	assert.Equal(t, ChangePageSettings, d.Change)
	assert.Equal(t, DefaultPageID, ev.PageID)
	assert.JSONEq(t, `{"news":true}`, string(d.Data))
	code, out = graph(t, s, "POST", "/v26.0/me/messages", tagged("NON_PROMOTIONAL_SUBSCRIPTION"))
	assert.Equal(t, 200, code, "a News Page sends NON_PROMOTIONAL_SUBSCRIPTION: %v", out)
	assert.True(t, s.Pages()[0].News, "GET pages shows the Page as News")

	code, out = graph(t, s, "POST", "/v26.0/me/messages", tagged("HUMAN_AGENT"))
	assert.Equal(t, 200, code, "the app holds Human Agent by default: %v", out)
	code, body = control(t, s, "PATCH", "page", `{"human_agent":false}`)
	require.Equal(t, 200, code, body)
	assert.Contains(t, body, `"human_agent":false`)
	_, out = graph(t, s, "POST", "/v26.0/me/messages", tagged("HUMAN_AGENT"))
	c, sub = graphCode(out)
	assert.Equal(t, []float64{10, 2018278}, []float64{c, sub}, "HUMAN_AGENT without the permission: %v", out)

	code, body = control(t, s, "PATCH", "page", `{}`)
	assert.Equal(t, 400, code, "a patch that changes nothing: %s", body)
	code, body = control(t, s, "PATCH", "page?page_id=42", `{"news":true}`)
	assert.Equal(t, 404, code, "an unknown Page: %s", body)

	// A reset puts the Page back as the emulator started.
	code, body = control(t, s, "POST", "reset", "")
	require.Equal(t, 200, code, body)
	got, err := s.PageSettings(DefaultPageID)
	require.NoError(t, err)
	assert.Equal(t, PageSettings{ID: DefaultPageID, Name: DefaultPageName, News: false, HumanAgent: true}, got)
}

// A Page token expires, now or later on the virtual clock, or is revoked;
// every call with it answers 190/463 until it is restored or a reset.
func TestControlTokens(t *testing.T) {
	t.Parallel()
	clock := NewFrozenClock(time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC))
	s := New(WithClock(clock))
	userWrites(t, s, alice)
	send := func() (float64, float64) {
		_, out := graph(t, s, "POST", "/v26.0/me/messages", textSend)
		return graphCode(out)
	}
	token := `{"token":"` + DefaultPageToken + `"}`

	code, body := control(t, s, "POST", "tokens/expire", token)
	require.Equal(t, 200, code, body)
	assert.JSONEq(t, `{"page_id":"`+DefaultPageID+`","state":"expired","expires_at":"2026-11-02T09:00:00Z"}`, body)
	c, sub := send()
	assert.Equal(t, []float64{190, 463}, []float64{c, sub})
	ev, d := lastControl(t, s)
	assert.Equal(t, ChangeToken, d.Change)
	assert.Equal(t, DefaultPageID, ev.PageID)
	assert.NotContains(t, string(ev.Detail), DefaultPageToken, "the journal never repeats a token")

	code, body = control(t, s, "POST", "tokens/restore", token)
	require.Equal(t, 200, code, body)
	assert.JSONEq(t, `{"page_id":"`+DefaultPageID+`","state":"valid"}`, body)
	c, _ = send()
	assert.Zero(t, c, "a restored token works")

	code, body = control(t, s, "POST", "tokens/expire", `{"token":"`+DefaultPageToken+`","at":"2026-11-02T10:00:00Z"}`)
	require.Equal(t, 200, code, body)
	assert.Contains(t, body, `"state":"expiring"`)
	c, _ = send()
	assert.Zero(t, c, "before its expiry the token works")
	clock.Advance(time.Hour)
	c, sub = send()
	assert.Equal(t, []float64{190, 463}, []float64{c, sub}, "at its expiry")

	code, body = control(t, s, "POST", "tokens/revoke", token)
	require.Equal(t, 200, code, body)
	assert.Contains(t, body, `"state":"revoked"`)
	c, sub = send()
	assert.Equal(t, []float64{190, 463}, []float64{c, sub}, "revoked")
	// A revoked token's refusals name the time it was revoked, whenever
	// they come.
	message := func() string {
		_, out := graph(t, s, "POST", "/v26.0/me/messages", textSend)
		e, _ := out["error"].(map[string]any)
		m, _ := e["message"].(string)
		return m
	}
	assert.Contains(t, message(), "Session has expired on Monday, 02-Nov-26 10:00:00 UTC.")
	clock.Advance(time.Hour)
	assert.Contains(t, message(), "Session has expired on Monday, 02-Nov-26 10:00:00 UTC. The current time is Monday, 02-Nov-26 11:00:00 UTC.")
	code, _ = control(t, s, "POST", "tokens/expire", `{"token":"`+DefaultPageToken+`","at":"0001-01-01T00:00:00Z"}`)
	assert.Equal(t, 400, code, "a zero time is no expiry")

	code, body = control(t, s, "POST", "tokens/revoke", `{"token":"EAAnotAToken0123456789"}`)
	assert.Equal(t, 400, code)
	assert.NotContains(t, body, "EAAnotAToken0123456789", "an unknown token is not repeated in full")
	assert.Contains(t, body, `the token \"EAAnot…\" is no Page's token`, "but said to be unknown")
	code, _ = control(t, s, "POST", "tokens/revoke", `{}`)
	assert.Equal(t, 400, code, "no token")

	code, body = control(t, s, "POST", "reset", "")
	require.Equal(t, 200, code, body)
	userWrites(t, s, alice)
	c, _ = send()
	assert.Zero(t, c, "a reset restores the Page's token")
	for _, ev := range s.Journal().After(0, 0) {
		assert.False(t, strings.Contains(string(ev.Detail), DefaultPageToken), "event %d repeats the token", ev.Seq)
	}
}

// The control API changes a token while the bot calls with it: each call
// sees the token before or after the change, never half of it (run with
// -race).
func TestControlTokensWhileSending(t *testing.T) {
	t.Parallel()
	s := New()
	userWrites(t, s, alice)
	token := `{"token":"` + DefaultPageToken + `"}`
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 50 {
			path := "tokens/revoke"
			if i%2 == 1 {
				path = "tokens/restore"
			}
			if code, body := control(t, s, "POST", path, token); code != 200 {
				t.Errorf("%s: %d %s", path, code, body)
				return
			}
		}
	}()
	for range 50 {
		code, out := graph(t, s, "POST", "/v26.0/me/messages", textSend)
		if c, sub := graphCode(out); code != 200 && (c != 190 || sub != 463) {
			t.Fatalf("a send during the changes: %d %v", code, out)
		}
	}
	<-done
}
