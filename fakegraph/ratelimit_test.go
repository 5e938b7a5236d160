package fakegraph

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func sendOnce(t *testing.T, s *Server, body string) (int, map[string]any, string) {
	t.Helper()
	req := httptest.NewRequest("POST", "/me/messages?access_token="+DefaultPageToken, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	var out map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		t.Fatal(err)
	}
	return rec.Code, out, rec.Header().Get("X-Business-Use-Case-Usage")
}

func errorCode(body map[string]any) float64 {
	e, _ := body["error"].(map[string]any)
	c, _ := e["code"].(float64)
	return c
}

// The 24-hour Messenger quota is 200 calls × engaged users (PLATFORM.md §11).
func TestMessengerQuota(t *testing.T) {
	t.Parallel()
	clock := NewFrozenClock(time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC))
	s := New(WithClock(clock), WithRateLimits(true))
	userWrites(t, s, alice) // one engaged user: 200 calls a day
	for i := 0; i < 200; i++ {
		if i%250 == 0 || i%100 == 99 {
			clock.Advance(time.Second) // stay under 300/s
		}
		if code, body, _ := sendOnce(t, s, textSend); code != 200 {
			t.Fatalf("call %d refused: %v", i+1, body)
		}
	}
	code, body, usage := sendOnce(t, s, textSend)
	if code != 400 || errorCode(body) != 80006 {
		t.Fatalf("call 201: %d %v, want 80006", code, body)
	}
	if !strings.Contains(usage, `"call_count":100`) {
		t.Errorf("usage header %s, want call_count 100", usage)
	}
	// A second engaged user doubles the quota.
	userWrites(t, s, "6283749102837465")
	if code, body, _ := sendOnce(t, s, textSend); code != 200 {
		t.Errorf("with two engaged users: %d %v", code, body)
	}
	// The window rolls: a day later the calls have aged out.
	clock.Advance(24 * time.Hour)
	userWrites(t, s, alice)
	if code, body, _ := sendOnce(t, s, textSend); code != 200 {
		t.Errorf("a day later: %d %v", code, body)
	}
}

// Off by default: the same traffic passes.
func TestRateLimitsOffByDefault(t *testing.T) {
	t.Parallel()
	s := New(WithClock(NewFrozenClock(time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC))))
	userWrites(t, s, alice)
	for i := 0; i < 320; i++ {
		if code, body, _ := sendOnce(t, s, textSend); code != 200 {
			t.Fatalf("call %d refused with limits off: %v", i+1, body)
		}
	}
	// Nor is the high-volume warning raised, 320 sends in one second.
	for _, e := range s.Journal().After(0, 0) {
		for _, v := range e.Violations {
			if v.Rule == "rate.high-volume" {
				t.Fatalf("event %d: a high-volume warning with rate limits off", e.Seq)
			}
		}
	}
}

// 300 sends a second per Page, 10 for audio and video (PLATFORM.md §11).
func TestSendPerSecond(t *testing.T) {
	t.Parallel()
	clock := NewFrozenClock(time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC))
	s := New(WithClock(clock), WithRateLimits(true))
	for _, u := range []string{alice, "6283749102837465", "7391028374650192"} {
		userWrites(t, s, u) // 600 calls of daily quota
	}
	audio := `{"recipient":{"id":"` + alice + `"},"messaging_type":"RESPONSE","message":{"attachment":{"type":"audio","payload":{"url":"https://example.com/a.mp3"}}}}`
	for i := 0; i < 10; i++ {
		if code, body, _ := sendOnce(t, s, audio); code != 200 {
			t.Fatalf("audio %d: %v", i+1, body)
		}
	}
	if code, body, _ := sendOnce(t, s, audio); code != 400 || errorCode(body) != 613 {
		t.Errorf("audio 11 in one second: %d %v, want 613", code, body)
	}
	for i := 0; i < 300; i++ {
		if code, body, _ := sendOnce(t, s, textSend); code != 200 {
			t.Fatalf("text %d: %v", i+1, body)
		}
	}
	if code, body, _ := sendOnce(t, s, textSend); code != 400 || errorCode(body) != 613 {
		t.Errorf("text 301 in one second: %d %v, want 613", code, body)
	}
	clock.Advance(time.Second)
	if code, body, _ := sendOnce(t, s, textSend); code != 200 {
		t.Errorf("the next second: %d %v", code, body)
	}
	warned := false
	for _, e := range s.Journal().After(0, 0) {
		for _, v := range e.Violations {
			warned = warned || v.Rule == "rate.high-volume"
		}
	}
	if !warned {
		t.Error("more than 40 messages a second left no high-volume warning")
	}
}

