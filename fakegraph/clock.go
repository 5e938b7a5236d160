package fakegraph

import (
	"sync"
	"time"
)

// Clock is the emulator's virtual clock. It starts at the real time (or at a
// chosen instant) and moves with real time unless frozen; Advance jumps it
// forward, which is how tests cross the 24-hour window (PLATFORM.md D11).
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

// Advance moves the clock forward by d (negative values are ignored) and
// returns the new time.
func (c *Clock) Advance(d time.Duration) time.Time {
	c.mu.Lock()
	if d > 0 {
		if c.frozen {
			c.at = c.at.Add(d)
		} else {
			c.offset += d
		}
	}
	now := c.at
	if !c.frozen {
		now = c.real().Add(c.offset)
	}
	close(c.changed)
	c.changed = make(chan struct{})
	c.mu.Unlock()
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
