package fakegraph

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/messemu/messemu/fakegraph/journal"
)

// The control API of the emulator itself: the journal, the virtual clock,
// reset, rate limits, automatic receipts, fault rules and the bot's
// webhook.

func (s *Server) emulatorControlRoutes() []controlRoute {
	return []controlRoute{
		{"GET", "journal", "readJournal", s.ctlJournal},
		{"GET", "journal/{seq}", "getJournalEvent", s.ctlJournalEvent},
		{"GET", "clock", "getClock", s.ctlClock},
		{"POST", "clock/advance", "advanceClock", s.ctlAdvance},
		{"POST", "reset", "reset", s.ctlReset},
		{"POST", "rate_limits", "setRateLimits", s.ctlRateLimits},
		{"POST", "receipts", "setReceipts", s.ctlReceipts},
		{"POST", "faults", "addFault", s.ctlAddFault},
		{"GET", "faults", "listFaults", s.ctlListFaults},
		{"DELETE", "faults", "clearFaults", s.ctlClearFaults},
		{"DELETE", "faults/{id}", "removeFault", s.ctlRemoveFault},
		{"GET", "webhook", "getWebhook", s.ctlWebhook},
		{"PUT", "webhook", "setWebhook", s.ctlSetWebhook},
		{"POST", "webhook/verify", "verifyWebhook", s.ctlVerifyWebhook},
	}
}

// maxJournalWait bounds a long poll.
const maxJournalWait = 60 * time.Second

// JournalFilter selects journal events; its zero value selects all.
type JournalFilter struct {
	PSID string
	Kind EventKind
	API  string
	// Accepted, when set, keeps only events whose Accepted equals it
	// (false: the refused requests, failed deliveries and alerts).
	Accepted *bool
}

// Match reports whether e passes the filter.
func (f JournalFilter) Match(e *Event) bool {
	return (f.PSID == "" || e.PSID == f.PSID) && (f.Kind == "" || e.Kind == f.Kind) &&
		(f.API == "" || e.API == f.API) && (f.Accepted == nil || e.Accepted == *f.Accepted)
}

func (f JournalFilter) keep() func(*Event) bool {
	if f == (JournalFilter{}) {
		return nil
	}
	return f.Match
}

// journalAnswer is GET journal's answer.
type journalAnswer struct {
	Events []Event `json:"events"`
	// LastSeq is the newest event's seq, FirstSeq the oldest kept.
	LastSeq  uint64 `json:"last_seq"`
	FirstSeq uint64 `json:"first_seq"`
}

// journalParams are the query parameters GET journal reads; another is a
// misspelt filter, which would read the whole journal as if it matched.
var journalParams = []string{"after", "limit", "kind", "api", "psid", "accepted", "wait", "page_id"}

func (s *Server) ctlJournal(c *controlCall) (any, error) {
	q := c.r.URL.Query()
	for k := range q {
		if !slices.Contains(journalParams, k) {
			return nil, invalid("the journal takes no parameter " + strconv.Quote(k) + "; it reads " + strings.Join(journalParams, ", "))
		}
	}
	if q.Has("page_id") {
		// The journal is every Page's; a Page it does not have is a
		// mistake to say, as every other endpoint says it.
		if err := c.knownPage(); err != nil {
			return nil, err
		}
	}
	var after uint64
	if v := q.Get("after"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return nil, invalid("after must be a sequence number")
		}
		after = n
	} else {
		after = s.journal.First() - 1 // from the oldest kept
	}
	limit := 1000
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			return nil, invalid("limit must be a positive number")
		}
		limit = n
	}
	f := JournalFilter{PSID: q.Get("psid"), Kind: EventKind(q.Get("kind")), API: q.Get("api")}
	if f.Kind != "" && !validKind(f.Kind) {
		return nil, invalid("kind must be one of " + kindList())
	}
	if apis := journalAPIs(); f.API != "" && !slices.Contains(apis, f.API) {
		// A misspelt api would read an empty journal as if nothing happened.
		if i := slices.IndexFunc(apis, func(a string) bool { return strings.EqualFold(a, f.API) }); i >= 0 {
			return nil, invalid(fmt.Sprintf("api %q is written %q", f.API, apis[i]))
		}
		return nil, invalid("api must be one of " + strings.Join(apis, ", "))
	}
	if v := q.Get("accepted"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return nil, invalid("accepted must be true or false")
		}
		f.Accepted = &b
	}
	var events []Event
	var err error
	if v := q.Get("wait"); v != "" {
		d, perr := time.ParseDuration(v)
		if perr != nil || d < 0 {
			return nil, invalid(`wait must be a duration such as "5s"`)
		}
		ctx, cancel := context.WithTimeout(c.r.Context(), min(d, maxJournalWait))
		defer cancel()
		events, err = s.journal.WaitMatch(ctx, after, limit, f.keep())
		if err == context.DeadlineExceeded || err == context.Canceled {
			err = nil // a timeout answers what there is: nothing
		}
	} else {
		events, err = s.journal.Read(after, limit, f.keep())
	}
	if err != nil {
		return nil, err
	}
	if events == nil {
		events = []Event{}
	}
	return journalAnswer{Events: events, LastSeq: s.journal.Last(), FirstSeq: s.journal.First()}, nil
}

