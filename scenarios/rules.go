package scenarios

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/messemu/messemu/fakegraph"
	"github.com/messemu/messemu/validator"
)

// What the loader checks beyond the shape, so that a file that cannot run
// is refused before anything runs, at the line of the step.

// maxWait bounds a waits: step (real time).
const maxWait = time.Minute

// Value lists of step keys.
var (
	attachmentTypes   = []string{"image", "audio", "video", "file", "sticker", "fallback"}
	handoverActions   = []string{"pass_thread_control", "take_thread_control", "request_thread_control", "release_thread_control"}
	policyActions     = []string{"warning", "block", "unblock"}
	senderActions     = []string{"typing_on", "typing_off", "mark_seen", "react", "unreact"}
	templateTypes     = []string{"generic", "button", "media", "receipt", "customer_feedback", "product", "one_time_notif_req"}
	messagingTypes    = []string{"RESPONSE", "UPDATE", "MESSAGE_TAG", "UTILITY"}
	buttonTypes       = []string{"postback", "web_url", "phone_number", "account_link", "account_unlink", "game_play"}
	mediaAttachTypes  = []string{"image", "audio", "video", "file"}
	stepNeedsBotWords = "the bot has not been sent anything yet, so it cannot have answered"
)

// isUserStep reports whether the step is something the user does that the
// bot may answer.
func (st *Step) isUserStep() bool {
	return st.Says != nil || st.Sends != nil || st.TapsQuickReply != nil || st.TapsButton != nil ||
		st.TapsGetStarted != nil || st.TapsMenu != nil || st.TapsIceBreaker != nil || st.Reacts != nil ||
		st.OptsIn != nil || st.Edits != nil || st.ArrivesFrom != nil || st.Reads != nil
}

// check returns why the step cannot run ("" when it can).
func (st *Step) check(userActed, userWrote bool) string {
	switch {
	case st.Says != nil && *st.Says == "":
		return "says: needs the text the user writes"
	case st.Sends != nil:
		return checkSend(st.Sends)
	case st.TapsQuickReply != nil && !userActed:
		return "taps_quick_reply: " + stepNeedsBotWords + ": there is no quick reply to tap"
	case st.TapsButton != nil && !userActed:
		return "taps_button: " + stepNeedsBotWords + ": there is no button to tap"
	case st.Reacts != nil && !userActed:
		return "reacts: " + stepNeedsBotWords + ": there is no message to react to"
	case st.Reacts != nil && !st.Reacts.Unreact && !fakegraph.ValidReaction(st.Reacts.Reaction):
		return fmt.Sprintf("reacts: %q is no reaction: give one of %s, or an emoji", st.Reacts.Reaction, strings.Join(fakegraph.ReactionNames(), ", "))
	case st.Edits != nil && !userWrote:
		return "edits: the user has written nothing to edit yet"
	case st.Edits != nil && *st.Edits == "":
		return "edits: needs the new text"
	case st.TapsGetStarted != nil && !*st.TapsGetStarted:
		return "taps_get_started: write taps_get_started: true"
	case st.Reads != nil && !*st.Reads:
		return "reads: write reads: true"
	case st.TapsMenu != nil && *st.TapsMenu == "":
		return "taps_menu: needs the menu item's title"
	case st.TapsIceBreaker != nil && *st.TapsIceBreaker == "":
		return "taps_ice_breaker: needs the question"
	case st.OptsIn != nil:
		o := st.OptsIn
		if (o.Ref == "" && o.UserRef == "" && !o.Checkbox) == (o.OneTimeNotif == "") {
			return "opts_in: give ref (Send to Messenger), checkbox: true (and ref or user_ref if you like) or one_time_notif"
		}
	case st.ArrivesFrom != nil:
		if r := checkReferral(st.ArrivesFrom); r != "" {
			return "arrives_from: " + r
		}
	case st.Waits != nil && !realWait(st.Waits.Duration):
		return fmt.Sprintf("waits: real time, more than 0 and at most %s (advances_clock: moves virtual time)", maxWait)
	case st.AdvancesClock != nil && st.AdvancesClock.Duration <= 0:
		return "advances_clock: needs a positive duration such as 25h"
	case st.NoMessage != nil && !realWait(st.NoMessage.Duration):
		return fmt.Sprintf("no_message: a real-time wait, more than 0 and at most %s", maxWait)
	case st.Fault != nil:
		return checkFault(st.Fault)
	case st.Handover != nil && !slices.Contains(handoverActions, st.Handover.Action):
		return "handover: action must be one of " + strings.Join(handoverActions, ", ")
	case st.PolicyEnforcement != nil && !slices.Contains(policyActions, st.PolicyEnforcement.Action):
		return "policy_enforcement: action must be one of " + strings.Join(policyActions, ", ")
	case st.PolicyEnforcement != nil && st.PolicyEnforcement.Action != "unblock" && st.PolicyEnforcement.Reason == "":
		return "policy_enforcement: a " + st.PolicyEnforcement.Action + " needs a reason (the platform's event carries one)"
	case st.Expect != nil:
		return checkExpect("expect: ", st.Expect)
	case st.ExpectAnyOrder != nil:
		if len(st.ExpectAnyOrder) < 2 {
			return "expect_any_order: list at least two messages (one is expect:)"
		}
		for i := range st.ExpectAnyOrder {
			if r := checkExpect(fmt.Sprintf("expect_any_order[%d]: ", i), &st.ExpectAnyOrder[i]); r != "" {
				return r
			}
		}
	case st.ExpectUser != nil:
		u := st.ExpectUser
		if u.Labels == nil && u.ThreadOwner == nil && u.Profile == nil {
			return "expect_user: give labels, thread_owner or profile"
		}
		if u.Within != nil && !realWait(u.Within.Duration) {
			return fmt.Sprintf("expect_user: within: more than 0 and at most %s", maxWait)
		}
		if u.Profile != nil && len(u.Profile) == 0 {
			return "expect_user: profile: name at least one part of the user's profile, such as first_name: Ada"
		}
		for _, k := range slices.Sorted(maps.Keys(u.Profile)) {
			if !slices.Contains(validator.UserProfileFields, k) {
				return fmt.Sprintf("expect_user: profile: %q is none of what the User Profile API answers: %s", k, strings.Join(validator.UserProfileFields, ", "))
			}
		}
	}
	return ""
}

