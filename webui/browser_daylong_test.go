package webui_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/messemu/messemu/fakegraph"
)

// What a bot developer who leaves the page open all day runs into: each
// test here failed before its fix.

// TestBotsReplyToQuotesTheUsersMessage: the Send API's reply_to sits
// beside "message", not inside it; the page quotes the message replied to.
func TestBotsReplyToQuotesTheUsersMessage(t *testing.T) {
	e := startEmulator(t, false)
	sent, err := e.srv.UserSends(fakegraph.DefaultPageID, alice, fakegraph.UserMessageRequest{Text: "where is my order?"})
	require.NoError(t, err)
	b := openBrowser(t, e)
	b.open("/")
	status, body := e.send(t, alice, map[string]any{"text": "On its way"}, map[string]any{"reply_to": map[string]any{"mid": sent.MID}})
	require.Equal(t, http.StatusOK, status, "%v", body)
	b.waitFor("the bot's reply quoting the user's message",
		`document.querySelector('#messages .row.from-page:last-of-type .quoted-text')?.textContent === 'where is my order?'`, 5*time.Second)
	assert.Empty(t, b.consoleErrors())
}

// TestBotsOwnHandoverIsANoticeInTheThread: the bot passing the thread to
// the Page Inbox and taking it back is told to no app's webhook of the
// bot's, so no handover event follows; the thread says so all the same,
// and the user's messages meanwhile go to the bot as standby.
func TestBotsOwnHandoverIsANoticeInTheThread(t *testing.T) {
	e, b := openAfterHello(t)
	bot := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(r.URL.Query().Get("hub.challenge"))) // the handshake; events get 200
	}))
	t.Cleanup(bot.Close)
	require.NoError(t, e.srv.SetWebhook(fakegraph.WebhookConfig{URL: bot.URL}))
	status, body := e.graph(t, http.MethodPost, "me/pass_thread_control", map[string]any{"recipient": map[string]any{"id": alice}, "target_app_id": fakegraph.PageInboxAppID, "metadata": "to a human"})
	require.Equal(t, http.StatusOK, status, "%v", body)
	b.waitFor("the pass in the thread", `[...document.querySelectorAll('#messages .notice')].some(n => n.textContent.startsWith('The bot passed the thread to the Page Inbox'))`, 5*time.Second)

	b.say("is anyone there?")
	b.waitFor("the standby delivery named in the inspector", `[...document.querySelectorAll('#events li.ev[data-kind=webhook] .what')].some(n => n.textContent.startsWith('→ bot messages (standby)'))`, 5*time.Second)

	status, body = e.graph(t, http.MethodPost, "me/take_thread_control", map[string]any{"recipient": map[string]any{"id": alice}})
	require.Equal(t, http.StatusOK, status, "%v", body)
	b.waitFor("the take in the thread", `[...document.querySelectorAll('#messages .notice')].some(n => n.textContent.startsWith('The bot took the thread'))`, 5*time.Second)
	assert.Equal(t, 2, eval[int](b, `document.querySelectorAll('#messages .notice').length`), "one notice for each call, no more")
	assert.Empty(t, b.consoleErrors())
}

// TestRefusedSendNamesItsJSONPathInTheThread: beside the platform's error,
// the refused message says where in the request the fault is.
func TestRefusedSendNamesItsJSONPathInTheThread(t *testing.T) {
	e, b := openAfterHello(t)
	qrs := []any{map[string]any{"content_type": "text", "title": "No payload"}}
	status, body := e.send(t, alice, map[string]any{"text": "pick", "quick_replies": qrs}, nil)
	require.Equal(t, http.StatusBadRequest, status, "%v", body)
	b.waitFor("the path under the refused message", `document.querySelector('#messages .row.refused .err-path code')?.textContent === 'message.quick_replies[0].payload'`, 5*time.Second)
	assert.Empty(t, b.consoleErrors())
}

