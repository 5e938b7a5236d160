package fakegraph

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
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