func checkSend(s *SendStep) string {
	switch {
	case !slices.Contains(attachmentTypes, s.Type):
		return "sends: type must be one of " + strings.Join(attachmentTypes, ", ")
	case s.Type == "sticker" && s.StickerID == 0:
		return "sends: a sticker needs sticker_id"
	case s.Type != "sticker" && s.URL != "" && s.File != "":
		return "sends: give the attachment's url or its file, not both"
	case s.Type != "sticker" && s.URL == "" && s.File == "":
		return "sends: give the attachment's url or file"
	}
	return ""
}

func checkReferral(r *ReferralStep) string {
	if r.Source != "" && r.Source != "SHORTLINK" && r.Source != "ADS" {
		return "source must be SHORTLINK or ADS"
	}
	if r.AdID != "" && r.Source != "ADS" {
		return "ad_id comes only with source: ADS (an m.me link has none)"
	}
	return ""
}

func checkFault(f *FaultStep) string {
	if f.Error == "" && f.Latency == nil && !f.Timeout {
		return "fault: give error (a catalogue key such as unavailable or rate-api), latency, or both; or timeout: true for batch items"
	}
	if f.Error != "" && f.Timeout {
		return "fault: give error or timeout, not both"
	}
	if f.Error != "" && !validator.Known(validator.Key(f.Error)) {
		return fmt.Sprintf("fault: unknown error key %q; use a key of the error catalogue such as unavailable or rate-api", f.Error)
	}
	if f.Error != "" {
		if n := validator.ArgCount(validator.Key(f.Error)); n != len(f.Args) {
			return fmt.Sprintf("fault: error %q takes %d %s (args:), got %d", f.Error, n, plural(n, "argument"), len(f.Args))
		}
	}
	if apis := fakegraph.RequestAPIs(); f.API != "" && !slices.Contains(apis, f.API) {
		return fmt.Sprintf("fault: unknown api %q%s; the families are %s", f.API, suggest(f.API, apis), strings.Join(apis, ", "))
	}
	if f.Times < 0 || f.After < 0 {
		return "fault: times and after cannot be negative"
	}
	return ""
}

func checkExpect(at string, e *Expect) string {
	oneOf := func(key string, v *string, list []string) string {
		if v != nil && !slices.Contains(list, *v) {
			return at + key + ": must be one of " + strings.Join(list, ", ")
		}
		return ""
	}
	for _, r := range []string{
		oneOf("sender_action", e.SenderAction, senderActions),
		oneOf("template", e.Template, templateTypes),
		oneOf("messaging_type", e.MessagingType, messagingTypes),
	} {
		if r != "" {
			return r
		}
	}
	if e.Attachment != nil {
		if *e.Attachment == (AttachExpect{}) {
			// As an empty button is: {} would check nothing, not even
			// that the message is an attachment.
			return at + "attachment: give type, url or both"
		}
		if r := oneOf("attachment: type", e.Attachment.Type, mediaAttachTypes); r != "" {
			return r
		}
	}
	for _, b := range e.Buttons {
		if r := oneOf("buttons: type", b.Type, buttonTypes); r != "" {
			return r
		}
	}
	if e.SenderAction != nil && (e.Text != nil || e.TextContains != nil || e.TextMatches != nil || e.Attachment != nil || e.Template != nil) {
		return at + "a sender action carries no message: check sender_action alone"
	}
	if e.QuickReplyCount != nil && *e.QuickReplyCount < 0 {
		return at + "quick_reply_count: cannot be negative"
	}
	if e.Within != nil && !realWait(e.Within.Duration) {
		return fmt.Sprintf("%swithin: more than 0 and at most %s", at, maxWait)
	}
	return ""
}

// realWait reports a wait a step may ask for: more than 0, at most maxWait.
func realWait(d time.Duration) bool { return d > 0 && d <= maxWait }
