package scenarios

import (
	"context"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/messemu/messemu/fakegraph"
)

// step runs one step.
func (ss *session) step(ctx context.Context, st *Step) error {
	user := "users/" + ss.psid
	switch {
	case st.Says != nil:
		return ss.control(ctx, "POST", user+"/messages", map[string]string{"text": *st.Says})
	case st.Sends != nil:
		u := st.Sends.URL
		if st.Sends.File != "" {
			var err error
			if u, err = ss.files.serve(st.Sends.path(ss.s.File)); err != nil {
				return fmt.Errorf("sends: file: %w", err)
			}
		}
		a := map[string]any{"type": st.Sends.Type, "url": u, "sticker_id": st.Sends.StickerID, "title": st.Sends.Title}
		return ss.control(ctx, "POST", user+"/messages", map[string]any{"attachments": []any{a}})
	case st.TapsQuickReply != nil:
		return ss.tapQuickReply(ctx, st.TapsQuickReply)
	case st.TapsButton != nil:
		return ss.tapButton(ctx, st.TapsButton)
	case st.TapsGetStarted != nil:
		return ss.control(ctx, "POST", user+"/postbacks", map[string]bool{"get_started": true})
	case st.TapsMenu != nil:
		return ss.control(ctx, "POST", user+"/postbacks", map[string]string{"menu": *st.TapsMenu})
	case st.TapsIceBreaker != nil:
		return ss.control(ctx, "POST", user+"/postbacks", map[string]string{"ice_breaker": *st.TapsIceBreaker})
	case st.Reacts != nil:
		return ss.react(ctx, st.Reacts)
	case st.Reads != nil:
		return ss.control(ctx, "POST", user+"/read", nil)
	case st.OptsIn != nil:
		o := st.OptsIn
		body := map[string]string{"ref": o.Ref}
		if o.Checkbox || o.UserRef != "" {
			body = map[string]string{"type": "checkbox", "ref": o.Ref, "user_ref": o.UserRef}
		}
		if o.OneTimeNotif != "" {
			body = map[string]string{"type": "one_time_notif_req", "payload": o.OneTimeNotif}
		}
		return ss.control(ctx, "POST", user+"/optins", body)
	case st.Edits != nil:
		mid := ss.lastUserMID()
		return ss.control(ctx, "POST", user+"/edits", map[string]string{"mid": mid, "text": *st.Edits})
	case st.ArrivesFrom != nil:
		return ss.control(ctx, "POST", user+"/referrals", referralBody(st.ArrivesFrom))
	case st.Waits != nil:
		return sleep(ctx, st.Waits.Duration)
	case st.AdvancesClock != nil:
		// The bot answers what came before at once, as it would on the
		// platform, not a day later: its webhooks go out before the jump.
		ss.settle(ctx)
		return ss.control(ctx, "POST", "clock/advance", map[string]string{"duration": st.AdvancesClock.String()})
	case st.Fault != nil:
		return ss.control(ctx, "POST", "faults", faultBody(st.Fault, ss.psid))
	case st.Handover != nil:
		h := st.Handover
		return ss.control(ctx, "POST", "handover/act", map[string]string{
			"app_id": h.AppID, "action": h.Action, "psid": ss.psid, "target_app_id": h.TargetAppID, "metadata": h.Metadata})
	case st.PolicyEnforcement != nil:
		return ss.control(ctx, "POST", "policy_enforcement", st.PolicyEnforcement)
	case st.Expect != nil:
		return ss.expectOne(ctx, st, st.Expect)
	case st.ExpectAnyOrder != nil:
		return ss.expectAnyOrder(ctx, st)
	case st.NoMessage != nil:
		return ss.noMessage(ctx, st.NoMessage.Duration)
	case st.ExpectUser != nil:
		return ss.expectUser(ctx, st.ExpectUser)
	}
	return fmt.Errorf("the step does nothing")
}

func (ss *session) control(ctx context.Context, method, path string, body any) error {
	if err := ss.c.control(ctx, method, path, body, nil); err != nil {
		return fmt.Errorf("the emulator refused the step: %w", err)
	}
	return nil
}

func referralBody(r *ReferralStep) map[string]string {
	return map[string]string{"ref": r.Ref, "source": r.Source, "ad_id": r.AdID}
}

