package testkit

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/messemu/messemu/fakegraph"
	"github.com/messemu/messemu/validator"
)

// NextMessage waits for the bot's next accepted message to the user (the
// journal's next accepted Send API call with a message for them) and
// returns it. Sender actions are skipped. A send to the user that the
// platform refuses fails the test at once, with the violation; when
// nothing comes within the timeout (DefaultTimeout, or the Timeout option)
// the test fails with the conversation so far.
//
// The webhook of the user's newest action, when the bot did not accept it
// (an HTTP error, no answer in time) through the platform's immediate
// retries, also fails the test at once, with the bot's answer: the next
// retry is minutes away on the virtual clock, so nothing could come within
// the timeout. A bot that fails once and accepts a retry still gets its
// message through; a receipt's webhook failing (an echo the bot does not
// handle), or an older action's, does not stop the wait.
//
// An action whose webhook field the bot's Page (or the webhook) is not
// subscribed to is never sent to the bot, as on the platform: when every
// action of the user's since the bot's last message went unsent so, and
// the bot has finished every webhook of theirs, NextMessage fails after
// a second, naming the fields and the subscription that would carry
// them, rather than waiting out its timeout.
//
// A send refused for its access token is refused before the platform
// reads its recipient, so the journal files it under no user; NextMessage
// counts it as the user's when the request names the user's PSID as
// recipient.id. On a timeout, the failure also names the Send API calls
// refused with no recipient to read, and says so when the bot made no
// Graph API call at all since the user's last action (a bot that does not
// use Client, or Transport, reaches no emulator).
func (u *User) NextMessage(t TB) Message {
	t.Helper()
	u.st.mu.Lock()
	from := u.st.cursor
	u.st.mu.Unlock()
	m, stop, ok := u.next(u.emu.timeout, stopOnRefusedSend|stopOnStalledWebhook|stopOnUnsentActions)
	switch {
	case stop != nil && stop.Kind == fakegraph.KindUserAction:
		unsent, _ := u.unsentSince(from)
		t.Fatalf("testkit: no message to %s can follow: nothing %s did since the bot's last message reached the bot.\n%s%s",
			u.info.FirstName, u.info.FirstName, unsentLines(unsent), u.transcript())
	case stop != nil && stop.Kind == fakegraph.KindWebhook:
		t.Fatalf("testkit: no message to %s can follow: the bot did not accept %s\n%s", u.info.FirstName, stalledWebhook(*stop), u.transcript())
	case stop != nil:
		t.Fatalf("testkit: the platform refused the bot's send to %s: %s\n%s", u.info.FirstName, refusal(*stop), u.transcript())
	case !ok:
		t.Fatalf("testkit: no message from the bot to %s within %v.\n%s%s", u.info.FirstName, u.emu.timeout, u.silence(from), u.transcript())
	}
	return m
}

