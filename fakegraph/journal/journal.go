package journal

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
)

// Journal is the append-only, sequenced log of everything that happened.
// The web UI, testkit, scenarios and the control API read it; none reaches
// into the store. Readers ask for events after a sequence number and may
// wait for new ones without polling.
type Journal struct {
	mu      sync.RWMutex
	events  eventBlocks // encoded (codec.go); event first+i at index i
	first   uint64      // seq of the oldest event kept
	next    uint64
	changed chan struct{} // closed and replaced at an append once a reader took it
	taken   atomic.Bool   // a reader took changed (under the read lock)
	keep    Retention
	pins    map[*Pin]uint64
	// oldest mirrors first for readers that must not take the lock (the
	// store follows the journal's trimming under its own lock).
	oldest atomic.Uint64
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
	return NewRetainingJournal(Retention{Events: limit})
}

// NewRetainingJournal returns an empty journal that forgets its oldest
// events under r (the zero Retention keeps all of them).
func NewRetainingJournal(r Retention) *Journal {
	j := &Journal{first: 1, next: 1, changed: make(chan struct{}), keep: r}
	j.oldest.Store(1)
	return j
}

// Append assigns e the next sequence number, stores it and wakes waiting
// readers. It returns the stored event.
func (j *Journal) Append(e Event) Event {
	j.mu.Lock()
	e.Seq = j.next
	j.next++
	j.events.add(&e)
	if j.keep.bounded() {
		j.trimLocked(e.Time)
	}
	// A reader took the channel: close it and make the next. With no
	// one waiting, there is nothing to replace.
	var ch chan struct{}
	if j.taken.Load() {
		ch, j.changed = j.changed, make(chan struct{})
		j.taken.Store(false)
	}
	j.mu.Unlock()
	if ch != nil {
		close(ch)
	}
	return e
}

// Last is the sequence number of the newest event (0 when empty).
func (j *Journal) Last() uint64 {
	j.mu.RLock()
	defer j.mu.RUnlock()
	return j.next - 1
}

// After returns up to limit events with Seq > seq, oldest first (limit <= 0:
// all of them), from the oldest kept when seq was trimmed; Read reports
// the trimming.
func (j *Journal) After(seq uint64, limit int) []Event {
	j.mu.RLock()
	defer j.mu.RUnlock()
	return j.after(seq, limit)
}

// span is where the events after seq start among those held (index i)
// and how many of them to read, limit at most (limit <= 0: all).
func (j *Journal) span(seq uint64, limit int) (i, n int) {
	if seq >= j.first {
		if seq-j.first >= uint64(j.len()) {
			return j.len(), 0 // also keeps seq-first+1 from overflowing (after=2^64-1)
		}
		i = int(seq - j.first + 1)
	}
	n = j.len() - i
	if limit > 0 && n > limit {
		n = limit
	}
	return i, n
}

func (j *Journal) after(seq uint64, limit int) []Event {
	i, n := j.span(seq, limit)
	if n == 0 {
		return nil
	}
	out := make([]Event, n)
	for k := range out {
		out[k] = j.at(i + k)
	}
	return out
}

// len is the number of events kept.
func (j *Journal) len() int { return len(j.events.locs) }

// at decodes the event at index i.
func (j *Journal) at(i int) Event { return j.events.get(i, j.first+uint64(i)) }

// Wait returns the events after seq, blocking until there is at least one
// or ctx ends (then it returns what there is, possibly nothing, and
// ctx.Err()). A reader whose position was trimmed gets a *TrimmedError
// (errors.Is ErrTrimmed) instead of a silent gap.
func (j *Journal) Wait(ctx context.Context, seq uint64, limit int) ([]Event, error) {
	return j.WaitMatch(ctx, seq, limit, nil)
}

