package fakegraph

import "net/http"

// Header values that never change, shared by every answer so that writing
// them allocates nothing. Each slice has len == cap: a handler that adds a
// value gets a new slice, never writes into these.
var (
	headerJSON    = []string{"application/json; charset=UTF-8"}
	headerRev     = []string{"1029384756"}
	headerDebug   = []string{"messemu"}
	headerNoCache = []string{"private, no-cache, no-store, must-revalidate"}
	headerPragma  = []string{"no-cache"}
	headerExpires = []string{"Sat, 01 Jan 2000 00:00:00 GMT"}
	headerOrigin  = []string{"*"}
	headerHSTS    = []string{"max-age=15552000; preload"}
)

// graphHeaders are the headers every Graph answer carries (PLATFORM.md §1.4).
func (s *Server) graphHeaders(c *call) http.Header {
	h := c.header
	own := c.headerValues[:]
	own[0] = c.version
	own[1], own[2] = s.ids.RequestAndTraceID()
	h["Content-Type"] = headerJSON
	h["Facebook-Api-Version"] = own[0:1:1]
	h["X-Fb-Request-Id"] = own[1:2:2]
	h["X-Fb-Trace-Id"] = own[2:3:3]
	h["X-Fb-Rev"] = headerRev
	h["X-Fb-Debug"] = headerDebug
	h["Cache-Control"] = headerNoCache
	h["Pragma"] = headerPragma
	h["Expires"] = headerExpires
	h["Access-Control-Allow-Origin"] = headerOrigin
	h["Strict-Transport-Security"] = headerHSTS
	if c.page != nil {
		if u := s.usageHeader(c.page, c.now); u != "" {
			own[3] = u
			h["X-Business-Use-Case-Usage"] = own[3:4:4]
		}
	}
	return h
}

// write sends a finished response.
func (r response) write(w http.ResponseWriter) {
	dst := w.Header()
	for k, v := range r.header {
		dst[k] = v
	}
	r.writeBody(w)
}

// writeBody sends a response whose headers are in w already.
func (r response) writeBody(w http.ResponseWriter) {
	w.WriteHeader(r.status)
	_, _ = w.Write(r.body)
}
