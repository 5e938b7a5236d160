package h1

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// FuzzShortRoadAgainstNetHTTP plays each input, a raw byte stream of one or
// more requests, over loopback TCP to an h1.Server and to a plain
// http.Server with the same handler, and wants the same bytes back (Date
// aside, and net/http's chunking of a long body) and the same end of the
// connection. Unlike FuzzParseRequest it holds the whole server to the
// promise: the request loop, bodies, pipelining, the hand-over and the
// answers, not the parser alone.
func FuzzShortRoadAgainstNetHTTP(f *testing.F) {
	for _, s := range diffSeeds() {
		f.Add([]byte(s))
	}
	shortAddr, stdAddr := startFuzzPair(f)
	f.Fuzz(func(t *testing.T, input []byte) {
		t.Parallel() // while running the seeds; fuzzing ignores it
		if len(input) > maxFuzzInput {
			return
		}
		got, want := playBoth(t, shortAddr, stdAddr, input, 0)
		foldReset(&got)
		foldReset(&want)
		if diff := cmp.Diff(want, got, ignoreShort); diff != "" {
			t.Errorf("the short road answers otherwise (net/http -, short road +):\n%s\ninput: %s", diff, shown(input))
		}
	})
}

var ignoreShort = cmpopts.IgnoreFields(played{}, "Short")

// foldReset counts a reset as a close. Whether a server's close meets
// bytes it never read, which the kernel answers with a reset, depends on
// how many bytes its reads happened to take from the socket (net/http
// reads 4 KB at a time, the short road 8 KB, and either gets what the
// client's segments brought so far) as much as on what it made of the
// requests: net/http itself resets or not on the same bytes sent in
// other segments. TestLeftoverBodyEndsAsNetHTTP compares resets where
// net/http's reading is exact.
func foldReset(p *played) {
	if p.End == "reset" {
		p.End = "closed"
	}
}

// shown quotes an input for a failure's message, the middle of a long one
// left out.
func shown(input []byte) string {
	const keep = 1 << 10
	if len(input) <= 2*keep {
		return strconv.Quote(string(input))
	}
	return fmt.Sprintf("%q ... (%d bytes) ... %q", input[:keep], len(input)-2*keep, input[len(input)-keep:])
}

// maxFuzzInput bounds an input: past the 256 KB net/http reads of a body
// left unread, with room for a request after it.
const maxFuzzInput = 1 << 20

// playTimeout bounds one input's exchange, so that a server that neither
// answers nor closes fails the input rather than hanging the fuzzer. The
// client half-closes after its bytes, so both servers end the connection
// by themselves well within it: no assertion on speed.
const playTimeout = 5 * time.Second

