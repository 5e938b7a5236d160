package fakegraph

import "sync"

// A send stores its message as json.Marshal writes the decoded tree:
// keys sorted, strings escaped its way (jsontree.go). Written from the
// tree, a 10-element generic template is a walk of fifty maps, each
// iterated and sorted, and every string scanned again for what to
// escape. The decoder reads every byte already, so for a request body it
// also notes where each value lies in the body (a tape), and the
// message's canonical form is written from the body's own bytes: a
// string json.Marshal writes as it came is copied, and an object's
// members are sorted by their keys as they stand in the body.
//
// The tape describes the body as it came. A send whose checks rewrote
// the tree in place (validator.SendCheck.Rewritten) or whose upload
// named its attachment in it is written from the tree instead; in a test
// binary every send is written both ways and the two must agree
// (send.go), and FuzzMessageFromTape holds the tape's writing to the
// tree's for any JSON.

// tapeNode is one value of the body.
type tapeNode struct {
	start, end       uint32 // a leaf's bytes; a string's between its quotes
	keyStart, keyEnd uint32 // a member's key, between its quotes
	kids, nkids      uint32 // a container's children: tape.kids[kids:kids+nkids]
	kind             uint8
	flags            uint8
}

// The kinds of value.
const (
	nodeLiteral uint8 = iota // a number, true, false or null: written as it is
	nodeString
	nodeObject
	nodeArray
)

// The flags of a node.
const (
	// flagAsIs: a string json.Marshal writes as it stands in the body (no
	// escape, nothing it escapes).
	flagAsIs uint8 = 1 << iota
	// flagEscaped: a string with escapes, decoded to be written.
	flagEscaped
	// flagKeyEscaped: a member whose key has escapes.
	flagKeyEscaped
	// flagKeyAsIs: a member whose key json.Marshal writes as it stands.
	flagKeyAsIs
)

// tape is the parser's record of a body: its nodes in the order they
// begin, and each container's children in one slice.
type tape struct {
	nodes []tapeNode
	kids  []uint32
	open  []uint32 // the children of the containers being read
	order []keyed  // the writer's sorted members, a stack like open
	// elements, when not 0 (the root), is a generic template's elements
	// that ElementsPass passed, which the writer puts in order by their
	// keys' known places (appendElements) rather than sorting them.
	elements uint32
}

// keyed is a member of an object with where its key stands in the body:
// the writer sorts them and writes the keys without reading the nodes
// again. It holds no pointer, so that sorting, done while the collector
// may be marking, writes no pointer to the heap (a write barrier each).
type keyed struct {
	start, end, node uint32
}

var tapes = sync.Pool{New: func() any { return new(tape) }}

// getTape lends an empty tape; putTape takes it back, unless a huge body
// grew it.
func getTape() *tape { return tapes.Get().(*tape) }

func putTape(t *tape) {
	if cap(t.nodes) > 1<<14 || cap(t.kids) > 1<<14 {
		return
	}
	t.nodes, t.kids, t.open, t.order, t.elements = t.nodes[:0], t.kids[:0], t.open[:0], t.order[:0], 0
	tapes.Put(t)
}

// leaf notes a string or literal at body[start:end].
func (t *tape) leaf(kind, flags uint8, start, end int) uint32 {
	t.nodes = append(t.nodes, tapeNode{start: uint32(start), end: uint32(end), kind: kind, flags: flags})
	return uint32(len(t.nodes) - 1)
}

// begin notes a container; its children are those noted (member,
// element) until end.
func (t *tape) begin(kind uint8) (node uint32, base int) {
	t.nodes = append(t.nodes, tapeNode{kind: kind})
	return uint32(len(t.nodes) - 1), len(t.open)
}

// member notes node as the next member of the object being read, with its
// key at body[keyStart:keyEnd], which has escapes or is written as it
// stands (asIs) or neither.
func (t *tape) member(node uint32, keyStart, keyEnd int, escaped, asIs bool) {
	n := &t.nodes[node]
	n.keyStart, n.keyEnd = uint32(keyStart), uint32(keyEnd)
	switch {
	case escaped:
		n.flags |= flagKeyEscaped
	case asIs:
		n.flags |= flagKeyAsIs
	}
	t.open = append(t.open, node)
}

// element notes node as the next element of the array being read.
func (t *tape) element(node uint32) { t.open = append(t.open, node) }

