package fakegraph

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRetentionBoundsJournalAndStore: under an event bound the journal and
// the thread both forget the old sends, the reader is told, and the rules
// still find the bot's last message with its quick replies.
func TestRetentionBoundsJournalAndStore(t *testing.T) {
	t.Parallel()
	s := New(WithRetention(Retention{Events: 40}))
	_, err := s.UserSends(DefaultPageID, alice, UserMessageRequest{Text: "hi"})
	require.NoError(t, err)
	for range 200 {
		sendOK(t, s, textSend)
	}
	sendOK(t, s, `{"recipient":{"id":"`+alice+`"},"messaging_type":"RESPONSE","message":{"text":"pick","quick_replies":[{"content_type":"text","title":"Red","payload":"RED"}]}}`)

	first := s.Journal().First()
	require.Greater(t, first, uint64(100), "the journal forgot its oldest events")
	th, err := s.Thread(DefaultPageID, alice)
	require.NoError(t, err)
	require.Less(t, len(th), 60, "the thread follows the journal")
	for _, m := range th {
		assert.GreaterOrEqual(t, m.Seq, first, "message %s kept past its journal event", m.MID)
	}
	conv, err := s.Conversation(DefaultPageID, alice)
	require.NoError(t, err)
	assert.False(t, conv.Complete)
	assert.Equal(t, first, conv.FirstSeq)

	_, err = s.Journal().Read(1, 0, nil)
	var trimmed *TrimmedError
	require.ErrorAs(t, err, &trimmed)
	assert.Equal(t, first, trimmed.First)

	_, err = s.UserTapsQuickReply(DefaultPageID, alice, "Red")
	require.NoError(t, err, "the last message's quick replies outlive the retention")
}

// TestRetentionKeepsWhatRulesNeed: the bot's last message to a user stays
// however old, with its quick replies, while another user's traffic pushes
// everything else out.
func TestRetentionKeepsWhatRulesNeed(t *testing.T) {
	t.Parallel()
	s := New(WithRetention(Retention{Events: 20}))
	for _, psid := range []string{alice, bob} {
		_, err := s.UserSends(DefaultPageID, psid, UserMessageRequest{Text: "hi"})
		require.NoError(t, err)
	}
	sendOK(t, s, `{"recipient":{"id":"`+alice+`"},"messaging_type":"RESPONSE","message":{"text":"pick","quick_replies":[{"content_type":"text","title":"Red","payload":"RED"}]}}`)
	for range 100 {
		sendOK(t, s, strings.ReplaceAll(textSend, alice, bob))
	}
	th, err := s.Thread(DefaultPageID, alice)
	require.NoError(t, err)
	require.Len(t, th, 1, "alice's thread keeps the bot's last message only")
	assert.Less(t, th[0].Seq, s.Journal().First())
	_, err = s.UserTapsQuickReply(DefaultPageID, alice, "Red")
	require.NoError(t, err)
}

// TestRetentionByBytesAndAge: the other two bounds trim as well.
func TestRetentionByBytesAndAge(t *testing.T) {
	t.Parallel()
	s := New(WithRetention(Retention{Bytes: 64 << 10}))
	_, err := s.UserSends(DefaultPageID, alice, UserMessageRequest{Text: "hi"})
	require.NoError(t, err)
	for range 3000 {
		sendOK(t, s, textSend)
	}
	assert.Greater(t, s.Journal().First(), uint64(1000))
	assert.LessOrEqual(t, s.Journal().Bytes(), 80<<10+1<<20, "at most the bound, a quarter more and the block being filled")

	clock := NewFrozenClock(time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC))
	s = New(WithClock(clock), WithRetention(Retention{Age: time.Hour}))
	_, err = s.UserSends(DefaultPageID, alice, UserMessageRequest{Text: "hi"})
	require.NoError(t, err)
	clock.Advance(2 * time.Hour)
	for range 600 {
		sendOK(t, s, textSend)
	}
	evs, err := s.Journal().Read(0, 1, nil)
	if errors.Is(err, ErrTrimmed) {
		evs, err = s.Journal().Read(s.Journal().First()-1, 1, nil)
	}
	require.NoError(t, err)
	require.NotEmpty(t, evs)
	assert.False(t, evs[0].Time.Before(clock.Now().Add(-time.Hour)), "the oldest kept event is within the hour")
}