// Once the day's quota is used up, the usage header says in minutes when
// the rolling window lets the next call through (PLATFORM.md §11), and it
// counts down on the virtual clock.
func TestUsageHeaderSaysWhenAccessReturns(t *testing.T) {
	t.Parallel()
	clock := NewFrozenClock(time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC))
	s := New(WithClock(clock), WithRateLimits(true))
	userWrites(t, s, alice)
	regain := func(usage string) int {
		t.Helper()
		var u map[string][]struct {
			CallCount int `json:"call_count"`
			Regain    int `json:"estimated_time_to_regain_access"`
		}
		if err := json.Unmarshal([]byte(usage), &u); err != nil || len(u[DefaultPageID]) != 1 {
			t.Fatalf("usage header %q: %v", usage, err)
		}
		return u[DefaultPageID][0].Regain
	}
	for i := 0; i < 200; i++ {
		if i%100 == 99 {
			clock.Advance(time.Second) // stay under 300/s
		}
		code, body, usage := sendOnce(t, s, textSend)
		if code != 200 {
			t.Fatalf("call %d refused: %v", i+1, body)
		}
		if i < 190 && regain(usage) != 0 {
			t.Fatalf("call %d: regain %d before the quota is used up", i+1, regain(usage))
		}
	}
	// The user's message and the 200 sends all fell in the 09:00 minute:
	// they leave the window at 09:00 the next day.
	code, body, usage := sendOnce(t, s, textSend)
	if code != 400 || errorCode(body) != 80006 {
		t.Fatalf("call 201: %d %v, want 80006", code, body)
	}
	if got := regain(usage); got != 24*60 {
		t.Errorf("right after the quota ran out: regain %d min, want %d", got, 24*60)
	}
	clock.Advance(10 * time.Hour)
	if _, _, usage := sendOnce(t, s, textSend); regain(usage) != 14*60 {
		t.Errorf("ten hours later: regain %d min, want %d", regain(usage), 14*60)
	}
	clock.Advance(14*time.Hour - 2*time.Second - 30*time.Second)
	if code, body, usage := sendOnce(t, s, textSend); code != 400 || regain(usage) != 1 {
		t.Errorf("half a minute before: %d %v, regain %d min, want a refusal and 1", code, body, regain(usage))
	}
	clock.Advance(time.Minute)
	userWrites(t, s, alice)
	if code, body, usage := sendOnce(t, s, textSend); code != 200 || regain(usage) != 0 {
		t.Errorf("a day later: %d %v, regain %d", code, body, regain(usage))
	}
}

// untilBelow finds the bucket whose leaving brings the count under the
// limit, across several buckets, and keeps the window's head for a call
// whose clock lags behind it.
func TestWindowCounterUntilBelow(t *testing.T) {
	t.Parallel()
	at := func(hh, mm, ss int) time.Time { return time.Date(2026, 11, 2, hh, mm, ss, 0, time.UTC) }
	w := newWindowCounter(quotaWindow, quotaBucket)
	for range 40 {
		w.add(at(9, 0, 10))
	}
	for range 40 {
		w.add(at(9, 1, 10))
	}
	assert.Equal(t, time.Duration(0), w.untilBelow(at(9, 1, 30), 100), "under the limit")
	for range 160 {
		w.add(at(9, 2, 10))
	}
	// 240 calls, limit 200: 41 must go, so 09:00 (40) is not enough and
	// 09:01 must leave too, at 09:01 the next day.
	assert.Equal(t, 24*time.Hour-time.Minute-30*time.Second, w.untilBelow(at(9, 2, 30), 200))
	// More calls now: the scan goes on from where it stopped.
	for range 45 {
		w.add(at(9, 2, 40))
	}
	assert.Equal(t, 24*time.Hour-50*time.Second, w.untilBelow(at(9, 2, 50), 200), "285 calls: 09:02 must go too")
	// A call whose clock lags the head (it started before another moved
	// the window on) is told from the head, not from its own bucket.
	w.add(at(9, 3, 5))
	assert.Equal(t, 24*time.Hour-59*time.Second, w.untilBelow(at(9, 2, 59), 200), "from the head, 09:03")
	// An event behind the head lands before the cut: the next scan
	// starts again.
	w2 := newWindowCounter(quotaWindow, quotaBucket)
	for range 150 {
		w2.add(at(9, 1, 0))
	}
	for range 60 {
		w2.add(at(9, 2, 0))
	}
	assert.Equal(t, 23*time.Hour+59*time.Minute, w2.untilBelow(at(9, 2, 0), 200), "210: 09:01 goes")
	for range 100 {
		w2.add(at(9, 0, 0)) // behind the head, before the cut
	}
	for range 95 {
		w2.add(at(9, 2, 0))
	}
	// 405: 09:00 (100) and 09:01 (150) leave 155; a cut that missed the
	// 100 behind it would let 09:02 go too.
	assert.Equal(t, 23*time.Hour+59*time.Minute, w2.untilBelow(at(9, 2, 0), 200))
}

