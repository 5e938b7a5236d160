package scenarios

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/messemu/messemu/fakegraph"
)

// session is one scenario being run: its user, the user's events so far
// and how far the expectations have read them.
type session struct {
	r    *Runner
	c    *client
	s    *Scenario
	psid string
	f    *feed
	in   *inbox
	// files serves the run's local attachments.
	files *fileServer
	// runStart is when the run began.
	runStart time.Time
	// read is the number of events whose bot messages expectations have
	// consumed; checked the number whose requests were checked for
	// refusals.
	read    int
	checked int
	// answered is the number of events up to the bot's last message
	// an expectation read.
	answered int
	// hookTimeout is how long the platform waits for the bot to
	// acknowledge a webhook (the emulator's webhook timeout).
	hookTimeout time.Duration
	// late are the webhook events whose late acknowledgement was told;
	// warnings what the scenario passes with but tells (without Strict).
	late     map[uint64]bool
	warnings []string
	// profileBefore is the Page's Messenger Profile fields before
	// setup: profile changed them, to put back at the end (nil: the
	// scenario has no setup: profile, or it was refused).
	profileBefore map[string]json.RawMessage
}

// stepFailure is a failed step: where, what, and the diff.
type stepFailure struct {
	step   *Step // nil: the scenario as a whole
	reason string
	diff   string
	// want is what the step expected, as YAML, when nothing came to
	// diff it against.
	want string
}

// Error is the reason alone; failureText renders the rest.
func (f *stepFailure) Error() string { return f.reason }

// only makes reason the whole failure at its step: what the step expected
// no longer matters.
func (f *stepFailure) only(reason string) { f.reason, f.diff, f.want = reason, "", "" }

func (r *Runner) runOne(ctx context.Context, rs *runState, s *Scenario) Result {
	start := time.Now()
	limit := cmp.Or(r.Timeout, 2*time.Minute)
	run, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	ss := &session{r: r, c: rs.c, s: s, files: rs.files, runStart: rs.start, hookTimeout: rs.hookTimeout}
	err := ss.run(run, rs.f)
	if ss.profileBefore != nil {
		// Whatever the end, even Ctrl-C: the next scenarios, and the
		// emulator after the run, see the profile as it was.
		back, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		perr := ss.putProfileBack(back)
		cancel()
		if perr != nil && err == nil {
			err = &stepFailure{step: atPlace(s.at.profile), reason: perr.Error()}
		}
	}
	if err != nil && ctx.Err() == nil && errors.Is(run.Err(), context.DeadlineExceeded) {
		// Whatever the step was doing when time ran out, the reason is
		// the limit, not the emulator.
		sf, ok := err.(*stepFailure)
		if !ok {
			sf = &stepFailure{}
		}
		sf.only("the scenario ran out of its time limit (" + limit.String() + ", --timeout) at this step")
		err = sf
	}
	res := Result{Scenario: s, Duration: time.Since(start), Warnings: ss.warnings}
	if err != nil && ctx.Err() != nil {
		err = stopped(ctx, &res, err) // from outside: interrupted, or failed for the run's cause
	}
	if err != nil {
		res.Failure = ss.failureText(err)
	}
	return res
}

func (ss *session) run(ctx context.Context, f *feed) error {
	u, err := ss.createUser(ctx)
	if err != nil {
		return err
	}
	ss.psid = u.PSID
	ss.f, ss.in = f, f.subscribe(ss.psid)
	defer f.unsubscribe(ss.psid)
	if err := ss.setup(ctx); err != nil {
		return err
	}
	for i := range ss.s.Steps {
		st := &ss.s.Steps[i]
		if err := ss.step(ctx, st); err != nil {
			var sf *stepFailure
			if !errors.As(err, &sf) {
				sf = &stepFailure{reason: err.Error()}
			}
			if sf.step == nil {
				sf.step = st
			}
			return sf
		}
		if err := ss.checkRequests(st); err != nil {
			return err
		}
	}
	// The bot may still be answering the last step: let its webhooks be
	// delivered, then look once more for refusals, and for webhooks it
	// acknowledged too late.
	if ss.s.Steps[len(ss.s.Steps)-1].NoMessage == nil {
		ss.settle(ctx)
	}
	ss.awaitFirstAttempts(ctx)
	return ss.checkRequests(&ss.s.Steps[len(ss.s.Steps)-1])
}

