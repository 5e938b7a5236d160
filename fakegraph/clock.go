package fakegraph

import (
	"errors"
	"fmt"
	"math"
	"sync"
	"time"
)

// Clock is the emulator's virtual clock. It starts at the real time (or at a
// chosen instant) and moves with real time unless frozen; Advance jumps it
// forward, which is how tests cross the 24-hour window (decision D11).
// Every rule and every timestamp the emulator writes reads this clock.
type Clock struct {
	mu      sync.Mutex
	real    func() time.Time
	offset  time.Duration // virtual = real + offset (running clocks)
	frozen  bool
	at      time.Time // virtual time of a frozen clock
	changed chan struct{}
}

// NewClock returns a running clock that starts at start (zero: now).
func NewClock(start time.Time) *Clock {
	c := &Clock{real: time.Now, changed: make(chan struct{})}
	if !start.IsZero() {
		c.offset = start.Sub(c.real())
	}
	return c
}

// NewFrozenClock returns a clock that stands at start until advanced:
// deterministic timestamps for golden files.
func NewFrozenClock(start time.Time) *Clock {
	return &Clock{real: time.Now, frozen: true, at: start, changed: make(chan struct{})}
}

// Now is the virtual time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.frozen {
		return c.at
	}
	return c.real().Add(c.offset)
}

// Advance moves the clock forward by d and returns the new time. A move
// TryAdvance refuses (negative, overflowing) leaves the clock where it is.
func (c *Clock) Advance(d time.Duration) time.Time {
	now, _ := c.TryAdvance(d) // refused: now is the unchanged time, as documented
	return now
}

// Set moves the clock to t if t is later than now.
func (c *Clock) Set(t time.Time) time.Time { return c.Advance(t.Sub(c.Now())) }

// Changed returns a channel closed at the next Advance, for timers that run
// on virtual time (webhook retries) and must wake when time jumps.
func (c *Clock) Changed() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.changed
}

// maxClockTime is the latest instant the virtual clock may show: the end of
// year 9999, the last one RFC 3339 (and so the journal's JSON) can write.
var maxClockTime = time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)

// TryAdvance moves the clock forward by d and returns the new time. It
// refuses, leaving the clock where it was, a negative d (the virtual clock
// never goes back: windows, retries and expiries would run backwards) and
// a d that would overflow the clock or carry it past year 9999.
func (c *Clock) TryAdvance(d time.Duration) (time.Time, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if d < 0 {
		return c.nowLocked(), errors.New("the virtual clock only moves forward")
	}
	if !c.frozen && c.offset > math.MaxInt64-d {
		return c.nowLocked(), fmt.Errorf("advancing the virtual clock by %v would overflow it", d)
	}
	next := c.nowLocked().Add(d)
	if next.After(maxClockTime) {
		return c.nowLocked(), fmt.Errorf("advancing the virtual clock by %v would carry it past %s", d, maxClockTime.Format(time.RFC3339))
	}
	if c.frozen {
		c.at = next
	} else {
		c.offset += d
	}
	close(c.changed)
	c.changed = make(chan struct{})
	return c.nowLocked(), nil
}

// TrySet moves the clock to t, refusing an instant before now or past year
// 9999.
func (c *Clock) TrySet(t time.Time) (time.Time, error) {
	now := c.Now()
	if t.Before(now) {
		return now, errors.New("the virtual clock only moves forward")
	}
	if t.After(maxClockTime) {
		return now, fmt.Errorf("the virtual clock stops at %s", maxClockTime.Format(time.RFC3339))
	}
	return c.TryAdvance(t.Sub(now))
}

func (c *Clock) nowLocked() time.Time {
	if c.frozen {
		return c.at
	}
	return c.real().Add(c.offset)
}

// AdvanceClock moves the virtual clock forward by d and journals it; a move
// the clock refuses (see Clock.TryAdvance) is an error and journals nothing.
func (s *Server) AdvanceClock(d time.Duration) (time.Time, error) {
	from := s.clock.Now()
	now, err := s.clock.TryAdvance(d)
	if err != nil {
		return now, err
	}
	s.journalAdvance(from, now, d)
	return now, nil
}

// AdvanceClockTo moves the virtual clock to t, as AdvanceClock does.
func (s *Server) AdvanceClockTo(t time.Time) (time.Time, error) {
	from := s.clock.Now()
	now, err := s.clock.TrySet(t)
	if err != nil {
		return now, err
	}
	s.journalAdvance(from, now, now.Sub(from))
	return now, nil
}

// Advance moves the virtual clock forward by d and journals it. A move the
// clock refuses (backwards, or past its range) leaves it where it is, with
// a warning in the log; AdvanceClock reports it instead.
func (s *Server) Advance(d time.Duration) time.Time {
	now, err := s.AdvanceClock(d)
	if err != nil {
		s.log.Warn("virtual clock not moved", "by", d.String(), "err", err)
	}
	return now
}

func (s *Server) journalAdvance(from, now time.Time, d time.Duration) {
	s.journalControl(ChangeClock, "", "", map[string]any{"advanced": d.String(), "from": from.UTC(), "to": now.UTC()})
}
