package fakegraph

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"hash/maphash"
	"strings"
	"time"
)

// How the store keeps its messages: each message's bytes (its mid, time,
// persona and body) are written one after another in large byte blocks,
// and each message has a fixed-size record (its journal event, where its
// bytes are, its thread) in one slice. Threads list their messages by
// record number (slot) and the mid index maps a hash of a mid to its slot.
// None of these hold pointers, so the collector never walks them however
// many messages the store keeps; a Message is built on read.
//
// The records are queued in the order their bytes were written. The
// retention (store_retention.go) takes them off the queue in that order,
// and a block goes once the queue has passed every message written in it.
// A message the rules keep when its turn comes (the bot's last one, ...)
// is written again at the end of the queue, so it never holds an old
// block; an edited message is written again at the end too, its old entry
// left behind as stale.

const (
	firstStoreBlock = 4 << 10 // a small store stays small (testkit starts many)
	maxStoreBlock   = 1 << 20
)

// messageRecord is the fixed-size part of a stored message.
type messageRecord struct {
	seq uint64 // the journal event that carried it; 0: not journalled yet
	at  uint64 // where its bytes are: block number << 32 | offset
	// qpos is the low 32 bits of its entry's place in the queue: an entry
	// at another place is stale (the message was written again since).
	qpos uint32
	// tf is its thread's number << 1, | 1 for a message from the Page;
	// 0 marks a free slot.
	tf uint32
}

func (r *messageRecord) fromPage() bool { return r.tf&1 == 1 }

// storeBlock is one block of message bytes.
type storeBlock struct {
	buf []byte // never grown past its capacity: a full block is followed by a new one
	end uint64 // the queue place after the last entry whose bytes are in buf
}

// messageStore holds the stored messages of every Page. It is guarded by
// Server.mu.
type messageStore struct {
	recs  []messageRecord // by slot
	free  []uint32        // slots to reuse
	queue []uint32        // slots, in the order their bytes were written
	qbase uint64          // the place of queue[0]

	blocks     []storeBlock
	firstBlock uint32 // the number of blocks[0]

	threads   []*thread        // by number; 0 is no thread
	locations []*time.Location // the time zones of the messages' times
	seed      maphash.Seed     // of the mid indexes
	scratch   []byte           // a message's head, being written
}

func newMessageStore() *messageStore {
	return &messageStore{threads: []*thread{nil}, locations: []*time.Location{time.UTC}, seed: maphash.MakeSeed()}
}

// thread is one user's conversation with a Page, as the store keeps it.
type thread struct {
	page  *pageState
	psid  string
	num   uint32   // its number in the store
	slots []uint32 // its messages, oldest first
	// lastPage is the index in slots of the bot's newest message (-1:
	// none), lastOTN the slot of its newest one-time notification
	// request plus one (0: none); the retention keeps both.
	lastPage int
	lastOTN  uint32
	// answered: the user wrote after the bot's newest message, whose
	// quick replies are then gone (the messages since may be trimmed).
	answered bool
	// trimmedFor is the journal position the thread was last trimmed to
	// (store_retention.go).
	trimmedFor uint64
}

// storedRef names a stored message until its journal event is known.
type storedRef struct {
	st   *messageStore // nil: nothing was stored
	slot uint32
}

// setSeq records the journal event that carried the message. s.mu must
// be held for writing.
func (r storedRef) setSeq(seq uint64) {
	if r.st == nil {
		return
	}
	// A message not journalled yet is never let go (store_retention.go),
	// so its slot is still its own.
	if rec := &r.st.recs[r.slot]; rec.tf != 0 && rec.seq == 0 {
		rec.seq = seq
	}
}

