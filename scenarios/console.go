package scenarios

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// Console prints a run as it goes: on a terminal, one progress line that
// rewrites itself; elsewhere (CI logs), one plain line per scenario. Each
// failure is printed in full when it happens, and Summary ends the run.
type Console struct {
	W        io.Writer
	Terminal bool
	Total    int
	// Durations false leaves times out (golden files).
	Durations bool

	mu     sync.Mutex
	done   int
	failed int
}

// Result reports one finished scenario; use it as Runner.OnResult.
func (c *Console) Result(r Result) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.done++
	if !r.Passed() {
		c.failed++
	}
	if c.Terminal {
		fmt.Fprint(c.W, "\r\033[K")
	}
	switch {
	case r.Interrupted:
		fmt.Fprintf(c.W, "STOP %s%s\n%s\n", printable(r.Scenario.Name), c.took(r.Duration), indent(printable(r.Failure)))
	case !r.Passed():
		fmt.Fprintf(c.W, "FAIL %s%s\n%s\n", printable(r.Scenario.Name), c.took(r.Duration), indent(printable(r.Failure)))
	case !c.Terminal || len(r.Warnings) > 0:
		fmt.Fprintf(c.W, "ok   %s%s\n", printable(r.Scenario.Name), c.took(r.Duration))
	}
	for _, w := range r.Warnings {
		fmt.Fprintf(c.W, "%s\n", indent("warning: "+printable(w)))
	}
	if c.Terminal {
		fmt.Fprintf(c.W, "[%d/%d] %d failed", c.done, c.Total, c.failed)
	}
}

func (c *Console) took(d time.Duration) string {
	if !c.Durations || d == 0 { // 0: not run
		return ""
	}
	return fmt.Sprintf(" (%.2fs)", d.Seconds())
}

// Summary prints the outcome of the run.
func (c *Console) Summary(rep *Report) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.Terminal {
		fmt.Fprint(c.W, "\r\033[K")
	}
	for _, s := range rep.Stray {
		fmt.Fprintf(c.W, "FAIL requests outside any scenario's user:\n%s\n", printable(s))
	}
	n, failed, stopped := len(rep.Results), rep.Failed()-rep.Interrupted(), rep.Interrupted()
	unrun := rep.count(func(r Result) bool { return r.Interrupted && r.NotRun })
	verdict := "PASS"
	if !rep.OK() {
		verdict = "FAIL"
	}
	took := ""
	if c.Durations {
		took = fmt.Sprintf(" in %.2fs", rep.Duration.Seconds())
	}
	noun := "scenarios"
	if n == 1 {
		noun = "scenario"
	}
	stray := ""
	if len(rep.Stray) > 0 { // why a run whose scenarios all passed fails
		stray = ", and the bot's requests outside any scenario refused"
	}
	if stopped > 0 {
		verdict = "STOPPED"
		stopText := fmt.Sprintf(", %d interrupted", stopped-unrun)
		if unrun > 0 {
			stopText += fmt.Sprintf(", %d not run", unrun)
		}
		stray = stopText + stray
	}
	fmt.Fprintf(c.W, "%s: %d %s, %d passed, %d failed%s%s\n", verdict, n, noun, n-failed-stopped, failed, stray, took)
}

func indent(s string) string {
	return "    " + strings.ReplaceAll(s, "\n", "\n    ")
}
