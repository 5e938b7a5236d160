//go:build race

package conformance

// raceEnabled: the test runs under -race, so the emulator is built with it too.
const raceEnabled = true
