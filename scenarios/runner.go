package scenarios

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"sync"
	"time"

	"github.com/messemu/messemu/fakegraph"
)

// Runner runs scenarios against a bot through an emulator that is
// already serving (in this process or another) and whose webhook points
// at the bot.
type Runner struct {
	// Emulator is the emulator's base URL, e.g. http://127.0.0.1:8765.
	Emulator string
	// PageToken is the Page token (default: the emulator's first Page's).
	PageToken string
	// ControlToken is the bearer token of an emulator started with
	// --control-token ("": none).
	ControlToken string
	// Parallel is how many scenarios run at once (default 4). Scenarios
	// that set or move the clock or set the Page's profile run alone (see
	// schedule.go for the order).
	Parallel int
	// Now is the virtual time the scenarios without setup: clock run at
	// (messemu replay: the wall-clock time the run started); zero: the
	// emulator's clock when Run begins. Scenarios dated before it run
	// first, in date order; those dated after it, last.
	Now time.Time
	// Wait is how long an expect: waits for the bot's message unless the
	// step says within: (default 10 s).
	Wait time.Duration
	// Timeout bounds one scenario (default 2 min).
	Timeout time.Duration
	// Settle is how long a scenario waits, once its webhooks are
	// delivered, for a bot that sends after answering them (default
	// 100 ms; a scenario that ends with no_message: has waited already).
	Settle time.Duration
	// After, when set, makes the run judge the bot's requests from this
	// journal sequence number on, so that a bot started just before the
	// run (its Messenger Profile set-up) is judged too; nil: from the
	// start of Run. Refused requests of no scenario's user are Stray.
	After *uint64
	// Strict fails a scenario on warnings too, not only on refusals, and
	// on a webhook of its user's the bot did not acknowledge within the
	// webhook's timeout (without Strict, that is one of its Warnings).
	Strict bool
	// Filter keeps only the scenarios whose name matches (nil: all).
	Filter *regexp.Regexp
	// Tags keeps only the scenarios with at least one of these tags
	// (none: all).
	Tags []string
	// Client makes the HTTP calls (default: a client with no proxy).
	Client *http.Client
	// OnResult is called after each scenario, in completion order (may be
	// nil); calls never overlap.
	OnResult func(Result)
	// OnStart is called when a scenario starts (may be nil); calls may
	// overlap.
	OnStart func(*Scenario)
	// VerifyToken is the token the bot expects in the webhook's handshake,
	// for when the runner sets the webhook again between scenarios ("":
	// the emulator's own).
	VerifyToken string
	// LeaveWebhook: the webhook is the emulator's user's (replay --emulator
	// without --bot or --exec), set with a verify token the runner was not
	// told, so it is not removed and set again between scenarios (which
	// could fail and leave it removed); a scenario that leaves it failing
	// can then reach the next ones.
	LeaveWebhook bool
	// ForbiddenHint, when set, follows a failure's list of failed webhook
	// deliveries when the bot answered one with HTTP 403: what the caller
	// knows of why (replay --emulator: the bot may check signatures with
	// another app secret than the serve's).
	ForbiddenHint string
}

// Result is the outcome of one scenario.
type Result struct {
	Scenario *Scenario
	// Failure says why the scenario failed ("" when it passed): the step's
	// file:line, what was expected and what came, and the conversation.
	Failure  string
	Duration time.Duration
	// Interrupted: the run was stopped (Ctrl-C) before the scenario
	// ended; it did not pass, and Failure says where it stood.
	Interrupted bool
	// NotRun: the run stopped (Ctrl-C, or a cause such as the bot
	// exiting) before the scenario began; Failure says why, at its name.
	NotRun bool
	// Warnings are what the scenario passed with but the platform
	// would mind, each as file:line:column: text: a webhook the bot
	// acknowledged too late (which Strict fails on).
	Warnings []string
}

// Passed reports whether the scenario passed.
func (r Result) Passed() bool { return r.Failure == "" && !r.Interrupted }

// Report is the outcome of a run.
type Report struct {
	Results []Result
	// Stray are requests the bot made, refused (or warned with Strict),
	// that belong to no scenario's user: they fail the run too.
	Stray    []string
	Duration time.Duration
}

// Failed counts the scenarios that did not pass (interrupted ones too).
func (r *Report) Failed() int { return r.count(func(res Result) bool { return !res.Passed() }) }

// Interrupted counts the scenarios the run was stopped in or before
// (Ctrl-C).
func (r *Report) Interrupted() int { return r.count(func(res Result) bool { return res.Interrupted }) }

// NotRun counts the scenarios the run stopped before they began.
func (r *Report) NotRun() int { return r.count(func(res Result) bool { return res.NotRun }) }

func (r *Report) count(keep func(Result) bool) int {
	n := 0
	for _, res := range r.Results {
		if keep(res) {
			n++
		}
	}
	return n
}

// OK reports whether everything passed.
func (r *Report) OK() bool { return r.Failed() == 0 && len(r.Stray) == 0 }

