package webui

import (
	"context"
	"encoding/json"
	"errors"
	"sort"
	"sync"
	"time"

	"github.com/messemu/messemu/fakegraph"
	"github.com/messemu/messemu/fakegraph/journal"
)

// The feed reads the journal once for every open page. While one page or
// more is connected, a single goroutine waits for new events, encodes each
// once (encode.go) and keeps the newest runs of them; every page's writer
// slices its frames out of those runs, and pages at the live edge (all of
// them, most of the time) write the very same frame bytes. So an open
// page costs the emulator one socket write per frame and no journal read,
// decoding or encoding of its own; the send path only closes one channel
// per append (the journal's), as with no page open.

// feedBytes is the most the feed keeps, in bytes of encoded events: a
// page that reconnects within it reads no journal at all.
const feedBytes = 8 << 20

// runEvents bounds a run: under a flood, the feed makes more than ten
// runs a second rather than larger ones.
const runEvents = 5000

// run is a stretch of consecutive events, encoded: events first..last,
// joined by commas, ends[i] the end of event first+i in data; frame is
// the frame of the whole run, around data (data is a part of it), its
// last_seq the run's last event (the journal's newest when it was read).
type run struct {
	first, last uint64
	frame, data []byte
	ends        []int
}

// framePrefix starts a frame; appendFrame writes the rest.
const framePrefix = `{"events":[`

// runBuilder encodes events into a run, one at a time.
type runBuilder struct {
	r    run
	b    []byte
	memo runMemo
	// bodies of the event being scanned (scanned), reused.
	bodies [3][]byte
}

// start begins a run of about size bytes and n events.
func (rb *runBuilder) start(size, n int) {
	*rb = runBuilder{b: append(make([]byte, 0, size), framePrefix...), r: run{ends: make([]int, 0, n)}, bodies: rb.bodies}
}

// add encodes ev, the event after the last one added.
func (rb *runBuilder) add(ev *fakegraph.Event) {
	if len(rb.r.ends) == 0 {
		rb.r.first = ev.Seq
	} else {
		rb.b = append(rb.b, ',')
	}
	start := len(rb.b)
	b, err := appendEvent(rb.b, ev, false, &rb.memo)
	if err != nil {
		// Violations that do not marshal must not stop the stream: the
		// page gets the event without them, and the journal answers
		// what it has when the row is expanded.
		b = appendBareEvent(rb.b[:start], ev)
	}
	rb.b = b
	rb.r.last = ev.Seq
	rb.r.ends = append(rb.r.ends, len(rb.b)-len(framePrefix))
}

// scanned is add for an event read by Journal.Scan: its bodies are
// written from where the journal keeps them into buffers reused for the
// next event, and those the stream leaves out (an accepted request's
// answer) are not written at all.
func (rb *runBuilder) scanned(ev *fakegraph.Event, bodies *journal.Bodies) {
	for k, body := range [...]*json.RawMessage{&ev.Request, &ev.Response, &ev.Detail} {
		switch {
		case !bodies.Has(k):
		case k == journal.BodyResponse && ev.Kind == fakegraph.KindRequest && ev.Accepted:
			*body = json.RawMessage{} // left out (appendEvent): only that there is one matters
		default:
			rb.bodies[k] = bodies.Append(rb.bodies[k][:0], k)
			*body = rb.bodies[k]
		}
	}
	rb.add(ev)
}

// finish answers the run built, nil when empty.
func (rb *runBuilder) finish() *run {
	if len(rb.r.ends) == 0 {
		return nil
	}
	r := rb.r
	r.data = rb.b[len(framePrefix):len(rb.b):len(rb.b)]
	r.frame = appendFrameEnd(rb.b, r.last, false)
	return &r
}

// after is the encoded events of r after seq (seq >= r.first-1).
func (r *run) after(seq uint64) []byte {
	if seq < r.first {
		return r.data
	}
	if seq >= r.last {
		return nil
	}
	return r.data[r.ends[seq-r.first]+1:] // past the comma
}

// feed is the shared reader of one UI's journal, alive while pages are
// connected (hub.go starts and stops it).
type feed struct {
	j      *fakegraph.Journal
	cancel context.CancelFunc
	done   chan struct{}

	mu    sync.Mutex
	runs  []*run // consecutive, oldest first
	bytes int
	start uint64        // the feed holds the events after start
	last  uint64        // the newest event it holds (start when none)
	grew  chan struct{} // closed and replaced when a run is added
}

func startFeed(j *fakegraph.Journal) *feed {
	ctx, cancel := context.WithCancel(context.Background())
	last := j.Last()
	f := &feed{j: j, cancel: cancel, done: make(chan struct{}), start: last, last: last, grew: make(chan struct{})}
	go f.loop(ctx)
	return f
}

