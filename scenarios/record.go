package scenarios

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/messemu/messemu/fakegraph"
)

// Recording: a live session (curl, the web page, a bot under development)
// becomes a scenario file. What the user did becomes steps, what the bot
// sent becomes expectations; ids and times are left out, so the file
// replays against a fresh user. A comment marks each text a person may
// want to loosen to text_contains or text_matches.

// Recorder reads an emulator's journal and writes scenarios.
type Recorder struct {
	// Emulator is the emulator's base URL.
	Emulator string
	// PSID records only this user's session ("": every user who did
	// something).
	PSID string
	// ControlToken is the bearer token of an emulator started with
	// --control-token ("": none).
	ControlToken string
	// Client makes the HTTP calls (default: one with no proxy).
	Client *http.Client
}

// Record writes the sessions as one scenario file to w and returns how
// many scenarios it wrote.
func (r *Recorder) Record(ctx context.Context, w io.Writer) (int, error) {
	hc := r.Client
	if hc == nil {
		hc = &http.Client{Transport: &http.Transport{Proxy: nil}}
	}
	c := &client{base: trimSlash(r.Emulator), controlToken: r.ControlToken, http: hc}
	events, err := readJournal(ctx, c)
	if err != nil {
		return 0, err
	}
	var order []string
	byUser := map[string][]fakegraph.Event{}
	// A clock move is Page-wide: it belongs to the sessions it falls
	// inside of, those with a step after it (the user acts, the bot
	// writes; a late receipt or webhook attempt is none). One that
	// follows a session's last step waits here and is dropped.
	moves := map[string][]fakegraph.Event{}
	var reset uint64 // the last reset's seq, 0 for none
	for _, e := range events {
		if e.Kind == fakegraph.KindControl && e.API == fakegraph.ChangeReset {
			// A reset took the users and their threads away: the sessions
			// to record are those after it.
			order, byUser, moves = nil, map[string][]fakegraph.Event{}, map[string][]fakegraph.Event{}
			reset = e.Seq
			continue
		}
		if e.PSID == "" || (r.PSID != "" && e.PSID != r.PSID) {
			if e.Kind == fakegraph.KindControl && e.API == fakegraph.ChangeClock {
				for _, p := range order {
					moves[p] = append(moves[p], e)
				}
			}
			continue
		}
		if _, seen := byUser[e.PSID]; !seen {
			if _, acted := e.UserAction(); !acted {
				continue // a session starts with what the user does
			}
			order = append(order, e.PSID)
		}
		if len(moves[e.PSID]) > 0 && len(stepLines(e)) > 0 { // not a receipt or a webhook attempt
			byUser[e.PSID] = append(byUser[e.PSID], moves[e.PSID]...)
			delete(moves, e.PSID)
		}
		byUser[e.PSID] = append(byUser[e.PSID], e)
	}
	since := ""
	if reset != 0 {
		since = fmt.Sprintf(" since the last reset (journal seq %d: what came before it is not recorded)", reset)
	}
	if len(order) == 0 {
		if r.PSID != "" {
			return 0, fmt.Errorf("the journal holds nothing user %s did%s", r.PSID, since)
		}
		return 0, fmt.Errorf("the journal holds nothing a user did%s: write to the bot first", since)
	}
	// How far the emulator's clock stands from the wall clock now: a
	// session that ran off the wall clock starts at its date on replay.
	var offset time.Duration
	if now, err := emulatorClock(ctx, c); err == nil {
		offset = now.Sub(time.Now())
	}
	fmt.Fprintf(w, "# yaml-language-server: $schema=https://raw.githubusercontent.com/messemu/messemu/main/scenarios/schema.json\n")
	fmt.Fprintf(w, "# Recorded by messemu record from %s on %s.\n", r.Emulator, time.Now().UTC().Format(time.DateOnly))
	named := map[string]int{} // a scenario's name is unique in its file
	type session struct {
		name   string
		u      fakegraph.User
		events []fakegraph.Event
		clock  time.Time
	}
	var sessions []session
	for _, psid := range order {
		var u fakegraph.User
		if err := c.control(ctx, "GET", "users/"+psid, nil, &u); err != nil {
			return 0, fmt.Errorf("reading user %s: %w", psid, err)
		}
		if u.Scenario != "" && r.PSID == "" {
			continue // a user replay made: its session is a scenario already
		}
		name := "recorded session of " + u.Name
		if named[name]++; named[name] > 1 {
			name += " (" + strconv.Itoa(named[name]) + ")"
		}
		sessions = append(sessions, session{name, u, byUser[psid], sessionClock(byUser[psid], events, offset)})
	}
	// Sessions that ran side by side on the virtual clock cannot each
	// replay at their own date (the clock only moves forward): then none
	// gets one, and replay runs them at its now.
	list := make([]*Scenario, len(sessions))
	for i, s := range sessions {
		list[i] = clockedScenario(s.name, s.events, s.clock)
	}
	if CheckClocks(list, time.Now()) != nil {
		fmt.Fprintf(w, "# The sessions overlapped on the emulator's virtual clock: no setup: clock is written, and replay runs them at its now.\n")
		for i := range sessions {
			sessions[i].clock = time.Time{}
		}
	}
	written := len(sessions)
	for _, s := range sessions {
		writeSession(w, s.name, s.u, s.events, s.clock)
	}
	if written == 0 {
		return 0, fmt.Errorf("the journal holds only sessions messemu replay played%s: record a user of your own, or name one with --psid", since)
	}
	return written, nil
}

