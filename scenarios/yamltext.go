package scenarios

import (
	"fmt"
	"math"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/token"
)

// shapeCheck walks a scenario's YAML beside the Go type it decodes into
// and says, in the scenario file's words, every value of the wrong kind
// and every unknown key: the key, what it must be, what was written, at
// its place. It goes on past each one, so that a file with five mistakes
// is told of all five. It also refuses a number or a boolean wherever a
// text is due (a step's says:, a button's title, a user's phone, an id),
// and a text where a number is due (timezone, sticker_id, times,
// quick_reply_count): YAML would read `title: 42` as a number and
// `times: "1"` as text, the decoder would quietly convert either, and
// schema.json, which editors check the file against, refuses both. Values
// that are JSON as written (setup: profile, an expected profile) are not
// walked. What it passes, the decoder takes.
type shapeCheck struct {
	errs []*PosError
	// at is the key and type of each value walked, by its place, so that a
	// decoder's error there can be said in the file's words too.
	at map[[2]int]walked
}

// walked is a value the check walked: its key and Go type.
type walked struct {
	key string
	t   reflect.Type
	n   ast.Node
}

func newShapeCheck() *shapeCheck { return &shapeCheck{at: map[[2]int]walked{}} }

func (c *shapeCheck) fail(n ast.Node, format string, args ...any) {
	c.errs = append(c.errs, nodeError(n, format, args...))
}

// walk checks n, the value of key, as a value of type t.
func (c *shapeCheck) walk(key string, n ast.Node, t reflect.Type) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if n == nil {
		return
	}
	if tok := n.GetToken(); tok != nil && tok.Position != nil {
		c.at[[2]int{tok.Position.Line, tok.Position.Column}] = walked{key: key, t: t, n: n}
	}
	tagged := false
	switch v := n.(type) {
	case *ast.AnchorNode:
		c.walk(key, v.Value, t)
		return
	case *ast.AliasNode, *ast.NullNode:
		// An alias the loader could not resolve is the decoder's to say;
		// a value left empty is empty (a step says it needs one).
		return
	case *ast.TagNode:
		s, ok := stringNode(v)
		if !ok {
			c.walk(key, v.Value, t)
			return
		}
		n, tagged = s, true // an explicit string
	}
	switch {
	case t == durationType:
		c.duration(key, n)
	case scalarForms[t] != "":
		switch {
		case isMapping(n):
			c.fields(key, n, t)
		case isCollection(n):
			c.fail(n, "%s: want %s or a mapping with %s; got %s", key, scalarForms[t], strings.Join(yamlKeys(t), ", "), found(n))
		default:
			c.text(key, n) // taps_quick_reply: Red, reacts: love
			// An empty one taps or reacts with nothing (a button's title
			// says so itself).
			if v, ok := stringNode(n); ok && v.Value == "" && t != reflect.TypeFor[ButtonExpect]() {
				c.fail(n, "%s: cannot be empty: give %s", key, scalarForms[t])
			}
		}
	case t.Kind() == reflect.Struct:
		if isMapping(n) {
			c.fields(key, n, t)
			return
		}
		switch t {
		case stepType:
			c.fail(n, "a step is a mapping with one key such as says: or expect:; got %s", found(n))
		case scenarioType:
			c.fail(n, "a scenario is a mapping with name: and steps:; got %s", found(n))
		default:
			c.fail(n, "%s: want %s; got %s", key, want(key, t), found(n))
		}
	case t.Kind() == reflect.String:
		c.text(key, n)
	case t.Kind() == reflect.Bool:
		c.boolean(key, n, tagged)
	case isNumber(t):
		c.number(key, n, t, tagged)
	case t.Kind() == reflect.Slice:
		seq, ok := n.(*ast.SequenceNode)
		if !ok {
			c.fail(n, "%s: want %s; got %s%s", key, want(key, t), found(n), listHint(key, n, t))
			return
		}
		for _, item := range seq.Values {
			c.walk(key, item, t.Elem())
		}
	case t.Kind() == reflect.Map:
		if !isMapping(n) {
			c.fail(n, "%s: want %s; got %s", key, want(key, t), found(n))
		}
	}
}

