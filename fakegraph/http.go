package fakegraph

import (
	"net/http"
	"strings"
)

// serveHTTP splits the control API (under /_messemu/) from the Graph API.
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	w = drainFirst(w, r) // body.go: a refused body is read before the answer
	if strings.HasPrefix(r.URL.Path, ControlPrefix) || r.URL.Path == strings.TrimSuffix(ControlPrefix, "/") {
		if s.allowControl(w, r) { // control_guard.go: this machine's tools only
			s.control.ServeHTTP(w, r)
		}
		return
	}
	if isHomeRequest(r) {
		s.serveHome(w, r)
		return
	}
	if r.Method == http.MethodOptions {
		h := w.Header()
		h.Set("Access-Control-Allow-Origin", "*")
		h.Set("Access-Control-Allow-Methods", "GET, POST, DELETE")
		h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type")
		w.WriteHeader(http.StatusOK)
		return
	}
	s.serveGraphInto(r, w.Header()).writeBody(w)
}