// fuzzHandler is testHandler without /slow, which waits on a gate no
// fuzz input opens.
func fuzzHandler() http.Handler {
	h := testHandler(newGate())
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			http.NotFound(w, r)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// startFuzzPair serves fuzzHandler through an h1.Server and through a plain
// http.Server, both with default settings, for the whole fuzz run.
func startFuzzPair(tb testing.TB) (shortAddr, stdAddr string) {
	tb.Helper()
	quiet := log.New(io.Discard, "", 0) // the panics /panic asks for
	sl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	s := &Server{HTTP: &http.Server{Handler: fuzzHandler(), ErrorLog: quiet}, Fast: fastUnlessAsked}
	go func() { _ = s.Serve(sl) }()
	tb.Cleanup(func() { _ = s.Close() })

	hl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	hs := &http.Server{Handler: fuzzHandler(), ErrorLog: quiet}
	go func() { _ = hs.Serve(hl) }()
	tb.Cleanup(func() { _ = hs.Close() })
	return sl.Addr().String(), hl.Addr().String()
}

// played is what a client reads from one connection.
type played struct {
	Answers []rawAnswer
	// Rest is what follows the last whole head: an answer's head cut off
	// by the close.
	Rest string
	// End is how the connection ended: "closed" (EOF), "reset" (the
	// server closed with bytes of the client's it had not read, and the
	// kernel answered those with a reset) or "hung" (neither answered nor
	// closed within playTimeout).
	End string
	// Short counts the answers the short road wrote itself, which the
	// comparison leaves out.
	Short int
}

// rawAnswer is one answer as written: its head line by line, how its
// body was framed, and the body (chunks decoded).
type rawAnswer struct {
	Head    []string
	Framing string // "length", "chunked", "close" (to the end), "none", each maybe " cut"
	Body    string
}

// playBoth plays input to both servers at once; see play for quiet.
func playBoth(t *testing.T, shortAddr, stdAddr string, input []byte, quiet time.Duration) (short, std played) {
	t.Helper()
	done := make(chan played)
	go func() { done <- play(t, stdAddr, input, quiet) }()
	short = play(t, shortAddr, input, quiet)
	std = <-done
	normaliseChunking(&short, &std)
	return short, std
}

// play writes input on a new connection to addr and reads everything the
// server sends. With quiet 0 it half-closes after input and reads until
// the server closes; otherwise it keeps its side open, as a client
// waiting for answers does, and stops reading when the server has been
// silent for quiet, which ends the connection "open".
func play(t *testing.T, addr string, input []byte, quiet time.Duration) played {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Error(err)
		return played{}
	}
	defer c.Close()
	if err := c.SetDeadline(time.Now().Add(playTimeout)); err != nil {
		t.Error(err)
	}
	// Written aside: a server may answer, or close, before it has read
	// all of the input.
	wrote := make(chan struct{})
	go func() {
		defer close(wrote)
		if _, err := c.Write(input); err == nil && quiet == 0 {
			_ = c.(*net.TCPConn).CloseWrite()
		}
	}()
	var raw []byte
	if quiet == 0 {
		raw, err = io.ReadAll(c)
	} else {
		raw, err = readUntilQuiet(c, quiet)
	}
	end := "closed"
	switch {
	case err == nil:
	case quiet > 0 && isTimeout(err):
		end = "open"
	case isTimeout(err):
		end = "hung"
	case errors.Is(err, syscall.ECONNRESET):
		end = "reset"
	default:
		end = err.Error()
	}
	_ = c.Close() // unblocks a write the server never read
	<-wrote
	p := parseAnswers(raw)
	p.End = end
	return p
}

// readUntilQuiet reads c until it ends (a nil error for EOF) or sends
// nothing for quiet (a timeout).
func readUntilQuiet(c net.Conn, quiet time.Duration) ([]byte, error) {
	var raw []byte
	buf := make([]byte, 32<<10)
	for {
		if err := c.SetReadDeadline(time.Now().Add(quiet)); err != nil {
			return raw, err
		}
		n, err := c.Read(buf)
		raw = append(raw, buf[:n]...)
		if err == io.EOF {
			return raw, nil
		}
		if err != nil {
			return raw, err
		}
	}
}

// serverDate is a Date line net/http or the short road wrote (the
// handler's own, handlerDate, is compared as any header).
var serverDate = regexp.MustCompile(`\r\nDate: [A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT\r\n`)

