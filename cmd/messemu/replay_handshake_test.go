package main

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
)

// A bot that refuses the handshake outright (a verify token it was not
// given, an answer that is not the challenge) is told so after a few
// tries, in words, not after replay's whole minute with the control API's
// JSON envelope and advice about an emulator replay has stopped. (The
// message says how many tries: waiting out the minute says "within 1m0s".)
func TestReplayStopsWaitingForABotThatRefusesTheHandshake(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		answer http.HandlerFunc
		want   string
	}{
		{"wrong verify token", func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "wrong verify token", http.StatusForbidden)
		}, "the bot answered HTTP 403 (want 200 with the challenge as the body): is its verify token \"messemu-verify-token\", the one messemu sends?\n"},
		{"not the challenge", func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.WriteString(w, "nope") // a new challenge each time: the refusal is the same
		}, "the bot answered \"nope\", not the challenge"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			bot := httptest.NewServer(tc.answer)
			t.Cleanup(bot.Close)
			var out, errOut bytes.Buffer
			code := run([]string{"replay", "--addr", "127.0.0.1:0", "--bot", bot.URL + "/webhook", "../../scenarios/examples/greeting.yaml"}, nil, &out, &errOut)
			assert.Equal(t, 2, code)
			msg := errOut.String()
			assert.Contains(t, msg, "replay: the bot at "+bot.URL+"/webhook refused the webhook handshake (5 times in a row): "+tc.want)
			assert.NotContains(t, msg, `{"error"`)
			assert.NotContains(t, msg, "GET /_messemu/v1/webhook")
		})
	}
}
