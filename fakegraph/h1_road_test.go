package fakegraph

import (
	"net/http/httptest"
	"testing"
	"time"
)

// TestGraphCallTakesTheShortRoad holds which requests Start serves on its
// short road (internal/h1): Graph calls, but not the control API, not a
// browser's visit, and none at all while a fault rule adds latency (its
// wait ends when the client gives up, which only net/http notices).
func TestGraphCallTakesTheShortRoad(t *testing.T) {
	t.Parallel()
	s := New()
	for _, tc := range []struct {
		method, target string
		want           bool
	}{
		{"POST", "/v26.0/me/messages?access_token=x", true},
		{"GET", "/me?fields=name", true},
		{"POST", "/", true}, // a batch
		{"DELETE", "/v26.0/me/messenger_profile", true},
		{"GET", "/", false},
		{"GET", "/favicon.ico", false},
		{"GET", "/_messemu/v1/journal", false},
		{"POST", "/_messemu/v1/users/1/messages", false},
		{"GET", "/_messemu", false},
		{"GET", "/_messemu/ui/ws", false},
	} {
		if got := s.graphCall(httptest.NewRequest(tc.method, tc.target, nil)); got != tc.want {
			t.Errorf("%s %s: short road %v, want %v", tc.method, tc.target, got, tc.want)
		}
	}

	send := httptest.NewRequest("POST", "/v26.0/me/messages", nil)
	f, err := s.AddFault(FaultRule{Latency: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if s.graphCall(send) {
		t.Error("a send took the short road while a fault rule adds latency")
	}
	if err := s.RemoveFault(f.ID); err != nil {
		t.Fatal(err)
	}
	if !s.graphCall(send) {
		t.Error("a send stayed off the short road after the latency rule went")
	}
	if _, err := s.AddFault(FaultRule{Latency: time.Second}); err != nil {
		t.Fatal(err)
	}
	s.ClearFaults()
	if !s.graphCall(send) {
		t.Error("a send stayed off the short road after ClearFaults")
	}
}