// readJournal reads every event the emulator keeps.
func readJournal(ctx context.Context, c *client) ([]fakegraph.Event, error) {
	var all []fakegraph.Event
	query := "journal?limit=1000" // from the oldest event kept: a long-running serve has let older ones go
	for {
		var page struct {
			Events []fakegraph.Event `json:"events"`
		}
		if err := c.control(ctx, "GET", query, nil, &page); err != nil {
			var ce *controlError
			if !errors.As(err, &ce) {
				return nil, fmt.Errorf("reading the journal of %s: %w (is messemu serve running there?)", c.base, err)
			}
			return nil, fmt.Errorf("reading the journal: %w", err)
		}
		if len(page.Events) == 0 {
			return all, nil
		}
		all = append(all, page.Events...)
		query = "journal?limit=1000&after=" + strconv.FormatUint(page.Events[len(page.Events)-1].Seq, 10)
	}
}

// clockDrift is how far from the wall clock a session's virtual time may
// stand and still be recorded as run now (no setup: clock): the real
// time the session took, and some.
const clockDrift = time.Minute

// sessionClock is the setup: clock of a session (session its events)
// that ran off the wall clock: the time of its first event; zero when
// it ran at the wall clock. offset is how far the emulator's clock stands
// from the wall clock now; the clock moves journalled after the
// session's start (all, the whole journal) took it part of that way.
func sessionClock(session, all []fakegraph.Event, offset time.Duration) time.Time {
	if len(session) == 0 {
		return time.Time{}
	}
	first := session[0]
	for _, e := range all {
		if e.Seq <= first.Seq || e.Kind != fakegraph.KindControl || e.API != fakegraph.ChangeClock {
			continue
		}
		var d struct {
			Data struct {
				From time.Time `json:"from"`
				To   time.Time `json:"to"`
			} `json:"data"`
		}
		if json.Unmarshal(e.Detail, &d) == nil {
			offset -= d.Data.To.Sub(d.Data.From)
		}
	}
	if offset.Abs() <= clockDrift {
		return time.Time{}
	}
	return first.Time.UTC().Truncate(time.Second)
}

