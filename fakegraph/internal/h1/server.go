// Package h1 serves the plain HTTP/1.1 requests of keep-alive connections
// without net/http's per-request machinery, and hands every connection it
// does not fully understand, from the request it does not understand on,
// to a net/http.Server.
//
// net/http spends about as much CPU on one small request as messemu spends
// on checking and recording a send: a request context with its cancel, a
// background read, a clone and a sort of the answer's headers, a chunk
// writer. A bot sending text messages pays that on every call, so the Graph
// API's calls take a shorter road: the request's head is parsed in place,
// the handler gets an *http.Request and an http.ResponseWriter as always,
// and the answer is written in one piece (a 1xx ahead of it at once) with
// the headers net/http would add (Date, Content-Length, a sniffed
// Content-Type, Connection: close).
//
// The short road takes only what it can serve exactly as net/http would:
// an origin-form GET, POST or DELETE over HTTP/1.1 with a Host, at most one
// Content-Length and none of Transfer-Encoding, Expect, Upgrade or a
// folded header line, whose whole head fits in the read buffer, and that
// the Fast callback accepts (the Graph API, not the web page's websocket
// or the control API's waits). Anything else (HTTP/1.0, HTTP/2's preface,
// a malformed line, a chunked upload) is handed over with every byte read
// so far, and net/http serves that connection from then on: its answers,
// its errors and its limits are the ones a client meets. A head is handed
// over as soon as a line of it the short road refuses has come, not at
// its end, since net/http may answer that line at once.
//
// The short road follows the http.Server's Handler, ReadHeaderTimeout,
// ReadTimeout, WriteTimeout, IdleTimeout and ErrorLog. The rest of its
// settings (ConnState, ConnContext, BaseContext, MaxHeaderBytes under
// 8 KB, SetKeepAlivesEnabled) apply to the connections handed over only.
// Where the framing may differ, the answer does not: a body net/http
// would send chunked (over 2 KB) goes with its Content-Length. A request's
// context carries http.ServerContextKey and http.LocalAddrContextKey but is
// not cancelled when the client goes away (net/http's background read is
// part of the cost saved), and its Body reads from the connection. Two
// things net/http does the short road does not, for handlers that need
// them: it sends no trailers, and a header value changed in place (not
// replaced) after WriteHeader is sent changed.
package h1

import (
	"context"
	"errors"
	"log"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/messemu/messemu/fakegraph/internal/connlisten"
)

// Server serves a listener's connections: the requests Fast accepts itself,
// the rest through HTTP. Set its fields before Serve.
type Server struct {
	// HTTP serves the connections handed over; its Handler, timeouts
	// (ReadHeaderTimeout, ReadTimeout, IdleTimeout) and ErrorLog are the
	// short road's too.
	HTTP *http.Server
	// Fast reports whether the short road may serve r (its head is parsed,
	// its body not read). Nil serves every request that qualifies.
	Fast func(r *http.Request) bool

	mu      sync.Mutex
	ln      net.Listener
	handoff *connlisten.Listener // what HTTP serves: the connections handed over
	conns   map[*conn]struct{}
	closing atomic.Bool
	baseCtx context.Context
}

// Serve accepts l's connections until Shutdown or Close, and returns
// http.ErrServerClosed then.
func (s *Server) Serve(l net.Listener) error {
	s.mu.Lock()
	if s.ln != nil {
		s.mu.Unlock()
		return errors.New("h1: Serve called twice")
	}
	s.ln = l
	s.handoff = connlisten.New(l.Addr())
	s.conns = make(map[*conn]struct{})
	s.baseCtx = context.WithValue(context.Background(), http.ServerContextKey, s.HTTP)
	s.mu.Unlock()
	if s.closing.Load() {
		_ = l.Close()
		return http.ErrServerClosed
	}

	httpDone := make(chan error, 1)
	go func() { httpDone <- s.HTTP.Serve(s.handoff) }()
	defer l.Close() // as net/http's Serve: a listener it gave up on refuses, not hangs

	var delay time.Duration // as net/http backs off a failing Accept
	for {
		rwc, err := l.Accept()
		if err != nil {
			if s.closing.Load() {
				return http.ErrServerClosed
			}
			if temporary(err) { // too many open files, a timeout: wait, then go on
				delay = min(max(2*delay, 5*time.Millisecond), time.Second)
				s.logf("http: Accept error: %v; retrying in %v", err, delay)
				time.Sleep(delay)
				continue
			}
			_ = s.handoff.Close()
			<-httpDone
			return err
		}
		delay = 0
		c := s.newConn(rwc)
		if c == nil {
			_ = rwc.Close()
			continue
		}
		go c.serve()
	}
}

// temporary is net/http's test of an Accept error worth retrying.
func temporary(err error) bool {
	ne, ok := err.(interface{ Temporary() bool })
	return ok && ne.Temporary()
}

// Shutdown stops accepting, lets every request under way finish and closes
// the idle connections, as http.Server.Shutdown does, until ctx ends.
func (s *Server) Shutdown(ctx context.Context) error {
	s.closing.Store(true)
	s.closeListener()
	// The idle connections close at once, as net/http's do, while net/http
	// waits for its own (the control API's waits can hold it a minute).
	httpDone := make(chan error, 1)
	go func() { httpDone <- s.HTTP.Shutdown(ctx) }()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	var err error
	httpLeft := true
	for {
		left := s.closeIdle()
		if left == 0 && !httpLeft {
			return err
		}
		select {
		case err = <-httpDone:
			httpLeft = false
		case <-ctx.Done():
			if httpLeft {
				err = <-httpDone // it returns at ctx's end too
			}
			return errors.Join(err, ctx.Err())
		case <-tick.C:
		}
	}
}

// Close closes the listener and every connection at once.
func (s *Server) Close() error {
	s.closing.Store(true)
	s.closeListener()
	err := s.HTTP.Close()
	s.mu.Lock()
	for c := range s.conns {
		_ = c.rwc.Close()
	}
	s.mu.Unlock()
	return err
}

func (s *Server) closeListener() {
	s.mu.Lock()
	ln, h := s.ln, s.handoff
	s.mu.Unlock()
	if ln != nil {
		_ = ln.Close()
	}
	if h != nil {
		_ = h.Close()
	}
}

// closeIdle closes the connections waiting for their next request and
// says how many connections are left.
func (s *Server) closeIdle() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.conns {
		if c.idle {
			_ = c.rwc.Close()
		}
	}
	return len(s.conns)
}

func (s *Server) newConn(rwc net.Conn) *conn {
	c := &conn{
		s:        s,
		rwc:      rwc,
		accepted: time.Now(),
		remote:   rwc.RemoteAddr().String(),
		ctx:      context.WithValue(s.baseCtx, http.LocalAddrContextKey, rwc.LocalAddr()),
		idle:     true,
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing.Load() {
		return nil
	}
	s.conns[c] = struct{}{}
	return c
}

// setIdle records whether c waits for a request; it reports false when the
// server is shutting down and c should close rather than go on.
func (s *Server) setIdle(c *conn, idle bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	c.idle = idle
	return !s.closing.Load()
}

func (s *Server) forget(c *conn) {
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
}

// logf logs where net/http would: its ErrorLog, or the log package's.
func (s *Server) logf(format string, args ...any) {
	if l := s.HTTP.ErrorLog; l != nil {
		l.Printf(format, args...)
		return
	}
	log.Printf(format, args...)
}
