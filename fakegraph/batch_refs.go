package fakegraph

import (
	"encoding/json"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// JSONPath references between batch items (PLATFORM.md §9): the text
// {result=name:$.path} in an item's relative_url or body is replaced by the
// value at path in the answer of the earlier item called name. A wildcard
// (data.*.id) yields the values joined by commas, as Graph does.

var referencePattern = regexp.MustCompile(`\{result=([^:{}]+):(\$[^{}]*)\}`)

// resolveReferences replaces every reference in text; detail says why one
// failed ("" when all resolved).
func resolveReferences(text string, outcomes map[string]batchOutcome) (string, string) {
	var detail string
	out := referencePattern.ReplaceAllStringFunc(text, func(ref string) string {
		if detail != "" {
			return ref
		}
		m := referencePattern.FindStringSubmatch(ref)
		name, path := m[1], m[2]
		o, ok := outcomes[name]
		switch {
		case !ok:
			detail = "reference " + ref + " names no earlier item"
			return ref
		case !o.ok:
			detail = "reference " + ref + " names an item that failed"
			return ref
		}
		vals, err := jsonPath(o.body, path)
		if err != "" || len(vals) == 0 {
			if err == "" {
				err = "matches nothing"
			}
			detail = "reference " + ref + ": " + err
			return ref
		}
		parts := make([]string, len(vals))
		for i, v := range vals {
			parts[i] = scalarText(v)
		}
		return strings.Join(parts, ",")
	})
	if detail != "" {
		return "", detail
	}
	return out, ""
}

// resolveFormReferences replaces the references in a urlencoded text (an
// item's form body, or the query of its relative_url): written as they
// are, or percent-encoded as a client's form encoder writes them, in which
// case the value is decoded, resolved and encoded again.
func resolveFormReferences(text string, outcomes map[string]batchOutcome) (string, string) {
	if !strings.Contains(text, "%7B") && !strings.Contains(text, "%7b") {
		return resolveReferences(text, outcomes)
	}
	pairs := strings.Split(text, "&")
	for i, pair := range pairs {
		key, value, _ := strings.Cut(pair, "=")
		decoded, err := url.QueryUnescape(value)
		if err != nil || decoded == value || !referencePattern.MatchString(decoded) {
			resolved, detail := resolveReferences(pair, outcomes)
			if detail != "" {
				return "", detail
			}
			pairs[i] = resolved
			continue
		}
		resolved, detail := resolveReferences(decoded, outcomes)
		if detail != "" {
			return "", detail
		}
		pairs[i] = key + "=" + url.QueryEscape(resolved)
	}
	return strings.Join(pairs, "&"), ""
}

// resolveURLReferences replaces the references in a relative_url: its path
// as written, its query as a form.
func resolveURLReferences(relURL string, outcomes map[string]batchOutcome) (string, string) {
	path, query, hasQuery := strings.Cut(relURL, "?")
	if decoded, err := url.PathUnescape(path); err == nil && decoded != path && referencePattern.MatchString(decoded) {
		path = decoded
	}
	path, detail := resolveReferences(path, outcomes)
	if detail != "" || !hasQuery {
		return path, detail
	}
	query, detail = resolveFormReferences(query, outcomes)
	return path + "?" + query, detail
}

// jsonPath evaluates the subset of JSONPath Graph batch references use:
// $, .key, [n], .* and [*].
func jsonPath(doc any, path string) ([]any, string) {
	if !strings.HasPrefix(path, "$") {
		return nil, "a path starts with $"
	}
	cur := []any{doc}
	rest := path[1:]
	for rest != "" {
		var next []any
		switch {
		case strings.HasPrefix(rest, ".*") || strings.HasPrefix(rest, "[*]"):
			if rest[0] == '.' {
				rest = rest[2:]
			} else {
				rest = rest[3:]
			}
			for _, v := range cur {
				switch x := v.(type) {
				case []any:
					next = append(next, x...)
				case map[string]any:
					for _, k := range sortedKeys(x) {
						next = append(next, x[k])
					}
				}
			}
		case rest[0] == '.':
			end := strings.IndexAny(rest[1:], ".[")
			key := rest[1:]
			if end >= 0 {
				key = rest[1 : end+1]
			}
			rest = rest[1+len(key):]
			if key == "" {
				return nil, "an empty key in " + path
			}
			for _, v := range cur {
				if m, ok := v.(map[string]any); ok {
					if x, ok := m[key]; ok {
						next = append(next, x)
					}
				}
			}
		case rest[0] == '[':
			end := strings.IndexByte(rest, ']')
			if end < 0 {
				return nil, "an unclosed [ in " + path
			}
			n, err := strconv.Atoi(rest[1:end])
			if err != nil || n < 0 {
				return nil, "an index is a number: " + rest[:end+1]
			}
			rest = rest[end+1:]
			for _, v := range cur {
				if a, ok := v.([]any); ok && n < len(a) {
					next = append(next, a[n])
				}
			}
		default:
			return nil, "cannot read " + rest + " in " + path
		}
		cur = next
	}
	return cur, ""
}

// scalarText renders a referenced value as text.
func scalarText(v any) string {
	if s, ok := paramString(v); ok {
		return s
	}
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(b)
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
