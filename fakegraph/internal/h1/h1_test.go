package h1

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// The tests hold the short road to its promise: for every request it
// takes, a client cannot tell it from net/http. Most of them send the same
// bytes to an h1.Server and to a plain http.Server with the same handler
// and compare what comes back, connection by connection.

const (
	roadShort = "h1"
	roadHTTP  = "net/http"
)

// ioTimeout bounds every read and write of a test connection, so that a
// server that neither answers nor closes fails the test instead of
// hanging it. It is no assertion on speed.
const ioTimeout = 20 * time.Second

// handlerDate is the Date /date sets, which comparisons keep.
const handlerDate = "Sat, 01 Jan 2000 00:00:00 GMT"

// ignoreRoad leaves out of comparisons the one header the two servers'
// answers must differ in.
var ignoreRoad = cmpopts.IgnoreFields(answer{}, "Road")

// lockedBuffer is an ErrorLog destination the test can read.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// gate lets a test hold the /slow handler until it has seen what it
// wants to see while a request is under way.
type gate struct {
	started chan struct{}
	release chan struct{}
}

func newGate() *gate {
	return &gate{started: make(chan struct{}, 8), release: make(chan struct{})}
}

// testHandler answers by path; every answer but a panic's carries
// X-Road, which says whether net/http or the short road wrote it (only
// net/http's writer is an http.Flusher).
func testHandler(g *gate) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		road := roadShort
		if _, ok := w.(http.Flusher); ok {
			road = roadHTTP
		}
		w.Header().Set("X-Road", road)
		h := w.Header()
		switch r.URL.Path {
		case "/echo":
			body, err := io.ReadAll(r.Body)
			h.Set("Content-Type", "text/plain; charset=utf-8")
			fmt.Fprintf(w, "method=%s uri=%s url=%s proto=%s host=%s cl=%d close=%v err=%v\n",
				r.Method, r.RequestURI, r.URL, r.Proto, r.Host, r.ContentLength, r.Close, err)
			fmt.Fprintf(w, "remote set=%v server in ctx=%v local addr in ctx=%v\n",
				r.RemoteAddr != "", r.Context().Value(http.ServerContextKey) != nil,
				r.Context().Value(http.LocalAddrContextKey) != nil)
			keys := make([]string, 0, len(r.Header))
			for k := range r.Header {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			for _, k := range keys {
				fmt.Fprintf(w, "%s=%q\n", k, r.Header[k])
			}
			fmt.Fprintf(w, "body=%q\n", body)
		case "/road":
			_, _ = io.WriteString(w, "ok")
		case "/noread":
			_, _ = io.WriteString(w, "left the body unread")
		case "/status":
			code, _ := strconv.Atoi(r.URL.Query().Get("code"))
			h.Set("Content-Type", "text/plain")
			h.Set("ETag", `"v1"`)
			w.WriteHeader(code)
			_, _ = io.WriteString(w, "a body the status may not carry")
		case "/declared-on-204":
			h.Set("Content-Length", "4")
			w.WriteHeader(http.StatusNoContent)
		case "/sniff":
			_, _ = io.WriteString(w, "<!DOCTYPE html><title>x</title>")
		case "/sniff-big": // over net/http's 2 KB: it chunks
			_, _ = io.WriteString(w, "%PDF-1.4\n"+strings.Repeat("x", 5000))
		case "/big": // over the short road's one-write limit
			h.Set("Content-Type", "application/octet-stream")
			_, _ = w.Write(bytes.Repeat([]byte("0123456789"), 7000))
		case "/no-type":
			h["Content-Type"] = nil // present without a value: no sniffing
			_, _ = io.WriteString(w, "<html></html>")
		case "/encoded":
			h.Set("Content-Encoding", "gzip")
			_, _ = io.WriteString(w, "<html>not really gzip</html>")
		case "/declared-short": // declares more than it writes
			h.Set("Content-Length", "10")
			_, _ = io.WriteString(w, "12345")
		case "/declared-long": // writes more than it declares
			h.Set("Content-Length", "3")
			n, err := io.WriteString(w, "1234567890")
			if !errors.Is(err, http.ErrContentLength) {
				panic(fmt.Sprintf("Write past Content-Length: %d, %v", n, err))
			}
		case "/declared-long-in-two": // the first write fits, the second not
			h.Set("Content-Length", "3")
			_, _ = io.WriteString(w, "12")
			_, _ = io.WriteString(w, "345")
		case "/declared-bad":
			h.Set("Content-Length", "abc")
			_, _ = io.WriteString(w, "hello")
		case "/twice":
			w.WriteHeader(http.StatusCreated)
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = io.WriteString(w, "x")
		case "/late":
			h.Set("X-Before", "1")
			w.WriteHeader(http.StatusAccepted)
			h.Set("X-After", "1")
			h.Set("Content-Type", "text/late")
			_, _ = io.WriteString(w, "y")
		case "/odd-headers":
			h.Set("X-Spaced", "  padded\r\nacross lines  ")
			h["Bad Name"] = []string{"dropped"}
			h["X-Empty"] = []string{""}
			h["X-Multi"] = []string{"a", "b"}
			h["lower-case"] = []string{"kept as written"}
			_, _ = io.WriteString(w, "z")
		case "/date":
			h.Set("Date", handlerDate)
			_, _ = io.WriteString(w, "dated")
		case "/close":
			h.Set("Connection", "close")
			_, _ = io.WriteString(w, "bye")
		case "/close-listed":
			h.Set("Connection", "foo, close")
			_, _ = io.WriteString(w, "bye")
		case "/empty-length": // present but empty: net/http chunks and drops it
			h["Content-Length"] = []string{""}
			_, _ = io.WriteString(w, "hello")
		case "/te-identity":
			h.Set("Transfer-Encoding", "identity")
			_, _ = io.WriteString(w, "abc")
		case "/te-chunked":
			h.Set("Transfer-Encoding", "chunked")
			_, _ = io.WriteString(w, "abc")
		case "/panic":
			panic("boom")
		case "/abort":
			panic(http.ErrAbortHandler)
		case "/slow":
			g.started <- struct{}{}
			<-g.release
			_, _ = io.WriteString(w, "done")
		default:
			http.NotFound(w, r)
		}
	})
}

