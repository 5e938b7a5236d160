package fakegraph

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// controlDo sends one request to a real listener with the given Host and
// headers, and returns the status and body.
func guardDo(t *testing.T, base, method, path, host string, hdr map[string]string, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, base+path, strings.NewReader(body))
	require.NoError(t, err)
	if host != "" {
		req.Host = host
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

func TestControlRefusesCrossSiteAndRebinding(t *testing.T) {
	t.Parallel()
	s := New()
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	port := srv.URL[strings.LastIndexByte(srv.URL, ':')+1:]

	cases := []struct {
		name   string
		method string
		path   string
		host   string
		hdr    map[string]string
		want   int
	}{
		{"curl", "GET", "/_messemu/v1/clock", "", nil, 200},
		{"localhost host", "GET", "/_messemu/v1/clock", "localhost:" + port, nil, 200},
		{"ipv6 loopback host", "GET", "/_messemu/v1/clock", "[::1]:" + port, nil, 200},
		{"other loopback ip", "GET", "/_messemu/v1/clock", "127.0.0.2", nil, 200},
		{"graph host (intercept)", "GET", "/_messemu/v1/clock", "graph.facebook.com", nil, 200},
		{"rebinding host reads pages", "GET", "/_messemu/v1/pages", "evil.example:" + port, nil, 403},
		{"rebinding host resolving to loopback", "GET", "/_messemu/v1/journal", "127.0.0.1.nip.io:" + port, nil, 403},
		{"lan ip not ours", "GET", "/_messemu/v1/clock", "192.0.2.7:" + port, nil, 403},
		{"cross-site text/plain reset", "POST", "/_messemu/v1/reset", "", map[string]string{"Origin": "http://evil.example", "Content-Type": "text/plain"}, 403},
		{"sec-fetch-site cross-site", "POST", "/_messemu/v1/clock/advance", "", map[string]string{"Sec-Fetch-Site": "cross-site"}, 403},
		{"null origin", "POST", "/_messemu/v1/reset", "", map[string]string{"Origin": "null"}, 403},
		{"local dev page origin", "GET", "/_messemu/v1/clock", "", map[string]string{"Origin": "http://localhost:3000", "Sec-Fetch-Site": "same-site"}, 200},
		{"same origin", "GET", "/_messemu/v1/clock", "", map[string]string{"Origin": srv.URL, "Sec-Fetch-Site": "same-origin"}, 200},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, body := guardDo(t, srv.URL, c.method, c.path, c.host, c.hdr, "")
			assert.Equal(t, c.want, status, "body: %s", body)
			if c.want == 403 {
				assert.Contains(t, body, `"type":"MessemuControlError"`)
				assert.NotContains(t, body, DefaultPageToken)
			}
		})
	}
	for _, e := range s.Journal().After(0, 1000) {
		assert.NotEqual(t, "reset", e.API, "a refused reset was carried out")
	}
}

func TestGraphAPIKeepsCORSForOtherSites(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(New().Handler())
	t.Cleanup(srv.Close)
	status, _ := guardDo(t, srv.URL, "GET", "/v26.0/me?access_token="+DefaultPageToken, "evil.example", map[string]string{"Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site"}, "")
	assert.Equal(t, 200, status, "the Graph API is not the control API")

	req, err := http.NewRequest("OPTIONS", srv.URL+"/v26.0/me/messages", nil)
	require.NoError(t, err)
	req.Header.Set("Origin", "http://evil.example")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, "*", resp.Header.Get("Access-Control-Allow-Origin"))
}

func TestControlTokenOptIn(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(New(WithControlToken("s3cret-control")).Handler())
	t.Cleanup(srv.Close)
	status, body := guardDo(t, srv.URL, "GET", "/_messemu/v1/clock", "", nil, "")
	assert.Equal(t, 403, status, body)
	assert.Contains(t, body, "--control-token")
	assert.Contains(t, body, "record and replay take --control-token")
	status, body = guardDo(t, srv.URL, "GET", "/_messemu/v1/clock", "", map[string]string{"Authorization": "Bearer s3cret-contro"}, "")
	assert.Equal(t, 403, status, "a wrong token")
	assert.Contains(t, body, "is not this emulator's --control-token", "a wrong token is told from a missing one")
	status, body = guardDo(t, srv.URL, "GET", "/_messemu/v1/clock", "devbox.lan:8765", map[string]string{"Authorization": "Bearer s3cret-control"}, "")
	assert.Equal(t, 200, status, "the token opens the API to any Host: %s", body)
	status, _ = guardDo(t, srv.URL, "POST", "/_messemu/v1/reset", "", map[string]string{"Authorization": "Bearer s3cret-control", "Origin": "http://evil.example"}, "")
	assert.Equal(t, 403, status, "cross-site stays refused with a token")
}

// networked makes r look as if it came over a socket to local.
func networked(r *http.Request, local, remote string) *http.Request {
	addr, err := net.ResolveTCPAddr("tcp", local)
	if err != nil {
		panic(err)
	}
	r = r.WithContext(context.WithValue(r.Context(), http.LocalAddrContextKey, addr))
	r.RemoteAddr = remote
	return r
}

