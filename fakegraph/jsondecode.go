package fakegraph

import (
	"bytes"
	"encoding/json"
	"sync"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// decodeObject decodes a JSON body that is one object into the values
// encoding/json's Decoder gives with UseNumber: map[string]any, []any, string,
// json.Number, bool and nil, the last of duplicate keys winning. It is
// every request's decoding, so it goes without reflection: arrays are
// gathered in a pooled stack, common keys and values are not allocated,
// the others and the arrays are boxed from chunks (boxAt), and a
// string's escapes are decoded here as encoding/json decodes them
// (unquote).
// It is also the body's syntax check: ok is false for anything that is
// not one valid JSON object (json.Valid's grammar, trailing space only),
// and for the few valid ones it leaves to encoding/json (nesting near
// its bound); the caller then decodes with encoding/json, which says
// what is wrong. A body that is not UTF-8 is decoded all the same, its
// strings holding the bytes as they came, where encoding/json would put
// U+FFFD: the caller finds them (readJSON).
func decodeObject(body []byte) (obj map[string]any, ok bool) {
	return decodeObjectText(string(body))
}

// DecodeObject decodes a Send API body as the server does before its
// rules judge it (decodeObject): numbers as json.Number, and text that is
// not UTF-8 kept as it came, for the rules to refuse where they read it
// (encoding/json would have replaced it with U+FFFD). ok is false for a
// body that is not one JSON object, or one nested near encoding/json's
// bound; encoding/json then says what is wrong.
func DecodeObject(body []byte) (obj map[string]any, ok bool) { return decodeObject(body) }

// decodeObjectText is decodeObject of a body held as a string. The body
// is copied once, and the strings without escapes in the tree (most of a
// template's: titles, URLs, payloads) are slices of it rather than a copy
// each. So a string of the tree holds the whole body in memory: state
// that outlives the request and grows with the sends keeps a clone
// (strings.Clone), as the receipt order numbers do.
func decodeObjectText(body string) (obj map[string]any, ok bool) {
	return decodeWith(body, nil, nil)
}

// decodeBody is decodeObject of a request body, with the canonical form
// of its message member (as appendJSONTree would write it, from a tape:
// jsontape.go) when it has one that is an object, in a buffer lent by
// getTreeBuffer; message is nil otherwise. The tree's small objects are
// maps a finished request gave back, when there are some (maps, which
// the caller may give back in turn: jsonmaps.go).
// The tree's strings are slices of body itself, not of a copy: body is a
// request's, read into memory of its own (readAll) that nothing writes to
// after, and it must stay so while any of the tree's strings is in use.
func decodeBody(body []byte) (obj map[string]any, message *[]byte, maps *treeMaps, ok bool) {
	if len(body) >= 1<<32-1 {
		obj, ok = decodeObject(body) // past what a tape notes
		return obj, nil, nil, ok
	}
	text := unsafe.String(unsafe.SliceData(body), len(body)) // a 10-element template's copy was a tenth of its garbage
	t := getTape()
	defer putTape(t)
	maps = getTreeMaps()
	if obj, ok = decodeWith(text, t, maps); !ok {
		return nil, nil, nil, false
	}
	return obj, t.canonicalMessage(text), maps, true
}

// canonicalMessage is the canonical form of the body's message member,
// when it is an object, in a buffer lent by getTreeBuffer; nil when there
// is none, or the tape cannot write it (appendCanonical).
func (t *tape) canonicalMessage(body string) *[]byte {
	n, found := t.memberNamed(body, 0, "message")
	if !found || t.nodes[n].kind != nodeObject {
		return nil
	}
	buf := getTreeBuffer()
	if b, written := t.appendCanonical((*buf)[:0], body, n); written {
		*buf = b
		return buf
	}
	putTreeBuffer(buf, (*buf)[:0])
	return nil
}

// decodeWith is decodeObjectText, noting the body on t and taking its
// objects from maps, each if it is not nil.
func decodeWith(body string, t *tape, maps *treeMaps) (obj map[string]any, ok bool) {
	p := treeParser{b: body, t: t, maps: maps}
	st, _ := stacks.Get().(*[]any)
	if st == nil {
		st = new([]any)
	}
	p.stack = *st
	defer func() {
		if cap(p.stack) > 4096 {
			return // a body of one huge array: its stack is not kept
		}
		clear(p.stack) // the entries past it were cleared as arrays ended
		*st = p.stack[:0]
		stacks.Put(st)
	}()
	v, ok := p.root()
	obj, _ = v.(map[string]any)
	return obj, ok && obj != nil
}

// root reads the whole body as one object with nothing after it but
// space.
func (p *treeParser) root() (any, bool) {
	p.space()
	if p.i >= len(p.b) || p.b[p.i] != '{' {
		return nil, false
	}
	v, ok := p.value(0)
	p.space()
	if p.i != len(p.b) {
		return nil, false // trailing data
	}
	return v, ok
}

var stacks sync.Pool

// treeParser reads valid JSON; anything unexpected reports !ok rather
// than guessing.
type treeParser struct {
	b     string
	i     int
	stack []any
	// t, when not nil, notes each value read (jsontape.go); node is the
	// last one's, and asIs says the last string scanned is written by
	// json.Marshal as it stands.
	t    *tape
	node uint32
	asIs bool
	// maps, when not nil, lends the objects and notes the small ones.
	maps *treeMaps
	// tapeOnly: the body is noted on t and checked, and no tree is built
	// (every value read is nil).
	tapeOnly bool
	// treeSize, when not 0, is the bytes of the body the tree holds, to
	// size its chunks by (a tree built without a generic template's
	// elements holds a tenth of its body).
	treeSize int
	// The chunks of the tree's strings, numbers and arrays (boxAt), and
	// of its arrays' elements.
	strs  []string
	lists [][]any
	elems []any
}

// maxTreeDepth is encoding/json's own nesting bound (10,000). Bodies
// that come near it are left to encoding/json, which refuses the deeper.
const maxTreeDepth = 10000

func (p *treeParser) space() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *treeParser) value(depth int) (any, bool) {
	p.space()
	if p.i >= len(p.b) || depth >= maxTreeDepth-1 {
		return nil, false
	}
	switch c := p.b[p.i]; {
	case c == '{' && p.tapeOnly:
		return nil, p.tapeObject(depth + 1)
	case c == '[' && p.tapeOnly:
		return nil, p.tapeArray(depth + 1)
	case c == '{':
		return p.object(depth + 1)
	case c == '[':
		return p.array(depth + 1)
	case c == '"':
		raw, plain, ok := p.scanStr()
		if p.t != nil {
			flags := flagEscaped
			if plain {
				flags = 0
				if p.asIs {
					flags = flagAsIs
				}
			}
			p.node = p.t.leaf(nodeString, flags, p.i-1-len(raw), p.i-1)
		}
		if p.tapeOnly {
			return nil, ok && (plain || validEscapes(raw))
		}
		if plain {
			if v, common := commonValue(raw); common {
				return v, true
			}
		}
		text, ok := p.text(raw, plain, ok)
		if !ok || text == "" {
			return "", ok // "" is boxed without allocating
		}
		return p.boxText(text, stringType), true
	case c == 't':
		return true, p.literal("true")
	case c == 'f':
		return false, p.literal("false")
	case c == 'n':
		return nil, p.literal("null")
	case c == '-' || c >= '0' && c <= '9':
		start, end := p.i, numberEnd(p.b, p.i)
		if end < 0 {
			return nil, false
		}
		p.i = end
		if p.t != nil {
			p.node = p.t.leaf(nodeLiteral, 0, start, end)
		}
		if p.tapeOnly {
			return nil, true
		}
		return p.boxText(p.b[start:end], numberType), true
	}
	return nil, false
}