// clockedScenario is as much of a recorded session as its place on the
// virtual clock needs: its setup: clock and its advances_clock steps.
func clockedScenario(name string, events []fakegraph.Event, clock time.Time) *Scenario {
	s := &Scenario{Name: name}
	if !clock.IsZero() {
		s.Setup.Clock = clock.Format(time.RFC3339)
	}
	for _, e := range events {
		if _, d, ok := clockAdvance(e); ok && d > 0 {
			s.Steps = append(s.Steps, Step{AdvancesClock: &Duration{d}})
		}
	}
	return s
}

// clockAdvance reads how far a journalled clock move advanced the clock,
// as the journal wrote it and as a duration (0 when it does not read as
// one); ok is false for an event that is no clock move.
func clockAdvance(e fakegraph.Event) (text string, d time.Duration, ok bool) {
	var c struct {
		Data struct {
			Advanced string `json:"advanced"`
		} `json:"data"`
	}
	if e.Kind != fakegraph.KindControl || json.Unmarshal(e.Detail, &c) != nil || c.Data.Advanced == "" {
		return "", 0, false
	}
	d, _ = time.ParseDuration(c.Data.Advanced)
	return c.Data.Advanced, d, true
}

// writeSession writes one user's session as a scenario; clock, when set,
// as its setup: clock.
func writeSession(w io.Writer, name string, u fakegraph.User, events []fakegraph.Event, clock time.Time) {
	fmt.Fprintf(w, "\n- name: %s\n", q(name))
	fmt.Fprintf(w, "  user: {name: %s", q(u.Name))
	if u.Locale != "" {
		fmt.Fprintf(w, ", locale: %s", q(u.Locale))
	}
	fmt.Fprintf(w, "}\n")
	if !clock.IsZero() {
		// The emulator's clock did not stand at the wall clock: the
		// session is judged at its date, not at the date it replays.
		fmt.Fprintf(w, "  setup: {clock: %s}  # the session ran on the emulator's virtual clock\n", q(clock.Format(time.RFC3339)))
	}
	fmt.Fprintf(w, "  steps:\n")
	outcome := deliveries(events)
	for _, e := range events {
		lines := stepLines(e)
		for _, line := range lines {
			fmt.Fprintf(w, "    %s\n", line)
		}
		if why, failed := outcome[e.Seq]; failed && len(lines) > 0 && e.Kind == fakegraph.KindUserAction {
			fmt.Fprintf(w, "    # its webhook was never delivered: %s\n", printable(why))
		}
	}
}

// deliveries lists the events of a session whose webhook never reached
// the bot, with why: every attempt journalled for it failed, or it was
// dropped unsent. An event with no attempt at all (a bot in process,
// no webhook) is not listed.
func deliveries(events []fakegraph.Event) map[uint64]string {
	failed := map[uint64]string{}
	delivered := map[uint64]bool{}
	for _, e := range events {
		a, ok := e.Attempt()
		switch {
		case !ok:
		case a.Outcome == fakegraph.OutcomeDelivered:
			delivered[a.EventSeq] = true
		default:
			why := a.Error
			if a.Answer != "" {
				why += fmt.Sprintf(" (it answered %q)", truncateText(a.Answer, 80))
			}
			failed[a.EventSeq] = why
		}
	}
	for seq := range delivered {
		delete(failed, seq)
	}
	return failed
}

// stepLines renders an event as steps ("" lines none).
func stepLines(e fakegraph.Event) []string {
	switch e.Kind {
	case fakegraph.KindControl:
		if e.API == fakegraph.ChangeHandoverAct {
			return handoverStep(e)
		}
		if text, adv, ok := clockAdvance(e); ok {
			if adv <= 0 {
				return nil // a move to where the clock stood: no step
			}
			return []string{"- advances_clock: " + text}
		}
	case fakegraph.KindUserAction:
		return userStep(e)
	case fakegraph.KindRequest:
		if m, ok := botMessageOf(e); ok {
			return expectLines(m)
		}
		return botHandover(e)
	}
	return nil
}

