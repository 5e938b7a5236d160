package validator

import (
	"fmt"
	"math/bits"
)

// A 10-element generic template holds fifty objects, each with a handful
// of keys. Looking up every key the checks know, present or not, then
// walking the object for unknown keys and looking each up in the allowed
// set hashes a key several times over. Reading by fields looks up only
// the keys the object may hold, each once, and knows the object holds no
// other when it has found as many as the object has. A text send is read
// so too: its body, recipient and message hold 3, 1 and 1 of the 12, 7
// and 5 keys the checks know.

// keyTable lists the keys the checks read from one kind of object; a
// key's index is its slot in fields. It holds at most 16.
type keyTable []string

// keySet is a set of keys of a keyTable: those an object may hold.
type keySet struct {
	mask uint16          // bit i: the table's key i
	set  map[string]bool // the same keys, for the error's list
}

// keys is the set of the named keys, which must be in t.
func (t keyTable) keys(names ...string) keySet {
	ks := keySet{set: set(names...)}
	for _, n := range names {
		i := t.slot(n)
		if i < 0 || i >= 16 {
			panic(fmt.Sprintf("validator: key %q is not in its table's first 16", n))
		}
		ks.mask |= 1 << i
	}
	return ks
}

// slot is the index of key in t, -1 when it is not there.
func (t keyTable) slot(key string) int {
	for i, k := range t {
		if k == key {
			return i
		}
	}
	return -1
}

// fields reads an object by its table: each key once, when first asked
// for (a lookup hashes the key, present or not).
type fields struct {
	obj   map[string]any
	table keyTable
	vals  [16]any
	read  uint16 // bit i: table[i] was looked up
	has   uint16 // bit i: table[i] is present
}

// fields starts reading obj by t.
func (t keyTable) fields(obj map[string]any, f *fields) {
	*f = fields{obj: obj, table: t}
}

// field is the table's key i of the object, as it was when first read:
// each key is read once, since the accessors may delete or rewrite it.
func (f *fields) field(i int) field {
	bit := uint16(1) << i
	if f.read&bit == 0 {
		f.read |= bit
		if v, ok := f.obj[f.table[i]]; ok {
			f.vals[i] = v
			f.has |= bit
		}
	}
	return field{obj: f.obj, key: f.table[i], v: f.vals[i], has: f.has&bit != 0}
}

// scan reads the keys of ks until it has found as many as the object
// holds: the rest are absent, known so without a lookup. It returns how
// many it found; fewer than the object holds means it holds others.
func (f *fields) scan(ks keySet) int {
	n := 0
	for m := ks.mask; m != 0; m &= m - 1 {
		if n == len(f.obj) {
			f.read |= m // not there: the object has no more keys
			return n
		}
		if f.field(bits.TrailingZeros16(m)).has {
			n++
		}
	}
	return n
}

// unknown is unknownKeys for an object read by fields: only an object
// holding keys besides those of allowed is walked.
func (f *fields) unknown(allowed keySet) []string {
	if f.scan(allowed) == len(f.obj) {
		return nil
	}
	return unknownKeys(f.obj, allowed.set)
}

// onlyKeys is checkKeys for an object read by fields.
func (r *report) onlyKeys(f *fields, allowed keySet, p Path, rule Rule) bool {
	return r.knownKeys(f.unknown(allowed), p, rule)
}

// names lists the table's keys of mask, in the table's order.
func (t keyTable) names(mask uint16) []string {
	var out []string
	for ; mask != 0; mask &= mask - 1 {
		out = append(out, t[bits.TrailingZeros16(mask)])
	}
	return out
}
