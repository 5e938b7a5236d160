package intercept

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const messagesURL = "https://graph.facebook.com/v26.0/me/messages"

func TestInterceptServesGraphThroughTLS(t *testing.T) {
	t.Parallel()
	tp := startProxy(t, Options{})
	client, stats := tp.client(t)

	body := `{"recipient":{"id":"1254459154682919"},"message":{"text":"hello"}}`
	resp, err := client.Post(messagesURL+"?access_token=PAGE_TOKEN", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatalf("POST through the intercept proxy: %v", err)
	}
	defer resp.Body.Close()
	var got map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
		t.Fatalf("decoding the answer: %v", err)
	}
	if resp.StatusCode != http.StatusOK || got["path"] != "/v26.0/me/messages" {
		t.Errorf("answer = %d %v, want 200 from the handler with path /v26.0/me/messages", resp.StatusCode, got)
	}
	if resp.TLS == nil || resp.TLS.NegotiatedProtocol != "http/1.1" {
		t.Errorf("TLS state = %+v, want a TLS connection negotiated as http/1.1", resp.TLS)
	}

	want := []seenRequest{{
		Method:     "POST",
		Host:       "graph.facebook.com",
		Path:       "/v26.0/me/messages",
		RawQuery:   "access_token=PAGE_TOKEN",
		RequestURI: "/v26.0/me/messages?access_token=PAGE_TOKEN",
		Body:       body,
		TLS:        true,
	}}
	if diff := cmp.Diff(want, tp.stub.requests()); diff != "" {
		t.Errorf("requests the handler saw (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{tp.addr}, stats.dials()); diff != "" {
		t.Errorf("addresses the client dialled (-want +got):\n%s", diff)
	}
	if n := tp.dialer.calls.Load(); n != 0 {
		t.Errorf("the proxy dialled out %d times, want 0", n)
	}
}

func TestInterceptKeepAlive(t *testing.T) {
	t.Parallel()
	tp := startProxy(t, Options{})
	client, stats := tp.client(t)

	const n = 5
	for i := range n {
		resp, err := client.Get("https://graph.facebook.com/v26.0/me?fields=name")
		if err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		if _, err := io.Copy(io.Discard, resp.Body); err != nil {
			t.Fatalf("request %d: reading the body: %v", i, err)
		}
		resp.Body.Close()
	}
	if got := len(tp.stub.requests()); got != n {
		t.Errorf("handler saw %d requests, want %d", got, n)
	}
	if got := stats.handshakes.Load(); got != 1 {
		t.Errorf("%d TLS handshakes for %d keep-alive requests, want 1", got, n)
	}
	if got := len(stats.dials()); got != 1 {
		t.Errorf("%d connections to the proxy, want 1", got)
	}
}

func TestInterceptAbsoluteFormHTTP(t *testing.T) {
	t.Parallel()
	tp := startProxy(t, Options{})
	client, _ := tp.client(t)

	resp, err := client.Get("http://graph.facebook.com/v26.0/me?access_token=T")
	if err != nil {
		t.Fatalf("GET through the proxy: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("status = %d, want 200", resp.StatusCode)
	}
	want := []seenRequest{{
		Method:     "GET",
		Host:       "graph.facebook.com",
		Path:       "/v26.0/me",
		RawQuery:   "access_token=T",
		RequestURI: "/v26.0/me?access_token=T",
	}}
	if diff := cmp.Diff(want, tp.stub.requests()); diff != "" {
		t.Errorf("requests the handler saw (-want +got):\n%s", diff)
	}
}

// rawConnect sends a CONNECT for target, followed at once by early (if any),
// and reads the proxy's answer.
func rawConnect(t *testing.T, proxyAddr, target string, early []byte) (net.Conn, *bufio.Reader, *http.Response) {
	t.Helper()
	conn, err := net.Dial("tcp", proxyAddr)
	if err != nil {
		t.Fatalf("dial proxy: %v", err)
	}
	t.Cleanup(func() { conn.Close() })
	if err := conn.SetDeadline(time.Now().Add(10 * time.Second)); err != nil {
		t.Fatalf("deadline: %v", err)
	}
	req := "CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n\r\n"
	if _, err := conn.Write(append([]byte(req), early...)); err != nil {
		t.Fatalf("write CONNECT: %v", err)
	}
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, &http.Request{Method: http.MethodConnect})
	if err != nil {
		t.Fatalf("read CONNECT answer: %v", err)
	}
	return conn, br, resp
}

