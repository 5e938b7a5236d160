package scenarios

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/messemu/messemu/fakegraph"
)

// errTimeout is a wait that ran out.
var errTimeout = errors.New("timed out")

// wait is how long an expectation waits.
func (r *Runner) wait(e *Expect) time.Duration {
	if e != nil && e.Within != nil {
		return e.Within.Duration
	}
	return cmp.Or(r.Wait, 10*time.Second)
}

// waitFor waits until ok holds for the bot's messages so far, failing
// early on a refused request.
func (ss *session) waitFor(ctx context.Context, d time.Duration, ok func([]botMessage) bool) error {
	deadline := time.NewTimer(d)
	defer deadline.Stop()
	for {
		_, changed, err := ss.in.snapshot()
		if err != nil {
			return err
		}
		if ok(ss.botMessages()) {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-deadline.C:
			return errTimeout
		case <-changed:
		}
	}
}

// next waits for the bot's next unread message; with actions, sender
// actions count as messages, else they are skipped. With stopUnsent, it
// fails with an *unsentStop unsentGrace after nothing the user did since
// the bot's last message turns out to have been sent to the bot.
func (ss *session) next(ctx context.Context, d time.Duration, actions, stopUnsent bool) (botMessage, error) {
	deadline := time.NewTimer(d)
	defer deadline.Stop()
	var quietUntil time.Time // when the unsent actions end the wait
	for {
		evs, changed, err := ss.in.snapshot()
		if err != nil {
			return botMessage{}, err
		}
		for ; ss.read < len(evs); ss.read++ {
			e := evs[ss.read]
			if line := strayLine(e, ss.r.Strict); line != "" {
				return botMessage{}, &stepFailure{reason: strayReason(e) + line}
			}
			m, ok := botMessageOf(e)
			if !ok || (m.SenderAction != "") != actions {
				continue
			}
			ss.read++
			ss.answered = ss.read
			return m, nil
		}
		var quiet <-chan time.Time
		if stopUnsent {
			if lines, ok := ss.nothingSent(ctx, evs); ok {
				if quietUntil.IsZero() {
					quietUntil = time.Now().Add(unsentGrace)
				}
				if !time.Now().Before(quietUntil) {
					return botMessage{}, &unsentStop{lines: lines}
				}
				quiet = time.After(time.Until(quietUntil))
			} else {
				quietUntil = time.Time{}
			}
		}
		select {
		case <-ctx.Done():
			return botMessage{}, ctx.Err()
		case <-deadline.C:
			return botMessage{}, errTimeout
		case <-changed:
		case <-quiet:
		}
	}
}

func (ss *session) expectOne(ctx context.Context, st *Step, want *Expect) error {
	d := ss.r.wait(want)
	m, err := ss.next(ctx, d, want.SenderAction != nil, true)
	what := "message"
	if want.SenderAction != nil {
		what = "sender action"
	}
	var stop *unsentStop
	if errors.As(err, &stop) {
		w, _ := project(want, nil)
		return &stepFailure{reason: fmt.Sprintf("expect: no %s from the bot can come: nothing the user did since its last message "+
			"was sent to the bot:", what) + unsentText(stop.lines), want: yamlText(w)}
	}
	if errors.Is(err, errTimeout) {
		w, _ := project(want, nil)
		return &stepFailure{reason: fmt.Sprintf("expect: no %s from the bot within %s", what, d) + ss.unsentSince(ctx) + ss.failedDeliveries(),
			want: yamlText(w)}
	}
	if err != nil {
		return err
	}
	if err := ss.personaName(ctx, want, &m); err != nil {
		return err
	}
	return ss.match(want, m, "expect: the bot's message is not the one expected")
}

