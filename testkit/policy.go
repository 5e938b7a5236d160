package testkit

import (
	"fmt"
	"strings"

	"github.com/messemu/messemu/fakegraph"
	"github.com/messemu/messemu/validator"
)

// CheckNoViolations fails the test if the platform refused any of the
// bot's requests since Start, listing each with its call, the JSON path of
// the offending value, the rule and the error the platform answered.
// Refusals forced by fault rules are the test's doing and are not listed.
func (e *Emulator) CheckNoViolations(t TB) bool {
	t.Helper()
	return e.checkViolations(t, validator.SeverityError, "refused")
}

// CheckNoWarnings fails the test if any of the bot's requests since Start
// broke a rule the platform documents but does not enforce (the warnings
// of docs/rules.md: a missing messaging_type, a quick reply title over
// 20, ...).
func (e *Emulator) CheckNoWarnings(t TB) bool {
	t.Helper()
	return e.checkViolations(t, validator.SeverityWarning, "warned about")
}

// Finding is one rule a request of the bot broke, as the emulator
// judged it: the call, the user it was for, and the rule's verdict (the
// JSON path of the offending value, the rule, its limit and, for an
// error, what the platform answered).
type Finding struct {
	// Call is the request's method and path ("POST /v23.0/me/messages").
	Call string
	// PSID is the user the call was for, "" when none.
	PSID string
	// Seq is the journal event of the request.
	Seq uint64
	validator.Violation
}

// Violations lists what the platform refused of the bot's requests since
// Start, oldest first: the findings CheckNoViolations reports, for a test
// that expects a refusal (a bot's known bug, a deliberate misuse) and
// asserts on its rule, path or error code. Refusals forced by fault rules
// are not listed.
//
//	if v := emu.Violations(); len(v) != 1 || v[0].Rule != "quick_replies.too-many" { … }
func (e *Emulator) Violations() []Finding { return e.findings(validator.SeverityError) }

// Warnings lists the documented rules the bot's requests broke since
// Start that the platform does not enforce: the findings CheckNoWarnings
// reports.
func (e *Emulator) Warnings() []Finding { return e.findings(validator.SeverityWarning) }

func (e *Emulator) findings(sev validator.Severity) []Finding {
	var out []Finding
	for _, ev := range e.srv.Journal().Find(e.start, func(ev *fakegraph.Event) bool { return ev.Kind == fakegraph.KindRequest }) {
		for _, v := range ev.Violations {
			if v.Severity != sev || v.Rule == fakegraph.FaultRuleName {
				continue
			}
			out = append(out, Finding{Call: ev.Method + " " + ev.Path, PSID: ev.PSID, Seq: ev.Seq, Violation: v})
		}
	}
	return out
}

func (e *Emulator) checkViolations(t TB, sev validator.Severity, verb string) bool {
	t.Helper()
	var b strings.Builder
	n := 0
	var seq uint64
	for _, f := range e.findings(sev) {
		if n == 0 || f.Seq != seq {
			n++
			seq = f.Seq
			fmt.Fprintf(&b, "  %s%s\n", f.Call, e.recipientName(f.PSID))
		}
		fmt.Fprintf(&b, "    %s\n", violationLine(f.Violation))
	}
	if n == 0 {
		return true
	}
	t.Errorf("testkit: the platform %s %d of the bot's requests:\n%s", verb, n, b.String())
	return false
}

func violationLine(v validator.Violation) string {
	var b strings.Builder
	path := v.Path
	if path == "" {
		path = "(request)"
	}
	fmt.Fprintf(&b, "at %s: rule %s", path, v.Rule)
	if v.Limit != "" {
		fmt.Fprintf(&b, " (limit %s)", v.Limit)
	}
	if v.Error != nil {
		fmt.Fprintf(&b, ": %s", v.Error.Message)
	}
	if v.Detail != "" {
		fmt.Fprintf(&b, " — %s", v.Detail)
	}
	return b.String()
}

func (e *Emulator) recipientName(psid string) string {
	if psid == "" {
		return ""
	}
	e.mu.Lock()
	u := e.users[psid]
	e.mu.Unlock()
	if u == nil {
		return " to " + psid
	}
	return " to " + u.info.FirstName
}

// Fault is a fault rule: which calls it matches (API family, path,
// recipient PSID, method), when (After, Times) and what it does (a
// catalogue error key, a latency). See fakegraph.FaultRule.
//
// A latency delays the answer, not the call: a send the bot's HTTP client
// gave up on during the delay is still carried out, and its message
// reaches the user (NextMessage returns it), as on a platform that
// answered late. A bot that retries on a timeout sends the message twice,
// which the test can see.
//
//	emu.AddFault(testkit.Fault{API: "send", PSID: alice.PSID(), Error: validator.KeyUnavailable})
//	emu.AddFault(testkit.Fault{API: "send", Times: 3, Error: validator.KeyRateAPI})
//	emu.AddFault(testkit.Fault{API: "send", Latency: 2 * time.Second})
type Fault = fakegraph.FaultRule

// AddFault installs a fault rule and returns its id; the test fails if the
// rule is invalid (an unknown error key, missing arguments).
func (e *Emulator) AddFault(f Fault) string {
	e.t.Helper()
	r, err := e.srv.AddFault(f)
	if err != nil {
		e.fatalf("AddFault: %v", err)
		return ""
	}
	return r.ID
}

// RemoveFault deletes a fault rule by id.
func (e *Emulator) RemoveFault(id string) {
	e.t.Helper()
	if err := e.srv.RemoveFault(id); err != nil {
		e.fatalf("RemoveFault: %v", err)
	}
}

// ClearFaults deletes every fault rule.
func (e *Emulator) ClearFaults() { e.srv.ClearFaults() }

// Faults lists the fault rules with how often each matched and applied.
func (e *Emulator) Faults() []Fault { return e.srv.Faults() }