// TestParseRetention reads the --retention syntax.
func TestParseRetention(t *testing.T) {
	t.Parallel()
	for text, want := range map[string]Retention{
		"unlimited":        {},
		"0":                {},
		"500000":           {Events: 500000},
		"96MB":             {Bytes: 96 << 20},
		"1gb":              {Bytes: 1 << 30},
		"24h, 200MB, 1000": {Events: 1000, Bytes: 200 << 20, Age: 24 * time.Hour},
	} {
		got, err := ParseRetention(text)
		require.NoError(t, err, text)
		assert.Equal(t, want, got, text)
		again, err := ParseRetention(got.String())
		require.NoError(t, err)
		assert.Equal(t, want, again, "round trip of %q", got.String())
	}
	for _, bad := range []string{"-5", "12XB", "soon", "1h,,2", "0MB"} {
		_, err := ParseRetention(bad)
		assert.Error(t, err, bad)
	}
}

// sendOK posts a Send API body with the Page's token and requires a 200.
func sendOK(t *testing.T, s *Server, body string) {
	t.Helper()
	code, _, answer := do(t, s, "POST", "/v26.0/me/messages?access_token="+DefaultPageToken, "application/json", body)
	require.Equal(t, 200, code, "answer %v", answer)
}

// TestRetentionKeepsTheNewestOTNRequest: the bot's newest one-time
// notification request outlives the retention with its last message, and
// the user's opt-in still answers it; the messages between them go.
func TestRetentionKeepsTheNewestOTNRequest(t *testing.T) {
	t.Parallel()
	s := New(WithRetention(Retention{Events: 20}))
	for _, psid := range []string{alice, bob} {
		_, err := s.UserSends(DefaultPageID, psid, UserMessageRequest{Text: "hi"})
		require.NoError(t, err)
	}
	otn := `{"recipient":{"id":"` + alice + `"},"messaging_type":"RESPONSE","message":{"attachment":{"type":"template","payload":{"template_type":"one_time_notif_req","title":"Tell me when it is back","payload":"BACK_IN_STOCK"}}}}`
	sendOK(t, s, otn)
	for range 30 {
		sendOK(t, s, textSend) // to alice, after the request
	}
	for range 100 {
		sendOK(t, s, strings.ReplaceAll(textSend, alice, bob))
	}
	th, err := s.Thread(DefaultPageID, alice)
	require.NoError(t, err)
	require.Len(t, th, 2, "the request and the bot's last message stay, nothing between")
	assert.Contains(t, string(th[0].Body), "one_time_notif_req")
	assert.Contains(t, string(th[1].Body), `"text"`)
	in, err := s.UserOptsIn(DefaultPageID, alice, OptIn{Type: OptInOneTimeNotification})
	require.NoError(t, err)
	assert.Equal(t, "BACK_IN_STOCK", in.Payload)
}

// BenchmarkSendTextRetained: a text send to a thread whose store is full
// (the retention lets one old send go for each new one) costs what a send
// to a young store costs; the store used to walk the whole thread.
func BenchmarkSendTextRetained(b *testing.B) {
	for _, kept := range []int{0, 100_000} {
		b.Run(fmt.Sprintf("kept=%d", kept), func(b *testing.B) {
			s := New(WithRetention(Retention{Events: 3*kept + 30}))
			if _, err := s.UserSends(DefaultPageID, alice, UserMessageRequest{Text: "hi"}); err != nil {
				b.Fatal(err)
			}
			h := s.Handler()
			for range kept + 100 { // fill, and past the bound
				benchPost(b, h, textSend)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				benchPost(b, h, textSend)
			}
		})
	}
}