// fastUnlessAsked is the Fast filter of the tests: a request may ask for
// net/http with X-Fast: no.
func fastUnlessAsked(r *http.Request) bool { return r.Header.Get("X-Fast") != "no" }

type served struct {
	addr string
	srv  *Server
	log  *lockedBuffer
	gate *gate
	done chan error // Serve's result
}

// startShort serves testHandler through an h1.Server; configure may set
// the http.Server's timeouts.
func startShort(t *testing.T, configure func(*http.Server)) *served {
	t.Helper()
	g := newGate()
	logs := &lockedBuffer{}
	hs := &http.Server{Handler: testHandler(g), ErrorLog: log.New(logs, "", 0)}
	if configure != nil {
		configure(hs)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{HTTP: hs, Fast: fastUnlessAsked}
	done := make(chan error, 1)
	go func() { done <- s.Serve(l) }()
	t.Cleanup(func() {
		_ = s.Close()
		select {
		case <-g.release:
		default:
			close(g.release)
		}
	})
	return &served{addr: l.Addr().String(), srv: s, log: logs, gate: g, done: done}
}

// startStandard serves testHandler with net/http alone.
func startStandard(t *testing.T) string {
	t.Helper()
	g := newGate()
	close(g.release)
	hs := &http.Server{Handler: testHandler(g), ErrorLog: log.New(io.Discard, "", 0)}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = hs.Serve(l) }()
	t.Cleanup(func() { _ = hs.Close() })
	return l.Addr().String()
}

// answer is what a client can tell of one answer: framing is kept apart
// (Chunked, and Content-Length in Header) so a comparison can allow for it.
type answer struct {
	Status string // "HTTP/1.1 200 OK"
	Header http.Header
	// Close is Connection: close, which http.ReadResponse takes out of
	// Header.
	Close   bool
	Body    string
	BodyCut bool // the connection ended before the body did
	Chunked bool
	Road    string // X-Road, left out of Header
}

// step is bytes to write and the methods of the requests they hold (HEAD
// changes how an answer is read), whose answers are read before the next
// step is written.
type step struct {
	raw     string
	methods []string
}

// outcome is one connection's history: the answers read, the error that
// stopped reading early if any, and whether the connection was closed
// afterwards.
type outcome struct {
	Answers []answer
	ReadErr bool
	Closed  bool
}

// probe is a request sent after the steps to learn whether the
// connection is still served.
const probe = "GET /road HTTP/1.1\r\nHost: probe.test\r\n\r\n"

func dial(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	if err := c.SetDeadline(time.Now().Add(ioTimeout)); err != nil {
		t.Fatal(err)
	}
	return c
}

// opened dials addr and writes raw on the new connection.
func opened(t *testing.T, addr, raw string) *bufio.Reader {
	t.Helper()
	c := dial(t, addr)
	if _, err := io.WriteString(c, raw); err != nil {
		t.Fatal(err)
	}
	return bufio.NewReader(c)
}

