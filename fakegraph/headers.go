package fakegraph

import "net/http"

// graphHeaders are the headers every Graph answer carries (PLATFORM.md §1.4).
func (s *Server) graphHeaders(c *call) http.Header {
	h := c.header
	h["Content-Type"] = []string{"application/json; charset=UTF-8"}
	h["Facebook-Api-Version"] = []string{c.version}
	h["X-Fb-Request-Id"] = []string{s.ids.RequestID()}
	h["X-Fb-Trace-Id"] = []string{s.ids.HeaderTraceID()}
	h["X-Fb-Rev"] = []string{"1029384756"}
	h["X-Fb-Debug"] = []string{"messemu"}
	h["Cache-Control"] = []string{"private, no-cache, no-store, must-revalidate"}
	h["Pragma"] = []string{"no-cache"}
	h["Expires"] = []string{"Sat, 01 Jan 2000 00:00:00 GMT"}
	h["Access-Control-Allow-Origin"] = []string{"*"}
	h["Strict-Transport-Security"] = []string{"max-age=15552000; preload"}
	if c.page != nil {
		if u := s.usageHeader(c.page, c.now); u != "" {
			h["X-Business-Use-Case-Usage"] = []string{u}
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
