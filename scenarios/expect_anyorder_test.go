package scenarios

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The any-order diff sets each message beside the expectation it met:
// the text that matched shows no difference, the image that matched
// nothing is set against the video still expected.
func TestAnyOrderDiffPairsMessagesWithWhatTheyMet(t *testing.T) {
	t.Parallel()
	video, text := "video", "Nice image! Here it is back."
	wants := []Expect{{Attachment: &AttachExpect{Type: &video}}, {Text: &text}}
	image := botMessage{Attachment: &sentAttachment{Type: "image"}}
	got := []botMessage{{Text: text}, image}
	diff := anyOrderDiff(wants, got, map[int]int{1: 0})
	assert.Contains(t, changed(diff), `type: "video"`)
	assert.Contains(t, changed(diff), `type: "image"`)
	assert.NotContains(t, changed(diff), `text:`, "the text met its expectation:\n%s", diff)

	// Only the text has come: the video is shown missing.
	diff = anyOrderDiff(wants, got[:1], map[int]int{1: 0})
	assert.Contains(t, changed(diff), "type: \"video\"")
	assert.NotContains(t, changed(diff), "text:", diff)
}

// changed is the diff's - and + lines.
func changed(diff string) string {
	var out []string
	for _, l := range strings.Split(diff, "\n") {
		if strings.HasPrefix(l, "-") || strings.HasPrefix(l, "+") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// Which message meets which expectation is settled over all of them:
// the first message may meet the loose expectation and the strict one
// both, and must be left the strict one.
func TestAnyOrderPairsMessagesWhereAGreedyChoiceFails(t *testing.T) {
	t.Parallel()
	o, one := "o", "one"
	wants := []Expect{{TextContains: &o}, {Text: &one}}
	got := []botMessage{{Text: "one"}, {Text: "two"}}
	assert.Equal(t, map[int]int{0: 1, 1: 0}, pairAnyOrder(wants, got))
	assert.Equal(t, map[int]int{0: 0}, pairAnyOrder(wants, got[:1]), "one message: the first expectation it meets")
	two := []botMessage{{Text: "two"}, {Text: "too"}}
	assert.Len(t, pairAnyOrder(wants, two), 1, "both meet only text_contains: o")
}

func TestRunnerExpectAnyOrderFindsThePairingAndNamesWhatIsLeftUnmet(t *testing.T) {
	t.Parallel()
	emu := startEmulator(t)
	all, err := Parse("any.yaml", []byte(`- name: pairs
  steps:
    - says: one
    - says: two
    - expect_any_order:
        - {text_contains: o}
        - {text: "You said: one"}
- name: unmet
  steps:
    - says: one
    - says: one
    - expect_any_order:
        - {text: "You said: one"}
        - {text_contains: two}
- name: stranger
  steps:
    - says: one
    - says: three
    - expect_any_order:
        - {text: "You said: one"}
        - {text_contains: two}
`))
	require.NoError(t, err)
	rep, err := (&Runner{Emulator: emu.URL()}).Run(context.Background(), all)
	require.NoError(t, err)
	require.Len(t, rep.Results, 3)
	failure := map[string]string{}
	for _, r := range rep.Results {
		failure[r.Scenario.Name] = r.Failure
	}
	assert.Empty(t, failure["pairs"])
	assert.Contains(t, failure["unmet"], `expect_any_order: the bot's messages cannot each meet an expectation of their own: `+
		`left unmet expect_any_order[1] {text_contains: "two"}; left over "You said: one"`)
	assert.Contains(t, failure["stranger"], `expect_any_order: the bot's message "You said: three" matches none of the expected ones`)
}
