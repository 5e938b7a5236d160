//go:build !race

package conformance

// raceEnabled: the test runs without -race.
const raceEnabled = false
