package scenarios

import (
	"math"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml/ast"
)

// textsAreText walks n beside the Go type it decodes into and refuses a
// number or a boolean wherever a text is due (a step's says:, a button's
// title, a user's phone, an id), and a text where a number is due
// (timezone, sticker_id, times, quick_reply_count): YAML would read
// `title: 42` as a number and `times: "1"` as text, the decoder would
// quietly convert either, and schema.json, which editors check the file
// against, refuses both. Values that are JSON as written (setup: profile, an
// expected profile) are not walked.
func textsAreText(n ast.Node, t reflect.Type) error {
	return walkTexts("", n, t)
}

func walkTexts(key string, n ast.Node, t reflect.Type) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	numeric, whole := false, false
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		numeric, whole = true, true
	case reflect.Float32, reflect.Float64:
		numeric = true
	}
	switch v := n.(type) {
	case *ast.AnchorNode:
		return walkTexts(key, v.Value, t)
	case *ast.TagNode:
		if strTagged(v) {
			if numeric {
				return nodeError(n, "%s: is a number; write it without quotes or a !!str tag", key)
			}
			return nil // an explicit string
		}
		return walkTexts(key, v.Value, t)
	}
	if _, scalarForm := scalarForms[t]; scalarForm && !isMapping(n) {
		return mustBeText(key, n) // taps_quick_reply: Red, reacts: love
	}
	switch {
	case t.Kind() == reflect.String:
		return mustBeText(key, n)
	case numeric:
		// A fraction where a count is due, which the decoder would cut
		// (times: 2.5 ran twice).
		if f, ok := n.(*ast.FloatNode); ok && whole && f.Value != math.Trunc(f.Value) {
			return nodeError(n, "%s: a whole number, got %s", key, f.String())
		}
		// A number in quotes, which the decoder would convert (nan, inf
		// and 1_000 too); other text the decoder refuses itself.
		if q, ok := n.(*ast.StringNode); ok {
			v := strings.TrimSpace(q.Value)
			if plainNumber.MatchString(v) {
				return nodeError(n, "%s: is a number; write it without quotes (%s: %s)", key, key, v)
			}
			if _, err := strconv.ParseFloat(strings.ReplaceAll(v, "_", ""), 64); err == nil {
				return nodeError(n, "%s: is a number, written without quotes; %q is none", key, v)
			}
		}
	case t.Kind() == reflect.Slice:
		if seq, ok := n.(*ast.SequenceNode); ok {
			for _, item := range seq.Values {
				if err := walkTexts(key, item, t.Elem()); err != nil {
					return err
				}
			}
		}
	case t.Kind() == reflect.Struct:
		for _, kv := range mappingValues(n) {
			if _, merge := kv.Key.(*ast.MergeKeyNode); merge { // <<: fields of this same mapping
				if err := walkMerged(key, kv.Value, t); err != nil {
					return err
				}
				continue
			}
			name := keyName(kv.Key)
			if f, ok := yamlField(t, name); ok {
				if err := walkTexts(name, kv.Value, f.Type); err != nil {
					return err
				}
			}
		}
	}
	return nil // maps of any, numbers, booleans, durations: their decoders judge them
}

// walkMerged walks the value of a merge key (<<:), a mapping or a list of
// them, as fields of t.
func walkMerged(key string, n ast.Node, t reflect.Type) error {
	if seq, ok := n.(*ast.SequenceNode); ok {
		for _, item := range seq.Values {
			if err := walkTexts(key, item, t); err != nil {
				return err
			}
		}
		return nil
	}
	return walkTexts(key, n, t)
}

// scalarForms are the types a step writes as a text too: a tap by its
// title, a reaction by its name.
var scalarForms = map[reflect.Type]struct{}{reflect.TypeFor[TapStep](): {}, reflect.TypeFor[ReactStep](): {}}

// plainNumber is a number as YAML writes one unquoted (no inf, nan or hex).
var plainNumber = regexp.MustCompile(`^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$`)

// isMapping reports whether n is a mapping (an anchored one too).
func isMapping(n ast.Node) bool {
	if a, ok := n.(*ast.AnchorNode); ok {
		n = a.Value
	}
	switch n.(type) {
	case *ast.MappingNode, *ast.MappingValueNode:
		return true
	}
	return false
}

// keyName is a mapping key as the decoder reads it: a quoted key without
// its quotes.
func keyName(k ast.Node) string {
	if s, ok := k.(*ast.StringNode); ok {
		return s.Value
	}
	return k.String()
}

// mappingValues are n's keys and values (none if n is not a mapping).
func mappingValues(n ast.Node) []*ast.MappingValueNode {
	switch m := n.(type) {
	case *ast.MappingNode:
		return m.Values
	case *ast.MappingValueNode:
		return []*ast.MappingValueNode{m}
	}
	return nil
}

// yamlField is t's field that the YAML key name decodes into.
func yamlField(t reflect.Type, name string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if tag == name {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

// strTagged reports a node tagged !!str: text, whatever it looks like.
func strTagged(t *ast.TagNode) bool { return t.Start != nil && t.Start.Value == "!!str" }
