package fakegraph

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestWebhookAlertAtExactly15Minutes pins PLATFORM.md §10's "after 15 min
// of failure: an alert" with rows on both sides: none at 14 min 59 s,
// one at 15 min 0 s of virtual time.
func TestWebhookAlertAtExactly15Minutes(t *testing.T) {
	t.Parallel()
	bot := newHookBot(t)
	bot.setAnswer(func([]byte) (int, bool) { return http.StatusServiceUnavailable, false })
	s := hookServer(t, bot, WebhookConfig{})
	start := s.Journal().Last()
	failingSince := s.Clock().Now()
	_, err := s.UserSends(DefaultPageID, alice, UserMessageRequest{Text: "hello?"})
	require.NoError(t, err)
	attempt := func(n int) Event {
		t.Helper()
		return waitJournal(t, s, start, func(e *Event) bool {
			return e.Kind == KindWebhook && e.API == FieldMessages && attemptOf(t, *e).Attempt == n
		})
	}
	first := attempt(1)
	require.Equal(t, failingSince, first.Time, "the failure starts at the first attempt")
	attempt(4) // 1 + 3 at once

	s.Advance(14*time.Minute + 59*time.Second)
	// The retry due at 1 min is pushed by the same pass of the retry loop
	// that checks the alert deadline: once its attempt is journalled, an
	// alert due at 14:59 would be too.
	attempt(5)
	alerts := s.Journal().Find(start, func(e *Event) bool { return e.Kind == KindAlert && e.API == "webhook_failing" })
	assert.Empty(t, alerts, "an alert at 14 min 59 s of failure (PLATFORM.md §10: after 15 min)")

	s.Advance(time.Second)
	alert := waitJournal(t, s, start, func(e *Event) bool { return e.Kind == KindAlert && e.API == "webhook_failing" })
	assert.Equal(t, time.Date(2026, 6, 1, 12, 15, 0, 0, time.UTC), alert.Time.UTC(), "the alert comes at 15 min 0 s")
	assert.Equal(t, 15*time.Minute, alert.Time.Sub(failingSince))
}
