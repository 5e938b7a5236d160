package fakegraph

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/messemu/messemu/validator"
)

// Fault rules make the emulator misbehave on purpose, the way the platform
// sometimes does: a send to one user fails with 551, the next three sends
// get 613, the Send API answers slowly. They are reachable from Go
// (AddFault) and from the control API (/_messemu/v1/faults), and are
// consulted in the pipeline after the token, route and Page are resolved
// and before rate limits and the handler, so a fault can force any
// catalogue error, including the fault-only ones (PLATFORM.md §13).

// FaultRuleName is the rule of the violation a fault rule records on the
// request it refuses: the test's doing, not the bot's.
const FaultRuleName = "fault"

var ruleFault = validator.Rule{Name: FaultRuleName, Source: "messemu fault rule"}

// FaultRule is one fault. Empty match fields match everything; a rule
// with neither Error nor Latency is refused.
type FaultRule struct {
	// ID is assigned by AddFault ("f1", "f2", ...).
	ID string `json:"id"`

	// Match. Method is GET, POST or DELETE. API is the family a route
	// belongs to ("send", "node", "profile", ...), as journalled. Path is
	// the route pattern ("{page}/messages") or the request path without
	// the version, written with "me" or the Page id ("me/messages",
	// "109876543210987/messages"). PSID is the user the call is about:
	// the Send API's recipient.id, a psid or user parameter, or the node.
	Method string `json:"method,omitempty"`
	API    string `json:"api,omitempty"`
	Path   string `json:"path,omitempty"`
	PSID   string `json:"psid,omitempty"`

	// Count. After lets that many matching calls through untouched before
	// the rule applies; Times is how many calls it then applies to (0: all
	// of them, for as long as the rule exists).
	After int `json:"after,omitempty"`
	Times int `json:"times,omitempty"`

	// Effect. Error is a catalogue key (validator.KeyUnavailable,
	// validator.KeyRateAPI, ...); Args fill its placeholders in the order
	// the error catalogue gives them. Latency delays the answer by real time
	// (the bot's HTTP timeouts run on real time), before the error or the
	// normal answer.
	Error   validator.Key `json:"error,omitempty"`
	Args    []string      `json:"args,omitempty"`
	Latency time.Duration `json:"-"`
	// Timeout makes a batch item the rule matches time out: the item is
	// not run and the batch answers null in its place (PLATFORM.md §9),
	// after Latency if any. It matches batch items only.
	Timeout bool `json:"timeout,omitempty"`

	// Seen counts the matching calls; Applied those the rule acted on.
	Seen    int `json:"seen"`
	Applied int `json:"applied"`
}

// MarshalJSON writes the latency as a duration string.
func (f FaultRule) MarshalJSON() ([]byte, error) {
	type plain FaultRule
	w := struct {
		plain
		Latency string `json:"latency,omitempty"`
		// Spent is true once Times applications are used up.
		Spent bool `json:"spent"`
	}{plain: plain(f), Spent: f.spent()}
	if f.Latency > 0 {
		w.Latency = f.Latency.String()
	}
	return json.Marshal(w)
}

