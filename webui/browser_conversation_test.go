package webui_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/messemu/messemu/fakegraph"
	"github.com/messemu/messemu/scenarios"
	"github.com/messemu/messemu/webui"
)

// The browser tests drive Debian's chromium against a real emulator with
// the web UI in front, as `messemu serve` runs them.

const alice = "5275811702471834" // the first default test user

func TestPageLoadsWithoutConsoleErrors(t *testing.T) {
	e := startEmulator(t, true)
	b := openBrowser(t, e)
	b.open("/")
	b.waitFor("the three users", `document.querySelectorAll('#user-list .user').length === 3`, 5*time.Second)
	b.say("hi")
	b.waitFor("the reply", `document.querySelectorAll('#messages .row.from-page').length > 0`, 10*time.Second)
	// Expanding an inspector row draws its JSON.
	b.click("#events li.ev summary")
	b.waitFor("an event's JSON", `document.querySelector('#events pre.json') !== null`, 5*time.Second)
	b.click("#tab-controls")
	b.waitFor("the controls", `document.querySelector('#advance') !== null`, 5*time.Second)
	assert.Empty(t, b.consoleErrors(), "the page wrote errors to the console")
}

func TestDemoBotRepliesWithQuickRepliesAndTapsMoveOn(t *testing.T) {
	e := startEmulator(t, true)
	b := openBrowser(t, e)
	b.open("/")
	b.say("hi")
	b.waitFor("the demo bot's greeting", `[...document.querySelectorAll('#messages .from-page .bubble')].some(n => n.textContent.includes("I'm messemu's demo bot"))`, 10*time.Second)
	b.waitFor("its three quick replies", `[...document.querySelectorAll('#footer .chip')].map(c => c.textContent).join() === 'Carousel,Buttons,Receipt'`, 5*time.Second)

	b.clickText("#footer .chip", "Buttons")
	b.waitFor("the user's tap as a message", `[...document.querySelectorAll('#messages .from-user .bubble')].some(n => n.textContent === 'Buttons')`, 10*time.Second)
	b.waitFor("the button template", `document.querySelector('#messages .button-template') !== null`, 10*time.Second)
	// The chips are those of the newest message only, drawn once.
	b.waitFor("one set of chips, under the template", `document.querySelectorAll('#footer .chips').length === 1 && document.querySelector('#messages .row:last-child .button-template') !== null`, 5*time.Second)
	assert.Empty(t, b.consoleErrors())
}

func TestQuickRepliesVanishOnceTappedOrTheUserWrites(t *testing.T) {
	e, b := openAfterHello(t)
	qrs := []any{map[string]any{"content_type": "text", "title": "Yes", "payload": "Y"}, map[string]any{"content_type": "text", "title": "No", "payload": "N"}}
	status, _ := e.send(t, alice, map[string]any{"text": "Shall we?", "quick_replies": qrs}, nil)
	require.Equal(t, http.StatusOK, status)
	b.waitFor("two chips", `document.querySelectorAll('#footer .chip').length === 2`, 5*time.Second)
	b.clickText("#footer .chip", "Yes")
	b.waitFor("the tap as the user's message", `[...document.querySelectorAll('#messages .from-user .bubble')].some(n => n.textContent === 'Yes')`, 5*time.Second)
	b.waitFor("no chip", `document.querySelectorAll('#footer .chip').length === 0`, 5*time.Second)

	status, _ = e.send(t, alice, map[string]any{"text": "Again?", "quick_replies": qrs}, nil)
	require.Equal(t, http.StatusOK, status)
	b.waitFor("the chips again", `document.querySelectorAll('#footer .chip').length === 2`, 5*time.Second)
	b.say("something else")
	b.waitFor("no chip once the user writes", `document.querySelectorAll('#footer .chip').length === 0`, 5*time.Second)
	assert.Empty(t, b.consoleErrors())
}

