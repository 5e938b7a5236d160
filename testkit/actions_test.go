package testkit_test

import (
	"bytes"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/messemu/messemu/fakegraph"
	"github.com/messemu/messemu/testkit"
)

// buttons is a button template with a postback button and a URL button.
func buttons(psid string) map[string]any {
	return map[string]any{"recipient": map[string]any{"id": psid}, "messaging_type": "RESPONSE", "message": map[string]any{
		"attachment": map[string]any{"type": "template", "payload": map[string]any{
			"template_type": "button", "text": "What now?", "buttons": []any{
				map[string]any{"type": "postback", "title": "Order", "payload": "ORDER"},
				map[string]any{"type": "web_url", "title": "Site", "url": "https://example.com"},
			}}}}}
}

// setProfile gives the Page a Get Started button and a persistent menu,
// as a bot does at start-up.
func setProfile(t *testing.T, emu *testkit.Emulator) {
	t.Helper()
	body := `{"get_started":{"payload":"START"},"persistent_menu":[{"locale":"default","composer_input_disabled":false,
		"call_to_actions":[{"type":"postback","title":"Help","payload":"HELP"}]}]}`
	req, err := http.NewRequest("POST", emu.URL()+"/v26.0/me/messenger_profile?access_token="+emu.PageToken(), strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := emu.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("messenger_profile: HTTP %d", resp.StatusCode)
	}
}

// Every action reaches the bot as its webhook: the echo bot answers text
// (quick reply taps included) with "echo: <text>" and postbacks with
// "echo: <payload>".
func TestActionsReachTheBot(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t, testkit.BotFrom(echoBot))
	setProfile(t, emu)
	alice := emu.User("Alice")

	alice.TapsGetStarted()
	testkit.CheckText(t, alice.NextMessage(t), "echo: START")
	alice.TapsMenu("Help")
	testkit.CheckText(t, alice.NextMessage(t), "echo: HELP")

	// Quick replies and buttons are tapped on what the bot sent.
	if code, body, err := send(emu.Client(), emu.URL(), emu.PageToken(), map[string]any{
		"recipient": map[string]any{"id": alice.PSID()}, "messaging_type": "RESPONSE",
		"message": map[string]any{"text": "Size?", "quick_replies": []any{
			map[string]any{"content_type": "text", "title": "Small", "payload": "S"},
			map[string]any{"content_type": "text", "title": "Large", "payload": "L"}}}}); err != nil || code != 200 {
		t.Fatalf("quick replies: %d %s %v", code, body, err)
	}
	qr := alice.NextMessage(t)
	alice.TapsQuickReply("1") // by position: the transcript names the chip
	testkit.CheckText(t, alice.NextMessage(t), "echo: Large")
	if code, body, err := send(emu.Client(), emu.URL(), emu.PageToken(), buttons(alice.PSID())); err != nil || code != 200 {
		t.Fatalf("buttons: %d %s %v", code, body, err)
	}
	alice.NextMessage(t)
	alice.TapsButton("Order")
	testkit.CheckText(t, alice.NextMessage(t), "echo: ORDER")
	card := func(payload string) any {
		return map[string]any{"title": payload, "buttons": []any{map[string]any{"type": "postback", "title": "Buy", "payload": payload}}}
	}
	if code, body, err := send(emu.Client(), emu.URL(), emu.PageToken(), map[string]any{
		"recipient": map[string]any{"id": alice.PSID()}, "messaging_type": "RESPONSE", "message": map[string]any{
			"attachment": map[string]any{"type": "template", "payload": map[string]any{
				"template_type": "generic", "elements": []any{card("BUY_RED"), card("BUY_BLUE")}}}}}); err != nil || code != 200 {
		t.Fatalf("carousel: %d %s %v", code, body, err)
	}
	alice.NextMessage(t)
	alice.TapsButtonWithPayload("Buy", "BUY_BLUE") // the second card's
	testkit.CheckText(t, alice.NextMessage(t), "echo: BUY_BLUE")

	alice.Reacts(qr, "love")
	alice.Unreacts(qr)
	alice.Reads()
	alice.ArrivesFrom(testkit.Ref("summer-ad"))
	in := alice.OptsIn(testkit.Checkbox("cart-42"))
	if !strings.HasPrefix(in.UserRef, "ref_") {
		t.Errorf("checkbox opt-in user_ref = %q", in.UserRef)
	}
	alice.Sends(testkit.Image("https://example.com/cat.png"))
	alice.Sends(testkit.Sticker(369239263222822))
	alice.NoMessage(t, 50*time.Millisecond) // the echo bot ignores all of these

	conv := alice.Conversation().String()
	for _, want := range []string{
		"Alice: [taps Get Started]",
		`Alice: [taps menu item "Help"]`,
		`Alice: [taps quick reply "Large"]`,
		`Alice: [taps button "Order"]`,
		"Alice: [reacts love]",
		"Alice: [removes a reaction]",
		"Alice: [reads the thread]",
		`Alice: [arrives from SHORTLINK ref "summer-ad"]`,
		"Alice: [image https://example.com/cat.png]",
		"Alice: [sticker 369239263222822]",
	} {
		if !strings.Contains(conv, want) {
			t.Errorf("conversation lacks %s:\n%s", want, conv)
		}
	}
	emu.CheckNoViolations(t)
}