// handoverStep renders another app's handover action (the Page Inbox's
// by default) as a handover: step.
func handoverStep(e fakegraph.Event) []string {
	var d struct {
		Data fakegraph.HandoverActRequest `json:"data"`
	}
	if json.Unmarshal(e.Detail, &d) != nil || d.Data.Action == "" {
		return []string{"# (not replayable: a handover by another app)"}
	}
	h := d.Data
	line := "- handover: {action: " + h.Action
	if h.AppID != "" && h.AppID != fakegraph.PageInboxAppID {
		line += ", app_id: " + q(h.AppID)
	}
	if h.TargetAppID != "" && !(h.Action == "pass_thread_control" && h.TargetAppID == fakegraph.DefaultAppID) {
		line += ", target_app_id: " + q(h.TargetAppID)
	}
	if h.Metadata != "" {
		line += ", metadata: " + q(h.Metadata)
	}
	return []string{line + "}"}
}

// botHandover renders the bot's own accepted pass, take or release as
// an expect_user: of the thread's owner after it.
func botHandover(e fakegraph.Event) []string {
	if e.API != fakegraph.APIHandover || !e.Accepted || e.Method != "POST" || e.Thread == nil {
		return nil
	}
	did := map[string]string{"pass_thread_control": "passed", "take_thread_control": "took", "release_thread_control": "released"}[path.Base(e.Path)]
	if did == "" {
		return nil // a request for the thread changes no owner
	}
	return []string{"- expect_user: {thread_owner: " + q(e.Thread.OwnerAppID) + "}  # the bot " + did + " the thread"}
}

func userStep(e fakegraph.Event) []string {
	action, ev, _ := userActionOf(e)
	switch action {
	case fakegraph.ActionMessage:
		if ev.Message == nil {
			break
		}
		if ev.Message.Text != "" {
			return []string{"- says: " + q(ev.Message.Text)}
		}
		for _, a := range ev.Message.Attachments {
			// A sticker comes as a sticker and, until 2026-08-30, also as
			// an image with its sticker_id: one step.
			if a.Type == "sticker" || a.Payload.StickerID != 0 {
				return []string{fmt.Sprintf("- sends: {type: sticker, sticker_id: %d}", a.Payload.StickerID)}
			}
		}
		var out []string
		for _, a := range ev.Message.Attachments {
			switch {
			case !slices.Contains(attachmentTypes, a.Type):
				out = append(out, "# the user shared a "+a.Type+": not a step replay takes")
			case a.Payload.URL == "":
				out = append(out, "# the user sent a "+a.Type+" without a url: not a step replay takes")
			default:
				out = append(out, fmt.Sprintf("- sends: {type: %s, url: %s}", a.Type, q(a.Payload.URL)))
			}
		}
		return out
	case fakegraph.ActionQuickReply:
		if ev.Message != nil {
			return []string{"- taps_quick_reply: " + q(ev.Message.Text)}
		}
	case fakegraph.ActionPostback:
		if ev.Postback != nil {
			if ev.Postback.Payload != "" {
				// By payload, which names the button where a carousel
				// repeats its title on every card; the title as a comment.
				return []string{"- taps_button: {payload: " + q(ev.Postback.Payload) + "}  # " + printable(ev.Postback.Title)}
			}
			return []string{"- taps_button: " + q(ev.Postback.Title)}
		}
	case fakegraph.ActionGetStarted:
		return []string{"- taps_get_started: true"}
	case fakegraph.ActionMenu:
		if ev.Postback != nil {
			return []string{"- taps_menu: " + q(ev.Postback.Title)}
		}
	case fakegraph.ActionIceBreaker:
		if ev.Postback != nil {
			return []string{"- taps_ice_breaker: " + q(ev.Postback.Title)}
		}
	case fakegraph.ActionReaction:
		if ev.Reaction != nil && ev.Reaction.Action == "unreact" {
			return []string{"- reacts: {unreact: true}"}
		}
		if ev.Reaction != nil {
			return []string{"- reacts: " + q(ev.Reaction.Emoji) + "  # to the bot's last message"}
		}
	case fakegraph.ActionRead:
		return []string{"- reads: true"}
	case fakegraph.ActionEdit:
		if ev.MessageEdit != nil {
			return []string{"- edits: " + q(ev.MessageEdit.Text)}
		}
	case fakegraph.ActionOptin:
		if o := ev.Optin; o != nil && o.Type == "one_time_notif_req" {
			return []string{"- opts_in: {one_time_notif: " + q(o.Payload) + "}"}
		} else if o != nil && o.UserRef != "" {
			// The checkbox: replayed with a user_ref of its own each run.
			return []string{"- opts_in: {ref: " + q(o.Ref) + ", checkbox: true}"}
		} else if o != nil {
			return []string{"- opts_in: {ref: " + q(o.Ref) + "}"}
		}
	case fakegraph.ActionReferral:
		if r := ev.Referral; r != nil {
			return []string{fmt.Sprintf("- arrives_from: {ref: %s, source: %s}", q(r.Ref), q(r.Source))}
		}
		var r ReferralStep // held for Get Started: the request says it
		if json.Unmarshal(e.Request, &r) == nil {
			return []string{fmt.Sprintf("- arrives_from: {ref: %s, source: %s}", q(r.Ref), q(r.Source))}
		}
	}
	return []string{"# (not replayable: " + string(action) + ")"}
}