// idleOnShortRoad opens a connection that has had one answer on the
// short road and waits for its next request.
func idleOnShortRoad(t *testing.T, addr string) *bufio.Reader {
	t.Helper()
	br := opened(t, addr, get("/road"))
	if a, err := readAnswer(br, "GET"); err != nil || a.Road != roadShort {
		t.Fatalf("a connection's first answer: %+v, %v", a, err)
	}
	return br
}

// readAnswer reads one answer for a request of the given method. An
// answer whose body is cut off comes back with what was read of it, and
// the error.
func readAnswer(br *bufio.Reader, method string) (answer, error) {
	resp, err := http.ReadResponse(br, &http.Request{Method: method})
	if err != nil {
		return answer{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	h := resp.Header.Clone()
	road := h.Get("X-Road")
	h.Del("X-Road")
	if h.Get("Date") != handlerDate {
		h.Del("Date") // the server's clock
	}
	return answer{
		Status:  resp.Proto + " " + resp.Status,
		Header:  h,
		Close:   resp.Close,
		Body:    string(body),
		BodyCut: err != nil,
		Chunked: slices.Contains(resp.TransferEncoding, "chunked"),
		Road:    road,
	}, err
}

// exchange plays steps on a new connection to addr, then sends probe to
// learn whether the connection still serves.
func exchange(t *testing.T, addr string, steps ...step) outcome {
	t.Helper()
	c := dial(t, addr)
	br := bufio.NewReader(c)
	var out outcome
	for _, s := range steps {
		// Written aside: a server may answer before it has read all of
		// a large body, or close on it; either way the answer is read.
		wrote := make(chan struct{})
		go func() {
			defer close(wrote)
			_, _ = io.WriteString(c, s.raw)
		}()
		for _, m := range s.methods {
			a, err := readAnswer(br, m)
			if a.Status != "" {
				out.Answers = append(out.Answers, a)
			}
			if err != nil {
				out.ReadErr, out.Closed = true, true
				<-wrote
				return out
			}
		}
		<-wrote
	}
	if _, err := io.WriteString(c, probe); err != nil {
		out.Closed = true
		return out
	}
	a, err := readAnswer(br, http.MethodGet)
	if err != nil {
		out.Closed = true
		return out
	}
	if a.Body != "ok" {
		t.Errorf("the probe after the steps got %+v", a)
	}
	return out
}

// normalise allows for the one difference the promise allows: net/http
// chunks a body over 2 KB where the short road sends Content-Length.
func normalise(short, std *outcome) {
	for i := range min(len(short.Answers), len(std.Answers)) {
		a, b := &short.Answers[i], &std.Answers[i]
		if a.Chunked != b.Chunked {
			a.Header.Del("Content-Length")
			b.Header.Del("Content-Length")
			a.Chunked, b.Chunked = false, false
		}
	}
}

func roads(o outcome) []string {
	var r []string
	for _, a := range o.Answers {
		r = append(r, a.Road)
	}
	return r
}

// get is a GET request's bytes for target, with extra header lines.
func get(target string, lines ...string) string {
	return request("GET", target, "", lines...)
}

// request is a request's bytes: Host first, then lines, then a
// Content-Length when body is not "".
func request(method, target, body string, lines ...string) string {
	var b strings.Builder
	b.WriteString(method + " " + target + " HTTP/1.1\r\nHost: h1.test\r\n")
	for _, l := range lines {
		b.WriteString(l + "\r\n")
	}
	if body != "" {
		b.WriteString("Content-Length: " + strconv.Itoa(len(body)) + "\r\n")
	}
	b.WriteString("\r\n" + body)
	return b.String()
}

func one(raw string, methods ...string) step {
	if len(methods) == 0 {
		methods = []string{http.MethodGet}
	}
	return step{raw: raw, methods: methods}
}

type diffCase struct {
	name  string
	steps []step
	// roads are the roads the h1.Server's answers must have come by.
	roads []string
	// check, if set, looks at the h1.Server's outcome beyond the
	// comparison.
	check func(t *testing.T, o outcome)
}

// runDiff plays each case on the short road and on net/http and wants the
// same outcome, framing aside.
func runDiff(t *testing.T, cases []diffCase) {
	t.Helper()
	short := startShort(t, nil)
	std := startStandard(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := exchange(t, short.addr, tc.steps...)
			want := exchange(t, std, tc.steps...)
			if diff := cmp.Diff(tc.roads, roads(got)); diff != "" {
				t.Errorf("roads (want -, got +):\n%s", diff)
			}
			normalise(&got, &want)
			if diff := cmp.Diff(want, got, ignoreRoad); diff != "" {
				t.Errorf("the short road's answers differ from net/http's (net/http -, short road +):\n%s", diff)
			}
			if tc.check != nil {
				if len(got.Answers) == 0 {
					t.Fatal("no answer to check")
				}
				tc.check(t, got)
			}
		})
	}
}

