package journal

import (
	"encoding/binary"
	"strconv"
	"time"
	"unsafe"

	"github.com/messemu/messemu/validator"
)

// How the journal keeps its events: encoded one after another in large
// byte blocks that hold no pointers, so the collector never walks them
// however many there are, and decoded into Event values on read. The bodies
// are kept as they came (request, response, detail), with the event's own
// message id, PSID and Page id written as one marker byte each (raw JSON
// never holds bytes below 0x20), and a text field that repeats the same
// field of an earlier event in its block is kept as a reference to it. The
// rare events with violations keep those beside the blocks.

const (
	firstBlockSize = 4 << 10 // a small journal stays small (testkit starts many)
	maxBlockSize   = 1 << 20
)

// Markers standing for the event's own ids inside its bodies, and for its
// time in Unix milliseconds (a webhook item's timestamp and watermark).
const (
	markMillis = 0x00
	markMID    = 0x01
	markPSID   = 0x02
	markPageID = 0x03
)

// appendMillis appends e's time in Unix milliseconds, what markMillis
// stands for.
func appendMillis(b []byte, e *Event) []byte { return strconv.AppendInt(b, e.Time.UnixMilli(), 10) }

// Event flags.
const (
	flagAccepted = 1 << iota
	flagThread
	flagStandby
	flagViolations
	// flagThreadSame: the thread state is the one written out for the
	// event before, at the same time, and the event refers to it.
	flagThreadSame
)

// The text fields that may refer back to an earlier event's.
const (
	fieldPageID = iota
	fieldPSID
	fieldAPI
	fieldMethod
	fieldPath
	fieldMID
	fieldOwner
	fieldCount
)

// Body modes.
const (
	bodyNil = iota
	bodyRaw
	bodyMarked
	// bodyDelivery: a delivery receipt's Detail exactly as AppendDeliveryDetail
	// writes it from the event's own fields, kept as how far back its
	// request is (every accepted send has one).
	bodyDelivery
)

// eventBlocks is the encoded journal: blocks of events, the place of each,
// and the violations of those that have some. It is guarded by the
// journal's lock.
type eventBlocks struct {
	blocks     [][]byte // never grown in place: a full block is followed by a new one
	firstBlock uint32   // the number of blocks[0]
	locs       []uint64 // locs[i] is event first+i: block number << 32 | offset
	// blockLists[i] is the first violation list an event of block
	// firstBlock+i names (noList: none), so a trim knows which lists its
	// kept blocks may still name.
	blockLists []uint32
	// lists are the distinct violation lists, each used by a run of
	// consecutive events with violations (a load test's sends all carry
	// the same warning): an event names its list by number in its block.
	// listBase is the number of lists[0].
	lists     [][]validator.Violation
	listBase  uint32
	locations []*time.Location // time zones other than UTC and Local
	bytes     int              // bytes held in blocks
	// last is where the newest literal of each text field is in the
	// current block: its length's offset+1 (0: none yet), its bytes'
	// offset, its length.
	last [fieldCount][3]uint32
	// lastTime is the newest event time written out in the current
	// block, and where (offset+1; 0: none): an event of the same time (a
	// send's receipts) refers to it.
	lastTime   time.Time
	lastTimeAt uint32
	// lastThread is the thread state written out last in the current
	// block, with its event's time, and where (offset+1; 0: none).
	lastThread     ThreadState
	lastThreadTime time.Time
	lastThreadAt   uint32
}

// noList marks a block none of whose events has violations.
const noList = ^uint32(0)

