package intercept

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/messemu/messemu/fakegraph/internal/connlisten"
)

// Options configure a Proxy. The zero value intercepts graph.facebook.com,
// refuses every other host and logs nothing.
type Options struct {
	// Passthrough tunnels hosts other than Hosts unchanged: a CONNECT becomes
	// a blind TCP tunnel and an absolute-form request is forwarded. Off, such
	// requests are refused with 403 and nothing is dialled.
	Passthrough bool

	// Logger receives one line per refused or tunnelled host and per failed
	// TLS handshake. Nil logs nothing.
	Logger *slog.Logger

	// Hosts are the names the proxy answers for itself; default
	// graph.facebook.com. A CONNECT needs a certificate the CA can issue, so
	// over TLS only names under graph.facebook.com can be intercepted.
	Hosts []string

	// Dial opens passthrough connections; default a net.Dialer. It is never
	// called unless Passthrough is set.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)

	// ReadHeaderTimeout, ReadTimeout and IdleTimeout bound a slow or idle
	// client on the proxy listener and inside intercepted tunnels, as on
	// the emulator's own listener; zero takes DefaultReadHeaderTimeout,
	// DefaultReadTimeout and DefaultIdleTimeout. Passthrough tunnels are
	// not bound: they carry traffic the proxy cannot see the end of.
	ReadHeaderTimeout, ReadTimeout, IdleTimeout time.Duration
}

// The default timeouts of a Proxy, the values messemu serve's plain
// listener uses (fakegraph.DefaultTimeouts).
const (
	DefaultReadHeaderTimeout = 10 * time.Second
	DefaultReadTimeout       = 2 * time.Minute
	DefaultIdleTimeout       = 5 * time.Minute
)

func orDefault(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

// Proxy is messemu's HTTPS intercept proxy, an http.Handler that is meant to
// be served on its own listener (see Serve). It answers requests for its
// hosts with the emulator's handler and refuses or tunnels the rest.
type Proxy struct {
	handler     http.Handler
	ca          *CA
	log         *slog.Logger
	hosts       map[string]bool
	passthrough bool
	dial        func(ctx context.Context, network, addr string) (net.Conn, error)
	forward     *httputil.ReverseProxy

	// outer serves the proxy protocol; inner serves the HTTP requests that
	// arrive inside intercepted TLS tunnels, fed to it through innerLn.
	outer     *http.Server
	inner     *http.Server
	innerLn   *connlisten.Listener
	innerOnce sync.Once

	mu      sync.Mutex
	closed  bool
	tunnels map[net.Conn]struct{}
	tunWG   sync.WaitGroup
}

// New returns a proxy that serves requests for opts.Hosts with handler,
// terminating TLS with leaf certificates issued by ca.
func New(handler http.Handler, ca *CA, opts Options) *Proxy {
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	hosts := opts.Hosts
	if len(hosts) == 0 {
		hosts = []string{GraphHost}
	}
	dial := opts.Dial
	if dial == nil {
		d := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}
		dial = d.DialContext
	}
	p := &Proxy{
		handler:     handler,
		ca:          ca,
		log:         logger,
		hosts:       make(map[string]bool, len(hosts)),
		passthrough: opts.Passthrough,
		dial:        dial,
		innerLn:     connlisten.New(tunnelAddr{}),
		tunnels:     make(map[net.Conn]struct{}),
	}
	for _, h := range hosts {
		p.hosts[normalizeHost(h)] = true
	}
	errLog := slog.NewLogLogger(logger.Handler(), slog.LevelWarn)
	readHeader := orDefault(opts.ReadHeaderTimeout, DefaultReadHeaderTimeout)
	read := orDefault(opts.ReadTimeout, DefaultReadTimeout)
	idle := orDefault(opts.IdleTimeout, DefaultIdleTimeout)
	p.outer = &http.Server{
		Handler:           p,
		ReadHeaderTimeout: readHeader,
		ReadTimeout:       read, // a CONNECT's tunnel clears it (hijack)
		IdleTimeout:       idle,
		ErrorLog:          errLog,
	}
	p.inner = &http.Server{
		Handler:           http.HandlerFunc(p.serveIntercepted),
		ReadHeaderTimeout: readHeader,
		ReadTimeout:       read,
		IdleTimeout:       idle,
		ErrorLog:          log.New(handshakeErrors{p.log}, "", 0),
		ConnContext:       withTunnelHost,
		// The tunnel speaks HTTP/1.1 only (see tlsConfig); an empty map
		// keeps net/http from trying HTTP/2 on it.
		TLSNextProto: map[string]func(*http.Server, *tls.Conn, http.Handler){},
	}
	if opts.Passthrough {
		transport := &http.Transport{
			Proxy:               nil, // never chain to another proxy from the environment
			DialContext:         dial,
			MaxIdleConnsPerHost: 4,
			IdleConnTimeout:     90 * time.Second,
			TLSHandshakeTimeout: 10 * time.Second,
		}
		p.forward = &httputil.ReverseProxy{
			Rewrite: func(pr *httputil.ProxyRequest) {
				u := *pr.In.URL
				pr.Out.URL = &u
				pr.Out.Host = pr.In.Host
			},
			Transport: transport,
			ErrorLog:  errLog,
			ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
				p.log.Warn("intercept: passthrough request failed", "host", r.Host, "err", err)
				http.Error(w, fmt.Sprintf("messemu: passthrough to %s failed: %v", r.Host, err), http.StatusBadGateway)
			},
		}
	}
	return p
}