func TestRefusesOtherHostsWithoutDialling(t *testing.T) {
	t.Parallel()
	tp := startProxy(t, Options{})

	_, _, resp := rawConnect(t, tp.addr, "example.com:443", nil)
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading the refusal: %v", err)
	}
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("CONNECT example.com:443 = %d, want 403", resp.StatusCode)
	}
	for _, want := range []string{"example.com:443", "--intercept-passthrough", "NO_PROXY"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("refusal body does not mention %q:\n%s", want, body)
		}
	}

	client, _ := tp.client(t)
	if _, err := client.Get("https://example.com/"); err == nil || !strings.Contains(err.Error(), "Forbidden") {
		t.Errorf("HTTPS to example.com through the proxy: err = %v, want the proxy's Forbidden", err)
	}
	resp, err = client.Get("http://example.com/")
	if err != nil {
		t.Fatalf("HTTP to example.com through the proxy: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("GET http://example.com/ = %d, want 403", resp.StatusCode)
	}

	if n := tp.dialer.calls.Load(); n != 0 {
		t.Errorf("the proxy dialled %d times (%v), want 0", n, tp.dialer.addrs)
	}
	if n := len(tp.stub.requests()); n != 0 {
		t.Errorf("the handler saw %d requests for other hosts, want 0", n)
	}
}

func TestOriginFormRequestIsNotAProxyRequest(t *testing.T) {
	t.Parallel()
	tp := startProxy(t, Options{})
	resp, err := http.Get("http://" + tp.addr + "/v26.0/me")
	if err != nil {
		t.Fatalf("GET: %v", err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatalf("reading the body: %v", err)
	}
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), "HTTPS_PROXY") {
		t.Errorf("origin-form request = %d %q, want 400 explaining how to use the proxy", resp.StatusCode, body)
	}
}

// earlyHelloConn sends the CONNECT request in the same write as the TLS
// ClientHello, the way some clients pipeline, and strips the proxy's 200
// before TLS reads.
type earlyHelloConn struct {
	net.Conn
	connect []byte
	br      *bufio.Reader
	once    sync.Once
	err     error
}

func (c *earlyHelloConn) Write(b []byte) (int, error) {
	if c.connect != nil {
		msg := append(c.connect, b...)
		c.connect = nil
		if _, err := c.Conn.Write(msg); err != nil {
			return 0, err
		}
		return len(b), nil
	}
	return c.Conn.Write(b)
}

func (c *earlyHelloConn) Read(b []byte) (int, error) {
	c.once.Do(func() {
		resp, err := http.ReadResponse(c.br, &http.Request{Method: http.MethodConnect})
		if err == nil && resp.StatusCode != http.StatusOK {
			err = errors.New("CONNECT refused: " + resp.Status)
		}
		c.err = err
	})
	if c.err != nil {
		return 0, c.err
	}
	return c.br.Read(b)
}

