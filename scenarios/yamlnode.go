package scenarios

import (
	"fmt"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
)

// How the YAML values that are more than plain data are read: durations,
// taps and reactions written short or long, and steps, which remember
// where they are so a failure can name the line.

// decodeOpts are the options every value is decoded with: unknown keys
// are errors, so a typo never silently drops a check.
func decodeOpts() []yaml.DecodeOption {
	return []yaml.DecodeOption{yaml.DisallowUnknownField(), yaml.Strict()}
}

// PosError is a loader error at a place in a file.
type PosError struct {
	File         string
	Line, Column int
	Reason       string
}

// Error renders file:line:column: reason.
func (e *PosError) Error() string {
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Column, e.Reason)
}

// nodeError is a PosError for node; the file is filled in by the loader.
func nodeError(n ast.Node, format string, args ...any) *PosError {
	line, col := nodePos(n)
	return &PosError{Line: line, Column: col, Reason: fmt.Sprintf(format, args...)}
}

// nodePos is where n starts: a mapping's first key, else its token (the
// parser's token for a mapping is its first colon).
func nodePos(n ast.Node) (line, col int) {
	switch m := n.(type) {
	case *ast.MappingNode:
		if len(m.Values) > 0 {
			n = m.Values[0].Key
		}
	case *ast.MappingValueNode:
		n = m.Key
	}
	p := n.GetToken().Position
	return p.Line, p.Column
}

// Duration is a Go duration written as a string: "500ms", "5s", "25h".
type Duration struct{ time.Duration }

// UnmarshalYAML reads a duration string.
func (d *Duration) UnmarshalYAML(n ast.Node) error {
	s, ok := n.(*ast.StringNode)
	if !ok {
		return nodeError(n, "want %s; got %s", want("", durationType), found(n))
	}
	v, err := time.ParseDuration(s.Value)
	if err != nil || v < 0 || !durationPattern.MatchString(s.Value) {
		return nodeError(n, "%q is not %s", s.Value, want("", durationType))
	}
	d.Duration = v
	return nil
}

// MarshalJSON writes the duration string.
func (d Duration) MarshalJSON() ([]byte, error) { return []byte(`"` + d.String() + `"`), nil }

// MarshalYAML writes the duration string.
func (d Duration) MarshalYAML() (any, error) { return d.String(), nil }

// stringNode is n as text: a string, or a scalar tagged !!str.
func stringNode(n ast.Node) (*ast.StringNode, bool) {
	if tn, ok := n.(*ast.TagNode); ok && strTagged(tn) {
		if s, ok := tn.Value.(*ast.StringNode); ok {
			return s, true
		}
		if v := tn.Value; v != nil {
			if tok := v.GetToken(); tok != nil {
				return &ast.StringNode{BaseNode: &ast.BaseNode{}, Token: tok, Value: tok.Value}, true
			}
		}
	}
	s, ok := n.(*ast.StringNode)
	return s, ok
}

// UnmarshalYAML reads a title ("Red") or {title: Red} or {payload: RED}.
func (t *TapStep) UnmarshalYAML(n ast.Node) error {
	if s, ok := stringNode(n); ok {
		t.Title = s.Value
		return nil
	}
	type plain TapStep
	if err := yaml.NodeToValue(n, (*plain)(t), decodeOpts()...); err != nil {
		return err
	}
	if (t.Title == "") == (t.Payload == "") {
		return nodeError(n, "tap by title or by payload: give exactly one")
	}
	return nil
}

// UnmarshalYAML reads a button by its title ("Buy", as quick_replies:
// takes titles) or as a mapping of the keys to check.
func (b *ButtonExpect) UnmarshalYAML(n ast.Node) error {
	if s, ok := stringNode(n); ok {
		if s.Value == "" {
			return nodeError(n, "buttons: a button's title cannot be empty")
		}
		b.Title = &s.Value
		return nil
	}
	type plain ButtonExpect
	if err := yaml.NodeToValue(n, (*plain)(b), decodeOpts()...); err != nil {
		return err
	}
	if *b == (ButtonExpect{}) {
		return nodeError(n, "buttons: give at least one of title, type, payload, url")
	}
	return nil
}

// UnmarshalYAML reads a reaction ("love", "😮") or {reaction: love} or
// {unreact: true}.
func (r *ReactStep) UnmarshalYAML(n ast.Node) error {
	if s, ok := stringNode(n); ok {
		r.Reaction = s.Value
		return nil
	}
	type plain ReactStep
	if err := yaml.NodeToValue(n, (*plain)(r), decodeOpts()...); err != nil {
		return err
	}
	switch {
	case r.Reaction != "" && r.Unreact:
		return nodeError(n, "reacts: give a reaction or unreact: true, not both")
	case r.Reaction == "" && !r.Unreact:
		return nodeError(n, "reacts: give a reaction (reacts: love) or unreact: true")
	}
	return nil
}

// UnmarshalYAML reads a step and checks that it does exactly one thing.
func (s *Step) UnmarshalYAML(n ast.Node) error {
	m, ok := n.(*ast.MappingNode)
	if !ok {
		if mv, isMV := n.(*ast.MappingValueNode); isMV {
			m = &ast.MappingNode{Values: []*ast.MappingValueNode{mv}}
		} else {
			return nodeError(n, "a step is a mapping with one key such as says: or expect:, got %s", n.Type())
		}
	}
	type plain Step
	if err := yaml.NodeToValue(n, (*plain)(s), decodeOpts()...); err != nil {
		return err
	}
	s.Line, s.Column = nodePos(n)
	if k := len(m.Values); k != 1 {
		return nodeError(n, "a step does one thing: it has %d keys, want one such as says: or expect:", k)
	}
	key, value := keyName(m.Values[0].Key), m.Values[0].Value
	if _, null := value.(*ast.NullNode); null {
		return nodeError(m.Values[0], "%s: needs a value", key)
	}
	return nil
}
