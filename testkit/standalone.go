package testkit

import (
	"fmt"
	"io"
	"sync"
)

// Standalone is a TB for code that is not a Go test: runnable examples, a
// main program driving a bot, another test runner's adapter. It writes
// failures to a writer, remembers that one happened, and runs cleanups on
// Close, last registered first.
type Standalone struct {
	w        io.Writer
	mu       sync.Mutex
	failed   bool
	cleanups []func()
}

// NewStandalone returns a Standalone that writes failures to w.
func NewStandalone(w io.Writer) *Standalone { return &Standalone{w: w} }

// Helper does nothing: there is no call stack to trim.
func (s *Standalone) Helper() {}

// Errorf reports a failure and goes on.
func (s *Standalone) Errorf(format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failed = true
	fmt.Fprintf(s.w, format+"\n", args...)
}

// Fatalf reports a failure and stops by panicking with it, since outside
// a test there is no goroutine of the test's own to end.
func (s *Standalone) Fatalf(format string, args ...any) {
	s.Errorf(format, args...)
	panic(fmt.Sprintf(format, args...))
}

// Cleanup registers f to run on Close.
func (s *Standalone) Cleanup(f func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cleanups = append(s.cleanups, f)
}

// Failed reports whether a failure was reported.
func (s *Standalone) Failed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.failed
}

// Close runs the cleanups, last registered first.
func (s *Standalone) Close() {
	s.mu.Lock()
	fs := s.cleanups
	s.cleanups = nil
	s.mu.Unlock()
	for i := len(fs) - 1; i >= 0; i-- {
		fs[i]()
	}
}

var _ TB = (*Standalone)(nil)