func TestCarouselShowsEveryCardAndAPostbackOnTheSecondWorks(t *testing.T) {
	e := startEmulator(t, true)
	b := openBrowser(t, e)
	b.open("/")
	b.say("hi")
	b.waitFor("the quick replies", `document.querySelectorAll('#footer .chip').length === 3`, 10*time.Second)
	b.clickText("#footer .chip", "Carousel")
	b.waitFor("three cards", `document.querySelectorAll('#messages .carousel .card').length === 3`, 10*time.Second)
	titles := eval[string](b, `[...document.querySelectorAll('#messages .carousel .card .card-title')].map(n => n.textContent).join()`)
	assert.Equal(t, "Espresso,Latte,Mocha", titles)
	assert.Equal(t, "1.91 / 1", eval[string](b, `getComputedStyle(document.querySelector('#messages .carousel .card-img')).aspectRatio`), "a horizontal image ratio by default")
	b.clickText(`#messages .carousel .card[data-card="1"] .btn-card`, "Choose latte")
	b.waitFor("the bot's answer to the postback", `[...document.querySelectorAll('#messages .from-page .bubble')].some(n => n.textContent.includes('payload PICK_LATTE'))`, 10*time.Second)
	assert.Empty(t, b.consoleErrors())
}

// Titles repeat: "Buy" on every card of a carousel, "Cancel order" on
// each order's button template. The bot gets the payload of the button
// tapped, not of the newest one with that title.
func TestTappedButtonSendsItsOwnPayloadWhereTitlesRepeat(t *testing.T) {
	e, b := openAfterHello(t)
	card := func(title, payload string) map[string]any {
		return map[string]any{"title": title, "buttons": []any{map[string]any{"type": "postback", "title": "Buy", "payload": payload}}}
	}
	carousel := map[string]any{"attachment": map[string]any{"type": "template", "payload": map[string]any{
		"template_type": "generic", "elements": []any{card("Red mug", "BUY_RED"), card("Blue mug", "BUY_BLUE")}}}}
	status, body := e.send(t, alice, carousel, nil)
	require.Equal(t, http.StatusOK, status, "%v", body)
	order := func(n string) map[string]any {
		return map[string]any{"attachment": map[string]any{"type": "template", "payload": map[string]any{
			"template_type": "button", "text": "Order #" + n, "buttons": []any{map[string]any{"type": "postback", "title": "Cancel order", "payload": "CANCEL_" + n}}}}}
	}
	for _, n := range []string{"1", "2"} {
		status, body = e.send(t, alice, order(n), nil)
		require.Equal(t, http.StatusOK, status, "%v", body)
	}
	b.waitFor("two cards and two orders", `document.querySelectorAll('#messages .carousel .card').length === 2 && document.querySelectorAll('#messages .button-template').length === 2`, 5*time.Second)

	b.clickText(`#messages .carousel .card[data-card="1"] .btn-card`, "Buy")
	require.Eventually(t, func() bool { return lastPostbackPayload(t, e) == "BUY_BLUE" }, 5*time.Second, 20*time.Millisecond,
		"the second card's Buy; the newest postback's payload is %q", lastPostbackPayload(t, e))
	b.clickText(`#messages .button-template .btn-card`, "Cancel order") // the first order's
	require.Eventually(t, func() bool { return lastPostbackPayload(t, e) == "CANCEL_1" }, 5*time.Second, 20*time.Millisecond,
		"order #1's button; the newest postback's payload is %q", lastPostbackPayload(t, e))
	assert.Empty(t, b.consoleErrors())
}

// TestRefusedRequestIsFlaggedLiveInTheInspector: a send the platform
// refuses shows in the open page, flagged, without a reload. How soon is
// logged, not asserted: speed is measured in the benchmarks.
func TestRefusedRequestIsFlaggedLiveInTheInspector(t *testing.T) {
	e, b := openAfterHello(t)
	// A mark on this document: still there at the end means no reload.
	b.do("marking the page", chromedp.Evaluate[chromedp.Void](`window.notReloaded = true`))
	var qrs []any
	for i := range 14 { // one more than the platform's 13
		qrs = append(qrs, map[string]any{"content_type": "text", "title": fmt.Sprintf("Option %d", i), "payload": fmt.Sprint(i)})
	}
	status, body := e.send(t, alice, map[string]any{"text": "pick", "quick_replies": qrs}, nil)
	require.Equal(t, http.StatusBadRequest, status, "the platform refuses 14 quick replies: %v", body)
	start := time.Now()
	b.waitFor("a red inspector row naming message.quick_replies",
		`[...document.querySelectorAll('#events li.ev.refused .v-path')].some(n => n.textContent.startsWith('message.quick_replies'))`, 15*time.Second)
	t.Logf("the refused request showed after %v", time.Since(start))
	assert.True(t, eval[bool](b, `window.notReloaded === true`), "the page showed it live, not after a reload")
	assert.Equal(t, "1 refused", eval[string](b, `document.getElementById('count-refused').textContent`))
	assert.True(t, eval[bool](b, `document.querySelector('#messages .row.refused') !== null`), "the refused message is marked in the conversation")
	// Clicking the violation highlights the message it belongs to.
	b.click("#events li.ev.refused .violation")
	b.waitFor("the message flashes", `document.querySelector('#messages .row.refused.flash') !== null`, 10*time.Second)
}