// Serve accepts proxy connections on l until Shutdown or Close. It returns
// http.ErrServerClosed after those.
func (p *Proxy) Serve(l net.Listener) error {
	return p.outer.Serve(l)
}

// Shutdown stops accepting connections, waits for the requests in flight to
// finish (or ctx to end), then closes passthrough tunnels, which carry
// traffic the proxy cannot see the end of.
func (p *Proxy) Shutdown(ctx context.Context) error {
	p.markClosed()
	err := p.outer.Shutdown(ctx)
	p.innerLn.Close()
	err = errors.Join(err, p.inner.Shutdown(ctx))
	p.closeTunnels()
	return err
}

// Close closes every listener and connection at once.
func (p *Proxy) Close() error {
	p.markClosed()
	err := p.outer.Close()
	p.innerLn.Close()
	err = errors.Join(err, p.inner.Close())
	p.closeTunnels()
	return err
}

// ServeHTTP handles one proxy request: a CONNECT, an absolute-form request,
// or (refused) an origin-form request that was not meant for a proxy.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.Method == http.MethodConnect:
		p.serveConnect(w, r)
	case r.URL.IsAbs() && r.URL.Host != "":
		p.serveAbsolute(w, r)
	default:
		http.Error(w, "messemu: this is the HTTPS intercept proxy, not the Graph API listener.\n"+
			"Use it as a proxy (HTTPS_PROXY=http://"+r.Host+"; see `messemu env`), "+
			"or send Graph API requests to messemu's plain address.\n", http.StatusBadRequest)
	}
}

func (p *Proxy) intercepts(hostport string) bool {
	return p.hosts[normalizeHost(hostOnly(hostport))]
}

// serveAbsolute serves `GET http://graph.facebook.com/...` with the handler,
// rewritten to origin form, and forwards (or refuses) any other host.
func (p *Proxy) serveAbsolute(w http.ResponseWriter, r *http.Request) {
	if !p.intercepts(r.URL.Host) {
		if !p.passthrough {
			p.refuse(w, r.URL.Host)
			return
		}
		p.log.Info("intercept: forwarding", "host", r.URL.Host)
		p.forward.ServeHTTP(w, r)
		return
	}
	r2 := r.Clone(r.Context())
	r2.URL = &url.URL{Path: r.URL.Path, RawPath: r.URL.RawPath, RawQuery: r.URL.RawQuery}
	if r2.URL.Path == "" {
		r2.URL.Path = "/"
	}
	r2.RequestURI = r2.URL.RequestURI()
	r2.Host = r.URL.Host
	r2.Header.Del("Proxy-Connection")
	r2.Header.Del("Proxy-Authorization")
	p.handler.ServeHTTP(w, r2)
}