// parseAnswers splits what a connection read into answers. A HEAD's answer
// is framed as if it had a body, but HEAD goes to net/http on both roads
// and takes the rest of the connection with it, so both read the same
// bytes the same wrong way.
func parseAnswers(raw []byte) played {
	var p played
	p.Short = bytes.Count(raw, []byte("\r\nX-Road: "+roadShort+"\r\n"))
	// The roads' one intended difference, and the clock, out of the way
	// before framing: a HEAD's answer may swallow later heads as a body.
	raw = bytes.ReplaceAll(raw, []byte("\r\nX-Road: "+roadShort+"\r\n"), []byte("\r\nX-Road: "+roadHTTP+"\r\n"))
	raw = serverDate.ReplaceAllFunc(raw, func(m []byte) []byte {
		if bytes.Contains(m, []byte(handlerDate)) {
			return m
		}
		return []byte("\r\nDate: (the server's clock)\r\n")
	})
	s := string(raw)
	for s != "" {
		end := strings.Index(s, "\r\n\r\n")
		if end < 0 {
			break
		}
		a := rawAnswer{Head: strings.Split(s[:end], "\r\n")}
		s = s[end+4:]
		code := 0
		if f := strings.Fields(a.Head[0]); len(f) > 1 {
			code, _ = strconv.Atoi(f[1])
		}
		te, cl := headerValue(a.Head, "Transfer-Encoding"), headerValue(a.Head, "Content-Length")
		switch {
		case code >= 100 && code <= 199, code == http.StatusNoContent, code == http.StatusNotModified:
			a.Framing = "none"
		case te == "chunked":
			a.Framing = "chunked"
			var ok bool
			a.Body, s, ok = decodeChunked(s)
			if !ok {
				a.Framing += " cut"
			}
		case cl != "":
			a.Framing = "length"
			n, err := strconv.Atoi(cl)
			if err != nil || n > len(s) {
				a.Framing += " cut"
				n = len(s)
			}
			a.Body, s = s[:n], s[n:]
		default:
			a.Framing = "close"
			a.Body, s = s, ""
		}
		p.Answers = append(p.Answers, a)
	}
	p.Rest = s
	return p
}

// headerValue is the value of the first header line named key, as the
// roads write it ("Key: value").
func headerValue(head []string, key string) string {
	for _, l := range head[1:] {
		if v, ok := strings.CutPrefix(l, key+": "); ok {
			return v
		}
	}
	return ""
}

// decodeChunked reads a chunked body from the start of s and returns it,
// what follows it, and whether it was whole. A body cut off comes back as
// the raw bytes left.
func decodeChunked(s string) (body, rest string, ok bool) {
	var b strings.Builder
	orig := s
	for {
		line, after, found := strings.Cut(s, "\r\n")
		if !found {
			return orig, "", false
		}
		size, err := strconv.ParseInt(line, 16, 64)
		if err != nil || size < 0 || int64(len(after)) < size+2 || after[size:size+2] != "\r\n" {
			return orig, "", false
		}
		if size == 0 {
			// The roads write no trailers: the empty line ends the body.
			if !strings.HasPrefix(after, "\r\n") {
				return orig, "", false
			}
			return b.String(), after[2:], true
		}
		b.WriteString(after[:size])
		s = after[size+2:]
	}
}

// normaliseChunking allows for the one difference in framing the promise
// allows: net/http chunks a body over 2 KB that the short road sends with
// its Content-Length. Where one road chunked an answer the other framed
// by length, both lose their framing headers.
func normaliseChunking(short, std *played) {
	for i := range min(len(short.Answers), len(std.Answers)) {
		a, b := &short.Answers[i], &std.Answers[i]
		if (a.Framing != "chunked" || b.Framing != "length") && (a.Framing != "length" || b.Framing != "chunked") {
			continue
		}
		for _, x := range []*rawAnswer{a, b} {
			x.Framing = "length or chunked"
			x.Head = dropFraming(x.Head)
		}
	}
}

func dropFraming(head []string) []string {
	var out []string
	for _, l := range head {
		if !strings.HasPrefix(l, "Content-Length: ") && l != "Transfer-Encoding: chunked" {
			out = append(out, l)
		}
	}
	return out
}