// add encodes e (whose Seq is set) at the end of the journal.
func (b *eventBlocks) add(e *Event) {
	need := 96 + len(e.PageID) + len(e.PSID) + len(e.API) + len(e.Method) + len(e.Path) + len(e.MID) +
		len(e.Request) + len(e.Response) + len(e.Detail) + 12*fieldCount
	if e.Thread != nil {
		need += 64 + len(e.Thread.OwnerAppID) + len(e.Thread.Window)
	}
	cur := len(b.blocks) - 1
	if cur < 0 || cap(b.blocks[cur])-len(b.blocks[cur]) < need {
		// Blocks double up to maxBlockSize, and to a quarter of what the
		// journal holds: a trimmed journal lets go of whole blocks, so a
		// block much larger than its window would keep many trimmed
		// events in memory with the kept ones.
		size := firstBlockSize
		if cur >= 0 {
			size = min(2*cap(b.blocks[cur]), maxBlockSize, max(firstBlockSize, b.bytes/4))
		}
		b.blocks = append(b.blocks, make([]byte, 0, max(size, need)))
		b.blockLists = append(b.blockLists, noList)
		b.last = [fieldCount][3]uint32{}
		b.lastTimeAt, b.lastThreadAt = 0, 0
		cur++
	}
	blk := b.blocks[cur]
	start := len(blk)
	b.locs = append(b.locs, uint64(b.firstBlock+uint32(cur))<<32|uint64(start))

	flags := byte(0)
	if e.Accepted {
		flags |= flagAccepted
	}
	if e.Thread != nil {
		flags |= flagThread
		if e.Thread.Standby {
			flags |= flagStandby
		}
		if b.lastThreadAt != 0 && sameThread(*e.Thread, b.lastThread) && sameTime(e.Time, b.lastThreadTime) {
			flags |= flagThreadSame
		}
	}
	blk = append(blk, kindCode(e.Kind), 0)
	if len(e.Violations) > 0 {
		flags |= flagViolations
		if n := len(b.lists); n == 0 || !sameViolations(b.lists[n-1], e.Violations) {
			b.lists = append(b.lists, e.Violations)
		}
		list := b.listBase + uint32(len(b.lists)-1)
		blk = binary.AppendUvarint(blk, uint64(list))
		if b.blockLists[cur] == noList {
			b.blockLists[cur] = list
		}
	}
	blk[start+1] = flags
	if kindCode(e.Kind) == 0 {
		blk = appendLiteral(blk, string(e.Kind))
	}
	blk = b.appendEventTime(blk, e.Time)
	blk = b.appendText(blk, fieldPageID, e.PageID)
	blk = b.appendText(blk, fieldPSID, e.PSID)
	blk = b.appendText(blk, fieldAPI, e.API)
	blk = b.appendText(blk, fieldMethod, e.Method)
	blk = b.appendText(blk, fieldPath, e.Path)
	blk = b.appendText(blk, fieldMID, e.MID)
	blk = binary.AppendUvarint(blk, uint64(e.Status))
	blk = appendBody(blk, e.Request, e)
	blk = appendBody(blk, e.Response, e)
	if back, ok := derivedDelivery(e); ok {
		blk = binary.AppendUvarint(append(blk, bodyDelivery), back)
	} else {
		blk = appendBody(blk, e.Detail, e)
	}
	if t := e.Thread; flags&flagThreadSame != 0 {
		blk = binary.AppendUvarint(blk, uint64(b.lastThreadAt-1))
	} else if t != nil {
		b.lastThread, b.lastThreadTime, b.lastThreadAt = *t, e.Time, uint32(len(blk))+1
		blk = b.appendText(blk, fieldOwner, t.OwnerAppID)
		switch t.Window {
		case WindowClosed:
			blk = append(blk, 0)
		case WindowOpen:
			blk = append(blk, 1)
		default:
			blk = appendLiteral(append(blk, 2), t.Window)
		}
		blk = b.appendTime(blk, t.WindowEnds, e.Time)
		blk = b.appendTime(blk, t.HumanAgentEnds, e.Time)
	}
	b.bytes += len(blk) - start
	b.blocks[cur] = blk
}

// kindByCode numbers the kinds from 1 (0: written out).
var kindByCode = [...]EventKind{1: KindRequest, KindUserAction, KindReceipt, KindHandover, KindLabel, KindWebhook, KindFault, KindControl, KindAlert}

func kindCode(k EventKind) byte {
	for i := 1; i < len(kindByCode); i++ {
		if kindByCode[i] == k {
			return byte(i)
		}
	}
	return 0
}

func appendLiteral(blk []byte, s string) []byte {
	return append(binary.AppendUvarint(blk, uint64(len(s))), s...)
}

// appendText writes a text field: 0 for "", a literal as length<<1|1 and
// the bytes, or a reference to the same field's last literal in this block
// as (offset of that literal's length + 1)<<1.
func (b *eventBlocks) appendText(blk []byte, field int, s string) []byte {
	if s == "" {
		return append(blk, 0)
	}
	if l := b.last[field]; l[0] != 0 && int(l[2]) == len(s) && string(blk[l[1]:l[1]+l[2]]) == s {
		return binary.AppendUvarint(blk, uint64(l[0])<<1)
	}
	at := len(blk)
	blk = binary.AppendUvarint(blk, uint64(len(s))<<1|1)
	b.last[field] = [3]uint32{uint32(at) + 1, uint32(len(blk)), uint32(len(s))}
	return append(blk, s...)
}

