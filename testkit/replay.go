package testkit

import (
	"context"
	"net/http"
	"testing"

	"github.com/messemu/messemu/scenarios"
)

// Replay runs scenario files (paths, directories or globs, as `messemu
// replay` takes them) against a Go bot, each scenario as a parallel
// subtest of t with an emulator of its own, in process: so a Go bot's
// scenario files run under go test. bot builds the bot's webhook handler
// for an emulator (as BotFrom). A file that does not load fails t before
// anything runs.
func Replay(t *testing.T, bot func(emu *Emulator) http.Handler, paths ...string) {
	t.Helper()
	all, err := scenarios.Load(paths...)
	if err != nil {
		t.Fatalf("testkit.Replay: %v", err)
		return
	}
	for _, s := range all {
		t.Run(s.Name, func(t *testing.T) {
			t.Parallel()
			opts := []Option{BotFrom(bot)}
			if start, ok := scenarios.ClockStart([]*scenarios.Scenario{s}); ok { // a setup: clock in the past
				opts = append(opts, ClockAt(start))
			}
			emu := Start(t, opts...)
			r := &scenarios.Runner{Emulator: emu.URL(), Client: emu.Client(), PageToken: emu.PageToken(), Parallel: 1}
			rep, err := r.Run(context.Background(), []*scenarios.Scenario{s})
			if err != nil {
				t.Fatalf("testkit.Replay: %v", err)
				return
			}
			for _, res := range rep.Results {
				if !res.Passed() {
					t.Errorf("%s", res.Failure)
				}
				for _, w := range res.Warnings {
					t.Logf("warning: %s", w) // a webhook acknowledged too late, as replay prints it
				}
			}
			for _, line := range rep.Stray {
				t.Errorf("a request the platform would refuse:\n%s", line)
			}
		})
	}
}
