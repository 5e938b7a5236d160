package main

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/messemu/messemu/fakegraph"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// record and replay --emulator reach a serve started with --control-token
// when given the token (flag or MESSEMU_CONTROL_TOKEN), and say why not
// when they are not.
func TestRecordAndReplayCarryTheControlToken(t *testing.T) {
	srv := fakegraph.New(fakegraph.WithControlToken("sekret"))
	emu := httptest.NewServer(srv.Handler())
	t.Cleanup(emu.Close)
	// A bot that passes the handshake and says nothing.
	bot := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, r.URL.Query().Get("hub.challenge"))
	}))
	t.Cleanup(bot.Close)
	scenario := filepath.Join(t.TempDir(), "quiet.yaml")
	require.NoError(t, os.WriteFile(scenario, []byte("- name: quiet\n  steps:\n    - says: hi\n    - no_message: 50ms\n"), 0o644))

	var out, errOut bytes.Buffer
	code := run([]string{"record", "--emulator", emu.URL, "--out", "-"}, nil, &out, &errOut)
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut.String(), "HTTP 403")

	replay := []string{"replay", "--emulator", emu.URL, "--bot", bot.URL + "/webhook", scenario}
	errOut.Reset()
	code = run(replay, nil, &out, &errOut)
	assert.Equal(t, 2, code, "no token: %s", errOut.String())
	assert.Contains(t, errOut.String(), "HTTP 403", "no token: the status")
	assert.Contains(t, errOut.String(), "give replay the same --control-token", "no token: what to do")
	assert.NotContains(t, errOut.String(), "<nil>", "no token: no Go nil in the message")

	errOut.Reset()
	code = run(append([]string{"replay", "--control-token", "sekret"}, replay[1:]...), nil, &out, &errOut)
	assert.Equal(t, 0, code, "with --control-token: %s\n%s", out.String(), errOut.String())
	assert.Empty(t, srv.Webhook().URL, "the serve had no webhook before the run, and has none after")

	// A serve's own bot gets its webhook back when the run ends.
	own := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, r.URL.Query().Get("hub.challenge"))
	}))
	t.Cleanup(own.Close)
	require.NoError(t, srv.SetWebhook(fakegraph.WebhookConfig{URL: own.URL + "/hook"}))
	code = run(append([]string{"replay", "--control-token", "sekret"}, replay[1:]...), nil, &out, &errOut)
	assert.Equal(t, 0, code, errOut.String())
	assert.Equal(t, own.URL+"/hook", srv.Webhook().URL, "the serve's webhook, put back")

	t.Setenv("MESSEMU_CONTROL_TOKEN", "sekret")
	out.Reset()
	errOut.Reset()
	code = run([]string{"record", "--emulator", emu.URL, "--out", "-"}, nil, &out, &errOut)
	assert.Equal(t, 2, code, "only replay's sessions to record: %s", out.String())
	assert.Contains(t, errOut.String(), "only sessions messemu replay played")

	_, err := srv.UserSends(fakegraph.DefaultPageID, alice, fakegraph.UserMessageRequest{Text: "mine"})
	require.NoError(t, err)
	out.Reset()
	errOut.Reset()
	code = run([]string{"record", "--emulator", emu.URL, "--out", "-"}, nil, &out, &errOut)
	assert.Equal(t, 0, code, "with MESSEMU_CONTROL_TOKEN: %s", errOut.String())
	assert.Contains(t, out.String(), `says: "mine"`, "a user's own session, recorded")
	assert.NotContains(t, out.String(), "Scenario User", "replay's users are left out")
}

// replay checks --bot and --emulator before it starts anything.
func TestReplayChecksItsURLsFirst(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	code := run([]string{"replay", "--bot", "127.0.0.1:3000/webhook", "../../scenarios/examples/greeting.yaml"}, nil, &out, &errOut)
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut.String(), "did you mean http://127.0.0.1:3000/webhook?")
	errOut.Reset()
	code = run([]string{"replay", "--emulator", "127.0.0.1:8765", "../../scenarios/examples/greeting.yaml"}, nil, &out, &errOut)
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut.String(), "such as http://127.0.0.1:8765")
	errOut.Reset()
	code = run([]string{"record", "--emulator", "127.0.0.1:8765", "--out", "-"}, nil, &out, &errOut)
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut.String(), "such as http://127.0.0.1:8765")
}