// Clients' heads, written as each writes them (header order, case,
// spacing), and the odd requests the two roads must agree on.
const (
	// jsonBody is 74 bytes, as the heads below say.
	jsonBody = `{"recipient":{"id":"1254459154682919"},"message":{"text":"hello, world!"}}`
	// Go's http.Client: Host, User-Agent, Content-Length, the rest by
	// key, then Accept-Encoding.
	goClient = "POST /echo?access_token=T HTTP/1.1\r\nHost: 127.0.0.1:8765\r\nUser-Agent: Go-http-client/1.1\r\nContent-Length: 74\r\nContent-Type: application/json\r\nAccept-Encoding: gzip\r\n\r\n" + jsonBody
	curl     = "POST /v26.0/me/messages?access_token=T HTTP/1.1\r\nHost: localhost:8765\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\nContent-Type: application/json\r\nContent-Length: 74\r\n\r\n" + jsonBody
	axios    = "POST /echo?access_token=T HTTP/1.1\r\nAccept: application/json, text/plain, */*\r\nContent-Type: application/json\r\nUser-Agent: axios/1.7.7\r\nContent-Length: 74\r\nAccept-Encoding: gzip, compress, deflate, br\r\nHost: 127.0.0.1:8765\r\nConnection: keep-alive\r\n\r\n" + jsonBody
	undici   = "POST /echo HTTP/1.1\r\nhost: 127.0.0.1:8765\r\nconnection: keep-alive\r\ncontent-type: application/json\r\naccept: */*\r\naccept-language: *\r\nsec-fetch-mode: cors\r\nuser-agent: node\r\naccept-encoding: gzip, deflate\r\ncontent-length: 74\r\n\r\n" + jsonBody
	requests = "POST /echo?access_token=T HTTP/1.1\r\nHost: 127.0.0.1:8765\r\nUser-Agent: python-requests/2.32.3\r\nAccept-Encoding: gzip, deflate\r\nAccept: */*\r\nConnection: keep-alive\r\nContent-Length: 74\r\nContent-Type: application/json\r\n\r\n" + jsonBody
	goGet    = "GET /echo?fields=first_name,last_name&access_token=T HTTP/1.1\r\nHost: 127.0.0.1:8765\r\nUser-Agent: Go-http-client/1.1\r\nAccept-Encoding: gzip\r\n\r\n"
)