func TestConnectWithPipelinedClientHello(t *testing.T) {
	t.Parallel()
	tp := startProxy(t, Options{})
	conn, err := net.Dial("tcp", tp.addr)
	if err != nil {
		t.Fatalf("dial proxy: %v", err)
	}
	defer conn.Close()
	if err := conn.SetDeadline(time.Now().Add(10 * time.Second)); err != nil {
		t.Fatalf("deadline: %v", err)
	}
	early := &earlyHelloConn{
		Conn:    conn,
		connect: []byte("CONNECT graph.facebook.com:443 HTTP/1.1\r\nHost: graph.facebook.com:443\r\n\r\n"),
		br:      bufio.NewReader(conn),
	}
	tc := tls.Client(early, &tls.Config{ServerName: "graph.facebook.com", RootCAs: tp.ca.Pool()})
	if err := tc.Handshake(); err != nil {
		t.Fatalf("TLS handshake after a pipelined CONNECT: %v", err)
	}
	if _, err := io.WriteString(tc, "GET /v26.0/me HTTP/1.1\r\nHost: graph.facebook.com\r\nConnection: close\r\n\r\n"); err != nil {
		t.Fatalf("write request: %v", err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(tc), nil)
	if err != nil {
		t.Fatalf("read response: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("status = %d, want 200", resp.StatusCode)
	}
}

func TestConnectWithoutSNIGetsTheGraphCertificate(t *testing.T) {
	t.Parallel()
	tp := startProxy(t, Options{})
	conn, br, resp := rawConnect(t, tp.addr, "graph.facebook.com:443", nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("CONNECT = %d, want 200", resp.StatusCode)
	}
	if br.Buffered() != 0 {
		t.Fatalf("%d stray bytes after the CONNECT answer", br.Buffered())
	}
	// No ServerName: the client sends no SNI, and checks the name itself.
	tc := tls.Client(conn, &tls.Config{
		InsecureSkipVerify: true, // verified by hand below, against the CA and the right name
		VerifyConnection: func(cs tls.ConnectionState) error {
			inter := x509.NewCertPool()
			for _, c := range cs.PeerCertificates[1:] {
				inter.AddCert(c)
			}
			_, err := cs.PeerCertificates[0].Verify(x509.VerifyOptions{
				Roots: tp.ca.Pool(), Intermediates: inter, DNSName: "graph.facebook.com",
			})
			return err
		},
	})
	if err := tc.Handshake(); err != nil {
		t.Fatalf("TLS handshake without SNI: %v", err)
	}
	tc.Close()
}

func TestInterceptedHostsNeedACertificateTheCACanIssue(t *testing.T) {
	t.Parallel()
	tp := startProxy(t, Options{Hosts: []string{"graph.facebook.com", "api.example.com"}})
	_, _, resp := rawConnect(t, tp.addr, "api.example.com:443", nil)
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading the answer: %v", err)
	}
	if resp.StatusCode != http.StatusBadGateway || !strings.Contains(string(body), "name-constrained") {
		t.Errorf("CONNECT api.example.com = %d %q, want 502 naming the CA's constraint", resp.StatusCode, body)
	}
	if n := tp.dialer.calls.Load(); n != 0 {
		t.Errorf("the proxy dialled %d times, want 0", n)
	}
}

// startEcho serves a TCP echo on loopback.
func startEcho(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				_, _ = io.Copy(c, c) // echo until the client hangs up
			}()
		}
	}()
	return l.Addr().String()
}

func TestPassthroughTunnelsOtherHosts(t *testing.T) {
	t.Parallel()
	echo := startEcho(t)
	tp := startProxy(t, Options{Passthrough: true})

	// "early" rides in the same packet as the CONNECT and must not be lost.
	conn, br, resp := rawConnect(t, tp.addr, echo, []byte("early,"))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("CONNECT %s with passthrough = %d, want 200", echo, resp.StatusCode)
	}
	if _, err := io.WriteString(conn, "ping"); err != nil {
		t.Fatalf("write through the tunnel: %v", err)
	}
	got := make([]byte, len("early,ping"))
	if _, err := io.ReadFull(br, got); err != nil {
		t.Fatalf("read through the tunnel: %v", err)
	}
	if string(got) != "early,ping" {
		t.Errorf("echo through the tunnel = %q, want %q", got, "early,ping")
	}
	if diff := cmp.Diff([]string{echo}, tp.dialer.addrs); diff != "" {
		t.Errorf("addresses the proxy dialled (-want +got):\n%s", diff)
	}
}

func TestPassthroughForwardsAbsoluteForm(t *testing.T) {
	t.Parallel()
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "other host: "+r.URL.Path)
	}))
	t.Cleanup(other.Close)
	tp := startProxy(t, Options{Passthrough: true})
	client, _ := tp.client(t)

	resp, err := client.Get(other.URL + "/status")
	if err != nil {
		t.Fatalf("GET through the proxy: %v", err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatalf("reading the body: %v", err)
	}
	if string(body) != "other host: /status" {
		t.Errorf("forwarded answer = %q, want the other server's", body)
	}
	if n := len(tp.stub.requests()); n != 0 {
		t.Errorf("the Graph handler saw %d requests for another host, want 0", n)
	}
}