func TestLongTitlesAreCutAsMessengerDoesAndMarked(t *testing.T) {
	e := startEmulator(t, false)
	_, err := e.srv.UserSends(fakegraph.DefaultPageID, alice, fakegraph.UserMessageRequest{Text: "hello"})
	require.NoError(t, err)
	long := "A very long quick reply title"
	pick := map[string]any{"text": "pick", "quick_replies": []any{map[string]any{"content_type": "text", "title": long, "payload": "L"}}}
	// Two before the page opens: the stream writes their shared warning
	// once, and the page gives it to both.
	for range 2 {
		status, body := e.send(t, alice, pick, nil)
		require.Equal(t, http.StatusOK, status, "%v", body)
	}
	b := openBrowser(t, e)
	b.open("/")
	b.waitFor("the first two", `document.querySelectorAll('#messages .row.warned .badge.warn').length === 2`, 5*time.Second)
	status, body := e.send(t, alice, pick, nil)
	require.Equal(t, http.StatusOK, status, "%v", body)
	b.waitFor("the chip", `document.querySelectorAll('#messages .row.warned .badge.warn').length === 3`, 5*time.Second)
	assert.Equal(t, 1, eval[int](b, `document.querySelectorAll('#footer .chip').length`))
	assert.Equal(t, "A very long quick re…", eval[string](b, `document.querySelector('#footer .chip').textContent`))
	assert.Equal(t, "3 warnings", eval[string](b, `document.getElementById('count-warnings').textContent`))
}

func TestPersonaNameShowsOnItsMessage(t *testing.T) {
	e, b := openAfterHello(t)
	status, persona := e.graph(t, http.MethodPost, "me/personas", map[string]any{"name": "Sam from Support", "profile_picture_url": "https://example.com/sam.png"})
	require.Equal(t, http.StatusOK, status, "%v", persona)
	status, body := e.send(t, alice, map[string]any{"text": "Sam here, how can I help?"}, map[string]any{"persona_id": persona["id"]})
	require.Equal(t, http.StatusOK, status, "%v", body)
	b.waitFor("the persona's name over its message", `[...document.querySelectorAll('#messages .persona-name')].some(n => n.textContent === 'Sam from Support')`, 5*time.Second)
}