// add stores m in its thread, in p's mid index; otn says m is the bot's
// one-time notification request (which the send read from the message).
func (st *messageStore) add(p *pageState, m *Message, otn bool) storedRef {
	th := p.threads[m.PSID]
	if th == nil {
		psid := strings.Clone(m.PSID) // a send's is a slice of its body (decodeObjectText)
		th = &thread{page: p, psid: psid, num: uint32(len(st.threads)), lastPage: -1}
		p.threads[psid] = th
		st.threads = append(st.threads, th)
	}
	var slot uint32
	if n := len(st.free); n > 0 {
		slot = st.free[n-1]
		st.free = st.free[:n-1]
	} else {
		slot = uint32(len(st.recs))
		st.recs = append(st.recs, messageRecord{})
	}
	tf := th.num << 1
	if m.FromPage {
		tf |= 1
	}
	st.recs[slot] = messageRecord{seq: m.Seq, tf: tf}
	head := st.appendHead(st.scratch[:0], m.MID, m.Time, m.PersonaID)
	st.write(slot, head, m.Body)
	st.scratch = head[:0]

	th.slots = append(th.slots, slot)
	th.answered = !m.FromPage && th.lastPage >= 0
	if m.FromPage {
		th.lastPage = len(th.slots) - 1
		if otn {
			th.lastOTN = slot + 1
		}
	}
	st.indexMID(&p.mids, m.MID, slot)
	return storedRef{st: st, slot: slot}
}

// write puts slot's bytes (head as appendHead writes it, then body) at
// the end of the newest block and queues the slot.
func (st *messageStore) write(slot uint32, head, body []byte) {
	need := len(head) + binary.MaxVarintLen64 + len(body)
	n := len(st.blocks)
	if n == 0 || cap(st.blocks[n-1].buf)-len(st.blocks[n-1].buf) < need {
		size := firstStoreBlock
		if n > 0 {
			size = min(2*cap(st.blocks[n-1].buf), maxStoreBlock)
		}
		st.blocks = append(st.blocks, storeBlock{buf: make([]byte, 0, max(size, need))})
		n++
	}
	b := &st.blocks[n-1]
	off := len(b.buf)
	buf := append(b.buf, head...)
	buf = binary.AppendUvarint(buf, uint64(len(body)))
	b.buf = append(buf, body...)
	place := st.qbase + uint64(len(st.queue))
	st.queue = append(st.queue, slot)
	b.end = place + 1
	rec := &st.recs[slot]
	rec.at = uint64(st.firstBlock+uint32(n-1))<<32 | uint64(off)
	rec.qpos = uint32(place)
}

// Message bytes: the mid (its length << 1 | 1 for a compact mid, then
// its bytes), the time (zone: 0 for the zero time, else 1 + its index in
// locations; then Unix seconds and nanoseconds), the persona id (length,
// bytes) and the body (length, bytes). A compact mid is a mid of the form
// the emulator makes ("m_" and the base64url of 64 bytes) kept as the 64
// bytes.

const (
	compactMIDLen = 64
	midLen        = 2 + (compactMIDLen*8+5)/6 // "m_" and the base64url of 64 bytes
)

var midEncoding = base64.RawURLEncoding.Strict()

// appendHead appends the mid, time and persona of a message.
func (st *messageStore) appendHead(b []byte, mid string, t time.Time, persona string) []byte {
	var raw [compactMIDLen]byte
	if compactMID(mid, &raw) {
		b = binary.AppendUvarint(b, compactMIDLen<<1|1)
		b = append(b, raw[:]...)
	} else {
		b = binary.AppendUvarint(b, uint64(len(mid))<<1)
		b = append(b, mid...)
	}
	if t.IsZero() {
		b = append(b, 0)
	} else {
		b = binary.AppendUvarint(b, uint64(st.zone(t.Location())))
		b = binary.AppendVarint(b, t.Unix())
		b = binary.AppendUvarint(b, uint64(t.Nanosecond()))
	}
	b = binary.AppendUvarint(b, uint64(len(persona)))
	return append(b, persona...)
}

