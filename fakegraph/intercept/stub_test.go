package intercept

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// graphStub stands in for the emulator's handler: it records every request
// and answers JSON naming what it saw.
type graphStub struct {
	mu   sync.Mutex
	seen []seenRequest
}

type seenRequest struct {
	Method, Host, Path, RawQuery, RequestURI, Body string
	TLS                                            bool
	ProxyHeaders                                   bool
}

func (s *graphStub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	req := seenRequest{
		Method:       r.Method,
		Host:         r.Host,
		Path:         r.URL.Path,
		RawQuery:     r.URL.RawQuery,
		RequestURI:   r.RequestURI,
		Body:         string(body),
		TLS:          r.TLS != nil,
		ProxyHeaders: r.Header.Get("Proxy-Connection") != "" || r.Header.Get("Proxy-Authorization") != "",
	}
	s.mu.Lock()
	s.seen = append(s.seen, req)
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if err := json.NewEncoder(w).Encode(map[string]any{
		"recipient_id": "1254459154682919",
		"message_id":   "m_stub",
		"path":         r.URL.Path,
		"host":         r.Host,
	}); err != nil {
		return // the client went away; its own error fails the test
	}
}

func (s *graphStub) requests() []seenRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]seenRequest(nil), s.seen...)
}

// countingDialer stands in for Options.Dial and records every call.
type countingDialer struct {
	calls atomic.Int32
	mu    sync.Mutex
	addrs []string
}

func (d *countingDialer) Dial(ctx context.Context, network, addr string) (net.Conn, error) {
	d.calls.Add(1)
	d.mu.Lock()
	d.addrs = append(d.addrs, addr)
	d.mu.Unlock()
	var nd net.Dialer
	return nd.DialContext(ctx, network, addr)
}

type testProxy struct {
	*Proxy
	ca     *CA
	stub   *graphStub
	dialer *countingDialer
	addr   string
	url    *url.URL
}

// startProxy serves a Proxy on a loopback port, with a graphStub as its
// handler and a counting dialer, and closes it when the test ends.
func startProxy(tb testing.TB, opts Options) *testProxy {
	tb.Helper()
	ca, err := LoadOrCreateCA(tb.TempDir())
	if err != nil {
		tb.Fatalf("LoadOrCreateCA: %v", err)
	}
	stub := &graphStub{}
	dialer := &countingDialer{}
	opts.Dial = dialer.Dial
	p := New(stub, ca, opts)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("listen: %v", err)
	}
	served := make(chan error, 1)
	go func() { served <- p.Serve(l) }()
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := p.Shutdown(ctx); err != nil {
			tb.Errorf("Shutdown: %v", err)
		}
		if err := <-served; !errors.Is(err, http.ErrServerClosed) {
			tb.Errorf("Serve returned %v, want http.ErrServerClosed", err)
		}
	})
	addr := l.Addr().String()
	return &testProxy{Proxy: p, ca: ca, stub: stub, dialer: dialer, addr: addr, url: &url.URL{Scheme: "http", Host: addr}}
}

// clientStats counts what a client did on the wire.
type clientStats struct {
	handshakes atomic.Int32
	mu         sync.Mutex
	dialled    []string
}

func (s *clientStats) dials() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.dialled...)
}

// client returns an HTTP client that uses the proxy and trusts only the CA.
// It may dial nothing but the proxy: a dial anywhere else (the real
// graph.facebook.com) fails the test.
func (tp *testProxy) client(tb testing.TB) (*http.Client, *clientStats) {
	tb.Helper()
	stats := &clientStats{}
	tr := &http.Transport{
		Proxy: http.ProxyURL(tp.url),
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			stats.mu.Lock()
			stats.dialled = append(stats.dialled, addr)
			stats.mu.Unlock()
			if addr != tp.addr {
				tb.Errorf("client dialled %s; only the proxy %s may be dialled", addr, tp.addr)
				return nil, errors.New("test: dial refused")
			}
			var d net.Dialer
			return d.DialContext(ctx, network, addr)
		},
		TLSClientConfig: &tls.Config{
			RootCAs: tp.ca.Pool(),
			VerifyConnection: func(tls.ConnectionState) error {
				stats.handshakes.Add(1)
				return nil
			},
		},
		ForceAttemptHTTP2: true, // the proxy must still settle on HTTP/1.1
	}
	tb.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: 10 * time.Second}, stats
}