// TestShowEarlierKeepsTheReaderInPlace: "Show earlier messages" and "show
// N earlier events" draw older rows above the one being read, which stays
// where it was (it used to jump to the oldest row drawn).
func TestShowEarlierKeepsTheReaderInPlace(t *testing.T) {
	e := startEmulator(t, false)
	fillThread(t, e, 400)
	b := openBrowser(t, e)
	b.open("/")
	b.waitFor("the newest 100 rows", `document.querySelectorAll('#messages .row').length === 100 && document.querySelector('#messages .earlier button') !== null`, 10*time.Second)
	b.scrollTo("messages", 0) // its scroll event: the view no longer follows the newest
	seq := eval[string](b, `document.querySelector('#messages > .row').dataset.seq`)
	b.click("#messages .earlier button")
	b.waitFor("more rows", `document.querySelectorAll('#messages .row').length > 100`, 10*time.Second)
	b.settle() // the draw that drew them put the row back; nothing after it moves it
	offset := eval[float64](b, fmt.Sprintf(`(() => { const m = document.getElementById('messages');
		return m.querySelector(':scope > [data-seq="%s"]').getBoundingClientRect().top - m.getBoundingClientRect().top; })()`, seq))
	assert.InDelta(t, 60, offset, 60, "the row read before stays near the top of the view (the button above it), not %.0f px below", offset)

	b.waitFor("the inspector's way to earlier events", `document.querySelector('#events li.more button') !== null`, 5*time.Second)
	b.scrollTo("events", 0)
	seq = eval[string](b, `document.querySelector('#events > li.ev').dataset.seq`)
	b.click("#events li.more button")
	b.waitFor("more events", `document.querySelectorAll('#events li.ev').length > 200`, 10*time.Second)
	b.settle()
	offset = eval[float64](b, fmt.Sprintf(`(() => { const l = document.getElementById('events');
		return l.querySelector(':scope > li.ev[data-seq="%s"]').getBoundingClientRect().top - l.getBoundingClientRect().top; })()`, seq))
	assert.InDelta(t, 30, offset, 30, "the event read before stays at the top of the list, not %.0f px below", offset)
	assert.Empty(t, b.consoleErrors())
}

// TestResetLeavesNoTimeOnEmptyThreads: after a reset from the control API
// a thread with no message shows no time and does not sort first.
func TestResetLeavesNoTimeOnEmptyThreads(t *testing.T) {
	e, b := openAfterHello(t)
	b.waitFor("alice's time", fmt.Sprintf(`document.querySelector('#user-list .user[data-psid="%s"] time') !== null`, alice), 5*time.Second)
	resp, err := http.Post(e.url+"/_messemu/v1/reset", "application/json", nil)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	b.waitFor("the thread emptied", `document.querySelectorAll('#messages .row').length === 0`, 5*time.Second)
	b.waitFor("no time on any empty thread", `document.querySelectorAll('#user-list .user time').length === 0`, 5*time.Second)
	assert.Empty(t, b.consoleErrors())
}

// TestInspectorRowsSayWhatHappened: a clock advanced says by how much, and
// a user's attachment says what it is, in the row itself.
func TestInspectorRowsSayWhatHappened(t *testing.T) {
	e, b := openAfterHello(t)
	resp, err := http.Post(e.url+"/_messemu/v1/clock/advance", "application/json", strings.NewReader(`{"duration":"25h"}`))
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	b.waitFor("the clock's row with its jump", `[...document.querySelectorAll('#events li.ev[data-kind=control] .what')].some(n => n.textContent === 'clock +25h0m0s')`, 5*time.Second)

	_, err = e.srv.UserSends(fakegraph.DefaultPageID, alice, fakegraph.UserMessageRequest{Attachments: []fakegraph.UserAttachment{{Type: "image", URL: "https://example.com/cat.png"}}})
	require.NoError(t, err)
	b.waitFor("the attachment's row naming it", `[...document.querySelectorAll('#events li.ev[data-kind=user_action] .what')].some(n => n.textContent === 'Alice Martin · message “[image]”')`, 5*time.Second)
	assert.Empty(t, b.consoleErrors())
}

