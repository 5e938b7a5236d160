package fakegraph

import (
	"encoding/json"
	"testing"
)

// Webhook bytes escape non-ASCII and nothing else: not <, > or & as
// encoding/json does (PLATFORM.md D8).
func TestWebhookBodyEscaping(t *testing.T) {
	t.Parallel()
	event, err := json.Marshal(map[string]any{"message": map[string]any{"text": `a<b & c>d é 😀 \u003c "q"`}})
	if err != nil {
		t.Fatal(err)
	}
	body := webhookBody(DefaultPageID, 1, Hook{Field: FieldMessages, Event: event})
	want := `{"object":"page","entry":[{"id":"` + DefaultPageID + `","time":1,"messaging":[{"message":{"text":"a<b & c>d \u00e9 \ud83d\ude00 \\u003c \"q\""}}]}]}`
	if string(body) != want {
		t.Errorf("body\n got %s\nwant %s", body, want)
	}
	var back map[string]any
	if err := json.Unmarshal(body, &back); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
}