// numberEnd is the end of the number at s[i] by JSON's grammar,
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?, or -1 when there is
// none: the decoder reads numbers with it, and the tree writer checks
// that a json.Number is one.
func numberEnd[T string | []byte](s T, i int) int {
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i >= len(s):
		return -1
	case s[i] == '0':
		i++
	default:
		if i = digitsEnd(s, i); i < 0 {
			return -1
		}
	}
	if i < len(s) && s[i] == '.' {
		if i = digitsEnd(s, i+1); i < 0 {
			return -1
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		return digitsEnd(s, i)
	}
	return i
}

// digitsEnd is the end of the one or more decimal digits at s[i], or -1.
func digitsEnd[T string | []byte](s T, i int) int {
	start := i
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == start {
		return -1
	}
	return i
}

func (p *treeParser) literal(word string) bool {
	if len(p.b)-p.i < len(word) || p.b[p.i:p.i+len(word)] != word {
		return false
	}
	if p.t != nil {
		p.node = p.t.leaf(nodeLiteral, 0, p.i, p.i+len(word))
	}
	p.i += len(word)
	return true
}

func (p *treeParser) object(depth int) (any, bool) {
	var node uint32
	var base int
	if p.t != nil {
		node, base = p.t.begin(nodeObject)
	}
	p.i++ // {
	m := p.maps.get()
	p.space()
	if p.i < len(p.b) && p.b[p.i] == '}' {
		p.i++
		p.closed(node, base)
		p.maps.made(m, 0)
		return m, true
	}
	members := 0
	for {
		p.space()
		if p.i >= len(p.b) || p.b[p.i] != '"' {
			return nil, false
		}
		keyStart := p.i + 1
		k, ok := p.str()
		if !ok {
			return nil, false
		}
		keyEnd, keyAsIs := p.i-1, p.asIs
		p.space()
		if p.i >= len(p.b) || p.b[p.i] != ':' {
			return nil, false
		}
		p.i++
		v, ok := p.value(depth)
		if !ok {
			return nil, false
		}
		m[k] = v
		members++
		if p.t != nil {
			// An escape always shortens: a key as long as its raw text has none.
			p.t.member(p.node, keyStart, keyEnd, len(k) != keyEnd-keyStart, keyAsIs)
		}
		more, ok := p.after('}')
		if !ok {
			return nil, false
		}
		if !more {
			p.closed(node, base)
			p.maps.made(m, members)
			return m, true
		}
	}
}

