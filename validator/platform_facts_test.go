package validator

import (
	"testing"
	"time"
)

// Tests that pin PLATFORM.md's facts as written there, never through the
// production constants (TagCutoff, AttachmentIDLife, StandardWindow): a
// constant moved by mistake must fail here. Each boundary has a row on
// both sides.

// The 2026 tags' cutoff, PLATFORM.md §2.2 and D10: "clock before
// 2026-04-27T00:00Z".
var (
	lastInstantBeforeCutoff = time.Date(2026, 4, 26, 23, 59, 59, 999999999, time.UTC)
	cutoffInstant           = time.Date(2026, 4, 27, 0, 0, 0, 0, time.UTC)
)

// ninetyDaysBeforeTestNow is testNow (2026-11-23T12:00Z) less 90 days,
// written out: PLATFORM.md §3, "over 90 days old".
var ninetyDaysBeforeTestNow = time.Date(2026, 8, 25, 12, 0, 0, 0, time.UTC)

const factAsset = "4444444444444444"

// assetCreated gives factAsset the creation time t.
func assetCreated(t time.Time) func(*fakeState) {
	return func(f *fakeState) { f.attachments[factAsset] = AttachmentInfo{Type: "image", Created: t} }
}

// lastMessageAt puts alice's last message (and interaction) at t.
func lastMessageAt(t time.Time) func(*fakeState) {
	return func(f *fakeState) { f.users[alice] = UserInfo{LastInteraction: t, LastMessage: t} }
}

func TestPlatformFactsAsLiterals(t *testing.T) {
	t.Parallel()
	var cases []sendCase
	for _, tag := range []string{"ACCOUNT_UPDATE", "CONFIRMED_EVENT_UPDATE", "POST_PURCHASE_UPDATE"} {
		cases = append(cases,
			sendCase{name: tag + " a year before the cutoff", body: tagged(alice, tag, text("hi")), state: at(time.Date(2025, 4, 27, 0, 0, 0, 0, time.UTC))},
			sendCase{name: tag + " at 2026-04-26T23:59:59.999999999Z", body: tagged(alice, tag, text("hi")), state: at(lastInstantBeforeCutoff)},
			sendCase{name: tag + " at 2026-04-27T00:00:00Z", body: tagged(alice, tag, text("hi")), state: at(cutoffInstant), want: errEnum("tag", tagsNow, tag)},
			sendCase{name: tag + " six months after the cutoff", body: tagged(alice, tag, text("hi")), state: at(time.Date(2026, 10, 27, 0, 0, 0, 0, time.UTC)), want: errEnum("tag", tagsNow, tag)},
		)
	}
	replyTo := `{"recipient":{"id":"` + alice + `"},"messaging_type":"MESSAGE_TAG","tag":"HUMAN_AGENT","reply_to":{"mid":"` + knownMID + `"},"message":{"text":"hi"}}`
	cases = append(cases,
		// reply_to, PLATFORM.md §2.1: "No user message in 24 h: W".
		sendCase{name: "reply_to, last user message 23h59m59s ago", body: replyTo, state: lastMessageAt(testNow.Add(-(23*time.Hour + 59*time.Minute + 59*time.Second)))},
		sendCase{name: "reply_to, last user message exactly 24 h ago", body: replyTo, state: lastMessageAt(time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)), warns: []string{"reply_to.window"}},
		// The window, PLATFORM.md §2.2: open while now < last + 24h.
		sendCase{name: "RESPONSE, last user message 23h59m59s ago", body: to(text("hi")), state: lastMessageAt(time.Date(2026, 11, 22, 12, 0, 1, 0, time.UTC))},
		sendCase{name: "RESPONSE, last user message exactly 24 h ago", body: to(text("hi")), state: lastMessageAt(time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)), want: errOutsideWindow},
		// Attachment ids, PLATFORM.md §3: unusable once 90 days old.
		sendCase{name: "attachment_id 89 days 23:59:59 old", body: media("image", `{"attachment_id":"`+factAsset+`"}`), state: assetCreated(ninetyDaysBeforeTestNow.Add(time.Second))},
		sendCase{name: "attachment_id exactly 90 days old", body: media("image", `{"attachment_id":"`+factAsset+`"}`), state: assetCreated(ninetyDaysBeforeTestNow), want: errAttachmentID},
		sendCase{name: "attachment_id 60 days old", body: media("image", `{"attachment_id":"`+factAsset+`"}`), state: assetCreated(time.Date(2026, 9, 24, 12, 0, 0, 0, time.UTC))},
	)
	runSendCases(t, cases)

	if want := 90 * 24 * time.Hour; testNow.Sub(ninetyDaysBeforeTestNow) != want {
		t.Fatalf("the fixture's 90 days are %v", testNow.Sub(ninetyDaysBeforeTestNow))
	}
}
