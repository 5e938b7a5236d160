package webui_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/messemu/messemu/fakegraph"
	"github.com/messemu/messemu/webui"
)

// streamFrame is what the websocket sends.
type streamFrame struct {
	Events  []fakegraph.Event `json:"events"`
	LastSeq uint64            `json:"last_seq"`
	Trimmed bool              `json:"trimmed"`
}

func streamURL(e *emulator, after uint64) string {
	return strings.Replace(e.url, "http://", "ws://", 1) + webui.StreamPath + fmt.Sprintf("?after=%d", after)
}

func dial(t *testing.T, e *emulator, after uint64, header http.Header) *websocket.Conn {
	t.Helper()
	conn, resp, err := websocket.DefaultDialer.Dial(streamURL(e, after), header)
	require.NoError(t, err, "dialling the stream (%v)", resp)
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

// readUntil reads frames until the client has seen seq last, and answers
// the sequence numbers in the order they came.
func readUntil(t *testing.T, conn *websocket.Conn, last uint64) []uint64 {
	t.Helper()
	var seqs []uint64
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(20*time.Second)))
	for len(seqs) == 0 || seqs[len(seqs)-1] < last {
		_, b, err := conn.ReadMessage()
		require.NoError(t, err, "reading after %v", seqs)
		var f streamFrame
		require.NoError(t, json.Unmarshal(b, &f))
		for _, ev := range f.Events {
			seqs = append(seqs, ev.Seq)
		}
	}
	return seqs
}

func userSays(t *testing.T, e *emulator, n int) {
	t.Helper()
	for i := range n {
		_, err := e.srv.UserSends(fakegraph.DefaultPageID, alice, fakegraph.UserMessageRequest{Text: fmt.Sprintf("message %d", i)})
		require.NoError(t, err)
	}
}

func consecutive(from, to uint64) []uint64 {
	var out []uint64
	for s := from; s <= to; s++ {
		out = append(out, s)
	}
	return out
}

func TestReconnectAfterNResumesExactly(t *testing.T) {
	t.Parallel()
	e := startEmulator(t, false)
	userSays(t, e, 10)
	last := e.srv.Journal().Last()
	require.GreaterOrEqual(t, last, uint64(10))
	conn := dial(t, e, 4, nil)
	assert.Equal(t, consecutive(5, last), readUntil(t, conn, last), "events 5 to the last, each once, in order")

	// Events appended while connected follow without a gap.
	userSays(t, e, 3)
	now := e.srv.Journal().Last()
	assert.Equal(t, consecutive(last+1, now), readUntil(t, conn, now))
}

func TestHundredClientsEachGetEveryEventInOrder(t *testing.T) {
	t.Parallel()
	e := startEmulator(t, false)
	const clients = 100
	conns := make([]*websocket.Conn, clients)
	for i := range conns {
		conns[i] = dial(t, e, 0, nil)
	}
	require.Eventually(t, func() bool { return e.ui.Clients() == clients }, 5*time.Second, 10*time.Millisecond)
	userSays(t, e, 50)
	last := e.srv.Journal().Last()
	want := consecutive(1, last)
	var wg sync.WaitGroup
	got := make([][]uint64, clients)
	for i, c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i] = readUntil(t, c, last)
		}()
	}
	wg.Wait()
	for i := range got {
		assert.Equal(t, want, got[i], "client %d", i)
	}
}

func TestClientThatStopsReadingIsDroppedAndSendsGoOn(t *testing.T) {
	t.Parallel()
	srv := fakegraph.New()
	ui := webui.New(srv, webui.WithWriteWait(200*time.Millisecond))
	require.NoError(t, srv.StartWith("127.0.0.1:0", ui.Wrap))
	t.Cleanup(func() { ui.Close(); _ = srv.Close() })
	e := &emulator{srv: srv, ui: ui, url: srv.URL()}

	stalled := dial(t, e, 0, nil) // never read from
	_ = stalled
	require.Eventually(t, func() bool { return ui.Clients() == 1 }, 5*time.Second, 10*time.Millisecond)

	// Big events fill the socket's buffers, so the stream's writes block.
	big := json.RawMessage(`"` + strings.Repeat("x", 1<<20) + `"`)
	for range 24 { // well over a loopback socket's buffers
		srv.Journal().Append(fakegraph.Event{Kind: fakegraph.KindControl, API: "test", Accepted: true, Detail: big})
	}
	// Meanwhile the bot's sends complete as usual.
	userSays(t, e, 1)
	start := time.Now()
	for i := range 200 {
		status, body := e.send(t, alice, map[string]any{"text": fmt.Sprintf("reply %d", i)}, nil)
		require.Equal(t, http.StatusOK, status, "%v", body)
	}
	t.Logf("200 sends with a stalled page took %v", time.Since(start))
	require.Eventually(t, func() bool { return ui.Clients() == 0 }, 30*time.Second, 20*time.Millisecond, "the stalled client is dropped")
}

