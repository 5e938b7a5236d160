package testkit_test

import (
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/messemu/messemu/testkit"
)

// parrot is a Go bot for Replay's tests: it answers "You said: X".
func parrot(emu *testkit.Emulator) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			_, _ = w.Write([]byte(r.URL.Query().Get("hub.challenge")))
			return
		}
		var p struct {
			Entry []struct {
				Messaging []struct {
					Sender  struct{ ID string } `json:"sender"`
					Message *struct {
						Text   string `json:"text"`
						IsEcho bool   `json:"is_echo"`
					} `json:"message"`
				} `json:"messaging"`
			} `json:"entry"`
		}
		if err := json.NewDecoder(r.Body).Decode(&p); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		for _, e := range p.Entry {
			for _, m := range e.Messaging {
				if m.Message == nil || m.Message.IsEcho {
					continue
				}
				body, _ := json.Marshal(map[string]any{"recipient": map[string]string{"id": m.Sender.ID},
					"messaging_type": "RESPONSE", "message": map[string]string{"text": "You said: " + m.Message.Text}})
				resp, err := emu.Client().Post(emu.URL()+"/v26.0/me/messages?access_token="+emu.PageToken(), "application/json", strings.NewReader(string(body)))
				if err == nil {
					resp.Body.Close()
				}
			}
		}
	})
}

func TestReplayRunsEachScenarioAsASubtest(t *testing.T) {
	testkit.Replay(t, parrot, "testdata/parrot.yaml")
}

func TestReplayStartsAtAPastSetupClock(t *testing.T) {
	testkit.Replay(t, parrot, "testdata/dated.yaml")
}

// TestReplayFailingScenario is run by the test below in a child process:
// its failure is the expected outcome.
func TestReplayFailingScenario(t *testing.T) {
	if os.Getenv("MESSEMU_REPLAY_CHILD") != "1" {
		t.Skip("run by TestReplayFailsTheSubtestOfAFailingScenario")
	}
	testkit.Replay(t, parrot, "../scenarios/testdata/fail/wrong-reply.yaml")
}

func TestReplayFailsTheSubtestOfAFailingScenario(t *testing.T) {
	t.Parallel()
	cmd := exec.Command(os.Args[0], "-test.run=^TestReplayFailingScenario$", "-test.v")
	cmd.Env = append(os.Environ(), "MESSEMU_REPLAY_CHILD=1")
	out, err := cmd.CombinedOutput()
	assert.Error(t, err, "the child test must fail")
	text := string(out)
	assert.Contains(t, text, "--- PASS: TestReplayFailingScenario/passes")
	assert.Contains(t, text, "--- FAIL: TestReplayFailingScenario/expects_the_wrong_reply")
	assert.Contains(t, text, "wrong-reply.yaml:9:7: expect: the bot's message is not the one expected")
	assert.Contains(t, text, `- text: "Hello"`)
}