// diffSeeds are the fuzz test's first inputs: every exchange of the
// differential tables, clients' requests alone and pipelined, and the odd
// framings and heads around the short road's limits.
func diffSeeds() []string {
	var seeds []string
	for _, tc := range append(shortRoadCases(), handedOverCases()...) {
		var b strings.Builder
		for _, st := range tc.steps {
			b.WriteString(st.raw)
		}
		seeds = append(seeds, b.String())
	}
	// every answer testHandler writes, to a request with no body, a body
	// and a body cut short, asking to keep or close the connection, and
	// followed by another request
	for _, path := range []string{
		"/echo", "/road", "/noread", "/status?code=200", "/status?code=204", "/status?code=304", "/status?code=103",
		"/declared-on-204", "/sniff", "/sniff-big", "/big", "/no-type", "/encoded", "/declared-short",
		"/declared-long", "/declared-long-in-two", "/declared-bad", "/twice", "/late", "/odd-headers", "/date",
		"/close", "/close-listed", "/empty-length", "/te-identity", "/te-chunked", "/panic", "/abort",
	} {
		for _, conn := range []string{"Connection: keep-alive", "Connection: close", "Connection: x close"} {
			seeds = append(seeds,
				get(path, conn)+goGet,
				request("POST", path, "body", conn)+goGet,
				"POST "+path+" HTTP/1.1\r\nHost: h1.test\r\n"+conn+"\r\nContent-Length: 9\r\n\r\ncut")
		}
	}
	form := "recipient=%7B%22id%22%3A%221%22%7D&message=%7B%22text%22%3A%22hi%22%7D"
	nearLimit := func(n int) string { // a head of n bytes
		h := get("/echo", "X-Pad: ")
		return h[:len(h)-4] + strings.Repeat("p", n-len(h)) + "\r\n\r\n"
	}
	seeds = append(seeds,
		goClient, curl, axios, undici, requests, goGet,
		goClient+goClient, axios+undici+requests, goGet+curl+goGet,
		"POST /v26.0/me/messages HTTP/1.1\r\nHost: localhost\r\nUser-Agent: python-requests/2.32.3\r\nContent-Length: "+strconv.Itoa(len(form))+"\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\n"+form,
		// curl's 100-continue for a large body
		"POST /echo HTTP/1.1\r\nHost: localhost:8765\r\nUser-Agent: curl/7.68.0\r\nAccept: */*\r\nContent-Type: application/json\r\nContent-Length: 74\r\nExpect: 100-continue\r\n\r\n"+jsonBody,
		// bodies shorter and longer than their Content-Length
		strings.Replace(goClient, "Content-Length: 74", "Content-Length: 90", 1),
		strings.Replace(goClient, "Content-Length: 74", "Content-Length: 60", 1)+goGet,
		strings.Replace(curl, "Content-Length: 74", "Content-Length: 0", 1),
		request("POST", "/noread", "unread")+goGet,
		request("DELETE", "/echo", "x")+"\r\n\r\n"+goGet,
		request("POST", "/echo", "x")+"\n\n\r\n"+goGet,
		request("POST", "/echo", "x")+"\r\n\r\n\r\n"+goGet,
		// bare LF line ends, alone and after a short-road request
		"GET /echo HTTP/1.1\nHost: h1.test\n\n",
		goGet+"GET /echo HTTP/1.1\nHost: h1.test\nX-A: 1\r\n\r\n",
		"GET /echo HTTP/1.1\r\nHost: h1.test\nX-A: 1\r\n\r\n",
		// spaces and tabs around names and values
		"GET /echo HTTP/1.1\r\nHost : h1.test\r\n\r\n",
		"GET /echo HTTP/1.1\r\nHost: h1.test\r\nX-A : 1\r\n\r\n",
		"GET /echo HTTP/1.1\r\nHost:\th1.test\t\r\nX-A:\t \r\n\r\n",
		"GET  /echo HTTP/1.1\r\nHost: h1.test\r\n\r\n",
		"GET /echo  HTTP/1.1\r\nHost: h1.test\r\n\r\n",
		"GET /echo HTTP/1.1 \r\nHost: h1.test\r\n\r\n",
		// obs-fold, duplicates
		"GET /echo HTTP/1.1\r\nHost: h1.test\r\nX-Folded: a\r\n\tb\r\n\r\n",
		"GET /echo HTTP/1.1\r\n Host: h1.test\r\n\r\n",
		"GET /echo HTTP/1.1\r\nHost: h1.test\r\nAccept: a\r\naccept: b\r\nConnection: keep-alive\r\nconnection: close\r\n\r\n"+goGet,
		"POST /echo HTTP/1.1\r\nHost: h1.test\r\nContent-Length: 1\r\ncontent-length: 1\r\n\r\nab",
		"POST /echo HTTP/1.1\r\nHost: h1.test\r\nContent-Length: 1, 1\r\n\r\na",
		"POST /echo HTTP/1.1\r\nHost: h1.test\r\nContent-Length: 01\r\n\r\na",
		"POST /echo HTTP/1.1\r\nHost: h1.test\r\nContent-Length:\r\n\r\na",
		"GET /echo HTTP/1.1\r\nHost: h1.test\r\nContent-Length: 3\r\n\r\nabc"+goGet,
		// targets
		"GET http://h1.test/echo HTTP/1.1\r\nHost: h1.test\r\n\r\n",
		"GET http://other.test:8080/echo?a=1 HTTP/1.1\r\nHost: h1.test\r\n\r\n"+goGet,
		"GET * HTTP/1.1\r\nHost: h1.test\r\n\r\n",
		"GET echo HTTP/1.1\r\nHost: h1.test\r\n\r\n",
		"GET /echo?a=b#c%zz HTTP/1.1\r\nHost: h1.test\r\n\r\n",
		"GET /%e2%82%ac/\xe2\x82\xac HTTP/1.1\r\nHost: h1.test\r\n\r\n",
		// protocol versions
		"GET /echo HTTP/1.0\r\nHost: h1.test\r\n\r\n"+goGet,
		"GET /echo HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"+goGet,
		"GET /echo HTTP/1.0\r\nHost: h1.test\r\nConnection: Keep-Alive\r\n\r\n"+goGet,
		"POST /echo HTTP/1.0\r\nHost: h1.test\r\nContent-Length: 3\r\nConnection: keep-alive\r\n\r\nabc"+goGet,
		"GET /echo HTTP/1.2\r\nHost: h1.test\r\n\r\n",
		"GET /echo http/1.1\r\nHost: h1.test\r\n\r\n",
		"GET /echo HTTP/2.0\r\nHost: h1.test\r\n\r\n",
		"GET /echo\r\n\r\n",
		// methods
		"get /echo HTTP/1.1\r\nHost: h1.test\r\n\r\n",
		"Post /echo HTTP/1.1\r\nHost: h1.test\r\nContent-Length: 1\r\n\r\na",
		"HEAD /big HTTP/1.1\r\nHost: h1.test\r\n\r\n"+goGet,
		goGet+"HEAD /echo HTTP/1.1\r\nHost: h1.test\r\n\r\n"+goGet,
		"PATCH /echo HTTP/1.1\r\nHost: h1.test\r\nContent-Length: 1\r\n\r\na"+goGet,
		// heads around the short road's 8 KB buffer
		nearLimit(readBufferSize-1), nearLimit(readBufferSize), nearLimit(readBufferSize+1),
		goGet+nearLimit(readBufferSize)+goGet,
		// answers of every shape, pipelined
		get("/status?code=103")+get("/status?code=101")+get("/road"),
		get("/status?code=204")+get("/status?code=304")+get("/sniff-big")+get("/big")+get("/road"),
		get("/declared-short")+get("/road"),
		get("/panic")+get("/road"),
		get("/te-identity")+get("/road"),
		// the handler's Connection header with a body left unread, small
		// and over net/http's 256 KB allowance
		request("POST", "/close", "unread")+goGet,
		request("POST", "/close-listed", "unread")+goGet,
		request("POST", "/close", strings.Repeat("u", maxPostHandlerReadBytes+1)),
		request("POST", "/close-listed", strings.Repeat("u", maxPostHandlerReadBytes+1)),
		// bodies past the roads' read buffers left unread on a connection
		// that closes: read after the answer, up to the allowance
		request("POST", "/close", strings.Repeat("u", 100<<10)),
		request("POST", "/echo", strings.Repeat("u", 100<<10), "Connection: close"),
		request("POST", "/panic", strings.Repeat("u", 100<<10)),
		request("POST", "/close", strings.Repeat("u", maxPostHandlerReadBytes)),
		request("POST", "/noread", strings.Repeat("u", maxPostHandlerReadBytes), "Connection: close"),
		// found by fuzzing, held open: net/http answers a malformed
		// request line or header line before the head's end, so the
		// short road hands such a head over as soon as the line is whole
		"GET / HTTP/1.1\r\nHost:0\r\n\r\n00\r\n",
		"GET /etho HTTP/1.1\r\nHoz0: h1.yect\r\nConnxz)Z: X$0se\r\n\ra",
		"GET\xbe\xbe\xbe\xbeb\xef\xef:\r\n\xbe\xbe",
		"GET /echo? HTTP/1.1\r\nHost:0\r\n0000-0000000000-00000000:\r\n\r\nPOST / HTTP/1.1\r\nHost:0\r\n0000-0000000000000000-0000:\r\n\r\n00\r\n",
		get("/status?code=204")+"GET /road HTHTTP/TP/1.1\r\nH",
		goGet+"GET /echo HTTP/1.1\r\nHost: h1.test\r\nX-A: 1\r\nNo colon\r\nX",
		goGet+"GET /echo HTTP/1.1\r\nHost: h1.test\r\nTransfer-Encoding: chunked\r\nX",
		// found by fuzzing: a body cut short by the close, its
		// Content-Length past the allowance, is refused (Connection:
		// close) though nothing is left to read
		"POST /echo? HTTP/1.1\r\nContent-Length:700000\r\nHost:0\r\n\r\n",
		"POST /noread HTTP/1.1\r\nHost: h1.test\r\nContent-Length: 300000\r\n\r\nabc",
		"POST /echo HTTP/1.1\r\nHost: h1.test\r\nContent-Length: 300000\r\nConnection: close\r\n\r\nabc",
		// a head cut off by the half-close
		goGet+"GET /echo HTTP/1.1\r\nHost: h1",
		goGet+"GE",
		"GET /echo HTTP/1.1\r\nHost: h1.test\r\n",
	)
	return seeds
}