func TestShutdownWaitsForInterceptedRequests(t *testing.T) {
	t.Parallel()
	ca, err := LoadOrCreateCA(t.TempDir())
	if err != nil {
		t.Fatalf("LoadOrCreateCA: %v", err)
	}
	entered, release := make(chan struct{}), make(chan struct{})
	p := New(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(entered)
		<-release
		io.WriteString(w, `{"ok":true}`)
	}), ca, Options{})
	t.Cleanup(func() { p.Close() })
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	go p.Serve(l)
	tp := &testProxy{Proxy: p, ca: ca, addr: l.Addr().String()}
	tp.url = &url.URL{Scheme: "http", Host: tp.addr}
	client, _ := tp.client(t)

	type result struct {
		status int
		err    error
	}
	done := make(chan result, 1)
	go func() {
		resp, err := client.Get("https://graph.facebook.com/v26.0/me")
		if err != nil {
			done <- result{err: err}
			return
		}
		resp.Body.Close()
		done <- result{status: resp.StatusCode}
	}()
	<-entered
	shut := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		shut <- p.Shutdown(ctx)
	}()
	select {
	case err := <-shut:
		t.Fatalf("Shutdown returned (%v) while a request was in flight", err)
	case <-time.After(100 * time.Millisecond):
	}
	close(release)
	if r := <-done; r.err != nil || r.status != http.StatusOK {
		t.Errorf("in-flight request = %d, %v; want 200", r.status, r.err)
	}
	if err := <-shut; err != nil {
		t.Errorf("Shutdown: %v", err)
	}
}

func TestShutdownEndsPassthroughTunnels(t *testing.T) {
	t.Parallel()
	echo := startEcho(t)
	ca, err := LoadOrCreateCA(t.TempDir())
	if err != nil {
		t.Fatalf("LoadOrCreateCA: %v", err)
	}
	p := New(&graphStub{}, ca, Options{Passthrough: true})
	t.Cleanup(func() { p.Close() })
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	go p.Serve(l)
	conn, br, resp := rawConnect(t, l.Addr().String(), echo, nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("CONNECT = %d, want 200", resp.StatusCode)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := p.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if _, err := br.ReadByte(); err == nil {
		t.Errorf("the tunnel still delivers data after Shutdown")
	}
	conn.Close()
}

// syncBuffer is a log destination the test can read while the proxy writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestUntrustingClientGetsAHintInTheLog(t *testing.T) {
	t.Parallel()
	var logs syncBuffer
	tp := startProxy(t, Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	client, _ := tp.client(t)
	client.Transport.(*http.Transport).TLSClientConfig.RootCAs = x509.NewCertPool() // trusts nothing

	if _, err := client.Get(messagesURL); err == nil {
		t.Fatalf("a client that does not trust the CA got through")
	}
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(logs.String(), "messemu env") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if !strings.Contains(logs.String(), "TLS handshake error") || !strings.Contains(logs.String(), "messemu env") {
		t.Errorf("the log does not explain the failed handshake:\n%s", logs.String())
	}
}

// TestHandshakeErrorHints: the hint under a failed handshake says what the
// client did: refused the certificate, closed the connection, or sent
// bytes that were no TLS (where the CA is not the matter).
func TestHandshakeErrorHints(t *testing.T) {
	t.Parallel()
	cases := []struct{ line, hint string }{
		{"http: TLS handshake error from 127.0.0.1:5: remote error: tls: unknown certificate authority", hintUntrusted},
		{"http: TLS handshake error from 127.0.0.1:5: remote error: tls: bad certificate", hintUntrusted},
		{"http: TLS handshake error from 127.0.0.1:5: EOF", hintClosed},
		{"http: TLS handshake error from 127.0.0.1:5: tls: first record does not look like a TLS handshake", hintNotTLS},
		{"http: superfluous response.WriteHeader call", ""},
	}
	for _, tc := range cases {
		var out bytes.Buffer
		h := handshakeErrors{log: slog.New(slog.NewJSONHandler(&out, nil))}
		if _, err := h.Write([]byte(tc.line + "\n")); err != nil {
			t.Fatal(err)
		}
		var rec struct{ Msg, Hint string }
		if err := json.Unmarshal(out.Bytes(), &rec); err != nil {
			t.Fatalf("%s: %v", out.String(), err)
		}
		if rec.Msg != "intercept: "+tc.line || rec.Hint != tc.hint {
			t.Errorf("%s:\n got %q, hint %q\nwant hint %q", tc.line, rec.Msg, rec.Hint, tc.hint)
		}
	}
}
