package testkit

import (
	"errors"
	"fmt"
	"strings"

	"github.com/messemu/messemu/fakegraph"
)

// What a test user does. Each action is journalled and reaches the bot as
// the webhook the platform would send; it fails the test when the
// emulator refuses it (an unknown quick reply title, say).

// Attachment is a file a test user sends.
type Attachment = fakegraph.UserAttachment

// Image is a picture at url.
func Image(url string) Attachment { return Attachment{Type: "image", URL: url} }

// Audio is a voice clip or sound file at url.
func Audio(url string) Attachment { return Attachment{Type: "audio", URL: url} }

// Video is a video at url.
func Video(url string) Attachment { return Attachment{Type: "video", URL: url} }

// File is any other file at url.
func File(url string) Attachment { return Attachment{Type: "file", URL: url} }

// Sticker is a sticker by its id (369239263222822 is the thumbs-up).
func Sticker(id int64) Attachment { return Attachment{Type: "sticker", StickerID: id} }

// Says makes the user write text to the Page. It opens or refreshes the
// 24-hour window.
func (u *User) Says(text string) {
	u.tb().Helper()
	if _, err := u.emu.srv.UserSends(u.emu.page.ID, u.info.PSID, fakegraph.UserMessageRequest{Text: text}); err != nil {
		u.fatalf("%s says %q: %v", u.info.FirstName, text, err)
	}
}

// Sends makes the user send attachments (Image, Audio, Video, File,
// Sticker).
func (u *User) Sends(atts ...Attachment) {
	u.tb().Helper()
	if _, err := u.emu.srv.UserSends(u.emu.page.ID, u.info.PSID, fakegraph.UserMessageRequest{Attachments: atts}); err != nil {
		u.fatalf("%s sends %d attachment(s): %v", u.info.FirstName, len(atts), err)
	}
}

// Replies makes the user quote one of the bot's messages and write text.
func (u *User) Replies(to Message, text string) {
	u.tb().Helper()
	if _, err := u.emu.srv.UserSends(u.emu.page.ID, u.info.PSID, fakegraph.UserMessageRequest{Text: text, ReplyTo: to.MID}); err != nil {
		u.fatalf("%s replies to %s: %v", u.info.FirstName, to.MID, err)
	}
}

// TapsQuickReply makes the user tap a quick reply of the bot's last
// message to them, by title (or "0", "1", ... by position). The bot
// receives a message with the title as text and the chip's payload.
func (u *User) TapsQuickReply(titleOrIndex string) {
	u.tb().Helper()
	if _, err := u.emu.srv.UserTapsQuickReply(u.emu.page.ID, u.info.PSID, titleOrIndex); err != nil {
		u.tapFailed(fmt.Sprintf("taps quick reply %q", titleOrIndex), tapQuickReply, err)
	}
}

// TapsButton makes the user tap a postback button, by title, of the bot's
// newest message that has one (a button template, or a carousel card).
// The bot receives a messaging_postbacks event with the button's payload.
// Where the title repeats in that message (a "Buy" on every card) it taps
// the first; TapsButtonWithPayload picks one.
func (u *User) TapsButton(title string) {
	u.tb().Helper()
	if _, err := u.emu.srv.UserTapsButton(u.emu.page.ID, u.info.PSID, title); err != nil {
		u.tapFailed(fmt.Sprintf("taps button %q", title), tapButton, err)
	}
}

// TapsButtonWithPayload makes the user tap the postback button with this
// title and payload, in the bot's newest message that has one: for titles
// that repeat, as a "Buy" on every card of a carousel.
func (u *User) TapsButtonWithPayload(title, payload string) {
	u.tb().Helper()
	if _, err := u.emu.srv.UserTapsButtonOf(u.emu.page.ID, u.info.PSID, fakegraph.ButtonTap{Title: title, Payload: payload}); err != nil {
		u.tapFailed(fmt.Sprintf("taps button %q with payload %q", title, payload), tapButtonPayload, err)
	}
}