// personaName puts the persona's name in place of its id when the
// expectation names the persona rather than giving its id.
func (ss *session) personaName(ctx context.Context, want *Expect, m *botMessage) error {
	if want.Persona == nil || m.PersonaID == "" || isDigits(*want.Persona) {
		return nil
	}
	var page struct {
		Data []fakegraph.Persona `json:"data"`
	}
	if err := ss.c.control(ctx, "GET", "personas", nil, &page); err != nil {
		return err
	}
	for _, p := range page.Data {
		if p.ID == m.PersonaID {
			m.PersonaID = p.Name
		}
	}
	return nil
}

func isDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

func (ss *session) match(want *Expect, m botMessage, reason string) error {
	if ok, diff := compare(want, m); !ok {
		return &stepFailure{reason: reason, diff: diff}
	}
	return nil
}

func (ss *session) expectAnyOrder(ctx context.Context, st *Step) error {
	wants := st.ExpectAnyOrder
	var got []botMessage
	matched := map[int]int{} // expectation → the message that met it
	for len(got) < len(wants) {
		d := ss.r.wait(&wants[firstUnmet(len(wants), matched)])
		m, err := ss.next(ctx, d, false, true)
		var stop *unsentStop
		if errors.As(err, &stop) {
			return &stepFailure{reason: fmt.Sprintf("expect_any_order: %d of %d messages came, and no more can come: nothing the user "+
				"did since the bot's last message was sent to the bot:", len(got), len(wants)) + unsentText(stop.lines),
				diff: anyOrderDiff(wants, got, matched)}
		}
		if errors.Is(err, errTimeout) {
			return &stepFailure{reason: fmt.Sprintf("expect_any_order: %d of %d messages came within %s", len(got), len(wants), d) + ss.unsentSince(ctx),
				diff: anyOrderDiff(wants, got, matched)}
		}
		if err != nil {
			return err
		}
		got = append(got, m)
		// Each message must meet an expectation of its own; which one is
		// settled only once they are all in: a message that met one
		// expectation may be moved to another to make room.
		matched = pairAnyOrder(wants, got)
		if len(matched) < len(got) {
			return &stepFailure{reason: anyOrderMismatch(wants, got, matched), diff: anyOrderDiff(wants, got, matched)}
		}
	}
	return nil
}

// firstUnmet is the first expectation no message meets yet.
func firstUnmet(n int, matched map[int]int) int {
	for i := range n {
		if _, ok := matched[i]; !ok {
			return i
		}
	}
	return 0
}

// pairAnyOrder pairs messages with the expectations they meet, each with
// one of its own, as many as can be (expectation → message): a maximum
// bipartite matching, by augmenting paths, the messages in the order
// they came.
func pairAnyOrder(wants []Expect, got []botMessage) map[int]int {
	meets := make([][]bool, len(wants))
	for i := range wants {
		meets[i] = make([]bool, len(got))
		for j := range got {
			meets[i][j] = satisfied(&wants[i], got[j])
		}
	}
	metBy := make([]int, len(wants)) // expectation → message, -1: none
	for i := range metBy {
		metBy[i] = -1
	}
	var place func(j int, tried []bool) bool
	place = func(j int, tried []bool) bool {
		for i := range wants {
			if !meets[i][j] || tried[i] {
				continue
			}
			tried[i] = true
			if metBy[i] < 0 || place(metBy[i], tried) {
				metBy[i] = j
				return true
			}
		}
		return false
	}
	for j := range got {
		place(j, make([]bool, len(wants)))
	}
	matched := map[int]int{}
	for i, j := range metBy {
		if j >= 0 {
			matched[i] = j
		}
	}
	return matched
}

