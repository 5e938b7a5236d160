package h1

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"runtime"
	"sync"
	"time"

	"github.com/messemu/messemu/fakegraph/internal/connlisten"
)

// readBufferSize is the largest request head the short road reads (the
// request line and headers); a longer one goes to net/http, which takes
// up to http.Server.MaxHeaderBytes.
const readBufferSize = 8 << 10

// maxPostHandlerReadBytes is what net/http reads and discards of a body
// its handler left unread before it gives up on the connection.
const maxPostHandlerReadBytes = 256 << 10

// headTimedOut is net/http's answer to a request line it gave up waiting
// for.
const headTimedOut = "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n400 Bad Request"

// rstAvoidanceDelay is how long net/http waits between half-closing a
// connection whose body it refused and closing it.
const rstAvoidanceDelay = 500 * time.Millisecond

// deadlineSlack is how stale the idle deadline may grow before it is set
// again: setting it costs a timer update a request, and an idle limit a
// second short of its value changes nothing a client can tell.
const deadlineSlack = time.Second

var readerPool = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, readBufferSize) }}

// conn is one connection on the short road.
type conn struct {
	s      *Server
	rwc    net.Conn
	remote string
	ctx    context.Context
	blank  http.Request // empty but for ctx: each request starts as a copy
	idle   bool         // guarded by s.mu

	accepted time.Time // the first request's timeouts count from here
	lastPost bool      // the request before was a POST (see skipCRLF)
	// lingerClose half-closes the connection and waits before closing it,
	// as net/http does after refusing a body, so that the client reads the
	// answer rather than a reset.
	lingerClose bool

	br       *bufio.Reader
	served   int
	deadline time.Time // the read deadline set last
	idleSet  bool      // deadline is an idle one, moved forward lazily
	body     body
	w        response
	date     []byte
	dateSec  int64
}

// verdict is what became of one request on the short road.
type verdict int

const (
	keepOpen verdict = iota
	closeConn
	handOver
)

func (c *conn) serve() {
	c.br = readerPool.Get().(*bufio.Reader)
	c.br.Reset(c.rwc)
	c.w.c = c
	c.w.header = make(http.Header, 16)
	c.blank = *(&http.Request{}).WithContext(c.ctx)
	handed := false
	defer func() {
		c.s.forget(c)
		if handed {
			return
		}
		if c.lingerClose {
			if cw, ok := c.rwc.(interface{ CloseWrite() error }); ok {
				_ = cw.CloseWrite()
			}
			time.Sleep(rstAvoidanceDelay)
		}
		_ = c.rwc.Close()
		c.br.Reset(nil)
		readerPool.Put(c.br)
	}()
	for {
		switch c.next() {
		case closeConn:
			return
		case handOver:
			// net/http's from now: Shutdown must not close it as one of
			// the short road's idle connections.
			c.s.forget(c)
			// net/http sets its own deadlines, but none where it has no
			// timeouts: the short road's must not stay behind.
			_ = c.rwc.SetReadDeadline(time.Time{})
			handed = c.s.handoff.Push(&connlisten.ReaderConn{Conn: c.rwc, R: c.br})
			return
		}
		c.served++
		c.s.setIdle(c, true)
	}
}

// next waits for the next request and serves it when it can.
func (c *conn) next() verdict {
	c.idleDeadline(time.Now())
	// Between requests net/http waits for four bytes before it starts the
	// next request's header timeout; before the first, for none.
	first := 1
	if c.served > 0 {
		first = 4
	}
	if _, err := c.br.Peek(first); err != nil {
		return closeConn // closed, timed out or shut down while idle
	}
	if !c.s.setIdle(c, false) {
		return closeConn // shutting down: net/http closes a connection idle till now
	}
	if c.lastPost {
		c.skipCRLF()
	}

	start := time.Now()
	if c.served == 0 {
		start = c.accepted // as net/http times the first request from the accept
	}
	head, v := c.readHead(start)
	if v != keepOpen {
		return v
	}
	req, ok := parseRequest(head, c)
	if !ok || (c.s.Fast != nil && !c.s.Fast(req)) {
		return handOver
	}
	if _, err := c.br.Discard(len(head)); err != nil {
		return closeConn
	}
	c.lastPost = req.Method == http.MethodPost
	c.body.reset(c.br, req.ContentLength, req.Close)
	if req.ContentLength > int64(c.br.Buffered()) {
		c.setDeadline(deadlineAfter(start, c.s.HTTP.ReadTimeout), false)
	}
	if d := c.s.HTTP.WriteTimeout; d > 0 {
		_ = c.rwc.SetWriteDeadline(start.Add(d))
	}

	w := &c.w
	w.reset(req)
	answered := c.run(w, req)
	var err error
	if answered {
		err = w.finish(time.Now())
	}
	// As net/http does after every request, the answer out or the handler
	// panicked: what is left of the body is read, up to the allowance,
	// even on a connection about to close (unless the client asked for the
	// close), so that a client still sending it is not met with a reset;
	// past the allowance the connection closes lingering.
	if req.ContentLength > 0 {
		_ = c.body.Close()
		if c.body.earlyClose {
			c.lingerClose = answered // net/http's panic path closes at once
			return closeConn
		}
	}
	if !answered || err != nil || w.closeAfter {
		return closeConn
	}
	return keepOpen
}

