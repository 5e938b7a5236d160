package journal

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
	back   [3]uint64   // bodyDelivery: how far back the request is
	thread ThreadState // the event's Thread, reused
}

// Has reports whether the event has body which (a Body constant).
func (b *Bodies) Has(which int) bool { return b.mode[which] != bodyNil }

// Append appends body which as JSON to dst (nothing when the event has
// none).
func (b *Bodies) Append(dst []byte, which int) []byte {
	raw := b.raw[which]
	switch b.mode[which] {
	case bodyDelivery:
		return AppendDeliveryDetail(dst, b.e, b.e.Seq-b.back[which])
	case bodyMarked:
	default:
		return append(dst, raw...)
	}
	ids := [...]string{markMID: b.e.MID, markPSID: b.e.PSID, markPageID: b.e.PageID}
	var millis [20]byte
	ms := appendMillis(millis[:0], b.e)
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
		switch c := raw[n]; {
		case c == markMillis:
			dst = append(dst, ms...)
		case c <= markPageID:
			dst = append(dst, ids[c]...)
		default:
			dst = append(dst, bodyWords[c]...)
		}
		raw = raw[n+1:]
	}
	return dst
}

// body is body which in memory of its own, or the block's for a body
// kept as it came (Get's bodies).
func (b *Bodies) body(which int) []byte {
	switch b.mode[which] {
	case bodyNil:
		return nil
	case bodyRaw:
		return b.raw[which]
	}
	// A marked body grows by its ids and words; a delivery is written
	// whole from the ids (about 160 bytes besides).
	return b.Append(make([]byte, 0, 2*len(b.raw[which])+160+len(b.e.MID)+len(b.e.PSID)+len(b.e.PageID)), which)
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
	i, n := j.span(seq, limit)
	var e Event
	bodies := Bodies{e: &e}
	for k := range n {
		e = j.events.decode(i+k, j.first+uint64(i+k), &bodies, &bodies.thread)
		fn(&e, &bodies)
		seq = e.Seq
	}
	return seq, nil
}