// awaitFirstAttempts waits, for at most the webhook's timeout (and a
// little), until the user's webhook in flight, if any, has had its first
// attempt journalled: a bot that takes longer than the timeout to
// acknowledge it is then seen (lateAck) even when its answer came in
// time for the steps.
func (ss *session) awaitFirstAttempts(ctx context.Context) {
	deadline := time.After(cmp.Or(ss.hookTimeout, 5*time.Second) + 500*time.Millisecond)
	for {
		evs, changed, err := ss.in.snapshot()
		if err != nil || !ss.firstAttemptDue(ctx, evs) {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-deadline:
			return
		case <-changed:
		}
	}
}

// firstAttemptDue reports whether the user's webhook now in flight has
// no attempt journalled yet. The platform sends a user's webhooks one at
// a time, in order: the one in flight is the first sent and unfinished
// that is not waiting for a delayed retry. One already in its immediate
// retries was judged at its first attempt; those behind it wait for it,
// and are not waited for.
func (ss *session) firstAttemptDue(ctx context.Context, evs []fakegraph.Event) bool {
	last := map[uint64]fakegraph.WebhookAttemptDetail{}
	for _, e := range evs {
		if a, ok := e.Attempt(); ok {
			last[a.EventSeq] = a
		}
	}
	for _, e := range ss.pending(ctx, evs) { // in journal order
		a, began := last[e.Seq]
		switch {
		case !began:
			return true
		case a.NextRetry != nil: // waiting for a delayed retry: the next one goes
		default:
			return false
		}
	}
	return false
}

// lateAck describes a delivery attempt of evs[i] that the bot did not
// acknowledge within the webhook's timeout, once per webhook event (""
// for any other event, or one told already).
func (ss *session) lateAck(evs []fakegraph.Event, i int) string {
	a, ok := evs[i].Attempt()
	if !ok || a.Dropped || ss.late[a.EventSeq] ||
		!(strings.HasPrefix(a.Error, "no answer within ") || strings.HasPrefix(a.Error, "no complete answer within ")) {
		return ""
	}
	if ss.late == nil {
		ss.late = map[uint64]bool{}
	}
	ss.late[a.EventSeq] = true
	what := fmt.Sprintf("the %s webhook (journal event %d)", evs[i].API, a.EventSeq)
	for _, e := range evs[:i] {
		if e.Seq == a.EventSeq && e.Kind == fakegraph.KindUserAction {
			text := userActionText(e)
			if !strings.HasPrefix(text, "(") {
				text = strconv.Quote(text)
			}
			what = fmt.Sprintf("the %s webhook of %s", evs[i].API, text)
		}
	}
	return fmt.Sprintf("the bot did not acknowledge %s in time: %s (attempt %d); the platform counts the delivery failed and sends it again", what, a.Error, a.Attempt)
}

// createUser makes the scenario's own test user.
func (ss *session) createUser(ctx context.Context) (fakegraph.User, error) {
	us := ss.s.User
	u := fakegraph.User{
		Name: us.Name, FirstName: us.FirstName, LastName: us.LastName, Locale: us.Locale,
		Gender: us.Gender, ProfilePic: us.ProfilePic, Email: us.Email, Phone: us.Phone,
		Scenario: ss.s.Name, // record leaves replay's users out
	}
	if u.Name == "" && u.FirstName == "" {
		u.Name = "Scenario User"
	}
	if us.Timezone != nil {
		u.Timezone = *us.Timezone
	}
	var out fakegraph.User
	if err := ss.c.control(ctx, "POST", "users", u, &out); err != nil {
		return out, fmt.Errorf("creating the scenario's test user: %w", err)
	}
	return out, nil
}

