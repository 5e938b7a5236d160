package testkit_test

import (
	"encoding/json"
	"io"
	"net/url"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/messemu/messemu/fakegraph"
	"github.com/messemu/messemu/testkit"
)

// A bot that knows its web customers by app-scoped ID finds the one
// writing to it with ids_for_apps (the ID Matching API), and the Page's
// insights count the conversation once the day is over.
func TestIDMatchingAndInsights(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t, testkit.FrozenClockAt(time.Date(2026, 9, 1, 15, 0, 0, 0, time.UTC)))
	alice := emu.User("Alice", testkit.Person("alice"), testkit.AppScopedID("10152368852405295"))
	alice.Says("hi")

	q := url.Values{"access_token": {emu.PageToken()}, "appsecret_proof": {fakegraph.AppSecretProof(emu.AppSecret(), emu.PageToken())}}
	got := getJSON(t, emu, "/v26.0/"+alice.PSID()+"/ids_for_apps?"+q.Encode())
	data, _ := got["data"].([]any)
	if len(data) != 1 || data[0].(map[string]any)["id"] != "10152368852405295" {
		t.Fatalf("ids_for_apps: %v", got)
	}

	// The day Alice wrote, 1 September, as one range.
	q = url.Values{"access_token": {emu.PageToken()}, "metric": {"page_messages_new_conversations_unique"},
		"period": {"total_over_range"}, "since": {"2026-09-01"}, "until": {"2026-09-02"}}
	got = getJSON(t, emu, "/v26.0/me/insights?"+q.Encode())
	values := got["data"].([]any)[0].(map[string]any)["values"]
	want := []any{map[string]any{"value": 1.0, "end_time": "2026-09-02T00:00:00+0000"}}
	if d := cmp.Diff(want, values); d != "" {
		t.Fatalf("new conversations today (-want +got):\n%s", d)
	}
}

func getJSON(t *testing.T, emu *testkit.Emulator, path string) map[string]any {
	t.Helper()
	resp, err := emu.Client().Get(emu.URL() + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s (%v)", path, resp.StatusCode, b, err)
	}
	return out
}
