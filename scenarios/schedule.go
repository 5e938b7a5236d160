package scenarios

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
)

// When each scenario of a run runs, on the emulator's virtual clock, which
// only moves forward.
//
// A scenario with setup: clock runs at its date. One without runs at the
// run's now: Runner.Now, which messemu replay sets to the wall-clock time
// the run started (so its verdict is today's rules, whatever dates other
// files set), or, when it is zero, the emulator's clock as the run
// begins. The run takes them in the order of those times:
//
//  1. the dated scenarios before now, one at a time, in date order;
//  2. the clock moves to now (unless it is there already), and the
//     undated scenarios run: those that may share the emulator, Parallel
//     at a time; then, one at a time, those that set the Page's profile,
//     and those that move the clock on with advances_clock, each from
//     where the one before left the clock;
//  3. the dated scenarios after now, one at a time, in date order.
//
// A scenario's advances_clock steps carry the clock past its start. A
// dated scenario whose date the scenario before it carries the clock past
// cannot run; nor can the undated ones when a dated scenario before now
// carries the clock past now. CheckClocks says so before the run, naming
// both; Run fails such a scenario unrun. Scenarios of the same date run
// one after the other: the seconds the first takes in real time carry the
// clock a little past the date of the next, which runs there.

// phase is scenarios that run together.
type phase struct {
	list     []*Scenario
	parallel bool // Parallel at a time; else one
	// to, when set, is where the clock moves before the phase (if it is
	// not past it already): the run's now.
	to time.Time
}

// clockConflict is a scenario that cannot run at its date.
type clockConflict struct {
	s      *Scenario
	reason string
}

// timed is a scenario with when it starts and how far its steps move the
// clock.
type timed struct {
	s     *Scenario
	at    time.Time
	span  time.Duration
	dated bool
}

// ClockSpan is how far the scenario's advances_clock steps move the
// virtual clock, in all.
func (s *Scenario) ClockSpan() time.Duration {
	var d time.Duration
	for _, st := range s.Steps {
		if st.AdvancesClock != nil {
			d += st.AdvancesClock.Duration
		}
	}
	return d
}

// schedule orders list into phases, the run's now being now, and lists
// the scenarios that cannot run at their dates.
func schedule(list []*Scenario, now time.Time) ([]phase, []clockConflict) {
	var past, future, undatedAlone []timed
	var shared []*Scenario
	for _, s := range list {
		t := timed{s: s, span: s.ClockSpan(), at: now}
		switch at, ok := s.StartsAt(); {
		case ok:
			t.at, t.dated = at, true
			if at.Before(now) {
				past = append(past, t)
			} else {
				future = append(future, t)
			}
		case s.runsAlone():
			undatedAlone = append(undatedAlone, t)
		default:
			shared = append(shared, s)
		}
	}
	byDate := func(a, b timed) int { return cmp.Or(a.at.Compare(b.at), cmp.Compare(a.span, b.span)) }
	slices.SortStableFunc(past, byDate)
	slices.SortStableFunc(future, byDate)
	// Those that set the profile alone, at now, before those that move on.
	slices.SortStableFunc(undatedAlone, func(a, b timed) int { return cmp.Compare(a.span, b.span) })

	var phases []phase
	var conflicts []clockConflict
	var clock time.Time // where the scenarios so far leave it (zero: not known)
	var last *timed     // the scenario that took it there
	dated := func(t timed) {
		switch end := t.at.Add(t.span); {
		case last != nil && t.at.Before(clock):
			conflicts = append(conflicts, clockConflict{t.s, fmt.Sprintf("setup: clock %s comes before the virtual clock is free: %s, and the clock only moves forward; move one of the dates",
				stamp(t.at), last.describe(clock))})
		default:
			phases = append(phases, phase{list: []*Scenario{t.s}})
			clock, last = end, &t
		}
	}
	for _, t := range past {
		dated(t)
	}
	// The undated run at now, or, where a scenario dated before now
	// carried the clock past it (advances_clock), from there on: the
	// platform's rules are the same either side of a few hours past now,
	// and a run must not pass or fail by the hour it starts at.
	undatedAt := now
	if clock.After(undatedAt) {
		undatedAt = clock
	}
	if len(shared) > 0 || len(undatedAlone) > 0 {
		clock = undatedAt
	}
	if len(shared) > 0 {
		phases = append(phases, phase{list: shared, parallel: true, to: undatedAt})
	}
	for i, t := range undatedAlone {
		ph := phase{list: []*Scenario{t.s}}
		if i == 0 && len(shared) == 0 {
			ph.to = undatedAt
		}
		phases = append(phases, ph)
		t.at = clock
		clock = clock.Add(t.span)
		if t.span > 0 {
			last = &t
		}
	}
	for _, t := range future {
		dated(t)
	}
	return phases, conflicts
}

// describe says where t took the clock, for a conflict: from when to
// when, and how.
func (t *timed) describe(to time.Time) string {
	how := "advances_clock " + shortDuration(t.span)
	if t.dated {
		how = "its setup: clock, then " + how
	} else {
		how = "without setup: clock, from the run's now, then " + how
	}
	return fmt.Sprintf("%s runs from %s to %s (%s)", nameOf(t.s), stamp(t.at), stamp(to), how)
}

// nameOf is a scenario as a conflict names it: file:line "name".
func nameOf(s *Scenario) string { return fmt.Sprintf("%s:%d %q", s.File, s.Line, s.Name) }

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// shortDuration writes d as a scenario file would: 25h, not 25h0m0s.
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// CheckClocks refuses, before a run, scenarios that could not run at
// their setup: clock dates, the run's now being now (replay: the time
// the run started): each at its setup: clock, naming the scenario that
// carries the clock past it (see the order above). It returns an
// ErrorList, nil when every date can be reached.
func CheckClocks(list []*Scenario, now time.Time) error {
	_, conflicts := schedule(list, now)
	if len(conflicts) == 0 {
		return nil
	}
	var errs ErrorList
	for _, c := range conflicts {
		errs = append(errs, c.posError())
	}
	return errs
}

// CheckReachable refuses, before a run on an emulator already running
// (replay --emulator), the scenarios dated before its clock, which only
// moves forward: each at its setup: clock. It returns an ErrorList, nil
// when every date is ahead of clock.
func CheckReachable(list []*Scenario, clock time.Time) error {
	var errs ErrorList
	for _, s := range list {
		if at, ok := s.StartsAt(); ok && at.Before(clock) {
			errs = append(errs, clockConflict{s, fmt.Sprintf("setup: clock %s is before the emulator's clock (%s), and the clock only moves forward; "+
				"start the emulator at that date or earlier (messemu serve --clock), or let replay start its own (no --emulator)", stamp(at), stamp(clock))}.posError())
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return errs
}

// posError places the conflict at the scenario's setup: clock.
func (c clockConflict) posError() *PosError {
	line, col := c.s.Line, 1
	if p := c.s.at.clock; p.line != 0 {
		line, col = p.line, p.col
	}
	return &PosError{File: c.s.File, Line: line, Column: col, Reason: c.reason}
}
