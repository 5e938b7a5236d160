package main

import (
	"bytes"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/messemu/messemu/fakegraph"
)

// dateBot answers every text with the date of its webhook event, on the
// emulator's virtual clock, through the emulator at graph.
func dateBot(t *testing.T, graph string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			_, _ = w.Write([]byte(r.URL.Query().Get("hub.challenge")))
			return
		}
		var p struct {
			Entry []struct {
				Messaging []fakegraph.MessagingEvent `json:"messaging"`
			} `json:"entry"`
		}
		if json.NewDecoder(r.Body).Decode(&p) != nil {
			return
		}
		for _, e := range p.Entry {
			for _, m := range e.Messaging {
				if m.Message == nil || m.Message.IsEcho || m.Sender == nil {
					continue
				}
				body, _ := json.Marshal(map[string]any{"recipient": map[string]string{"id": m.Sender.ID}, "messaging_type": "RESPONSE",
					"message": map[string]string{"text": time.UnixMilli(m.Timestamp).UTC().Format(time.DateOnly)}})
				resp, err := http.Post(graph+"/v26.0/me/messages?access_token="+fakegraph.DefaultPageToken, "application/json", bytes.NewReader(body))
				if err == nil {
					resp.Body.Close()
				}
			}
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// A scenario without setup: clock runs at the time the run started, by
// the wall clock, even when another file's setup: clock starts the
// emulator months earlier: its verdict is today's rules.
func TestReplayRunsUndatedScenariosAtTheWallClock(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "dated.yaml"), []byte("name: dated\nsetup: {clock: \"2026-01-05T09:00:00Z\"}\n"+
		"steps: [{says: when}, {expect: {text: \"2026-01-05\"}}]\n"), 0o600))
	today, tomorrow := time.Now().UTC().Format(time.DateOnly), time.Now().UTC().Add(24*time.Hour).Format(time.DateOnly)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "now.yaml"), []byte("name: undated\n"+
		"steps: [{says: when}, {expect: {text_matches: \"^("+today+"|"+tomorrow+")$\"}}]\n"), 0o600))
	addr := freeAddr(t)
	bot := dateBot(t, "http://"+addr)
	var out, errOut bytes.Buffer
	code := run([]string{"replay", "--addr", addr, "--bot", bot.URL + "/webhook", "--wait", "5s", dir}, nil, &out, &errOut)
	assert.Equal(t, 0, code, "%s\n%s", out.String(), errOut.String())
	assert.Contains(t, out.String(), "PASS: 2 scenarios, 2 passed, 0 failed")
}

// Dates the clock cannot all reach (an earlier scenario moves it past the
// next one's date) are refused before anything runs, naming both files;
// replay exits 2.
func TestReplayRefusesUnreachableDatesFirst(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.yaml"), filepath.Join(dir, "b.yaml")
	require.NoError(t, os.WriteFile(a, []byte("name: first\nsetup: {clock: \"2026-04-01T09:00:00Z\"}\nsteps: [{says: hi}, {advances_clock: 25h}]\n"), 0o600))
	require.NoError(t, os.WriteFile(b, []byte("name: second\nsetup: {clock: \"2026-04-02T09:00:00Z\"}\nsteps: [{says: hi}]\n"), 0o600))
	started := filepath.Join(dir, "started")
	var out, errOut bytes.Buffer
	code := run([]string{"replay", "--addr", "127.0.0.1:0", "--exec", "touch " + started, a, b}, nil, &out, &errOut)
	assert.Equal(t, 2, code, errOut.String())
	msg := errOut.String()
	assert.Contains(t, msg, b+":2:16: setup: clock 2026-04-02T09:00:00Z comes before the virtual clock is free: "+a+`:1 "first" runs from 2026-04-01T09:00:00Z to 2026-04-02T10:00:00Z`)
	assert.NoFileExists(t, started, "the bot was started")
	assert.False(t, strings.Contains(out.String(), "FAIL"), out.String())
}

// A running emulator's clock cannot go back: a scenario dated before it
// is refused before the run, with what to do, not failed at its setup.
func TestReplayRefusesADateBeforeTheEmulatorsClock(t *testing.T) {
	t.Parallel()
	emu := fakegraph.New(fakegraph.WithClock(fakegraph.NewClock(time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC))))
	require.NoError(t, emu.Start("127.0.0.1:0"))
	t.Cleanup(func() { _ = emu.Close() })
	dir := t.TempDir()
	file := filepath.Join(dir, "april.yaml")
	require.NoError(t, os.WriteFile(file, []byte("name: april\nsetup:\n  clock: \"2026-04-01T09:00:00Z\"\nsteps: [{says: hi}]\n"), 0o600))
	var out, errOut bytes.Buffer
	code := run([]string{"replay", "--emulator", emu.URL(), file}, nil, &out, &errOut)
	assert.Equal(t, 2, code, errOut.String())
	assert.Contains(t, errOut.String(), file+":3:10: setup: clock 2026-04-01T09:00:00Z is before the emulator's clock (2026-05-01T09:00:")
	assert.Empty(t, out.String())
}

// freeAddr is a loopback address nothing listens on just now.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return addr
}
