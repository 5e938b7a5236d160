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

// A tap that finds nothing to tap shows the bot's messages it looked at
// and says the answer may not have come yet.
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
		"The bot's answer may not have come yet",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("failure lacks %q:\n%s", want, out)
		}
	}
}