// silence explains a NextMessage that timed out, from what the journal
// holds after seq: Send API calls refused before their recipient was read,
// or no Graph API call at all since the user's last action. Each reason
// is a line; "" when there is none.
func (u *User) silence(seq uint64) string {
	j := u.emu.srv.Journal()
	var unaddressed, elsewhere []fakegraph.Event
	for _, e := range j.Find(seq, func(e *fakegraph.Event) bool {
		return e.Kind == fakegraph.KindRequest && e.API == fakegraph.APISend && !e.Accepted && e.PSID != u.info.PSID && !forcedByFault(e)
	}) {
		switch {
		case e.PSID == "" && fakegraph.RequestRecipient(&e) == "":
			unaddressed = append(unaddressed, e)
		case unknownRecipient(&e):
			elsewhere = append(elsewhere, e) // the bot wrote to a PSID the Page does not have
		}
	}
	var b strings.Builder
	unsent, _ := u.unsentSince(seq)
	b.WriteString(unsentLines(unsent))
	unsentSeq := map[uint64]bool{}
	for _, a := range unsent {
		unsentSeq[a.ev.Seq] = true
	}
	switch n := len(unaddressed); {
	case n == 1:
		fmt.Fprintf(&b, "1 Send API call was refused before its recipient was read: %s\n", refusal(unaddressed[0]))
	case n > 1:
		fmt.Fprintf(&b, "%d Send API calls were refused before their recipient was read: %s\n", n, refusal(unaddressed[0]))
	}
	switch n := len(elsewhere); {
	case n == 1:
		fmt.Fprintf(&b, "1 Send API call to recipient %s, not %s's PSID %s, was refused: %s\n", elsewhere[0].PSID, u.info.FirstName, u.info.PSID, refusal(elsewhere[0]))
	case n > 1:
		fmt.Fprintf(&b, "%d Send API calls to recipients the Page does not have (not %s's PSID %s) were refused, the first to %s: %s\n", n, u.info.FirstName, u.info.PSID, elsewhere[0].PSID, refusal(elsewhere[0]))
	}
	for _, f := range u.emu.Faults() {
		if f.Latency >= u.emu.timeout && f.Applied > 0 {
			fmt.Fprintf(&b, "Fault rule %s delays the answer of the calls it matches by %v, longer than the %v NextMessage waits "+
				"(it applied %d time(s)).\n", f.ID, f.Latency, u.emu.timeout, f.Applied)
		}
	}
	last, acted := u.lastAction(func(fakegraph.Action) bool { return true })
	switch {
	case !acted, unsentSeq[last]: // an unsent action is said above
	case u.emu.srv.Webhook().URL == "":
		fmt.Fprintf(&b, "No bot is connected, so %s's actions reached no one: start the emulator with "+
			"testkit.Bot, testkit.BotFrom or testkit.Webhook (or call SetBot or SetWebhook).\n", u.info.FirstName)
	case u.webhookInFlight(last):
		fmt.Fprintf(&b, "The bot has not yet answered the webhook of %s's last action after %v: it is still queued "+
			"or being handled (a slow or blocked bot, or a loaded machine).\n", u.info.FirstName, u.emu.timeout)
	case len(j.Find(last, func(e *fakegraph.Event) bool { return e.Kind == fakegraph.KindRequest })) == 0:
		fmt.Fprintf(&b, "The bot made no Graph API call since %s's last action: does it send through emu.Client() "+
			"(or emu.Transport()) to emu.URL(), with emu.PageToken()?\n", u.info.FirstName)
	}
	return b.String()
}

// unknownRecipient reports a send refused because the Page has no user of
// its recipient's PSID.
func unknownRecipient(e *fakegraph.Event) bool {
	err := (validator.Result{Violations: e.Violations}).Err()
	return e.PSID != "" && err != nil && err.Key == validator.KeyNoUser
}

// webhookInFlight reports that the webhook of journal event seq went
// out to the bot and has no attempt journalled yet: the bot is still
// handling it.
func (u *User) webhookInFlight(seq uint64) bool {
	j := u.emu.srv.Journal()
	ev, ok := j.Get(seq)
	if !ok || !u.emu.firesWebhook(&ev) {
		return false
	}
	return len(j.Find(seq, func(e *fakegraph.Event) bool {
		d, ok := e.Attempt()
		return ok && d.EventSeq == seq
	})) == 0
}

// forcedByFault reports a refusal a fault rule forced: the test's doing.
func forcedByFault(ev *fakegraph.Event) bool {
	for _, v := range ev.Violations {
		if v.Rule == fakegraph.FaultRuleName {
			return true
		}
	}
	return false
}

// sendTo reports a journalled Send API call to u: filed under u, or,
// refused before the platform read its recipient (and so filed under no
// user: for its token, under no Page either; for its appsecret_proof or a
// rate limit, under u's Page), naming u's PSID in its request.
func (u *User) sendTo(ev *fakegraph.Event) bool {
	if ev.PSID == u.info.PSID {
		return ev.PageID == u.emu.page.ID
	}
	return ev.PSID == "" && (ev.PageID == "" || ev.PageID == u.emu.page.ID) && !ev.Accepted && ev.API == fakegraph.APISend && fakegraph.RequestRecipient(ev) == u.info.PSID
}

// NoMessage checks that the bot sends the user nothing more within d. A
// send the platform refused counts: the bot did try (a refusal forced by
// a fault rule is the test's doing and does not).
func (u *User) NoMessage(t TB, d time.Duration) {
	t.Helper()
	m, stop, ok := u.next(d, stopOnRefusedSend)
	switch {
	case stop != nil:
		t.Errorf("testkit: the bot tried to send %s a message, want none; the platform refused it: %s\n%s", u.info.FirstName, refusal(*stop), u.transcript())
	case ok:
		t.Errorf("testkit: the bot sent %s %s, want no message.\n%s", u.info.FirstName, m, u.transcript())
	}
}

// What stops a wait for the bot's next message before one comes.
const (
	stopOnRefusedSend    = 1 << iota // a send to the user the platform refused
	stopOnStalledWebhook             // a webhook the bot did not accept, retried minutes later
	stopOnUnsentActions              // the user's actions since the wait began were never sent to the bot
)