// UnmarshalJSON reads the latency as a duration string ("2s") or a number
// of milliseconds. A field a rule does not have is refused, as the
// control API refuses one anywhere ({"pssid":…} must not read as a rule
// for every user); spent, which MarshalJSON writes, may come back.
func (f *FaultRule) UnmarshalJSON(b []byte) error {
	type plain FaultRule
	var w struct {
		plain
		Latency json.RawMessage `json:"latency"`
		Spent   json.RawMessage `json:"spent"`
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil {
		if te := (*json.UnmarshalTypeError)(nil); errors.As(err, &te) {
			te.Field = strings.TrimPrefix(te.Field, "plain.") // the alias above is no field of the rule
		}
		return err
	}
	*f = FaultRule(w.plain)
	f.Latency = 0
	if len(w.Latency) == 0 || string(w.Latency) == "null" {
		return nil
	}
	var s string
	if err := json.Unmarshal(w.Latency, &s); err == nil {
		d, err := time.ParseDuration(s)
		if err != nil {
			return fmt.Errorf("latency %q is not a duration such as \"250ms\"", s)
		}
		f.Latency = d
		return nil
	}
	ms, err := strconv.ParseInt(string(w.Latency), 10, 64)
	if err != nil {
		return fmt.Errorf("latency must be a duration string such as \"250ms\" or a number of milliseconds")
	}
	f.Latency = time.Duration(ms) * time.Millisecond
	return nil
}

func (f *FaultRule) spent() bool { return f.Times > 0 && f.Applied >= f.Times }

// maxFaultLatency bounds a fault's delay, so a typo cannot hang a test run.
const maxFaultLatency = 5 * time.Minute

// check refuses a rule that could not work.
func (f *FaultRule) check() error {
	if f.Latency < 0 {
		return invalid("a fault rule's latency cannot be negative")
	}
	if f.Error == "" && f.Latency <= 0 && !f.Timeout {
		return invalid("a fault rule needs an error key, a latency or a timeout")
	}
	if f.Error != "" && f.Timeout {
		return invalid("a rule answers an error or times out, not both")
	}
	if f.After < 0 || f.Times < 0 {
		return invalid("after and times cannot be negative")
	}
	if f.Latency < 0 || f.Latency > maxFaultLatency {
		return invalid("latency must be between 0 and " + maxFaultLatency.String())
	}
	if apis := RequestAPIs(); f.API != "" && !slices.Contains(apis, f.API) {
		// A typo would match nothing, and the test would pass untouched.
		return invalid("unknown api " + strconv.Quote(f.API) + "; the families are " + strings.Join(apis, ", "))
	}
	switch strings.ToUpper(f.Method) {
	case "", "GET", "POST", "DELETE":
		f.Method = strings.ToUpper(f.Method)
	default:
		return invalid("method must be GET, POST or DELETE")
	}
	if f.Error != "" {
		if !validator.Known(f.Error) {
			return invalid("unknown error key " + strconv.Quote(string(f.Error)) + "; use a key of the error catalogue (docs/rules.md, Errors answered) such as \"unavailable\" or \"rate-api\"")
		}
		if want := validator.ArgCount(f.Error); want != len(f.Args) {
			return invalid(fmt.Sprintf("error %q takes %d args, got %d", f.Error, want, len(f.Args)))
		}
	}
	return nil
}

// faultSet holds a Server's fault rules. The zero value is empty and ready.
type faultSet struct {
	mu    sync.Mutex
	next  int
	rules []*FaultRule
	// delaying says a rule adds latency: its wait ends early when the
	// client goes away, which only net/http notices (server.go graphCall).
	delaying atomic.Bool
}

// noteDelays updates delaying; fs.mu is held.
func (fs *faultSet) noteDelays() {
	d := false
	for _, r := range fs.rules {
		d = d || r.Latency > 0
	}
	fs.delaying.Store(d)
}

// AddFault installs a fault rule and returns it with its ID. Rules are
// consulted in the order they were added; the first that answers with an
// error wins, and every matching rule's latency is added up.
func (s *Server) AddFault(f FaultRule) (FaultRule, error) {
	if err := f.check(); err != nil {
		return FaultRule{}, err
	}
	fs := &s.faults
	fs.mu.Lock()
	fs.next++
	f.ID = "f" + strconv.Itoa(fs.next)
	f.Seen, f.Applied = 0, 0
	rule := f
	fs.rules = append(fs.rules, &rule)
	fs.noteDelays()
	fs.mu.Unlock()
	s.journalControl(ChangeFaultAdded, "", rule.PSID, rule)
	return rule, nil
}

// Faults lists the installed fault rules with their counters.
func (s *Server) Faults() []FaultRule {
	fs := &s.faults
	fs.mu.Lock()
	defer fs.mu.Unlock()
	out := make([]FaultRule, len(fs.rules))
	for i, r := range fs.rules {
		out[i] = *r
	}
	return out
}

// RemoveFault deletes one rule; an unknown id is ErrNoFault.
func (s *Server) RemoveFault(id string) error {
	fs := &s.faults
	fs.mu.Lock()
	for i, r := range fs.rules {
		if r.ID == id {
			fs.rules = append(fs.rules[:i:i], fs.rules[i+1:]...)
			fs.noteDelays()
			fs.mu.Unlock()
			s.journalControl(ChangeFaultRemoved, "", r.PSID, *r)
			return nil
		}
	}
	fs.mu.Unlock()
	return fail(ErrNoFault, "no fault rule "+id)
}

// ClearFaults deletes every fault rule.
func (s *Server) ClearFaults() {
	s.clearFaults()
	s.journalControl(ChangeFaultsCleared, "", "", nil)
}

func (s *Server) clearFaults() {
	fs := &s.faults
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.rules = nil
	fs.noteDelays()
}

// applyFaults runs the fault rules on a call whose route and Page are
// known: it sleeps for the matching latency and returns the forced error,
// if any, recorded as a violation.
func (s *Server) applyFaults(c *call) *validator.GraphError {
	fs := &s.faults
	fs.mu.Lock()
	n := len(fs.rules)
	fs.mu.Unlock()
	if n == 0 {
		return nil
	}
	// A rule names a call's family as the journal files it: a node's
	// (GET /{PSID} is user_profile) before its handler has looked.
	s.resolveNodeFamily(c)
	fs.mu.Lock()
	psid := c.faultPSID()
	path := strings.Join(c.segs, "/")
	inBatch := c.r.Context().Value(batchItemKey{}) != nil
	var delay time.Duration
	var hit *FaultRule
	var gerr *validator.GraphError
	var applied []string
	for _, r := range fs.rules {
		if r.spent() || (r.Timeout && !inBatch) || !r.matches(c, path, psid) {
			continue
		}
		if (r.Error != "" || r.Timeout) && hit != nil {
			continue // an earlier rule already answers; leave this one's counters alone
		}
		r.Seen++
		if r.Seen <= r.After {
			continue
		}
		r.Applied++
		applied = append(applied, r.ID)
		delay += r.Latency
		switch {
		case r.Timeout:
			hit, gerr = r, errTimedOut
		case r.Error != "":
			args := make([]any, len(r.Args))
			for i, a := range r.Args {
				args[i] = a
			}
			hit, gerr = r, validator.Err(r.Error, args...)
		}
	}
	var id string
	if hit != nil {
		id = hit.ID
	}
	fs.mu.Unlock()
	if len(applied) > 0 {
		d := FaultDetail{Rules: applied, RuleID: id, LatencyMS: float64(delay) / float64(time.Millisecond)}
		if hit != nil {
			d.Error, d.TimedOut = hit.Error, hit.Timeout
		}
		s.journalFault(c.now, c.pageID(), psid, c.apiFamily(), d)
	}
	if delay > 0 {
		t := time.NewTimer(delay)
		select {
		case <-t.C:
		case <-c.r.Context().Done():
			t.Stop()
		}
	}
	if gerr == nil || gerr == errTimedOut {
		return gerr
	}
	if c.psid == "" {
		c.psid = psid // the journal places the refusal in the user's conversation
	}
	return c.fail("", ruleFault, gerr, "forced by fault rule "+id)
}

// errTimedOut is applyFaults' answer for a batch item that times out:
// serveGraphInto answers it with a timed-out response, which the batch
// writes as null, and journals no request for it (the fault event says
// what happened).
var errTimedOut = &validator.GraphError{Key: validator.KeyUnknownError}

// batchItemKey marks the context of a batch item's request.
type batchItemKey struct{}

func (r *FaultRule) matches(c *call, path, psid string) bool {
	if r.Method != "" && r.Method != c.method {
		return false
	}
	if r.API != "" && r.API != c.apiFamily() {
		return false
	}
	if r.Path != "" {
		p := strings.Trim(r.Path, "/")
		asMe := path
		if c.page != nil {
			asMe = strings.Replace(path, c.page.ID, "me", 1)
		}
		if p != path && p != asMe && (c.route == nil || p != c.route.pattern) {
			return false
		}
	}
	return r.PSID == "" || r.PSID == psid
}

// faultPSID is the user a call is about, for matching: the Send API's
// recipient, a psid or user parameter, or a node id.
func (c *call) faultPSID() string {
	if rec, ok := c.params["recipient"].(map[string]any); ok {
		if id, ok := paramString(rec["id"]); ok {
			return id
		}
	}
	for _, k := range []string{"psid", "user", "recipient"} {
		if v := c.str(k); v != "" {
			return v
		}
	}
	if c.route != nil && len(c.route.segs) > 0 && c.route.segs[0] == "{id}" && len(c.segs) > 0 {
		return c.segs[0]
	}
	return ""
}