// TapsGetStarted makes the user tap Get Started: a postback with the
// Page's get_started payload.
func (u *User) TapsGetStarted() {
	u.tb().Helper()
	if _, err := u.emu.srv.UserTapsGetStarted(u.emu.page.ID, u.info.PSID); err != nil {
		u.tapFailed("taps Get Started", tapPage, err)
	}
}

// TapsMenu makes the user tap a persistent-menu item by title.
func (u *User) TapsMenu(title string) {
	u.tb().Helper()
	if _, err := u.emu.srv.UserTapsMenu(u.emu.page.ID, u.info.PSID, title); err != nil {
		u.tapFailed(fmt.Sprintf("taps menu item %q", title), tapPage, err)
	}
}

// TapsIceBreaker makes the user tap one of the ice breakers the Page
// shows them, by question: a postback with the question and its payload.
func (u *User) TapsIceBreaker(question string) {
	u.tb().Helper()
	if _, err := u.emu.srv.UserTapsIceBreaker(u.emu.page.ID, u.info.PSID, question); err != nil {
		u.tapFailed(fmt.Sprintf("taps ice breaker %q", question), tapPage, err)
	}
}

// tapKind is what a tap looks for: a quick reply or a button of the
// bot's messages, or something of the Page's (Get Started, the menu, an
// ice breaker) that no message of the bot's brings.
type tapKind int

const (
	tapQuickReply tapKind = iota
	tapButton
	tapButtonPayload
	tapPage
)