func short(n int) []string { return slices.Repeat([]string{roadShort}, n) }

func wantClosed(closed bool) func(*testing.T, outcome) {
	return func(t *testing.T, o outcome) {
		t.Helper()
		if o.Closed != closed {
			t.Errorf("connection closed: %v, want %v", o.Closed, closed)
		}
	}
}

func TestShortRoadAnswersAsNetHTTP(t *testing.T) {
	t.Parallel()
	runDiff(t, shortRoadCases())
}

// shortRoadCases are exchanges the short road serves; the differential
// fuzz test starts from them too.
func shortRoadCases() []diffCase {
	small := strings.Repeat("s", 1<<10)
	large := strings.Repeat("L", 300<<10)
	return []diffCase{
		{name: "keep-alive", roads: short(3), check: wantClosed(false), steps: []step{
			one(get("/echo?i=1", "User-Agent: test")),
			one(request("POST", "/echo?i=2", `{"a":1}`, "Content-Type: application/json")),
			one(request("DELETE", "/echo?i=3", "")),
		}},
		{name: "pipelined", roads: short(3), check: wantClosed(false), steps: []step{
			{raw: get("/echo?i=1") + request("POST", "/echo?i=2", "body") + get("/road"), methods: []string{"GET", "POST", "GET"}},
		}},
		{name: "headers as net/http reads them", roads: short(1), steps: []step{one(get("/echo?q=a%20b&q=c",
			"X-Dup: 1", "x-dup: 2", "Pragma: no-cache", "Accept:\t*/*\t", "X-Empty:", "Cookie: a=1", "Cookie: b=2",
			"X-Obs-Text: caf\xc3\xa9"))}},
		{name: "Pragma with Cache-Control", roads: short(1), steps: []step{one(get("/echo", "Pragma: no-cache", "Cache-Control: max-age=0"))}},
		{name: "IPv6 host with port", roads: short(1), steps: []step{one("GET /echo HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n")}},
		{name: "odd targets", roads: short(3), steps: []step{
			one(get("//double//slash")), one(get("/echo?x=%zz&y")), one(get("/echo/../echo;p=1?a#frag")),
		}},
		{name: "client Connection: close", roads: short(1), check: wantClosed(true), steps: []step{
			one(get("/echo", "Connection: close")),
		}},
		{name: "client Connection: close in a list", roads: short(1), check: wantClosed(true), steps: []step{
			one(get("/echo", "Connection: keep-alive, Close")),
		}},
		{name: "client Connection: close on a second line", roads: short(1), check: wantClosed(true), steps: []step{
			one(get("/echo", "Connection: keep-alive", "Connection: close")),
		}},
		// net/http's server also takes "close" after a space or tab when it
		// decides to close (r.Close stays false): it answers with
		// Connection: close and closes.
		{name: "client Connection: close after a space", roads: short(1), steps: []step{
			one(get("/echo", "Connection: x close")),
		}},
		// net/http compares ASCII letters only: U+017F is not an 's', the
		// connection stays open.
		{name: "client Connection: close with a Unicode fold", roads: short(1), steps: []step{
			one(get("/echo", "Connection: clo\u017fe")),
		}},
		{name: "handler Connection: close", roads: short(1), check: wantClosed(true), steps: []step{
			{raw: get("/close") + get("/road"), methods: []string{"GET"}},
		}},
		{name: "handler Connection: close in a list", roads: short(1), steps: []step{
			{raw: get("/close-listed"), methods: []string{"GET"}},
		}},
		{name: "small body left unread", roads: short(2), check: wantClosed(false), steps: []step{
			one(request("POST", "/noread", small)+get("/road"), "POST", "GET"),
		}},
		{name: "large body left unread", roads: short(1), check: wantClosed(true), steps: []step{
			one(request("POST", "/noread", large), "POST"),
		}},
		// net/http gives up on an unread remainder of maxPostHandlerReadBytes
		// or more: at exactly 256 KB it answers Connection: close.
		{name: "body of exactly 256 KB left unread", roads: short(1), steps: []step{
			one(request("POST", "/noread", strings.Repeat("e", maxPostHandlerReadBytes)), "POST"),
		}},
		{name: "body of 256 KB less one left unread", roads: short(1), steps: []step{
			one(request("POST", "/noread", strings.Repeat("e", maxPostHandlerReadBytes-1)), "POST"),
		}},
		{name: "large body read", roads: short(2), check: wantClosed(false), steps: []step{
			one(request("POST", "/echo", large)+get("/road"), "POST", "GET"),
		}},
		{name: "204", roads: short(2), steps: []step{one(get("/status?code=204")), one(get("/road"))}, check: func(t *testing.T, o outcome) {
			if h := o.Answers[0].Header; h.Get("Content-Length") != "" || o.Answers[0].Body != "" || h.Get("Content-Type") != "text/plain" {
				t.Errorf("204 answer: %+v", o.Answers[0])
			}
		}},
		{name: "304", roads: short(2), steps: []step{one(get("/status?code=304")), one(get("/road"))}, check: func(t *testing.T, o outcome) {
			if h := o.Answers[0].Header; h.Get("Content-Length") != "" || h.Get("Content-Type") != "" || h.Get("Etag") != `"v1"` || o.Answers[0].Body != "" {
				t.Errorf("304 answer: %+v", o.Answers[0])
			}
		}},
		// A declared Content-Length on a 204 is suppressed and the
		// connection kept (net/http checks the length only of answers that
		// may have a body).
		{name: "204 with a declared length", roads: short(2), steps: []step{one(get("/declared-on-204")), one(get("/road"))}},
		{name: "statuses", roads: short(4), steps: []step{
			one(get("/status?code=299")), one(get("/status?code=500")), one(get("/status?code=404")), one(get("/nowhere")),
		}},
		{name: "sniffed Content-Type", roads: short(1), steps: []step{one(get("/sniff"))}, check: func(t *testing.T, o outcome) {
			if ct := o.Answers[0].Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
				t.Errorf("Content-Type %q", ct)
			}
		}},
		{name: "sniffed Content-Type of a chunked answer", roads: short(1), steps: []step{one(get("/sniff-big"))}},
		{name: "big answer", roads: short(2), steps: []step{one(get("/big")), one(get("/road"))}},
		{name: "Content-Type present but empty", roads: short(1), steps: []step{one(get("/no-type"))}},
		{name: "Content-Encoding set", roads: short(1), steps: []step{one(get("/encoded"))}},
		// Both send the 5 bytes under Content-Length: 10 and close, without
		// Connection: close (net/http finds out after the headers).
		{name: "declared Content-Length longer than written", roads: short(1), steps: []step{
			{raw: get("/declared-short") + get("/road"), methods: []string{"GET"}},
		}, check: func(t *testing.T, o outcome) {
			if len(o.Answers) != 1 || o.Answers[0].Body != "12345" || !o.Closed {
				t.Errorf("short answer %+v, closed %v", o.Answers, o.Closed)
			}
		}},
		// net/http's Write refuses the whole of a write that goes past the
		// declared length (0 bytes, ErrContentLength), so its answer is cut
		// short (Content-Length: 3, fewer bytes, then close) and unsniffed.
		{name: "declared Content-Length shorter than written", roads: short(1), check: wantClosed(true), steps: []step{
			one(get("/declared-long")),
		}},
		// As above, after a first write that fits: net/http sends "12".
		{name: "declared Content-Length shorter than written in two writes", roads: short(1), check: wantClosed(true), steps: []step{
			one(get("/declared-long-in-two")),
		}},
		{name: "declared Content-Length invalid", roads: short(1), steps: []step{one(get("/declared-bad"))}},
		{name: "superfluous WriteHeader", roads: short(1), steps: []step{one(get("/twice"))}},
		{name: "headers changed after WriteHeader", roads: short(1), steps: []step{one(get("/late"))}, check: func(t *testing.T, o outcome) {
			if h := o.Answers[0].Header; h.Get("X-After") != "" || h.Get("X-Before") != "1" {
				t.Errorf("headers %v", h)
			}
		}},
		{name: "header values cleaned, bad names dropped", roads: short(1), steps: []step{one(get("/odd-headers"))}},
		{name: "handler's Date", roads: short(1), steps: []step{one(get("/date"))}, check: func(t *testing.T, o outcome) {
			if d := o.Answers[0].Header["Date"]; !slices.Equal(d, []string{handlerDate}) {
				t.Errorf("Date %q, want the handler's alone", d)
			}
		}},
		// Transfer-Encoding: identity: no Content-Length, no sniffing, the
		// body ends with the connection.
		{name: "handler Transfer-Encoding: identity", roads: short(1), steps: []step{one(get("/te-identity"))}},
		{name: "handler Content-Length empty", roads: short(1), steps: []step{one(get("/empty-length"))}},
		// After a POST, net/http skips up to four CR or LF bytes ahead of
		// the next request (a client's stray line break after its body).
		{name: "stray CRLF after a POST body", roads: short(2), check: wantClosed(false), steps: []step{
			{raw: request("POST", "/echo", "A") + "\r\n" + get("/road"), methods: []string{"POST", "GET"}},
		}},
		{name: "stray CRLF in a packet of its own", roads: short(2), check: wantClosed(false), steps: []step{
			one(request("POST", "/echo", "A"), "POST"), {raw: "\r\n"}, one(get("/road")),
		}},
		// net/http does not sniff a Content-Type when the handler set
		// Transfer-Encoding, and chunks the body.
		{name: "handler Transfer-Encoding: chunked", roads: short(1), steps: []step{one(get("/te-chunked"))}},
		{name: "Fast says no", roads: []string{roadShort, roadHTTP, roadHTTP}, check: wantClosed(false), steps: []step{
			one(get("/road")), one(get("/echo", "X-Fast: no")), one(get("/road")),
		}},
	}
}