// compactMID reports a mid the emulator made, decoded into raw.
func compactMID(mid string, raw *[compactMIDLen]byte) bool {
	if len(mid) != midLen || mid[:2] != "m_" {
		return false
	}
	var enc [midLen - 2]byte
	copy(enc[:], mid[2:])
	// Strict: no stray bits, and a line break (which the decoder skips)
	// leaves too few characters for 64 bytes, so the mid encodes back.
	n, err := midEncoding.Decode(raw[:], enc[:])
	return err == nil && n == compactMIDLen
}

// zone is the number of loc in the store's zones (UTC first), plus one.
func (st *messageStore) zone(loc *time.Location) int {
	for i, l := range st.locations {
		if l == loc {
			return i + 1
		}
	}
	if len(st.locations) >= 250 {
		return 1 // more zones than a store meets: kept as UTC
	}
	st.locations = append(st.locations, loc)
	return len(st.locations)
}

// storedBytes is a stored message's bytes, read in place: the slices
// share the block's memory and must not be written to.
type storedBytes struct {
	mid     []byte // as written: 64 bytes when compact
	compact bool
	zone    uint64
	sec     int64
	nsec    uint64
	persona []byte
	body    []byte
	head    []byte // mid, time and persona as written
}

// bytesOf reads slot's bytes.
func (st *messageStore) bytesOf(slot uint32) storedBytes {
	at := st.recs[slot].at
	blk := st.blocks[uint32(at>>32)-st.firstBlock].buf
	start := int(uint32(at))
	i := start
	uvarint := func() uint64 {
		v, n := binary.Uvarint(blk[i:])
		i += n
		return v
	}
	field := func(n int) []byte {
		f := blk[i : i+n : i+n]
		i += n
		return f
	}
	var out storedBytes
	ml := uvarint()
	out.compact = ml&1 == 1
	out.mid = field(int(ml >> 1))
	if out.zone = uvarint(); out.zone != 0 {
		v, n := binary.Varint(blk[i:])
		i += n
		out.sec = v
		out.nsec = uvarint()
	}
	out.persona = field(int(uvarint()))
	out.head = blk[start:i:i]
	out.body = field(int(uvarint()))
	return out
}

// time is the message's time, in its zone.
func (b *storedBytes) time(st *messageStore) time.Time {
	if b.zone == 0 {
		return time.Time{}
	}
	return time.Unix(b.sec, int64(b.nsec)).In(st.locations[b.zone-1])
}

// midText is the mid as it came, a compact one written into buf.
func (b *storedBytes) midText(buf *[midLen]byte) []byte {
	if !b.compact {
		return b.mid
	}
	copy(buf[:], "m_")
	midEncoding.Encode(buf[2:], b.mid)
	return buf[:]
}

// midString is the mid as it came, in memory of its own.
func (b *storedBytes) midString() string {
	var buf [midLen]byte
	return string(b.midText(&buf))
}

// isMID reports whether the message's mid is mid.
func (b *storedBytes) isMID(mid string) bool {
	if !b.compact {
		return string(b.mid) == mid
	}
	var raw [compactMIDLen]byte
	return compactMID(mid, &raw) && string(raw[:]) == string(b.mid)
}

// body is slot's body, read in place (not to be written to).
func (st *messageStore) body(slot uint32) json.RawMessage {
	return st.bytesOf(slot).body
}

// mid is slot's mid.
func (st *messageStore) mid(slot uint32) string {
	b := st.bytesOf(slot)
	return b.midString()
}

// time is when slot's message was stored.
func (st *messageStore) time(slot uint32) time.Time {
	b := st.bytesOf(slot)
	return b.time(st)
}

// fromPage reports a message from the Page.
func (st *messageStore) fromPage(slot uint32) bool { return st.recs[slot].fromPage() }

// threadOf is slot's thread.
func (st *messageStore) threadOf(slot uint32) *thread { return st.threads[st.recs[slot].tf>>1] }

