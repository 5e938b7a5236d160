package webui_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
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

// control posts body to the emulator's control API, as a test script
// driving the emulator beside the page would.
func (e *emulator) control(t *testing.T, path, body string) {
	t.Helper()
	resp, err := http.Post(e.url+"/_messemu/v1/"+path, "application/json", strings.NewReader(body))
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode, "POST %s %s", path, body)
}

// TestControlsCatchUpWhenFocusLeavesThePanel: while the user is in a field
// of the Controls panel, news from elsewhere (a clock advance, a fault
// rule, made through the control API) leaves the field and its text
// alone; moving to another field of the panel keeps them waiting; once
// focus leaves the panel, the panel shows them, without taking focus.
func TestControlsCatchUpWhenFocusLeavesThePanel(t *testing.T) {
	// A clock that stands still: the panel's clock reads one known time.
	e := startEmulator(t, false, fakegraph.WithClock(fakegraph.NewFrozenClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))))
	b := openBrowser(t, e)
	b.open("/")
	b.click("#tab-controls")
	const before, after = "2026-03-02 09:00:00 UTC", "2026-03-03 10:00:00 UTC"
	clockShown := `document.querySelector('#controls .clock-now')?.textContent`
	b.waitFor("the panel with the clock", clockShown+` === '`+before+`' && document.querySelector('#controls input[name=error]') !== null`, 10*time.Second)
	b.settle() // the tab's second draw, after its load, is done

	// In field A, typing; the clock advances: the page learns it, the
	// panel waits.
	b.do("typing in the error field", chromedp.SendKeys(chromedp.CSS("#controls input[name=error]"), "unav"))
	e.control(t, "clock/advance", `{"duration":"25h"}`)
	nowLoaded := fmt.Sprintf(`new Date(window.messemu.controls.now).toISOString().replace('T', ' ').slice(0, 19) + ' UTC' === %q`, after)
	b.waitFor("the page to load the advanced clock", nowLoaded, 10*time.Second)
	inField := func(name string) string {
		return fmt.Sprintf(`document.activeElement === document.querySelector('#controls input[name=%s]')`, name)
	}
	require.True(t, eval[bool](b, inField("error")), "focus stays in the error field")
	assert.Equal(t, "unav", eval[string](b, `document.querySelector('#controls input[name=error]').value`), "the text being typed stays")
	assert.Equal(t, before, eval[string](b, clockShown), "no redraw under the user's hands")

	// Tab to field B, inside the panel; a fault rule comes: still waiting.
	b.do("tab to the latency field", chromedp.KeyEvent(kb.Tab))
	b.waitFor("focus in the latency field", inField("latency"), 10*time.Second)
	b.do("typing in the latency field", chromedp.KeyEvent("2s"))
	e.control(t, "faults", `{"api":"send","error":"unavailable"}`)
	b.waitFor("the page to load the fault rule", `window.messemu.controls.faults.length === 1`, 10*time.Second)
	b.settle()
	require.True(t, eval[bool](b, inField("latency")), "focus stays in the latency field")
	assert.Equal(t, "2s", eval[string](b, `document.querySelector('#controls input[name=latency]').value`), "the text being typed stays")
	assert.Equal(t, "unav", eval[string](b, `document.querySelector('#controls input[name=error]').value`), "field A's text stays too")
	assert.Equal(t, before, eval[string](b, clockShown), "no redraw under the user's hands")

	// Focus leaves the panel: it shows the clock and the rule, and does
	// not take focus back.
	b.do("focus out of the panel", chromedp.Blur(chromedp.CSS("#controls input[name=latency]")))
	b.waitFor("the panel caught up", fmt.Sprintf(`document.querySelector('#controls .clock-now').textContent === %q &&
		[...document.querySelectorAll('#controls .faults li')].some(n => n.textContent.includes('unavailable'))`, after), 10*time.Second)
	b.settle()
	assert.False(t, eval[bool](b, `document.getElementById('controls').contains(document.activeElement)`), "the redraw took no focus")
	assert.Empty(t, b.consoleErrors())
}