// Select keeps the scenarios whose name matches Filter and that carry
// one of Tags.
func (r *Runner) Select(all []*Scenario) []*Scenario {
	if r.Filter == nil && len(r.Tags) == 0 {
		return all
	}
	var out []*Scenario
	for _, s := range all {
		if (r.Filter == nil || r.Filter.MatchString(s.Name)) &&
			(len(r.Tags) == 0 || slices.ContainsFunc(s.Tags, func(t string) bool { return slices.Contains(r.Tags, t) })) {
			out = append(out, s)
		}
	}
	return out
}

// Run runs the scenarios in the order of the virtual time they run at
// (schedule.go): the dated ones before Now, one by one; then at Now
// those that may share the emulator, Parallel at a time, and, one by
// one, those that change the Page's profile or move the clock on; then
// the dated ones after Now. A dated scenario an earlier one carries the
// clock past fails unrun (CheckClocks says so before a run). Before each
// of these runs, a webhook the scenarios before left failing or with
// retries pending is removed and set again (isolate), so that a
// scenario's failed deliveries do not reach into the next.
//
// When ctx is done before the end, Run stops, and returns the report so
// far with ctx's error. How the scenarios it stopped end depends on why:
// a ctx cancelled without a cause (or with context.Canceled, as Ctrl-C's
// signal.NotifyContext does) interrupts the run: the scenarios under way
// are Interrupted where they stood, and each one not begun is
// Interrupted and NotRun at its name: line, given to OnResult too. A ctx
// cancelled with another cause (context.WithCancelCause: the bot under
// test exited, say) fails the run for that cause: the scenarios under way
// fail at their step ("stopped here: " and the cause), and each one not
// begun fails at its name: line ("not run: " and the cause), each given
// to OnResult too.
func (r *Runner) Run(ctx context.Context, all []*Scenario) (*Report, error) {
	start := time.Now()
	selected := r.Select(all)
	c, err := r.client(ctx)
	if err != nil {
		return r.stoppedEarly(ctx, selected, start, err)
	}
	defer c.http.CloseIdleConnections()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	f := &feed{c: c, subs: &subscriptions{c: c}}
	if err := f.start(ctx, r.After); err != nil {
		return r.stoppedEarly(ctx, selected, start, fmt.Errorf("reading the emulator's journal: %w", err))
	}
	now := r.Now
	if now.IsZero() {
		if now, err = emulatorClock(ctx, c); err != nil {
			return r.stoppedEarly(ctx, selected, start, fmt.Errorf("reading the emulator's clock: %w", err))
		}
	}
	phases, conflicts := schedule(selected, now)
	rep := &Report{}
	var mu sync.Mutex
	record := func(res Result) {
		mu.Lock()
		defer mu.Unlock()
		rep.Results = append(rep.Results, res)
		if r.OnResult != nil {
			r.OnResult(res)
		}
	}
	for _, cc := range conflicts {
		record(Result{Scenario: cc.s, Failure: cc.posError().Error()})
	}
	files := &fileServer{}
	defer files.close()
	rs := &runState{c: c, f: f, files: files, record: record, start: start}
	if st, err := webhookStatus(ctx, c); err == nil {
		rs.hookTimeout, _ = time.ParseDuration(st.Timeout)
	}
	for _, ph := range phases {
		rs.runAll(ctx, r, ph)
	}
	for _, e := range f.strays() {
		if line := strayLine(e, r.Strict); line != "" {
			rep.Stray = append(rep.Stray, line)
		}
	}
	rep.Duration = time.Since(start)
	return rep, ctx.Err()
}

// runState is what the scenarios of one run share.
type runState struct {
	c      *client
	f      *feed
	files  *fileServer
	record func(Result)
	// start is when Run began: the real time that has since carried the
	// virtual clock on.
	start time.Time
	// hookTimeout is the emulator's webhook timeout as the run began.
	hookTimeout time.Duration
}

// runAll runs a phase's scenarios, once what the scenarios before them
// left behind is cleared (isolate) and the clock is where they start.
func (rs *runState) runAll(ctx context.Context, r *Runner, ph phase) {
	list := ph.list
	if len(list) == 0 {
		return
	}
	if ctx.Err() == nil {
		var err error
		if !r.LeaveWebhook {
			err = rs.isolate(ctx, r.VerifyToken)
		}
		if err == nil && !ph.to.IsZero() {
			err = rs.clockTo(ctx, ph.to)
		}
		if err != nil && ctx.Err() == nil {
			for _, s := range list {
				rs.record(Result{Scenario: s, Failure: fmt.Sprintf("%s:%d: not run: %s", s.File, s.Line, err)})
			}
			return
		}
	}
	parallel := 1
	if ph.parallel {
		parallel = cmp.Or(r.Parallel, 4)
	}
	sem := make(chan struct{}, max(parallel, 1))
	var wg sync.WaitGroup
	var left []*Scenario
	for i, s := range list {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			left = list[i:]
			break
		}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			if r.OnStart != nil {
				r.OnStart(s)
			}
			rs.record(r.runOne(ctx, rs, s))
		}()
	}
	wg.Wait()
	notRun(ctx, left, rs.record) // after those under way, which end first
}

