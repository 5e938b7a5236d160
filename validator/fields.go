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
// other when it has found as many as the object has.

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

// onlyKeys is checkKeys for an object read by fields: it reads the keys
// the object may hold until it has found as many as the object has (the
// rest are absent), and only an object with others is listed.
func (r *report) onlyKeys(f *fields, allowed keySet, p Path, rule Rule) bool {
	n := 0
	for m := allowed.mask; m != 0; m &= m - 1 {
		if n == len(f.obj) {
			f.read |= m // not there: the object has no more keys
			return true
		}
		if f.field(bits.TrailingZeros16(m)).has {
			n++
		}
	}
	if n == len(f.obj) {
		return true
	}
	return r.checkKeys(f.obj, allowed.set, p, rule)
}