// Every request the short road does not take goes to net/http with the
// bytes read so far, and gets net/http's answer.
func TestHandedOverRequestsGetNetHTTPsAnswer(t *testing.T) {
	t.Parallel()
	runDiff(t, handedOverCases())
}

// handedOverCases are exchanges the short road leaves to net/http; the
// differential fuzz test starts from them too.
func handedOverCases() []diffCase {
	bigHead := get("/echo", "X-Big: "+strings.Repeat("b", readBufferSize))
	handed := func(name, raw string, methods ...string) diffCase {
		return diffCase{name: name, steps: []step{one(raw, methods...)}, roads: slices.Repeat([]string{roadHTTP}, max(1, len(methods)))}
	}
	refused := func(name, raw string) diffCase { // net/http answers 400 itself
		return diffCase{name: name, steps: []step{one(raw)}, roads: []string{""}}
	}
	return []diffCase{
		handed("HTTP/1.0", "GET /echo HTTP/1.0\r\nHost: h1.test\r\n\r\n"),
		handed("HTTP/1.0 keep-alive", "GET /echo HTTP/1.0\r\nHost: h1.test\r\nConnection: keep-alive\r\n\r\n"),
		handed("HEAD", "HEAD /echo HTTP/1.1\r\nHost: h1.test\r\n\r\n", "HEAD"),
		handed("OPTIONS", "OPTIONS /echo HTTP/1.1\r\nHost: h1.test\r\nOrigin: http://x\r\nAccess-Control-Request-Method: POST\r\n\r\n"),
		refused("OPTIONS *", "OPTIONS * HTTP/1.1\r\nHost: h1.test\r\n\r\n"), // net/http answers it itself
		handed("PUT", request("PUT", "/echo", "put body"), "PUT"),
		handed("lower-case method", "get /echo HTTP/1.1\r\nHost: h1.test\r\n\r\n"),
		handed("chunked body", "POST /echo HTTP/1.1\r\nHost: h1.test\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n0\r\n\r\n", "POST"),
		{name: "Expect: 100-continue", roads: []string{"", roadHTTP}, steps: []step{
			one(request("POST", "/echo", "expected", "Expect: 100-continue"), "POST", "POST"),
		}},
		handed("Upgrade", get("/echo", "Connection: Upgrade", "Upgrade: websocket")),
		handed("TE", get("/echo", "TE: trailers")),
		handed("head over 8 KB", bigHead),
		handed("bare LF line ends", "GET /echo HTTP/1.1\nHost: h1.test\n\n"),
		refused("leading empty line", "\r\nGET /echo HTTP/1.1\r\nHost: h1.test\r\n\r\n"),
		handed("obs-fold", "GET /echo HTTP/1.1\r\nHost: h1.test\r\nX-Folded: a\r\n b\r\n\r\n"),
		refused("missing Host", "GET /echo HTTP/1.1\r\nUser-Agent: x\r\n\r\n"),
		handed("empty Host", "GET /echo HTTP/1.1\r\nHost:\r\n\r\n"),
		handed("Host net/http takes", "GET /echo HTTP/1.1\r\nHost: h1.test:80!\r\n\r\n"),
		refused("Host net/http refuses", "GET /echo HTTP/1.1\r\nHost: a b\r\n\r\n"),
		refused("two Host headers", "GET /echo HTTP/1.1\r\nHost: a.test\r\nHost: b.test\r\n\r\n"),
		refused("two Content-Length headers", "POST /echo HTTP/1.1\r\nHost: h1.test\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nabc"),
		handed("two equal Content-Length headers", "POST /echo HTTP/1.1\r\nHost: h1.test\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc", "POST"),
		refused("bad Content-Length", "POST /echo HTTP/1.1\r\nHost: h1.test\r\nContent-Length: abc\r\n\r\n"),
		refused("signed Content-Length", "POST /echo HTTP/1.1\r\nHost: h1.test\r\nContent-Length: +3\r\n\r\nabc"),
		handed("absolute-form target", "GET http://other.test/echo?a=1 HTTP/1.1\r\nHost: h1.test\r\n\r\n"),
		refused("invalid header name", "GET /echo HTTP/1.1\r\nHost: h1.test\r\nBad Name: x\r\n\r\n"),
		refused("control byte in a header value", "GET /echo HTTP/1.1\r\nHost: h1.test\r\nX-Ctl: a\x01b\r\n\r\n"),
		handed("HTTP/2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"),
		refused("garbage", "this is not http\r\n\r\n"),
		{name: "short road, then handed over, then net/http", roads: []string{roadShort, roadShort, roadHTTP, roadHTTP},
			check: wantClosed(false), steps: []step{
				one(get("/road")), one(request("POST", "/echo", "one")),
				one(request("PUT", "/echo", "two"), "PUT"), one(get("/echo")),
			}},
		{name: "pipelined into a hand-over", roads: []string{roadShort, roadHTTP, roadHTTP},
			check: wantClosed(false), steps: []step{
				one(get("/road")+request("PUT", "/echo", "two")+get("/echo?after"), "GET", "PUT", "GET"),
			}},
		{name: "pipelined, Fast says no", roads: []string{roadShort, roadHTTP, roadHTTP}, steps: []step{
			one(get("/road")+request("POST", "/echo", "two", "X-Fast: no")+get("/echo?after"), "GET", "POST", "GET"),
		}},
	}
}

