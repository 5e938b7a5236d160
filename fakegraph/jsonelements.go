package fakegraph

import (
	"bytes"
	"sync"
	"unsafe"

	"github.com/messemu/messemu/validator"
)

// A generic template's elements are most of its body: fifty objects for
// ten elements, each a map to decode and for the rules to read back. A
// send whose message is a generic template is first read onto a tape
// alone (no tree), its elements from the tape into the validator's typed
// fields (validator.Elements); when validator.ElementsPass passes them,
// the tree is built from the tape without them, and the send is judged
// with validator.SendJudged. Anything else, and a send whose verdict
// needs the elements after all, has its whole tree (call.wholeTree): the
// rules stay the only ones that refuse or warn.

// elementsPool holds the typed elements a send reads (5 KB each).
var elementsPool = sync.Pool{New: func() any { return new(validator.Elements) }}

// genericMark is how a body that may hold a generic template is told
// from the others before it is read.
var genericMark = []byte(`"generic"`)

// decodeBodyJudged is decodeBody of a Send API body (judge), whose
// generic template's elements are judged from the tape and left out of
// the tree when they pass (judged). It decodes as decodeBody in every
// other case.
// The body is UTF-8 (readJSON checks it first): the elements' texts are
// too, as validator.Elements requires.
func decodeBodyJudged(body []byte, judge bool) (obj map[string]any, message *[]byte, maps *treeMaps, judged, ok bool) {
	if !judge || len(body) >= 1<<32-1 || !bytes.Contains(body, genericMark) {
		obj, message, maps, ok = decodeBody(body)
		return obj, message, maps, false, ok
	}
	text := unsafe.String(unsafe.SliceData(body), len(body)) // as decodeBody
	t := getTape()
	defer putTape(t)
	p := treeParser{b: text, t: t, tapeOnly: true}
	if _, ok := p.root(); !ok {
		return nil, nil, nil, false, false
	}
	skip := noNode
	if els, found := t.genericElements(text); found {
		es := elementsPool.Get().(*validator.Elements)
		if t.readElements(text, els, es) && validator.ElementsPass(es) {
			skip, judged = els, true
		}
		es.Reset()
		elementsPool.Put(es)
	}
	maps = getTreeMaps()
	b := treeParser{b: text, maps: maps}
	if judged {
		b.treeSize = envelopeSize // what is left of the body: its chunks are sized for that
		t.elements = skip         // written in order by known keys (appendElements)
	}
	obj, _ = b.fromTape(t, 0, skip).(map[string]any)
	return obj, t.canonicalMessage(text), maps, judged, true
}

// envelopeSize is about the bytes of a body's tree once its generic
// template's elements are left out: a recipient, a messaging type, a tag.
const envelopeSize = 256

// noNode is no node of a tape (the root is 0, and no value skips it).
const noNode = ^uint32(0)

// genericElements is the elements node of a body that is a message of a
// generic template alone: {"message":{"attachment":{"type":"template",
// "payload":{"template_type":"generic","elements":[…]}}}} besides the
// envelope. A message with more (quick replies, metadata) is left whole:
// the server reads its parts from the tree.
func (t *tape) genericElements(body string) (uint32, bool) {
	msg, ok := t.objectMember(body, 0, "message", 1)
	if !ok {
		return 0, false
	}
	att, ok := t.objectMember(body, msg, "attachment", 2)
	if !ok || !t.textMember(body, att, "type", "template") {
		return 0, false
	}
	pl, ok := t.objectMember(body, att, "payload", 0)
	if !ok || !t.textMember(body, pl, "template_type", "generic") {
		return 0, false
	}
	els, ok := t.memberNamed(body, pl, "elements")
	return els, ok && t.nodes[els].kind == nodeArray
}

// objectMember is object's member name when it is an object of size
// members (0: any number).
func (t *tape) objectMember(body string, object uint32, name string, size uint32) (uint32, bool) {
	n, ok := t.memberNamed(body, object, name)
	return n, ok && t.nodes[n].kind == nodeObject && (size == 0 || t.nodes[n].nkids == size)
}