// appendTime writes a time as its zone (0: zero time, 1: UTC, 2: Local,
// 3+: another zone), then seconds from base's and nanoseconds. The
// monotonic clock reading is not kept: readers compare times with Equal.
func (b *eventBlocks) appendTime(blk []byte, t, base time.Time) []byte {
	if t.IsZero() {
		return append(blk, 0)
	}
	zone := byte(0)
	switch loc := t.Location(); loc {
	case time.UTC:
		zone = 1
	case time.Local:
		zone = 2
	default:
		for i, l := range b.locations {
			if l == loc {
				zone = byte(3 + i)
			}
		}
		if zone == 0 && len(b.locations) < 250 {
			b.locations = append(b.locations, loc)
			zone = byte(2 + len(b.locations))
		}
		if zone == 0 {
			zone = 1 // more zones than a journal meets: kept as UTC
		}
	}
	var baseSec int64
	if !base.IsZero() {
		baseSec = base.Unix()
	}
	blk = append(blk, zone)
	blk = binary.AppendVarint(blk, t.Unix()-baseSec)
	return binary.AppendUvarint(blk, uint64(t.Nanosecond()))
}

// sameTime reports two times a reader gets back the same: the same
// instant in the same zone.
func sameTime(a, b time.Time) bool { return a.Equal(b) && a.Location() == b.Location() }

// sameThread reports two thread states written out the same (Standby is
// among the event's flags).
func sameThread(a, b ThreadState) bool {
	return a.OwnerAppID == b.OwnerAppID && a.Window == b.Window &&
		sameTime(a.WindowEnds, b.WindowEnds) && sameTime(a.HumanAgentEnds, b.HumanAgentEnds)
}

// zoneSame is the zone byte of an event time that is the block's last
// one written out, followed by that one's offset.
const zoneSame = 0xff

// appendEventTime writes an event's time, as a reference when it is the
// time of the event before.
func (b *eventBlocks) appendEventTime(blk []byte, t time.Time) []byte {
	if b.lastTimeAt != 0 && !t.IsZero() && sameTime(t, b.lastTime) {
		return binary.AppendUvarint(append(blk, zoneSame), uint64(b.lastTimeAt-1))
	}
	b.lastTime, b.lastTimeAt = t, uint32(len(blk))+1
	return b.appendTime(blk, t, time.Time{})
}

// appendBody writes a body: nil, as it came, or marked: with the event's
// ids and the fragments of bodyWords replaced by their marker bytes.
func appendBody(blk []byte, body []byte, e *Event) []byte {
	if blk, done := appendUnmarked(blk, body); done {
		return blk
	}
	ids := [...]string{markMID: e.MID, markPSID: e.PSID, markPageID: e.PageID}
	var millis [20]byte
	ms := appendMillis(millis[:0], e)
	blk = append(blk, bodyMarked)
	lenAt := len(blk)
	blk = append(blk, 0, 0, 0, 0, 0) // room for the length, written once known
	from := len(blk)
	run := 0 // the start of the bytes not yet copied
	for i := 0; i < len(body); i++ {
		c := body[i]
		m, n := byte(0), 0
		switch {
		case i == 0:
		case body[i-1] == '"': // an id is a JSON string's content
			for k := markMID; k <= markPageID; k++ {
				if id := ids[k]; len(id) >= 4 && c == id[0] && len(body)-i >= len(id) && string(body[i:i+len(id)]) == id {
					m, n = byte(k), len(id)
					break
				}
			}
		case body[i-1] == ':': // a time is a number's
			if c == ms[0] && len(body)-i >= len(ms) && string(body[i:i+len(ms)]) == string(ms) {
				m, n = markMillis, len(ms)
			}
		}
		if n == 0 && i+1 < len(body) {
			if at := wordStart[c]; at != 0 {
				for _, k := range wordsAfter[at-1][body[i+1]] {
					if w := bodyWords[k]; len(body)-i >= len(w) && string(body[i:i+len(w)]) == w {
						m, n = k, len(w)
						break
					}
				}
			}
		}
		if n == 0 {
			continue
		}
		blk = append(append(blk, body[run:i]...), m)
		i += n - 1
		run = i + 1
	}
	blk = append(blk, body[run:]...)
	// The length in the fewest bytes: the marked body moves back over
	// the room it did not need (at most maxMarkedBody bytes).
	var size [binary.MaxVarintLen64]byte
	k := binary.PutUvarint(size[:], uint64(len(blk)-from))
	copy(blk[lenAt+k:], blk[from:])
	copy(blk[lenAt:], size[:k])
	return blk[:len(blk)-(from-lenAt-k)]
}