// journalAPIs are the values an event's API takes: the request families,
// the webhook fields, the handshake, the control changes and the alerts.
func journalAPIs() []string {
	out := append(RequestAPIs(), WebhookFields()...)
	out = append(out, journal.APIWebhookVerify)
	out = append(out, journal.Changes()...)
	for _, a := range journal.Alerts() {
		if !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	return out
}

func validKind(k EventKind) bool {
	for _, x := range EventKinds() {
		if x == k {
			return true
		}
	}
	return false
}

func kindList() string {
	var names []string
	for _, k := range EventKinds() {
		names = append(names, string(k))
	}
	return strings.Join(names, ", ")
}

func (s *Server) ctlJournalEvent(c *controlCall) (any, error) {
	n, err := strconv.ParseUint(c.r.PathValue("seq"), 10, 64)
	if err != nil {
		return nil, invalid("not a sequence number")
	}
	return s.JournalEvent(n)
}

// trimmedEvent is ErrTrimmed for one event (TrimmedError is a reader's
// range).
type trimmedEvent struct{ seq, first uint64 }

func (e trimmedEvent) Error() string {
	return fmt.Sprintf("journal event %d was trimmed under the journal's retention (the oldest kept is %d); keep more with --retention", e.seq, e.first)
}

func (e trimmedEvent) Is(target error) bool { return target == ErrTrimmed }

// JournalEvent returns the event with sequence number seq: ErrNoEvent when
// there is none yet, ErrTrimmed when the journal's limit forgot it.
func (s *Server) JournalEvent(seq uint64) (Event, error) {
	e, ok := s.journal.Get(seq)
	if ok {
		return e, nil
	}
	if first := s.journal.First(); seq > 0 && seq < first {
		return Event{}, trimmedEvent{seq: seq, first: first}
	}
	return Event{}, fail(ErrNoEvent, "no journal event "+strconv.FormatUint(seq, 10))
}

func (s *Server) ctlClock(c *controlCall) (any, error) {
	return map[string]any{"now": s.clock.Now().UTC()}, nil
}

func (s *Server) ctlAdvance(c *controlCall) (any, error) {
	var req struct {
		Duration string    `json:"duration"`
		To       time.Time `json:"to"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	var now time.Time
	var err error
	switch {
	case req.Duration != "" && !req.To.IsZero():
		return nil, invalid(`give "duration" or "to", not both`)
	case req.Duration != "":
		var d time.Duration
		d, err = time.ParseDuration(req.Duration)
		if err != nil || d <= 0 {
			return nil, invalid("duration must be a positive Go duration such as \"25h\" or \"90m\"")
		}
		now, err = s.AdvanceClock(d) // clock.go: refuses an overflow
	case !req.To.IsZero():
		now, err = s.AdvanceClockTo(req.To)
	default:
		return nil, invalid(`give {"duration":"25h"} or {"to":"2026-12-01T00:00:00Z"}`)
	}
	if err != nil {
		return nil, invalid(err.Error())
	}
	return map[string]any{"now": now.UTC()}, nil
}

func (s *Server) ctlReset(c *controlCall) (any, error) {
	// Reset takes no body ({} or nothing) and acts on every Page; a
	// page_id it does not have is a mistake to say, not to ignore.
	if err := c.decode(&struct{}{}); err != nil {
		return nil, err
	}
	if err := c.knownPage(); err != nil {
		return nil, err
	}
	s.Reset()
	return ok, nil
}

func (s *Server) ctlRateLimits(c *controlCall) (any, error) {
	on, err := c.enabled()
	if err != nil {
		return nil, err
	}
	s.SetRateLimits(on)
	return map[string]any{"enabled": on}, nil
}

// enabled reads a switch's {"enabled": true|false}; {} switches nothing
// (it would read as false).
func (c *controlCall) enabled() (bool, error) {
	var req struct {
		Enabled *bool `json:"enabled"`
	}
	if err := c.decode(&req); err != nil {
		return false, err
	}
	if req.Enabled == nil {
		return false, invalid(`give {"enabled":true} or {"enabled":false}`)
	}
	return *req.Enabled, nil
}

// ctlReceipts switches the automatic receipts whatever runs the bot (the
// built-in demo bot, a webhook, testkit), where PUT webhook needs the
// webhook's URL.
func (s *Server) ctlReceipts(c *controlCall) (any, error) {
	on, err := c.enabled()
	if err != nil {
		return nil, err
	}
	s.SetReceipts(on)
	return map[string]any{"enabled": on}, nil
}

// SetRateLimits switches the platform's rate limits on or off.
func (s *Server) SetRateLimits(on bool) {
	s.limits.setEnabled(on)
	s.journalControl(ChangeRateLimits, "", "", map[string]bool{"enabled": on})
}

func (s *Server) ctlAddFault(c *controlCall) (any, error) {
	var f FaultRule
	if err := c.decode(&f); err != nil {
		return nil, err
	}
	return s.AddFault(f)
}

func (s *Server) ctlListFaults(c *controlCall) (any, error) {
	return map[string]any{"data": s.Faults()}, nil
}

func (s *Server) ctlClearFaults(c *controlCall) (any, error) {
	s.ClearFaults()
	return ok, nil
}

func (s *Server) ctlRemoveFault(c *controlCall) (any, error) {
	if err := s.RemoveFault(c.r.PathValue("id")); err != nil {
		return nil, err
	}
	return ok, nil
}

// webhookRequest is the body of PUT /_messemu/v1/webhook.
type webhookRequest struct {
	URL         string   `json:"url"`
	VerifyToken string   `json:"verify_token"`
	Fields      []string `json:"fields"`
	Timeout     string   `json:"timeout"`
	Receipts    *bool    `json:"receipts"`
	Batch       int      `json:"batch"`
}

func (s *Server) ctlSetWebhook(c *controlCall) (any, error) {
	var req webhookRequest
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if req.Batch < 0 {
		return nil, invalid("batch must be 0 or more")
	}
	cfg := WebhookConfig{URL: req.URL, VerifyToken: req.VerifyToken, Fields: req.Fields, Receipts: req.Receipts, Batch: req.Batch}
	if req.Timeout != "" {
		d, err := time.ParseDuration(req.Timeout)
		if err != nil || d <= 0 {
			return nil, invalid(`timeout must be a positive duration such as "5s"`)
		}
		cfg.Timeout = d
	}
	if err := s.ReplaceWebhook(cfg); err != nil {
		return nil, invalid(err.Error() + "; the webhook was left as it was (GET /_messemu/v1/webhook shows it)")
	}
	return s.Webhook(), nil
}

func (s *Server) ctlWebhook(c *controlCall) (any, error) { return s.Webhook(), nil }

func (s *Server) ctlVerifyWebhook(c *controlCall) (any, error) {
	if err := s.VerifyWebhook(); err != nil {
		return nil, invalid(err.Error())
	}
	return s.Webhook(), nil
}