// readFails reads an answer that must not come: the connection is
// closed first.
func readFails(t *testing.T, br *bufio.Reader) {
	t.Helper()
	if a, err := readAnswer(br, "GET"); err == nil {
		t.Errorf("an answer came: %+v", a)
	}
}

func TestPanicClosesTheConnectionUnanswered(t *testing.T) {
	t.Parallel()
	s := startShort(t, nil)
	for _, path := range []string{"/panic", "/abort"} {
		c := dial(t, s.addr)
		br := bufio.NewReader(c)
		if _, err := io.WriteString(c, get("/road")+get(path)+get("/road")); err != nil {
			t.Fatal(err)
		}
		if a, err := readAnswer(br, "GET"); err != nil || a.Road != roadShort {
			t.Fatalf("answer before the panic: %+v, %v", a, err)
		}
		readFails(t, br)
	}
	o := exchange(t, s.addr, one(get("/road")))
	if diff := cmp.Diff(short(1), roads(o)); diff != "" {
		t.Errorf("after the panics (want -, got +):\n%s", diff)
	}
	logs := s.log.String()
	if !strings.Contains(logs, "http: panic serving 127.0.0.1:") || !strings.Contains(logs, "boom") {
		t.Errorf("the panic was not logged as net/http logs it:\n%s", logs)
	}
	if n := strings.Count(logs, "http: panic serving"); n != 1 {
		t.Errorf("%d panics logged, want 1 (http.ErrAbortHandler is not logged):\n%s", n, logs)
	}
}

