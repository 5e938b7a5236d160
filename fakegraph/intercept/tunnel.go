package intercept

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/messemu/messemu/fakegraph/internal/connlisten"
)

// hijack takes the client connection of a CONNECT request away from the
// HTTP server. Bytes the client sent right behind the request (a TLS
// ClientHello, typically) are already in the server's buffer; the returned
// connection reads those first.
func hijack(w http.ResponseWriter) (net.Conn, error) {
	conn, brw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return nil, fmt.Errorf("cannot take over the connection for CONNECT: %w", err)
	}
	// The server's read and write deadlines still apply to a hijacked
	// connection; a tunnel lives as long as its client wants.
	if err := conn.SetDeadline(time.Time{}); err != nil {
		conn.Close()
		return nil, fmt.Errorf("clearing the connection deadline: %w", err)
	}
	n := brw.Reader.Buffered()
	if n == 0 {
		return conn, nil
	}
	early, err := brw.Reader.Peek(n)
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("reading the buffered bytes: %w", err)
	}
	early = bytes.Clone(early)
	return &connlisten.ReaderConn{Conn: conn, R: io.MultiReader(bytes.NewReader(early), conn)}, nil
}

// tunnelConn is a hijacked CONNECT connection to an intercepted host; host is
// the CONNECT target, which names the certificate and stands in for a missing
// Host header.
type tunnelConn struct {
	net.Conn
	host string
}

// Read reads from the client, acknowledging at once what it read (quickAck).
func (t *tunnelConn) Read(p []byte) (int, error) {
	n, err := t.Conn.Read(p)
	if n > 0 {
		quickAck(t.Conn)
	}
	return n, err
}

type tunnelHostKey struct{}

// withTunnelHost is the inner server's ConnContext: it records the CONNECT
// target of each connection for its requests.
func withTunnelHost(ctx context.Context, c net.Conn) context.Context {
	if tc, ok := c.(*tls.Conn); ok {
		if t, ok := tc.NetConn().(*tunnelConn); ok {
			return context.WithValue(ctx, tunnelHostKey{}, t.host)
		}
	}
	return ctx
}

// tunnelAddr is the address of the inner server's listener
// (connlisten), which intercepted TLS connections are pushed to.
type tunnelAddr struct{}

func (tunnelAddr) Network() string { return "intercept" }
func (tunnelAddr) String() string  { return "intercepted-tunnels" }

// tunnel is the passthrough CONNECT: a blind TCP tunnel to target, bytes
// copied both ways unseen, until both sides are done or the proxy closes.
func (p *Proxy) tunnel(w http.ResponseWriter, r *http.Request, target string) {
	if _, _, err := net.SplitHostPort(target); err != nil {
		target = net.JoinHostPort(target, "443")
	}
	ctx, cancel := context.WithTimeout(r.Context(), 30*time.Second)
	remote, err := p.dial(ctx, "tcp", target)
	cancel()
	if err != nil {
		p.log.Warn("intercept: passthrough dial failed", "host", target, "err", err)
		http.Error(w, fmt.Sprintf("messemu: passthrough to %s failed: %v\n", target, err), http.StatusBadGateway)
		return
	}
	client, err := hijack(w)
	if err != nil {
		remote.Close()
		http.Error(w, "messemu: "+err.Error()+"\n", http.StatusInternalServerError)
		return
	}
	if !p.track(client, remote) {
		client.Close()
		remote.Close()
		return
	}
	defer p.untrack(client, remote)
	if _, err := client.Write([]byte("HTTP/1.1 200 Connection established\r\n\r\n")); err != nil {
		return
	}
	p.log.Info("intercept: tunnelling", "host", target)

	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _ = io.Copy(remote, client) // an error ends the tunnel; nothing to report to anyone
		_ = closeWrite(remote)
	}()
	_, _ = io.Copy(client, remote)
	_ = closeWrite(client)
	<-done
}

// track registers a passthrough tunnel so Shutdown and Close can end it;
// false if the proxy is already closing.
func (p *Proxy) track(conns ...net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return false
	}
	for _, c := range conns {
		p.tunnels[c] = struct{}{}
	}
	p.tunWG.Add(1)
	return true
}

func (p *Proxy) untrack(conns ...net.Conn) {
	p.mu.Lock()
	for _, c := range conns {
		delete(p.tunnels, c)
		c.Close()
	}
	p.mu.Unlock()
	p.tunWG.Done()
}

// closeTunnels ends every passthrough tunnel and waits for their goroutines.
func (p *Proxy) closeTunnels() {
	p.mu.Lock()
	for c := range p.tunnels {
		c.Close()
	}
	p.mu.Unlock()
	p.tunWG.Wait()
}

func closeWrite(c net.Conn) error {
	if cw, ok := c.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return c.Close()
}
