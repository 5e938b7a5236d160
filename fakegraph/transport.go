package fakegraph

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
)

// The one in-process transport: testkit serves the emulator and the bot
// through it, and the demo bot gets its webhooks through it.

// NewHandlerTransport returns a transport that serves requests for hosts
// with h: a host named without a port on any port, one named with a port
// ("127.0.0.1:8765") on that port only; any scheme. name says what h is in
// errors.
func NewHandlerTransport(h http.Handler, name string, hosts ...string) *HandlerTransport {
	return &HandlerTransport{handler: h, hosts: hosts, name: name}
}

// GraphHost is the platform's Graph API host.
const GraphHost = "graph.facebook.com"

// InProcessHost is the host Client serves the emulator under (besides
// GraphHost): an http.Client from Client reaches the emulator at
// "http://" + InProcessHost without a socket.
const InProcessHost = "graph.messemu.test"

// Client returns an http.Client that reaches this server in process, with
// no socket: requests for InProcessHost or graph.facebook.com go to its
// Handler; any other host is an error, so nothing leaves the process.
func (s *Server) Client() *http.Client {
	return &http.Client{Transport: NewHandlerTransport(s.Handler(), "the emulator", GraphHost, InProcessHost)}
}

// HandlerTransport is an http.RoundTripper that calls an http.Handler
// directly: the request goes in, the recorded response comes out, with no
// listener, connection or serialisation in between.
type HandlerTransport struct {
	handler http.Handler
	hosts   []string // served hosts, without port
	name    string   // for errors
}

func (t *HandlerTransport) serves(host string) bool {
	name := host
	if h, _, err := net.SplitHostPort(host); err == nil {
		name = h
	}
	// A served host with a port is the request's host with its port; one
	// without, the request's host without it.
	for _, h := range t.hosts {
		if strings.EqualFold(h, host) || strings.EqualFold(h, name) {
			return true
		}
	}
	return false
}

// RoundTrip implements http.RoundTripper.
func (t *HandlerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		defer req.Body.Close()
	}
	if req.URL == nil {
		return nil, fmt.Errorf("messemu: request without a URL")
	}
	if !t.serves(req.URL.Host) {
		return nil, fmt.Errorf("messemu: %s answers only for %s, not %q; give other hosts their own client", t.name, strings.Join(t.hosts, " and "), req.URL.Host)
	}
	ctx := req.Context()
	in := req.Clone(ctx)
	in.RequestURI = req.URL.RequestURI()
	in.Host = req.URL.Host
	in.RemoteAddr = "127.0.0.1:1"
	in.URL.Scheme, in.URL.Host = "", ""
	if in.Body == nil {
		in.Body = http.NoBody
	}
	if in.Proto == "" {
		in.Proto, in.ProtoMajor, in.ProtoMinor = "HTTP/1.1", 1, 1
	}
	rec := httptest.NewRecorder()
	done := make(chan any, 1)
	go func() {
		defer func() { done <- recover() }()
		t.handler.ServeHTTP(rec, in)
	}()
	select {
	case p := <-done:
		if p != nil {
			// A server would drop the connection; the client sees an error.
			return nil, fmt.Errorf("messemu: %s panicked serving %s %s: %v", t.name, req.Method, req.URL.Path, p)
		}
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	resp := rec.Result()
	resp.Proto, resp.ProtoMajor, resp.ProtoMinor = "HTTP/1.1", 1, 1
	resp.ContentLength = int64(rec.Body.Len())
	resp.Request = req
	return resp, nil
}
