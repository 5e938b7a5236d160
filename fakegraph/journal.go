package fakegraph

import (
	"context"
	"encoding/json"
	"sort"
	"sync"
	"time"

	"github.com/messemu/messemu/validator"
)

// EventKind says what an event records.
type EventKind string

const (
	// KindRequest is a Graph API call by the bot, accepted or refused.
	KindRequest EventKind = "request"
	// KindUserAction is something a test user did (wrote, tapped, read).
	KindUserAction EventKind = "user_action"
	// KindWebhook is one webhook delivery attempt.
	KindWebhook EventKind = "webhook"
	// KindControl is a change made through the control API (clock, reset).
	KindControl EventKind = "control"
	// KindAlert is something the platform would tell the developer about
	// (webhook failing, webhook disabled).
	KindAlert EventKind = "alert"
)

// Event is one entry of the journal. Events are immutable once appended:
// readers share them, so nothing may modify an event it was given.
type Event struct {
	Seq  uint64    `json:"seq"`
	Time time.Time `json:"time"` // virtual clock
	Kind EventKind `json:"kind"`
	// PageID and PSID place the event in a conversation ("" when none).
	PageID string `json:"page_id,omitempty"`
	PSID   string `json:"psid,omitempty"`
	// API is the family of a request ("send", "profile", ...) or the action
	// of a user ("message", "postback", ...), or the webhook field.
	API    string `json:"api,omitempty"`
	Method string `json:"method,omitempty"`
	Path   string `json:"path,omitempty"`
	Status int    `json:"status,omitempty"`
	// Accepted is true for a request the platform would accept.
	Accepted bool `json:"accepted"`
	// Request and Response are the bodies as JSON (requests are decoded
	// from JSON, form or multipart into one JSON object).
	Request    json.RawMessage       `json:"request,omitempty"`
	Response   json.RawMessage       `json:"response,omitempty"`
	Violations []validator.Violation `json:"violations,omitempty"`
	// MID is the message id an accepted send or a user message produced.
	MID string `json:"mid,omitempty"`
	// Detail carries kind-specific data (a webhook attempt's status and
	// latency, an alert's text), as JSON.
	Detail json.RawMessage `json:"detail,omitempty"`
}

// Journal is the append-only, sequenced log of everything that happened.
// The web UI, testkit, scenarios and the control API read it; none reaches
// into the store. Readers ask for events after a sequence number and may
// wait for new ones without polling.
type Journal struct {
	mu      sync.RWMutex
	events  []Event // events[i].Seq == first + i
	first   uint64  // seq of events[0]
	next    uint64
	changed chan struct{} // closed and replaced on every append
	limit   int           // keep at most limit events; 0 keeps all
	pins    map[*Pin]uint64
}

// Pin holds events after a sequence number in the journal, whatever its
// limit, until the pin moves past them: a reader that must see every event
// (the webhook dispatcher) never loses one to trimming.
type Pin struct{ j *Journal }

// Pin returns a pin that holds the events after seq.
func (j *Journal) Pin(seq uint64) *Pin {
	p := &Pin{j: j}
	j.mu.Lock()
	if j.pins == nil {
		j.pins = map[*Pin]uint64{}
	}
	j.pins[p] = seq
	j.mu.Unlock()
	return p
}

// Move lets the events up to seq go.
func (p *Pin) Move(seq uint64) {
	p.j.mu.Lock()
	p.j.pins[p] = seq
	p.j.mu.Unlock()
}

// Release removes the pin.
func (p *Pin) Release() {
	p.j.mu.Lock()
	delete(p.j.pins, p)
	p.j.mu.Unlock()
}

// NewJournal returns an empty journal. With limit > 0 it forgets the oldest
// events once it holds a quarter more than limit, keeping the newest limit
// (0 keeps all of them).
func NewJournal(limit int) *Journal {
	return &Journal{first: 1, next: 1, changed: make(chan struct{}), limit: limit}
}

// Append assigns e the next sequence number, stores it and wakes waiting
// readers. It returns the stored event.
func (j *Journal) Append(e Event) Event {
	j.mu.Lock()
	e.Seq = j.next
	j.next++
	j.events = append(j.events, e)
	// Trim in batches so that a full journal costs O(1) per append.
	if j.limit > 0 && len(j.events) >= j.limit+max(j.limit/4, 1) {
		drop := len(j.events) - j.limit
		for _, seq := range j.pins {
			drop = min(drop, int(max(seq+1, j.first)-j.first))
		}
		if drop >= max(j.limit/4, 1) { // a pinned reader behind: grow until it catches up
			j.events = append(j.events[:0:0], j.events[drop:]...)
			j.first += uint64(drop)
		}
	}
	ch := j.changed
	j.changed = make(chan struct{})
	j.mu.Unlock()
	close(ch)
	return e
}

// Last is the sequence number of the newest event (0 when empty).
func (j *Journal) Last() uint64 {
	j.mu.RLock()
	defer j.mu.RUnlock()
	return j.next - 1
}

// After returns up to limit events with Seq > seq, oldest first (limit <= 0:
// all of them).
func (j *Journal) After(seq uint64, limit int) []Event {
	j.mu.RLock()
	defer j.mu.RUnlock()
	return j.after(seq, limit)
}

func (j *Journal) after(seq uint64, limit int) []Event {
	i := 0
	if seq >= j.first {
		if seq-j.first >= uint64(len(j.events)) {
			return nil // also keeps seq-first+1 from overflowing (after=2^64-1)
		}
		i = int(seq - j.first + 1)
	}
	if i >= len(j.events) {
		return nil
	}
	out := j.events[i:]
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return append([]Event(nil), out...)
}

// Wait returns the events after seq, blocking until there is at least one
// or ctx ends (then it returns what there is, possibly nothing, and
// ctx.Err()).
func (j *Journal) Wait(ctx context.Context, seq uint64, limit int) ([]Event, error) {
	for {
		j.mu.RLock()
		evs := j.after(seq, limit)
		ch := j.changed
		j.mu.RUnlock()
		if len(evs) > 0 {
			return evs, nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// Changed returns a channel closed at the next append.
func (j *Journal) Changed() <-chan struct{} {
	j.mu.RLock()
	defer j.mu.RUnlock()
	return j.changed
}

// Get returns the event with sequence number seq.
func (j *Journal) Get(seq uint64) (Event, bool) {
	j.mu.RLock()
	defer j.mu.RUnlock()
	if seq < j.first || seq >= j.next {
		return Event{}, false
	}
	return j.events[seq-j.first], true
}

// Find returns the events after seq that match keep, oldest first.
func (j *Journal) Find(seq uint64, keep func(*Event) bool) []Event {
	j.mu.RLock()
	defer j.mu.RUnlock()
	var out []Event
	i := sort.Search(len(j.events), func(i int) bool { return j.events[i].Seq > seq })
	for ; i < len(j.events); i++ {
		if keep(&j.events[i]) {
			out = append(out, j.events[i])
		}
	}
	return out
}