// anyOrderMismatch says why the messages so far cannot each meet an
// expectation of their own: a message that meets none at all, or the
// expectations left unmet and the messages left over, which meet none
// of them.
func anyOrderMismatch(wants []Expect, got []botMessage, matched map[int]int) string {
	used := map[int]bool{}
	for _, j := range matched {
		used[j] = true
	}
	var left []string
	for j, m := range got {
		if used[j] {
			continue
		}
		if !slices.ContainsFunc(wants, func(w Expect) bool { return satisfied(&w, m) }) {
			return fmt.Sprintf("expect_any_order: the bot's message %q matches none of the expected ones", truncateText(m.summary(), 200))
		}
		left = append(left, fmt.Sprintf("%q", truncateText(m.summary(), 200)))
	}
	var unmet []string
	for i := range wants {
		if _, ok := matched[i]; !ok {
			w, _ := project(&wants[i], nil)
			unmet = append(unmet, fmt.Sprintf("expect_any_order[%d] {%s}", i, oneLine(yamlLines(w))))
		}
	}
	return fmt.Sprintf("expect_any_order: the bot's messages cannot each meet an expectation of their own: left unmet %s; "+
		"left over %s, which meets only expectations other messages need", strings.Join(unmet, ", "), strings.Join(left, ", "))
}

// oneLine joins YAML lines into one, for a message.
func oneLine(lines []string) string {
	for i, l := range lines {
		lines[i] = strings.TrimSpace(l)
	}
	return strings.Join(lines, ", ")
}

// anyOrderDiff diffs the expectations, in their order, against the
// messages: each message that met an expectation beside it, the others in
// the places still open, in the order they came, each projected onto the
// expectation it is set against.
func anyOrderDiff(wants []Expect, got []botMessage, matched map[int]int) string {
	used := make(map[int]bool, len(matched))
	for _, gi := range matched {
		used[gi] = true
	}
	var rest []int
	for gi := range got {
		if !used[gi] {
			rest = append(rest, gi)
		}
	}
	var w, g []expected
	for i := range wants {
		pw, _ := project(&wants[i], nil)
		w = append(w, pw)
		gi, ok := matched[i]
		if !ok {
			if len(rest) == 0 {
				continue // not come: the diff shows it missing
			}
			gi, rest = rest[0], rest[1:]
		}
		_, pg := project(&wants[i], &got[gi])
		g = append(g, pg)
	}
	return diff(w, g)
}

// noMessage fails if the bot sends a message within d.
func (ss *session) noMessage(ctx context.Context, d time.Duration) error {
	m, err := ss.next(ctx, d, false, false)
	if errors.Is(err, errTimeout) {
		return nil
	}
	if err != nil {
		return err
	}
	return &stepFailure{reason: fmt.Sprintf("no_message: the bot sent a message within %s: %s", d, m.summary())}
}

// expected is an expectation or a message, projected onto the keys the
// expectation names, so the diff shows only what was checked, in the
// file's own keys: a nil field is a key not named, a pointer to "" a
// named key the message leaves empty.
type expected struct {
	Text               *string           `yaml:"text"`
	TextContains       *string           `yaml:"text_contains"`
	TextMatches        *string           `yaml:"text_matches"`
	QuickReplies       []string          `yaml:"quick_replies"`
	QuickReplyPayloads []string          `yaml:"quick_reply_payloads"`
	QuickReplyCount    *int              `yaml:"quick_reply_count"`
	Template           *string           `yaml:"template"`
	Elements           []expectedElement `yaml:"elements"`
	Buttons            []expectedButton  `yaml:"buttons"`
	Attachment         *expectedAttach   `yaml:"attachment"`
	SenderAction       *string           `yaml:"sender_action"`
	Persona            *string           `yaml:"persona"`
	MessagingType      *string           `yaml:"messaging_type"`
	Tag                *string           `yaml:"tag"`
}

type expectedElement struct {
	Title    *string          `yaml:"title"`
	Subtitle *string          `yaml:"subtitle"`
	Buttons  []expectedButton `yaml:"buttons"`
}

type expectedButton struct {
	Title   *string `yaml:"title"`
	Type    *string `yaml:"type"`
	Payload *string `yaml:"payload"`
	URL     *string `yaml:"url"`
}

type expectedAttach struct {
	Type *string `yaml:"type"`
	URL  *string `yaml:"url"`
}

// named is v when the expectation names the key (w non-nil), else nil.
func named(w *string, v string) *string {
	if w == nil {
		return nil
	}
	return &v
}

