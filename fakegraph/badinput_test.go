package fakegraph

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The bad-input table: hostile and broken requests sent over a real
// socket, each answered with the Graph error (or, under /_messemu/, the
// control error) it deserves, never a 5xx, a panic or a hang; after each
// one the server still serves.

// badInput is one hostile request.
type badInput struct {
	name string
	// send writes the request on conn (and may stall).
	send func(t *testing.T, conn net.Conn, host string)
	// status and code are the answer wanted: code is the Graph error code,
	// or 0 for the control API's envelope (type MessemuControlError). A
	// status of 0 means the server must close the connection unanswered
	// (a client too slow to finish its request).
	status, code int
	// contains, when set, is a piece of the answer's message.
	contains string
	// slow cases run against a listener with short read timeouts.
	slow bool
}

// request writes a request with body; headers are extra header lines.
func request(method, path, ctype string, body []byte, headers ...string) func(*testing.T, net.Conn, string) {
	return func(t *testing.T, conn net.Conn, host string) {
		t.Helper()
		var b bytes.Buffer
		b.WriteString(method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\n")
		if ctype != "" {
			b.WriteString("Content-Type: " + ctype + "\r\n")
		}
		for _, h := range headers {
			b.WriteString(h + "\r\n")
		}
		b.WriteString("Content-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n")
		b.Write(body)
		_, err := conn.Write(b.Bytes())
		require.NoError(t, err)
	}
}

const sendPath = "/v26.0/me/messages?access_token=" + DefaultPageToken

func badInputs(t *testing.T) []badInput {
	deep := []byte(`{"recipient":{"id":"` + alice + `"},"message":` + strings.Repeat(`{"a":`, 20000) + `1` + strings.Repeat(`}`, 20000) + `}`)
	deepArray := []byte(`{"recipient":{"id":"` + alice + `"},"message":{"text":"hi","quick_replies":` + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + `}}`)
	huge := append([]byte(`{"recipient":{"id":"`+alice+`"},"message":{"text":"`), bytes.Repeat([]byte("a"), DefaultBodyLimit+1024)...)
	huge = append(huge, `"}}`...)
	longText := append([]byte(`{"recipient":{"id":"`+alice+`"},"message":{"text":"`), bytes.Repeat([]byte("a"), 2<<20)...)
	longText = append(longText, `"}}`...)
	parts, partsType := manyParts(t, 200_000)
	manyHeaders := make([]string, 5000)
	for i := range manyHeaders {
		manyHeaders[i] = "X-Filler-" + strconv.Itoa(i) + ": v"
	}
	return []badInput{
		{name: "malformed JSON", send: request("POST", sendPath, "application/json", []byte(`{"recipient":{"id":`)), status: 400, code: 100},
		{name: "JSON with trailing data", send: request("POST", sendPath, "application/json", []byte(`{"recipient":{"id":"1"}} {}`)), status: 400, code: 100},
		{name: "JSON that is not an object", send: request("POST", sendPath, "application/json", []byte(`[1,2,3]`)), status: 400, code: 100},
		{name: "deeply nested objects", send: request("POST", sendPath, "application/json", deep), status: 400, code: 100},
		{name: "deeply nested arrays", send: request("POST", sendPath, "application/json", deepArray), status: 400, code: 100},
		{name: "body over the cap", send: request("POST", sendPath, "application/json", huge), status: 400, code: 100},
		{name: "text of 2 MB", send: request("POST", sendPath, "application/json", longText), status: 400, code: 100, contains: "Length of param message[text]"},
		{name: "invalid UTF-8 in JSON text", send: request("POST", sendPath, "application/json", []byte("{\"recipient\":{\"id\":\""+alice+"\"},\"message\":{\"text\":\"\xff\xfe\"}}")), status: 400, code: 100, contains: "UTF-8"},
		{name: "invalid UTF-8 in a form value", send: request("POST", sendPath, "application/x-www-form-urlencoded", []byte(`recipient={"id":"`+alice+`"}&message={"text":"%FF%FE"}`)), status: 400, code: 100},
		{name: "malformed form escape", send: request("POST", sendPath, "application/x-www-form-urlencoded", []byte(`recipient=%zz`)), status: 400, code: 100},
		{name: "200,000 multipart parts", send: request("POST", "/v26.0/me/message_attachments?access_token="+DefaultPageToken, partsType, parts), status: 400, code: 100},
		{name: "multipart without a boundary", send: request("POST", sendPath, "multipart/form-data", []byte("--x\r\n")), status: 400, code: 100},
		{name: "multipart cut short", send: request("POST", sendPath, "multipart/form-data; boundary=x", []byte("--x\r\nContent-Disposition: form-data; name=\"message\"\r\n\r\n{\"te")), status: 400, code: 100},
		{name: "5000 headers", send: request("POST", sendPath, "application/json", []byte(`{"recipient":{"id":"1"}}`), manyHeaders...), status: 400, code: 100},
		{name: "unknown version", send: request("GET", "/v99.0/me?access_token="+DefaultPageToken, "", nil), status: 400, code: 2500},
		{name: "no token", send: request("POST", "/v26.0/me/messages", "application/json", []byte(`{}`)), status: 400, code: 104},
		{name: "token an object", send: request("POST", "/v26.0/me/messages", "application/json", []byte(`{"access_token":{}}`)), status: 400, code: 190},
		{name: "token a list", send: request("POST", "/v26.0/me/messages", "application/json", []byte(`{"access_token":["EAA"]}`)), status: 400, code: 190},
		{name: "unknown token", send: request("POST", "/v26.0/me/messages?access_token=EAAgarbled", "application/json", []byte(`{}`)), status: 400, code: 190},
		// The token and the route come before the body (§2), where they
		// can be read without it.
		{name: "malformed JSON with an unknown token", send: request("POST", "/v26.0/me/messages?access_token=EAAgarbled", "application/json", []byte(`{"recipient":`)), status: 400, code: 190},
		{name: "malformed JSON with an unknown bearer token", send: request("POST", "/v26.0/me/messages", "application/json", []byte(`{"recipient":`), "Authorization: Bearer EAAgarbled"), status: 400, code: 190},
		{name: "malformed JSON on an unknown edge", send: request("POST", "/v26.0/me/nosuch?access_token="+DefaultPageToken, "application/json", []byte(`{"recipient":`)), status: 400, code: 2500},
		{name: "malformed JSON on an unknown version with an unknown token", send: request("POST", "/v99.0/me/messages?access_token=EAAgarbled", "application/json", []byte(`{"recipient":`)), status: 400, code: 190},
		{name: "malformed JSON with an empty proof in the query", send: request("POST", sendPath+"&appsecret_proof=", "application/json", []byte(`{"recipient":`)), status: 400, code: 100, contains: "Invalid appsecret_proof"},
		{name: "malformed JSON to another Page's node", send: request("POST", "/v26.0/123456789012345/messages?access_token="+DefaultPageToken, "application/json", []byte(`{"recipient":`)), status: 400, code: 100, contains: "Unsupported post request"},
		{name: "an empty JSON proof on an unknown version", send: request("POST", "/v99.0/me/messages", "application/json", []byte(`{"access_token":"`+DefaultPageToken+`","appsecret_proof":""}`)), status: 400, code: 2500},
		{name: "malformed form with the token in it", send: request("POST", "/v26.0/me/messages", "application/x-www-form-urlencoded", []byte(`access_token=EAAgarbled&recipient=%zz`)), status: 400, code: 100},
		{name: "token of invalid UTF-8", send: request("POST", "/v26.0/me/messages?access_token=%00%ff", "application/json", []byte(`{}`)), status: 400, code: 100, contains: "access_token must be a non-empty UTF-8 encoded string"},
		{name: "control: malformed JSON", send: request("POST", "/_messemu/v1/users", "application/json", []byte(`{"name":`)), status: 400},
		{name: "control: deeply nested", send: request("POST", "/_messemu/v1/users", "application/json", deep), status: 400},
		{name: "control: body over 1 MiB", send: request("POST", "/_messemu/v1/users", "application/json", longText), status: 413, contains: "1 MiB"},
		{name: "control: huge clock advance", send: request("POST", "/_messemu/v1/clock/advance", "application/json", []byte(`{"duration":"99999999999h"}`)), status: 400},
		{name: "control: cross-site", send: request("POST", "/_messemu/v1/reset", "text/plain", nil, "Origin: http://evil.example"), status: 403},
		{name: "slow headers", send: func(t *testing.T, conn net.Conn, host string) {
			_, err := io.WriteString(conn, "GET /v26.0/me HTTP/1.1\r\nHost: "+host+"\r\nX-Slow: a")
			require.NoError(t, err) // and never more
		}, slow: true},
		{name: "slow body", send: func(t *testing.T, conn net.Conn, host string) {
			_, err := io.WriteString(conn, "POST "+sendPath+" HTTP/1.1\r\nHost: "+host+"\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"recipient\":")
			require.NoError(t, err) // and never more
		}, status: 400, code: 100, slow: true},
	}
}

func TestBadInputOverARealListener(t *testing.T) { // not parallel: tens of megabytes per case; alone it takes seconds, under a loaded -race run minutes
	s := New()
	addr := startListening(t, s)
	// Alice has written, so a send to her is judged on its content.
	_, err := s.UserSends(DefaultPageID, alice, UserMessageRequest{Text: "hi"})
	require.NoError(t, err)
	// Slow clients meet short timeouts, so the table runs in seconds.
	slowAddr := startListening(t, New(WithTimeouts(Timeouts{ReadHeader: 300 * time.Millisecond, Read: 600 * time.Millisecond})))
	for _, c := range badInputs(t) {
		t.Run(c.name, func(t *testing.T) {
			addr := addr
			if c.slow {
				addr = slowAddr
			}
			conn, err := net.Dial("tcp", addr)
			require.NoError(t, err)
			defer conn.Close()
			require.NoError(t, conn.SetDeadline(time.Now().Add(2*time.Minute)))
			c.send(t, conn, addr)
			resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
			if c.status == 0 {
				var ne net.Error
				require.False(t, errors.As(err, &ne) && ne.Timeout(), "the server held a stalled client for 2 min")
				require.Error(t, err, "a client too slow to send its request gets no answer, only a closed connection")
			} else {
				require.NoError(t, err)
				defer resp.Body.Close()
				body, err := io.ReadAll(resp.Body)
				require.NoError(t, err)
				assert.Equal(t, c.status, resp.StatusCode, "%s", body)
				var env struct {
					Error struct {
						Message   string `json:"message"`
						Type      string `json:"type"`
						Code      int    `json:"code"`
						FBTraceID string `json:"fbtrace_id"`
					} `json:"error"`
				}
				require.NoError(t, json.Unmarshal(body, &env), "the answer is not JSON: %q", body)
				if c.code != 0 {
					assert.Equal(t, c.code, env.Error.Code, env.Error.Message)
					assert.NotEmpty(t, env.Error.FBTraceID, "a Graph error carries fbtrace_id")
				} else {
					assert.Equal(t, "MessemuControlError", env.Error.Type, env.Error.Message)
				}
				assert.Contains(t, env.Error.Message, c.contains)
			}
			// And the server still serves.
			ok, err := http.Get("http://" + addr + "/v26.0/me?access_token=" + DefaultPageToken)
			require.NoError(t, err)
			ok.Body.Close()
			assert.Equal(t, 200, ok.StatusCode)
		})
	}
}

// TestHeadersOverTheLimitAreRefusedByNetHTTP documents the one bad input
// answered before any emulator code runs: more than 1 MB of headers gets
// net/http's own 431, not a Graph error. The server serves on.
func TestHeadersOverTheLimitAreRefusedByNetHTTP(t *testing.T) {
	t.Parallel()
	addr := startListening(t, New())
	conn, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer conn.Close()
	require.NoError(t, conn.SetDeadline(time.Now().Add(2*time.Minute)))
	big := "X-Big: " + strings.Repeat("a", 2<<20)
	request("GET", "/v26.0/me?access_token="+DefaultPageToken, "", nil, big)(t, conn, addr)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusRequestHeaderFieldsTooLarge, resp.StatusCode)
	ok, err := http.Get("http://" + addr + "/v26.0/me?access_token=" + DefaultPageToken)
	require.NoError(t, err)
	ok.Body.Close()
	assert.Equal(t, 200, ok.StatusCode)
}
