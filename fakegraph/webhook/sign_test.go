package webhook

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/messemu/messemu/fakegraph/journal"
)

// pageID is the Page of the bodies under test.
const pageID = "109876543210987"

// Webhook bytes escape non-ASCII and nothing else: not <, > or & as
// encoding/json does (PLATFORM.md D8).
func TestWebhookBodyEscaping(t *testing.T) {
	t.Parallel()
	event, err := json.Marshal(map[string]any{"message": map[string]any{"text": `a<b & c>d é 😀 \u003c "q"`}})
	if err != nil {
		t.Fatal(err)
	}
	body := webhookBody(pageID, 1, journal.Hook{Field: journal.FieldMessages, Event: event})
	want := `{"object":"page","entry":[{"id":"` + pageID + `","time":1,"messaging":[{"message":{"text":"a<b & c>d \u00e9 \ud83d\ude00 \\u003c \"q\""}}]}]}`
	if string(body) != want {
		t.Errorf("body\n got %s\nwant %s", body, want)
	}
	var back map[string]any
	if err := json.Unmarshal(body, &back); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
}

func TestEscapeNonASCII(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		`{"a":"plain"}`:  `{"a":"plain"}`,
		`{"a":"äöå"}`:    `{"a":"\u00e4\u00f6\u00e5"}`,
		`{"a":"👋 x"}`:    `{"a":"\ud83d\udc4b x"}`,
		`{"a":"€\n"}`:    `{"a":"\u20ac\n"}`,
		`{"ä":"\u00e4"}`: `{"\u00e4":"\u00e4"}`,
	}
	for in, want := range cases {
		got := string(escapeNonASCII([]byte(in)))
		if got != want {
			t.Errorf("escape %s = %s, want %s", in, got, want)
		}
		var a, b any
		if err := json.Unmarshal([]byte(in), &a); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal([]byte(got), &b); err != nil {
			t.Fatalf("%s: %v", got, err)
		}
		if fmt.Sprint(a) != fmt.Sprint(b) {
			t.Errorf("escaping changed the value: %v → %v", a, b)
		}
	}
}
