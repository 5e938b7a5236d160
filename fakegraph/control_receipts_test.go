package fakegraph

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReceiptsRouteSwitchesTheEchoAndDelivery(t *testing.T) {
	t.Parallel()
	s := New()
	_, err := s.UserSends(DefaultPageID, alice, UserMessageRequest{Text: "hi"})
	require.NoError(t, err)
	sendAndList := func() []string {
		start := s.Journal().Last()
		mustGraph(t, s, "POST", "/v26.0/me/messages", textSend)
		return kindsAfter(s, start)
	}
	if diff := cmp.Diff([]string{"request send", "receipt message_echoes", "receipt message_deliveries"}, sendAndList()); diff != "" {
		t.Errorf("a send with receipts on (-want +got):\n%s", diff)
	}

	status, body := controlDo(t, s, "POST", "receipts", `{"enabled":false}`)
	require.Equal(t, 200, status, "%v", body)
	require.Equal(t, map[string]any{"enabled": false}, body)
	require.False(t, s.Webhook().Receipts, "GET webhook shows the switch")
	if diff := cmp.Diff([]string{"request send"}, sendAndList()); diff != "" {
		t.Errorf("a send with receipts off (-want +got):\n%s", diff)
	}

	// Switching to the state it is in changes nothing and journals nothing.
	start := s.Journal().Last()
	status, _ = controlDo(t, s, "POST", "receipts", `{"enabled":false}`)
	require.Equal(t, 200, status)
	require.Empty(t, kindsAfter(s, start))

	status, _ = controlDo(t, s, "POST", "receipts", `{"enabled":true}`)
	require.Equal(t, 200, status)
	require.Len(t, sendAndList(), 3, "receipts back on")

	for _, bad := range []string{``, `{}`, `{"enabled":"yes please"}`, `[true]`} {
		status, body := controlDo(t, s, "POST", "receipts", bad)
		require.Equal(t, 400, status, "%s: %v", bad, body)
	}
	require.True(t, s.Webhook().Receipts, "a refused switch changes nothing")
}

// A reset forgets every thread: the conversation the control API reads
// starts after it, complete, as the web page's does.
func TestResetStartsEveryThreadAfresh(t *testing.T) {
	t.Parallel()
	s := New()
	userWrites(t, s, alice)
	require.Equal(t, 200, sendText(t, s, alice).Status)
	before, err := s.Conversation(DefaultPageID, alice)
	require.NoError(t, err)
	require.NotEmpty(t, before.Items)

	s.Reset()
	after, err := s.Conversation(DefaultPageID, alice)
	require.NoError(t, err)
	assert.Empty(t, after.Items, "the thread before the reset")
	assert.True(t, after.Complete)
	userWrites(t, s, alice)
	after, err = s.Conversation(DefaultPageID, alice)
	require.NoError(t, err)
	require.Len(t, after.Items, 1, "only what came after the reset")
	assert.Greater(t, after.Items[0].Seq, before.Items[len(before.Items)-1].Seq)
}

// A feedback submission is what the form can give: a score on its type's
// scale, free text of at most 400 characters (PLATFORM.md §2.7).
func TestFeedbackAnswersTheFormCanGive(t *testing.T) {
	t.Parallel()
	s := New()
	submit := func(q FeedbackQuestion) error {
		return s.UserSubmitsFeedback(DefaultPageID, alice, MessagingFeedback{FeedbackScreens: []FeedbackScreen{{Questions: map[string]FeedbackQuestion{"q1": q}}}})
	}
	long := strings.Repeat("é", 401)
	for _, ok := range []FeedbackQuestion{{Type: "csat", Payload: "1"}, {Type: "csat", Payload: "5"}, {Type: "nps", Payload: "0"},
		{Type: "nps", Payload: "10"}, {Type: "ces", Payload: "7"}, {Type: "free_form", Payload: long[:800]},
		{Type: "csat", Payload: "4", FollowUp: &FeedbackFollowUp{Type: "free_form", Payload: long[:800]}}} {
		assert.NoError(t, submit(ok), "%+v", ok)
	}
	for _, bad := range []FeedbackQuestion{{Type: "csat", Payload: "9"}, {Type: "csat", Payload: "abc"}, {Type: "csat", Payload: "0"},
		{Type: "nps", Payload: "11"}, {Type: "ces", Payload: "8"}, {Type: "stars", Payload: "5"}, {Type: "free_form", Payload: long},
		{Type: "csat", Payload: "4", FollowUp: &FeedbackFollowUp{Type: "free_form", Payload: long}},
		{Type: "csat", Payload: "4", FollowUp: &FeedbackFollowUp{Type: "csat", Payload: "x"}}} {
		assert.Error(t, submit(bad), "%+v", bad)
	}
	code, body := control(t, s, "POST", "users/"+alice+"/feedback", `{"feedback_screens":[{"screen_id":0,"questions":{"q1":{"type":"csat","payload":"9"}}}]}`)
	assert.Equal(t, 400, code)
	assert.Contains(t, body, "a csat score is a whole number from 1 to 5")
}

// A switch of the control API needs its setting: {} switches nothing,
// rather than reading as off.
func TestSwitchesNeedTheirSetting(t *testing.T) {
	t.Parallel()
	s := New()
	for _, path := range []string{"receipts", "rate_limits"} {
		status, body := controlDo(t, s, "POST", path, `{}`)
		assert.Equal(t, 400, status, "%s {}: %v", path, body)
		assert.Contains(t, fmt.Sprint(body), `{"enabled":true}`, path)
		status, body = controlDo(t, s, "POST", path, `{"enabled":"yes"}`)
		assert.Equal(t, 400, status, "%s: %v", path, body)
		assert.Contains(t, fmt.Sprint(body), `"enabled" must be true or false, not a JSON string`, "in JSON's words, not Go's")
		status, body = controlDo(t, s, "POST", path, `{"enabled":true}`)
		assert.Equal(t, 200, status, "%s: %v", path, body)
	}
}
