package fakegraph

import (
	"encoding/json"
	"sync"
	"testing"
	"time"

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

// A send to a one-time token is the token's user's, refused or not: the
// journal files it under their PSID, so that their conversation shows it.
func TestOneTimeTokenSendJournalledUnderItsUser(t *testing.T) {
	t.Parallel()
	s := New()
	otn, err := s.UserOptsIn(DefaultPageID, alice, OptIn{Type: OptInOneTimeNotification, Payload: "PRICE_DROP"})
	require.NoError(t, err)
	to := map[string]any{"one_time_notif_token": otn.OneTimeNotifToken}
	for _, send := range []map[string]any{
		{"recipient": to, "messaging_type": "MESSAGE_TAG", "message": map[string]any{"text": "no tag"}}, // tag.required
		{"recipient": to, "message": map[string]any{"text": "The price dropped"}},
		{"recipient": to, "message": map[string]any{"text": "again"}}, // spent
	} {
		res := apiJSON(t, s, "POST", "/v26.0/me/messages", send)
		if e := lastEvent(t, s); e.PSID != alice {
			t.Errorf("send %v answered %d: journalled under PSID %q, want %s", send, res.status, e.PSID, alice)
		}
	}
}

// A send to a user_ref or a one-time token reaches a person: the checkbox
// opened their window like any interaction (PLATFORM.md §2.2), a one-time
// token is free of the window only (§2.1), and a block or another app's
// thread control stops both as it stops a send to the PSID (§8).
func TestOptInRecipientsAreThePersonBehindThem(t *testing.T) {
	t.Parallel()
	s := New()
	_, err := s.UserOptsIn(DefaultPageID, bob, OptIn{Ref: "cart", UserRef: "mine"})
	require.ErrorContains(t, err, `give "type":"checkbox"`, "a user_ref is the checkbox's, not Send to Messenger's")
	ref, err := s.UserOptsIn(DefaultPageID, bob, OptIn{Type: OptInCheckbox})
	require.NoError(t, err)
	toRef := map[string]any{"recipient": map[string]any{"user_ref": ref.UserRef}, "messaging_type": "RESPONSE", "message": map[string]any{"text": "Thanks for opting in"}}
	res := apiJSON(t, s, "POST", "/v26.0/me/messages", toRef)
	require.Equal(t, 200, res.status, "inside the window the checkbox opened: %s", res.raw)

	s.Clock().Advance(25 * time.Hour)
	res = apiJSON(t, s, "POST", "/v26.0/me/messages", toRef)
	assert.Equal(t, 400, res.status)
	assert.Contains(t, string(res.raw), `"error_subcode":2018278`, "a day after the opt-in the window is closed")

	otn, err := s.UserOptsIn(DefaultPageID, bob, OptIn{Type: OptInOneTimeNotification, Payload: "BACK_IN_STOCK"})
	require.NoError(t, err)
	s.Clock().Advance(25 * time.Hour)
	res = apiJSON(t, s, "POST", "/v26.0/me/pass_thread_control", map[string]any{"recipient": map[string]any{"id": bob}, "target_app_id": PageInboxAppID})
	require.Equal(t, 200, res.status, string(res.raw))
	toOTN := map[string]any{"recipient": map[string]any{"one_time_notif_token": otn.OneTimeNotifToken}, "message": map[string]any{"text": "Back in stock"}}
	res = apiJSON(t, s, "POST", "/v26.0/me/messages", toOTN)
	assert.Equal(t, 400, res.status)
	assert.Contains(t, string(res.raw), `"error_subcode":2018300`, "the Page Inbox owns the thread")
	require.NoError(t, s.ActAsApp(DefaultPageID, HandoverActRequest{AppID: PageInboxAppID, Action: "release_thread_control", PSID: bob}))

	_, err = s.UpdateUser(DefaultPageID, bob, map[string]json.RawMessage{"blocked": json.RawMessage("true")})
	require.NoError(t, err)
	res = apiJSON(t, s, "POST", "/v26.0/me/messages", toOTN)
	assert.Equal(t, 400, res.status)
	assert.Contains(t, string(res.raw), `"code":551`, "bob blocked the Page")
	_, err = s.UpdateUser(DefaultPageID, bob, map[string]json.RawMessage{"blocked": json.RawMessage("false")})
	require.NoError(t, err)
	res = apiJSON(t, s, "POST", "/v26.0/me/messages", toOTN)
	assert.Equal(t, 200, res.status, "window-free, and the refusals did not spend the token: %s", res.raw)
}

// A tap names one message's button where titles repeat: by mid, and by
// payload among that message's buttons of the same title.
func TestUserTapsButtonOfOneMessage(t *testing.T) {
	t.Parallel()
	s := New()
	userWrites(t, s, alice)
	card := func(payload string) map[string]any {
		return map[string]any{"title": payload, "buttons": []any{map[string]any{"type": "postback", "title": "Buy", "payload": payload}}}
	}
	send := func(payloads ...string) string {
		var els []any
		for _, p := range payloads {
			els = append(els, card(p))
		}
		res := apiJSON(t, s, "POST", "/v26.0/me/messages", map[string]any{"recipient": recipient(alice), "messaging_type": "RESPONSE",
			"message": map[string]any{"attachment": map[string]any{"type": "template", "payload": map[string]any{"template_type": "generic", "elements": els}}}})
		require.Equal(t, 200, res.status, string(res.raw))
		return res.str("message_id")
	}
	older := send("RED", "BLUE")
	send("GREEN")

	pb, err := s.UserTapsButtonOf(DefaultPageID, alice, ButtonTap{Title: "Buy"})
	require.NoError(t, err)
	assert.Equal(t, "GREEN", pb.Payload, "by title alone: the newest message's")
	pb, err = s.UserTapsButtonOf(DefaultPageID, alice, ButtonTap{Title: "Buy", MID: older})
	require.NoError(t, err)
	assert.Equal(t, "RED", pb.Payload, "the older message's first Buy")
	pb, err = s.UserTapsButtonOf(DefaultPageID, alice, ButtonTap{Title: "Buy", MID: older, Payload: "BLUE"})
	require.NoError(t, err)
	assert.Equal(t, "BLUE", pb.Payload)

	_, err = s.UserTapsButtonOf(DefaultPageID, alice, ButtonTap{Title: "Buy", MID: older, Payload: "GREEN"})
	assert.ErrorIs(t, err, ErrNoButton, "GREEN is on another message")
	_, err = s.UserTapsButtonOf(DefaultPageID, bob, ButtonTap{Title: "Buy", MID: older})
	assert.ErrorIs(t, err, ErrNoButton, "a message of another user's thread")
	mine, err := s.UserSends(DefaultPageID, alice, UserMessageRequest{Text: "Buy"})
	require.NoError(t, err)
	_, err = s.UserTapsButtonOf(DefaultPageID, alice, ButtonTap{Title: "Buy", MID: mine.MID})
	assert.ErrorIs(t, err, ErrNoButton, "the user's own message")
}

// A send is judged under the read lock and committed under the write lock:
// a change between the two (here the user blocks the Page) is seen, and
// the refusal it earns wins, rather than a send the journal then shows
// after the block.
func TestSendJudgedAgainWhenTheStateChangedBeforeItsCommit(t *testing.T) {
	t.Parallel()
	s := New()
	userWrites(t, s, bob)
	once := sync.Once{}
	s.sendGapHook = func() {
		once.Do(func() {
			_, err := s.UpdateUser(DefaultPageID, bob, map[string]json.RawMessage{"blocked": json.RawMessage("true")})
			require.NoError(t, err)
		})
	}
	res := apiJSON(t, s, "POST", "/v26.0/me/messages", map[string]any{"recipient": map[string]any{"id": bob}, "messaging_type": "RESPONSE", "message": map[string]any{"text": "hi"}})
	assert.Equal(t, 400, res.status, "blocked before the commit: %s", res.raw)
	assert.Contains(t, string(res.raw), `"code":551`)
	refused := s.Journal().Find(0, func(e *Event) bool { return e.Kind == KindRequest && !e.Accepted })
	require.Len(t, refused, 1)
	assert.Equal(t, bob, refused[0].PSID, "journalled in bob's conversation")
}

// Sends do not count as changes of the state: under concurrent sends a
// send is not judged twice for another send's commit.
func TestSendsAreNoStateChange(t *testing.T) {
	t.Parallel()
	s := New()
	userWrites(t, s, alice)
	changes := func() uint64 {
		s.mu.RLock()
		defer s.mu.RUnlock()
		return s.mu.changes
	}
	before := changes()
	for range 10 {
		res := apiJSON(t, s, "POST", "/v26.0/me/messages", map[string]any{"recipient": map[string]any{"id": alice}, "messaging_type": "RESPONSE", "message": map[string]any{"text": "hi"}})
		require.Equal(t, 200, res.status, string(res.raw))
	}
	assert.Equal(t, before, changes())
}

// reply_to.mid and a reaction's message_id name a message of the thread
// the send goes to (PLATFORM.md §2.1, §2.3), whoever the recipient names
// it by: a user_ref or a one-time token stands for its user's thread.
func TestThreadMessagesCheckedForEveryRecipient(t *testing.T) {
	t.Parallel()
	s := New()
	said, err := s.UserSends(DefaultPageID, alice, UserMessageRequest{Text: "hi"})
	require.NoError(t, err)
	other, err := s.UserSends(DefaultPageID, bob, UserMessageRequest{Text: "hi"})
	require.NoError(t, err)
	ref, err := s.UserOptsIn(DefaultPageID, alice, OptIn{Type: OptInCheckbox})
	require.NoError(t, err)
	recipients := map[string]func() map[string]any{
		"id":       func() map[string]any { return map[string]any{"id": alice} },
		"user_ref": func() map[string]any { return map[string]any{"user_ref": ref.UserRef} },
		"one_time_notif_token": func() map[string]any {
			otn, err := s.UserOptsIn(DefaultPageID, alice, OptIn{Type: OptInOneTimeNotification, Payload: "P"})
			require.NoError(t, err)
			return map[string]any{"one_time_notif_token": otn.OneTimeNotifToken}
		},
	}
	for name, to := range recipients {
		for _, c := range []struct {
			mid  string
			want int
		}{{"m_doesnotexist", 400}, {other.MID, 400}, {said.MID, 200}} {
			res := apiJSON(t, s, "POST", "/v26.0/me/messages", map[string]any{"recipient": to(), "messaging_type": "RESPONSE", "reply_to": map[string]any{"mid": c.mid}, "message": map[string]any{"text": "x"}})
			assert.Equal(t, c.want, res.status, "reply_to %s to a %s recipient: %s", c.mid, name, res.raw)
			res = apiJSON(t, s, "POST", "/v26.0/me/messages", map[string]any{"recipient": to(), "sender_action": "react", "payload": map[string]any{"message_id": c.mid, "reaction": "love"}})
			assert.Equal(t, c.want, res.status, "a reaction to %s for a %s recipient: %s", c.mid, name, res.raw)
		}
	}
}