// stoppedEarly answers Run when it could not begin (err): with no report,
// unless ctx was done (Ctrl-C, or a cause that fails the run), when
// every scenario is listed unrun.
func (r *Runner) stoppedEarly(ctx context.Context, selected []*Scenario, start time.Time, err error) (*Report, error) {
	if ctx.Err() == nil {
		return nil, err
	}
	rep := &Report{}
	notRun(ctx, selected, func(res Result) {
		rep.Results = append(rep.Results, res)
		if r.OnResult != nil {
			r.OnResult(res)
		}
	})
	rep.Duration = time.Since(start)
	return rep, ctx.Err()
}

// failCause is why ctx stopped the run when that fails the scenarios it
// stops rather than interrupts them: a cause given to context's
// WithCancelCause other than a cancellation; nil for none.
func failCause(ctx context.Context) error {
	cause := context.Cause(ctx)
	if cause == nil || errors.Is(cause, context.Canceled) || errors.Is(cause, context.DeadlineExceeded) {
		return nil
	}
	return cause
}

// notRun records the scenarios the run did not begin because ctx was
// done, each at its name: line: failed for the cause that stopped the run
// (the bot exited), or, interrupted (Ctrl-C), listed as not run.
func notRun(ctx context.Context, list []*Scenario, record func(Result)) {
	cause := failCause(ctx)
	for _, s := range list {
		if cause == nil {
			record(Result{Scenario: s, Interrupted: true, NotRun: true, Failure: fmt.Sprintf("%s:%d: not run: the run was interrupted", s.File, s.Line)})
			continue
		}
		record(Result{Scenario: s, NotRun: true, Failure: fmt.Sprintf("%s:%d: not run: %s", s.File, s.Line, cause)})
	}
}

// stopped words the end of a scenario the run stopped while it ran, err
// being what its step answered: failed there with the run's cause, or
// Interrupted there (res), not Go's "context canceled".
func stopped(ctx context.Context, res *Result, err error) error {
	why := "interrupted"
	if cause := failCause(ctx); cause != nil {
		why = "stopped here: " + cause.Error()
	} else {
		res.Interrupted = true
	}
	if sf, ok := err.(*stepFailure); ok {
		if why == "interrupted" {
			why = "interrupted at this step"
		}
		sf.only(why)
		return sf
	}
	return errors.New(why)
}

// client checks the emulator answers and finds the Page token.
func (r *Runner) client(ctx context.Context) (*client, error) {
	hc := r.Client
	if hc == nil {
		hc = &http.Client{Transport: &http.Transport{Proxy: nil, MaxIdleConnsPerHost: 64}}
	}
	c := &client{base: trimSlash(r.Emulator), token: r.PageToken, controlToken: r.ControlToken, http: hc}
	var pages struct {
		Data []fakegraph.Page `json:"data"`
	}
	if err := c.control(ctx, "GET", "pages", nil, &pages); err != nil {
		return nil, fmt.Errorf("the emulator at %s does not answer its control API: %w", r.Emulator, err)
	}
	if c.token == "" {
		if len(pages.Data) == 0 {
			return nil, errors.New("the emulator hosts no Page")
		}
		c.token = pages.Data[0].Token
	}
	return c, nil
}

func trimSlash(s string) string {
	for len(s) > 0 && s[len(s)-1] == '/' {
		s = s[:len(s)-1]
	}
	return s
}

// emulatorClock reads the emulator's virtual clock.
func emulatorClock(ctx context.Context, c *client) (time.Time, error) {
	var clock struct {
		Now time.Time `json:"now"`
	}
	err := c.control(ctx, "GET", "clock", nil, &clock)
	return clock.Now, err
}

// clockTo moves the clock to t, unless it is there or past it already.
func (rs *runState) clockTo(ctx context.Context, t time.Time) error {
	now, err := emulatorClock(ctx, rs.c)
	if err != nil || !now.Before(t) {
		return nil // past it: the run's real time, or an emulator elsewhere, took it there
	}
	if err := rs.c.control(ctx, "POST", "clock/advance", map[string]string{"to": t.UTC().Format(time.RFC3339Nano)}, nil); err != nil {
		return fmt.Errorf("moving the virtual clock to the run's now (%s): %w", stamp(t), err)
	}
	return nil
}

// runsAlone reports whether s changes what every scenario shares: the
// clock or the Page's Messenger Profile.
func (s *Scenario) runsAlone() bool { return s.MovesClock() || s.Setup.Profile != nil }

// JournalEnd returns the emulator's newest journal sequence number, for
// After: take it before starting the bot.
func (r *Runner) JournalEnd(ctx context.Context) (uint64, error) {
	c, err := r.client(ctx)
	if err != nil {
		return 0, err
	}
	defer c.http.CloseIdleConnections()
	return lastSeq(ctx, c)
}