// textMember reports object's member name a string of text want, written
// without escapes.
func (t *tape) textMember(body string, object uint32, name, want string) bool {
	n, ok := t.memberNamed(body, object, name)
	v := &t.nodes[n]
	return ok && v.kind == nodeString && v.flags&flagEscaped == 0 && body[v.start:v.end] == want
}

// text is the string node n's text: a slice of body, or its escapes
// decoded.
func (t *tape) text(body string, n *tapeNode) (string, bool) {
	raw := body[n.start:n.end]
	if n.flags&flagEscaped == 0 {
		return raw, true
	}
	return unquote(raw)
}

// readElements reads the array node els into es: false for what the
// typed fields do not take (another kind of value, a key with escapes,
// a key they do not know), which the rules read from the tree.
func (t *tape) readElements(body string, els uint32, es *validator.Elements) bool {
	a := t.nodes[els]
	for _, kid := range t.kids[a.kids : a.kids+a.nkids] {
		el := t.nodes[kid]
		e := es.Add()
		if el.kind != nodeObject || e == nil {
			return false
		}
		for _, m := range t.kids[el.kids : el.kids+el.nkids] {
			v := &t.nodes[m]
			if v.flags&flagKeyEscaped != 0 {
				return false
			}
			key := body[v.keyStart:v.keyEnd]
			ok := false
			switch v.kind {
			case nodeString:
				s, valid := t.text(body, v)
				ok = valid && e.SetText(key, s)
			case nodeObject:
				if key == "default_action" {
					b := e.DefaultAction()
					ok = b != nil && t.readButton(body, m, b)
				}
			case nodeArray:
				ok = key == "buttons" && e.Buttons()
				for _, item := range t.kids[v.kids : v.kids+v.nkids] {
					b := e.AddButton()
					ok = ok && b != nil && t.readButton(body, item, b)
				}
			}
			if !ok {
				return false
			}
		}
	}
	return true
}

// readButton reads the object node n into b.
func (t *tape) readButton(body string, n uint32, b *validator.Button) bool {
	o := t.nodes[n]
	if o.kind != nodeObject {
		return false
	}
	for _, m := range t.kids[o.kids : o.kids+o.nkids] {
		v := &t.nodes[m]
		if v.flags&flagKeyEscaped != 0 {
			return false
		}
		key := body[v.keyStart:v.keyEnd]
		ok := false
		switch {
		case v.kind == nodeString:
			s, valid := t.text(body, v)
			ok = valid && b.SetText(key, s)
		case v.kind == nodeLiteral && (body[v.start:v.end] == "true" || body[v.start:v.end] == "false"):
			ok = b.SetBool(key, body[v.start] == 't')
		}
		if !ok {
			return false
		}
	}
	return true
}

// fromTape is the value of node n as decodeWith decodes it, built from a
// tape of the body (p.b) rather than read again; the member skip, when
// an object holds it, is left out.
func (p *treeParser) fromTape(t *tape, n uint32, skip uint32) any {
	v := &t.nodes[n]
	switch v.kind {
	case nodeString:
		raw := p.b[v.start:v.end]
		if v.flags&flagEscaped == 0 {
			if c, common := commonValue(raw); common {
				return c
			}
		}
		text, _ := t.text(p.b, v) // the parser read it
		if text == "" {
			return ""
		}
		return p.boxText(text, stringType)
	case nodeLiteral:
		switch raw := p.b[v.start:v.end]; raw {
		case "true":
			return true
		case "false":
			return false
		case "null":
			return nil
		default:
			return p.boxText(raw, numberType)
		}
	case nodeArray:
		if v.nkids == 0 {
			return make([]any, 0) // as encoding/json has it
		}
		out := p.list(int(v.nkids))
		for i, kid := range t.kids[v.kids : v.kids+v.nkids] {
			out[i] = p.fromTape(t, kid, skip)
		}
		return p.boxList(out)
	}
	m := p.maps.get()
	for _, kid := range t.kids[v.kids : v.kids+v.nkids] {
		if kid == skip {
			continue
		}
		k := &t.nodes[kid]
		key := p.b[k.keyStart:k.keyEnd]
		if k.flags&flagKeyEscaped != 0 {
			key, _ = unquote(key)
		} else if c, common := commonKey(key); common {
			key = c
		}
		m[key] = p.fromTape(t, kid, skip)
	}
	p.maps.made(m, len(m))
	return m
}

