package webui

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/messemu/messemu/fakegraph"
)

// hostAllowed is the control API's Host rule (fakegraph.LocalHost):
// localhost, a loopback IP, or the address the connection arrived on.
// Anything else is a name another site may have pointed at 127.0.0.1 (DNS
// rebinding), unless a control token guards the emulator: then, as the
// control API, the page answers any name (a LAN host's, a container's),
// and its stream only the token's bearers.
func (u *UI) hostAllowed(r *http.Request) bool {
	return u.srv.RequiresControlToken() || fakegraph.LocalHost(r) == nil
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
