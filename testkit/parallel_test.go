package testkit_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/messemu/messemu/testkit"
)

// TestParallelEmulators runs 200 emulators at once (run it with -race),
// each with its own webhook bot and user writing its own words; nothing
// may cross from one emulator to another.
func TestParallelEmulators(t *testing.T) {
	t.Parallel()
	const n = 200
	for i := range n {
		t.Run(fmt.Sprintf("emu%03d", i), func(t *testing.T) {
			t.Parallel()
			emu := testkit.Start(t, testkit.BotFrom(echoBot))
			user := emu.User(fmt.Sprintf("User%03d", i))
			for k := range 3 {
				user.Says(fmt.Sprintf("word %d of %d", k, i))
			}
			for k := range 3 {
				testkit.CheckText(t, user.NextMessage(t), fmt.Sprintf("echo: word %d of %d", k, i))
			}
			conv := user.Conversation()
			if len(conv) != 6 {
				t.Errorf("conversation has %d turns, want 6:\n%s", len(conv), conv)
			}
			mine := fmt.Sprintf(" of %d\"", i)
			for _, turn := range conv {
				if !strings.HasSuffix(turn.Text, mine) {
					t.Errorf("turn %q belongs to another emulator", turn)
				}
			}
			for _, ev := range emu.Server().Journal().After(0, 0) {
				if ev.PSID != "" && ev.PSID != user.PSID() {
					t.Errorf("journal event %d is about PSID %s, not this emulator's user", ev.Seq, ev.PSID)
				}
			}
			emu.CheckNoViolations(t)
		})
	}
}
