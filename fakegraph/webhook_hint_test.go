package fakegraph

import (
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestRefusedWebhookLogHint: a bot that answers a webhook 401 or 403 most
// often checks the signature with another secret; the log line says so.
func TestRefusedWebhookLogHint(t *testing.T) {
	t.Parallel()
	for _, status := range []int{http.StatusForbidden, http.StatusInternalServerError} {
		bot := newHookBot(t)
		bot.setAnswer(func([]byte) (int, bool) { return status, false })
		var log lockedBuffer
		s := hookServer(t, bot, WebhookConfig{}, WithLogger(slog.New(slog.NewTextHandler(&log, nil))))
		if _, err := s.UserSends(DefaultPageID, alice, UserMessageRequest{Text: "hi"}); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(10 * time.Second)
		for !strings.Contains(log.String(), "webhook attempt failed") && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		line := log.String()
		hinted := strings.Contains(line, "hint=") && strings.Contains(line, "X-Hub-Signature-256")
		if !strings.Contains(line, "webhook attempt failed") || hinted != (status == http.StatusForbidden) {
			t.Errorf("HTTP %d: log %q, want a failed attempt with a signature hint only for 403", status, line)
		}
	}
}
