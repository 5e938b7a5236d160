package scenarios

import (
	"bytes"
	"encoding/json"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// How a failure shows want and got: as YAML with the keys the scenario
// file uses (text_contains, thread_owner, buttons: - title), one line a
// key, and a line diff of the two, so the reader sees the file's own
// words rather than Go's field names and pointers.

// diff renders want and got (an expected, a list of them, or a
// UserExpect) as YAML and diffs the lines: "- " want, "+ " got, "  " both.
// It answers "" when they render alike.
func diff(want, got any) string {
	w, g := yamlLines(want), yamlLines(got)
	if slices.Equal(w, g) {
		return ""
	}
	return lineDiff(w, g)
}

// forcedDiff shows all of want as "-" and all of got as "+", for a check
// that failed although both render alike.
func forcedDiff(want, got any) string {
	var b strings.Builder
	for _, l := range yamlLines(want) {
		b.WriteString("- " + l + "\n")
	}
	for _, l := range yamlLines(got) {
		b.WriteString("+ " + l + "\n")
	}
	return b.String()
}

// yamlText renders v as YAML lines, for a failure that shows only what
// was expected.
func yamlText(v any) string {
	lines := yamlLines(v)
	if len(lines) == 0 {
		return ""
	}
	return strings.Join(lines, "\n") + "\n"
}

// yamlLines renders a struct (or a list of structs) by its yaml keys:
// nil pointers, nil lists and maps and empty strings are left out, so a
// projection shows exactly the keys it holds; a pointer to "" shows as "".
func yamlLines(v any) []string {
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return nil
		}
		rv = rv.Elem()
	}
	if rv.Kind() == reflect.Slice {
		return listLines(rv, "")
	}
	return structLines(rv, "")
}

func structLines(v reflect.Value, indent string) []string {
	var out []string
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		key, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if !f.IsExported() || key == "-" {
			continue
		}
		if key == "" {
			key = f.Name
		}
		out = append(out, valueLines(key, v.Field(i), indent)...)
	}
	return out
}

// valueLines renders key: value at indent, or nothing when the value is
// left out.
func valueLines(key string, v reflect.Value, indent string) []string {
	if v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
		if v.Kind() == reflect.String { // named: shown even when empty
			return []string{indent + key + ": " + flow(v.Interface())}
		}
	}
	switch v.Kind() {
	case reflect.String:
		if v.String() == "" {
			return nil
		}
		return []string{indent + key + ": " + flow(v.Interface())}
	case reflect.Slice:
		if v.IsNil() {
			return nil
		}
		if v.Type().Elem().Kind() == reflect.Struct {
			if v.Len() == 0 {
				return []string{indent + key + ": []"}
			}
			return append([]string{indent + key + ":"}, listLines(v, indent+"  ")...)
		}
		return []string{indent + key + ": " + flow(v.Interface())}
	case reflect.Map:
		if v.IsNil() {
			return nil
		}
		if v.Len() == 0 {
			return []string{indent + key + ": {}"}
		}
		out := []string{indent + key + ":"}
		keys := v.MapKeys()
		slices.SortFunc(keys, func(a, b reflect.Value) int { return strings.Compare(a.String(), b.String()) })
		for _, k := range keys {
			out = append(out, indent+"  "+k.String()+": "+flow(v.MapIndex(k).Interface()))
		}
		return out
	case reflect.Struct:
		if _, ok := v.Interface().(Duration); ok {
			return []string{indent + key + ": " + v.Interface().(Duration).String()}
		}
		inner := structLines(v, indent+"  ")
		if len(inner) == 0 {
			return []string{indent + key + ": {}"}
		}
		return append([]string{indent + key + ":"}, inner...)
	}
	return []string{indent + key + ": " + flow(v.Interface())}
}

// listLines renders a list of structs, each item opened by "- ".
func listLines(v reflect.Value, indent string) []string {
	var out []string
	for i := range v.Len() {
		item := v.Index(i)
		for item.Kind() == reflect.Pointer && !item.IsNil() {
			item = item.Elem()
		}
		lines := structLines(item, indent+"  ")
		if len(lines) == 0 {
			out = append(out, indent+"- {}")
			continue
		}
		lines[0] = indent + "- " + strings.TrimPrefix(lines[0], indent+"  ")
		out = append(out, lines...)
	}
	return out
}

// flow writes a value as YAML reads it in flow style: text quoted,
// numbers and booleans bare, lists and mappings as JSON.
func flow(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return strconv.Quote(reflect.ValueOf(v).String())
	}
	s := strings.TrimSuffix(b.String(), "\n")
	return strings.ReplaceAll(s, `","`, `", "`)
}

// lineDiff is a longest-common-subsequence diff of two line lists. In a
// run of changed lines, a want line and a got line of the same count are
// set one under the other, so a changed key reads as a pair.
func lineDiff(a, b []string) string {
	n, m := len(a), len(b)
	lcs := make([][]int, n+1)
	for i := range lcs {
		lcs[i] = make([]int, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out strings.Builder
	var dels, adds []string
	flush := func() {
		if len(dels) == len(adds) {
			for k := range dels {
				out.WriteString("- " + dels[k] + "\n+ " + adds[k] + "\n")
			}
		} else {
			for _, l := range dels {
				out.WriteString("- " + l + "\n")
			}
			for _, l := range adds {
				out.WriteString("+ " + l + "\n")
			}
		}
		dels, adds = dels[:0], adds[:0]
	}
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && a[i] == b[j]:
			flush()
			out.WriteString("  " + a[i] + "\n")
			i, j = i+1, j+1
		case j == m || (i < n && lcs[i+1][j] >= lcs[i][j+1]):
			dels = append(dels, a[i])
			i++
		default:
			adds = append(adds, b[j])
			j++
		}
	}
	flush()
	return out.String()
}
