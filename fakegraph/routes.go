package fakegraph

import (
	"net/http"
	"strings"

	"github.com/messemu/messemu/validator"
)

// route is one Graph API operation. Patterns are '/'-separated segments
// after the version: a literal, "{page}" (me or the token's Page id), or
// "{id}" (any node id, resolved by the handler).
type route struct {
	method  string
	pattern string
	op      string // its operationId in openapi.yaml (spec_binding.go)
	api     string // the family, for the journal
	handle  func(*call) (any, error)
	segs    []string
	// query are a GET route's own parameters, as openapi.yaml declares
	// them (CheckSpec holds the two together); any other is warned of
	// (readParams).
	query []string
}

// allRoutes is the whole emulated surface, one group per API family; each
// group's routes stand at the top of its file.
func (s *Server) allRoutes() []route {
	groups := [][]route{
		s.sendRoutes(),         // send.go: POST /{page}/messages
		s.nodeRoutes(),         // node.go: GET /me, GET and DELETE /{id}
		s.profileRoutes(),      // profile.go: messenger_profile, custom_user_settings
		s.personaRoutes(),      // personas.go: POST and GET /{page}/personas
		s.labelRoutes(),        // labels.go: custom_labels, /{label}/label
		s.attachmentRoutes(),   // attachments.go: POST /{page}/message_attachments
		s.handoverRoutes(),     // handover.go: /{page}/*_thread_control, thread_owner, secondary_receivers
		s.batchRoutes(),        // batch.go: POST / (batch requests)
		s.subscriptionRoutes(), // subscriptions.go: subscribed_apps, /{app-id}/subscriptions, debug_token, messaging_feature_review
		s.linkingRoutes(),      // linking.go: POST /{page}/unlink_accounts
		s.idMatchingRoutes(),   // idmatching.go: GET /{id}/ids_for_pages, /{id}/ids_for_apps
		s.insightsRoutes(),     // insights.go: GET /{page}/insights, /{page}/insights/{metric}
		s.unmodelledRoutes(),   // unmodelled.go: real endpoints answered "not emulated" (retired APIs)
	}
	var all []route
	for _, g := range groups {
		for _, r := range g {
			r.segs = strings.Split(r.pattern, "/")
			all = append(all, r)
		}
	}
	return all
}

// routeMatch is what the routes say of a method and path: its route
// (found); a route of the path under any method (other, which tells a
// wrong method from an unknown path when found is nil); and, when no route
// has the path, how many of its leading segments some route knows (known:
// 0 when none).
type routeMatch struct {
	found, other *route
	known        int
}

// lookup matches method and path segments against the routes.
func (s *Server) lookup(method string, segs []string) routeMatch {
	var m routeMatch
	for i := range s.routes {
		r := &s.routes[i]
		if !segsMatch(r.segs, segs) {
			continue
		}
		// A route with more literal segments wins (GET /debug_token over
		// GET /{id}); among equals the first listed does.
		if r.method == method && (m.found == nil || literals(r.segs) > literals(m.found.segs)) {
			m.found = r
		}
		m.other = r
	}
	if m.found != nil || m.other != nil {
		return m
	}
	// The longest known prefix decides what part of the path is unknown.
	for i := range s.routes {
		m.known = max(m.known, prefixMatch(s.routes[i].segs, segs))
	}
	return m
}

// match finds the route for method and path segments, or the Graph error
// of refuseRoute (without journalling it).
func (s *Server) match(method string, segs []string) (*route, *validator.GraphError) {
	m := s.lookup(method, segs)
	if m.found != nil {
		return m.found, nil
	}
	if m.other == nil && m.known > 0 {
		return nil, validator.Err(validator.KeyUnknownPath, "/"+strings.Join(segs[m.known:], "/"))
	}
	return nil, validator.UnsupportedError(method, nodeOf(segs))
}

// rulePath judges the path itself (PLATFORM.md D14): a path with no route
// is 2500 from its first unknown segment, a known path under a method it
// does not take 100/33, as is a first segment no route knows (a node id
// the token does not reach).
var rulePath = validator.Rule{Name: "path", Source: "decision D14"}

// refuseRoute refuses a call m found no route for, journalled under the
// family of the path's other routes when it has some. Paths of the
// platform's that messemu has no route for are told apart first: the Send
// API read with GET (§2), another Page's node (§1.2) and the real
// endpoints messemu does not model (D28, unmodelled.go).
func (c *call) refuseRoute(m routeMatch) *validator.GraphError {
	if c.method == http.MethodGet && len(c.segs) == 2 && c.segs[1] == "messages" {
		c.api = APISend
		if seg := c.segs[0]; c.page != nil && !c.isPage(seg) {
			return c.fail("", rulePageNode, validator.UnsupportedError(c.method, seg), "another Page's node")
		}
		return c.fail("", ruleGetMessages, validator.Err(validator.KeyGetMessages), "the Send API takes POST")
	}
	if own, ok := c.unmodelledPageEdge(); ok {
		if !own {
			return c.fail("", rulePageNode, validator.UnsupportedError(c.method, c.segs[0]), "another Page's node")
		}
		c.api = APINotEmulated
		return c.fail("", ruleNotEmulated, validator.Err(validator.KeyNotEmulated, "The Page's "+c.segs[1]+" edge"), "")
	}
	if c.multiNodeRead() {
		c.api = APINotEmulated
		return c.fail("ids", ruleNotEmulated, validator.Err(validator.KeyNotEmulated, multiNodeFeature), "")
	}
	switch {
	case m.other != nil:
		c.api = m.other.api
		return c.fail("", rulePath, validator.UnsupportedError(c.method, nodeOf(c.segs)), "the path does not take "+c.method)
	case m.known > 0:
		return c.fail("", rulePath, validator.Err(validator.KeyUnknownPath, "/"+strings.Join(c.segs[m.known:], "/")), "no route has the path's segments from here")
	}
	return c.fail("", rulePath, validator.UnsupportedError(c.method, nodeOf(c.segs)), "no route starts with this node")
}

// literals counts a pattern's literal segments.
func literals(pattern []string) int {
	n := 0
	for _, p := range pattern {
		if p != "{page}" && p != "{id}" {
			n++
		}
	}
	return n
}

func segsMatch(pattern, segs []string) bool {
	if len(pattern) != len(segs) {
		return false
	}
	for i, p := range pattern {
		if !segMatch(p, segs[i]) {
			return false
		}
	}
	return true
}

func segMatch(p, seg string) bool {
	switch p {
	case "{page}":
		return seg == "me" || isDigits(seg)
	case "{id}":
		return seg != ""
	}
	return p == seg
}

// prefixMatch counts the leading segments of segs that pattern accepts.
func prefixMatch(pattern, segs []string) int {
	n := 0
	for n < len(pattern) && n < len(segs) && segMatch(pattern[n], segs[n]) {
		n++
	}
	return n
}

func nodeOf(segs []string) string {
	if len(segs) == 0 || segs[0] == "" {
		return ""
	}
	return segs[0]
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