// The keys of a generic element, and of a button or a default action, in
// the order the stored message writes them (sorted, as json.Marshal
// writes a map's). Elements that ElementsPass passed hold no others, none
// twice and none with escapes (readElements), so the writer puts each
// member in its key's place rather than sorting them. It finds the place
// by a switch naming the keys again: a search of these lists, or shared
// closures for the member loops, made decoding a template a fifth slower
// (BenchmarkDecodeBodyJudgedGeneric10).
var (
	elementKeyOrder = [...]string{"buttons", "default_action", "image_url", "subtitle", "title"}
	buttonKeyOrder  = [...]string{"messenger_extensions", "payload", "title", "type", "url", "webview_height_ratio", "webview_share_button"}
)

// appendElements appends the elements array node, which ElementsPass
// passed, as appendCanonical writes it.
func (t *tape) appendElements(b []byte, body string, node uint32) []byte {
	a := t.nodes[node]
	b = append(b, '[')
	for i, el := range t.kids[a.kids : a.kids+a.nkids] {
		if i > 0 {
			b = append(b, ',')
		}
		var at [len(elementKeyOrder)]uint32 // a member's node + 1, in its key's place
		e := t.nodes[el]
		for _, m := range t.kids[e.kids : e.kids+e.nkids] {
			k := &t.nodes[m]
			switch body[k.keyStart:k.keyEnd] {
			case "buttons":
				at[0] = m + 1
			case "default_action":
				at[1] = m + 1
			case "image_url":
				at[2] = m + 1
			case "subtitle":
				at[3] = m + 1
			case "title":
				at[4] = m + 1
			}
		}
		b = t.appendInOrder(b, body, at[:], elementKeyOrder[:], func(b []byte, body string, m uint32) []byte {
			v := t.nodes[m]
			switch v.kind {
			case nodeArray: // buttons
				b = append(b, '[')
				for j, btn := range t.kids[v.kids : v.kids+v.nkids] {
					if j > 0 {
						b = append(b, ',')
					}
					b = t.appendButton(b, body, btn)
				}
				return append(b, ']')
			case nodeObject: // default_action
				return t.appendButton(b, body, m)
			}
			return t.appendLeaf(b, body, m)
		})
	}
	return append(b, ']')
}

// appendButton appends a button or default action object of passed
// elements, its members in their keys' places.
func (t *tape) appendButton(b []byte, body string, node uint32) []byte {
	var at [len(buttonKeyOrder)]uint32
	o := t.nodes[node]
	for _, m := range t.kids[o.kids : o.kids+o.nkids] {
		k := &t.nodes[m]
		switch body[k.keyStart:k.keyEnd] {
		case "messenger_extensions":
			at[0] = m + 1
		case "payload":
			at[1] = m + 1
		case "title":
			at[2] = m + 1
		case "type":
			at[3] = m + 1
		case "url":
			at[4] = m + 1
		case "webview_height_ratio":
			at[5] = m + 1
		case "webview_share_button":
			at[6] = m + 1
		}
	}
	return t.appendInOrder(b, body, at[:], buttonKeyOrder[:], t.appendLeaf)
}

// appendInOrder appends an object whose members at holds in their keys'
// order (a node + 1, 0 for none), each value written by value.
func (t *tape) appendInOrder(b []byte, body string, at []uint32, keys []string, value func([]byte, string, uint32) []byte) []byte {
	b = append(b, '{')
	first := true
	for i, m := range at {
		if m == 0 {
			continue
		}
		if !first {
			b = append(b, ',')
		}
		first = false
		b = append(append(append(append(b, '"'), keys[i]...), '"'), ':')
		b = value(b, body, m-1)
	}
	return append(b, '}')
}

// appendLeaf appends a string or literal node of passed elements.
func (t *tape) appendLeaf(b []byte, body string, node uint32) []byte {
	if v := &t.nodes[node]; v.kind == nodeString && v.flags&flagAsIs != 0 {
		return append(b, body[v.start-1:v.end+1]...) // with its quotes
	}
	b, _ = t.appendCanonical(b, body, node) // a leaf: always written
	return b
}
