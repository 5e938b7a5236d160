package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// A bot that refuses the handshake outright (a verify token it was not
// given) is told at once, in words, not after replay's whole minute with
// the control API's JSON envelope and advice about an emulator replay
// has stopped.
func TestReplayStopsWaitingForABotThatRefusesTheHandshake(t *testing.T) {
	t.Parallel()
	bot := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "wrong verify token", http.StatusForbidden)
	}))
	t.Cleanup(bot.Close)
	start := time.Now()
	var out, errOut bytes.Buffer
	code := run([]string{"replay", "--addr", "127.0.0.1:0", "--bot", bot.URL + "/webhook", "../../scenarios/examples/greeting.yaml"}, nil, &out, &errOut)
	assert.Equal(t, 2, code)
	assert.Less(t, time.Since(start), 20*time.Second, "replay waited for a bot that answers 403")
	msg := errOut.String()
	assert.Contains(t, msg, "replay: the bot at "+bot.URL+"/webhook refused the webhook handshake (5 times in a row): the bot answered HTTP 403 (want 200 with the challenge as the body): is its verify token \"messemu-verify-token\", the one messemu sends?\n")
	assert.NotContains(t, msg, `{"error"`)
	assert.NotContains(t, msg, "GET /_messemu/v1/webhook")
}
