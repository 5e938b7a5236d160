package validator

import "fmt"

// A 10-element generic template holds fifty objects, each with a handful
// of keys of the many its kind may hold. Looking up each possible key
// hashes it whether or not it is there, and the unknown-key check hashes
// every key again; reading the object once (scan) and matching its keys
// against the short list of its kind costs a fraction of that.

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
		if i < 0 {
			panic(fmt.Sprintf("validator: key %q is not in its table", n))
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

// fields is an object read in one pass: the values of its table's keys,
// and whether it holds a key outside the table.
type fields struct {
	obj   map[string]any
	table keyTable
	vals  [16]any
	has   uint16 // bit i: table[i] is present
	other bool
}

// scan reads obj by t.
func (t keyTable) scan(obj map[string]any, f *fields) {
	*f = fields{obj: obj, table: t}
	for k, v := range obj {
		i := t.slot(k)
		if i < 0 {
			f.other = true
			continue
		}
		f.vals[i] = v
		f.has |= 1 << i
	}
}

// field is the table's key i of the object as scanned.
func (f *fields) field(i int) field {
	return field{obj: f.obj, key: f.table[i], v: f.vals[i], has: f.has&(1<<i) != 0}
}

// onlyKeys is checkKeys for a scanned object: the scan says whether
// every key is allowed, and only an object with others is listed.
func (r *report) onlyKeys(f *fields, allowed keySet, p Path, rule Rule) bool {
	if !f.other && f.has&^allowed.mask == 0 {
		return true
	}
	return r.checkKeys(f.obj, allowed.set, p, rule)
}
