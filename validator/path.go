package validator

import "strconv"

// Path locates a value in a request. It renders two ways: as a JSON path for
// people and tools ("message.quick_replies[0].title") and as the platform's
// parameter path for error texts ("message[quick_replies][0][title]").
// Inside a template payload the platform names the payload
// "name_placeholder" (PLATFORM.md §2.6); Rebase starts that naming.
type Path struct {
	json  string
	param string
}

// Root is the path of a top-level parameter.
func Root(name string) Path { return Path{json: name, param: name} }

// Key is the path of field k below p.
func (p Path) Key(k string) Path {
	if p.json == "" {
		return Root(k)
	}
	return Path{json: p.json + "." + k, param: p.param + "[" + k + "]"}
}

// Index is the path of element i below p.
func (p Path) Index(i int) Path {
	s := strconv.Itoa(i)
	return Path{json: p.json + "[" + s + "]", param: p.param + "[" + s + "]"}
}

// Rebase keeps the JSON path and restarts the parameter path at name.
func (p Path) Rebase(name string) Path { return Path{json: p.json, param: name} }

// JSON renders the path for people: message.quick_replies[0].title.
func (p Path) JSON() string { return p.json }

// Param renders the path as the platform writes it in error texts.
func (p Path) Param() string { return p.param }

func (p Path) String() string { return p.json }