// TestKeyboardFocusSurvivesOtherActivity: a quick reply or a user of the
// list focused with the keyboard stays focused while events of another
// conversation arrive (every event used to draw the footer and the list
// anew, and focus fell back to the page).
func TestKeyboardFocusSurvivesOtherActivity(t *testing.T) {
	const bob = "6283749102837465"
	e, b := openAfterHello(t)
	qrs := []any{map[string]any{"content_type": "text", "title": "Yes", "payload": "Y"}, map[string]any{"content_type": "text", "title": "No", "payload": "N"}}
	status, _ := e.send(t, alice, map[string]any{"text": "Shall we?", "quick_replies": qrs}, nil)
	require.Equal(t, http.StatusOK, status)
	b.waitFor("the chips", `document.querySelectorAll('#footer .chip').length === 2`, 5*time.Second)
	require.True(t, eval[bool](b, `(document.querySelectorAll('#footer .chip')[1].focus(), true)`))

	_, err := e.srv.UserSends(fakegraph.DefaultPageID, bob, fakegraph.UserMessageRequest{Text: "bob writes"})
	require.NoError(t, err)
	// Bob is in the list once his user is loaded: the draw after that load
	// drew the list and the footer again (or left them as they were).
	b.waitFor("bob's message in the list", `[...document.querySelectorAll('#user-list .user-last')].some(n => n.textContent.endsWith('bob writes'))`, 5*time.Second)
	b.settle()
	assert.Equal(t, "No", eval[string](b, `document.activeElement.closest('#footer') ? document.activeElement.textContent : document.activeElement.tagName`), "the focused quick reply keeps focus")

	require.True(t, eval[bool](b, fmt.Sprintf(`(document.querySelector('#user-list .user[data-psid="%s"]').focus(), true)`, alice)))
	_, err = e.srv.UserSends(fakegraph.DefaultPageID, bob, fakegraph.UserMessageRequest{Text: "bob again"})
	require.NoError(t, err)
	b.waitFor("bob's second message in the list", `[...document.querySelectorAll('#user-list .user-last')].some(n => n.textContent.endsWith('bob again'))`, 5*time.Second)
	b.settle()
	assert.Equal(t, alice, eval[string](b, `document.activeElement.dataset.psid || document.activeElement.tagName`), "the focused user keeps focus")
	assert.Empty(t, b.consoleErrors())
}

// TestNarrowPaneButtonsSayWhichIsShown: below 900 px one pane shows; its
// button is pressed, to the eye and to a screen reader.
func TestNarrowPaneButtonsSayWhichIsShown(t *testing.T) {
	_, b := openAfterHello(t)
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	require.NoError(t, chromedp.Do(ctx, chromedp.EmulateViewport(420, 800)))
	pressed := `[...document.querySelectorAll('.panes-nav button')].filter(b => b.getAttribute('aria-pressed') === 'true').map(b => b.textContent).join()`
	assert.Equal(t, "Chat", eval[string](b, pressed))
	b.clickText(".panes-nav button", "Inspector")
	assert.Equal(t, "Inspector", eval[string](b, pressed))
	assert.Greater(t, eval[float64](b, contrastOf+"(`.panes-nav button[aria-pressed=\"true\"]`)"), 4.5, "the pressed button's text on its colour")
	b.clickText(".panes-nav button", "Users")
	b.click(`#user-list .user`)
	assert.Equal(t, "Chat", eval[string](b, pressed), "choosing a user shows the chat")
	assert.Empty(t, b.consoleErrors())
}

// TestLogInAndLogOutButtonsWork: a button template's Log In opens the
// bot's login page with the platform's account_linking_token, and Log Out
// unlinks the user, as Messenger's buttons do (they were drawn inert).
func TestLogInAndLogOutButtonsWork(t *testing.T) {
	e, b := openAfterHello(t)
	status, body := e.send(t, alice, map[string]any{"attachment": map[string]any{"type": "template", "payload": map[string]any{
		"template_type": "button", "text": "Your account",
		"buttons": []any{map[string]any{"type": "account_link", "url": "https://example.com/login"}, map[string]any{"type": "account_unlink"}},
	}}}, nil)
	require.Equal(t, http.StatusOK, status, "%v", body)
	b.waitFor("the buttons", `document.querySelectorAll('#messages .button-template .btn-card:not(:disabled)').length === 2`, 5*time.Second)
	require.True(t, eval[bool](b, `(() => { window.opened = []; window.open = u => { window.opened.push(u); return null; }; return true; })()`))
	b.clickText("#messages .button-template .btn-card", "Log In")
	b.waitFor("the login page opened", `window.opened.length === 1`, 5*time.Second)
	opened := eval[string](b, `window.opened[0]`)
	assert.True(t, strings.HasPrefix(opened, "https://example.com/login?") && strings.Contains(opened, "account_linking_token=") && strings.Contains(opened, "redirect_uri="), "opened %s", opened)
	b.waitFor("the tap in the thread", `[...document.querySelectorAll('#messages .notice')].some(n => n.textContent.startsWith('Tapped Log In: example.com opened'))`, 5*time.Second)

	b.clickText("#messages .button-template .btn-card", "Log Out")
	b.waitFor("the unlink in the thread", `[...document.querySelectorAll('#messages .notice')].some(n => n.textContent.startsWith('Account unlinked'))`, 5*time.Second)
	assert.Empty(t, b.consoleErrors())
}

