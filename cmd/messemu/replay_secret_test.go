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

// replay --emulator does not know the serve's app secret (its control API
// does not tell it): when the bot answers the webhooks with 403, as a bot
// checking signatures with another secret does, the failure says what to
// look at.
func TestReplayEmulatorHintsAtTheAppSecretOnA403(t *testing.T) {
	t.Parallel()
	emu := httptest.NewServer(fakegraph.New().Handler())
	t.Cleanup(emu.Close)
	bot := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			_, _ = io.WriteString(w, r.URL.Query().Get("hub.challenge"))
			return
		}
		http.Error(w, "bad signature", http.StatusForbidden)
	}))
	t.Cleanup(bot.Close)
	scenario := filepath.Join(t.TempDir(), "hi.yaml")
	require.NoError(t, os.WriteFile(scenario, []byte("- name: hi\n  steps:\n    - says: hi\n    - expect: {text: hello, within: 1s}\n"), 0o600))

	var out, errOut bytes.Buffer
	code := run([]string{"replay", "--emulator", emu.URL, "--bot", bot.URL + "/webhook", scenario}, nil, &out, &errOut)
	assert.Equal(t, 1, code, "%s\n%s", out.String(), errOut.String())
	assert.Contains(t, out.String(), "the bot answered HTTP 403")
	assert.Contains(t, out.String(), "(the bot may check signatures with another app secret than the serve's --app-secret)")

	// An --exec bot is given replay's --app-secret: that is the one to set.
	out.Reset()
	errOut.Reset()
	code = run([]string{"replay", "--emulator", emu.URL, "--exec", "sleep 30", "--bot", bot.URL + "/webhook", scenario}, nil, &out, &errOut)
	assert.Equal(t, 1, code, "%s\n%s", out.String(), errOut.String())
	assert.Contains(t, out.String(), "(the bot may check signatures with another app secret: give replay the serve's --app-secret)")

	// Without --emulator replay's own emulator signs with the secret the
	// bot is given: no hint.
	out.Reset()
	errOut.Reset()
	code = run([]string{"replay", "--addr", "127.0.0.1:0", "--bot", bot.URL + "/webhook", scenario}, nil, &out, &errOut)
	assert.Equal(t, 1, code, "%s\n%s", out.String(), errOut.String())
	assert.Contains(t, out.String(), "the bot answered HTTP 403")
	assert.NotContains(t, out.String(), "app secret")
}