func TestShutdownFinishesRequestsAndClosesIdleConnections(t *testing.T) {
	t.Parallel()
	s := startShort(t, nil)
	idleR := idleOnShortRoad(t, s.addr)
	busyR := opened(t, s.addr, get("/slow"))
	<-s.gate.started

	shut := make(chan error, 1)
	go func() { shut <- s.srv.Shutdown(context.Background()) }()
	// The idle connection is closed without an answer.
	if _, err := idleR.ReadByte(); err == nil {
		t.Fatal("the idle connection got bytes after Shutdown")
	}
	close(s.gate.release)
	a, err := readAnswer(busyR, "GET")
	if err != nil {
		t.Fatalf("the request under way got no answer: %v", err)
	}
	want := answer{Status: "HTTP/1.1 200 OK", Body: "done", Close: true, Header: http.Header{
		"Content-Length": {"4"}, "Content-Type": {"text/plain; charset=utf-8"},
	}}
	if diff := cmp.Diff(want, a, ignoreRoad); diff != "" {
		t.Errorf("answer under Shutdown (want -, got +):\n%s", diff)
	}
	if _, err := busyR.ReadByte(); err == nil {
		t.Error("the connection served on after its answer under Shutdown")
	}
	if err := <-shut; err != nil {
		t.Errorf("Shutdown: %v", err)
	}
	if err := <-s.done; !errors.Is(err, http.ErrServerClosed) {
		t.Errorf("Serve returned %v, want http.ErrServerClosed", err)
	}
	if c, err := net.Dial("tcp", s.addr); err == nil {
		c.Close()
		t.Error("the listener still accepts after Shutdown")
	}
}

