package scenarios

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
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
