package fakegraph

import (
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

// match finds the route for method and path segments. It reports found
// false with a Graph error when no route applies: 2500 for an unknown path,
// 100/33 for a known path with the wrong method (PLATFORM.md D14).
func (s *Server) match(method string, segs []string) (*route, *validator.GraphError) {
	var pathKnown, found *route
	best := -1
	for i := range s.routes {
		r := &s.routes[i]
		if !segsMatch(r.segs, segs) {
			continue
		}
		// A route with more literal segments wins (GET /debug_token over
		// GET /{id}); among equals the first listed does.
		if r.method == method && (found == nil || literals(r.segs) > literals(found.segs)) {
			found = r
		}
		pathKnown = r
	}
	if found != nil {
		return found, nil
	}
	if pathKnown != nil {
		return nil, validator.UnsupportedError(method, nodeOf(segs))
	}
	// The longest known prefix decides what part of the path is unknown.
	for i := range s.routes {
		n := prefixMatch(s.routes[i].segs, segs)
		if n > best {
			best = n
		}
	}
	if best <= 0 {
		return nil, validator.UnsupportedError(method, nodeOf(segs))
	}
	return nil, validator.Err(validator.KeyUnknownPath, "/"+strings.Join(segs[best:], "/"))
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