// The comparison is empty for inputs the short road hands over whole: the
// clients' requests among the seeds must be ones it serves itself.
func TestDiffSeedsReachTheShortRoad(t *testing.T) {
	t.Parallel()
	shortAddr, _ := startFuzzPair(t)
	for _, tc := range []struct {
		input string
		short int
	}{
		{goClient, 1}, {axios, 1}, {undici, 1}, {requests, 1}, {goGet, 1},
		{goClient + goClient, 2}, {axios + undici + requests, 3},
		{curl, 1}, // a 404 from the short road
	} {
		if p := play(t, shortAddr, []byte(tc.input), 0); p.Short != tc.short || p.End != "closed" {
			t.Errorf("%d answers by the short road and end %q, want %d and closed; input %q", p.Short, p.End, tc.short, tc.input)
		}
	}
}

// A body left unread on a connection that closes anyway is read after the
// answer, up to net/http's allowance, and a larger one refused with a
// lingering close: with nothing after the body, net/http's reading is
// exact and the client sees a reset only where net/http leaves bytes
// unread.
func TestLeftoverBodyEndsAsNetHTTP(t *testing.T) {
	t.Parallel()
	shortAddr, stdAddr := startFuzzPair(t)
	body := func(n int) string { return strings.Repeat("u", n) }
	for _, input := range []string{
		request("POST", "/close", body(100<<10)),
		request("POST", "/noread", body(100<<10), "Connection: close"),
		request("POST", "/panic", body(100<<10)),
		request("POST", "/close", body(maxPostHandlerReadBytes)),
		request("POST", "/close", body(maxPostHandlerReadBytes+1)),
		request("POST", "/noread", body(maxPostHandlerReadBytes)),
		request("POST", "/noread", body(300<<10)),
		request("POST", "/noread", body(100<<10)),
	} {
		got, want := playBoth(t, shortAddr, stdAddr, []byte(input), 0)
		if got.Short != 1 && !strings.HasPrefix(input, "POST /panic") {
			t.Errorf("%d answers by the short road, want 1: %s", got.Short, shown([]byte(input)))
		}
		if diff := cmp.Diff(want, got, ignoreShort); diff != "" {
			t.Errorf("the short road answers otherwise (net/http -, short road +):\n%s\ninput: %s", diff, shown([]byte(input)))
		}
	}
}