// fields walks the keys of a mapping n as the fields of t.
func (c *shapeCheck) fields(key string, n ast.Node, t reflect.Type) {
	if a, ok := n.(*ast.AnchorNode); ok {
		n = a.Value
	}
	for _, kv := range mappingValues(n) {
		if _, merge := kv.Key.(*ast.MergeKeyNode); merge { // <<: fields of this same mapping
			c.merged(key, kv.Value, t)
			continue
		}
		name := keyName(kv.Key)
		f, ok := yamlField(t, name)
		if !ok {
			_ = c.unknownKey(kv.Key, key, t, name)
			continue
		}
		if _, null := unwrapAnchor(kv.Value).(*ast.NullNode); null && nullRefused[t] {
			// Decoded, a null is a key not given, which checks nothing:
			// `text:` left empty would pass any message.
			c.fail(kv, "%s%s: needs a value (leave the key out to not check it)", keyPrefix(key), name)
			continue
		}
		before := len(c.errs)
		c.walk(name, kv.Value, f.Type)
		if check := valueChecks[t][name]; check != nil && len(c.errs) == before {
			if v, ok := stringNode(unwrapAnchor(kv.Value)); ok {
				if why := check(v.Value); why != "" {
					c.fail(v, "%s%s: %s", keyPrefix(key), name, why)
				}
			}
		}
	}
}

// nullRefused are the types whose keys may not be left empty (null): the
// expectations, where an empty key would read as one not given.
var nullRefused = map[reflect.Type]bool{
	reflect.TypeFor[Expect]():        true,
	reflect.TypeFor[ElementExpect](): true,
	reflect.TypeFor[ButtonExpect]():  true,
	reflect.TypeFor[AttachExpect]():  true,
	reflect.TypeFor[UserExpect]():    true,
}

// valueChecks are what a text value of a key must be beyond text, by the
// type that holds the key, as schema.json says it: checked where the
// value is, so an error points at it.
var valueChecks = map[reflect.Type]map[string]func(string) string{
	reflect.TypeFor[ReferralStep](): {"ref": checkRef},
	reflect.TypeFor[Expect]():       {"text_matches": checkPattern},
	reflect.TypeFor[SendStep]():     {"file": notEmpty("a path, relative to the scenario file (or leave file: out)")},
	reflect.TypeFor[ReactStep]():    {"reaction": notEmpty("a reaction such as love or an emoji (or leave reaction: out)")},
	reflect.TypeFor[FaultStep]():    {"method": checkMethod},
}

// refPattern is what the platform takes as an m.me link's or an ad's ref.
var refPattern = regexp.MustCompile(`^[A-Za-z0-9_=-]*$`)

// maxRef is the longest ref the platform takes.
const maxRef = 2083

func checkRef(ref string) string {
	if !refPattern.MatchString(ref) || len(ref) > maxRef {
		return fmt.Sprintf("%q is not a ref the platform takes: at most %d characters of A-Z, a-z, 0-9, _, - and =", truncateText(ref, 40), maxRef)
	}
	return ""
}

func checkPattern(re string) string {
	if _, err := regexp.Compile(re); err != nil {
		return err.Error()
	}
	return ""
}

// faultMethods are the methods a fault: step may name.
var faultMethods = []string{"GET", "POST", "DELETE", "get", "post", "delete"}

func checkMethod(m string) string {
	if !slices.Contains(faultMethods, m) {
		return fmt.Sprintf("must be GET, POST or DELETE (the bot's calls the rule matches), not %q", m)
	}
	return ""
}

// notEmpty refuses an empty text, saying what is due.
func notEmpty(what string) func(string) string {
	return func(v string) string {
		if v == "" {
			return "cannot be empty: give " + what
		}
		return ""
	}
}

// merged walks the value of a merge key (<<:), a mapping or a list of
// them, as fields of t.
func (c *shapeCheck) merged(key string, n ast.Node, t reflect.Type) {
	if a, ok := n.(*ast.AnchorNode); ok {
		n = a.Value
	}
	switch v := n.(type) {
	case *ast.SequenceNode:
		for _, item := range v.Values {
			c.merged(key, item, t)
		}
	case *ast.AliasNode, *ast.NullNode:
	default:
		if !isMapping(n) {
			c.fail(n, "%s<<: want a mapping (or a list of them) to merge; got %s", keyPrefix(key), found(n))
			return
		}
		c.fields(key, n, t)
	}
}

// unknownKey says a key t does not have, with the nearest known one,
// which it returns ("" if none is near).
func (c *shapeCheck) unknownKey(at ast.Node, parent string, t reflect.Type, name string) string {
	keys := yamlKeys(t)
	near := nearest(name, keys)
	hint := " (did you mean " + near + "?)"
	if near == "" {
		hint = "; the keys are " + strings.Join(keys, ", ")
	}
	switch t {
	case stepType:
		c.fail(at, "unknown step key %q%s", name, hint)
	case scenarioType:
		c.fail(at, "unknown scenario key %q%s", name, hint)
	default:
		c.fail(at, "%sunknown key %q%s", keyPrefix(parent), name, hint)
	}
	return near
}

