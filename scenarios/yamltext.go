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
	if form, scalarForm := scalarForms[t]; scalarForm && !isMapping(n) {
		if isCollection(n) {
			return nodeError(n, "%s: want %s or a mapping with %s; got %s", key, form, strings.Join(yamlKeys(t), ", "), nodeKind(n))
		}
		return mustBeText(key, n) // taps_quick_reply: Red, reacts: love
	}
	if t.Kind() == reflect.Struct && shapeChecked(t) && isPlain(n) {
		return nodeError(n, "%s: want a mapping with %s; got %s", key, strings.Join(yamlKeys(t), ", "), nodeKind(n))
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
			f, ok := yamlField(t, name)
			if !ok {
				if keys := yamlKeys(t); len(keys) > 0 {
					return nodeError(kv.Key, "unknown field %q%s", name, suggest(name, keys))
				}
				continue
			}
			if err := walkTexts(name, kv.Value, f.Type); err != nil {
				return err
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

// scalarForms are the types a step writes as a text too, and what the
// text is: a tap by its title, a reaction by its name, an expected button
// by its title.
var scalarForms = map[reflect.Type]string{
	reflect.TypeFor[TapStep]():      "a title",
	reflect.TypeFor[ReactStep]():    "a reaction",
	reflect.TypeFor[ButtonExpect](): "a button's title",
}

// shapeChecked reports a struct type the walk refuses a text, a number or
// a list for, naming its keys: not those that read a text themselves
// (durations) or say so in their own words (a step, a scenario).
func shapeChecked(t reflect.Type) bool {
	switch t {
	case reflect.TypeFor[Duration](), reflect.TypeFor[Step](), reflect.TypeFor[Scenario]():
		return false
	}
	return len(yamlKeys(t)) > 0
}

// isCollection reports a list (where a text or a mapping is due).
func isCollection(n ast.Node) bool {
	_, ok := n.(*ast.SequenceNode)
	return ok
}

// isPlain reports a text, a number, a boolean or a list: no mapping, and
// nothing the decoder resolves itself (null, an alias, a tag).
func isPlain(n ast.Node) bool {
	switch n.(type) {
	case *ast.StringNode, *ast.LiteralNode, *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.SequenceNode:
		return true
	}
	return false
}

// nodeKind names a node's kind the way a YAML author thinks of it.
func nodeKind(n ast.Node) string {
	switch n.(type) {
	case *ast.SequenceNode:
		return "a list"
	case *ast.IntegerNode, *ast.FloatNode:
		return "a number"
	case *ast.BoolNode:
		return "true or false"
	case *ast.MappingNode, *ast.MappingValueNode:
		return "a mapping"
	}
	return "a string"
}

// yamlKeys are the keys of a struct type, in order.
func yamlKeys(t reflect.Type) []string {
	var out []string
	for i := range t.NumField() {
		tag, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		if tag != "" && tag != "-" {
			out = append(out, tag)
		}
	}
	return out
}

// suggest answers " (did you mean KEY?)" for the known key nearest to
// name, when one is near enough to be a typo, else "".
func suggest(name string, keys []string) string {
	limit := 2
	switch n := len([]rune(name)); {
	case n <= 3:
		limit = 1
	case n >= 12:
		limit = 3
	}
	best, bestD := "", limit+1
	for _, k := range keys {
		if d := editDistance(name, k); d < bestD {
			best, bestD = k, d
		}
	}
	if best == "" {
		return ""
	}
	return " (did you mean " + best + "?)"
}

// editDistance is the Levenshtein distance of a and b, by runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

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