func TestReloadAndReconnectLoseNothingAndDuplicateNothing(t *testing.T) {
	e := startEmulator(t, true)
	b := openBrowser(t, e)
	b.open("/")
	b.say("hi")
	b.waitFor("the quick replies", `document.querySelectorAll('#footer .chip').length === 3`, 10*time.Second)
	b.clickText("#footer .chip", "Receipt")
	b.waitFor("the receipt", `document.querySelector('#messages .receipt') !== null`, 10*time.Second)
	waitIdle(t, e)
	b.drawnUpTo(e)

	seqs := `JSON.stringify({msgs: [...document.querySelectorAll('#messages [data-seq]')].map(n => n.dataset.seq), evs: [...document.querySelectorAll('#events li.ev')].map(n => n.dataset.seq)})`
	before := eval[string](b, seqs)
	b.open("/")
	b.waitFor("the receipt again", `document.querySelector('#messages .receipt') !== null`, 10*time.Second)
	b.drawnUpTo(e)
	if diff := cmp.Diff(before, eval[string](b, seqs)); diff != "" {
		t.Errorf("after a reload the page shows other messages or events (-before +after):\n%s", diff)
	}

	// A dropped websocket resumes where it stopped.
	require.True(t, eval[bool](b, `(window.messemu.ws.close(), true)`))
	for i := range 3 {
		_, err := e.srv.UserSends(fakegraph.DefaultPageID, alice, fakegraph.UserMessageRequest{Text: fmt.Sprintf("while away %d", i)})
		require.NoError(t, err)
	}
	waitIdle(t, e)
	last := e.srv.Journal().Last()
	b.waitFor("the page back at the journal's end", fmt.Sprintf(`window.messemu.model.lastSeq === %d && document.querySelector('#events li.ev:last-child')?.dataset.seq === '%d'`, last, last), 10*time.Second)
	msgs := eval[[]string](b, `[...document.querySelectorAll('#messages [data-seq]')].map(n => n.dataset.seq)`)
	evs := eval[[]string](b, `[...document.querySelectorAll('#events li.ev')].map(n => n.dataset.seq)`)
	assert.Len(t, evs, int(last), "every journal event once in the inspector")
	for i, s := range evs {
		assert.Equal(t, fmt.Sprint(i+1), s, "inspector row %d", i)
	}
	seen := map[string]bool{}
	for _, s := range msgs {
		assert.False(t, seen[s], "message of event %s drawn twice", s)
		seen[s] = true
	}
	assert.Equal(t, 3, strings.Count(eval[string](b, `document.getElementById('messages').textContent`), "while away"))

	// The export is the conversation's events, as the scenario tools read them.
	// The export is the conversation's events, whole (the stream's are
	// slim), as the scenario tools read them.
	exported, err := scenarios.ReadJournal(strings.NewReader(awaitJS(t, b, `window.messemu.exportLines()`)))
	require.NoError(t, err)
	want := e.srv.Journal().Find(0, func(ev *fakegraph.Event) bool { return ev.PSID == alice })
	require.Len(t, exported, len(want))
	receipts := 0
	for i := range want {
		assert.Equal(t, want[i].Seq, exported[i].Seq)
		assert.Equal(t, want[i].Kind, exported[i].Kind)
		assert.Equal(t, string(want[i].Detail), string(exported[i].Detail), "event %d's detail", want[i].Seq)
		assert.Equal(t, string(want[i].Response), string(exported[i].Response), "event %d's response", want[i].Seq)
		if want[i].Kind == fakegraph.KindReceipt {
			receipts++
		}
	}
	assert.Positive(t, receipts, "the receipts, with their webhook items")
	assert.Empty(t, b.consoleErrors())
}

// waitIdle waits until the demo bot and the webhook dispatcher are done:
// every journal event that fires a webhook has had its last attempt
// (delivered or failed) journalled, and nothing waits for a retry. The bot
// answers inside its webhook POST and a send journals its receipts before
// it answers, so whatever the bot does next is journalled before the
// attempt that made it: nothing more is coming once this holds.
func waitIdle(t *testing.T, e *emulator) {
	t.Helper()
	var open []uint64
	idle := func() bool {
		done := map[uint64]bool{}
		for _, ev := range e.srv.Journal().Find(0, func(ev *fakegraph.Event) bool { return ev.Kind == fakegraph.KindWebhook }) {
			var d fakegraph.WebhookAttemptDetail
			if json.Unmarshal(ev.Detail, &d) == nil && d.Outcome != fakegraph.OutcomeRetry {
				done[d.EventSeq] = true
			}
		}
		open = open[:0]
		for _, ev := range e.srv.Journal().Find(0, func(ev *fakegraph.Event) bool { _, ok := ev.Hook(); return ok }) {
			if !done[ev.Seq] {
				open = append(open, ev.Seq)
			}
		}
		return len(open) == 0 && e.srv.Webhook().Pending == 0
	}
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	timeout := time.After(10 * time.Second)
	for !idle() {
		select {
		case <-tick.C:
		case <-timeout:
			t.Fatalf("after 10 s, events whose webhook is not done: %v (pending %d)", open, e.srv.Webhook().Pending)
		}
	}
}

func TestClockAdvanced25HoursClosesTheWindowAndFlagsAPlainSend(t *testing.T) {
	e, b := openAfterHello(t)
	b.waitFor("an open window", `document.getElementById('chat-window').textContent.startsWith('window open')`, 5*time.Second)
	b.click("#tab-controls")
	b.waitFor("the clock form", `document.querySelector('#advance-form input')?.value === '25h'`, 5*time.Second)
	b.click("#advance")
	b.waitFor("the window closed", `document.getElementById('chat-window').textContent.startsWith('window closed')`, 5*time.Second)
	status, body := e.send(t, alice, map[string]any{"text": "Are you there?"}, nil)
	require.Equal(t, http.StatusBadRequest, status, "a RESPONSE outside the window is refused: %v", body)
	b.waitFor("the send flagged in the conversation", `[...document.querySelectorAll('#messages .row.refused')].some(n => n.textContent.includes('Are you there?'))`, 5*time.Second)
	b.click("#tab-inspector")
	b.waitFor("and in the inspector", `document.querySelector('#events li.ev.refused') !== null`, 5*time.Second)
	assert.Empty(t, b.consoleErrors())
}