// serveConnect accepts a CONNECT to an intercepted host and hands the
// decrypted connection to the inner server; other hosts are refused or
// tunnelled.
func (p *Proxy) serveConnect(w http.ResponseWriter, r *http.Request) {
	// The request line's authority-form target, host:port with a port
	// there can be (RFC 9110 §9.3.6), is what a CONNECT names, whatever
	// its Host header says.
	target := r.RequestURI
	host, port, err := net.SplitHostPort(target)
	if n, perr := strconv.Atoi(port); err != nil || host == "" || perr != nil || n < 1 || n > 65535 {
		http.Error(w, "messemu: a CONNECT names host:port, a port from 1 to 65535, not "+strconv.Quote(target)+"\n", http.StatusBadRequest)
		return
	}
	if !p.intercepts(target) {
		if !p.passthrough {
			p.refuse(w, target)
			return
		}
		p.tunnel(w, r, target)
		return
	}
	host = normalizeHost(host)
	// Issue (or fetch) the certificate before answering 200, so a host the
	// CA cannot certify gets a readable error rather than a TLS failure.
	if _, err := p.ca.LeafCertificate(host); err != nil {
		http.Error(w, "messemu: "+err.Error()+"\n", http.StatusBadGateway)
		return
	}
	conn, err := hijack(w)
	if err != nil {
		http.Error(w, "messemu: "+err.Error()+"\n", http.StatusInternalServerError)
		return
	}
	if _, err := conn.Write([]byte("HTTP/1.1 200 Connection established\r\n\r\n")); err != nil {
		conn.Close()
		return
	}
	tc := &tunnelConn{Conn: conn, host: host}
	p.startInner()
	var inner net.Conn = tls.Server(tc, p.tlsConfig(host))
	if port == "80" {
		inner = tc // a tunnel to port 80 carries plain HTTP (curl --proxytunnel http://…)
	}
	if !p.innerLn.Push(inner) {
		conn.Close()
	}
}

func (p *Proxy) tlsConfig(host string) *tls.Config {
	return &tls.Config{
		MinVersion: tls.VersionTLS12,
		NextProtos: []string{"http/1.1"},
		// The CONNECT target names the certificate, whatever the client
		// sent (or did not send) as SNI.
		GetCertificate: func(*tls.ClientHelloInfo) (*tls.Certificate, error) {
			return p.ca.LeafCertificate(host)
		},
	}
}

func (p *Proxy) startInner() {
	p.innerOnce.Do(func() {
		go func() {
			// Serve returns when innerLn is closed by Shutdown or Close.
			_ = p.inner.Serve(p.innerLn)
		}()
	})
}

// serveIntercepted serves one request that arrived inside an intercepted
// TLS tunnel.
func (p *Proxy) serveIntercepted(w http.ResponseWriter, r *http.Request) {
	if r.Host == "" {
		if host, ok := r.Context().Value(tunnelHostKey{}).(string); ok {
			r.Host = host
		}
	}
	p.handler.ServeHTTP(w, r)
}

// refuse answers a request for a host the proxy does not serve. Nothing has
// been dialled, and nothing will be.
func (p *Proxy) refuse(w http.ResponseWriter, target string) {
	p.log.Info("intercept: refused a host it does not intercept", "host", target)
	body := fmt.Sprintf("messemu: refusing to connect to %s.\n"+
		"messemu's intercept proxy answers only for graph.facebook.com and never connects to other hosts.\n"+
		"Add the host to NO_PROXY, or start messemu with --intercept-passthrough to tunnel other hosts unchanged.\n",
		target)
	http.Error(w, body, http.StatusForbidden)
}

func (p *Proxy) markClosed() {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
}

// handshakeErrors turns the inner server's error log into slog lines. A
// failed TLS handshake most often means a client that does not trust
// messemu's CA yet, so the line says how to fix that, unless the error
// says otherwise (bytes that were no TLS at all).
type handshakeErrors struct{ log *slog.Logger }

// The hints of a failed handshake, by what the client did.
const (
	trustCA       = "point it at the bundle `messemu env` prints, or add `messemu ca path` to its trust store"
	hintUntrusted = "the client does not trust messemu's CA: " + trustCA
	hintClosed    = "the client closed the connection during the handshake; if it does not trust messemu's CA, " + trustCA
	hintNotTLS    = "the client sent something other than TLS through the tunnel: it should call https://graph.facebook.com, not http://graph.facebook.com:443"
)

func (h handshakeErrors) Write(b []byte) (int, error) {
	msg := strings.TrimSpace(string(b))
	switch {
	case !strings.Contains(msg, "TLS handshake error"):
		h.log.Warn("intercept: " + msg)
	case strings.Contains(msg, "does not look like a TLS handshake"):
		h.log.Warn("intercept: "+msg, "hint", hintNotTLS)
	case strings.Contains(msg, "remote error: tls:"):
		// The client refused the certificate and said so (an alert).
		h.log.Warn("intercept: "+msg, "hint", hintUntrusted)
	default:
		// EOF, a reset, a timeout: the client gave no reason.
		h.log.Warn("intercept: "+msg, "hint", hintClosed)
	}
	return len(b), nil
}

func hostOnly(hostport string) string {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		return hostport
	}
	return host
}
