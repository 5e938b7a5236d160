package main

import (
	"io"
	"sync"
	"time"
)

// lineBatcher hands log lines to w in batches: a line reaches w within
// flushAfter of being logged, and under load serve pays one write for many
// lines instead of a system call for every Graph call it logs at info.
type lineBatcher struct {
	w          io.Writer
	flushAfter time.Duration

	mu    sync.Mutex
	buf   []byte
	timer *time.Timer // armed while buf holds lines
}

// maxBatch is what a batch holds before it is written at once.
const maxBatch = 32 << 10

func newLineBatcher(w io.Writer, flushAfter time.Duration) *lineBatcher {
	b := &lineBatcher{w: w, flushAfter: flushAfter}
	b.timer = time.AfterFunc(time.Hour, b.Flush)
	b.timer.Stop()
	return b
}

// Write keeps p for the next batch. slog writes one whole line per call.
func (b *lineBatcher) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	switch {
	case len(b.buf) >= maxBatch:
		b.writeLocked()
	case len(b.buf) == len(p): // the first line since the last write
		b.timer.Reset(b.flushAfter)
	}
	return len(p), nil
}

// Flush writes what is waiting.
func (b *lineBatcher) Flush() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.writeLocked()
}

func (b *lineBatcher) writeLocked() {
	if len(b.buf) > 0 {
		_, _ = b.w.Write(b.buf) // a log that cannot be written is not the emulator's failure
		b.buf = b.buf[:0]
	}
	if cap(b.buf) > 4*maxBatch {
		b.buf = nil // a burst of huge lines does not stay held
	}
}

// Close writes what is waiting and stops the timer.
func (b *lineBatcher) Close() {
	b.timer.Stop()
	b.Flush()
}
