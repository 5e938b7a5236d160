package fakegraph

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// The emulated surface is written once in openapi.yaml; the route tables
// (routes.go and the API families' files) and the control routes
// (control_*.go) are bound to it. CheckSpec compares them both ways: every
// route names an operation the spec has, under the same method, and every
// operation of the spec is served by the route that names it. A test runs
// it on the embedded spec, so neither side can drift.

// specOp is one operation of the spec.
type specOp struct {
	method, path string
	query        []string // its query parameters, sorted
}

// CheckSpec binds the Graph and control routes to spec (normally
// messemu.OpenAPI). It returns every mismatch, joined, or nil.
func (s *Server) CheckSpec(spec []byte) error {
	doc, err := openapi3.NewLoader().LoadFromData(spec)
	if err != nil {
		return fmt.Errorf("openapi: %w", err)
	}
	ops := map[string]specOp{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			if op.OperationID == "" {
				continue
			}
			so := specOp{method: method, path: path, query: []string{}}
			for _, p := range append(append(openapi3.Parameters{}, item.Parameters...), op.Parameters...) {
				if p.Value != nil && p.Value.In == "query" {
					so.query = append(so.query, p.Value.Name)
				}
			}
			sort.Strings(so.query)
			ops[op.OperationID] = so
		}
	}
	var problems []string
	bound := map[string]bool{}

	// Graph routes: the named operation exists with the route's method,
	// and every Graph operation's path resolves to the route naming it.
	byOp := map[string]*route{}
	for i := range s.routes {
		r := &s.routes[i]
		op, ok := ops[r.op]
		switch {
		case r.op == "":
			problems = append(problems, fmt.Sprintf("Graph route %s /%s names no operationId", r.method, r.pattern))
		case !ok:
			problems = append(problems, fmt.Sprintf("Graph route %s /%s: openapi.yaml has no operation %q", r.method, r.pattern, r.op))
		case op.method != r.method:
			problems = append(problems, fmt.Sprintf("Graph route %s /%s: operation %q is a %s", r.method, r.pattern, r.op, op.method))
		case r.method == "GET" && r.api != APINotEmulated && r.query == nil:
			problems = append(problems, fmt.Sprintf("Graph route %s /%s lists no query parameters (query: []string{} for none)", r.method, r.pattern))
		case r.method == "GET" && r.api != APINotEmulated && !slices.Equal(slices.Sorted(slices.Values(r.query)), op.query):
			problems = append(problems, fmt.Sprintf("Graph route %s /%s takes the query parameters %v, operation %q declares %v", r.method, r.pattern, r.query, r.op, op.query))
		default:
			bound[r.op] = true
			byOp[r.op] = r
		}
	}

	// Control routes: the operation has the same method and path.
	for _, r := range s.controlRoutes() {
		op, ok := ops[r.op]
		want := ControlPrefix + r.path
		switch {
		case !ok:
			problems = append(problems, fmt.Sprintf("control route %s %s: openapi.yaml has no operation %q", r.method, want, r.op))
		case op.method != r.method || op.path != want:
			problems = append(problems, fmt.Sprintf("control route %s %s: operation %q is %s %s", r.method, want, r.op, op.method, op.path))
		default:
			bound[r.op] = true
		}
	}

	// Every operation is served: a control one by its route, a Graph one
	// (under any of its paths, with or without a version) by a route the
	// router picks for it.
	for id, op := range ops {
		if strings.HasPrefix(op.path, ControlPrefix) {
			if !bound[id] {
				problems = append(problems, fmt.Sprintf("operation %q (%s %s) has no control route", id, op.method, op.path))
			}
			continue
		}
		r, gerr := s.match(op.method, samplePath(op.path))
		switch {
		case gerr != nil:
			problems = append(problems, fmt.Sprintf("operation %q (%s %s) has no Graph route: %s", id, op.method, op.path, gerr.Message))
		case bound[id] && byOp[id] != r:
			problems = append(problems, fmt.Sprintf("operation %q (%s %s) is served by route /%s, not the one naming it", id, op.method, op.path, r.pattern))
		case !bound[id] && !sameOperation(ops, r.op, op):
			problems = append(problems, fmt.Sprintf("operation %q (%s %s) is served by route /%s, bound to %q", id, op.method, op.path, r.pattern, r.op))
		}
	}
	if len(problems) == 0 {
		return nil
	}
	sort.Strings(problems)
	return errors.New("routes and openapi.yaml differ:\n  " + strings.Join(problems, "\n  "))
}

// sameOperation reports whether op is another path of the operation a
// route is bound to (me/messages beside {page-id}/messages, with or
// without a version): same method, same path once the Page and version
// are written alike.
func sameOperation(ops map[string]specOp, bound string, op specOp) bool {
	b, ok := ops[bound]
	return ok && b.method == op.method && canonicalPath(b.path) == canonicalPath(op.path)
}

// canonicalPath writes a Graph path without its version and with every
// way of naming the Page as {page}.
func canonicalPath(p string) string {
	p = strings.TrimPrefix(p, "/{version}")
	var out []string
	for _, seg := range strings.Split(strings.Trim(p, "/"), "/") {
		switch seg {
		case "me", "{page-id}", "{page}":
			seg = "{page}"
		}
		out = append(out, seg)
	}
	return strings.Join(out, "/")
}

// samplePath turns a spec path into the segments a request would have:
// no version, and a sample id for each parameter.
func samplePath(p string) []string {
	p = strings.TrimPrefix(p, "/{version}")
	segs := strings.Split(strings.TrimPrefix(p, "/"), "/")
	for i, seg := range segs {
		if strings.HasPrefix(seg, "{") {
			segs[i] = DefaultPageID // any digits: a Page, a PSID, a label, an app
		}
	}
	return segs
}
