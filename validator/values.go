package validator

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Lenient forms real clients send are accepted (PLATFORM.md D22): "true" and
// "false" for booleans, numeric strings for numbers, numbers where text is
// due (§1.3), and null or "" on an optional field, which count as absent
// with a warning. The accessors below read a decoded JSON value that way;
// the check functions write the normalised value back so that what is stored
// and schema-checked is the canonical form.

// LenientNull is the warning for null or "" on an optional field (D22);
// exported for what the server reads of a body itself before the rules
// run (an upload's message and payload).
var LenientNull = Rule{Name: "lenient.null-or-empty", Source: "decision D22"}

// Absent reports a value an optional field takes as absent (D22): null,
// or "".
func Absent(v any) bool { return v == nil || v == "" }

// asString reads text: a string, or a number coerced to its text.
func asString(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case json.Number:
		return x.String(), true
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true
	case int:
		return strconv.Itoa(x), true
	case int64:
		return strconv.FormatInt(x, 10), true
	}
	return "", false
}

// asBool reads a boolean or the strings "true" and "false".
func asBool(v any) (bool, bool) {
	switch x := v.(type) {
	case bool:
		return x, true
	case string:
		switch x {
		case "true":
			return true, true
		case "false":
			return false, true
		}
	}
	return false, false
}

// asNumber reads a number or a numeric string.
func asNumber(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case json.Number:
		f, err := x.Float64()
		return f, err == nil && finite(f)
	case string:
		f, err := strconv.ParseFloat(x, 64)
		return f, err == nil && finite(f) // "NaN" and "Inf" are no numbers to the platform
	}
	return 0, false
}

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

func asObject(v any) (map[string]any, bool) {
	m, ok := v.(map[string]any)
	return m, ok
}

func asArray(v any) ([]any, bool) {
	a, ok := v.([]any)
	return a, ok
}

// runeLen counts code points, the unit of every length limit (D7).
func runeLen(s string) int { return utf8.RuneCountInString(s) }

// field is obj[key] as the checks read it: its value v, when has. The
// accessors below take one, so that a hot object (a generic element, a
// button) is read in one pass (fields) rather than a lookup per key.
type field struct {
	obj map[string]any
	key string
	v   any
	has bool
}

// absent reports a field an optional read takes as absent: missing, or
// null, or "" when emptyIsAbsent (D22).
func (f field) absent(emptyIsAbsent bool) bool {
	return !f.has || f.v == nil || (emptyIsAbsent && f.v == "")
}

// lookup reads obj[key].
func lookup(obj map[string]any, key string) field {
	v, has := obj[key]
	return field{obj: obj, key: key, v: v, has: has}
}

// optional looks up key in obj. A JSON null, or "" when emptyIsAbsent, is
// removed from obj with a warning and reported as absent (D22).
func (r *report) optional(obj map[string]any, key string, p Path, emptyIsAbsent bool) (any, bool) {
	return r.optionalField(lookup(obj, key), p, emptyIsAbsent)
}

// optionalField is optional with f already read.
func (r *report) optionalField(f field, p Path, emptyIsAbsent bool) (any, bool) {
	if !f.has {
		return nil, false
	}
	if f.absent(emptyIsAbsent) {
		r.drop(f.obj, f.key)
		r.warn(p.Key(f.key), LenientNull, "null or empty value on an optional field is treated as absent")
		return nil, false
	}
	return f.v, true
}

// str reads obj[key] as text, coercing numbers (written back as strings).
// It records an E "string" violation for a non-text value and reports ok
// false; present is false when the key is absent.
func (r *report) str(obj map[string]any, key string, p Path, rule Rule) (s string, present, ok bool) {
	v, present := obj[key]
	if !present {
		return "", false, true
	}
	return r.strOf(obj, key, v, p, rule)
}

// strOf is str with obj[key], v, already read.
func (r *report) strOf(obj map[string]any, key string, v any, p Path, rule Rule) (s string, present, ok bool) {
	if s, isString := v.(string); isString && utf8.ValidString(s) {
		return s, true, true // the common case, read as it is
	}
	s, ok = asString(v)
	if !ok {
		r.fail(p.Key(key), rule, Err(KeyString, p.Key(key).Param()), "expected a string")
		return "", true, false
	}
	if !utf8.ValidString(s) {
		r.fail(p.Key(key), rule, Err(KeyString, p.Key(key).Param()), "invalid UTF-8")
		return "", true, false
	}
	r.rewrite(obj, key, s) // a number, written back as text
	return s, true, true
}