// TestResetAwayFromAGoneUserFiltersTheNewOne: the user shown is gone after
// a reset; the page shows the first user, and the inspector's "this user"
// filter follows it (it kept listing the gone user's events).
func TestResetAwayFromAGoneUserFiltersTheNewOne(t *testing.T) {
	e, b := openAfterHello(t)
	dana, err := e.srv.AddUser(fakegraph.User{PageID: fakegraph.DefaultPageID, Name: "Dana Extra"})
	require.NoError(t, err)
	_, err = e.srv.UserSends(fakegraph.DefaultPageID, dana.PSID, fakegraph.UserMessageRequest{Text: "hello from dana"})
	require.NoError(t, err)
	b.click(fmt.Sprintf(`#user-list .user[data-psid="%s"]`, dana.PSID))
	require.True(t, eval[bool](b, `(() => { const f = document.getElementById('f-user'); f.value = '@current'; f.dispatchEvent(new Event('change')); return true; })()`))
	b.waitFor("dana's events listed", `document.querySelectorAll('#events li.ev').length > 0`, 5*time.Second)

	resp, err := http.Post(e.url+"/_messemu/v1/reset", "application/json", nil)
	require.NoError(t, err)
	resp.Body.Close()
	b.waitFor("the first user shown", fmt.Sprintf(`window.messemu.psid === %q && document.getElementById('chat-name').textContent === 'Alice Martin'`, alice), 5*time.Second)
	b.waitFor("only the shown user's events listed", `[...document.querySelectorAll('#events li.ev')].every(li => window.messemu.model.bySeq(+li.dataset.seq)?.psid === window.messemu.psid)`, 5*time.Second)
	assert.Empty(t, b.consoleErrors())
}

// TestPersonaTypesWithItsFace: typing_on with a persona_id shows the
// persona typing, as Messenger does, not the Page.
func TestPersonaTypesWithItsFace(t *testing.T) {
	e, b := openAfterHello(t)
	status, body := e.graph(t, http.MethodPost, "me/personas", map[string]any{"name": "Agent Jo", "profile_picture_url": "https://example.com/jo.png"})
	require.Equal(t, http.StatusOK, status, "%v", body)
	status, body = e.graph(t, http.MethodPost, "me/messages", map[string]any{"recipient": map[string]any{"id": alice}, "sender_action": "typing_on", "persona_id": body["id"]})
	require.Equal(t, http.StatusOK, status, "%v", body)
	b.waitFor("the persona typing", `document.querySelector('#footer .bubble.typing')?.getAttribute('aria-label') === 'Agent Jo is typing'`, 5*time.Second)
	assert.True(t, eval[bool](b, `(() => { const a = document.querySelector('#footer .typing-row > :first-child');
		return a.classList.contains('persona-pic') || a.textContent === 'AJ'; })()`), "the persona's picture or initials, not the Page's")
	assert.Empty(t, b.consoleErrors())
}

