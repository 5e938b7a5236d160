package validator

import (
	"encoding/json"
	"sort"
	"strconv"
	"unicode/utf8"
)

// Lenient forms real clients send are accepted (PLATFORM.md D22): "true" and
// "false" for booleans, numeric strings for numbers, numbers where text is
// due (§1.3), and null or "" on an optional field, which count as absent
// with a warning. The accessors below read a decoded JSON value that way;
// the check functions write the normalised value back so that what is stored
// and schema-checked is the canonical form.

// ruleLenientNull is the warning for null or "" on an optional field.
var ruleLenientNull = Rule{Name: "lenient.null-or-empty", Source: "PLATFORM.md D22"}

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
		return f, err == nil
	case string:
		f, err := strconv.ParseFloat(x, 64)
		return f, err == nil
	}
	return 0, false
}

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

// optional looks up key in obj. A JSON null, or "" when emptyIsAbsent, is
// removed from obj with a warning and reported as absent (D22).
func (r *report) optional(obj map[string]any, key string, p Path, emptyIsAbsent bool) (any, bool) {
	v, ok := obj[key]
	if !ok {
		return nil, false
	}
	if v == nil || (emptyIsAbsent && v == "") {
		delete(obj, key)
		r.warn(p.Key(key), ruleLenientNull, "null or empty value on an optional field is treated as absent")
		return nil, false
	}
	return v, true
}

// str reads obj[key] as text, coercing numbers (written back as strings).
// It records an E "string" violation for a non-text value and reports ok
// false; present is false when the key is absent.
func (r *report) str(obj map[string]any, key string, p Path, rule Rule) (s string, present, ok bool) {
	v, present := obj[key]
	if !present {
		return "", false, true
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
	if _, isString := v.(string); !isString {
		obj[key] = s
	}
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
	if bad := unknownKeys(obj, allowed); len(bad) > 0 {
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