// tapeObject is object noting the body on the tape alone.
func (p *treeParser) tapeObject(depth int) bool {
	node, base := p.t.begin(nodeObject)
	p.i++ // {
	p.space()
	if p.i < len(p.b) && p.b[p.i] == '}' {
		p.i++
		p.closed(node, base)
		return true
	}
	for {
		p.space()
		if p.i >= len(p.b) || p.b[p.i] != '"' {
			return false
		}
		keyStart := p.i + 1
		raw, plain, ok := p.scanStr()
		if !ok || !plain && !validEscapes(raw) {
			return false
		}
		keyEnd, keyAsIs := p.i-1, p.asIs
		p.space()
		if p.i >= len(p.b) || p.b[p.i] != ':' {
			return false
		}
		p.i++
		if _, ok := p.value(depth); !ok {
			return false
		}
		p.t.member(p.node, keyStart, keyEnd, !plain, keyAsIs)
		more, ok := p.after('}')
		if !ok {
			return false
		}
		if !more {
			p.closed(node, base)
			return true
		}
	}
}

// tapeArray is array noting the body on the tape alone.
func (p *treeParser) tapeArray(depth int) bool {
	node, base := p.t.begin(nodeArray)
	p.i++ // [
	p.space()
	if p.i < len(p.b) && p.b[p.i] == ']' {
		p.i++
		p.closed(node, base)
		return true
	}
	for {
		if _, ok := p.value(depth); !ok {
			return false
		}
		p.t.element(p.node)
		more, ok := p.after(']')
		if !ok {
			return false
		}
		if !more {
			p.closed(node, base)
			return true
		}
	}
}

// validEscapes reports whether the escapes of a string's raw text are
// JSON's, as unquote reads them, without decoding it.
func validEscapes(raw string) bool {
	for i := 0; i < len(raw); i++ {
		if raw[i] != '\\' {
			continue
		}
		if i+1 == len(raw) {
			return false
		}
		switch raw[i+1] {
		case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			i++
		case 'u':
			if _, ok := hexRune(raw[i:]); !ok {
				return false
			}
			i += 5
		default:
			return false
		}
	}
	return true
}

