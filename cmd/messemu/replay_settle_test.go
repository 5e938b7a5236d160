package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A bot that answers its webhook first and sends 300 ms later: the
// default settle (100 ms) ends the scenario before that send, while
// --settle 1s sees it refused and fails the scenario.
func TestReplaySettleWaitsForALateSend(t *testing.T) {
	addr := "127.0.0.1:" + freePortT(t)
	bot := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			_, _ = io.WriteString(w, r.URL.Query().Get("hub.challenge"))
			return
		}
		var hook struct {
			Entry []struct {
				Messaging []struct {
					Sender  struct{ ID string } `json:"sender"`
					Message *struct{}           `json:"message"`
				} `json:"messaging"`
			} `json:"entry"`
		}
		_ = json.NewDecoder(r.Body).Decode(&hook)
		w.WriteHeader(http.StatusOK)
		for _, e := range hook.Entry {
			for _, m := range e.Messaging {
				if m.Message == nil {
					continue
				}
				psid := m.Sender.ID
				go func() {
					time.Sleep(300 * time.Millisecond)
					body := `{"recipient":{"id":"` + psid + `"},"messaging_type":"RESPONSE","message":{"text":"late","quick_replies":[]}}`
					resp, err := http.Post("http://"+addr+"/v26.0/me/messages?access_token=EAAMessemuTestPageToken", "application/json", strings.NewReader(body))
					if err == nil {
						resp.Body.Close()
					}
				}()
			}
		}
	}))
	t.Cleanup(bot.Close)
	scenario := filepath.Join(t.TempDir(), "late.yaml")
	require.NoError(t, os.WriteFile(scenario, []byte("- name: late\n  steps:\n    - says: hi\n"), 0o644))

	var out, errOut bytes.Buffer
	code := run([]string{"replay", "--addr", addr, "--bot", bot.URL + "/webhook", "--settle", "1s", scenario}, nil, &out, &errOut)
	assert.Equal(t, 1, code, "with --settle 1s the late refused send fails the scenario:\n%s\n%s", out.String(), errOut.String())
	assert.Contains(t, out.String()+errOut.String(), "quick_replies", "the refusal is named")
}