// A user who keeps writing after the bot's last message (a bot that never
// answers) does not keep every message: the thread keeps the bot's last
// message, whose quick replies stay gone, and what the journal still has.
func TestRetentionBoundsAThreadTheBotStoppedAnswering(t *testing.T) {
	t.Parallel()
	s := New(WithRetention(Retention{Events: 20}))
	_, err := s.UserSends(DefaultPageID, alice, UserMessageRequest{Text: "hi"})
	require.NoError(t, err)
	sendOK(t, s, `{"recipient":{"id":"`+alice+`"},"messaging_type":"RESPONSE","message":{"text":"pick","quick_replies":[{"content_type":"text","title":"Red","payload":"RED"}]}}`)
	for i := range 300 {
		_, err := s.UserSends(DefaultPageID, alice, UserMessageRequest{Text: fmt.Sprint("again ", i)})
		require.NoError(t, err)
	}
	th, err := s.Thread(DefaultPageID, alice)
	require.NoError(t, err)
	assert.Less(t, len(th), 40, "the thread follows the journal")
	require.True(t, th[0].FromPage, "the bot's last message stays first")
	first := s.Journal().First()
	for _, m := range th[1:] {
		assert.False(t, m.FromPage)
		assert.GreaterOrEqual(t, m.Seq, first, "a user's message the journal forgot")
	}
	assert.Contains(t, string(th[len(th)-1].Body), "again 299")
	_, err = s.UserTapsQuickReply(DefaultPageID, alice, "Red")
	require.ErrorIs(t, err, ErrNoQuickReply, "the user wrote since: the quick replies are gone")
}

// TestStoreFollowsATrimAFewMessagesASend: the journal trims a batch of
// events at once, and the store follows it over the next sends, at most
// followBudget messages a send, instead of holding one send (and every send
// behind it) while it lets the whole batch go; a reader of the thread
// still never sees a message its journal event outlived.
func TestStoreFollowsATrimAFewMessagesASend(t *testing.T) {
	t.Parallel()
	s := New(WithRetention(Retention{Events: 8000}))
	_, err := s.UserSends(DefaultPageID, alice, UserMessageRequest{Text: "hi"})
	require.NoError(t, err)
	held := func() int {
		s.mu.RLock()
		defer s.mu.RUnlock()
		return len(s.pages[DefaultPageID].threadSlots(alice))
	}
	for s.Journal().First() <= 1 {
		sendOK(t, s, textSend)
	}
	before := held()
	sendOK(t, s, textSend) // the first send to follow the trim
	let := before + 1 - held()
	assert.Greater(t, let, 0, "the send following the trim lets messages go")
	assert.LessOrEqual(t, let, followBudget, "one send lets %d messages go", let)

	first := s.Journal().First()
	behind := func() (n int) {
		s.mu.RLock()
		defer s.mu.RUnlock()
		p := s.pages[DefaultPageID]
		for _, slot := range p.threadSlots(alice) {
			if seq := p.store.recs[slot].seq; seq != 0 && seq < first {
				n++
			}
		}
		return n
	}
	require.Greater(t, behind(), 0, "a batch larger than a send's budget is left for the next sends")
	for range 20 {
		sendOK(t, s, textSend)
	}
	assert.LessOrEqual(t, behind(), 1, "the next sends catch up (the bot's newest message stays)")

	// A reader catches up at once.
	for s.Journal().First() == first {
		sendOK(t, s, textSend)
	}
	first = s.Journal().First()
	th, err := s.Thread(DefaultPageID, alice)
	require.NoError(t, err)
	for _, m := range th {
		require.GreaterOrEqual(t, m.Seq, first, "message %s kept past its journal event", m.MID)
	}
}