// nonEmpty is v, or nil for "": a key of a message the expectation did
// not describe (an element or button past the expected ones).
func nonEmpty(v string) *string {
	if v == "" {
		return nil
	}
	return &v
}

// project returns the expectation and (m non-nil) the message as the
// expectation sees them.
func project(e *Expect, m *botMessage) (want, got expected) {
	want = expected{
		Text: e.Text, TextContains: e.TextContains, TextMatches: e.TextMatches,
		QuickReplies: e.QuickReplies, QuickReplyPayloads: e.QuickReplyPayloads, QuickReplyCount: e.QuickReplyCount,
		Template: e.Template, SenderAction: e.SenderAction, Persona: e.Persona,
		MessagingType: e.MessagingType, Tag: e.Tag,
	}
	if e.Attachment != nil {
		want.Attachment = &expectedAttach{Type: e.Attachment.Type, URL: e.Attachment.URL}
	}
	for _, el := range e.Elements {
		want.Elements = append(want.Elements, expectedElement{Title: el.Title, Subtitle: el.Subtitle, Buttons: wantButtons(el.Buttons)})
	}
	if e.Elements != nil && want.Elements == nil {
		want.Elements = []expectedElement{}
	}
	want.Buttons = wantButtons(e.Buttons)
	if m == nil {
		return want, got
	}
	got.Text = named(e.Text, m.Text)
	got.TextContains = named(e.TextContains, m.Text)
	got.TextMatches = named(e.TextMatches, m.Text)
	if e.QuickReplies != nil {
		got.QuickReplies = []string{}
		for _, q := range m.QuickReplies {
			got.QuickReplies = append(got.QuickReplies, q.Title)
		}
	}
	if e.QuickReplyPayloads != nil {
		got.QuickReplyPayloads = []string{}
		for _, q := range m.QuickReplies {
			got.QuickReplyPayloads = append(got.QuickReplyPayloads, q.Payload)
		}
	}
	if e.QuickReplyCount != nil {
		n := len(m.QuickReplies)
		got.QuickReplyCount = &n
	}
	got.SenderAction = named(e.SenderAction, m.SenderAction)
	got.Persona = named(e.Persona, m.PersonaID)
	got.MessagingType = named(e.MessagingType, m.MessagingType)
	got.Tag = named(e.Tag, m.Tag)
	a := m.Attachment
	if a == nil {
		a = &sentAttachment{}
	}
	got.Template = named(e.Template, a.Payload.TemplateType)
	if e.Attachment != nil {
		got.Attachment = &expectedAttach{Type: named(e.Attachment.Type, a.Type), URL: named(e.Attachment.URL, a.Payload.URL)}
	}
	if e.Elements != nil {
		got.Elements = []expectedElement{}
		for i, el := range a.Payload.Elements {
			if i >= len(e.Elements) {
				got.Elements = append(got.Elements, expectedElement{Title: nonEmpty(el.Title), Subtitle: nonEmpty(el.Subtitle)})
				continue
			}
			w := e.Elements[i]
			got.Elements = append(got.Elements, expectedElement{
				Title: named(w.Title, el.Title), Subtitle: named(w.Subtitle, el.Subtitle), Buttons: gotButtons(w.Buttons, el.Buttons)})
		}
	}
	if e.Buttons != nil {
		got.Buttons = gotButtons(e.Buttons, a.Payload.Buttons)
	}
	return want, got
}

func wantButtons(bs []ButtonExpect) []expectedButton {
	if bs == nil {
		return nil
	}
	out := []expectedButton{}
	for _, b := range bs {
		out = append(out, expectedButton{Title: b.Title, Type: b.Type, Payload: b.Payload, URL: b.URL})
	}
	return out
}