// WaitMatch is Wait for the events that match keep (nil: all): it returns
// up to limit matching events after seq, oldest first, blocking until
// there is one or ctx ends. keep runs under the journal's read lock: it
// must not call the Server or anything else that takes a lock held while
// appending to the journal (the webhook dispatcher's), or the two deadlock.
func (j *Journal) WaitMatch(ctx context.Context, seq uint64, limit int, keep func(*Event) bool) ([]Event, error) {
	for {
		j.mu.RLock()
		if err := j.trimmedLocked(seq); err != nil {
			j.mu.RUnlock()
			return nil, err
		}
		evs, scanned := j.matchLocked(seq, limit, keep)
		ch := j.changedLocked()
		j.mu.RUnlock()
		if len(evs) > 0 {
			return evs, nil
		}
		seq = scanned // nothing up to here matches: later rounds start after it
		select {
		case <-ch:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// Read returns up to limit events after seq that match keep (nil: all),
// oldest first, without waiting; a trimmed position is a *TrimmedError.
func (j *Journal) Read(seq uint64, limit int, keep func(*Event) bool) ([]Event, error) {
	j.mu.RLock()
	defer j.mu.RUnlock()
	if err := j.trimmedLocked(seq); err != nil {
		return nil, err
	}
	evs, _ := j.matchLocked(seq, limit, keep)
	return evs, nil
}

// First is the sequence number of the oldest event kept (Last()+1 when
// the journal is empty). It takes no lock: the store follows the
// journal's trimming under its own.
func (j *Journal) First() uint64 { return j.oldest.Load() }

// Bytes is the size of the events kept, encoded.
func (j *Journal) Bytes() int {
	j.mu.RLock()
	defer j.mu.RUnlock()
	return j.events.bytes
}

// trimmedLocked reports a reader at seq that missed trimmed events.
func (j *Journal) trimmedLocked(seq uint64) error {
	if j.first > 0 && seq < j.first-1 { // seq+1 would wrap at the largest seq
		return &TrimmedError{After: seq, First: j.first}
	}
	return nil
}

// matchLocked collects up to limit events after seq that match keep; it
// also returns the seq of the last event it looked at.
func (j *Journal) matchLocked(seq uint64, limit int, keep func(*Event) bool) ([]Event, uint64) {
	if keep == nil {
		evs := j.after(seq, limit)
		if len(evs) > 0 {
			return evs, evs[len(evs)-1].Seq
		}
		return nil, max(seq, j.next-1)
	}
	i, _ := j.span(seq, 0)
	var out []Event
	last := max(seq, j.next-1)
	for n := j.len(); i < n; i++ {
		e := j.at(i)
		if keep(&e) {
			out = append(out, e)
			if limit > 0 && len(out) == limit {
				last = e.Seq
				break
			}
		}
	}
	return out, last
}

// ErrTrimmed is what a reader gets when events after its position were
// forgotten under the journal's limit.
var ErrTrimmed = errors.New("journal events were trimmed")

// TrimmedError says which events a reader missed.
type TrimmedError struct {
	After uint64 // the reader's position
	First uint64 // the oldest event still kept
}

func (e *TrimmedError) Error() string {
	return fmt.Sprintf("journal events %d to %d were trimmed under the journal's retention (the oldest kept is %d): read again after %d, or keep more with --retention",
		e.After+1, e.First-1, e.First, e.First-1)
}

// Is makes errors.Is(err, ErrTrimmed) true.
func (e *TrimmedError) Is(target error) bool { return target == ErrTrimmed }

// Changed returns a channel closed at the next append.
func (j *Journal) Changed() <-chan struct{} {
	j.mu.RLock()
	defer j.mu.RUnlock()
	return j.changedLocked()
}

// changedLocked is Changed with the lock held (read or write).
func (j *Journal) changedLocked() chan struct{} {
	j.taken.Store(true)
	return j.changed
}

// Get returns the event with sequence number seq.
func (j *Journal) Get(seq uint64) (Event, bool) {
	j.mu.RLock()
	defer j.mu.RUnlock()
	if seq < j.first || seq >= j.next {
		return Event{}, false
	}
	return j.at(int(seq - j.first)), true
}

// Find returns the events after seq that match keep, oldest first. keep
// runs under the journal's read lock, as WaitMatch's does, with the same
// limits.
func (j *Journal) Find(seq uint64, keep func(*Event) bool) []Event {
	j.mu.RLock()
	defer j.mu.RUnlock()
	var out []Event
	i := 0
	if seq >= j.first {
		i = int(seq - j.first + 1)
	}
	for n := j.len(); i < n; i++ {
		e := j.at(i)
		if keep(&e) {
			out = append(out, e)
		}
	}
	return out
}