// tapFailed fails a tap. When there was nothing such to tap, it shows the
// messages the emulator looked at; with a tap by payload, the buttons with
// their payloads; and, only when the bot has not answered the user's last
// action yet, that its answer is still to come.
func (u *User) tapFailed(what string, kind tapKind, err error) {
	u.tb().Helper()
	if kind == tapPage || !(errors.Is(err, fakegraph.ErrNoQuickReply) || errors.Is(err, fakegraph.ErrNoButton)) {
		u.fatalf("%s %s: %v", u.info.FirstName, what, err)
		return
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: %v.\nThe bot's messages looked at, in the conversation so far:\n%s", u.info.FirstName, what, err, u.Conversation())
	if kind == tapButtonPayload {
		b.WriteString(u.buttonList())
	}
	if !u.answeredLastAction() {
		fmt.Fprintf(&b, "The bot has not answered %s's last action yet: wait for its answer with NextMessage before tapping.", u.info.FirstName)
	}
	u.fatalf("%s", strings.TrimRight(b.String(), "\n"))
}

// answeredLastAction reports whether the bot has sent the user a message
// since the user's last action it would answer (not a read or a
// reaction).
func (u *User) answeredLastAction() bool {
	last, _ := u.lastAction(func(a fakegraph.Action) bool { return a != fakegraph.ActionRead && a != fakegraph.ActionReaction })
	return len(u.emu.srv.Journal().Find(last, u.isBotMessage)) > 0
}

// lastAction is the seq of the user's last action that counts; ok is
// false when there is none.
func (u *User) lastAction(counts func(fakegraph.Action) bool) (seq uint64, ok bool) {
	for _, e := range u.emu.srv.Journal().Find(0, func(e *fakegraph.Event) bool {
		return e.Kind == fakegraph.KindUserAction && e.PSID == u.info.PSID && e.PageID == u.emu.page.ID
	}) {
		if d, isAction := e.UserAction(); isAction && counts(d.Action) {
			seq, ok = e.Seq, true
		}
	}
	return seq, ok
}

// buttonList lists the buttons of the bot's messages to the user, newest
// message first, with their types and payloads (or URLs).
func (u *User) buttonList() string {
	evs := u.emu.srv.Journal().Find(0, u.isBotMessage)
	var b strings.Builder
	for i := len(evs) - 1; i >= 0; i-- {
		m, err := newMessage(u, evs[i])
		if err != nil {
			continue
		}
		for _, bt := range m.Buttons() {
			switch {
			case bt.Payload != "":
				fmt.Fprintf(&b, "  %q (%s, payload %q)\n", bt.Title, bt.Type, bt.Payload)
			case bt.URL != "":
				fmt.Fprintf(&b, "  %q (%s %s)\n", bt.Title, bt.Type, bt.URL)
			default:
				fmt.Fprintf(&b, "  %q (%s)\n", bt.Title, bt.Type)
			}
		}
	}
	if b.Len() == 0 {
		return "The bot's messages have no buttons.\n"
	}
	return "The bot's buttons, newest message first:\n" + b.String()
}

// Reacts makes the user react to one of the bot's messages, with a
// reaction name (love, like, smile, wow, sad, angry, dislike) or an emoji.
func (u *User) Reacts(msg Message, reaction string) {
	u.tb().Helper()
	if _, err := u.emu.srv.UserReacts(u.emu.page.ID, u.info.PSID, msg.MID, reaction); err != nil {
		u.fatalf("%s reacts %q: %v", u.info.FirstName, reaction, err)
	}
}

// Unreacts removes the user's reaction to a message.
func (u *User) Unreacts(msg Message) {
	u.tb().Helper()
	if _, err := u.emu.srv.UserUnreacts(u.emu.page.ID, u.info.PSID, msg.MID); err != nil {
		u.fatalf("%s removes a reaction: %v", u.info.FirstName, err)
	}
}

// Reads makes the user read the thread: a message_reads event with the
// current time as watermark.
func (u *User) Reads() {
	u.tb().Helper()
	if _, err := u.emu.srv.UserReads(u.emu.page.ID, u.info.PSID); err != nil {
		u.fatalf("%s reads: %v", u.info.FirstName, err)
	}
}

// OptIn is a plugin or one-time-notification opt-in.
type OptIn = fakegraph.OptIn

// SendToMessenger is an opt-in through the Send-to-Messenger plugin with
// the plugin's data-ref; it opens the 24-hour window.
func SendToMessenger(ref string) OptIn { return OptIn{Type: fakegraph.OptInSendToMessenger, Ref: ref} }

// Checkbox is an opt-in through the checkbox plugin: the event carries a
// user_ref, which the Send API then accepts as recipient.user_ref.
func Checkbox(ref string) OptIn { return OptIn{Type: fakegraph.OptInCheckbox, Ref: ref} }

// OneTimeNotification is a one-time-notification opt-in; with payload ""
// it answers the bot's newest one_time_notif_req template.
func OneTimeNotification(payload string) OptIn {
	return OptIn{Type: fakegraph.OptInOneTimeNotification, Payload: payload}
}

// OptsIn makes the user opt in and returns the optin object the webhook
// carried (its user_ref or one_time_notif_token, for the test to use).
func (u *User) OptsIn(in OptIn) OptIn {
	u.tb().Helper()
	out, err := u.emu.srv.UserOptsIn(u.emu.page.ID, u.info.PSID, in)
	if err != nil {
		u.fatalf("%s opts in: %v", u.info.FirstName, err)
	}
	return out
}

// Referral is how a user comes to the thread: an m.me link or an ad.
type Referral = fakegraph.Referral

// Ref is an m.me link's ref parameter (m.me/page?ref=summer-ad).
func Ref(ref string) Referral { return Referral{Ref: ref, Source: "SHORTLINK"} }

// Ad is a click-to-Messenger ad with its id and ref.
func Ad(adID, ref string) Referral { return Referral{Ref: ref, Source: "ADS", AdID: adID} }

// ArrivesFrom makes the user open the thread from a link or an ad: a
// messaging_referrals event; it opens the 24-hour window.
func (u *User) ArrivesFrom(r Referral) {
	u.tb().Helper()
	if _, err := u.emu.srv.UserArrivesFrom(u.emu.page.ID, u.info.PSID, r); err != nil {
		u.fatalf("%s arrives from %q: %v", u.info.FirstName, r.Ref, err)
	}
}
