package webui

import (
	"net"
	"net/http"
	"net/url"
	"strings"
)

// hostAllowed is the page's own Host check: localhost, a loopback IP, or
// the address the connection arrived on. Anything else is a name another
// site may have pointed at 127.0.0.1 (DNS rebinding). It is the same rule
// as the control API's guard and may give way to it.
func hostAllowed(r *http.Request) bool {
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.Trim(host, "[]"), ".")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	if ip == nil {
		return false
	}
	if ip.IsLoopback() {
		return true
	}
	if local, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok {
		if tcp, ok := local.(*net.TCPAddr); ok && tcp.IP.Equal(ip) {
			return true
		}
	}
	return false
}

// originAllowed reports whether a websocket may be opened from the page
// whose Origin the request carries: the emulator's own (same host as the
// Host header, which hostAllowed vetted) or one allowed by flag. A client
// that sends no Origin is not a browser page and cannot be tricked by one.
func (u *UI) originAllowed(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	if u.origins[strings.ToLower(strings.TrimRight(origin, "/"))] {
		return true
	}
	o, err := url.Parse(origin)
	if err != nil || (o.Scheme != "http" && o.Scheme != "https") {
		return false
	}
	return strings.EqualFold(o.Host, r.Host)
}