func TestWebsocketFromAnotherOriginIsRefusedByTheBrowser(t *testing.T) {
	e := startEmulator(t, false)
	b := openBrowser(t, e)
	// The page from http://localhost:port is another origin than
	// http://127.0.0.1:port.
	b.base = strings.Replace(e.url, "127.0.0.1", "localhost", 1)
	b.open("/")
	other := strings.Replace(e.url, "http://", "ws://", 1) + "/_messemu/ui/ws"
	res := awaitJS(t, b, fmt.Sprintf(`new Promise(res => { const ws = new WebSocket(%q); ws.onopen = () => res('open'); ws.onerror = () => res('refused'); })`, other))
	assert.Equal(t, "refused", res)
	assert.Equal(t, "live", eval[string](b, `document.getElementById('conn').textContent`), "the page's own websocket is up")
}

// TestScreenshotForTheREADME draws a conversation with every pane busy;
// with -update-screenshot it writes docs/webui.png.
func TestScreenshotForTheREADME(t *testing.T) {
	e := startEmulator(t, true)
	b := openBrowser(t, e)
	b.open("/")
	b.say("hi")
	b.waitFor("the quick replies", `document.querySelectorAll('#footer .chip').length === 3`, 10*time.Second)
	b.clickText("#footer .chip", "Carousel")
	b.waitFor("three cards", `document.querySelectorAll('#messages .carousel .card').length === 3`, 10*time.Second)
	var qrs []any
	for i := range 14 {
		qrs = append(qrs, map[string]any{"content_type": "text", "title": fmt.Sprintf("Option %d", i), "payload": fmt.Sprint(i)})
	}
	status, _ := e.send(t, alice, map[string]any{"text": "pick one", "quick_replies": qrs}, nil)
	require.Equal(t, http.StatusBadRequest, status)
	b.waitFor("the refused request", `document.querySelector('#events li.ev.refused') !== null`, 5*time.Second)
	waitIdle(t, e)
	b.drawnUpTo(e)
	b.click("#events li.ev.refused summary")
	shot := filepath.Join(b.dir, "webui.png")
	b.screenshot(shot)
	if *updateScreenshot {
		png, err := os.ReadFile(shot)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join("..", "docs", "webui.png"), png, 0o644))
	}
}

func TestUserReactsRepliesAndReads(t *testing.T) {
	e, b := openAfterHello(t)
	status, _ := e.send(t, alice, map[string]any{"text": "Welcome!"}, nil)
	require.Equal(t, http.StatusOK, status)
	b.waitFor("the unread mark", `document.querySelector('#user-list .user.unread .dot') !== null`, 5*time.Second)

	b.click("#messages .row.from-page .react-btn")
	b.clickText(".picker .emoji", "❤️")
	b.waitFor("the reaction under the message", `document.querySelector('#messages .row.from-page .reactions')?.textContent === '❤️'`, 5*time.Second)

	b.click("#messages .row.from-page .tools button[title=Reply]")
	b.say("thanks")
	b.waitFor("the reply quoting the message", `document.querySelector('#messages .row.from-user:last-child .quoted-text')?.textContent === 'Welcome!'`, 5*time.Second)

	status, _ = e.send(t, alice, map[string]any{"text": "You're welcome"}, nil)
	require.Equal(t, http.StatusOK, status)
	b.waitFor("unread again", `document.querySelector('#user-list .user.unread') !== null`, 5*time.Second)
	b.click("#mark-read")
	b.waitFor("seen", `document.querySelector('#footer .seen') !== null && document.querySelector('#user-list .user.unread') === null`, 5*time.Second)
	assert.Empty(t, b.consoleErrors())
}

