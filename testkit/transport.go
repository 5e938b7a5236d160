package testkit

import (
	"net/http"
	"net/url"

	"github.com/messemu/messemu/fakegraph"
)

// GraphHost is the platform's Graph API host. Transport answers for it, so
// a bot that hard-codes https://graph.facebook.com needs only its
// http.Client's transport swapped to run against the emulator.
const GraphHost = fakegraph.GraphHost

// Transport returns an http.RoundTripper that serves every request for
// graph.facebook.com (any scheme, any port) and for URL's host from the
// emulator in process: no socket, no certificate. Requests for any other
// host fail with an error naming it; nothing leaves the process.
func (e *Emulator) Transport() http.RoundTripper {
	hosts := []string{fakegraph.GraphHost, fakegraph.InProcessHost}
	if u, err := url.Parse(e.url); err == nil && u.Port() != "" {
		// A listening emulator's own address, port and all: the bot's
		// webhook may listen on the same host.
		hosts = append(hosts, u.Host)
	}
	return fakegraph.NewHandlerTransport(e.srv.Handler(), "the emulator", hosts...)
}