// appendUnmarked writes a body the journal keeps without marking it: nil,
// or one too long to mark or holding a marker byte, as it came. done is
// false for a body to mark.
func appendUnmarked(blk []byte, body []byte) (_ []byte, done bool) {
	if body == nil {
		return append(blk, bodyNil), true
	}
	if len(body) > maxMarkedBody || hasMarkerByte(body) {
		blk = append(blk, bodyRaw)
		return append(binary.AppendUvarint(blk, uint64(len(body))), body...), true
	}
	return blk, false
}

// AppendDeliveryDetail appends the Detail of the delivery receipt e of the
// request reqSeq, as the emulator writes it for a send whose ids need no
// escape, in a thread not on standby: the journal keeps that Detail as
// how far back its request is.
func AppendDeliveryDetail(b []byte, e *Event, reqSeq uint64) []byte {
	b = strconv.AppendUint(append(b, `{"request_seq":`...), reqSeq, 10)
	b = append(append(b, `,"field":"message_deliveries","event":{"sender":{"id":"`...), e.PSID...)
	b = append(append(b, `"},"recipient":{"id":"`...), e.PageID...)
	b = appendMillis(append(b, `"},"timestamp":`...), e)
	b = append(append(b, `,"delivery":{"mids":["`...), e.MID...)
	b = appendMillis(append(b, `"],"watermark":`...), e)
	return append(b, "}}}"...)
}

// derivedDelivery reports a delivery receipt whose Detail AppendDeliveryDetail
// writes again byte for byte, and how far back its request is.
func derivedDelivery(e *Event) (back uint64, ok bool) {
	const head = `{"request_seq":`
	d := e.Detail
	if e.Kind != KindReceipt || e.API != FieldDeliveries || e.Request != nil || e.Response != nil ||
		len(d) < len(head) || string(d[:len(head)]) != head {
		return 0, false
	}
	var req uint64
	i := len(head)
	for ; i < len(d) && d[i] >= '0' && d[i] <= '9' && i < len(head)+19; i++ {
		req = req*10 + uint64(d[i]-'0')
	}
	if req == 0 || req >= e.Seq {
		return 0, false
	}
	var buf [512]byte
	if string(AppendDeliveryDetail(buf[:0], e, req)) != string(d) {
		return 0, false
	}
	return e.Seq - req, true
}

// bodyWords are fragments that the journal's bodies repeat (the Send API's
// requests and answers, receipts, user messages), each written as its
// index, a byte JSON never holds raw. Tab, line feed and carriage return,
// which JSON allows between tokens, are no markers.
var bodyWords = [...]string{
	0x04: `{"request_seq":`,
	0x05: `,"field":"message_echoes","event":{"sender":{"id":"`,
	0x06: `,"field":"message_deliveries","event":{"sender":{"id":"`,
	0x07: `"},"recipient":{"id":"`,
	0x08: `"},"timestamp":`,
	0x0b: `,"message":{"mid":"`,
	0x0c: `","is_echo":true,"app_id":`,
	0x0e: `,"text":"`,
	0x0f: `,"delivery":{"mids":["`,
	0x10: `"],"watermark":`,
	0x11: `{"recipient_id":"`,
	0x12: `","message_id":"`,
	0x13: `{"recipient":{"id":"`,
	0x14: `"},"messaging_type":"RESPONSE","message":{`,
	0x15: `"},"messaging_type":"UPDATE","message":{`,
	0x16: `"},"messaging_type":"MESSAGE_TAG","tag":"`,
	0x17: `"text":"`,
	0x18: `{"action":"message","field":"messages","event":{"sender":{"id":"`,
	0x19: `"attachment":{"type":"template","payload":{"template_type":"`,
	0x1a: `"quick_replies":[{"content_type":"text","title":"`,
	0x1b: `","payload":"`,
	0x1c: `{"mid":"`,
	0x1d: `"},{"content_type":"text","title":"`,
	0x1e: `"buttons":[{"type":"`,
	0x1f: `"},"sender_action":"`,
}