// end closes the container node.
func (t *tape) end(node uint32, base int) {
	n := &t.nodes[node]
	n.kids, n.nkids = uint32(len(t.kids)), uint32(len(t.open)-base)
	t.kids = append(t.kids, t.open[base:]...)
	t.open = t.open[:base]
}

// key is the member node's key as it stands in the body.
func (t *tape) key(body string, node uint32) string {
	n := &t.nodes[node]
	return body[n.keyStart:n.keyEnd]
}

// memberNamed is the node of the object's member named name as the tree
// has it (the last of duplicates), and false if there is none.
func (t *tape) memberNamed(body string, object uint32, name string) (uint32, bool) {
	n := t.nodes[object]
	found, ok := uint32(0), false
	for _, kid := range t.kids[n.kids : n.kids+n.nkids] {
		k := t.key(body, kid)
		if t.nodes[kid].flags&flagKeyEscaped != 0 {
			k, _ = unquote(k)
		}
		if k == name {
			found, ok = kid, true
		}
	}
	return found, ok
}

// appendCanonical appends the value node as appendJSONTree writes its
// decoded value. ok is false for an object with a key that has escapes:
// its place among the sorted keys is the decoded key's, and such keys
// are left to the tree.
func (t *tape) appendCanonical(b []byte, body string, node uint32) ([]byte, bool) {
	if node == t.elements && node != 0 {
		return t.appendElements(b, body, node), true
	}
	n := t.nodes[node]
	switch n.kind {
	case nodeLiteral:
		return append(b, body[n.start:n.end]...), true
	case nodeString:
		raw := body[n.start:n.end]
		switch {
		case n.flags&flagAsIs != 0:
			return append(b, body[n.start-1:n.end+1]...), true // with its quotes
		case n.flags&flagEscaped != 0:
			text, ok := unquote(raw)
			if !ok {
				return nil, false
			}
			return appendJSONString(b, text), true
		}
		return appendJSONString(b, raw), true
	case nodeArray:
		b = append(b, '[')
		for i, kid := range t.kids[n.kids : n.kids+n.nkids] {
			if i > 0 {
				b = append(b, ',')
			}
			var ok bool
			if b, ok = t.appendCanonical(b, body, kid); !ok {
				return nil, false
			}
		}
		return append(b, ']'), true
	}
	// An object: its members sorted by key, the last of duplicates kept
	// (the sort is stable), as the tree has them.
	base := len(t.order)
	for _, kid := range t.kids[n.kids : n.kids+n.nkids] {
		k := &t.nodes[kid]
		if k.flags&flagKeyEscaped != 0 {
			t.order = t.order[:base]
			return nil, false
		}
		t.order = append(t.order, keyed{start: k.keyStart, end: k.keyEnd, node: kid})
	}
	sortKeyed(t.order[base:], body)
	end := len(t.order)
	b = append(b, '{')
	first, ok := true, true
	for i := base; i < end; i++ {
		m := t.order[i] // by index: the members below grow t.order
		key := body[m.start:m.end]
		if i+1 < end && body[t.order[i+1].start:t.order[i+1].end] == key {
			continue // a later member of the same key wins
		}
		if !first {
			b = append(b, ',')
		}
		first = false
		v := &t.nodes[m.node]
		if v.flags&flagKeyAsIs != 0 {
			b = append(append(b, body[m.start-1:m.end+1]...), ':') // the key with its quotes, as it stands
		} else {
			b = append(appendJSONString(b, key), ':')
		}
		if v.kind == nodeString && v.flags&flagAsIs != 0 { // most members: written here, without a call
			b = append(b, body[v.start-1:v.end+1]...) // with its quotes
			continue
		}
		if b, ok = t.appendCanonical(b, body, m.node); !ok {
			break
		}
	}
	t.order = t.order[:base]
	if !ok {
		return nil, false
	}
	return append(b, '}'), true
}

// sortKeyed is sortByKey (jsontree.go) of an object's members by their
// keys in body, without a call for each key: the sort is a third of the
// writing of a template's message.
func sortKeyed(ms []keyed, body string) {
	if len(ms) > 12 {
		sortByKey(ms, func(m keyed) string { return body[m.start:m.end] })
		return
	}
	for i := 1; i < len(ms); i++ {
		for j := i; j > 0; j-- {
			a, b := ms[j], ms[j-1]
			if !keyLess(body[a.start:a.end], body[b.start:b.end]) {
				break
			}
			ms[j], ms[j-1] = b, a
		}
	}
}
