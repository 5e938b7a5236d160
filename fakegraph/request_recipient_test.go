package fakegraph

import (
	"encoding/json"
	"testing"
)

func TestRequestRecipient(t *testing.T) {
	t.Parallel()
	for req, want := range map[string]string{
		`{"recipient":{"id":"5275811702471834"}}`:       "5275811702471834",
		`{"recipient":{"id":5275811702471834}}`:         "5275811702471834",
		`{"recipient":"{\"id\":\"5275811702471834\"}"}`: "5275811702471834", // a form value: JSON in a text
		`{"recipient":{"user_ref":"ref_1"}}`:            "",
		`{"message":{"text":"hi"}}`:                     "",
		`not json`:                                      "",
	} {
		if got := RequestRecipient(&Event{Request: json.RawMessage(req)}); got != want {
			t.Errorf("%s: %q, want %q", req, got, want)
		}
	}
}
