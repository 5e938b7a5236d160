package testkit_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/messemu/messemu/fakegraph"
	"github.com/messemu/messemu/testkit"
)

// send posts one Send API request to the emulator the way a bot does:
// through the client it was given, at the base URL it was given.
func send(c *http.Client, baseURL, token string, body map[string]any) (int, string, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return 0, "", err
	}
	req, err := http.NewRequest("POST", baseURL+"/v26.0/me/messages?access_token="+token, bytes.NewReader(b))
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(out), err
}

// text is a RESPONSE text message to psid.
func text(psid, s string) map[string]any {
	return map[string]any{"recipient": map[string]any{"id": psid}, "messaging_type": "RESPONSE", "message": map[string]any{"text": s}}
}

// journalBot plays a bot in tests that must not depend on webhook
// delivery: it reads each user message from the journal and sends what
// answer returns, through emu.Client at emu.URL. It stops when the test
// ends.
func journalBot(t testing.TB, emu *testkit.Emulator, answer func(psid, said string) []map[string]any) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	t.Cleanup(func() { cancel(); <-done })
	j := emu.Server().Journal()
	seq := j.Last()
	go func() {
		defer close(done)
		for {
			evs, err := j.Wait(ctx, seq, 0)
			if err != nil {
				return
			}
			for _, ev := range evs {
				seq = ev.Seq
				if d, ok := ev.UserAction(); !ok || d.Action != fakegraph.ActionMessage {
					continue
				}
				var m struct {
					Text string `json:"text"`
				}
				if err := json.Unmarshal(ev.Request, &m); err != nil {
					t.Errorf("journal bot: %v", err)
					return
				}
				for _, body := range answer(ev.PSID, m.Text) {
					if _, _, err := send(emu.Client(), emu.URL(), emu.PageToken(), body); err != nil {
						t.Errorf("journal bot: %v", err)
					}
				}
			}
		}
	}()
}

// echo answers every message with "echo: <text>".
func echo(psid, said string) []map[string]any {
	return []map[string]any{text(psid, "echo: "+said)}
}

// recorder is a testkit.TB that keeps what a check reports, so tests can
// assert on failure messages. Fatalf ends the calling goroutine, as
// testing.T's does; run code that may call it through recorder.run.
type recorder struct {
	mu   sync.Mutex
	msgs []string
}

func (r *recorder) Helper()          {}
func (r *recorder) Cleanup(f func()) {}
func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs = append(r.msgs, fmt.Sprintf(format, args...))
}
func (r *recorder) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
	runtime.Goexit()
}

// run calls f in its own goroutine, so a Fatalf ends only f.
func (r *recorder) run(f func()) {
	done := make(chan struct{})
	go func() { defer close(done); f() }()
	<-done
}

func (r *recorder) output() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(r.msgs, "\n")
}

var _ testkit.TB = (*recorder)(nil)

// hasDiffLine reports whether out has a diff line marked sign ("-" or
// "+") that contains text. go-cmp varies its spacing on purpose (it mixes
// in non-breaking spaces so nobody depends on its exact output), so
// whitespace is ignored.
func hasDiffLine(out, sign, text string) bool {
	trim := func(s string) string { return strings.TrimLeft(s, " \t\u00a0") }
	for _, line := range strings.Split(out, "\n") {
		line = trim(line)
		if strings.HasPrefix(line, sign) && strings.Contains(strings.Join(strings.Fields(strings.ReplaceAll(line[1:], "\u00a0", " ")), " "), text) {
			return true
		}
	}
	return false
}