// TestRefusedMessageLeadsToItsRequest: the "Not sent" badge of a refused
// message opens its request in the inspector, whatever the filters and
// however many events came after it.
func TestRefusedMessageLeadsToItsRequest(t *testing.T) {
	e, b := openAfterHello(t)
	status, _ := e.send(t, alice, map[string]any{"text": ""}, nil) // refused: empty text
	require.Equal(t, http.StatusBadRequest, status)
	refused := e.srv.Journal().Last()
	for i := range 120 { // 360 events after it: past the 200 rows the inspector draws
		status, _ := e.send(t, alice, map[string]any{"text": fmt.Sprintf("later %d", i)}, nil)
		require.Equal(t, http.StatusOK, status)
	}
	b.waitFor("the page at the journal's end", fmt.Sprintf(`window.messemu.model.lastSeq === %d`, e.srv.Journal().Last()), 10*time.Second)
	require.True(t, eval[bool](b, `(() => { const f = document.getElementById('f-kind'); f.value = 'webhook'; f.dispatchEvent(new Event('change')); return true; })()`))
	require.True(t, eval[bool](b, `(() => { document.getElementById('messages').scrollTop = 0; return true; })()`))
	b.click(`#messages .row.refused button.badge`)
	b.waitFor("the request opened in the inspector", fmt.Sprintf(`document.querySelector('#events li.ev[data-seq="%d"] details')?.open === true`, refused), 5*time.Second)
	b.waitFor("its answer drawn", fmt.Sprintf(`document.querySelector('#events li.ev[data-seq="%d"] .ev-body')?.textContent.includes('"code": 100') === true`, refused), 5*time.Second)
	assert.True(t, eval[bool](b, fmt.Sprintf(`(() => { const l = document.getElementById('events'), r = l.querySelector('li.ev[data-seq="%d"]').getBoundingClientRect(), v = l.getBoundingClientRect();
		return r.top >= v.top - 1 && r.top < v.bottom; })()`, refused)), "the row in view")

	// A warned message's badge leads to its request too.
	status, _ = e.send(t, alice, map[string]any{"text": "pick", "quick_replies": []any{map[string]any{"content_type": "text", "title": "A very long quick reply title", "payload": "L"}}}, nil)
	require.Equal(t, http.StatusOK, status)
	warned := lastSend(t, e)
	b.click(`#messages .row.warned button.badge.warn`)
	b.waitFor("the warned request opened", fmt.Sprintf(`document.querySelector('#events li.ev[data-seq="%d"] details')?.open === true`, warned), 5*time.Second)
	assert.Empty(t, b.consoleErrors())
}

// TestUndeliveredMessageSaysSoInTheThread: while the bot's webhook fails,
// the user's message says the bot has not had it; once a retry gets
// through, it says nothing more.
func TestUndeliveredMessageSaysSoInTheThread(t *testing.T) {
	e, b := openAfterHello(t)
	var down atomic.Bool
	down.Store(true)
	bot := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			_, _ = w.Write([]byte(r.URL.Query().Get("hub.challenge")))
			return
		}
		if down.Load() {
			http.Error(w, "bot down", http.StatusInternalServerError)
		}
	}))
	t.Cleanup(bot.Close)
	require.NoError(t, e.srv.SetWebhook(fakegraph.WebhookConfig{URL: bot.URL}))

	b.say("anyone home?")
	b.waitFor("the failed delivery under the message", `document.querySelector('#messages .row.from-user:last-of-type button.badge')?.textContent.startsWith('Not at the bot yet: attempt ')`, 5*time.Second)

	down.Store(false)
	resp, err := http.Post(e.url+"/_messemu/v1/clock/advance", "application/json", strings.NewReader(`{"duration":"1m"}`))
	require.NoError(t, err)
	resp.Body.Close()
	b.waitFor("nothing once delivered", `[...document.querySelectorAll('#messages .row.from-user')].some(r => r.textContent.includes('anyone home?')) && document.querySelector('#messages .row.from-user button.badge') === null`, 10*time.Second)
	assert.Empty(t, b.consoleErrors())
}