func (f *feed) stop() {
	f.cancel()
	<-f.done
}

// loop turns what the journal gains into runs: at most one every
// frameInterval, carrying all that came meanwhile, so that under any load
// the feed keeps up with the journal (a run of more than runEvents is
// followed by the rest at once).
func (f *feed) loop(ctx context.Context) {
	defer close(f.done)
	pause := time.NewTimer(0)
	defer pause.Stop()
	var rb runBuilder
	size, events := 64<<10, 256
	for {
		select {
		case <-pause.C:
		case <-ctx.Done():
			return
		}
		f.mu.Lock()
		last := f.last
		f.mu.Unlock()
		changed := f.j.Changed()
		if rb.b == nil || len(rb.r.ends) > 0 { // a run that found nothing is started already
			rb.start(size, events)
		}
		err := readRun(f.j, &rb, last, runEvents)
		var trimmed *fakegraph.TrimmedError
		if errors.As(err, &trimmed) {
			// The journal forgot events the feed never read (a journal
			// limit under a flood): start again from its oldest; pages
			// behind that are told so by their catch-up (catchup.go).
			f.restart(trimmed.First - 1)
			pause.Reset(0)
			continue
		}
		r := rb.finish()
		if r == nil { // nothing new: wait for it, then take it at once
			select {
			case <-changed:
				pause.Reset(0)
				continue
			case <-ctx.Done():
				return
			}
		}
		f.add(r)
		// The next run is about as large as the larger of the last few
		// (a run's 100 ms stretch when the feed runs late): room for a
		// quarter more, so that it is not copied as it grows.
		size = max(size-size/8, len(r.frame)+len(r.frame)/4)
		events = max(events-events/8, len(r.ends)+len(r.ends)/4)
		if len(r.ends) == runEvents {
			pause.Reset(0)
		} else {
			pause.Reset(frameInterval)
		}
	}
}

// scanChunk bounds the events the feed reads under one hold of the
// journal's read lock, so that no send waits long for its append.
const scanChunk = 256

// readRun adds to rb the events after seq, limit at most, scanChunk to a
// hold of the journal's read lock; an error is the journal's
// *TrimmedError.
func readRun(j *fakegraph.Journal, rb *runBuilder, seq uint64, limit int) error {
	for n := 0; n < limit; {
		last, err := j.Scan(seq, min(scanChunk, limit-n), rb.scanned)
		got := len(rb.r.ends) - n
		if err != nil || got < min(scanChunk, limit-n) {
			return err
		}
		seq, n = last, n+got
	}
	return nil
}

func (f *feed) restart(at uint64) {
	f.mu.Lock()
	f.runs, f.bytes, f.start, f.last = nil, 0, at, at
	f.mu.Unlock()
}

// add keeps r and wakes the pages' writers.
func (f *feed) add(r *run) {
	f.mu.Lock()
	f.runs = append(f.runs, r)
	f.bytes += cap(r.frame) // what the run holds, room for more included
	for len(f.runs) > 1 && f.bytes > feedBytes {
		f.bytes -= cap(f.runs[0].frame)
		f.start = f.runs[0].last
		f.runs[0] = nil
		f.runs = f.runs[1:]
	}
	f.last = r.last
	grew := f.grew
	f.grew = make(chan struct{})
	f.mu.Unlock()
	close(grew)
}

// step is a page's next frame from the feed.
type step struct {
	// behind: the feed no longer holds the events after the page's (it
	// catches up from the journal).
	behind bool
	// frame: the page is at the start of a run, whose frame every such
	// page writes (the same bytes): its events up to upTo.
	frame []byte
	// events (joined by commas) up to upTo: the rest of a run a page
	// joined in its middle (once, after a catch-up or a reconnect).
	events []byte
	upTo   uint64
	// grew, when there is nothing yet: closed when there is more.
	grew <-chan struct{}
}

// next is the step of a page whose newest event is after. A page never
// gets more than one run a frame: one behind by several runs (it was
// slow, or the feed split a flood) writes their frames back to back, so
// that no page copies what the feed holds.
func (f *feed) next(after uint64) step {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case after < f.start:
		return step{behind: true}
	case after >= f.last:
		return step{grew: f.grew}
	}
	i := sort.Search(len(f.runs), func(i int) bool { return f.runs[i].last > after })
	r := f.runs[i]
	st := step{upTo: r.last}
	switch {
	case after+1 == r.first:
		st.frame = r.frame
	case r.first < f.j.First():
		// The run began before the journal's oldest event, where a page
		// that started afresh from it began: its events may name earlier
		// ones of the run ("like", "violations_of") the page never got.
		// The catch-up reads the rest as a run of its own.
		return step{behind: true}
	default:
		st.events = r.after(after)
	}
	return st
}