// gotButtons projects sent buttons onto the keys the wanted ones name
// (every key it has past the wanted ones).
func gotButtons(want []ButtonExpect, sent []sentButton) []expectedButton {
	if want == nil {
		return nil
	}
	out := []expectedButton{}
	for i, b := range sent {
		if i >= len(want) {
			out = append(out, expectedButton{Title: nonEmpty(b.Title), Type: nonEmpty(b.Type), Payload: nonEmpty(b.Payload), URL: nonEmpty(b.URL)})
			continue
		}
		w := want[i]
		out = append(out, expectedButton{Title: named(w.Title, b.Title), Type: named(w.Type, b.Type),
			Payload: named(w.Payload, b.Payload), URL: named(w.URL, b.URL)})
	}
	return out
}

// satisfied reports whether m meets e.
func satisfied(e *Expect, m botMessage) bool {
	ok, _ := compare(e, m)
	return ok
}

// compare checks m against e and renders the difference (want -, got +)
// over the keys e names; a text_contains or text_matches that holds is
// left out of the diff.
func compare(e *Expect, m botMessage) (bool, string) {
	w, g := project(e, &m)
	ok := true
	if e.TextContains != nil {
		if strings.Contains(m.Text, *e.TextContains) {
			w.TextContains, g.TextContains = nil, nil
		} else {
			ok = false
		}
	}
	if e.TextMatches != nil {
		if re, err := regexp.Compile(*e.TextMatches); err == nil && re.MatchString(m.Text) {
			w.TextMatches, g.TextMatches = nil, nil
		} else {
			ok = false
		}
	}
	d := diff(w, g)
	if d != "" || !ok {
		if d == "" { // a text_matches whose pattern is the very text it does not match
			d = forcedDiff(w, g)
		}
		return false, d
	}
	return true, ""
}

// compareUser diffs the user's state against the one expected (""
// when they agree); labels in any order.
func compareUser(want, got *UserExpect) string {
	w, g := *want, *got
	w.Labels, g.Labels = slices.Clone(w.Labels), slices.Clone(g.Labels)
	slices.Sort(w.Labels)
	slices.Sort(g.Labels)
	w.Within, g.Within = nil, nil
	return diff(w, g)
}

// unsentSince says which of the user's actions since the bot's last
// message read were never sent to the bot, and why ("" when none).
func (ss *session) unsentSince(ctx context.Context) string {
	evs, _, _ := ss.in.snapshot()
	lines, _ := ss.unsent(ctx, evs, ss.answered)
	if len(lines) == 0 {
		return ""
	}
	return "; some of what the user did was not sent to the bot:" + unsentText(lines)
}

// failedDeliveries lists the user's webhook deliveries that failed (the
// last few), often why the bot did not answer; "" when none. Each says
// what came of it: never sent, not answered in time, or answered with an
// error, which the bot did get.
func (ss *session) failedDeliveries() string {
	evs, _, _ := ss.in.snapshot()
	var lines []string
	forbidden := false
	for _, e := range evs {
		a, ok := e.Attempt()
		if !ok || a.Outcome == fakegraph.OutcomeDelivered {
			continue
		}
		forbidden = forbidden || (!a.Dropped && e.Status == http.StatusForbidden)
		if a.Dropped {
			lines = append(lines, fmt.Sprintf("%s webhook, not sent: %s", e.API, a.Error))
			continue
		}
		line := fmt.Sprintf("%s webhook, attempt %d: %s", e.API, a.Attempt, a.Error)
		if answer := strings.TrimSpace(a.Answer); answer != "" {
			line += fmt.Sprintf(" (%q)", truncateText(answer, 200))
		}
		if a.Outcome == fakegraph.OutcomeRetry {
			line += ", and the platform retries it"
		} else {
			line += ", and the platform gave it up"
		}
		lines = append(lines, line)
	}
	if len(lines) == 0 {
		return ""
	}
	lines = lines[max(0, len(lines)-4):]
	if forbidden && ss.r.ForbiddenHint != "" {
		lines = append(lines, "("+ss.r.ForbiddenHint+")")
	}
	return "; webhook deliveries failed:\n      " + strings.Join(lines, "\n      ")
}