func TestMessengerProfileShowsLiveAndItsButtonsFirePostbacks(t *testing.T) {
	e := startEmulator(t, false)
	b := openBrowser(t, e)
	b.open("/")
	status, body := e.graph(t, http.MethodPost, "me/messenger_profile", map[string]any{
		"get_started": map[string]any{"payload": "GET_STARTED"},
		"greeting":    []any{map[string]any{"locale": "default", "text": "Hello {{user_first_name}}, we answer in minutes."}},
		"persistent_menu": []any{map[string]any{"locale": "default", "composer_input_disabled": false, "call_to_actions": []any{
			map[string]any{"type": "postback", "title": "Track my order", "payload": "TRACK"},
			map[string]any{"type": "web_url", "title": "Website", "url": "https://example.com"},
		}}},
	})
	require.Equal(t, http.StatusOK, status, "%v", body)
	b.waitFor("the greeting, as the bot set it a moment ago", `document.querySelector('#footer .greeting')?.textContent === 'Hello Alice, we answer in minutes.'`, 5*time.Second)
	b.click("#get-started")
	b.waitFor("Get Started as the user's postback", `[...document.querySelectorAll('#messages .from-user .bubble')].some(n => n.textContent === 'Get Started')`, 5*time.Second)
	b.waitFor("the greeting gone once the thread has begun", `document.querySelector('#footer .greeting') === null`, 5*time.Second)

	b.click("#menu-btn")
	b.clickText("#menu-pop .menu-item", "Track my order")
	b.waitFor("the menu item's postback", `[...document.querySelectorAll('#messages .from-user .bubble')].some(n => n.textContent === 'Track my order')`, 5*time.Second)
	assert.Equal(t, "TRACK", lastPostbackPayload(t, e))

	b.click("#attach-btn")
	b.do("an image by URL", chromedp.SendKeys(chromedp.CSS("#attach-url"), "https://example.com/cat.png"))
	b.click("#attach-send")
	b.waitFor("the user's image", `document.querySelector('#messages .from-user a.media')?.getAttribute('href') === 'https://example.com/cat.png'`, 5*time.Second)
	assert.Empty(t, b.consoleErrors())
}

// lastPostbackPayload is the payload of the newest postback in the journal.
func lastPostbackPayload(t *testing.T, e *emulator) string {
	t.Helper()
	evs := e.srv.Journal().Find(0, func(ev *fakegraph.Event) bool { return ev.Kind == fakegraph.KindUserAction })
	for i := len(evs) - 1; i >= 0; i-- {
		d, err := evs[i].DecodeDetail()
		require.NoError(t, err)
		ua, ok := d.(fakegraph.UserActionDetail)
		if !ok || len(ua.Event) == 0 {
			continue
		}
		var me fakegraph.MessagingEvent
		require.NoError(t, json.Unmarshal(ua.Event, &me))
		if me.Postback != nil {
			return me.Postback.Payload
		}
	}
	return ""
}

func TestInspectorFiltersByKindUserAndProblems(t *testing.T) {
	e := startEmulator(t, false)
	const bob = "6283749102837465"
	for _, psid := range []string{alice, bob} {
		_, err := e.srv.UserSends(fakegraph.DefaultPageID, psid, fakegraph.UserMessageRequest{Text: "hello"})
		require.NoError(t, err)
	}
	status, _ := e.send(t, bob, map[string]any{"text": ""}, nil) // refused: empty text
	require.Equal(t, http.StatusBadRequest, status)
	b := openBrowser(t, e)
	b.open("/")
	rows := `[...document.querySelectorAll('#events li.ev')].map(n => n.dataset.kind + ':' + n.classList.contains('refused')).join()`
	b.do("problems only", chromedp.Click(chromedp.CSS("#f-problems")))
	b.waitFor("only the refused send", `document.querySelectorAll('#events li.ev').length === 1 && document.querySelector('#events li.ev.refused') !== null`, 5*time.Second)
	b.do("all again", chromedp.Click(chromedp.CSS("#f-problems")))
	b.do("Bob's events", chromedp.SetValue(chromedp.CSS("#f-user"), bob))
	require.True(t, eval[bool](b, `document.getElementById('f-user').dispatchEvent(new Event('change'))`))
	assert.Equal(t, "user_action:false,request:true", eval[string](b, rows))
	b.do("user actions of everyone", chromedp.SetValue(chromedp.CSS("#f-user"), ""), chromedp.SetValue(chromedp.CSS("#f-kind"), "user_action"))
	require.True(t, eval[bool](b, `document.getElementById('f-kind').dispatchEvent(new Event('change'))`))
	assert.Equal(t, "user_action:false,user_action:false", eval[string](b, rows))
}

