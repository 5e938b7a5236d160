//go:build !linux

package main

import "time"

// newPacer returns the schedule's clock where nanosleep(2) is not at hand:
// Go's timers, which may wake a sleeping runtime up to a millisecond late
// (the lateness line of the output shows how much).
func newPacer() func(time.Time) {
	return func(t time.Time) {
		if d := time.Until(t); d > 0 {
			time.Sleep(d)
		}
	}
}
