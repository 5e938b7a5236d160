package scenarios

import (
	"reflect"
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
	switch v := n.(type) {
	case *ast.AnchorNode:
		return walkTexts(key, v.Value, t)
	case *ast.TagNode:
		if v.Start != nil && v.Start.Value == "!!str" {
			return nil // an explicit string
		}
		return walkTexts(key, v.Value, t)
	}
	switch t.Kind() {
	case reflect.String:
		return mustBeText(key, n)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		// A number in quotes; other text the decoder refuses itself.
		if q, ok := n.(*ast.StringNode); ok {
			if _, err := strconv.ParseFloat(strings.TrimSpace(q.Value), 64); err == nil {
				return nodeError(n, "%s: is a number; write it without quotes (%s: %s)", key, key, q.Value)
			}
		}
	case reflect.Slice:
		if seq, ok := n.(*ast.SequenceNode); ok {
			for _, item := range seq.Values {
				if err := walkTexts(key, item, t.Elem()); err != nil {
					return err
				}
			}
		}
	case reflect.Struct:
		for _, kv := range mappingValues(n) {
			name := kv.Key.String()
			if f, ok := yamlField(t, name); ok {
				if err := walkTexts(name, kv.Value, f.Type); err != nil {
					return err
				}
			}
		}
	}
	return nil // maps of any, numbers, booleans, durations: their decoders judge them
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
