package fakegraph

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A sender action answers the user's PSID: none for a user_ref, which
// names no user (PLATFORM.md §2.1), and for a one-time token the user it
// was issued by, without spending it.
func TestSenderActionAnswersTheUserItReached(t *testing.T) {
	t.Parallel()
	s := New()
	ref, err := s.UserOptsIn(DefaultPageID, alice, OptIn{Type: OptInCheckbox})
	require.NoError(t, err)
	res := apiJSON(t, s, "POST", "/v26.0/me/messages", map[string]any{"recipient": map[string]any{"user_ref": ref.UserRef}, "sender_action": "typing_on"})
	require.Equal(t, 200, res.status, string(res.raw))
	assert.JSONEq(t, `{}`, string(res.raw))

	otn, err := s.UserOptsIn(DefaultPageID, alice, OptIn{Type: OptInOneTimeNotification, Payload: "PRICE_DROP"})
	require.NoError(t, err)
	to := map[string]any{"one_time_notif_token": otn.OneTimeNotifToken}
	res = apiJSON(t, s, "POST", "/v26.0/me/messages", map[string]any{"recipient": to, "sender_action": "typing_on"})
	require.Equal(t, 200, res.status, string(res.raw))
	assert.JSONEq(t, `{"recipient_id":"`+alice+`"}`, string(res.raw))
	res = apiJSON(t, s, "POST", "/v26.0/me/messages", map[string]any{"recipient": to, "message": map[string]any{"text": "The price dropped"}})
	assert.Equal(t, 200, res.status, "the token still serves its one message: %s", res.raw)
}