// next waits up to d for the next bot message to u; as stop says, it
// returns a refused send to u, or a webhook to u the bot did not accept
// even on the immediate retries, as soon as it is journalled, or, after
// unsentGrace, the first of u's actions since the wait began that were
// all never sent to the bot (and the bot has no webhook of u's left to
// finish).
func (u *User) next(d time.Duration, stop int) (Message, *fakegraph.Event, bool) {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	u.st.mu.Lock()
	defer u.st.mu.Unlock()
	j := u.emu.srv.Journal()
	from := u.st.cursor
	var quietUntil time.Time // when the unsent actions stop the wait
	for {
		wait, cancelQuiet := ctx, context.CancelFunc(func() {})
		if !quietUntil.IsZero() {
			wait, cancelQuiet = context.WithDeadline(ctx, quietUntil)
		}
		evs, err := j.Wait(wait, u.st.cursor, 0)
		quietOver := err != nil && ctx.Err() == nil && wait.Err() != nil
		cancelQuiet()
		for i := range evs {
			ev := evs[i]
			u.st.cursor = ev.Seq
			if stop&stopOnRefusedSend != 0 && u.isRefusedSend(&ev) || stop&stopOnStalledWebhook != 0 && u.isStalledWebhook(&ev) {
				return Message{}, &ev, false
			}
			if !u.isBotMessage(&ev) {
				continue
			}
			m, merr := newMessage(u, ev)
			if merr != nil {
				u.tb().Errorf("testkit: %v", merr)
				continue
			}
			return m, nil, true
		}
		if stop&stopOnUnsentActions != 0 {
			if unsent, sent := u.unsentSince(from); len(unsent) > 0 && !sent && !u.busy() {
				if quietUntil.IsZero() {
					quietUntil = time.Now().Add(unsentGrace)
				} else if !time.Now().Before(quietUntil) {
					return Message{}, &unsent[0].ev, false
				}
			} else {
				quietUntil = time.Time{}
			}
		}
		if err != nil && !quietOver {
			return Message{}, nil, false
		}
	}
}

// isRefusedSend reports a Send API call to u that the platform refused
// by its rules (a refusal forced by a fault rule is the test's doing).
func (u *User) isRefusedSend(ev *fakegraph.Event) bool {
	return ev.Kind == fakegraph.KindRequest && !ev.Accepted && ev.API == fakegraph.APISend && u.sendTo(ev) && !forcedByFault(ev)
}

// isStalledWebhook reports a webhook carrying u's newest action that the
// bot did not accept and that the platform either gave up or put off to a
// delayed retry (minutes away on the virtual clock). A receipt's webhook
// failing (an echo the bot does not handle) leaves the bot's answer to
// come, and so does an older action's: newer events overtake a delayed
// retry (PLATFORM.md D23).
func (u *User) isStalledWebhook(ev *fakegraph.Event) bool {
	if !u.isRefusedWebhook(ev) {
		return false
	}
	d, _ := ev.Attempt()
	newest, acted := u.lastAction(func(fakegraph.Action) bool { return true })
	return acted && d.EventSeq == newest
}

// isRefusedWebhook reports any webhook to u that the bot did not accept
// and that the platform gave up or put off to a delayed retry.
func (u *User) isRefusedWebhook(ev *fakegraph.Event) bool {
	if ev.Kind != fakegraph.KindWebhook || ev.Accepted || ev.PSID != u.info.PSID || ev.PageID != u.emu.page.ID {
		return false
	}
	d, ok := ev.Attempt()
	return ok && (d.Outcome == fakegraph.OutcomeFailed || d.NextRetry != nil)
}

// quotedAnswer is the bot's answer to a webhook, quoted after a space and
// cut to 120 bytes, for a failure line ("" when it said nothing).
func quotedAnswer(answer string) string {
	a := strings.TrimSpace(answer)
	if a == "" {
		return ""
	}
	const max = 120
	if len(a) > max {
		a = a[:max] + "…"
	}
	return fmt.Sprintf(" %q", a)
}

// stalledWebhook says which webhook the bot did not accept, how it
// failed and, for an HTTP 401 or 403, what to look at.
func stalledWebhook(ev fakegraph.Event) string {
	d, _ := ev.Attempt()
	s := fmt.Sprintf("the %s webhook (attempt %d): %s", ev.API, d.Attempt, firstOf(d.Error, fmt.Sprintf("HTTP %d", ev.Status)))
	s += quotedAnswer(d.Answer)
	if d.NextRetry != nil {
		s += fmt.Sprintf("; the platform's next retry is %v away on the virtual clock", d.NextRetry.Sub(ev.Time))
	}
	s += "."
	if ev.Status == 401 || ev.Status == 403 {
		s += " Does the bot check X-Hub-Signature-256 with emu.AppSecret()?"
	}
	return s
}