// text checks a value of key that is text.
func (c *shapeCheck) text(key string, n ast.Node) {
	switch n.(type) {
	case *ast.StringNode, *ast.LiteralNode:
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.InfinityNode, *ast.NanNode:
		// YAML read it as a number or a boolean; the decoder would turn
		// it into its text, which schema.json refuses.
		c.fail(n, "%s: is text; quote a number or true/false (%s: \"%s\")", key, key, n.GetToken().Value)
	default:
		c.fail(n, "%s: want text; got %s", key, found(n))
	}
}

// boolean checks a value of key that is true or false.
func (c *shapeCheck) boolean(key string, n ast.Node, tagged bool) {
	if _, ok := n.(*ast.BoolNode); ok {
		return
	}
	hint := ""
	if s, ok := n.(*ast.StringNode); ok {
		switch v := strings.ToLower(strings.TrimSpace(s.Value)); {
		case tagged:
			hint = " (without the !!str tag)"
		case v == "true" || v == "false":
			hint = " (write it without quotes)"
		case v == "yes" || v == "y" || v == "on":
			hint = " (write true)"
		case v == "no" || v == "n" || v == "off":
			hint = " (write false)"
		}
	}
	c.fail(n, "%s: want true or false; got %s%s", key, found(n), hint)
}

// number checks a value of key that is a number (t: a whole one, or not).
func (c *shapeCheck) number(key string, n ast.Node, t reflect.Type, tagged bool) {
	whole := t.Kind() != reflect.Float32 && t.Kind() != reflect.Float64
	what := "a number"
	if whole {
		what = "a whole number"
	}
	switch v := n.(type) {
	case *ast.IntegerNode:
		if whole && overflows(v.Value, t) {
			c.fail(n, "%s: %s is too large for %s", key, v.GetToken().Value, what)
		}
	case *ast.FloatNode:
		// A fraction where a count is due, which the decoder would cut
		// (times: 2.5 ran twice).
		if whole && v.Value != math.Trunc(v.Value) {
			c.fail(n, "%s: a whole number, got %s", key, v.GetToken().Value)
		} else if whole && math.Abs(v.Value) >= math.MaxInt64 {
			c.fail(n, "%s: %s is too large for %s", key, v.GetToken().Value, what)
		}
	case *ast.InfinityNode, *ast.NanNode:
		if whole {
			c.fail(n, "%s: want %s; got %s", key, what, found(n))
		}
	case *ast.StringNode:
		// A number in quotes, which the decoder would convert (nan, inf
		// and 1_000 too).
		s := strings.TrimSpace(v.Value)
		quoted := tagged || v.Token.Type == token.SingleQuoteType || v.Token.Type == token.DoubleQuoteType
		_, parseErr := strconv.ParseFloat(strings.ReplaceAll(s, "_", ""), 64)
		switch {
		case tagged && (plainNumber.MatchString(s) || parseErr == nil):
			c.fail(n, "%s: is a number; write it without quotes or a !!str tag", key)
		case quoted && plainNumber.MatchString(s):
			c.fail(n, "%s: is a number; write it without quotes (%s: %s)", key, key, s)
		case quoted && parseErr == nil:
			c.fail(n, "%s: is a number, written without quotes; %q is none", key, s)
		case plainNumber.MatchString(s): // unquoted: YAML could not read it as a number
			c.fail(n, "%s: %s is too large for %s", key, s, what)
		default:
			c.fail(n, "%s: want %s; got %s", key, what, found(n))
		}
	default:
		c.fail(n, "%s: want %s; got %s", key, what, found(n))
	}
}

// duration checks a value of key that is a duration, such as 2s.
func (c *shapeCheck) duration(key string, n ast.Node) {
	switch v := n.(type) {
	case *ast.StringNode:
		if !durationPattern.MatchString(v.Value) {
			c.fail(n, "%s: %q is not %s", key, v.Value, want(key, durationType))
		}
	case *ast.IntegerNode, *ast.FloatNode:
		c.fail(n, "%s: want %s; got %s (a duration needs its unit: %ss)", key, want(key, durationType), found(n), v.GetToken().Value)
	default:
		c.fail(n, "%s: want %s; got %s", key, want(key, durationType), found(n))
	}
}

// overflows reports an integer (int64 or uint64, as the parser reads
// one) that does not fit t.
func overflows(v any, t reflect.Type) bool {
	z := reflect.New(t).Elem()
	switch i := v.(type) {
	case int64:
		if z.CanUint() {
			return i < 0 || z.OverflowUint(uint64(i))
		}
		return z.OverflowInt(i)
	case uint64:
		if z.CanUint() {
			return z.OverflowUint(i)
		}
		return i > math.MaxInt64 || z.OverflowInt(int64(i))
	}
	return false
}