func TestStreamRefusesAnotherOriginAndAForeignHost(t *testing.T) {
	t.Parallel()
	e := startEmulator(t, false)
	cases := []struct {
		name   string
		header http.Header
		ok     bool
	}{
		{"no Origin (not a browser)", nil, true},
		{"the emulator's own origin", http.Header{"Origin": {e.url}}, true},
		{"another site", http.Header{"Origin": {"https://evil.example"}}, false},
		{"localhost is another origin than 127.0.0.1", http.Header{"Origin": {strings.Replace(e.url, "127.0.0.1", "localhost", 1)}}, false},
		{"a null origin", http.Header{"Origin": {"null"}}, false},
	}
	for _, c := range cases {
		conn, resp, err := websocket.DefaultDialer.Dial(streamURL(e, 0), c.header)
		if c.ok {
			require.NoError(t, err, c.name)
			_ = conn.Close()
			continue
		}
		require.Error(t, err, c.name)
		require.NotNil(t, resp, c.name)
		assert.Equal(t, http.StatusForbidden, resp.StatusCode, c.name)
	}

	// A name that resolves to 127.0.0.1 but is not localhost (DNS
	// rebinding) is refused for the page and the stream.
	for _, path := range []string{"/", webui.StreamPath} {
		req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, e.url+path, nil)
		require.NoError(t, err)
		req.Host = "rebind.example:80"
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		_ = resp.Body.Close()
		assert.Equal(t, http.StatusForbidden, resp.StatusCode, path)
	}
}

func TestAllowedOriginOpensTheStream(t *testing.T) {
	t.Parallel()
	srv := fakegraph.New()
	ui := webui.New(srv, webui.WithAllowedOrigins("http://localhost:3000/", "http://devbox.lan:3000"))
	require.NoError(t, srv.StartWith("127.0.0.1:0", ui.Wrap))
	t.Cleanup(func() { ui.Close(); _ = srv.Close() })
	e := &emulator{srv: srv, ui: ui, url: srv.URL()}
	// A browser names another origin cross-site (a dev server on
	// localhost:3000 opening ws://127.0.0.1:…); the allowed ones open it.
	for _, h := range []http.Header{
		{"Origin": {"http://localhost:3000"}},
		{"Origin": {"http://localhost:3000"}, "Sec-Fetch-Site": {"cross-site"}},
		{"Origin": {"http://devbox.lan:3000"}, "Sec-Fetch-Site": {"cross-site"}},
	} {
		conn := dial(t, e, 0, h)
		require.NoError(t, conn.SetReadDeadline(time.Now().Add(5*time.Second)))
		_, b, err := conn.ReadMessage()
		require.NoError(t, err)
		var f streamFrame
		require.NoError(t, json.Unmarshal(b, &f))
		assert.Equal(t, srv.Journal().Last(), f.LastSeq, "the first frame says where the journal stands")
	}
	_, resp, err := websocket.DefaultDialer.Dial(streamURL(e, 0), http.Header{"Origin": {"http://evil.test"}, "Sec-Fetch-Site": {"cross-site"}})
	require.Error(t, err, "an origin not allowed")
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
}

func TestWrapLeavesGraphAndControlToTheEmulator(t *testing.T) {
	t.Parallel()
	e := startEmulator(t, false)
	for path, want := range map[string]string{
		"/":                      "text/html",
		"/_messemu/ui/app.js":    "text/javascript",
		"/_messemu/ui/style.css": "text/css",
		"/_messemu/v1/clock":     "application/json",
		"/v26.0/me?access_token=" + fakegraph.DefaultPageToken: "application/json",
	} {
		resp, err := http.Get(e.url + path)
		require.NoError(t, err)
		_ = resp.Body.Close()
		assert.Equal(t, http.StatusOK, resp.StatusCode, path)
		assert.Contains(t, resp.Header.Get("Content-Type"), want, path)
	}
}