// message builds slot's Message, with memory of its own.
func (st *messageStore) message(slot uint32) Message {
	rec := &st.recs[slot]
	th := st.threadOf(slot)
	b := st.bytesOf(slot)
	return Message{MID: b.midString(), PageID: th.page.ID, PSID: th.psid, FromPage: rec.fromPage(),
		Time: b.time(st), Body: append(json.RawMessage(nil), b.body...), PersonaID: string(b.persona), Seq: rec.seq}
}

// edit gives slot's message a new body: the message is written again at
// the end of the queue.
func (st *messageStore) edit(slot uint32, body []byte) {
	b := st.bytesOf(slot)
	st.write(slot, b.head, body)
}

// rewrite writes slot's message again at the end of the queue, as it is,
// so that it holds no old block.
func (st *messageStore) rewrite(slot uint32) {
	b := st.bytesOf(slot)
	st.write(slot, b.head, b.body)
}

// drop lets slot's message go from p's indexes and frees the slot; its
// queue entry, when it comes, is stale.
func (st *messageStore) drop(p *pageState, slot uint32) {
	b := st.bytesOf(slot)
	var buf [midLen]byte
	mid := b.midText(&buf)
	if len(p.reactions) > 0 || len(p.edits) > 0 {
		delete(p.reactions, string(mid))
		delete(p.edits, string(mid))
	}
	st.unindexMID(&p.mids, mid, slot)
	st.recs[slot] = messageRecord{}
	st.free = append(st.free, slot)
}

// pop takes the queue's first entry off, and the blocks the queue has
// passed with it.
func (st *messageStore) pop() {
	st.queue = st.queue[1:]
	st.qbase++
	for len(st.blocks) > 1 && st.blocks[0].end <= st.qbase {
		st.blocks[0] = storeBlock{}
		st.blocks = st.blocks[1:]
		st.firstBlock++
	}
}

// midIndex finds a Page's messages by mid: a hash of the mid names the
// slot, and the rare mid whose hash another mid held when it came is
// kept by its text.
type midIndex struct {
	byHash map[uint32]uint32
	clash  map[string]uint32
}

func (st *messageStore) midHash(mid string) uint32 { return uint32(maphash.String(st.seed, mid)) }

func (st *messageStore) midHashOf(mid []byte) uint32 { return uint32(maphash.Bytes(st.seed, mid)) }

// findMID is the slot of mid in ix.
func (st *messageStore) findMID(ix *midIndex, mid string) (uint32, bool) {
	if slot, ok := ix.byHash[st.midHash(mid)]; ok && st.recs[slot].tf != 0 {
		if b := st.bytesOf(slot); b.isMID(mid) {
			return slot, true
		}
	}
	slot, ok := ix.clash[mid]
	return slot, ok
}

func (st *messageStore) indexMID(ix *midIndex, mid string, slot uint32) {
	if ix.byHash == nil {
		ix.byHash = map[uint32]uint32{}
	}
	h := st.midHash(mid)
	if other, taken := ix.byHash[h]; taken && st.recs[other].tf != 0 {
		if b := st.bytesOf(other); !b.isMID(mid) {
			if ix.clash == nil {
				ix.clash = map[string]uint32{}
			}
			ix.clash[mid] = slot
			return
		}
	}
	ix.byHash[h] = slot
}

// unindexMID takes slot, whose mid is mid, out of ix.
func (st *messageStore) unindexMID(ix *midIndex, mid []byte, slot uint32) {
	if h := st.midHashOf(mid); hasSlot(ix.byHash, h, slot) {
		delete(ix.byHash, h)
		return
	}
	if s, ok := ix.clash[string(mid)]; ok && s == slot {
		delete(ix.clash, string(mid))
	}
}

func hasSlot(m map[uint32]uint32, h, slot uint32) bool {
	s, ok := m[h]
	return ok && s == slot
}