// durationPattern is a duration as schema.json takes it: numbers with
// their units, none signed (Go's parser takes more: "0", "+5s", ".5s").
var durationPattern = regexp.MustCompile(`^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$`)

var (
	durationType = reflect.TypeFor[Duration]()
	stepType     = reflect.TypeFor[Step]()
	scenarioType = reflect.TypeFor[Scenario]()
)

// scalarForms are the types a step writes as a text too, and what the
// text is: a tap by its title, a reaction by its name, an expected button
// by its title.
var scalarForms = map[reflect.Type]string{
	reflect.TypeFor[TapStep]():      "a title",
	reflect.TypeFor[ReactStep]():    "a reaction",
	reflect.TypeFor[ButtonExpect](): "a button's title",
}

// listsOf says what the items of the scenario's lists are, by key.
var listsOf = map[string]string{
	"steps":                "a list of steps, each a mapping with one key such as says: or expect:",
	"tags":                 "a list of tags, such as [smoke, shop]",
	"quick_replies":        "a list of quick-reply titles, such as [Red, Green]",
	"quick_reply_payloads": "a list of quick-reply payloads, such as [RED, GREEN]",
	"labels":               "a list of label names, such as [vip]",
	"args":                 "a list of the error's arguments, such as [\"5\"]",
	"buttons":              "a list of buttons, each a title or a mapping with title, type, payload, url",
	"elements":             "a list of template elements, each a mapping with title, subtitle, buttons",
	"expect_any_order":     "a list of expected messages, each a mapping with the keys of expect:",
}

// want says what a value of key, of type t, must be, in the file's words.
func want(key string, t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == durationType:
		return "a duration such as 2s, 500ms or 25h"
	case t.Kind() == reflect.Slice && listsOf[key] != "":
		return listsOf[key]
	case t.Kind() == reflect.Slice:
		return "a list of " + strings.TrimPrefix(strings.TrimPrefix(want(key, t.Elem()), "a "), "an ")
	case t == stepType:
		return "a step: a mapping with one key such as says: or expect:"
	case t == scenarioType:
		return "a scenario: a mapping with name: and steps:"
	case t.Kind() == reflect.Struct:
		return "a mapping with " + strings.Join(yamlKeys(t), ", ")
	case t.Kind() == reflect.Map:
		return "a mapping"
	case t.Kind() == reflect.String:
		return "text"
	case t.Kind() == reflect.Bool:
		return "true or false"
	case t.Kind() == reflect.Float32 || t.Kind() == reflect.Float64:
		return "a number"
	case isNumber(t):
		return "a whole number"
	}
	return t.String()
}

// listHint suggests the list a lone text, number or boolean was meant to
// be an item of: quick_replies: Red → quick_replies: [Red].
func listHint(key string, n ast.Node, t reflect.Type) string {
	if t.Elem().Kind() != reflect.String && scalarForms[t.Elem()] == "" {
		return ""
	}
	switch n.(type) {
	case *ast.StringNode, *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode:
		return " (a list of one: " + key + ": [" + n.GetToken().Value + "])"
	}
	return ""
}

// found names what a value is, the way its author wrote it.
func found(n ast.Node) string {
	switch v := n.(type) {
	case *ast.StringNode:
		s := v.Value
		if r := []rune(s); len(r) > 40 {
			s = string(r[:40]) + "…"
		}
		return "the text " + strconv.Quote(s)
	case *ast.LiteralNode:
		return "a block of text"
	case *ast.IntegerNode, *ast.FloatNode, *ast.InfinityNode, *ast.NanNode:
		return "the number " + v.GetToken().Value
	case *ast.BoolNode:
		return v.GetToken().Value
	case *ast.SequenceNode:
		return "a list"
	case *ast.MappingNode, *ast.MappingValueNode:
		return "a mapping"
	case *ast.NullNode:
		return "nothing (null)"
	case *ast.AnchorNode:
		return found(v.Value)
	case *ast.TagNode:
		return found(v.Value)
	}
	return "a " + strings.ToLower(n.Type().String())
}

func isNumber(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return true
	}
	return false
}

// keyPrefix is "key: ", or "" at the top.
func keyPrefix(key string) string {
	if key == "" {
		return ""
	}
	return key + ": "
}

// isCollection reports a list (where a text or a mapping is due).
func isCollection(n ast.Node) bool {
	_, ok := n.(*ast.SequenceNode)
	return ok
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
	if k := nearest(name, keys); k != "" {
		return " (did you mean " + k + "?)"
	}
	return ""
}

// nearest is the known key nearest to name, when one is near enough to be
// a typo, else "".
func nearest(name string, keys []string) string {
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
	return best
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