// after reads what follows a member or an element: a comma (more to
// come) or close (the end).
func (p *treeParser) after(close byte) (more, ok bool) {
	p.space()
	if p.i >= len(p.b) {
		return false, false
	}
	switch p.b[p.i] {
	case ',':
		p.i++
		return true, true
	case close:
		p.i++
		return false, true
	}
	return false, false
}

// closed ends the container node noted at base (when noting).
func (p *treeParser) closed(node uint32, base int) {
	if p.t != nil {
		p.t.end(node, base)
		p.node = node
	}
}

func (p *treeParser) array(depth int) (any, bool) {
	var node uint32
	var tbase int
	if p.t != nil {
		node, tbase = p.t.begin(nodeArray)
	}
	p.i++ // [
	base := len(p.stack)
	p.space()
	if p.i < len(p.b) && p.b[p.i] == ']' {
		p.i++
		p.closed(node, tbase)
		return make([]any, 0), true // [] is an empty slice, not nil, as encoding/json has it
	}
	for {
		v, ok := p.value(depth)
		if !ok {
			return nil, false
		}
		p.stack = append(p.stack, v)
		if p.t != nil {
			p.t.element(p.node)
		}
		more, ok := p.after(']')
		if !ok {
			return nil, false
		}
		if !more {
			p.closed(node, tbase)
			out := p.list(len(p.stack) - base)
			copy(out, p.stack[base:])
			clear(p.stack[base:])
			p.stack = p.stack[:base]
			return p.boxList(out), true
		}
	}
}

// Boxing a string, a number or a slice in an any copies it to the heap:
// an allocation for each of the tree's strings (a 10-element generic
// template has a hundred) and two for each array. The decoder instead
// keeps them in chunks, a few allocations a body, and makes each any
// point at its value in a chunk, as the runtime would point it at its
// copy. A value there is written once, before it is boxed, and never
// after; chunks are not reused, so a value of the tree that outlives its
// request keeps its chunk alive with it (the strings of the tree keep
// the whole body alive already).

// The type words of the anys the decoder boxes.
var (
	stringType = typeWord("")
	numberType = typeWord(json.Number(""))
	listType   = typeWord([]any(nil))
)

// eface is the layout of an any: its dynamic type, and a pointer to its
// value when that is not a pointer itself.
type eface struct {
	typ, data unsafe.Pointer
}

func typeWord(v any) unsafe.Pointer { return (*eface)(unsafe.Pointer(&v)).typ }

// boxAt is the any of type typ whose value is at data.
func boxAt(typ, data unsafe.Pointer) (v any) {
	*(*eface)(unsafe.Pointer(&v)) = eface{typ: typ, data: data}
	return v
}

// chunk is how many values a new chunk holds: one for every per bytes of
// the body, so that a Send API body takes one chunk of each kind (a
// template has a string every 40 to 50 bytes, an element of an array
// every 100 or more, an array every 400), within [least, most], so that
// a huge body does not make a chunk it may not fill.
func (p *treeParser) chunk(per, least, most int) int {
	size := len(p.b)
	if p.treeSize > 0 {
		size = p.treeSize
	}
	return min(max(size/per, least), most)
}

// boxText is s as an any of type typ, a string or json.Number.
func (p *treeParser) boxText(s string, typ unsafe.Pointer) any {
	if len(p.strs) == cap(p.strs) {
		p.strs = make([]string, 0, p.chunk(40, 4, 256))
	}
	p.strs = append(p.strs, s)
	return boxAt(typ, unsafe.Pointer(&p.strs[len(p.strs)-1]))
}

// boxList is a as an any.
func (p *treeParser) boxList(a []any) any {
	if len(p.lists) == cap(p.lists) {
		p.lists = make([][]any, 0, p.chunk(256, 2, 64))
	}
	p.lists = append(p.lists, a)
	return boxAt(listType, unsafe.Pointer(&p.lists[len(p.lists)-1]))
}