// unknownKeys returns the keys of obj not in allowed, sorted.
func unknownKeys(obj map[string]any, allowed map[string]bool) []string {
	var out []string
	for k := range obj {
		if !allowed[k] {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// checkKeys refuses unknown keys inside message and its parts with the
// "Invalid keys" error (PLATFORM.md §2.4, D19).
func (r *report) checkKeys(obj map[string]any, allowed map[string]bool, p Path, rule Rule) bool {
	return r.knownKeys(unknownKeys(obj, allowed), p, rule)
}

// knownKeys refuses bad, the unknown keys of the object at p, if any.
func (r *report) knownKeys(bad []string, p Path, rule Rule) bool {
	if len(bad) > 0 {
		r.fail(p, rule, KeysError(p.Param(), bad), "keys the platform does not define")
		return false
	}
	return true
}

// set builds a lookup table.
func set(keys ...string) map[string]bool {
	m := make(map[string]bool, len(keys))
	for _, k := range keys {
		m[k] = true
	}
	return m
}

// optText reads an optional text field: absent, null and "" count as absent
// (null and "" with a D22 warning); numbers are coerced to text.
func (r *report) optText(obj map[string]any, key string, p Path, rule Rule) (s string, present, ok bool) {
	return r.optTextField(lookup(obj, key), p, rule)
}

// optTextField is optText with f already read.
func (r *report) optTextField(f field, p Path, rule Rule) (s string, present, ok bool) {
	v, has := r.optionalField(f, p, true)
	if !has {
		return "", false, true
	}
	return r.strOf(f.obj, f.key, v, p, rule)
}

// reqText reads a field the caller requires: null counts as absent (the
// caller answers "required" or its own key), "" is returned as is.
func (r *report) reqText(obj map[string]any, key string, p Path, rule Rule) (s string, present, ok bool) {
	return r.reqTextField(lookup(obj, key), p, rule)
}

// reqTextField is reqText with f already read.
func (r *report) reqTextField(f field, p Path, rule Rule) (s string, present, ok bool) {
	switch {
	case !f.has:
		return "", false, true
	case f.v == nil:
		r.drop(f.obj, f.key)
		return "", false, true
	}
	return r.strOf(f.obj, f.key, f.v, p, rule)
}

// optBool reads an optional boolean, accepting "true" and "false" (D22) and
// writing the boolean back. Anything else is refused with "invalid".
func (r *report) optBool(obj map[string]any, key string, p Path, rule Rule) (b, present, ok bool) {
	return r.optBoolField(lookup(obj, key), p, rule)
}

// optBoolField is optBool with f already read.
func (r *report) optBoolField(f field, p Path, rule Rule) (b, present, ok bool) {
	v, has := r.optionalField(f, p, true)
	if !has {
		return false, false, true
	}
	b, ok = asBool(v)
	if !ok {
		r.fail(p.Key(f.key), rule, Err(KeyInvalid), "expected a boolean")
		return false, true, false
	}
	if _, isBool := v.(bool); !isBool {
		r.rewrite(f.obj, f.key, b)
	}
	return b, true, true
}

// optArray reads an optional array; null and "" count as absent (D22).
func (r *report) optArray(obj map[string]any, key string, p Path, rule Rule) (a []any, present, ok bool) {
	return r.optArrayField(lookup(obj, key), p, rule)
}

// optArrayField is optArray with f already read.
func (r *report) optArrayField(f field, p Path, rule Rule) (a []any, present, ok bool) {
	v, has := r.optionalField(f, p, true)
	if !has {
		return nil, false, true
	}
	a, ok = asArray(v)
	if !ok {
		r.fail(p.Key(f.key), rule, Err(KeyInvalid), "expected an array")
		return nil, true, false
	}
	return a, true, true
}

// optObject reads an optional object; null and "" count as absent (D22).
func (r *report) optObject(obj map[string]any, key string, p Path, rule Rule) (m map[string]any, present, ok bool) {
	return r.optObjectField(lookup(obj, key), p, rule)
}

// optObjectField is optObject with f already read.
func (r *report) optObjectField(f field, p Path, rule Rule) (m map[string]any, present, ok bool) {
	v, has := r.optionalField(f, p, true)
	if !has {
		return nil, false, true
	}
	return r.object(v, p.Key(f.key), rule)
}

// object reads v as an object, refusing anything else with "invalid".
func (r *report) object(v any, p Path, rule Rule) (m map[string]any, present, ok bool) {
	m, ok = asObject(v)
	if !ok {
		r.fail(p, rule, Err(KeyInvalid), "expected an object")
		return nil, true, false
	}
	return m, true, true
}

// maxLen refuses text longer than rule.Limit code points with "length"
// (D7: a limit N accepts N).
func (r *report) maxLen(s string, p Path, rule Rule) bool {
	if n := runeLen(s); n > rule.Limit {
		r.fail(p, rule, Err(KeyLength, p.Param(), rule.Limit), fmt.Sprintf("%d code points, at most %d", n, rule.Limit))
		return false
	}
	return true
}

// count checks an array's size: fewer than few.Limit elements get
// "too-few" (194), more than many.Limit "too-many" (105), with the
// platform's path (D12). A zero Rule skips that side.
func (r *report) count(n int, p Path, few, many Rule) bool {
	if few.Name != "" && n < few.Limit {
		r.fail(p, few, Err(KeyTooFew, p.Param()), fmt.Sprintf("%d elements, at least %d", n, few.Limit))
		return false
	}
	if many.Name != "" && n > many.Limit {
		r.fail(p, many, Err(KeyTooMany, p.Param()), fmt.Sprintf("%d elements, at most %d", n, many.Limit))
		return false
	}
	return true
}

// enum refuses v when it is not in allowed, listing allowed in order.
func (r *report) enum(v string, allowed []string, p Path, rule Rule) bool {
	if !slices.Contains(allowed, v) {
		r.fail(p, rule, EnumError(p.Param(), allowed, v), "")
		return false
	}
	return true
}

// absURL is an absolute http(s) URL, as far as the rules need it.
type absURL struct {
	https bool
	host  string // lower case, without userinfo or port
}

// httpURL parses an absolute http(s) URL with a host: a scheme of http or
// https, "://", an authority with a non-empty host, and no control
// characters or spaces anywhere. It is a small parser rather than
// url.Parse because every button and image URL of a request goes through
// it (a 10-element generic template has forty).
func httpURL(s string) (absURL, bool) {
	if u, ok := plainHTTPURL(s); ok {
		return u, true
	}
	return parseHTTPURL(s)
}

// plainHTTPURL reads the URLs bots send, "https://" or "http://" and a
// host of lower-case letters, digits, dots and hyphens, then the path,
// query or fragment, or nothing, without control characters or spaces, in
// one pass: the answer is parseHTTPURL's. ok is false for anything else
// (capitals, userinfo, a port, an IP literal, a label that is empty, a
// backslash), which parseHTTPURL reads, judging the URL itself.
func plainHTTPURL(s string) (u absURL, ok bool) {
	var rest string
	switch {
	case strings.HasPrefix(s, "https://"):
		u.https, rest = true, s[len("https://"):]
	case strings.HasPrefix(s, "http://"):
		rest = s[len("http://"):]
	default:
		return absURL{}, false
	}
	i, dot := 0, true // an empty label: at the start, or after a dot
	for ; i < len(rest); i++ {
		c := rest[i]
		switch {
		case 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-':
			dot = false
			continue
		case c == '.' && !dot:
			dot = true
			continue
		}
		break
	}
	if i == 0 || i < len(rest) && rest[i] != '/' && rest[i] != '?' && rest[i] != '#' {
		return absURL{}, false
	}
	for j := i; j < len(rest); j++ {
		if c := rest[j]; c <= ' ' || c == 0x7f {
			return absURL{}, false
		}
	}
	u.host = rest[:i]
	return u, true
}

// parseHTTPURL is httpURL for any string.
func parseHTTPURL(s string) (absURL, bool) {
	var u absURL
	switch {
	case len(s) > 8 && (s[:8] == "https://" || strings.EqualFold(s[:8], "https://")):
		u.https, s = true, s[8:]
	case len(s) > 7 && (s[:7] == "http://" || strings.EqualFold(s[:7], "http://")):
		s = s[7:]
	default:
		return absURL{}, false
	}
	end := -1 // where the authority ends
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c <= ' ' || c == 0x7f:
			return absURL{}, false
		case end < 0 && (c == '/' || c == '?' || c == '#' || c == '\\'):
			end = i // a backslash ends the authority, as browsers read it
		}
	}
	host := s
	if end >= 0 {
		host = host[:end]
	}
	if i := strings.LastIndexByte(host, '@'); i >= 0 {
		host = host[i+1:]
	}
	if strings.HasPrefix(host, "[") { // IPv6 literal
		end := strings.IndexByte(host, ']')
		if end < 0 || !validPort(host[end+1:]) {
			return absURL{}, false
		}
		host = host[:end+1]
	} else if i := strings.IndexByte(host, ':'); i >= 0 {
		if !validPort(host[i:]) {
			return absURL{}, false
		}
		host = host[:i]
	}
	if host == "" || host[0] == '.' || strings.Contains(host, "..") { // a name has no empty label
		return absURL{}, false
	}
	u.host = strings.ToLower(host)
	return u, true
}

// validPort accepts "", or ":" and a port number (at most 65535; ":"
// alone is the default port, as URL parsers read it).
func validPort(s string) bool {
	if s == "" {
		return true
	}
	if s[0] != ':' {
		return false
	}
	n := 0
	for i := 1; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
		if n = n*10 + int(s[i]-'0'); n > 65535 {
			return false
		}
	}
	return true
}