// expectLines renders a bot message as an expect step.
func expectLines(m botMessage) []string {
	if m.SenderAction != "" {
		return []string{"- expect: {sender_action: " + m.SenderAction + "}"}
	}
	out := []string{"- expect:"}
	add := func(s string) { out = append(out, "    "+s) }
	if m.Text != "" {
		add("text: " + q(m.Text) + "  # or text_contains: / text_matches: if it varies")
	}
	if len(m.QuickReplies) > 0 {
		var titles []string
		for _, r := range m.QuickReplies {
			titles = append(titles, q(r.Title))
		}
		add("quick_replies: [" + strings.Join(titles, ", ") + "]")
	}
	if a := m.Attachment; a != nil {
		if a.Type == "template" {
			add("template: " + q(a.Payload.TemplateType))
			if len(a.Payload.Elements) > 0 {
				add("elements:")
				for _, el := range a.Payload.Elements {
					sub := ""
					if el.Subtitle != "" {
						sub = ", subtitle: " + q(el.Subtitle)
					}
					add("  - {title: " + q(el.Title) + sub + buttonList(el.Buttons) + "}")
				}
			}
			if len(a.Payload.Buttons) > 0 {
				add(strings.TrimPrefix(buttonList(a.Payload.Buttons), ", "))
			}
		} else {
			if a.Payload.URL == "" { // sent by attachment_id
				add("attachment: {type: " + a.Type + "}")
			} else {
				add(fmt.Sprintf("attachment: {type: %s, url: %s}", a.Type, q(a.Payload.URL)))
			}
		}
	}
	if m.Tag != "" {
		add("tag: " + m.Tag)
	}
	if len(out) == 1 {
		return []string{"- expect: {}"}
	}
	return out
}

// buttonList renders buttons as ", buttons: [{…}, …]" ("" for none).
func buttonList(bs []sentButton) string {
	if len(bs) == 0 {
		return ""
	}
	var items []string
	for _, b := range bs {
		item := "{title: " + q(b.Title) + ", type: " + b.Type
		if b.Payload != "" {
			item += ", payload: " + q(b.Payload)
		}
		if b.URL != "" {
			item += ", url: " + q(b.URL)
		}
		items = append(items, item+"}")
	}
	return ", buttons: [" + strings.Join(items, ", ") + "]"
}

// q quotes a string for YAML: a double-quoted scalar, whose escapes
// are Go's.
func q(s string) string { return strconv.Quote(s) }
