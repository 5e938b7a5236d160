package main

import (
	"bytes"
	"io"
	"log/slog"
	"net"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/messemu/messemu/fakegraph"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A flag serve could only fail on later (a webhook that is no URL, an
// address with no port) stops it before the startup screen, the "is
// serving" line or the warning about listening beyond this machine.
func TestServeRefusesBadFlagsBeforeAnnouncingAnything(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--addr", "127.0.0.1:19241", "--webhook", "localhost:3000/webhook"},
			`--webhook "localhost:3000/webhook": not an absolute http(s) URL; did you mean http://localhost:3000/webhook?`},
		{[]string{"--addr", "127.0.0.1:19241", "--webhook", "ftp://bot.test/hook"}, `--webhook "ftp://bot.test/hook": not an absolute http(s) URL`},
		{[]string{"--addr", "nonsense"}, `--addr "nonsense": want host:port, such as 127.0.0.1:8765 (missing port in address)`},
		{[]string{"--addr", "0.0.0.0:http-nope"}, `--addr "0.0.0.0:http-nope": want host:port`},
		{[]string{"--addr", "127.0.0.1:19241", "--pprof", "6060"}, `--pprof "6060": want host:port, such as 127.0.0.1:6060`},
		{[]string{"--addr", "127.0.0.1:19241", "--intercept", "nope"}, `--intercept "nope": want host:port, such as 127.0.0.1:8443`},
		{[]string{"--addr", "127.0.0.1:19241", "--log-level", "loud"}, `--log-level must be debug, info, warn or error, not "loud"`},
	} {
		var out, errOut bytes.Buffer
		code := run(append([]string{"serve", "--no-demo-bot"}, c.args...), nil, &out, &errOut)
		assert.Equal(t, 2, code, "%v", c.args)
		assert.Empty(t, out.String(), "%v: the startup screen", c.args)
		assert.True(t, strings.HasPrefix(errOut.String(), "messemu: "+c.want), "%v: want %q first, got:\n%s", c.args, c.want, errOut.String())
		assert.NotContains(t, errOut.String(), "messemu is serving", "%v", c.args)
		assert.NotContains(t, errOut.String(), "listens beyond this machine", "%v", c.args)
	}
}

// An address something else holds says what to do, as replay does.
func TestServeOnABusyAddressSaysWhatToDo(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { _ = l.Close() })
	var out, errOut bytes.Buffer
	code := run([]string{"serve", "--no-demo-bot", "--addr", l.Addr().String()}, nil, &out, &errOut)
	assert.Equal(t, 2, code)
	assert.Empty(t, out.String())
	assert.Contains(t, errOut.String(), "another messemu serve, or another program, holds "+l.Addr().String()+": stop it, or give serve another --addr")

	errOut.Reset()
	code = run([]string{"serve", "--no-demo-bot", "--addr", "127.0.0.1:0", "--pprof", l.Addr().String()}, nil, &out, &errOut)
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut.String(), "holds "+l.Addr().String()+": stop it, or give serve another --pprof")
}

// Every bad setting is named in one run, flags and variables alike, so a
// user mends them all at once rather than one start at a time.
func TestServeNamesEveryBadSettingAtOnce(t *testing.T) {
	t.Setenv("MESSEMU_JOURNAL_LIMIT", "abc")
	var out, errOut bytes.Buffer
	code := run([]string{"serve", "--no-demo-bot", "--addr", "nonsense", "--webhook", "bot.test/hook", "--log-format", "yaml", "extra"}, nil, &out, &errOut)
	assert.Equal(t, 2, code)
	assert.Empty(t, out.String())
	want := `messemu: 5 settings need mending:
  MESSEMU_JOURNAL_LIMIT="abc": want a whole number
  serve takes no arguments, got "extra"
  --addr "nonsense": want host:port, such as 127.0.0.1:8765 (missing port in address)
  --webhook "bot.test/hook": not an absolute http(s) URL; did you mean http://bot.test/hook?
  --log-format must be text or json, not "yaml"
`
	assert.Equal(t, want, errOut.String())
}

// --clock starts the virtual clock at a date of the user's, in the past
// too (the control API moves it only forward), so that the rules of that
// date apply: before 2026-04-27 the three 2026 tags pass.
func TestServeClockStartsTheVirtualClock(t *testing.T) {
	t.Parallel()
	cfg, err := parseServe([]string{"--no-demo-bot", "--clock", "2026-04-20T09:00:00Z"}, io.Discard)
	require.NoError(t, err)
	srv := fakegraph.New(cfg.serverOptions(slog.New(slog.DiscardHandler))...)
	start := time.Date(2026, 4, 20, 9, 0, 0, 0, time.UTC)
	if now := srv.Clock().Now(); now.Before(start) || now.After(start.Add(time.Minute)) {
		t.Fatalf("the clock reads %v, want %v and running", now, start)
	}
	_, err = srv.UserSends(fakegraph.DefaultPageID, alice, fakegraph.UserMessageRequest{Text: "hi"})
	require.NoError(t, err)
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, httptest.NewRequest("POST", "/v26.0/me/messages?access_token="+fakegraph.DefaultPageToken,
		strings.NewReader(`{"recipient":{"id":"`+alice+`"},"messaging_type":"MESSAGE_TAG","tag":"ACCOUNT_UPDATE","message":{"text":"x"}}`)))
	assert.Equal(t, 200, rec.Code, rec.Body.String())

	s, err := newStartup(srv, &cfg)
	require.NoError(t, err)
	var out bytes.Buffer
	require.NoError(t, s.print(&out))
	assert.Contains(t, out.String(), "Virtual clock  2026-04-20T09:00")

	_, err = parseServe([]string{"--clock", "yesterday"}, io.Discard)
	require.EqualError(t, err, `--clock "yesterday": want an RFC 3339 time, such as 2026-04-01T09:00:00Z`)
	for _, far := range []string{"9999-12-31T23:59:59Z", "1700-01-01T00:00:00Z", "0001-01-01T00:00:00Z"} {
		_, err = parseServe([]string{"--clock", far}, io.Discard)
		require.ErrorContains(t, err, "too far from now", far) // it used to start at another time, or now
	}
	cfg, err = parseServe([]string{"--clock", "2026-04-20t09:00:00z"}, io.Discard)
	require.NoError(t, err, "RFC 3339 allows lower-case t and z")
}