func TestReceiptsSwitchWorksForTheDemoBot(t *testing.T) {
	e := startEmulator(t, true)
	b := openBrowser(t, e)
	b.open("/")
	receiptRows := `document.querySelectorAll('#events li.ev[data-kind=receipt]').length`
	b.say("hi")
	b.waitFor("the demo bot's reply and its receipts", `document.querySelectorAll('#messages .row.from-page').length > 0 && `+receiptRows+` >= 2`, 10*time.Second)
	waitIdle(t, e)
	b.drawnUpTo(e)

	// Off: the demo bot's next reply comes without echo or delivery.
	b.click("#tab-controls")
	b.waitFor("the switch, on", `document.getElementById('receipts')?.checked === true && !document.getElementById('receipts').disabled`, 5*time.Second)
	b.click("#receipts")
	require.Eventually(t, func() bool { return !e.srv.Webhook().Receipts }, 5*time.Second, 20*time.Millisecond, "the emulator's receipts switched off")
	b.waitFor("the switch, off after the control event", `document.getElementById('receipts')?.checked === false`, 5*time.Second)
	off := e.srv.Journal().Last()
	before := eval[int](b, receiptRows)
	b.click("#tab-inspector")
	b.say("more")
	b.waitFor("the reply to the second message", `document.querySelectorAll('#messages .row.from-page').length > 1`, 10*time.Second)
	waitIdle(t, e)
	b.drawnUpTo(e)
	sends := e.srv.Journal().Find(off, func(ev *fakegraph.Event) bool { return ev.Kind == fakegraph.KindRequest && ev.API == "send" })
	require.NotEmpty(t, sends, "the demo bot answered")
	assert.Empty(t, e.srv.Journal().Find(off, func(ev *fakegraph.Event) bool { return ev.Kind == fakegraph.KindReceipt }), "no receipt while off")
	assert.Equal(t, before, eval[int](b, receiptRows), "no receipt row while off")

	// On again: receipts follow the next reply, and a receipt row, slim on
	// the stream, expands to its webhook item fetched from the journal.
	b.click("#tab-controls")
	b.waitFor("the switch, off", `document.getElementById('receipts')?.checked === false`, 5*time.Second)
	b.click("#receipts")
	require.Eventually(t, func() bool { return e.srv.Webhook().Receipts }, 5*time.Second, 20*time.Millisecond)
	b.click("#tab-inspector")
	b.say("again")
	b.waitFor("receipts again", receiptRows+` > `+fmt.Sprint(before), 10*time.Second)
	lastReceipt := `[...document.querySelectorAll('#events li.ev[data-kind=receipt]')].pop()`
	assert.Empty(t, eval[string](b, lastReceipt+`.querySelector('pre.json')?.textContent || ''`), "a slim row draws no JSON before it is opened")
	b.do("opening the newest receipt", chromedp.Click(`#events li.ev[data-kind=receipt]:nth-last-child(1 of [data-kind=receipt]) summary`))
	b.waitFor("the receipt's webhook item", `[...`+lastReceipt+`.querySelectorAll('pre.json')].some(p => p.textContent.includes('"delivery"') || p.textContent.includes('"is_echo"'))`, 5*time.Second)
	assert.Empty(t, b.consoleErrors())
}

// TestPageWithAControlToken: serve --control-token closes the control API
// and the stream to everyone without the token; the page opened as
// /#token=… uses it (and takes it out of the address bar).
func TestPageWithAControlToken(t *testing.T) {
	e := startEmulator(t, false, fakegraph.WithControlToken("s3cret"))
	_, err := e.srv.UserSends(fakegraph.DefaultPageID, alice, fakegraph.UserMessageRequest{Text: "hello with a token"})
	require.NoError(t, err)
	b := openBrowser(t, e)
	b.open("/#token=s3cret")
	b.waitFor("the users and the conversation", `document.getElementById('user-list').textContent.includes('Alice') && document.getElementById('messages').textContent.includes('hello with a token')`, 10*time.Second)
	assert.Equal(t, "", eval[string](b, `location.hash`), "the token is out of the address bar")
	_, err = e.srv.UserSends(fakegraph.DefaultPageID, alice, fakegraph.UserMessageRequest{Text: "live too"})
	require.NoError(t, err)
	b.waitFor("the stream", `document.getElementById('messages').textContent.includes('live too')`, 10*time.Second)
	assert.Empty(t, b.consoleErrors())
}

// TestTokenAddedToAnOpenPage: a page opened without the token, then given
// /#token=… in its address bar (the hash changes, no reload), takes the
// token as at load and connects at once.
func TestTokenAddedToAnOpenPage(t *testing.T) {
	e := startEmulator(t, false, fakegraph.WithControlToken("s3cret"))
	_, err := e.srv.UserSends(fakegraph.DefaultPageID, alice, fakegraph.UserMessageRequest{Text: "hello with a token"})
	require.NoError(t, err)
	b := openBrowser(t, e)
	// Without the token the page cannot draw (b.open would wait for it);
	// the refused stream and lists log errors, so they are not asserted.
	b.do("loading the page without the token", chromedp.Navigate(b.base+"/"))
	b.waitFor("the refused stream", `document.getElementById('conn').textContent === 'reconnecting…'`, 10*time.Second)
	b.do("marking the page", chromedp.Evaluate[chromedp.Void](`window.notReloaded = true`))
	b.do("giving the token", chromedp.Evaluate[chromedp.Void](`location.hash = '#token=s3cret'`))
	b.waitFor("the users and the conversation", `document.getElementById('user-list').textContent.includes('Alice') && document.getElementById('messages').textContent.includes('hello with a token')`, 10*time.Second)
	assert.True(t, eval[bool](b, `window.notReloaded === true`), "no reload")
	assert.Equal(t, "", eval[string](b, `location.hash`), "the token is out of the address bar")
	assert.Equal(t, "s3cret", eval[string](b, `sessionStorage.getItem('messemu.token')`), "the token is kept for the tab")
	_, err = e.srv.UserSends(fakegraph.DefaultPageID, alice, fakegraph.UserMessageRequest{Text: "live too"})
	require.NoError(t, err)
	b.waitFor("the stream", `document.getElementById('messages').textContent.includes('live too')`, 10*time.Second)
}
