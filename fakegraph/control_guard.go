package fakegraph

import (
	"crypto/subtle"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// The control API drives the emulator (reset, post as a user, move the
// clock, read the journal and the Page token), so it answers this
// machine's tools only, as a trusted local dev server does (Mailpit, a
// database's test server): no other site's web page, directly or through
// DNS rebinding, and no other machine unless the operator opts in with a
// control token.

// WithControlToken requires every control API request that arrives over a
// network connection to carry "Authorization: Bearer <token>" (compared in
// constant time). It is the opt-in for a listener beyond loopback (`serve
// --addr :8765 --control-token T`): with a token, the control API answers
// any peer and any Host that presents it; without one, only loopback peers
// naming this machine in Host. "" (the default) requires none.
func WithControlToken(token string) Option {
	return func(o *options) { o.controlToken = token }
}

// LocalRequest reports whether r may come from this machine's own tools
// rather than from a web page of another site, and says why not:
//
//   - a browser's cross-site request (Sec-Fetch-Site: cross-site, or an
//     Origin that is neither the request's own host nor localhost/loopback)
//     is refused: a page on any site can POST text/plain to a local port;
//   - a request that came over a socket must name in Host this machine
//     ("localhost", a loopback IP), the listener's own address (the
//     connection's local address, or one of listenAddrs, "host:port" or
//     "host"), or graph.facebook.com, which is what the intercept proxy
//     serves: a DNS-rebinding page reaches loopback under a name its author
//     controls, and that name is refused.
//
// A request that never crossed a socket (an http.Handler called in
// process, as testkit's transport and httptest.NewRequest do; no
// http.LocalAddrContextKey in its context) is Go code in this process and
// passes the Host check. The web UI's websocket and the control API both
// call it; the Graph API does not (it answers CORS as the platform does).
func LocalRequest(r *http.Request, listenAddrs ...string) error {
	if err := checkSameSite(r); err != nil {
		return err
	}
	return LocalHost(r, listenAddrs...)
}

// LocalHost is LocalRequest's Host check alone, for callers with their own
// Origin rule (the web UI's websocket, which a flag may open to more
// origins).
func LocalHost(r *http.Request, listenAddrs ...string) error {
	local, networked := r.Context().Value(http.LocalAddrContextKey).(net.Addr)
	if !networked {
		return nil
	}
	host := hostName(r.Host)
	if localName(host) || host == graphHost {
		return nil
	}
	if local != nil && host == hostName(local.String()) {
		return nil
	}
	for _, a := range listenAddrs {
		if host == hostName(a) {
			return nil
		}
	}
	return errors.New("Host " + quoteHost(r.Host) + " is not this machine: the control API answers requests for localhost, a loopback address or the listener's own address (a page reaching it through DNS rebinding names its own host)")
}

// graphHost is the name the intercept proxy answers for; nobody but its
// owner can point it at this machine, so it cannot serve a rebinding.
const graphHost = "graph.facebook.com"

// checkSameSite refuses a browser request made by another site's page.
// Tools (curl, Go, Node) send neither header and pass.
func checkSameSite(r *http.Request) error {
	if strings.EqualFold(r.Header.Get("Sec-Fetch-Site"), "cross-site") {
		return errors.New("cross-site browser requests may not use the control API (Sec-Fetch-Site: cross-site)")
	}
	origin := r.Header.Get("Origin")
	if origin == "" {
		return nil
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" {
		// "null" (sandboxed frames, file: pages, redirects) included.
		return errors.New("a browser request with Origin " + quoteHost(origin) + " may not use the control API")
	}
	oh := hostName(u.Host)
	if localName(oh) || oh == hostName(r.Host) {
		return nil
	}
	return errors.New("cross-site browser requests may not use the control API (Origin " + quoteHost(origin) + ")")
}

// localName reports whether a host name is this machine whatever DNS says:
// localhost (browsers resolve it to loopback themselves) or a loopback IP.
func localName(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// hostName is the host of "host:port", "[v6]:port" or "host", lower-cased,
// without brackets, a zone or a trailing dot.
func hostName(hostport string) string {
	h := hostport
	if host, _, err := net.SplitHostPort(hostport); err == nil {
		h = host
	}
	h = strings.TrimSuffix(strings.Trim(h, "[]"), ".")
	if i := strings.IndexByte(h, '%'); i >= 0 {
		h = h[:i]
	}
	return strings.ToLower(h)
}

// quoteHost quotes a header value for an error message, bounded so a huge
// header cannot make a huge answer.
func quoteHost(s string) string {
	const max = 100
	if len(s) > max {
		s = s[:max] + "…"
	}
	return `"` + strings.ToValidUTF8(s, "?") + `"`
}

// CheckControlPeer reports whether r comes from a peer the control API
// answers: a bearer of the control token (WithControlToken), or without
// one a peer on this machine. The web UI's journal stream asks it, so
// that a page opened from another machine shows nothing the control API
// would not; the stream judges the page's Origin itself.
func (s *Server) CheckControlPeer(r *http.Request) error {
	if _, networked := r.Context().Value(http.LocalAddrContextKey).(net.Addr); !networked {
		return nil // in process: see LocalRequest
	}
	if tok := s.opts.controlToken; tok != "" {
		// A rebinding page cannot know the token, so with it any Host
		// (a LAN name, a container's) is fine.
		auth := r.Header.Get("Authorization")
		if bearerMatches(auth, tok) {
			return nil
		}
		if auth != "" {
			return errors.New("the Authorization header's token is not this emulator's --control-token")
		}
		return errors.New("the control API needs Authorization: Bearer <token>, the value given to --control-token (record and replay take --control-token, or MESSEMU_CONTROL_TOKEN)")
	}
	if !loopbackPeer(r.RemoteAddr) {
		return errors.New("the control API answers this machine only; to use it from " + quoteHost(hostName(r.RemoteAddr)) + ", start messemu with --control-token and send Authorization: Bearer <token>")
	}
	return nil
}

// RequiresControlToken reports whether the control API answers bearers of
// a control token (WithControlToken), from any host name, rather than
// this machine's tools.
func (s *Server) RequiresControlToken() bool { return s.opts.controlToken != "" }

// checkControl decides whether r may use the control API: the rules of
// LocalRequest, then the control token if one is set, else a loopback peer.
func (s *Server) checkControl(r *http.Request) error {
	if err := checkSameSite(r); err != nil {
		return err
	}
	if err := s.CheckControlPeer(r); err != nil {
		return err
	}
	if s.opts.controlToken != "" {
		return nil // a rebinding page cannot know the token: any Host
	}
	return LocalHost(r)
}

// bearerMatches compares an Authorization header with the token in
// constant time.
func bearerMatches(header, token string) bool {
	const prefix = "Bearer "
	if len(header) < len(prefix) || !strings.EqualFold(header[:len(prefix)], prefix) {
		return false
	}
	given := strings.TrimSpace(header[len(prefix):])
	return subtle.ConstantTimeCompare([]byte(given), []byte(token)) == 1
}

func loopbackPeer(remoteAddr string) bool {
	ip := net.ParseIP(hostName(remoteAddr))
	return ip != nil && ip.IsLoopback()
}

// allowControl answers a refused control request with 403 and reports
// whether the request may go on.
func (s *Server) allowControl(w http.ResponseWriter, r *http.Request) bool {
	err := s.checkControl(r)
	if err == nil {
		return true
	}
	s.log.Warn("control API request refused", "path", r.URL.Path, "remote", r.RemoteAddr, "reason", err.Error())
	writeControl(w, nil, &controlStatus{http.StatusForbidden, err.Error()})
	return false
}
