package fakegraph

import "time"

// Timeouts bound how long one connection may hold a listener: a client
// that sends its headers or body slowly (or not at all) is cut off rather
// than kept for ever. The intercept listener of `messemu serve` uses the
// same values.
type Timeouts struct {
	// ReadHeader is the time allowed to read a request's headers.
	ReadHeader time.Duration
	// Read is the time allowed to read a whole request, body included.
	Read time.Duration
	// Idle is how long a keep-alive connection may wait for its next request.
	Idle time.Duration
}

// DefaultTimeouts are the listener timeouts of Start: generous enough for a
// 25 MB upload over a slow link, short enough that a
// stalled client does not hold a connection for ever.
func DefaultTimeouts() Timeouts {
	return Timeouts{ReadHeader: 10 * time.Second, Read: 2 * time.Minute, Idle: 5 * time.Minute}
}

// WithTimeouts sets the listener timeouts of Start (zero fields keep the
// defaults).
func WithTimeouts(t Timeouts) Option {
	return func(o *options) {
		d := DefaultTimeouts()
		if t.ReadHeader > 0 {
			d.ReadHeader = t.ReadHeader
		}
		if t.Read > 0 {
			d.Read = t.Read
		}
		if t.Idle > 0 {
			d.Idle = t.Idle
		}
		o.timeouts = d
	}
}