// list is a slice of n elements for an array, in the chunk of elements
// when it fits there; its capacity is n, so that an append to it copies
// rather than writing over the next array's.
func (p *treeParser) list(n int) []any {
	size := p.chunk(96, 4, 256)
	if n > size/2 {
		return make([]any, n)
	}
	if cap(p.elems)-len(p.elems) < n {
		p.elems = make([]any, 0, size)
	}
	start := len(p.elems)
	p.elems = p.elems[:start+n]
	return p.elems[start : start+n : start+n]
}

// str reads the key at p.i (its opening quote).
func (p *treeParser) str() (string, bool) {
	raw, plain, ok := p.scanStr()
	if plain {
		if k, common := commonKey(raw); common {
			return k, true
		}
	}
	return p.text(raw, plain, ok)
}

// scanStr reads the string at p.i (its opening quote): raw is what is
// between the quotes, plain whether that is its text (no escapes).
func (p *treeParser) scanStr() (raw string, plain, ok bool) {
	start := p.i + 1
	i := start
	plain = true
	asIs := classAsIs
	for ; i < len(p.b); i++ {
		c := p.b[i]
		if class := stringClass[c]; class&classInString != 0 {
			asIs &= class
			continue
		}
		if c == '\\' {
			plain = false
			i++ // the escaped byte (\" among them) is not the end
			continue
		}
		if c == '"' {
			break
		}
		return "", false, false // a control character must be escaped
	}
	if i >= len(p.b) {
		return "", false, false
	}
	p.i = i + 1
	p.asIs = asIs != 0
	return p.b[start:i], plain, true
}

// stringClass marks the bytes that stand for themselves in a JSON string
// (classInString: all but the quote, the backslash and control
// characters) and those json.Marshal writes as they are (classAsIs:
// plainJSON's).
var stringClass = func() (t [256]uint8) {
	for c := 0x20; c < 0x100; c++ {
		if c != '"' && c != '\\' {
			t[c] = classInString
		}
		if plainJSON[c] {
			t[c] |= classAsIs
		}
	}
	return t
}()

const (
	classInString uint8 = 1 << iota
	classAsIs
)

// text is the string scanStr read (when ok): raw itself when plain,
// else with its escapes decoded (unquote).
func (p *treeParser) text(raw string, plain, ok bool) (string, bool) {
	switch {
	case !ok:
		return "", false
	case plain:
		return raw, true
	}
	return unquote(raw)
}

// unquote decodes the escapes of a string's raw text (with no
// control character, between its quotes) exactly as encoding/json does
// (FuzzUnquote holds it to json.Unmarshal): a UTF-16 surrogate not in a
// pair becomes U+FFFD. ok is false for an escape JSON does not have. A
// line break in a message's text comes escaped: this is not a rare path.
func unquote(raw string) (string, bool) {
	out := make([]byte, 0, len(raw))
	for i := 0; i < len(raw); {
		c := raw[i]
		if c != '\\' {
			out = append(out, c)
			i++
			continue
		}
		if i+1 == len(raw) {
			return "", false
		}
		switch e := raw[i+1]; e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, ok := hexRune(raw[i:])
			if !ok {
				return "", false
			}
			i += 6
			if utf16.IsSurrogate(r) {
				// A pair is two escapes; anything else leaves U+FFFD
				// and is read on its own.
				if r2, ok := hexRune(raw[i:]); ok {
					if pair := utf16.DecodeRune(r, r2); pair != utf8.RuneError {
						out = utf8.AppendRune(out, pair)
						i += 6
						continue
					}
				}
				r = utf8.RuneError
			}
			out = utf8.AppendRune(out, r)
			continue
		default:
			return "", false
		}
		i += 2
	}
	return string(out), true
}

