package h1

import (
	"bufio"
	"context"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// temporaryError is an Accept error worth retrying, as running out of
// file descriptors is.
type temporaryError struct{}

func (temporaryError) Error() string   { return "accept: too many open files" }
func (temporaryError) Temporary() bool { return true }
func (temporaryError) Timeout() bool   { return false }

// flakyListener fails its first Accept with a temporary error.
type flakyListener struct {
	net.Listener
	failed atomic.Bool
}

func (l *flakyListener) Accept() (net.Conn, error) {
	if l.failed.CompareAndSwap(false, true) {
		return nil, temporaryError{}
	}
	return l.Listener.Accept()
}

func TestServeRetriesATemporaryAcceptError(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	logs := &lockedBuffer{}
	s := &Server{HTTP: &http.Server{Handler: testHandler(newGate()), ErrorLog: log.New(logs, "", 0)}}
	done := make(chan error, 1)
	go func() { done <- s.Serve(&flakyListener{Listener: l}) }()
	t.Cleanup(func() { _ = s.Close(); <-done })

	c := dial(t, l.Addr().String())
	if _, err := io.WriteString(c, get("/road")); err != nil {
		t.Fatal(err)
	}
	if a, err := readAnswer(bufio.NewReader(c), "GET"); err != nil || a.Body != "ok" {
		t.Fatalf("after a temporary Accept error: %+v, %v", a, err)
	}
	if got := logs.String(); !strings.Contains(got, "too many open files") {
		t.Errorf("the error log does not name the Accept error:\n%s", got)
	}
}

// While net/http waits for a request it serves, the short road's idle
// connections are closed at once, as net/http closes its own.
func TestShutdownClosesIdleConnectionsWhileNetHTTPWaits(t *testing.T) {
	t.Parallel()
	s := startShort(t, nil)
	idleR := idleOnShortRoad(t, s.addr)
	busyR := opened(t, s.addr, get("/slow", "X-Fast: no")) // held by net/http in a slow handler
	<-s.gate.started

	shut := make(chan error, 1)
	go func() { shut <- s.srv.Shutdown(context.Background()) }()
	// The gate stays shut until the idle connection is found closed: a
	// Shutdown that waited for net/http first would never close it.
	if _, err := idleR.ReadByte(); err == nil || isTimeout(err) {
		t.Fatalf("the idle connection under Shutdown: %v, want it closed", err)
	}
	close(s.gate.release)
	if a, err := readAnswer(busyR, "GET"); err != nil || a.Body != "done" || a.Road != roadHTTP {
		t.Errorf("the request net/http held: %+v, %v", a, err)
	}
	if err := <-shut; err != nil {
		t.Errorf("Shutdown: %v", err)
	}
}

// The first request's header timeout counts from the accept, as
// net/http's does, not from its first byte.
func TestFirstRequestHeaderTimeoutCountsFromTheAccept(t *testing.T) {
	t.Parallel()
	const limit = 2 * time.Second // as slowFirstHead's
	short := startShort(t, func(hs *http.Server) { hs.ReadHeaderTimeout = limit })
	std := &http.Server{Handler: testHandler(newGate()), ReadHeaderTimeout: limit, ErrorLog: log.New(io.Discard, "", 0)}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = std.Serve(l) }()
	t.Cleanup(func() { _ = std.Close() })

	got, want := slowFirstHead(t, short.addr), slowFirstHead(t, l.Addr().String())
	if diff := cmp.Diff(want, got, ignoreRoad); diff != "" {
		t.Errorf("answers to a head finished past the timeout (net/http -, short road +):\n%s", diff)
	}
	if got.Body == "ok" {
		t.Errorf("a head finished past the header timeout was served: %+v", got)
	}
}

// slowFirstHead begins a first request half the header timeout after the
// connection and finishes it after the timeout counted from the accept,
// but within it counted from the first byte; it returns the answer. The
// margins (0.6 s past the one, 0.4 s within the other) leave room for a
// loaded machine's late accept.
func slowFirstHead(t *testing.T, addr string) answer {
	t.Helper()
	const limit = 2 * time.Second
	c := dial(t, addr)
	time.Sleep(limit / 2)
	if _, err := io.WriteString(c, "G"); err != nil {
		t.Fatal(err)
	}
	time.Sleep(limit * 8 / 10)
	_, _ = io.WriteString(c, "ET /road HTTP/1.1\r\nHost: h1.test\r\n\r\n")
	a, err := readAnswer(bufio.NewReader(c), "GET")
	if err != nil && !errors.Is(err, io.EOF) {
		t.Fatalf("answer to a slow first head: %v", err)
	}
	return a
}

// A body cut short by the client's half-close: both roads answer the same
// and neither says Connection: close (net/http finds out on its next read).
func TestShortBodyThenHalfCloseAnswersAsNetHTTP(t *testing.T) {
	t.Parallel()
	short := startShort(t, nil)
	std := startStandard(t)
	got := halfClosed(t, short.addr)
	want := halfClosed(t, std)
	if diff := cmp.Diff(want, got, ignoreRoad); diff != "" {
		t.Errorf("answers (net/http -, short road +):\n%s", diff)
	}
}

func halfClosed(t *testing.T, addr string) answer {
	t.Helper()
	c := dial(t, addr)
	if _, err := io.WriteString(c, "POST /echo HTTP/1.1\r\nHost: h1.test\r\nContent-Length: 10\r\n\r\nabc"); err != nil {
		t.Fatal(err)
	}
	if err := c.(*net.TCPConn).CloseWrite(); err != nil {
		t.Fatal(err)
	}
	a, err := readAnswer(bufio.NewReader(c), "POST")
	if err != nil && !errors.Is(err, io.EOF) {
		t.Fatalf("answer to a cut-short body: %v", err)
	}
	return a
}