const firstWord = 0x04

// wordStart and wordsAfter find the bodyWords that may start at a byte:
// wordStart is 1 + the index in wordsAfter of a first byte that some word
// starts with ({, , or "), 0 for any other; wordsAfter lists by the
// second byte the words with those two first, in bodyWords' order.
var (
	wordStart  [256]uint8
	wordsAfter [3][256][]byte
)

func init() {
	starts := uint8(0)
	for k := firstWord; k < len(bodyWords); k++ {
		w := bodyWords[k]
		if w == "" {
			continue
		}
		if wordStart[w[0]] == 0 {
			starts++
			wordStart[w[0]] = starts // a fourth first byte would index past wordsAfter: init panics
		}
		at := wordStart[w[0]] - 1
		wordsAfter[at][w[1]] = append(wordsAfter[at][w[1]], byte(k))
	}
}

// maxMarkedBody: a larger body (a long template) is kept as it came; the
// fragments would save it little and cost the hot path a scan.
const maxMarkedBody = 1024

// hasMarkerByte reports a body that holds a marker's byte itself (not
// valid JSON, but kept as it came all the same).
func hasMarkerByte(body []byte) bool {
	// Eight bytes at a time: a word with no byte under 0x20 holds no
	// marker (each send's bodies are scanned; most hold no control byte).
	const highs, spaces = 0x8080808080808080, 0x2020202020202020
	i := 0
	for ; i+8 <= len(body); i += 8 {
		x := binary.LittleEndian.Uint64(body[i:])
		if (x-spaces)&^x&highs != 0 && markerIn(body[i:i+8]) {
			return true
		}
	}
	return markerIn(body[i:])
}

// markerIn is hasMarkerByte a byte at a time.
func markerIn(body []byte) bool {
	for _, c := range body {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
			return true
		}
	}
	return false
}

// get decodes the event at index i of locs; its texts and raw bodies share
// the block's memory (which never changes), marked bodies are rebuilt.
func (b *eventBlocks) get(i int, seq uint64) Event {
	var bodies Bodies
	e := b.decode(i, seq, &bodies, nil)
	bodies.e = &e
	e.Request, e.Response, e.Detail = bodies.body(BodyRequest), bodies.body(BodyResponse), bodies.body(BodyDetail)
	return e
}

// head reads an event's head, all that comes before its time: its kind
// (a code, or the kind itself after code 0), its flags and, with
// flagViolations, its violation list's number. Whatever reads an event
// reads it through here.
func (d *decoder) head() (kind EventKind, flags byte, list uint64) {
	code := d.byte()
	flags = d.byte()
	if flags&flagViolations != 0 {
		list = d.uvarint()
	}
	if code == 0 || int(code) >= len(kindByCode) {
		return EventKind(d.literal()), flags, list
	}
	return kindByCode[code], flags, list
}

// decode decodes the event at index i of locs but its bodies, which it
// leaves in bodies as the journal keeps them. Its Thread is thread, or a
// new one when thread is nil.
func (b *eventBlocks) decode(i int, seq uint64, bodies *Bodies, thread *ThreadState) Event {
	loc := b.locs[i]
	d := decoder{blk: b.blocks[uint32(loc>>32)-b.firstBlock], at: int(uint32(loc)), locations: b.locations}
	e := Event{Seq: seq}
	var flags byte
	var list uint64
	e.Kind, flags, list = d.head()
	if flags&flagViolations != 0 {
		e.Violations = b.lists[uint32(list)-b.listBase]
	}
	e.Accepted = flags&flagAccepted != 0
	e.Time = d.time(time.Time{})
	e.PageID, e.PSID, e.API, e.Method, e.Path, e.MID = d.text(), d.text(), d.text(), d.text(), d.text(), d.text()
	e.Status = int(d.uvarint())
	for k := range bodies.raw {
		bodies.mode[k], bodies.raw[k], bodies.back[k] = d.byte(), nil, 0
		switch bodies.mode[k] {
		case bodyNil:
		case bodyDelivery:
			bodies.back[k] = d.uvarint()
		default:
			n := int(d.uvarint())
			bodies.raw[k] = d.blk[d.at : d.at+n : d.at+n]
			d.at += n
		}
	}
	if flags&flagThread != 0 {
		td := &d
		if flags&flagThreadSame != 0 {
			td = &decoder{blk: d.blk, at: int(d.uvarint()), locations: d.locations}
		}
		if thread == nil {
			thread = new(ThreadState)
		}
		td.thread(thread, e.Time, flags&flagStandby != 0)
		e.Thread = thread
	}
	return e
}

