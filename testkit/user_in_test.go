package testkit_test

import (
	"strings"
	"testing"

	"github.com/messemu/messemu/testkit"
)

// A user's failing action reports to the test it acts for (In), not to
// the test that started the emulator: it works inside t.Run subtests.
func TestUserActionReportsToTheCallingTest(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	journalBot(t, emu, echo)
	alice := emu.User("Alice")

	var sub recorder
	sub.run(func() { alice.In(&sub).TapsQuickReply("Red") })
	if out := sub.output(); !strings.Contains(out, `Alice taps quick reply "Red"`) {
		t.Errorf("the subtest's recorder got:\n%s", out)
	}
	// The views share the conversation: the parent's NextMessage sees what
	// the subtest's user said.
	t.Run("says", func(t *testing.T) { alice.In(t).Says("from a subtest") })
	testkit.CheckText(t, alice.NextMessage(t), "echo: from a subtest")
}

// A tap that finds nothing to tap shows the bot's messages it looked at.
// The bot has answered (the test read it with NextMessage), so the
// failure does not suggest waiting for the answer.
func TestFailedTapExplainsWhatItSaw(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	journalBot(t, emu, echo)
	alice := emu.User("Alice")
	alice.Says("hi")
	alice.NextMessage(t)
	var rec recorder
	rec.run(func() { alice.In(&rec).TapsButton("Buy") })
	out := rec.output()
	for _, want := range []string{
		`Alice taps button "Buy": no postback button "Buy"`,
		`bot: "echo: hi"`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("failure lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "NextMessage") {
		t.Errorf("the bot's answer was read already, yet the failure suggests waiting for it:\n%s", out)
	}
}

// A tap made before the bot answered the user's last action says to wait
// for the answer first.
func TestFailedTapBeforeTheAnswerSaysToWait(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t) // no bot: nothing answers
	alice := emu.User("Alice")
	alice.Says("hi")
	var rec recorder
	rec.run(func() { alice.In(&rec).TapsQuickReply("Red") })
	out := rec.output()
	for _, want := range []string{
		`Alice taps quick reply "Red"`,
		"The bot has not answered Alice's last action yet: wait for its answer with NextMessage before tapping.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("failure lacks %q:\n%s", want, out)
		}
	}
}

// A tap by payload that matches nothing lists the buttons with their
// payloads, which the conversation shows by title only.
func TestFailedTapByPayloadListsThePayloads(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	journalBot(t, emu, func(psid, said string) []map[string]any {
		button := func(title, payload string) map[string]any {
			return map[string]any{"type": "postback", "title": title, "payload": payload}
		}
		return []map[string]any{{"recipient": map[string]any{"id": psid}, "messaging_type": "RESPONSE", "message": map[string]any{
			"attachment": map[string]any{"type": "template", "payload": map[string]any{"template_type": "button", "text": "What do you want?",
				"buttons": []any{button("Buy mug", "BUY_MUG"), button("Buy hat", "BUY_HAT"),
					map[string]any{"type": "web_url", "title": "Shop", "url": "https://example.com/shop"}}}}}}}
	})
	alice := emu.User("Alice")
	alice.Says("shop")
	alice.NextMessage(t)
	var rec recorder
	rec.run(func() { alice.In(&rec).TapsButtonWithPayload("Buy mug", "BUY_HAT") })
	out := rec.output()
	for _, want := range []string{
		`Alice taps button "Buy mug" with payload "BUY_HAT"`,
		"The bot's buttons, newest message first:\n" +
			`  "Buy mug" (postback, payload "BUY_MUG")` + "\n" +
			`  "Buy hat" (postback, payload "BUY_HAT")` + "\n" +
			`  "Shop" (web_url https://example.com/shop)`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("failure lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "NextMessage") {
		t.Errorf("the failure suggests waiting for an answer already read:\n%s", out)
	}
}