// isBotMessage reports an accepted Send API message to u.
func (u *User) isBotMessage(ev *fakegraph.Event) bool {
	return ev.Kind == fakegraph.KindRequest && ev.Accepted && ev.API == fakegraph.APISend &&
		ev.MID != "" && ev.PSID == u.info.PSID && ev.PageID == u.emu.page.ID
}

// ordinal numbers the bot's message carried by journal event seq among
// its messages to u, from 1.
func (u *User) ordinal(seq uint64) int {
	return len(u.emu.srv.Journal().Find(0, func(e *fakegraph.Event) bool {
		return e.Seq <= seq && u.isBotMessage(e)
	}))
}

// Turn is one line of a conversation: a user action, a message the bot
// sent, a send the platform refused, or a failed webhook delivery.
type Turn struct {
	Seq  uint64
	Time time.Time
	// From is the user's first name, "bot", "platform" for another app's
	// handover of the thread, or "messemu" for deliveries.
	From string
	// Text summarises what happened: the text in quotes, or the
	// attachment, template or action in brackets.
	Text string
	// Refused is the platform's error for a refused send, with the JSON
	// path of the offending value.
	Refused string
}

// String renders the turn as a transcript line.
func (t Turn) String() string {
	if t.Refused != "" {
		return fmt.Sprintf("%s ✗ refused: %s", t.From, t.Refused)
	}
	return t.From + ": " + t.Text
}

// Conversation is a user's thread with the bot, oldest first.
type Conversation []Turn

// String renders the conversation one turn a line.
func (c Conversation) String() string {
	if len(c) == 0 {
		return "  (nothing yet)\n"
	}
	var b strings.Builder
	for i, t := range c {
		// A jump of the virtual clock (Advance) shows, since the 24-hour
		// window and the tags' 7 days follow it.
		if i > 0 && !t.Time.IsZero() && !c[i-1].Time.IsZero() {
			if gap := t.Time.Sub(c[i-1].Time); gap >= time.Minute {
				fmt.Fprintf(&b, "  … %v later\n", gap.Round(time.Second))
			}
		}
		b.WriteString("  ")
		b.WriteString(t.String())
		b.WriteString("\n")
	}
	return b.String()
}

// Conversation reads the user's thread from the journal: what they did,
// what the bot sent, what the platform refused.
func (u *User) Conversation() Conversation {
	var out Conversation
	evs := u.emu.srv.Journal().Find(0, func(e *fakegraph.Event) bool {
		return (e.PSID == u.info.PSID && (e.PageID == "" || e.PageID == u.emu.page.ID)) ||
			(e.Kind == fakegraph.KindRequest && u.sendTo(e))
	})
	for _, ev := range evs {
		if t, ok := u.turn(ev); ok {
			out = append(out, t)
		}
	}
	return out
}

func (u *User) turn(ev fakegraph.Event) (Turn, bool) {
	t := Turn{Seq: ev.Seq, Time: ev.Time}
	if text, ok := fakegraph.TimedOutText(&ev); ok {
		t.From, t.Text = "messemu", "["+text+"]"
		return t, true
	}
	if text, ok := fakegraph.HandoverText(&ev); ok {
		t.From, t.Text = "bot", "["+text+"]" // the bot's own call
		if ev.Kind == fakegraph.KindHandover {
			t.From = "platform" // another app's, as the platform tells the bot
		}
		return t, true
	}
	switch ev.Kind {
	case fakegraph.KindUserAction:
		t.From = u.info.FirstName
		t.Text = userAction(ev)
	case fakegraph.KindRequest:
		t.From = "bot"
		switch {
		case !ev.Accepted:
			t.Refused = refusal(ev)
		case ev.MID != "":
			m, err := newMessage(u, ev)
			if err != nil {
				return t, false
			}
			t.Text = m.String() + u.sendNotes(m)
		default:
			return t, false // sender actions and reads
		}
	case fakegraph.KindWebhook:
		if ev.Accepted {
			return t, false
		}
		t.From = "messemu"
		t.Text = webhookFailure(ev)
	default:
		return t, false
	}
	return t, true
}

// sendNotes says how a message was sent when it matters to the platform's
// rules: its message tag and the persona it speaks as.
func (u *User) sendNotes(m Message) string {
	var notes []string
	if tag := m.Tag(); tag != "" {
		notes = append(notes, "tag "+tag)
	}
	if id := m.Persona(); id != "" {
		name := id
		if p, ok := u.emu.srv.PersonaByID(u.emu.page.ID, id); ok && p.Name != "" {
			name = p.Name
		}
		notes = append(notes, "as persona "+name)
	}
	if len(notes) == 0 {
		return ""
	}
	return " (" + strings.Join(notes, ", ") + ")"
}