// thread decodes into t a thread state of an event at time at.
func (d *decoder) thread(t *ThreadState, at time.Time, standby bool) {
	*t = ThreadState{OwnerAppID: d.text(), Standby: standby}
	switch d.byte() {
	case 0:
		t.Window = WindowClosed
	case 1:
		t.Window = WindowOpen
	default:
		t.Window = d.literal()
	}
	t.WindowEnds = d.time(at)
	t.HumanAgentEnds = d.time(at)
}

// sameViolations reports two lists that say the same.
func sameViolations(a, b []validator.Violation) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		ex, ey := x.Error, y.Error
		x.Error, y.Error = nil, nil // the errors are compared by what they say
		if x != y || (ex == nil) != (ey == nil) || ex != nil && *ex != *ey {
			return false
		}
	}
	return true
}

// trim forgets the oldest n events, and the blocks and violation lists
// only they used. The kept locations move down in place: a fresh slice
// each batch cost an allocation of the whole index (4 MB under the default
// retention) and a second copy when the next append grew it.
func (b *eventBlocks) trim(n int) {
	if kept := len(b.locs) - n; cap(b.locs) > 4*kept+1024 {
		b.locs = append(b.locs[:0:0], b.locs[n:]...) // much smaller now: let the rest go
	} else {
		b.locs = b.locs[:copy(b.locs, b.locs[n:])]
	}
	keepFrom := b.firstBlock + uint32(len(b.blocks)) - 1
	if len(b.locs) > 0 {
		keepFrom = uint32(b.locs[0] >> 32)
	}
	if drop := int(keepFrom - b.firstBlock); drop > 0 {
		for _, blk := range b.blocks[:drop] {
			b.bytes -= len(blk)
		}
		b.blocks = append(b.blocks[:0:0], b.blocks[drop:]...)
		b.blockLists = append(b.blockLists[:0:0], b.blockLists[drop:]...)
		b.firstBlock = keepFrom
	}
	// The lists before the first a kept block names are no one's now.
	keep := uint32(len(b.lists)) + b.listBase
	for _, l := range b.blockLists {
		if l != noList {
			keep = l
			break
		}
	}
	if drop := int(keep - b.listBase); drop > 0 {
		clear(b.lists[:drop])
		b.lists = append(b.lists[:0:0], b.lists[drop:]...)
		b.listBase = keep
	}
}

// decoder reads one event of a block.
type decoder struct {
	blk       []byte
	at        int
	locations []*time.Location
}

func (d *decoder) byte() byte {
	c := d.blk[d.at]
	d.at++
	return c
}

func (d *decoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.blk[d.at:])
	d.at += n
	return v
}

func (d *decoder) varint() int64 {
	v, n := binary.Varint(d.blk[d.at:])
	d.at += n
	return v
}

// str returns n bytes at off of the block as a string sharing its memory.
func (d *decoder) str(off, n int) string {
	if n == 0 {
		return ""
	}
	return unsafe.String(&d.blk[off], n)
}

func (d *decoder) literal() string {
	n := int(d.uvarint())
	s := d.str(d.at, n)
	d.at += n
	return s
}

func (d *decoder) text() string {
	v := d.uvarint()
	switch {
	case v == 0:
		return ""
	case v&1 == 1:
		n := int(v >> 1)
		s := d.str(d.at, n)
		d.at += n
		return s
	}
	// A reference to the literal whose length is at offset v>>1 - 1.
	off := int(v>>1) - 1
	lit, k := binary.Uvarint(d.blk[off:])
	return d.str(off+k, int(lit>>1))
}

func (d *decoder) time(base time.Time) time.Time {
	zone := d.byte()
	switch zone {
	case 0:
		return time.Time{}
	case zoneSame:
		at := int(d.uvarint())
		same := decoder{blk: d.blk, at: at, locations: d.locations}
		return same.time(time.Time{}) // an event time, as written
	}
	var baseSec int64
	if !base.IsZero() {
		baseSec = base.Unix()
	}
	sec := d.varint() + baseSec
	t := time.Unix(sec, int64(d.uvarint()))
	switch {
	case zone == 1:
		return t.UTC()
	case zone == 2:
		return t
	}
	return t.In(d.locations[zone-3])
}