func faultBody(f *FaultStep, psid string) map[string]any {
	times := f.Times
	if times == 0 {
		times = 1
	}
	b := map[string]any{"error": f.Error, "args": f.Args, "api": f.API, "method": f.Method, "path": f.Path,
		"psid": psid, "times": times, "after": f.After}
	if f.Latency != nil {
		b["latency"] = f.Latency.String()
	}
	if f.Timeout {
		b["timeout"] = true
		delete(b, "error") // a rule answers an error or times out
	}
	return b
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// tapQuickReply taps a quick reply of the bot's last message, waiting for
// a message that offers it if the bot has not sent it yet.
func (ss *session) tapQuickReply(ctx context.Context, t *TapStep) error {
	var index = -1
	err := ss.waitFor(ctx, ss.r.wait(nil), func(msgs []botMessage) bool {
		if len(msgs) == 0 {
			return false
		}
		for i, q := range msgs[len(msgs)-1].QuickReplies {
			if (t.Title != "" && q.Title == t.Title) || (t.Payload != "" && q.Payload == t.Payload) {
				index = i
				return true
			}
		}
		return false
	})
	if err != nil {
		return fmt.Errorf("taps_quick_reply: the bot's last message offers no quick reply %s%s", tapName(t), ss.offered(true))
	}
	return ss.control(ctx, "POST", "users/"+ss.psid+"/quick_replies", map[string]int{"index": index})
}

// tapButton taps a postback button of the bot's messages, newest first.
// A title that names buttons of different payloads in that message (a
// carousel's "Buy" on every card) is refused: which one is meant is
// the payload's to say.
func (ss *session) tapButton(ctx context.Context, t *TapStep) error {
	// The tap names the message and the button's payload too: a carousel
	// repeats a title ("Buy") on every card, and the bot must get the
	// payload of the button this step means.
	var tap map[string]string
	var ambiguous error
	err := ss.waitFor(ctx, ss.r.wait(nil), func(msgs []botMessage) bool {
		for i := len(msgs) - 1; i >= 0; i-- {
			var found []placedButton
			for _, pb := range msgs[i].placedButtons() {
				if b := pb.b; (t.Title != "" && b.Title == t.Title) || (t.Payload != "" && b.Payload == t.Payload) {
					found = append(found, pb)
				}
			}
			if len(found) == 0 {
				continue
			}
			if err := ambiguousTap(t, found); err != nil {
				ambiguous = err
				return true
			}
			b := found[0].b
			tap = map[string]string{"title": b.Title, "mid": msgs[i].MID}
			if b.Payload != "" {
				tap["payload"] = b.Payload
			}
			return true
		}
		return false
	})
	if ambiguous != nil {
		return ambiguous
	}
	if err != nil {
		return fmt.Errorf("taps_button: no button %s in the bot's messages%s", tapName(t), ss.offered(false))
	}
	return ss.control(ctx, "POST", "users/"+ss.psid+"/postbacks", tap)
}

// placedButton is a button and the card (element) it is on ("" for a
// template's own buttons).
type placedButton struct {
	card string
	b    sentButton
}

// placedButtons lists a template's buttons and its elements', each with
// its card.
func (m botMessage) placedButtons() []placedButton {
	if m.Attachment == nil {
		return nil
	}
	var out []placedButton
	for _, b := range m.Attachment.Payload.Buttons {
		out = append(out, placedButton{b: b})
	}
	for _, e := range m.Attachment.Payload.Elements {
		for _, b := range e.Buttons {
			out = append(out, placedButton{card: e.Title, b: b})
		}
	}
	return out
}

// ambiguousTap refuses a tap by title that fits buttons of one message
// that the bot would tell apart (their payloads or urls differ), naming
// them; nil when they are one.
func ambiguousTap(t *TapStep, found []placedButton) error {
	first := found[0].b
	same := true
	for _, pb := range found[1:] {
		same = same && pb.b.Payload == first.Payload && pb.b.URL == first.URL && pb.b.Type == first.Type
	}
	if same {
		return nil
	}
	var list []string
	for _, pb := range found {
		where := "the message's own button"
		if pb.card != "" {
			where = "card " + strconv.Quote(pb.card)
		}
		list = append(list, fmt.Sprintf("%s (%s %s)", where, pb.b.Type, pb.b.Payload+pb.b.URL))
	}
	hint := "taps_button: {payload: " + q(first.Payload) + "}" // quoted: YAML whatever the payload holds
	if first.Payload == "" {
		hint = "a payload of one of them"
	}
	return fmt.Errorf("taps_button: %s is the title of %d buttons of the bot's message: %s; say which with its payload, such as %s",
		tapName(t), len(found), strings.Join(list, ", "), hint)
}

func tapName(t *TapStep) string {
	if t.Payload != "" {
		return "with payload " + strconv.Quote(t.Payload)
	}
	return strconv.Quote(t.Title)
}

// offered lists what the bot offers, for an error message.
func (ss *session) offered(quickReplies bool) string {
	msgs := ss.botMessages()
	var list []string
	if quickReplies && len(msgs) > 0 {
		for _, q := range msgs[len(msgs)-1].QuickReplies {
			list = append(list, strconv.Quote(q.Title)+" ("+q.Payload+")")
		}
	}
	if !quickReplies {
		for _, m := range msgs {
			for _, b := range m.allButtons() {
				list = append(list, strconv.Quote(b.Title)+" ("+b.Type+" "+b.Payload+b.URL+")")
			}
		}
	}
	if len(list) == 0 {
		return "; it offers none"
	}
	return fmt.Sprintf("; it offers %v", list)
}

// react reacts to the bot's newest message.
func (ss *session) react(ctx context.Context, r *ReactStep) error {
	msgs := ss.botMessages()
	var mid string
	for i := len(msgs) - 1; i >= 0 && mid == ""; i-- {
		mid = msgs[i].MID
	}
	if mid == "" {
		return fmt.Errorf("reacts: the bot has sent no message to react to")
	}
	body := map[string]string{"mid": mid, "reaction": r.Reaction}
	if r.Unreact {
		body = map[string]string{"mid": mid, "action": "unreact"}
	}
	return ss.control(ctx, "POST", "users/"+ss.psid+"/reactions", body)
}

// lastUserMID is the mid of the user's newest message.
func (ss *session) lastUserMID() string {
	evs, _, _ := ss.in.snapshot()
	for i := len(evs) - 1; i >= 0; i-- {
		if d, ok := evs[i].UserAction(); ok && evs[i].MID != "" && (d.Action == fakegraph.ActionMessage || d.Action == fakegraph.ActionQuickReply) {
			return evs[i].MID
		}
	}
	return ""
}

// expectUser waits until the user's labels, thread owner and profile are
// those expected, as expect: waits for a message: up to the step's
// within: or the runner's Wait. The bot may change them after the message
// a step before read (a handover after "Passing you to a human."). The
// state is read again whenever the user's journal moves, and every
// userPoll besides, for changes the journal does not file under the user.
func (ss *session) expectUser(ctx context.Context, want *UserExpect) error {
	var d time.Duration
	if want.Within != nil {
		d = want.Within.Duration
	} else {
		d = ss.r.wait(nil)
	}
	deadline := time.NewTimer(d)
	defer deadline.Stop()
	var profile map[string]any // read once: the bot cannot change it
	for {
		_, changed, err := ss.in.snapshot()
		if err != nil {
			return err
		}
		got, err := ss.userState(ctx, want, profile)
		if err != nil {
			return err
		}
		profile = got.Profile
		diff := compareUser(want, got)
		if diff == "" {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-deadline.C:
			return &stepFailure{reason: fmt.Sprintf("expect_user: the user's state is not the one expected within %s", d), diff: diff}
		case <-changed:
		case <-time.After(userPoll):
		}
	}
}

// userPoll is how often expectUser reads the user's state again while it
// waits.
const userPoll = 50 * time.Millisecond

// userState reads the parts of the user's state that want names: the
// labels and the thread owner from the control API, which journals no
// call (a Graph read would be journalled under the user, wake the wait
// again at once, count against the Page's rate limits and meet the
// scenario's fault rules), and the profile, unless given, from the User
// Profile API.
func (ss *session) userState(ctx context.Context, want *UserExpect, profile map[string]any) (*UserExpect, error) {
	got := &UserExpect{}
	if want.Labels != nil {
		var page struct {
			Data []fakegraph.Label `json:"data"`
		}
		if err := ss.c.control(ctx, "GET", "labels", nil, &page); err != nil {
			return nil, err
		}
		got.Labels = []string{}
		for _, l := range page.Data {
			if slices.Contains(l.Users, ss.psid) {
				got.Labels = append(got.Labels, l.Name)
			}
		}
	}
	if want.ThreadOwner != nil {
		var th struct {
			Owner string `json:"owner_app_id"`
		}
		if err := ss.c.control(ctx, "GET", "handover/threads/"+ss.psid, nil, &th); err != nil {
			return nil, err
		}
		got.ThreadOwner = &th.Owner
	}
	if want.Profile != nil && profile != nil {
		got.Profile = profile
	} else if len(want.Profile) > 0 { // the loader refuses an empty one: there is nothing to ask for
		var p map[string]any
		fields := slices.Sorted(maps.Keys(want.Profile))
		q := url.Values{"fields": {strings.Join(fields, ",")}}
		from, seqErr := lastSeq(ctx, ss.c)
		err := ss.c.graph(ctx, "GET", ss.psid, q, nil, &p)
		if seqErr == nil {
			// The runner's own read: never one of the bot's requests.
			ss.ownCalls(ctx, from, fakegraph.APIUserProfile)
		}
		if err != nil {
			return nil, err
		}
		got.Profile = map[string]any{}
		for k := range want.Profile {
			got.Profile[k] = p[k]
		}
	}
	return got, nil
}