// Reactions are under the 300 a second with text (PLATFORM.md §11: "300/s
// for text, links, reactions and stickers"), and are not messages for the
// 40-a-second high-volume warning.
func TestReactionsShareTheSendLimit(t *testing.T) {
	t.Parallel()
	clock := NewFrozenClock(time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC))
	s := New(WithClock(clock), WithRateLimits(true))
	said, err := s.UserSends(DefaultPageID, alice, UserMessageRequest{Text: "hi"})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{bob, carla} {
		userWrites(t, s, u) // 600 calls of daily quota
	}
	react := `{"recipient":{"id":"` + alice + `"},"sender_action":"react","payload":{"message_id":"` + said.MID + `","reaction":"love"}}`
	for i := range 100 {
		if code, body, _ := sendOnce(t, s, react); code != 200 {
			t.Fatalf("reaction %d: %d %v", i+1, code, body)
		}
	}
	for _, e := range s.Journal().After(0, 0) {
		for _, v := range e.Violations {
			if v.Rule == "rate.high-volume" {
				t.Fatalf("event %d: 100 reactions in a second raised the high-volume warning, which counts messages", e.Seq)
			}
		}
	}
	for i := range 200 {
		if code, body, _ := sendOnce(t, s, textSend); code != 200 {
			t.Fatalf("text %d after 100 reactions: %d %v", i+1, code, body)
		}
	}
	if code, body, _ := sendOnce(t, s, react); code != 400 || errorCode(body) != 613 {
		t.Errorf("reaction 101 after 200 texts in one second: %d %v, want 613", code, body)
	}
	if code, body, _ := sendOnce(t, s, textSend); code != 400 || errorCode(body) != 613 {
		t.Errorf("text 201 after 100 reactions in one second: %d %v, want 613", code, body)
	}
	clock.Advance(time.Second)
	if code, body, _ := sendOnce(t, s, react); code != 200 {
		t.Errorf("a reaction the next second: %d %v", code, body)
	}
}

// A custom_user_settings call without psid is refused for it, and leaves
// the Page's own 10 Messenger Profile calls in 10 minutes untouched.
func TestUserSettingsWithoutPSIDLeaveThePageProfileLimit(t *testing.T) {
	t.Parallel()
	s := New(WithClock(NewFrozenClock(time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC))), WithRateLimits(true))
	userWrites(t, s, alice)
	menu := `{"persistent_menu":[{"locale":"default","call_to_actions":[{"type":"postback","title":"A","payload":"P"}]}]}`
	for i := range 10 {
		code, out := graph(t, s, "POST", "/v26.0/me/custom_user_settings", menu)
		if code != 400 || errorCode(out) != 100 {
			t.Fatalf("call %d without psid: %d %v, want 100", i+1, code, out)
		}
	}
	for _, m := range []string{"GET", "DELETE"} {
		if code, out := graph(t, s, m, "/v26.0/me/custom_user_settings", ""); code != 400 || errorCode(out) != 100 {
			t.Fatalf("%s without psid: %d %v, want 100", m, code, out)
		}
	}
	if code, out := graph(t, s, "POST", "/v26.0/me/messenger_profile", `{"greeting":[{"locale":"default","text":"x"}],"get_started":{"payload":"GO"}}`); code != 200 {
		t.Errorf("the Page's first profile call after 12 user-settings calls without psid: %d %v", code, out)
	}
	// With a psid they count for that user: ten pass, the eleventh is refused.
	for i := range 10 {
		if code, out := graph(t, s, "POST", "/v26.0/me/custom_user_settings?psid="+alice, menu); code != 200 {
			t.Fatalf("call %d for Alice: %d %v", i+1, code, out)
		}
	}
	if code, out := graph(t, s, "POST", "/v26.0/me/custom_user_settings?psid="+alice, menu); code != 400 || errorCode(out) != 613 {
		t.Errorf("call 11 for Alice: %d %v, want 613", code, out)
	}
}