func (ss *session) setup(ctx context.Context) error {
	st := ss.s.Setup
	if at, ok := ss.s.StartsAt(); ok {
		if err := ss.c.control(ctx, "POST", "clock/advance", map[string]string{"to": at.Format(time.RFC3339Nano)}, nil); err != nil && !ss.nearlyAt(ctx) {
			reason := "setup: clock: " + err.Error()
			if strings.Contains(err.Error(), "only moves forward") {
				reason += "; the emulator's clock is already past " + st.Clock
				if now, err := emulatorClock(ctx, ss.c); err == nil {
					reason += ", at " + stamp(now)
				}
				reason += " (messemu replay starts its own emulator before the earliest setup: clock of the run; " +
					"an emulator started elsewhere may be past it)"
			}
			return &stepFailure{step: atPlace(ss.s.at.clock), reason: reason}
		}
	}
	if st.Profile != nil {
		old, err := profileFields(ctx, ss.c)
		if err != nil {
			return &stepFailure{step: atPlace(ss.s.at.profile), reason: "setup: profile: reading the Page's Messenger Profile to put it back after the scenario: " + err.Error()}
		}
		before, seqErr := lastSeq(ctx, ss.c)
		if err := ss.c.graph(ctx, "POST", "me/messenger_profile", nil, st.Profile, nil); err != nil {
			reason := "setup: profile: the Messenger Profile API refused it: " + err.Error()
			var ce *controlError
			if seqErr == nil && errors.As(err, &ce) && ce.TraceID != "" {
				// The journal names the JSON path and the rule, as for the bot's calls.
				if why, seq := ss.refusalSince(ctx, before, ce.TraceID); why != "" {
					reason += "\n" + why
					ss.f.ownRequest(seq)
				}
			}
			return &stepFailure{step: atPlace(ss.s.at.profile), reason: reason}
		}
		ss.profileBefore = old
	}
	if ref := ss.s.User.Referral; ref != nil {
		if err := ss.c.control(ctx, "POST", "users/"+ss.psid+"/referrals", referralBody(ref), nil); err != nil {
			return &stepFailure{step: atPlace(ss.s.at.referral), reason: "user: referral: " + err.Error()}
		}
	}
	return nil
}

// nearlyAt reports whether the emulator's clock stands past the
// scenario's setup: clock by no more than the real time the run has taken
// (and a minute besides, for the bot's start-up): where the scenario
// before left it when it ran to this very date (schedule.go). The
// scenario then runs there.
func (ss *session) nearlyAt(ctx context.Context) bool {
	at, ok := ss.s.StartsAt()
	now, err := emulatorClock(ctx, ss.c)
	return ok && err == nil && !now.Before(at) && now.Sub(at) <= time.Since(ss.runStart)+time.Minute
}

// atPlace is a stand-in step at p, for a failure of the scenario's
// setup to point at its value (nil when p is unknown: the scenario's
// name: line is shown).
func atPlace(p place) *Step {
	if p.line == 0 {
		return nil
	}
	return &Step{Line: p.line, Column: p.col}
}

// profileFields reads the Page's Messenger Profile fields as stored.
func profileFields(ctx context.Context, c *client) (map[string]json.RawMessage, error) {
	var snap struct {
		Fields map[string]json.RawMessage `json:"fields"`
	}
	if err := c.control(ctx, "GET", "profile", nil, &snap); err != nil {
		return nil, err
	}
	if snap.Fields == nil {
		snap.Fields = map[string]json.RawMessage{}
	}
	return snap.Fields, nil
}

// putProfileBack undoes the scenario's setup: profile: each field it set
// gets the value it had before, or is deleted if it had none, as the
// bot would with the Messenger Profile API. These calls are the
// runner's: none of them is a request outside any scenario.
func (ss *session) putProfileBack(ctx context.Context) error {
	now, err := profileFields(ctx, ss.c)
	if err != nil {
		return fmt.Errorf("setup: profile: reading the Page's Messenger Profile to put it back: %w", err)
	}
	set := map[string]json.RawMessage{}
	var gone []string
	for k := range ss.s.Setup.Profile {
		if v, ok := ss.profileBefore[k]; ok && !bytes.Equal(v, now[k]) {
			set[k] = v
		} else if _, there := now[k]; !ok && there {
			gone = append(gone, k)
		}
	}
	if len(set) == 0 && len(gone) == 0 {
		return nil
	}
	slices.Sort(gone)
	from, seqErr := lastSeq(ctx, ss.c)
	if seqErr == nil {
		defer ss.ownCalls(ctx, from, fakegraph.APIProfile)
	}
	if len(set) > 0 {
		if err := ss.c.graph(ctx, "POST", "me/messenger_profile", nil, set, nil); err != nil {
			return fmt.Errorf("setup: profile: the Page's Messenger Profile could not be put back as it was before the scenario: %w", err)
		}
	}
	if len(gone) > 0 {
		if err := ss.c.graph(ctx, "DELETE", "me/messenger_profile", nil, map[string]any{"fields": gone}, nil); err != nil {
			return fmt.Errorf("setup: profile: the fields the scenario's setup added (%s) could not be deleted after it: %w", strings.Join(gone, ", "), err)
		}
	}
	return nil
}