// quietShort and quietLong are how long TestHeldOpenAsNetHTTP waits for a
// server that has gone silent: the first to play every input quickly,
// the second to confirm a difference, so that a loaded machine's slow
// answer or close does not pass for one. No assertion on speed: a server
// that keeps a connection open when net/http closes it within the long
// wait fails the same on any machine.
const (
	quietShort = 150 * time.Millisecond
	quietLong  = 3 * time.Second
)

// TestHeldOpenAsNetHTTP plays each seed as a client that keeps its side
// open: where a half-closed connection makes every read end, a held one
// tells a server that waits for more (the rest of a body, the next
// request) from one that closes, as a client still sending would meet it.
func TestHeldOpenAsNetHTTP(t *testing.T) {
	t.Parallel()
	shortAddr, stdAddr := startFuzzPair(t)
	sem := make(chan struct{}, 32) // connections at once, per road
	var wg sync.WaitGroup
	for _, s := range diffSeeds() {
		input := []byte(s)
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			diff := heldDiff(t, shortAddr, stdAddr, input, quietShort)
			if diff != "" { // or a server slower than quietShort: again
				diff = heldDiff(t, shortAddr, stdAddr, input, quietLong)
			}
			if diff != "" {
				t.Errorf("held open, the short road answers otherwise (net/http -, short road +):\n%s\ninput: %s", diff, shown(input))
			}
		}()
	}
	wg.Wait()
}

// heldDiff plays input held open to both roads and compares.
func heldDiff(t *testing.T, shortAddr, stdAddr string, input []byte, quiet time.Duration) string {
	got, want := playBoth(t, shortAddr, stdAddr, input, quiet)
	foldReset(&got)
	foldReset(&want)
	return cmp.Diff(want, got, ignoreShort)
}