// A browser asks for /favicon.ico whatever the page names as its icon: it
// gets the icon, and the journal no refused Graph call.
func TestFaviconIsThePagesIconNotARefusedCall(t *testing.T) {
	t.Parallel()
	e := startEmulator(t, false)
	before := e.srv.Journal().Last()
	resp, err := http.Get(e.url + "/favicon.ico")
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "image/svg+xml", resp.Header.Get("Content-Type"))
	assert.Contains(t, string(body), "<svg")
	assert.Equal(t, before, e.srv.Journal().Last(), "the icon is not journalled")
	// With a token or a query it is a Graph call, answered as one.
	resp, err = http.Get(e.url + "/favicon.ico?access_token=" + fakegraph.DefaultPageToken)
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Contains(t, resp.Header.Get("Content-Type"), "application/json")
}

func TestGraphCallsToTheRootStillReachTheEmulator(t *testing.T) {
	t.Parallel()
	e := startEmulator(t, false)
	// A batch request is a POST to "/": the Graph API answers it, not the page.
	resp, err := http.Post(e.url+"/?access_token="+fakegraph.DefaultPageToken, "application/x-www-form-urlencoded",
		strings.NewReader(`batch=[{"method":"GET","relative_url":"me"}]`))
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, resp.Header.Get("Content-Type"), "application/json")
}

// TestStreamNeedsWhatTheControlAPINeeds: with a control token, the
// journal stream answers only its bearers (as ?token=, which a browser's
// websocket can send, or the header), as the control API does.
func TestStreamNeedsWhatTheControlAPINeeds(t *testing.T) {
	t.Parallel()
	e := startEmulator(t, false, fakegraph.WithControlToken("s3cret"))
	_, resp, err := websocket.DefaultDialer.Dial(streamURL(e, 0), nil)
	require.Error(t, err, "no token")
	require.NotNil(t, resp)
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	_, resp, err = websocket.DefaultDialer.Dial(streamURL(e, 0)+"&token=wrong", nil)
	require.Error(t, err, "a wrong token")
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)

	// The token guards the emulator: the page answers a LAN host's name
	// (as the control API then does), the stream still only the token.
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, e.url+"/", nil)
	require.NoError(t, err)
	req.Host = "devbox.lan:8765"
	page, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	_ = page.Body.Close()
	assert.Equal(t, http.StatusOK, page.StatusCode, "the page under a LAN name")
	_, resp, err = websocket.DefaultDialer.Dial(streamURL(e, 0), http.Header{"Host": {"devbox.lan:8765"}})
	require.Error(t, err, "the stream under a LAN name, without the token")
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	lan, _, err := websocket.DefaultDialer.Dial(streamURL(e, 0)+"&token=s3cret", http.Header{"Host": {"devbox.lan:8765"}})
	require.NoError(t, err, "the stream under a LAN name, with the token")
	_ = lan.Close()

	userSays(t, e, 1)
	conn, _, err := websocket.DefaultDialer.Dial(streamURL(e, 0)+"&token=s3cret", nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close() })
	assert.NotEmpty(t, readUntil(t, conn, e.srv.Journal().Last()))
	dial(t, e, 0, http.Header{"Authorization": {"Bearer s3cret"}})
}

// TestStreamRefusesAnotherMachine: without a control token the journal
// stream, like the control API, answers this machine only. The other
// machine is this one reached on a non-loopback address.
func TestStreamRefusesAnotherMachine(t *testing.T) {
	t.Parallel()
	ip := nonLoopbackIP(t)
	srv := fakegraph.New()
	ui := webui.New(srv)
	require.NoError(t, srv.StartWith(net.JoinHostPort(ip, "0"), ui.Wrap))
	t.Cleanup(func() { ui.Close(); _ = srv.Close() })
	e := &emulator{srv: srv, ui: ui, url: srv.URL()}
	_, resp, err := websocket.DefaultDialer.Dial(streamURL(e, 0), nil)
	require.Error(t, err, "a peer on %s", ip)
	require.NotNil(t, resp)
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
}

// nonLoopbackIP is an address of this machine other than loopback, or
// the test skips: a machine with none cannot play another machine.
func nonLoopbackIP(t *testing.T) string {
	t.Helper()
	addrs, err := net.InterfaceAddrs()
	require.NoError(t, err)
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && !n.IP.IsLoopback() && n.IP.To4() != nil {
			return n.IP.String()
		}
	}
	t.Skip("this machine has no non-loopback IPv4 address to play another machine")
	return ""
}
