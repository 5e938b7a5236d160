package webui_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/messemu/messemu/fakegraph"
)

func TestControlsCreateAUserAddAndRemoveAFaultShowTypingAndSeen(t *testing.T) {
	e := startEmulator(t, false)
	b := openBrowser(t, e)
	b.open("/")

	// A new test user, chosen at once.
	b.click("#new-user")
	b.do("the new user's name", chromedp.SendKeys(chromedp.CSS("#user-form input[name=name]"), "Dana Lee"),
		chromedp.SendKeys(chromedp.CSS("#user-form input[name=locale]"), "fr_FR\r"))
	b.waitFor("Dana in the list and the chat", `document.querySelectorAll('#user-list .user').length === 4 && document.getElementById('chat-name').textContent === 'Dana Lee'`, 5*time.Second)
	users, err := e.srv.Users(fakegraph.DefaultPageID)
	require.NoError(t, err)
	var dana fakegraph.User
	for _, u := range users {
		if u.Name == "Dana Lee" {
			dana = u
		}
	}
	require.Equal(t, "fr_FR", dana.Locale, "the emulator holds the user the page created")

	// Typing and the Page's "seen".
	b.say("bonjour")
	b.waitFor("Dana's message", `document.querySelector('#messages .from-user .bubble')?.textContent === 'bonjour'`, 5*time.Second)
	for _, action := range []string{"mark_seen", "typing_on"} {
		status, body := e.graph(t, http.MethodPost, "me/messages", map[string]any{"recipient": map[string]any{"id": dana.PSID}, "sender_action": action})
		require.Equal(t, http.StatusOK, status, "%s: %v", action, body)
	}
	b.waitFor("typing dots and seen", `document.querySelector('#footer .typing') !== null && document.querySelector('#footer .page-seen') !== null`, 5*time.Second)
	status, _ := e.send(t, dana.PSID, map[string]any{"text": "Salut"}, nil)
	require.Equal(t, http.StatusOK, status)
	b.waitFor("the message ends the typing", `document.querySelector('#footer .typing') === null`, 5*time.Second)

	// A fault rule, listed, then removed.
	b.click("#tab-controls")
	b.waitFor("the fault form", `document.querySelector('input[name=error]') !== null`, 5*time.Second)
	b.do("a fault rule", chromedp.SendKeys(chromedp.CSS("input[name=error]"), "unavailable\r"))
	b.waitFor("the rule listed", `[...document.querySelectorAll('.faults li')].some(n => n.textContent.includes('unavailable'))`, 5*time.Second)
	require.Len(t, e.srv.Faults(), 1)
	b.clickText(".faults li button", "✕")
	b.waitFor("no rule", `document.querySelector('.faults') === null`, 5*time.Second)
	assert.Empty(t, e.srv.Faults())
	assert.Empty(t, b.consoleErrors())
}
