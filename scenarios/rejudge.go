package scenarios

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/messemu/messemu/fakegraph"
	"github.com/messemu/messemu/validator"
)

// Re-judging recorded traffic: every Send API request of an exported
// journal is judged again under today's rules as if it were made at a
// given date, so a bot recorded while a message tag was still allowed
// fails once the tag is retired. No bot runs.

// Verdict is the new judgement of one recorded request.
type Verdict struct {
	Event fakegraph.Event
	// Violations are today's, at the date given.
	Violations []validator.Violation
}

// Refused reports whether the request would be refused now.
func (v Verdict) Refused() bool { return validator.Result{Violations: v.Violations}.Err() != nil }

// Rejudged is the outcome of Rejudge.
type Rejudged struct {
	// Checked are the Send API requests judged again; Skipped counts the
	// other Graph requests (their rules need state the journal does not
	// hold).
	Checked []Verdict
	Skipped int
	// Unread counts the Send API requests the journal keeps no body of
	// to judge: refused before it was read (not one JSON object, or over
	// the size the journal keeps whole), recorded as a summary or its
	// parameters alone. Judging the stand-in would invent a reason.
	Unread int
}

// unread reports a Send API request whose journal record is a stand-in
// for a body the platform refused unread.
func unread(e fakegraph.Event, body map[string]any) bool {
	_, summary := body[fakegraph.BodySummaryKey]
	return summary || fakegraph.RefusedUnread(e.Violations)
}

// ReadJournal reads exported journal events: JSON lines of events (the
// web page's export), or pages of the control API's GET journal answer.
func ReadJournal(r io.Reader) ([]fakegraph.Event, error) {
	dec := json.NewDecoder(r)
	var out []fakegraph.Event
	for n := 1; ; n++ {
		var raw json.RawMessage
		if err := dec.Decode(&raw); errors.Is(err, io.EOF) {
			return out, nil
		} else if err != nil {
			return nil, fmt.Errorf("journal value %d: %w", n, err)
		}
		var page struct {
			Events *[]fakegraph.Event `json:"events"`
		}
		if err := json.Unmarshal(raw, &page); err == nil && page.Events != nil {
			out = append(out, *page.Events...)
			continue
		}
		var e fakegraph.Event
		if err := json.Unmarshal(raw, &e); err != nil {
			return nil, fmt.Errorf("journal value %d is not an event: %w", n, err)
		}
		if e.Kind == "" {
			return nil, fmt.Errorf("journal value %d is not an event: it has no kind", n)
		}
		out = append(out, e)
	}
}

// Rejudge judges every Send API request of events as if made at at.
func Rejudge(events []fakegraph.Event, at time.Time) Rejudged {
	v := validator.New(validator.MustLoadSchemas())
	var out Rejudged
	for _, e := range events {
		if e.Kind != fakegraph.KindRequest {
			continue
		}
		if e.API != fakegraph.APISend {
			out.Skipped++
			continue
		}
		dec := json.NewDecoder(bytes.NewReader(e.Request))
		dec.UseNumber()
		var body map[string]any
		if err := dec.Decode(&body); err != nil || body == nil {
			out.Skipped++
			continue
		}
		if unread(e, body) {
			out.Unread++
			continue
		}
		res := v.Send(body, recordedState{OfflineState: validator.OfflineState{Clock: at}, e: e})
		out.Checked = append(out.Checked, Verdict{Event: e, Violations: res.Violations})
	}
	return out
}

// recordedState is the world as the journal recorded it at the request,
// moved to the date at: ids exist, and the user's windows are as far from
// closing as they were when the request was made. The rest is
// OfflineState's at that date: the person behind a user_ref or a
// one-time token reachable (the journal records no thread for such a
// send, which it accepted), every attachment id saved.
type recordedState struct {
	validator.OfflineState // its Clock is the date the requests are judged at
	e                      fakegraph.Event
}

// User is the recipient with its windows as recorded, moved to the date.
func (s recordedState) User(psid string) (validator.UserInfo, bool) {
	u, ok := s.OfflineState.User(psid)
	th := s.e.Thread
	if !ok || th == nil {
		return u, ok
	}
	// The 24-hour window and the 7-day one (PLATFORM.md §2.2): keep the
	// time elapsed since the user's last interaction and message.
	u.LastInteraction, u.LastMessage = time.Time{}, time.Time{}
	if !th.WindowEnds.IsZero() {
		u.LastInteraction = s.Clock.Add(-s.e.Time.Sub(th.WindowEnds.Add(-24 * time.Hour)))
	}
	if !th.HumanAgentEnds.IsZero() {
		u.LastMessage = s.Clock.Add(-s.e.Time.Sub(th.HumanAgentEnds.Add(-7 * 24 * time.Hour)))
	}
	u.ControlledByOther = th.Standby && th.OwnerAppID != "" // not an idle thread another app is primary of
	return u, true
}

// WriteRejudged prints the requests refused at the date (and, strict,
// those warned about) and a summary; it reports whether all passed.
func WriteRejudged(w io.Writer, r Rejudged, at time.Time, strict bool) bool {
	refused := 0
	for _, v := range r.Checked {
		var lines []string
		for _, vi := range v.Violations {
			if vi.Severity != validator.SeverityError && !strict {
				continue
			}
			line := fmt.Sprintf("    %s at %s (rule %s)", vi.Severity, orRequest(vi.Path), vi.Rule)
			if vi.Error != nil {
				line += ": " + vi.Error.Message
			}
			if vi.Detail != "" {
				line += " — " + vi.Detail
			}
			lines = append(lines, line)
		}
		if len(lines) == 0 {
			continue
		}
		refused++
		then := "accepted"
		if !v.Event.Accepted {
			then = "refused"
		}
		fmt.Fprintf(w, "FAIL journal seq %d (%s, %s then): %s %s\n%s\n    request: %s\n", v.Event.Seq,
			v.Event.Time.UTC().Format(time.RFC3339), then, v.Event.Method, v.Event.Path, strings.Join(lines, "\n"),
			truncateText(string(v.Event.Request), 400))
	}
	verdict := "PASS"
	if refused > 0 {
		verdict = "FAIL"
	}
	fmt.Fprintf(w, "%s: %d Send API %s judged at %s, %d would fail; %d other %s not judged\n",
		verdict, len(r.Checked), requests(len(r.Checked)), at.UTC().Format(time.RFC3339), refused, r.Skipped, requests(r.Skipped))
	if r.Unread > 0 {
		fmt.Fprintf(w, "%d Send API %s not judged again: the platform refused them before reading their body (not one JSON object, or too large), and the journal keeps no body of them to judge\n",
			r.Unread, requests(r.Unread))
	}
	return refused == 0
}

func orRequest(path string) string {
	if path == "" {
		return "the request"
	}
	return path
}

// requests is the noun for n requests.
func requests(n int) string {
	if n == 1 {
		return "request"
	}
	return "requests"
}