func TestCloseDropsEveryConnection(t *testing.T) {
	t.Parallel()
	s := startShort(t, nil)
	idleR := idleOnShortRoad(t, s.addr)
	handedR := opened(t, s.addr, get("/road", "X-Fast: no")) // a connection net/http serves
	if a, err := readAnswer(handedR, "GET"); err != nil || a.Road != roadHTTP {
		t.Fatalf("handed-over answer: %+v, %v", a, err)
	}
	busyR := opened(t, s.addr, get("/slow"))
	<-s.gate.started
	if err := s.srv.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	for name, br := range map[string]*bufio.Reader{"idle": idleR, "handed over": handedR, "busy": busyR} {
		if _, err := br.ReadByte(); err == nil {
			t.Errorf("the %s connection got bytes after Close", name)
		}
	}
	if err := <-s.done; !errors.Is(err, http.ErrServerClosed) {
		t.Errorf("Serve returned %v, want http.ErrServerClosed", err)
	}
}

func TestReadHeaderTimeoutClosesASlowHead(t *testing.T) {
	t.Parallel()
	s := startShort(t, func(hs *http.Server) { hs.ReadHeaderTimeout = 100 * time.Millisecond })
	c := dial(t, s.addr)
	br := bufio.NewReader(c)
	if _, err := io.WriteString(c, "GET /road HTTP/1.1\r\nHost: h1.test\r\n"); err != nil {
		t.Fatal(err)
	}
	// The head is never finished: the server closes without an answer (as
	// net/http does on a timeout in the headers) well before the test's
	// own deadline.
	if _, err := br.ReadByte(); err == nil || isTimeout(err) {
		t.Errorf("read on a connection with a slow head: %v, want it closed", err)
	}
	// A request line cut short gets net/http's 400 before the close.
	cut := dial(t, s.addr)
	if _, err := io.WriteString(cut, "GET /ro"); err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(bufio.NewReader(cut))
	if err != nil || string(got) != headTimedOut {
		t.Errorf("a slow request line got %q, %v; want %q and the connection closed", got, err, headTimedOut)
	}
	// A connection that sends nothing at all is closed too.
	silent := dial(t, s.addr)
	if _, err := bufio.NewReader(silent).ReadByte(); err == nil || isTimeout(err) {
		t.Errorf("read on a silent connection: %v, want it closed", err)
	}
}

func TestIdleTimeoutClosesAnIdleConnection(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		readHeader time.Duration
	}{
		{"idle limit alone", 0},
		// The idle limit applies after the first request even where it is
		// shorter than the header limit set before it.
		{"idle limit shorter than the header limit", time.Hour},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := startShort(t, func(hs *http.Server) {
				hs.IdleTimeout = 100 * time.Millisecond
				hs.ReadHeaderTimeout = tc.readHeader
			})
			c := dial(t, s.addr)
			// Fifty times the limit before the test gives up waiting.
			if err := c.SetDeadline(time.Now().Add(5 * time.Second)); err != nil {
				t.Fatal(err)
			}
			br := bufio.NewReader(c)
			if _, err := io.WriteString(c, get("/road")); err != nil {
				t.Fatal(err)
			}
			if a, err := readAnswer(br, "GET"); err != nil || a.Road != roadShort {
				t.Fatalf("first answer: %+v, %v", a, err)
			}
			if _, err := br.ReadByte(); err == nil || isTimeout(err) {
				t.Errorf("read on an idle connection: %v, want it closed by the server", err)
			}
		})
	}
}

func TestServeTwiceFails(t *testing.T) {
	t.Parallel()
	s := startShort(t, nil)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	// Serve sets its listener before it accepts: wait until it serves.
	exchange(t, s.addr, one(get("/road")))
	if err := s.srv.Serve(l); err == nil || errors.Is(err, http.ErrServerClosed) {
		t.Errorf("second Serve: %v", err)
	}
}