// TestPageFollowsARestartedEmulator: a page left open while serve restarts
// (a new journal, numbered from 1 again) drops what it drew and shows the
// new emulator's conversation, instead of waiting for the new journal to
// pass the old one's number.
func TestPageFollowsARestartedEmulator(t *testing.T) {
	first := startEmulator(t, false)
	addr := strings.TrimPrefix(first.url, "http://")
	b := openBrowser(t, first)
	b.open("/")
	for i := range 5 {
		_, err := first.srv.UserSends(fakegraph.DefaultPageID, alice, fakegraph.UserMessageRequest{Text: fmt.Sprintf("before the restart %d", i)})
		require.NoError(t, err)
	}
	last := first.srv.Journal().Last()
	b.waitFor("the first emulator's messages", fmt.Sprintf(`window.messemu.model.lastSeq === %d && document.getElementById('messages').textContent.includes('before the restart 4')`, last), 10*time.Second)

	srv := restartAt(t, first, addr, 8)
	_, err := srv.UserSends(fakegraph.DefaultPageID, alice, fakegraph.UserMessageRequest{Text: "after the restart"})
	require.NoError(t, err)
	require.Less(t, srv.Journal().Last(), last, "the new journal is shorter than what the page drew")

	b.waitFor("the new emulator's conversation, alone", fmt.Sprintf(`window.messemu.model.lastSeq === %d && document.getElementById('messages').textContent.includes('after the restart') && !document.getElementById('messages').textContent.includes('before the restart')`, srv.Journal().Last()), 15*time.Second)
	evs := eval[[]string](b, `[...document.querySelectorAll('#events li.ev')].map(n => n.dataset.seq)`)
	assert.Len(t, evs, int(srv.Journal().Last()), "the inspector lists the new journal's events once each")
}

// TestRestartedEmulatorsUsersReplaceTheOld: after serve restarts, the page
// lists the new emulator's users at once, not a user made before the
// restart until something prompts a reload.
func TestRestartedEmulatorsUsersReplaceTheOld(t *testing.T) {
	first := startEmulator(t, false)
	addr := strings.TrimPrefix(first.url, "http://")
	_, err := first.srv.AddUser(fakegraph.User{PageID: fakegraph.DefaultPageID, Name: "Dana Temp"})
	require.NoError(t, err)
	_, err = first.srv.UserSends(fakegraph.DefaultPageID, alice, fakegraph.UserMessageRequest{Text: "hello"})
	require.NoError(t, err)
	b := openBrowser(t, first)
	b.open("/")
	b.waitFor("Dana in the user list", `document.getElementById('user-list').textContent.includes('Dana Temp')`, 10*time.Second)

	restartAt(t, first, addr, 9)
	b.waitFor("the new emulator's users only", `!document.getElementById('user-list').textContent.includes('Dana Temp') && document.getElementById('user-list').textContent.includes('Alice')`, 15*time.Second)
	assert.Empty(t, b.consoleErrors())
}

// TestHeaderFollowsAnotherAppsRelease: the Page Inbox releasing a thread
// through the control API tells the bot nothing, but the journal says so,
// and the header stops saying another app owns the thread.
func TestHeaderFollowsAnotherAppsRelease(t *testing.T) {
	e, b := openAfterHello(t)
	status, body := e.graph(t, http.MethodPost, "me/pass_thread_control", map[string]any{"recipient": map[string]any{"id": alice}, "target_app_id": fakegraph.PageInboxAppID})
	require.Equal(t, http.StatusOK, status, "%v", body)
	b.waitFor("standby in the header", `document.getElementById('chat-window').textContent.includes('owns the thread')`, 5*time.Second)
	require.NoError(t, e.srv.ActAsApp(fakegraph.DefaultPageID, fakegraph.HandoverActRequest{Action: "release_thread_control", PSID: alice}))
	b.waitFor("no standby once the Page Inbox released the thread", `!document.getElementById('chat-window').textContent.includes('standby')`, 5*time.Second)
	assert.Empty(t, b.consoleErrors())
}

// restartAt stops first and starts a new emulator, with its web page, on
// addr (first's): serve restarted under an open page.
func restartAt(t *testing.T, first *emulator, addr string, seed uint64) *fakegraph.Server {
	t.Helper()
	first.ui.Close()
	require.NoError(t, first.srv.Close())
	srv := fakegraph.New(fakegraph.WithIDSeed(seed))
	ui := webui.New(srv)
	require.NoError(t, srv.StartWith(addr, ui.Wrap), "the same address again")
	t.Cleanup(func() { ui.Close(); _ = srv.Close() })
	return srv
}