// An action the emulator refuses (a quick reply the bot never offered)
// fails the test with the emulator's reason.
func TestRefusedActionFails(t *testing.T) {
	t.Parallel()
	var rec recorder
	rec.run(func() {
		emu := testkit.Start(&rec, testkit.BotFrom(echoBot))
		alice := emu.User("Alice")
		alice.Says("hi")
		alice.NextMessage(&rec)
		alice.TapsQuickReply("Yes")
	})
	if out := rec.output(); !strings.Contains(out, `Alice taps quick reply "Yes"`) || !strings.Contains(out, "no quick replies") {
		t.Errorf("failure: %q", out)
	}
}

// A bot in its own process: the emulator listens on loopback and posts
// its webhooks to the bot's URL.
func TestWebhookURL(t *testing.T) {
	t.Parallel()
	var emu *testkit.Emulator
	bot := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { echoBot(emu).ServeHTTP(w, r) }))
	t.Cleanup(bot.Close)
	emu = testkit.Start(t, testkit.Listen())
	emu.SetWebhook(bot.URL + "/webhook")
	alice := emu.User("Alice")
	alice.Says("over the wire")
	testkit.CheckText(t, alice.NextMessage(t), "echo: over the wire")
}

// The Webhook option connects the bot at Start and implies Listen.
func TestWebhookOption(t *testing.T) {
	t.Parallel()
	var emu *testkit.Emulator
	ready := make(chan struct{})
	bot := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet { // the handshake, during Start
			if r.URL.Query().Get("hub.verify_token") == fakegraph.DefaultVerifyToken {
				_, _ = w.Write([]byte(r.URL.Query().Get("hub.challenge")))
			}
			return
		}
		<-ready // emu is set
		echoBot(emu).ServeHTTP(w, r)
	}))
	t.Cleanup(bot.Close)
	emu = testkit.Start(t, testkit.Webhook(bot.URL+"/webhook"))
	close(ready)
	if !strings.HasPrefix(emu.URL(), "http://127.0.0.1:") {
		t.Errorf("URL = %q, want a loopback listener", emu.URL())
	}
	alice := emu.User("Alice")
	alice.Says("configured at Start")
	testkit.CheckText(t, alice.NextMessage(t), "echo: configured at Start")
}

// ListenAt serves the emulator at the address a bot started before the
// test was configured with.
func TestListenAtAFixedAddress(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	emu := testkit.Start(t, testkit.ListenAt(addr))
	if emu.URL() != "http://"+addr {
		t.Fatalf("URL = %q, want http://%s", emu.URL(), addr)
	}
	resp, err := http.Get("http://" + addr + "/_messemu/v1/clock")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("the control API at the fixed address: %d", resp.StatusCode)
	}
}