func TestControlRefusesOtherMachinesWithoutToken(t *testing.T) {
	t.Parallel()
	s := New()
	r := networked(httptest.NewRequest("GET", "/_messemu/v1/clock", nil), "192.0.2.1:8765", "192.0.2.50:40000")
	r.Host = "192.0.2.1:8765" // the listener's own address
	err := s.checkControl(r)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "--control-token")

	r.RemoteAddr = "127.0.0.1:40000" // a browser on this machine that opened the LAN address
	assert.NoError(t, s.checkControl(r))

	tok := New(WithControlToken("t0k"))
	r.RemoteAddr = "192.0.2.50:40000"
	r.Header.Set("Authorization", "bearer t0k")
	assert.NoError(t, tok.checkControl(r))
}

func TestLocalRequest(t *testing.T) {
	t.Parallel()
	inProcess := httptest.NewRequest("GET", "/_messemu/v1/clock", nil) // Host example.com
	assert.NoError(t, LocalRequest(inProcess), "in-process callers (testkit) are this process")

	r := networked(httptest.NewRequest("GET", "/ws", nil), "127.0.0.1:8765", "127.0.0.1:5000")
	r.Host = "messemu.internal:8765"
	assert.Error(t, LocalRequest(r))
	assert.NoError(t, LocalRequest(r, "messemu.internal:8765"), "a listen address given by the caller")
	r.Host = "LOCALHOST.:8765"
	assert.NoError(t, LocalRequest(r))
	r.Header.Set("Origin", "https://evil.example")
	assert.Error(t, LocalRequest(r))
}

// A bot that refuses the handshake with 403 is asked about its verify
// token, which is what such a bot refuses.
func TestHandshakeRefusedAsksAboutTheVerifyToken(t *testing.T) {
	t.Parallel()
	bot := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "bad verify token", http.StatusForbidden)
	}))
	t.Cleanup(bot.Close)
	s := New(WithVerifyToken("my-token"))
	t.Cleanup(func() { _ = s.Close() })
	err := s.ReplaceWebhook(WebhookConfig{URL: bot.URL + "/webhook"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `the bot answered HTTP 403 (want 200 with the challenge as the body): is its verify token "my-token", the one messemu sends?`)
}

// TestControlFormBodySaysJSON: a form body (curl -d 'text=hi', Python's
// requests with data=) is told the control API takes JSON, not Go's
// parser error.
func TestControlFormBodySaysJSON(t *testing.T) {
	t.Parallel()
	s := New()
	code, body := control(t, s, "POST", "users/"+alice+"/messages", "text=hi")
	assert.Equal(t, 400, code)
	assert.Contains(t, body, "the control API takes a JSON body, not a form")
	code, body = control(t, s, "POST", "users/"+alice+"/messages", `{"text":`)
	assert.Equal(t, 400, code)
	assert.Contains(t, body, "the body is not valid JSON", "broken JSON is said to be broken JSON")
}

// TestControlTapsByPayload: the control API taps a quick reply or a
// postback button by its payload alone, as scenarios and `messemu record`
// name them.
func TestControlTapsByPayload(t *testing.T) {
	t.Parallel()
	s := New()
	userWrites(t, s, alice)
	mustGraph(t, s, "POST", "/me/messages", `{"recipient":{"id":"`+alice+`"},"messaging_type":"RESPONSE","message":{"text":"Colour?","quick_replies":[{"content_type":"text","title":"Red","payload":"RED"},{"content_type":"text","title":"Blue","payload":"BLUE"}]}}`)
	code, body := control(t, s, "POST", "users/"+alice+"/quick_replies", `{"payload":"PINK"}`)
	assert.Equal(t, 400, code)
	assert.Contains(t, body, `no quick reply with payload \"PINK\"`)
	code, body = control(t, s, "POST", "users/"+alice+"/quick_replies", `{"payload":"BLUE"}`)
	require.Equal(t, 200, code, body)
	thread, err := s.Thread(DefaultPageID, alice)
	require.NoError(t, err)
	assert.Contains(t, string(thread[len(thread)-1].Body), `"quick_reply":{"payload":"BLUE"}`)
	assert.Contains(t, string(thread[len(thread)-1].Body), `"text":"Blue"`)
	code, body = control(t, s, "POST", "users/"+alice+"/quick_replies", `{"title":"Red","payload":"RED"}`)
	assert.Equal(t, 400, code, "one way of naming it: %s", body)

	mustGraph(t, s, "POST", "/me/messages", `{"recipient":{"id":"`+alice+`"},"messaging_type":"RESPONSE","message":{"attachment":{"type":"template","payload":{"template_type":"button","text":"Sure?","buttons":[{"type":"web_url","title":"Terms","url":"https://example.com/terms"},{"type":"postback","title":"Yes","payload":"CONFIRM"},{"type":"postback","title":"No","payload":"CANCEL"}]}}}}`)
	code, body = control(t, s, "POST", "users/"+alice+"/postbacks", `{"payload":"CANCEL"}`)
	require.Equal(t, 200, code, body)
	assert.Contains(t, body, `"title":"No"`)
	assert.Contains(t, body, `"payload":"CANCEL"`)
	code, body = control(t, s, "POST", "users/"+alice+"/postbacks", `{"payload":"NOPE"}`)
	assert.Equal(t, 400, code)
	assert.Contains(t, body, `no postback button with payload \"NOPE\"`)
}