// loneSurrogate reports a \uXXXX escape in a JSON text that is half of a
// UTF-16 pair without its other half: valid JSON that decodes to U+FFFD,
// and that a strict reader of the journal refuses when copied as it came.
func loneSurrogate(text []byte) bool {
	for i := bytes.IndexByte(text, '\\'); i >= 0 && i < len(text)-1; {
		if text[i+1] != 'u' {
			i += 2 // \" \\ \n …: the escaped byte is no escape of its own
		} else if r, ok := hexRune(text[i:]); !ok || !utf16.IsSurrogate(r) {
			i += 2
		} else if r2, ok := hexRune(text[min(i+6, len(text)):]); r < 0xdc00 && ok && 0xdc00 <= r2 && r2 <= 0xdfff {
			i += 12 // a pair
		} else {
			return true
		}
		j := bytes.IndexByte(text[i:], '\\')
		if j < 0 {
			return false
		}
		i += j
	}
	return false
}

// hexRune reads a \uXXXX escape at the start of b.
func hexRune[T string | []byte](b T) (rune, bool) {
	if len(b) < 6 || b[0] != '\\' || b[1] != 'u' {
		return 0, false
	}
	var r rune
	for i := 2; i < 6; i++ {
		c := b[i]
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// commonValue is a value the Send API's requests repeat (types and
// enumerations), boxed without allocating.
func commonValue(b string) (any, bool) {
	if len(b) < 3 || len(b) > 28 {
		return nil, false
	}
	switch b {
	case "RESPONSE":
		return "RESPONSE", true
	case "UPDATE":
		return "UPDATE", true
	case "MESSAGE_TAG":
		return "MESSAGE_TAG", true
	case "UTILITY":
		return "UTILITY", true
	case "REGULAR":
		return "REGULAR", true
	case "SILENT_PUSH":
		return "SILENT_PUSH", true
	case "NO_PUSH":
		return "NO_PUSH", true
	case "HUMAN_AGENT":
		return "HUMAN_AGENT", true
	case "CUSTOMER_FEEDBACK":
		return "CUSTOMER_FEEDBACK", true
	case "NON_PROMOTIONAL_SUBSCRIPTION":
		return "NON_PROMOTIONAL_SUBSCRIPTION", true
	case "typing_on":
		return "typing_on", true
	case "typing_off":
		return "typing_off", true
	case "mark_seen":
		return "mark_seen", true
	case "template":
		return "template", true
	case "image":
		return "image", true
	case "audio":
		return "audio", true
	case "video":
		return "video", true
	case "file":
		return "file", true
	case "generic":
		return "generic", true
	case "button":
		return "button", true
	case "media":
		return "media", true
	case "receipt":
		return "receipt", true
	case "web_url":
		return "web_url", true
	case "postback":
		return "postback", true
	case "phone_number":
		return "phone_number", true
	case "text":
		return "text", true
	case "user_phone_number":
		return "user_phone_number", true
	case "user_email":
		return "user_email", true
	case "compact":
		return "compact", true
	case "tall":
		return "tall", true
	case "full":
		return "full", true
	case "hide":
		return "hide", true
	case "horizontal":
		return "horizontal", true
	case "square":
		return "square", true
	}
	return nil, false
}

// commonKey is a key the Send API's requests repeat, without allocating.
func commonKey(b string) (string, bool) {
	switch b {
	case "recipient":
		return "recipient", true
	case "id":
		return "id", true
	case "messaging_type":
		return "messaging_type", true
	case "message":
		return "message", true
	case "text":
		return "text", true
	case "quick_replies":
		return "quick_replies", true
	case "content_type":
		return "content_type", true
	case "title":
		return "title", true
	case "payload":
		return "payload", true
	case "attachment":
		return "attachment", true
	case "type":
		return "type", true
	case "template_type":
		return "template_type", true
	case "elements":
		return "elements", true
	case "subtitle":
		return "subtitle", true
	case "image_url":
		return "image_url", true
	case "default_action":
		return "default_action", true
	case "url":
		return "url", true
	case "buttons":
		return "buttons", true
	case "webview_height_ratio":
		return "webview_height_ratio", true
	case "metadata":
		return "metadata", true
	case "tag":
		return "tag", true
	case "sender_action":
		return "sender_action", true
	case "access_token":
		return "access_token", true
	}
	return "", false
}
