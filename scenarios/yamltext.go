package scenarios

import (
	"reflect"
	"strings"

	"github.com/goccy/go-yaml/ast"
)

// textsAreText walks n beside the Go type it decodes into and refuses a
// number or a boolean wherever a text is due (a step's says:, a button's
// title, a user's phone, an id): YAML would read `title: 42` or
// `ad_id: 6045246247433` as a number, the decoder would quietly turn it
// into text, and schema.json, which editors check the file against,
// refuses it. Values that are JSON as written (setup: profile, an
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
