package validator

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// envelopeMemo remembers the envelopes (a Send API body without its
// message) the SendRequest schema passed, so a bot's next send with the
// same recipient and messaging type skips the schema. It holds at most
// maxMemoEntries keys of at most maxMemoKey bytes, and starts afresh when
// full: a bot that writes to many users only misses more often.
type envelopeMemo struct {
	mu     sync.Mutex
	passes map[string]struct{}
}

const (
	maxMemoEntries = 4096
	maxMemoKey     = 512
)

func (m *envelopeMemo) passed(key []byte) bool {
	m.mu.Lock()
	_, ok := m.passes[string(key)]
	m.mu.Unlock()
	return ok
}

func (m *envelopeMemo) pass(key []byte) {
	m.mu.Lock()
	if m.passes == nil || len(m.passes) >= maxMemoEntries {
		m.passes = make(map[string]struct{})
	}
	m.passes[string(key)] = struct{}{}
	m.mu.Unlock()
}

var memoKeys = sync.Pool{New: func() any { b := make([]byte, 0, 256); return &b }}

// appendMemoKey writes decoded JSON v so that two values have the same
// key only when they are equal: each value tagged with its type, texts
// with their length, object keys sorted. ok is false for a value that is
// not decoded JSON, and once the key is longer than maxMemoKey: such a
// body is not remembered, and its key is not written out.
func appendMemoKey(b []byte, v any) (_ []byte, ok bool) {
	if len(b) > maxMemoKey {
		return b, false
	}
	switch x := v.(type) {
	case nil:
		return append(b, 'z'), true
	case bool:
		if x {
			return append(b, 't'), true
		}
		return append(b, 'f'), true
	case string:
		return appendMemoText(append(b, 's'), x), true
	case json.Number:
		return appendMemoText(append(b, 'n'), string(x)), true
	case []any:
		b = strconv.AppendInt(append(b, '['), int64(len(x)), 10)
		for _, e := range x {
			if b, ok = appendMemoKey(b, e); !ok {
				return b, false
			}
		}
		return b, true
	case map[string]any:
		return appendMemoObject(b, x, "", false)
	}
	return b, false
}

// appendEnvelopeKey is appendMemoKey of body without its message, the
// envelope the schema backstop checks.
func appendEnvelopeKey(b []byte, body map[string]any) ([]byte, bool) {
	return appendMemoObject(b, body, "message", true)
}

// appendMemoObject writes the key of obj, leaving out the key omit when
// omitting. Members are gathered with their values, so that writing them
// in key order needs no lookup.
func appendMemoObject(b []byte, obj map[string]any, omit string, omitting bool) (_ []byte, ok bool) {
	type member struct {
		k string
		v any
	}
	var small [8]member
	members := small[:0]
	for k, v := range obj {
		if !omitting || k != omit {
			members = append(members, member{k, v})
		}
	}
	slices.SortFunc(members, func(x, y member) int { return strings.Compare(x.k, y.k) })
	b = strconv.AppendInt(append(b, '{'), int64(len(members)), 10)
	for _, m := range members {
		if b, ok = appendMemoKey(appendMemoText(b, m.k), m.v); !ok {
			return b, false
		}
	}
	return b, true
}

func appendMemoText(b []byte, s string) []byte {
	b = append(strconv.AppendInt(b, int64(len(s)), 10), ':')
	if n := max(maxMemoKey+1-len(b), 0); len(s) > n {
		s = s[:n] // the key is over the bound already: the rest is not copied
	}
	return append(b, s...)
}
