// Package connlisten is a net.Listener fed by hand: a server that takes
// connections over from somewhere else (the intercept proxy's TLS tunnels,
// the short road's connections it leaves to net/http) pushes them, and an
// http.Server accepts them from it, so that keep-alive, timeouts and
// graceful shutdown are net/http's own. A connection whose first bytes
// were read before it was handed over goes as a ReaderConn.
package connlisten

import (
	"io"
	"net"
	"sync"
)

// Listener is a net.Listener whose connections come from Push.
type Listener struct {
	addr net.Addr
	ch   chan net.Conn
	done chan struct{}
	once sync.Once
}

// New returns a listener that reports addr as its address.
func New(addr net.Addr) *Listener {
	return &Listener{addr: addr, ch: make(chan net.Conn), done: make(chan struct{})}
}

// Push hands c to the server accepting from l, waiting until it does; false
// if l is closed (then c is the caller's to close).
func (l *Listener) Push(c net.Conn) bool {
	select {
	case <-l.done:
		return false
	default:
	}
	select {
	case l.ch <- c:
		return true
	case <-l.done:
		return false
	}
}

// Accept returns the next pushed connection, or net.ErrClosed once l is
// closed.
func (l *Listener) Accept() (net.Conn, error) {
	select {
	case c := <-l.ch:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

// Close makes Accept and Push fail; it may be called more than once.
func (l *Listener) Close() error {
	l.once.Do(func() { close(l.done) })
	return nil
}

// Addr is the address given to New.
func (l *Listener) Addr() net.Addr { return l.addr }

// ReaderConn is a connection whose reads come through R: a reader that
// returns the bytes already read from Conn first, then Conn's own.
type ReaderConn struct {
	net.Conn
	R io.Reader
}

func (c *ReaderConn) Read(p []byte) (int, error) { return c.R.Read(p) }

// CloseWrite half-closes Conn where it can (a TCP connection), so that
// net/http can refuse a body and still be read; elsewhere it closes Conn.
func (c *ReaderConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return c.Conn.Close()
}
