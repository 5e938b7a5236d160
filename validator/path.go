package validator

import "strconv"

// Path locates a value in a request. It renders two ways: as a JSON path for
// people and tools ("message.quick_replies[0].title") and as the platform's
// parameter path for error texts ("message[quick_replies][0][title]").
// Inside a template payload the platform names the payload
// "name_placeholder", as the platform names it; Rebase starts that naming.
//
// A Path is a chain of segments rendered only when asked: the checks walk
// every field of a request but render a path only for a violation.
type Path struct {
	parent *Path
	name   string // the key, or the param name Rebase starts from
	index  int
	kind   pathKind
}

type pathKind uint8

const (
	pathNone   pathKind = iota // the zero Path: the request as a whole
	pathKey                    // .name / [name]
	pathIndex                  // [index]
	pathRebase                 // JSON as the parent, param restarts at name
)

// Root is the path of a top-level parameter.
func Root(name string) Path { return Path{name: name, kind: pathKey} }

// Key is the path of field k below p.
func (p Path) Key(k string) Path {
	if p.kind == pathNone {
		return Root(k)
	}
	return Path{parent: &p, name: k, kind: pathKey}
}

// Index is the path of element i below p.
func (p Path) Index(i int) Path { return Path{parent: &p, index: i, kind: pathIndex} }

// Rebase keeps the JSON path and restarts the parameter path at name.
func (p Path) Rebase(name string) Path { return Path{parent: &p, name: name, kind: pathRebase} }

// JSON renders the path for people: message.quick_replies[0].title.
func (p Path) JSON() string { return string(p.appendJSON(nil)) }

// Param renders the path as the platform writes it in error texts.
func (p Path) Param() string { return string(p.appendParam(nil)) }

func (p Path) String() string { return p.JSON() }

func (p *Path) appendJSON(b []byte) []byte {
	switch p.kind {
	case pathKey:
		if p.parent != nil {
			b = p.parent.appendJSON(b)
		}
		if len(b) > 0 {
			b = append(b, '.')
		}
		return append(b, p.name...)
	case pathIndex:
		b = p.parent.appendJSON(b)
		b = append(b, '[')
		b = strconv.AppendInt(b, int64(p.index), 10)
		return append(b, ']')
	case pathRebase:
		return p.parent.appendJSON(b)
	}
	return b
}

func (p *Path) appendParam(b []byte) []byte {
	switch p.kind {
	case pathKey:
		if p.parent == nil || p.parent.kind == pathNone {
			return append(b, p.name...)
		}
		b = p.parent.appendParam(b)
		b = append(b, '[')
		b = append(b, p.name...)
		return append(b, ']')
	case pathIndex:
		b = p.parent.appendParam(b)
		b = append(b, '[')
		b = strconv.AppendInt(b, int64(p.index), 10)
		return append(b, ']')
	case pathRebase:
		return append(b, p.name...)
	}
	return b
}
