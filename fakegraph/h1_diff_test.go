package fakegraph

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// The short road (internal/h1) must answer Graph calls as net/http does:
// the same requests, byte for byte, go to a server started by default and
// to one started WithStandardHTTP, and the answers are compared.

// diffRoadHeader is set by the test's wrap: which writer served the call
// (only net/http's is an http.Flusher).
const diffRoadHeader = "X-Diff-Road"

func tagRoad(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		road := "h1"
		if _, ok := w.(http.Flusher); ok {
			road = "net/http"
		}
		w.Header().Set(diffRoadHeader, road)
		h.ServeHTTP(w, r)
	})
}

// diffServer starts a deterministic emulator (frozen clock, seeded ids)
// and has alice write first, so that sends are inside the 24-hour window.
func diffServer(t *testing.T, extra ...Option) string {
	t.Helper()
	opts := append([]Option{WithClock(NewFrozenClock(testStart)), WithIDSeed(11), WithBodyLimit(64 << 10)}, extra...)
	s := New(opts...)
	if err := s.StartWith("127.0.0.1:0", tagRoad); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	resp, err := http.Post(s.URL()+"/_messemu/v1/users/"+alice+"/messages", "application/json", strings.NewReader(`{"text":"hi"}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("alice's first message: %s %s", resp.Status, b)
	}
	return strings.TrimPrefix(s.URL(), "http://")
}

// diffAnswer is what a client can tell of one answer, framing aside.
type diffAnswer struct {
	Status string
	Header http.Header
	Close  bool // Connection: close, which ReadResponse takes out of Header
	JSON   any  // the body decoded, when it is JSON
	Body   string
	Road   string
}

// diffIgnored are headers that differ between any two answers (the
// clock, per-answer ids) or are framing, which the short road may choose
// otherwise (it never chunks).
var diffIgnored = []string{"Date", "X-Fb-Trace-Id", "X-Fb-Request-Id", "Content-Length", "Transfer-Encoding"}

// diffExchange writes raw on a new connection and reads the answers to
// the requests it holds (methods, in order).
func diffExchange(t *testing.T, addr, raw string, methods []string) []diffAnswer {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.SetDeadline(time.Now().Add(30 * time.Second)); err != nil {
		t.Fatal(err)
	}
	wrote := make(chan struct{})
	go func() {
		defer close(wrote)
		_, _ = io.WriteString(c, raw) // an early answer and close is read below
	}()
	defer func() { <-wrote }()
	br := bufio.NewReader(c)
	var out []diffAnswer
	for _, m := range methods {
		resp, err := http.ReadResponse(br, &http.Request{Method: m})
		if err != nil {
			out = append(out, diffAnswer{Status: "no answer"})
			return out
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			body = append(body, "<cut off: "+err.Error()+">"...)
		}
		h := resp.Header.Clone()
		road := h.Get(diffRoadHeader)
		h.Del(diffRoadHeader)
		for _, k := range diffIgnored {
			h.Del(k)
		}
		a := diffAnswer{Status: resp.Proto + " " + resp.Status, Header: h, Close: resp.Close, Road: road}
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		var v any
		if json.Valid(body) && dec.Decode(&v) == nil {
			a.JSON = v
		} else {
			a.Body = string(body)
		}
		out = append(out, a)
		if resp.StatusCode >= 200 && resp.Close {
			break
		}
	}
	return out
}

type diffReq struct {
	name    string
	raw     string
	methods []string // of the requests in raw; one POST when nil
	// roadsWant are the roads of the default server's answers: all the
	// short road's when nil.
	roadsWant []string
	// status, when set, is the last answer's status on both servers: the
	// corpus does what its names say (a send inside the window succeeds).
	status int
}

// graphReq is a request's bytes with a Host, the extra lines, and a
// Content-Length when body is not "".
func graphReq(method, target, body string, lines ...string) string {
	var b strings.Builder
	b.WriteString(method + " " + target + " HTTP/1.1\r\nHost: graph.test\r\n")
	for _, l := range lines {
		b.WriteString(l + "\r\n")
	}
	if body != "" || method == "POST" {
		b.WriteString("Content-Length: " + strconv.Itoa(len(body)) + "\r\n")
	}
	b.WriteString("\r\n" + body)
	return b.String()
}

const jsonType = "Content-Type: application/json"

func diffSendBody(message string) string {
	return `{"recipient":{"id":"` + alice + `"},"messaging_type":"RESPONSE","message":` + message + `}`
}

func diffCorpus() []diffReq {
	tok := "access_token=" + DefaultPageToken
	send := "/v26.0/me/messages?" + tok
	profile := "/v26.0/me/messenger_profile?" + tok
	batch := `[{"method":"GET","relative_url":"me"},{"method":"POST","relative_url":"me/messages","body":"recipient={\"id\":\"` + alice + `\"}&message={\"text\":\"in a batch\"}&messaging_type=RESPONSE"}]`
	form := url.Values{
		"recipient":      {`{"id":"` + alice + `"}`},
		"message":        {`{"text":"a form"}`},
		"messaging_type": {"RESPONSE"},
	}.Encode()
	multipart := "--XYZ\r\nContent-Disposition: form-data; name=\"message\"\r\n\r\n{\"attachment\":{\"type\":\"image\",\"payload\":{\"is_reusable\":true}}}\r\n" +
		"--XYZ\r\nContent-Disposition: form-data; name=\"filedata\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n\x89PNG\r\n\x1a\n0000\r\n--XYZ--\r\n"
	huge := `{"recipient":{"id":"` + alice + `"},"message":{"text":"` + strings.Repeat("x", 100<<10) + `"}}`
	handed := []string{"net/http"}
	return []diffReq{
		{name: "text", raw: graphReq("POST", send, diffSendBody(`{"text":"hello"}`), jsonType), status: 200},
		{name: "text, charset", raw: graphReq("POST", send, diffSendBody(`{"text":"h\u00e9llo \ud83d\ude00"}`), "Content-Type: application/json; charset=utf-8")},
		{name: "quick replies", raw: graphReq("POST", send, diffSendBody(`{"text":"Pick","quick_replies":[{"content_type":"text","title":"Red","payload":"RED"},{"content_type":"text","title":"Blue","payload":"BLUE"}]}`), jsonType)},
		{name: "button template", raw: graphReq("POST", send, diffSendBody(`{"attachment":{"type":"template","payload":{"template_type":"button","text":"Sure?","buttons":[{"type":"web_url","title":"Terms","url":"https://example.com/terms"},{"type":"postback","title":"Yes","payload":"YES"}]}}}`), jsonType)},
		{name: "generic template", raw: graphReq("POST", send, diffSendBody(`{"attachment":{"type":"template","payload":{"template_type":"generic","elements":[{"title":"Mug","subtitle":"Blue","image_url":"https://example.com/m.png","buttons":[{"type":"postback","title":"Buy","payload":"BUY"}]}]}}}`), jsonType)},
		{name: "sender action", raw: graphReq("POST", send, `{"recipient":{"id":"`+alice+`"},"sender_action":"typing_on"}`, jsonType)},
		{name: "unknown recipient", raw: graphReq("POST", send, `{"recipient":{"id":"`+nobody+`"},"messaging_type":"RESPONSE","message":{"text":"x"}}`, jsonType)},
		{name: "outside the window", raw: graphReq("POST", send, `{"recipient":{"id":"`+bob+`"},"messaging_type":"RESPONSE","message":{"text":"x"}}`, jsonType), status: 400},
		{name: "bad token", raw: graphReq("POST", "/v26.0/me/messages?access_token=EAAnotatoken", diffSendBody(`{"text":"x"}`), jsonType), status: 400},
		{name: "no token", raw: graphReq("POST", "/v26.0/me/messages", diffSendBody(`{"text":"x"}`), jsonType)},
		{name: "token in Authorization", raw: graphReq("POST", "/v26.0/me/messages", diffSendBody(`{"text":"bearer"}`), jsonType, "Authorization: Bearer "+DefaultPageToken)},
		{name: "bad JSON", raw: graphReq("POST", send, `{"recipient":{"id":`, jsonType)},
		{name: "JSON not an object", raw: graphReq("POST", send, `[1,2]`, jsonType)},
		{name: "wrong content type", raw: graphReq("POST", send, diffSendBody(`{"text":"x"}`), "Content-Type: text/plain")},
		{name: "no content type", raw: graphReq("POST", send, diffSendBody(`{"text":"x"}`))},
		{name: "form body", raw: graphReq("POST", send, form, "Content-Type: application/x-www-form-urlencoded")},
		{name: "empty body", raw: graphReq("POST", send, "", jsonType)},
		{name: "query and body", raw: graphReq("POST", send+"&messaging_type=RESPONSE&recipient="+url.QueryEscape(`{"id":"`+alice+`"}`), `{"message":{"text":"split"}}`, jsonType)},
		{name: "invalid UTF-8", raw: graphReq("POST", send, diffSendBody("{\"text\":\"bad \xff\xfe bytes\"}"), jsonType)},
		{name: "body over the limit", raw: graphReq("POST", send, huge, jsonType), status: 400},
		{name: "attachment upload", raw: graphReq("POST", "/v26.0/me/message_attachments?"+tok, multipart, "Content-Type: multipart/form-data; boundary=XYZ")},
		{name: "GET /me", raw: graphReq("GET", "/v26.0/me?"+tok, ""), methods: []string{"GET"}},
		{name: "GET /me with fields", raw: graphReq("GET", "/v26.0/me?fields=id,name&"+tok, "", "Accept: */*", "User-Agent: diff/1"), methods: []string{"GET"}, status: 200},
		{name: "GET a user", raw: graphReq("GET", "/v26.0/"+alice+"?fields=first_name,last_name,profile_pic,locale&"+tok, ""), methods: []string{"GET"}},
		{name: "GET an unknown id", raw: graphReq("GET", "/v26.0/"+nobody+"?"+tok, ""), methods: []string{"GET"}},
		{name: "GET unversioned", raw: graphReq("GET", "/me?"+tok, ""), methods: []string{"GET"}},
		{name: "GET an old version", raw: graphReq("GET", "/v2.0/me?"+tok, ""), methods: []string{"GET"}},
		{name: "unknown path", raw: graphReq("GET", "/v26.0/me/nothing_here?"+tok, ""), methods: []string{"GET"}},
		{name: "profile set", raw: graphReq("POST", profile, `{"greeting":[{"locale":"default","text":"Hello!"}]}`, jsonType)},
		{name: "profile read", raw: graphReq("GET", profile+"&fields=greeting", ""), methods: []string{"GET"}},
		{name: "DELETE with a body", raw: graphReq("DELETE", profile, `{"fields":["greeting"]}`, jsonType), methods: []string{"DELETE"}},
		{name: "DELETE with query fields", raw: graphReq("DELETE", profile+"&fields=%5B%22greeting%22%5D", ""), methods: []string{"DELETE"}},
		{name: "batch", raw: graphReq("POST", "/", tok+"&batch="+url.QueryEscape(batch), "Content-Type: application/x-www-form-urlencoded"), status: 200},
		{name: "batch, JSON", raw: graphReq("POST", "/?"+tok, `{"batch":`+batch+`}`, jsonType)},
		{name: "wrong method", raw: graphReq("PUT", send, diffSendBody(`{"text":"x"}`), jsonType), roadsWant: handed},
		{name: "OPTIONS preflight", raw: graphReq("OPTIONS", "/v26.0/me/messages", "", "Origin: http://localhost:3000", "Access-Control-Request-Method: POST", "Access-Control-Request-Headers: content-type"),
			methods: []string{"OPTIONS"}, roadsWant: handed},
		{name: "HEAD", raw: graphReq("HEAD", "/v26.0/me?"+tok, ""), methods: []string{"HEAD"}, roadsWant: handed},
		{name: "HTTP/1.0", raw: "GET /v26.0/me?" + tok + " HTTP/1.0\r\nHost: graph.test\r\n\r\n", methods: []string{"GET"}, roadsWant: handed},
		{name: "chunked body", raw: "POST " + send + " HTTP/1.1\r\nHost: graph.test\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" +
			strconv.FormatInt(int64(len(diffSendBody(`{"text":"chunked"}`))), 16) + "\r\n" + diffSendBody(`{"text":"chunked"}`) + "\r\n0\r\n\r\n", roadsWant: handed},
		{name: "Expect: 100-continue", raw: graphReq("POST", send, diffSendBody(`{"text":"expect"}`), jsonType, "Expect: 100-continue"),
			methods: []string{"POST", "POST"}, roadsWant: []string{"", "net/http"}},
		{name: "Connection: close", raw: graphReq("POST", send, diffSendBody(`{"text":"last"}`), jsonType, "Connection: close")},
		{name: "pipelined sends", raw: graphReq("POST", send, diffSendBody(`{"text":"one"}`), jsonType) + graphReq("GET", "/v26.0/me?"+tok, "") + graphReq("POST", send, diffSendBody(`{"text":"two"}`), jsonType),
			methods: []string{"POST", "GET", "POST"}},
		{name: "short road, hand-over, net/http", raw: graphReq("GET", "/v26.0/me?"+tok, "") +
			graphReq("OPTIONS", "/v26.0/me/messages", "", "Origin: http://x") + graphReq("POST", send, diffSendBody(`{"text":"after"}`), jsonType),
			methods: []string{"GET", "OPTIONS", "POST"}, roadsWant: []string{"h1", "net/http", "net/http"}},
		{name: "home page", raw: graphReq("GET", "/", ""), methods: []string{"GET"}, roadsWant: handed},
		{name: "control API", raw: "GET /_messemu/v1/users/" + alice + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", methods: []string{"GET"}, roadsWant: handed, status: 200},
	}
}

func TestH1DiffGraphAnswers(t *testing.T) {
	t.Parallel()
	short := diffServer(t)
	std := diffServer(t, WithStandardHTTP())
	// In order, one server then the other: the seeded ids and the state
	// each call leaves must follow the same sequence on both.
	for _, tc := range diffCorpus() {
		methods := tc.methods
		if methods == nil {
			methods = []string{"POST"}
		}
		got := diffExchange(t, short, tc.raw, methods)
		want := diffExchange(t, std, tc.raw, methods)
		var roads []string
		for i := range got {
			roads = append(roads, got[i].Road)
			got[i].Road = ""
		}
		for i := range want {
			want[i].Road = ""
		}
		wantRoads := tc.roadsWant
		if wantRoads == nil {
			wantRoads = slices.Repeat([]string{"h1"}, len(methods))
		}
		if diff := cmp.Diff(wantRoads, roads); diff != "" {
			t.Errorf("%s: roads (want -, got +):\n%s", tc.name, diff)
		}
		if tc.status != 0 {
			for name, as := range map[string][]diffAnswer{"short road": got, "net/http": want} {
				if len(as) == 0 || as[len(as)-1].Status != "HTTP/1.1 "+strconv.Itoa(tc.status)+" "+http.StatusText(tc.status) {
					t.Errorf("%s: %s answered %+v, want status %d", tc.name, name, as, tc.status)
				}
			}
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: the short road's answers differ from net/http's (net/http -, short road +):\n%s\nrequest: %q", tc.name, diff, trimmed(tc.raw))
		}
	}
}

// trimmed shortens a request for a failure message.
func trimmed(raw string) string {
	if len(raw) > 600 {
		return raw[:600] + "..."
	}
	return raw
}
