package scenarios

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/messemu/messemu/fakegraph"
)

// A scenario without setup: clock runs at the run's now (Runner.Now, as
// replay sets it to the time the run started), not at the date another
// file's setup: clock started the emulator at; dated scenarios run at
// their dates, before or after it.
func TestRunnerRunsUndatedScenariosAtTheRunsNow(t *testing.T) {
	t.Parallel()
	emu := startEmulatorWith(t, "You said: ", fakegraph.WithClock(fakegraph.NewClock(time.Date(2024, 1, 1, 8, 0, 0, 0, time.UTC))))
	all, err := Parse("now.yaml", []byte(`
- name: today
  steps: [{says: when}, {expect: {text: "2024-06-01"}}]
- name: in january
  setup: {clock: "2024-01-02T09:00:00Z"}
  steps: [{says: when}, {expect: {text: "2024-01-02"}}]
- name: today, moving on
  steps: [{says: when}, {expect: {text: "2024-06-01"}}, {advances_clock: 48h}, {says: when}, {expect: {text: "2024-06-03"}}]
- name: in july
  setup: {clock: "2024-07-01T09:00:00Z"}
  steps: [{says: when}, {expect: {text: "2024-07-01"}}]
`))
	require.NoError(t, err)
	var order []string
	r := &Runner{Emulator: emu.URL(), Wait: 5 * time.Second, Now: time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC),
		OnResult: func(res Result) { order = append(order, res.Scenario.Name) }}
	rep, err := r.Run(context.Background(), all)
	require.NoError(t, err)
	for _, res := range rep.Results {
		assert.True(t, res.Passed(), "%s: %s", res.Scenario.Name, res.Failure)
	}
	assert.Equal(t, []string{"in january", "today", "today, moving on", "in july"}, order)
}

// A dated scenario that moves the clock up to the very date of the next
// one leaves it runnable: the real seconds the run took are no conflict.
func TestRunnerRunsADateAnEarlierScenarioMovedTheClockTo(t *testing.T) {
	t.Parallel()
	emu := startEmulatorWith(t, "You said: ", fakegraph.WithClock(fakegraph.NewClock(time.Date(2024, 1, 1, 8, 0, 0, 0, time.UTC))))
	all, err := Parse("chain.yaml", []byte(`
- name: first day
  setup: {clock: "2024-01-01T09:00:00Z"}
  steps: [{says: hi}, {expect: {text: "You said: hi"}}, {advances_clock: 25h}]
- name: the next day
  setup: {clock: "2024-01-02T10:00:00Z"}
  steps: [{says: when}, {expect: {text: "2024-01-02"}}]
`))
	require.NoError(t, err)
	require.NoError(t, CheckClocks(all, time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)))
	rep, err := (&Runner{Emulator: emu.URL(), Wait: 5 * time.Second}).Run(context.Background(), all)
	require.NoError(t, err)
	for _, res := range rep.Results {
		assert.True(t, res.Passed(), "%s: %s", res.Scenario.Name, res.Failure)
	}
}

// Dates that cannot all be reached, the clock only moving forward, are
// refused before anything runs, naming both scenarios.
func TestCheckClocksNamesBothScenarios(t *testing.T) {
	t.Parallel()
	a, err := Parse("a.yaml", []byte("name: a\nsetup:\n  clock: \"2024-01-01T09:00:00Z\"\nsteps: [{says: hi}, {advances_clock: 25h}]\n"))
	require.NoError(t, err)
	b, err := Parse("b.yaml", []byte("name: b\nsetup: {clock: \"2024-01-02T09:00:00Z\"}\nsteps: [{says: hi}]\n"))
	require.NoError(t, err)
	c, err := Parse("c.yaml", []byte("name: c\nsteps: [{says: hi}]\n"))
	require.NoError(t, err)

	err = CheckClocks(append(a, b...), time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC))
	require.Error(t, err)
	assert.Equal(t, `b.yaml:2:16: setup: clock 2024-01-02T09:00:00Z comes before the virtual clock is free: a.yaml:1 "a" runs from 2024-01-01T09:00:00Z to 2024-01-02T10:00:00Z (its setup: clock, then advances_clock 25h), and the clock only moves forward; move one of the dates`, err.Error())

	// A dated scenario that carries the clock past the run's now takes the
	// undated ones with it: they run from where it left the clock, so the
	// run does not pass or fail by the hour it starts at.
	start := time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC)
	require.NoError(t, CheckClocks(append(a, c...), start))
	phases, _ := schedule(append(a, c...), start)
	require.Len(t, phases, 2)
	assert.Equal(t, time.Date(2024, 1, 2, 10, 0, 0, 0, time.UTC), phases[1].to, "the undated run from a's end")

	assert.NoError(t, CheckClocks(append(a, c...), time.Date(2024, 1, 3, 0, 0, 0, 0, time.UTC)))
	d, err := Parse("d.yaml", []byte("name: d\nsetup: {clock: \"2024-01-02T10:00:00Z\"}\nsteps: [{says: hi}]\n"))
	require.NoError(t, err)
	assert.NoError(t, CheckClocks(append(d, a...), time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)), "in the run's future, one after the other")
}