// A bot whose handshake fails cannot be connected: Start fails the test
// with the reason.
func TestBadBotFailsStart(t *testing.T) {
	t.Parallel()
	var rec recorder
	rec.run(func() {
		testkit.Start(&rec, testkit.Bot(http.NotFoundHandler()))
	})
	if out := rec.output(); !strings.Contains(out, "testkit:") || !strings.Contains(out, "404") {
		t.Errorf("failure: %q", out)
	}
}

// Receipts(false) stops the automatic delivery receipts; they are on by
// default.
func TestReceiptsOption(t *testing.T) {
	t.Parallel()
	for _, on := range []bool{true, false} {
		emu := testkit.Start(t, testkit.BotFrom(echoBot), testkit.Receipts(on))
		alice := emu.User("Alice")
		alice.Says("hi")
		alice.NextMessage(t)
		deliveries := func() int {
			return len(emu.Server().Journal().Find(0, func(e *fakegraph.Event) bool {
				return e.Kind == fakegraph.KindReceipt && e.API == fakegraph.FieldDeliveries
			}))
		}
		if on {
			deadline := time.Now().Add(5 * time.Second)
			for deliveries() == 0 && time.Now().Before(deadline) {
				time.Sleep(5 * time.Millisecond)
			}
			if deliveries() == 0 {
				t.Error("Receipts(true): no delivery receipt")
			}
		} else {
			alice.NoMessage(t, 50*time.Millisecond)
			if n := deliveries(); n != 0 {
				t.Errorf("Receipts(false): %d delivery receipts", n)
			}
		}
	}
}

// When the bot's webhook fails, NextMessage's failure shows each attempt
// and what the bot answered.
func TestFailingBotShowsInConversation(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t, testkit.Timeout(100*time.Millisecond), testkit.Bot(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			_, _ = w.Write([]byte(r.URL.Query().Get("hub.challenge")))
			return
		}
		http.Error(w, "boom", http.StatusInternalServerError)
	})))
	alice := emu.User("Alice")
	alice.Says("hi")
	var rec recorder
	rec.run(func() { alice.NextMessage(&rec) })
	if out := rec.output(); !strings.Contains(out, `messemu: [messages webhook, attempt 1: the bot answered HTTP 500 "boom"`) {
		t.Errorf("failure message:\n%s", out)
	}
}

// A send to a checkbox opt-in's user_ref reaches the person who opted in:
// NextMessage and the conversation have it, while the answer names no
// recipient_id and no echo reaches the bot (PLATFORM.md §2.1, §2.8).
func TestUserRefSendReachesTheUser(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t, testkit.BotFrom(echoBot))
	alice := emu.User("Alice")
	in := alice.OptsIn(testkit.Checkbox("cart-42"))
	code, body, err := send(emu.Client(), emu.URL(), emu.PageToken(), map[string]any{
		"recipient": map[string]any{"user_ref": in.UserRef}, "messaging_type": "RESPONSE",
		"message": map[string]any{"text": "Your cart is saved"}})
	if err != nil || code != 200 {
		t.Fatalf("send to user_ref: %d %s %v", code, body, err)
	}
	if strings.Contains(body, "recipient_id") {
		t.Errorf("a user_ref send answered a recipient_id: %s", body)
	}
	testkit.CheckText(t, alice.NextMessage(t), "Your cart is saved")
	if conv := alice.Conversation().String(); !strings.Contains(conv, "Your cart is saved") {
		t.Errorf("the conversation lacks the message:\n%s", conv)
	}
	echoes := emu.Server().Journal().Find(0, func(e *fakegraph.Event) bool {
		return e.Kind == fakegraph.KindReceipt && e.API == fakegraph.FieldMessageEchoes
	})
	if len(echoes) != 0 {
		t.Errorf("a user_ref send was echoed: %+v", echoes)
	}
	emu.CheckNoViolations(t)
}

