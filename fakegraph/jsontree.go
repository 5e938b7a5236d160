package fakegraph

import (
	"encoding/json"
	"slices"
	"strings"
	"sync"
)

// appendJSONTree appends v, a value as the request decoder and the
// validator leave it (objects, arrays, strings, json.Number, bool, nil),
// exactly as json.Marshal writes it: object keys sorted, strings escaped
// the same way. It is the stored message of every send, so it is written
// without reflection; any other type is left to json.Marshal.
func appendJSONTree(b []byte, v any) ([]byte, error) {
	w := treeWriters.Get().(*treeWriter)
	b, err := w.append(b, v)
	w.members = w.members[:0]
	treeWriters.Put(w)
	return b, err
}

// treeWriter writes a tree; members is the stack of the objects' members
// being written, each object's sorted in place.
type treeWriter struct {
	members []member
}

type member struct {
	key   string
	value any
}

var treeWriters = sync.Pool{New: func() any { return &treeWriter{members: make([]member, 0, 64)} }}

func (w *treeWriter) append(b []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case string:
		return appendJSONString(b, x), nil
	case bool:
		if x {
			return append(b, "true"...), nil
		}
		return append(b, "false"...), nil
	case json.Number:
		if isPlainNumber(x) {
			return append(b, x...), nil
		}
	case []any:
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = w.append(b, e); err != nil {
				return nil, err
			}
		}
		return append(b, ']'), nil
	case map[string]any:
		base := len(w.members)
		for k, e := range x {
			w.members = append(w.members, member{k, e})
		}
		end := len(w.members)
		sortByKey(w.members[base:end], func(m member) string { return m.key })
		b = append(b, '{')
		var err error
		for i := base; i < end; i++ {
			if i > base {
				b = append(b, ',')
			}
			m := w.members[i] // by index: the values below grow the stack
			b = append(appendJSONString(b, m.key), ':')
			if b, err = w.append(b, m.value); err != nil {
				break
			}
		}
		clear(w.members[base:])
		w.members = w.members[:base]
		if err != nil {
			return nil, err
		}
		return append(b, '}'), nil
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return append(b, raw...), nil
}

// sortByKey sorts an object's members by their keys, as json.Marshal
// writes them, keeping the order of equal keys (the tape's duplicates).
// Objects are small (a button has three keys): an insertion sort up to a
// dozen.
func sortByKey[M any](ms []M, key func(M) string) {
	if len(ms) > 12 {
		slices.SortStableFunc(ms, func(a, b M) int { return strings.Compare(key(a), key(b)) })
		return
	}
	for i := 1; i < len(ms); i++ {
		for j := i; j > 0 && keyLess(key(ms[j]), key(ms[j-1])); j-- {
			ms[j], ms[j-1] = ms[j-1], ms[j]
		}
	}
}

// keyLess is a < b, most often told by the first bytes alone.
func keyLess(a, b string) bool {
	if len(a) > 0 && len(b) > 0 && a[0] != b[0] {
		return a[0] < b[0]
	}
	return a < b
}

// plainJSON marks the bytes json.Marshal writes as they are in a string:
// printable ASCII but for the quote, the backslash and the three it
// escapes for HTML (<, > and &).
var plainJSON = func() (t [256]bool) {
	for c := 0x20; c < 0x7f; c++ {
		t[c] = true
	}
	for _, c := range `"\<>&` {
		t[c] = false
	}
	return t
}()

// getTreeBuffer and putTreeBuffer lend a buffer to write a tree in; b is
// what was written in it, kept for the next unless it grew past 64 KiB.
func getTreeBuffer() *[]byte { return treeBuffers.Get().(*[]byte) }

func putTreeBuffer(buf *[]byte, b []byte) {
	if cap(b) <= 64<<10 {
		*buf = b[:0]
		treeBuffers.Put(buf)
	}
}

var treeBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// isPlainNumber reports a json.Number that json.Marshal writes as it is:
// a JSON number literal (anything else is left to json.Marshal, which
// refuses it).
func isPlainNumber(n json.Number) bool { return numberEnd(string(n), 0) == len(n) }

// skipJSONValue returns the end of the JSON value that starts at b[i], in
// a body that is valid JSON (as appendJSONTree writes it), or -1 if b ends
// first.
func skipJSONValue(b []byte, i int) int {
	depth := 0
	for ; i < len(b); i++ {
		switch b[i] {
		case '"':
			for i++; i < len(b) && b[i] != '"'; i++ {
				if b[i] == '\\' {
					i++
				}
			}
			if i >= len(b) {
				return -1
			}
			if depth == 0 {
				return i + 1
			}
		case '{', '[':
			depth++
		case '}', ']':
			if depth == 0 {
				return i
			}
			if depth--; depth == 0 {
				return i + 1
			}
		case ',':
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}
