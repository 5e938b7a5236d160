package journal

import "time"

// Scan is the read of a reader that turns every event into something of
// its own at once (the web UI's stream encodes each for its pages): no
// slice of events, and no copy of a body it does not ask for. Get, After
// and Read rebuild every marked body into memory of its own, which such a
// reader would throw away.

// The bodies of an event, for Bodies.Append.
const (
	BodyRequest = iota
	BodyResponse
	BodyDetail
)

// Bodies are the bodies of the event Scan gives fn, as the journal keeps
// them; valid during that call only.
type Bodies struct {
	e      *Event
	mode   [3]byte
	raw    [3][]byte
	thread ThreadState // the event's Thread, reused
}

// Has reports whether the event has body which (a Body constant).
func (b *Bodies) Has(which int) bool { return b.mode[which] != bodyNil }

// Append appends body which as JSON to dst (nothing when the event has
// none).
func (b *Bodies) Append(dst []byte, which int) []byte {
	raw := b.raw[which]
	if b.mode[which] != bodyMarked {
		return append(dst, raw...)
	}
	ids := [...]string{markMID: b.e.MID, markPSID: b.e.PSID, markPageID: b.e.PageID}
	for len(raw) > 0 {
		// Copy the plain stretch up to the next marker whole.
		n := 0
		for n < len(raw) && (raw[n] >= 0x20 || raw[n] == '\t' || raw[n] == '\n' || raw[n] == '\r') {
			n++
		}
		dst = append(dst, raw[:n]...)
		if n == len(raw) {
			break
		}
		if c := raw[n]; c <= markPageID {
			dst = append(dst, ids[c]...)
		} else {
			dst = append(dst, bodyWords[c]...)
		}
		raw = raw[n+1:]
	}
	return dst
}

// Scan calls fn with each of up to limit events after seq (limit <= 0: all
// of them), oldest first, under the journal's read lock, so fn must be
// quick and must not append to the journal. The event's Request, Response
// and Detail are nil: fn reads those it wants from bodies. The event and
// its Thread are reused for the next one (its strings may be kept). It returns the
// sequence number of the last event it gave fn (seq when none), or a
// *TrimmedError when events after seq were forgotten.
func (j *Journal) Scan(seq uint64, limit int, fn func(e *Event, bodies *Bodies)) (uint64, error) {
	j.mu.RLock()
	defer j.mu.RUnlock()
	if err := j.trimmedLocked(seq); err != nil {
		return seq, err
	}
	i := 0
	if seq >= j.first {
		if seq-j.first >= uint64(j.len()) {
			return seq, nil
		}
		i = int(seq - j.first + 1)
	}
	n := j.len() - i
	if limit > 0 && n > limit {
		n = limit
	}
	var e Event
	bodies := Bodies{e: &e}
	for k := range n {
		e = j.events.scan(i+k, j.first+uint64(i+k), &bodies)
		fn(&e, &bodies)
		seq = e.Seq
	}
	return seq, nil
}

// scan is get with the bodies left where they are, in bodies.
func (b *eventBlocks) scan(i int, seq uint64, bodies *Bodies) Event {
	loc := b.locs[i]
	d := decoder{blk: b.blocks[uint32(loc>>32)-b.firstBlock], at: int(uint32(loc)), locations: b.locations}
	e := Event{Seq: seq}
	kind, flags := d.byte(), d.byte()
	if kind == 0 || int(kind) >= len(kindByCode) {
		e.Kind = EventKind(d.literal())
	} else {
		e.Kind = kindByCode[kind]
	}
	e.Accepted = flags&flagAccepted != 0
	e.Time = d.time(time.Time{})
	e.PageID, e.PSID, e.API, e.Method, e.Path, e.MID = d.text(), d.text(), d.text(), d.text(), d.text(), d.text()
	e.Status = int(d.uvarint())
	for k := range bodies.raw {
		bodies.mode[k], bodies.raw[k] = d.byte(), nil
		if bodies.mode[k] != bodyNil {
			n := int(d.uvarint())
			bodies.raw[k] = d.blk[d.at : d.at+n : d.at+n]
			d.at += n
		}
	}
	if flags&flagThread != 0 {
		t := &bodies.thread
		*t = ThreadState{OwnerAppID: d.text(), Standby: flags&flagStandby != 0}
		switch d.byte() {
		case 0:
			t.Window = WindowClosed
		case 1:
			t.Window = WindowOpen
		default:
			t.Window = d.literal()
		}
		t.WindowEnds = d.time(e.Time)
		t.HumanAgentEnds = d.time(e.Time)
		e.Thread = t
	}
	if flags&flagViolations != 0 {
		e.Violations = b.violationsOf(seq)
	}
	return e
}