// ownCalls marks the calls of api journalled after seq from as the
// runner's own: not the bot's, whatever became of them.
func (ss *session) ownCalls(ctx context.Context, from uint64, api string) {
	evs, _, err := readSelected(ctx, ss.c, "kind=request&api="+api, &from)
	if err != nil {
		return
	}
	for _, e := range evs {
		ss.f.ownRequest(e.Seq)
	}
}

// settle waits, bounded, until every webhook the user's actions fired has
// been delivered (or has failed, or was never sent for want of a
// subscription), then a little longer for bots that
// answer after their 200.
func (ss *session) settle(ctx context.Context) {
	deadline := time.Now().Add(2 * time.Second)
	// First the feed reads the journal up to its end now, so that the
	// inbox holds every event the user's steps fired.
	if end, err := lastSeq(ctx, ss.c); err == nil {
		for ss.f.position() < end && time.Now().Before(deadline) {
			select {
			case <-ctx.Done():
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}
	for time.Now().Before(deadline) {
		evs, changed, err := ss.in.snapshot()
		if err != nil || len(ss.pending(ctx, evs)) == 0 {
			break
		}
		select {
		case <-ctx.Done():
			return
		case <-changed:
		case <-time.After(time.Until(deadline)):
		}
	}
	select {
	case <-ctx.Done():
	case <-time.After(cmp.Or(ss.r.Settle, 100*time.Millisecond)):
	}
}

// checkRequests fails on any request of the user's the platform refused
// (or warned about, with Strict) since the last check. Refusals a fault:
// step asked for are expected.
func (ss *session) checkRequests(st *Step) error {
	evs, _, err := ss.in.snapshot()
	if err != nil {
		return &stepFailure{step: st, reason: err.Error()}
	}
	for ; ss.checked < len(evs); ss.checked++ {
		if line := strayLine(evs[ss.checked], ss.r.Strict); line != "" {
			return &stepFailure{step: st, reason: strayReason(evs[ss.checked]) + line}
		}
		if late := ss.lateAck(evs, ss.checked); late != "" {
			if ss.r.Strict {
				ss.checked++
				return &stepFailure{step: st, reason: late + " (--strict fails on this)"}
			}
			ss.warnings = append(ss.warnings, fmt.Sprintf("%s:%d:%d: %s", ss.s.File, st.Line, st.Column, late))
		}
	}
	return nil
}

// strayReason opens the failure of a stray request: refused, or (with
// Strict) accepted with a warning.
func strayReason(e fakegraph.Event) string {
	if e.Accepted {
		return "the bot made a request the platform accepts with a warning (--strict fails on warnings):\n"
	}
	return "the bot made a request the platform would refuse:\n"
}

// refusalSince describes the refused request after seq that was answered
// with the fbtrace_id trace, as strayLine does, and answers its seq (""
// when the journal has none).
func (ss *session) refusalSince(ctx context.Context, seq uint64, trace string) (string, uint64) {
	var page struct {
		Events []fakegraph.Event `json:"events"`
	}
	q := "journal?kind=request&accepted=false&limit=1000&after=" + strconv.FormatUint(seq, 10)
	if err := ss.c.control(ctx, "GET", q, nil, &page); err != nil {
		return "", 0
	}
	for _, e := range page.Events {
		if bytes.Contains(e.Response, []byte(`"fbtrace_id":"`+trace+`"`)) {
			return strayLine(e, false), e.Seq
		}
	}
	return "", 0
}

// strayLine describes a refused (or, when strict, warned) request, or
// answers "" when the request is fine. Violations of fault rules are what
// a fault: step asked for.
func strayLine(e fakegraph.Event, strict bool) string {
	if e.Kind != fakegraph.KindRequest {
		return ""
	}
	// A fault rule's refusal is journalled as a fault event, then the
	// request with the rule's violation: what a fault: step asked for.
	var b strings.Builder
	for _, v := range e.Violations {
		if v.Rule == "fault" || (v.Severity != "error" && !strict) {
			continue
		}
		fmt.Fprintf(&b, "    %s %s: %s at %s (rule %s)", e.Method, e.Path, v.Severity, cmp.Or(v.Path, "the request"), v.Rule)
		if v.Error != nil {
			fmt.Fprintf(&b, ": %s", v.Error.Message)
		}
		if v.Detail != "" {
			fmt.Fprintf(&b, " — %s", v.Detail)
		}
		b.WriteString("\n")
	}
	if b.Len() > 0 && len(e.Request) > 0 {
		fmt.Fprintf(&b, "    request: %s\n", truncateText(string(e.Request), 400))
	}
	return strings.TrimSuffix(b.String(), "\n")
}

func truncateText(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
