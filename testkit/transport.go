package testkit

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
)

// GraphHost is the platform's Graph API host. Transport answers for it, so
// a bot that hard-codes https://graph.facebook.com needs only its
// http.Client's transport swapped to run against the emulator.
const GraphHost = "graph.facebook.com"

// Transport returns an http.RoundTripper that serves every request for
// graph.facebook.com (any scheme, any port) and for URL's host from the
// emulator in process: no socket, no certificate. Requests for any other
// host fail with an error naming it; nothing leaves the process.
func (e *Emulator) Transport() http.RoundTripper {
	return &handlerTransport{
		handler: e.srv.Handler(),
		hosts:   []string{GraphHost, emulatorHost},
		name:    "the emulator",
	}
}

// handlerTransport is an http.RoundTripper that calls an http.Handler
// directly: the request goes in, the recorded response comes out, with no
// listener, connection or serialisation in between.
type handlerTransport struct {
	handler http.Handler
	hosts   []string // served hosts, without port
	name    string   // for errors
}

func (t *handlerTransport) serves(host string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	for _, h := range t.hosts {
		if strings.EqualFold(h, host) {
			return true
		}
	}
	return false
}

// RoundTrip implements http.RoundTripper.
func (t *handlerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		defer req.Body.Close()
	}
	if req.URL == nil {
		return nil, fmt.Errorf("testkit: request without a URL")
	}
	if !t.serves(req.URL.Host) {
		return nil, fmt.Errorf("testkit: %s answers only for %s, not %q; give other hosts their own client", t.name, strings.Join(t.hosts, " and "), req.URL.Host)
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
			return nil, fmt.Errorf("testkit: %s panicked serving %s %s: %v", t.name, req.Method, req.URL.Path, p)
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
