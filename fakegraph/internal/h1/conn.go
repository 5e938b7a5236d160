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
)

// readBufferSize is the largest request head the short road reads (the
// request line and headers); a longer one goes to net/http, which takes
// up to http.Server.MaxHeaderBytes.
const readBufferSize = 8 << 10

// maxPostHandlerReadBytes is what net/http reads and discards of a body
// its handler left unread before it gives up on the connection.
const maxPostHandlerReadBytes = 256 << 10

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
	idle   bool // guarded by s.mu

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
	handed := false
	defer func() {
		c.s.forget(c)
		if handed {
			return
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
			handed = c.s.handoff.give(&readConn{Conn: c.rwc, r: c.br})
			return
		}
		c.served++
	}
}

// next waits for the next request and serves it when it can.
func (c *conn) next() verdict {
	c.idleDeadline(time.Now())
	if _, err := c.br.Peek(1); err != nil {
		return closeConn // closed, timed out or shut down while idle
	}
	keep := c.s.setIdle(c, false)
	defer c.s.setIdle(c, true)

	start := time.Now()
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
	c.body.reset(c.br, req.ContentLength)
	if req.ContentLength > int64(c.br.Buffered()) {
		c.setDeadline(deadlineAfter(start, c.s.HTTP.ReadTimeout), false)
	}
	if d := c.s.HTTP.WriteTimeout; d > 0 {
		_ = c.rwc.SetWriteDeadline(start.Add(d))
	}

	w := &c.w
	w.reset(req)
	if !c.run(w, req) {
		return closeConn
	}
	if !keep {
		w.closeAfter = true
	}
	if err := w.finish(start); err != nil {
		return closeConn
	}
	if w.closeAfter {
		return closeConn
	}
	return keepOpen
}

// readHead peeks until the buffer holds the request's whole head, which
// it returns unconsumed.
func (c *conn) readHead(start time.Time) ([]byte, verdict) {
	timed := false
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
		if !timed {
			c.setDeadline(deadlineAfter(start, c.s.readHeaderTimeout()), false)
			timed = true
		}
		if _, err := c.br.Peek(len(buf) + 1); err != nil {
			if len(buf) > 0 && !isTimeout(err) {
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
	err        error
	closed     bool
	earlyClose bool // closed with too much unread to reuse the connection
}

func (b *body) reset(r *bufio.Reader, n int64) { *b = body{r: r, n: n} }

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
	if b.n <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > b.n {
		p = p[:b.n]
	}
	n, err := b.r.Read(p)
	b.n -= int64(n)
	if err == io.EOF && b.n > 0 {
		err = io.ErrUnexpectedEOF
	}
	if err != nil {
		b.err = err
	} else if b.n == 0 {
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

// unread reports whether the body was not read to its end.
func (b *body) unread() bool { return b.n > 0 || b.err != nil }

// discardRest reads what the handler left of the body, as net/http does
// before it reuses a connection; false when too much is left (its
// allowance or more) or the read fails, and the connection must close.
func (b *body) discardRest() bool {
	if b.closed {
		return !b.unread()
	}
	if !b.unread() {
		return true
	}
	if b.err != nil || b.n >= maxPostHandlerReadBytes {
		return false
	}
	_, err := io.Copy(io.Discard, readerFunc(b.read))
	return err == nil && b.n == 0
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