// skipCRLF drops up to four CR or LF bytes ahead of a request, as net/http
// does after a POST: clients that end a body with a stray line break get
// their next request read all the same.
func (c *conn) skipCRLF() {
	peek, _ := c.br.Peek(4)
	n := 0
	for n < len(peek) && (peek[n] == '\r' || peek[n] == '\n') {
		n++
	}
	_, _ = c.br.Discard(n)
}

// readHead peeks until the buffer holds the request's whole head, which
// it returns unconsumed.
func (c *conn) readHead(start time.Time) ([]byte, verdict) {
	timed := false
	checked := 0 // the lines of an unfinished head found fine so far
	for {
		buf, _ := c.br.Peek(c.br.Buffered())
		switch end := headEnd(buf); {
		case end > 0:
			return buf[:end], keepOpen
		case end < 0:
			return nil, handOver // bare LF line ends: net/http reads those
		}
		if len(buf) >= c.br.Size() {
			return nil, handOver // a head longer than the buffer
		}
		if lines := bytes.LastIndexByte(buf, '\n') + 1; lines > checked {
			if !takesSoFar(buf[:lines], c) {
				return nil, handOver // net/http may answer before the head ends
			}
			checked = lines
		}
		if !timed {
			c.setDeadline(deadlineAfter(start, c.s.readHeaderTimeout()), false)
			timed = true
		}
		if _, err := c.br.Peek(len(buf) + 1); err != nil {
			switch {
			case len(buf) == 0:
			case isTimeout(err):
				// A head not finished in time: net/http answers one whose
				// request line was cut (and closes on one whose headers were).
				if bytes.IndexByte(buf, '\n') < 0 {
					_, _ = io.WriteString(c.rwc, headTimedOut)
				}
			default:
				return nil, handOver // net/http answers a cut-off head
			}
			return nil, closeConn
		}
	}
}

// headEnd is the length of the head at buf's start ending in an empty
// line, 0 while it is incomplete, -1 if a line ends in a bare LF.
func headEnd(buf []byte) int {
	off := 0
	for {
		i := bytes.IndexByte(buf[off:], '\n')
		if i < 0 {
			return 0
		}
		i += off
		if i == 0 || buf[i-1] != '\r' {
			return -1
		}
		if i-off == 1 { // "\r\n" alone: the empty line
			if off == 0 {
				return -1 // a leading empty line: net/http decides
			}
			return i + 1
		}
		off = i + 1
	}
}

// run calls the handler, as net/http does: a panic is logged with its
// stack (but http.ErrAbortHandler) and the connection closed unanswered.
func (c *conn) run(w *response, req *http.Request) (ok bool) {
	defer func() {
		if v := recover(); v != nil {
			ok = false
			if v == http.ErrAbortHandler {
				return
			}
			buf := make([]byte, 64<<10)
			buf = buf[:runtime.Stack(buf, false)]
			c.s.logf("http: panic serving %v: %v\n%s", c.remote, v, buf)
		}
	}()
	c.s.HTTP.Handler.ServeHTTP(w, req)
	return true
}

// idleDeadline sets the deadline for the next request's first byte: the
// header timeout before the first request, the idle timeout after.
func (c *conn) idleDeadline(now time.Time) {
	d := c.s.HTTP.IdleTimeout
	if d == 0 {
		d = c.s.HTTP.ReadTimeout
	}
	if c.served == 0 {
		d = c.s.readHeaderTimeout()
	}
	want := deadlineAfter(now, d)
	if c.idleSet && want.IsZero() == c.deadline.IsZero() {
		// Moved forward lazily, never back: a deadline already later than
		// wanted (the first request's header timeout) is set at once.
		if ahead := want.Sub(c.deadline); ahead >= 0 && ahead < deadlineSlack {
			return
		}
	}
	c.setDeadline(want, true)
}