// TestBadgeOfAnEventThePageLetGoOf: the page keeps the newest 10,000
// events, a thread more of its messages. The badge of a refused message
// whose request the page let go of shows the journal's copy of it above
// the inspector, or the journal's word that its retention dropped it too,
// the filters as they were (they were cleared, and nothing was shown).
func TestBadgeOfAnEventThePageLetGoOf(t *testing.T) {
	for _, c := range []struct {
		name string
		opts []fakegraph.Option
		want string
	}{
		{"the journal has it", nil, `"code": 100`},
		{"the journal dropped it", []fakegraph.Option{fakegraph.WithJournalLimit(4000)}, "trimmed under the journal's retention"},
	} {
		t.Run(c.name, func(t *testing.T) {
			const bob = "6283749102837465"
			e := startEmulator(t, false, c.opts...)
			_, err := e.srv.UserSends(fakegraph.DefaultPageID, alice, fakegraph.UserMessageRequest{Text: "hello"})
			require.NoError(t, err)
			b := openBrowser(t, e)
			b.open("/")
			status, _ := e.send(t, alice, map[string]any{"text": ""}, nil) // refused: empty text
			require.Equal(t, http.StatusBadRequest, status)
			refused := e.srv.Journal().Last()
			// Past the page's 10,000 and their 10 % slack, a thousand at a
			// time: the page reads each before the journal could drop it.
			for i := range 12_000 {
				_, err := e.srv.UserSends(fakegraph.DefaultPageID, bob, fakegraph.UserMessageRequest{Text: fmt.Sprintf("bob %d", i)})
				require.NoError(t, err)
				if i%1000 == 999 {
					b.waitFor("the page at the journal's end", fmt.Sprintf(`window.messemu.model.lastSeq === %d`, e.srv.Journal().Last()), 10*time.Second)
				}
			}
			require.Nil(t, eval[any](b, fmt.Sprintf(`window.messemu.model.bySeq(%d)`, refused)), "the page let go of the request")
			b.click(fmt.Sprintf(`#user-list .user[data-psid="%s"]`, alice))
			require.True(t, eval[bool](b, `(() => { const f = document.getElementById('f-kind'); f.value = 'webhook'; f.dispatchEvent(new Event('change')); return true; })()`))

			b.click(`#messages .row.refused button.badge`)
			b.waitFor("the journal's answer above the list", fmt.Sprintf(`document.querySelector('#events > li.gone[data-seq="%d"] .ev-body')?.textContent.includes(%q) === true`, refused, c.want), 5*time.Second)
			assert.Equal(t, "webhook", eval[string](b, `document.getElementById('f-kind').value`), "the filter the reader set stays")
			assert.Equal(t, fmt.Sprint(refused), eval[string](b, `document.activeElement.dataset.seq`), "focus on what the badge opened")
			// The browser logs the journal's 410 for a dropped event; the
			// page itself logs nothing.
			gone := fmt.Sprintf("410 (Gone) (%s/_messemu/v1/journal/%d:", e.url, refused)
			for _, msg := range b.consoleErrors() {
				assert.Contains(t, msg, gone, "no console error but the journal's answer")
			}
		})
	}
}

// TestNewUserLeavesTheInspectorAsItWas: a user the page did not know
// (added, then writing) comes while an event is open in the inspector,
// scrolled up to: the row stays open and in place, and the new user's
// rows name them (the list was drawn anew for the names, closing the row
// and jumping to the end).
func TestNewUserLeavesTheInspectorAsItWas(t *testing.T) {
	e := startEmulator(t, false)
	fillThread(t, e, 40)
	b := openBrowser(t, e)
	b.open("/")
	b.waitFor("the inspector at its newest event", newestInView("events", "li.ev"), 5*time.Second)
	b.scrollTo("events", 200)
	seq := eval[string](b, `(() => { const l = document.getElementById('events'), top = l.getBoundingClientRect().top;
		const li = [...l.querySelectorAll(':scope > li.ev')].find(li => li.getBoundingClientRect().top >= top);
		li.querySelector('summary').click(); return li.dataset.seq; })()`)
	b.waitFor("the row opened", fmt.Sprintf(`document.querySelector('#events li.ev[data-seq="%s"] .ev-body') !== null`, seq), 5*time.Second)
	scrolled := eval[float64](b, `document.getElementById('events').scrollTop`)

	dana, err := e.srv.AddUser(fakegraph.User{PageID: fakegraph.DefaultPageID, Name: "Dana Extra"})
	require.NoError(t, err)
	_, err = e.srv.UserSends(fakegraph.DefaultPageID, dana.PSID, fakegraph.UserMessageRequest{Text: "hello from dana"})
	require.NoError(t, err)
	b.waitFor("dana's row naming her", `[...document.querySelectorAll('#events li.ev[data-kind=user_action] .what')].some(n => n.textContent.startsWith('Dana Extra · '))`, 5*time.Second)
	b.settle()
	assert.True(t, eval[bool](b, fmt.Sprintf(`document.querySelector('#events li.ev[data-seq="%s"] details').open`, seq)), "the row read stays open")
	assert.Equal(t, scrolled, eval[float64](b, `document.getElementById('events').scrollTop`), "the list stays where the reader scrolled")
	assert.Empty(t, b.consoleErrors())
}
