// Package scenarios replays conversations written as YAML files against a
// Messenger bot through an emulator, the way a CI job runs them: the
// format and its loader, the runner, the JUnit writer, the recorder that
// turns a live session into a file, and the checker that judges an
// exported journal under today's rules.
//
// A scenario says what a test user does and what the bot must answer:
//
//	name: greets and offers colours
//	steps:
//	  - says: hi
//	  - expect:
//	      text_contains: Hello
//	      quick_replies: [Colours, Shop]
//	  - taps_quick_reply: Colours
//	  - expect: {text: Which colour do you like?}
//
// Every scenario also fails on any request the platform would refuse
// while it runs. The README's "Scenario replay" section documents every
// key; schema.json says the same for editors.
//
// # Time
//
// The emulator's virtual clock only moves forward, and every scenario of
// a run shares it. A scenario with setup: clock runs at that date. A
// scenario without one runs at the run's now: messemu replay's is the
// wall-clock time the run started (with --emulator, that emulator's
// clock when the run starts), so it is judged by the rules of the day
// it runs, whatever dates other files set. The run goes in the order of
// those times: the scenarios dated before now, one at a time in date
// order (replay starts its emulator just before the earliest); then the
// clock moves to now (or stays where a dated scenario's advances_clock
// carried it past now, so that a run does not pass or fail by the hour it
// starts at) and the undated scenarios run, those that may share
// the emulator in parallel, then one at a time those that set the
// Page's profile and those that move the clock on with advances_clock,
// each from where the one before left it; then the scenarios dated after
// now, in date order. advances_clock steps carry the clock past a
// scenario's start: a date an earlier scenario carries the clock past
// cannot be reached, and replay refuses such files before anything runs
// (CheckClocks), naming both scenarios.
// A scenario whose date the one before ran the clock up to exactly runs
// there, a few real seconds past it.
//
// # Isolation
//
// Each scenario has a user of its own. What a scenario changes for the
// whole Page does not reach the scenarios after it: the fields its
// setup: profile set are put back (or deleted) when it ends, and a
// webhook it left failing or with retries pending (a bot that answered
// an error or too late) is removed and set again before the next
// scenarios begin, so that the next clock jump does not disable it.
package scenarios