// The conversation says the thread's handovers: the bot's own pass, and
// the Page Inbox's pass back as the platform tells the bot.
func TestConversationSaysTheHandovers(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t, testkit.BotFrom(echoBot))
	alice := emu.User("Alice")
	alice.Says("hi")
	alice.NextMessage(t)
	body := map[string]any{"recipient": map[string]any{"id": alice.PSID()}, "target_app_id": fakegraph.PageInboxAppID}
	b, _ := json.Marshal(body)
	resp, err := emu.Client().Post(emu.URL()+"/v26.0/me/pass_thread_control?access_token="+emu.PageToken(), "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("pass_thread_control: HTTP %d", resp.StatusCode)
	}
	if err := emu.Server().ActAsApp(emu.PageID(), fakegraph.HandoverActRequest{AppID: fakegraph.PageInboxAppID,
		Action: "pass_thread_control", PSID: alice.PSID(), TargetAppID: fakegraph.DefaultAppID}); err != nil {
		t.Fatal(err)
	}
	conv := alice.Conversation().String()
	for _, want := range []string{"bot: [passes the thread to the Page Inbox]", "platform: [the Page Inbox passes the thread to the bot]"} {
		if !strings.Contains(conv, want) {
			t.Errorf("conversation lacks %s:\n%s", want, conv)
		}
	}
}

// Another app's acts, the thread owner, the user's edits and the
// platform's policy enforcement, from a test.
func TestHandoverEditsAndPolicyFromATest(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t, testkit.BotFrom(echoBot))
	alice := emu.User("Alice")
	alice.Says("hi")
	testkit.CheckText(t, alice.NextMessage(t), "echo: hi")
	if got := alice.ThreadOwner(); got != fakegraph.DefaultAppID {
		t.Errorf("owner at first = %q, want the bot's app", got)
	}
	alice.AppActs(testkit.RequestThread, "", "", "an agent asks")
	b, _ := json.Marshal(map[string]any{"recipient": map[string]any{"id": alice.PSID()}, "target_app_id": fakegraph.PageInboxAppID})
	resp, err := emu.Client().Post(emu.URL()+"/v26.0/me/pass_thread_control?access_token="+emu.PageToken(), "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := alice.ThreadOwner(); got != fakegraph.PageInboxAppID {
		t.Errorf("owner after the bot passes = %q", got)
	}
	alice.AppActs(testkit.PassThread, "", "", "")
	if got := alice.ThreadOwner(); got != fakegraph.DefaultAppID {
		t.Errorf("owner after the Page Inbox passes back = %q", got)
	}
	alice.EditsLast("hello")
	emu.EnforcesPolicy("warning", "Spam")
	// The event itself, not its webhook's delivery, which the journal
	// records under the same field once the bot has answered (or not yet).
	if n := len(emu.Server().Journal().Find(0, func(e *fakegraph.Event) bool {
		return e.API == fakegraph.FieldPolicyEnforcement && e.Kind == fakegraph.KindUserAction
	})); n != 1 {
		t.Errorf("%d policy enforcement events, want 1", n)
	}
	conv := alice.Conversation().String()
	for _, want := range []string{"platform: [the Page Inbox asks the bot for the thread]", "bot: [passes the thread to the Page Inbox]",
		"platform: [the Page Inbox passes the thread to the bot]", `Alice: [edits a message: "hello"]`} {
		if !strings.Contains(conv, want) {
			t.Errorf("conversation lacks %s:\n%s", want, conv)
		}
	}
	var rec recorder
	rec.run(func() {
		e := testkit.Start(&rec, testkit.BotFrom(echoBot))
		e.User("Bob").EditsLast("x")
	})
	if !strings.Contains(rec.output(), "Bob has written nothing to edit") {
		t.Errorf("an edit with nothing to edit: %q", rec.output())
	}
}