func (c *conn) setDeadline(t time.Time, idle bool) {
	if t.Equal(c.deadline) && c.idleSet == idle {
		return
	}
	_ = c.rwc.SetReadDeadline(t)
	c.deadline, c.idleSet = t, idle
}

func (s *Server) readHeaderTimeout() time.Duration {
	if d := s.HTTP.ReadHeaderTimeout; d > 0 {
		return d
	}
	return s.HTTP.ReadTimeout
}

// deadlineAfter is t+d, or no deadline for d <= 0.
func deadlineAfter(t time.Time, d time.Duration) time.Time {
	if d <= 0 {
		return time.Time{}
	}
	return t.Add(d)
}

func isTimeout(err error) bool {
	ne, ok := err.(net.Error)
	return ok && ne.Timeout()
}

// body is a request's body: the next n bytes of the connection. It reads
// and closes as net/http's does.
type body struct {
	r          *bufio.Reader
	n          int64
	err        error // a read that failed, returned again
	sawEOF     bool  // read to its end, or to the connection's
	closed     bool
	earlyClose bool // closed with too much unread to reuse the connection
	// closing: the request asked for the connection to close (its
	// Request.Close), and Close reads nothing more, as net/http's.
	closing bool
}

func (b *body) reset(r *bufio.Reader, n int64, closing bool) {
	*b = body{r: r, n: n, sawEOF: n == 0, closing: closing}
}

func (b *body) Read(p []byte) (int, error) {
	if b.closed {
		return 0, http.ErrBodyReadAfterClose
	}
	return b.read(p)
}

func (b *body) read(p []byte) (int, error) {
	if b.err != nil {
		return 0, b.err
	}
	if b.sawEOF {
		return 0, io.EOF
	}
	if int64(len(p)) > b.n {
		p = p[:b.n]
	}
	n, err := b.r.Read(p)
	b.n -= int64(n)
	switch {
	case err == io.EOF:
		b.sawEOF = true
		if b.n > 0 {
			err = io.ErrUnexpectedEOF // once; then EOF, as net/http's body
		}
	case err != nil:
		b.err = err
	case b.n == 0:
		b.sawEOF = true
		err = io.EOF
	}
	return n, err
}

// Close reads what is left, up to net/http's allowance, so that the
// connection can serve another request.
func (b *body) Close() error {
	if b.closed {
		return nil
	}
	b.closed = true
	if b.sawEOF || b.closing {
		return nil // nothing to read, or no point: net/http's order
	}
	if b.n > maxPostHandlerReadBytes {
		b.earlyClose = true
		return nil
	}
	n, err := io.CopyN(io.Discard, readerFunc(b.read), maxPostHandlerReadBytes)
	if n == maxPostHandlerReadBytes {
		b.earlyClose = true
	}
	if err == io.EOF {
		err = nil
	}
	return err
}

// discardRest reads what the handler left of the body, as net/http does
// before it reuses a connection. It reports whether the connection may
// serve another request, and whether the body was refused for its size
// (net/http's allowance or more left unread, counted from the
// Content-Length: a body cut short by the client's close counts what
// never came).
func (b *body) discardRest() (ok, tooBig bool) {
	if b.closed {
		return b.sawEOF && b.err == nil, false
	}
	if b.n >= maxPostHandlerReadBytes {
		return false, true
	}
	if b.sawEOF {
		return b.err == nil, false
	}
	if b.err != nil {
		return false, false
	}
	_, err := io.Copy(io.Discard, readerFunc(b.read))
	return err == nil, false
}

type readerFunc func([]byte) (int, error)

func (f readerFunc) Read(p []byte) (int, error) { return f(p) }

// appendDate appends now as an HTTP date, formatted once a second.
func (c *conn) appendDate(dst []byte, now time.Time) []byte {
	if sec := now.Unix(); sec != c.dateSec || c.date == nil {
		c.date = now.UTC().AppendFormat(c.date[:0], http.TimeFormat)
		c.dateSec = sec
	}
	return append(dst, c.date...)
}