// userAction renders a user's action: a message as its text or
// attachments, anything else as [action details].
func userAction(ev fakegraph.Event) string {
	var body map[string]any
	dec := json.NewDecoder(bytes.NewReader(ev.Request))
	dec.UseNumber()
	if err := dec.Decode(&body); err != nil {
		body = nil
	}
	d, _ := ev.UserAction()
	switch d.Action {
	case fakegraph.ActionMessage:
		if s := summarize(body); s != "" {
			return s
		}
	case fakegraph.ActionQuickReply:
		if p, ok := body["payload"]; ok { // tapped by its payload (control API)
			return fmt.Sprintf("[taps quick reply with payload %q]", str(p))
		}
		// The chip's title, which the webhook carries as the text, rather
		// than the index it may have been tapped by.
		var item struct {
			Message struct {
				Text string `json:"text"`
			} `json:"message"`
		}
		if json.Unmarshal(d.Event, &item) == nil && item.Message.Text != "" {
			return fmt.Sprintf("[taps quick reply %q]", item.Message.Text)
		}
		return fmt.Sprintf("[taps quick reply %q]", str(body["quick_reply"]))
	case fakegraph.ActionPostback:
		return fmt.Sprintf("[taps button %q]", str(body["button"]))
	case fakegraph.ActionGetStarted:
		return "[taps Get Started]"
	case fakegraph.ActionLogIn:
		return "[taps Log In]"
	case fakegraph.ActionMenu:
		return fmt.Sprintf("[taps menu item %q]", str(body["menu"]))
	case fakegraph.ActionIceBreaker:
		return fmt.Sprintf("[taps ice breaker %q]", str(body["ice_breaker"]))
	case fakegraph.ActionReaction:
		if str(body["action"]) == "unreact" {
			return "[removes a reaction]"
		}
		return fmt.Sprintf("[reacts %s]", firstOf(str(body["reaction"]), str(body["emoji"])))
	case fakegraph.ActionEdit:
		return fmt.Sprintf("[edits a message: %q]", str(body["text"]))
	case fakegraph.ActionRead:
		return "[reads the thread]"
	case fakegraph.ActionReferral:
		return fmt.Sprintf("[arrives from %s ref %q]", str(body["source"]), str(body["ref"]))
	case fakegraph.ActionOptin:
		return fmt.Sprintf("[opts in%s]", detailText(ev.Request))
	}
	return "[" + string(d.Action) + detailText(ev.Request) + "]"
}

// webhookFailure renders a failed webhook delivery attempt: the field,
// the attempt, the reason and what the bot answered.
func webhookFailure(ev fakegraph.Event) string {
	d, ok := ev.Attempt()
	if !ok || d.Error == "" {
		return "[webhook delivery to the bot failed" + detailText(ev.Detail) + "]"
	}
	s := fmt.Sprintf("[%s webhook, attempt %d: %s", ev.API, d.Attempt, d.Error)
	s += quotedAnswer(d.Answer)
	if d.Outcome != "" {
		s += " (" + d.Outcome + ")"
	}
	return s + "]"
}

// refusal renders a refused request: the platform's message, the JSON
// path of the first error and the call.
func refusal(ev fakegraph.Event) string {
	var first *validator.Violation
	for i := range ev.Violations {
		if ev.Violations[i].Severity == validator.SeverityError {
			first = &ev.Violations[i]
			break
		}
	}
	if first == nil || first.Error == nil {
		return fmt.Sprintf("%s %s (status %d)", ev.Method, ev.Path, ev.Status)
	}
	s := first.Error.Message
	if first.Error.Code != 0 && !strings.HasPrefix(s, "(#") {
		s = fmt.Sprintf("(#%d) %s", first.Error.Code, s)
	}
	if first.Path != "" {
		s += " at " + first.Path
	}
	if first.Detail != "" {
		s += " (" + first.Detail + ")"
	}
	return s
}

func detailText(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" || string(raw) == "{}" {
		return ""
	}
	const max = 200
	s := string(raw)
	if len(s) > max {
		s = s[:max] + "…"
	}
	return " " + s
}

// transcript is the conversation for failure messages.
func (u *User) transcript() string {
	return "Conversation with " + u.info.FirstName + " so far:\n" + u.Conversation().String()
}
