package fakegraph

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// pakedVerifyHandler answers the handshake the way paked/messenger's
// verify handler does: fmt.Fprintln of hub.challenge, so the body ends
// with a newline, and a 200 with a text body for a wrong token.
func pakedVerifyHandler(token string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			return // events: answered 200, not looked at here
		}
		if r.FormValue("hub.verify_token") == token {
			fmt.Fprintln(w, r.FormValue("hub.challenge"))
			return
		}
		fmt.Fprintln(w, "Incorrect verify token.")
	}
}

// TestHandshakeTrailingNewline: paked/messenger's answer (the challenge
// and a newline) verifies, as on the platform, with a journalled warning
// (PLATFORM.md D26); its "Incorrect verify token." answer still fails.
func TestHandshakeTrailingNewline(t *testing.T) {
	t.Parallel()
	bot := httptest.NewServer(pakedVerifyHandler(DefaultVerifyToken))
	t.Cleanup(bot.Close)
	s := hookServer(t, nil, WebhookConfig{})

	require.NoError(t, s.SetWebhook(WebhookConfig{URL: bot.URL + "/webhook"}))
	st := s.Webhook()
	assert.True(t, st.Verified, "status %+v", st)
	assert.Equal(t, "active", st.State)
	ev := waitJournal(t, s, 0, func(e *Event) bool { return e.API == "webhook_verify" })
	assert.Equal(t, KindWebhook, ev.Kind)
	assert.True(t, ev.Accepted)
	var rules []string
	for _, v := range ev.Violations {
		rules = append(rules, v.Rule)
	}
	assert.Contains(t, rules, "webhook.challenge.whitespace", "the trimmed answer is a warning: %+v", ev.Violations)
	assert.Contains(t, string(ev.Detail), `\n"`, "the journal keeps the answer as it came: %s", ev.Detail)

	err := s.SetWebhook(WebhookConfig{URL: bot.URL + "/webhook", VerifyToken: "not-the-bots"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "Incorrect verify token.")
}

// TestHandshakeClearsLastError: once a handshake passes, GET webhook no
// longer shows the failure of the one before.
func TestHandshakeClearsLastError(t *testing.T) {
	t.Parallel()
	bot := newHookBot(t)
	bot.setChallenge(func(string) string { return "12345" })
	s := hookServer(t, nil, WebhookConfig{})
	require.Error(t, s.SetWebhook(WebhookConfig{URL: bot.URL()}))
	require.NotEmpty(t, s.Webhook().LastError)

	bot.setChallenge(nil)
	require.NoError(t, s.VerifyWebhook())
	code, body := control(t, s, "GET", "webhook", "")
	require.Equal(t, http.StatusOK, code, body)
	assert.Contains(t, body, `"state":"active"`)
	assert.False(t, strings.Contains(body, "last_error"), "GET webhook after a passed handshake: %s", body)
}

// A handshake answered with a redirect fails: the platform wants the bot's
// own 200 with the challenge, and a webhook whose handshake passed through
// a redirect would then fail every delivery (Go's ServeMux redirects
// /webhook to /webhook/).
func TestHandshakeRedirectFails(t *testing.T) {
	t.Parallel()
	mux := http.NewServeMux()
	mux.Handle("/webhook/", pakedVerifyHandler(DefaultVerifyToken))
	bot := httptest.NewServer(mux)
	t.Cleanup(bot.Close)
	s := hookServer(t, nil, WebhookConfig{})
	err := s.SetWebhook(WebhookConfig{URL: bot.URL + "/webhook"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "the bot answered HTTP 30")
	assert.False(t, s.Webhook().Verified)
}

// TestFailedReplacementKeepsTheWebhook: PUT webhook saves a callback as
// the platform's dashboard does, only once its handshake passes. A URL
// whose bot does not answer is refused with the reason, and the webhook
// set before keeps receiving the users' events: none is dropped.
func TestFailedReplacementKeepsTheWebhook(t *testing.T) {
	t.Parallel()
	got := make(chan string, 16)
	bot := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			fmt.Fprint(w, r.URL.Query().Get("hub.challenge"))
			return
		}
		b, _ := io.ReadAll(r.Body)
		got <- string(b)
	}))
	t.Cleanup(bot.Close)
	down := httptest.NewServer(http.NotFoundHandler())
	down.Close() // nothing listens there any more
	s := hookServer(t, nil, WebhookConfig{})
	status, body := controlDo(t, s, "PUT", "webhook", `{"url":"`+bot.URL+`/webhook"}`)
	require.Equal(t, 200, status, "%v", body)

	status, body = controlDo(t, s, "PUT", "webhook", `{"url":"`+down.URL+`/webhook"}`)
	require.Equal(t, 400, status)
	assert.Contains(t, fmt.Sprint(body), "left as it was")
	st := s.Webhook()
	assert.Equal(t, bot.URL+"/webhook", st.URL)
	assert.Equal(t, "active", st.State)

	_, err := s.UserSends(DefaultPageID, alice, UserMessageRequest{Text: "still there?"})
	require.NoError(t, err)
	select {
	case b := <-got:
		assert.Contains(t, b, "still there?")
	case <-time.After(5 * time.Second):
		t.Fatal("the webhook set before did not get the user's message")
	}
	assert.Empty(t, s.Journal().Find(0, func(e *Event) bool {
		return e.Kind == KindControl && e.API == ChangeWebhook && strings.Contains(string(e.Detail), down.URL)
	}),
		"the refused URL is not journalled as the webhook")
}

// TestWebhookSetBackToAnInProcessBotByURL: a webhook set back by URL alone
// (the control API, replay putting serve's webhook back) to an in-process
// bot set before, whose host resolves nowhere, reaches that bot again.
func TestWebhookSetBackToAnInProcessBotByURL(t *testing.T) {
	t.Parallel()
	s := New()
	handshakes := map[string]int{}
	var mu sync.Mutex
	bot := func(name string) *http.Client {
		return &http.Client{Transport: NewHandlerTransport(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodGet {
				mu.Lock()
				handshakes[name]++
				mu.Unlock()
				_, _ = io.WriteString(w, r.URL.Query().Get("hub.challenge"))
			}
		}), name, name+".messemu.invalid")}
	}
	if err := s.SetWebhook(WebhookConfig{URL: "http://demo.messemu.invalid/webhook", Client: bot("demo")}); err != nil {
		t.Fatal(err)
	}
	if err := s.ReplaceWebhook(WebhookConfig{URL: "http://other.messemu.invalid/webhook", Client: bot("other")}); err != nil {
		t.Fatal(err)
	}
	if err := s.ReplaceWebhook(WebhookConfig{URL: "http://demo.messemu.invalid/webhook"}); err != nil {
		t.Fatalf("set back by URL: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if handshakes["demo"] != 2 || handshakes["other"] != 1 {
		t.Errorf("handshakes %v, want demo twice and other once", handshakes)
	}
	if st := s.Webhook(); st.URL != "http://demo.messemu.invalid/webhook" || st.State != "active" {
		t.Errorf("webhook %+v", st)
	}
}
