package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/messemu/messemu/testkit"
	"github.com/messemu/messemu/validator"
)

// start gives each test its own emulator and its own bot, wired to each
// other in process: the bot gets the emulator's URL, token, secrets and
// client, exactly what main reads from the environment. StrictProof makes
// the emulator refuse any call without appsecret_proof, as a production
// app with "Require App Secret" does.
func start(t *testing.T) (*testkit.Emulator, *Bot) {
	t.Helper()
	var bot *Bot
	emu := testkit.Start(t, testkit.StrictProof(), testkit.BotFrom(func(emu *testkit.Emulator) http.Handler {
		bot = New(Config{
			GraphURL:    emu.URL(),
			PageToken:   emu.PageToken(),
			AppSecret:   emu.AppSecret(),
			VerifyToken: emu.VerifyToken(),
			Client:      emu.Client(),
			Now:         emu.Now,
		})
		return bot
	}))
	if err := bot.Setup(); err != nil {
		t.Fatalf("Setup: %v", err)
	}
	// Whatever a test does, the bot must not break a platform rule.
	t.Cleanup(func() {
		emu.CheckNoViolations(t)
		emu.CheckNoWarnings(t)
	})
	return emu, bot
}

func TestGreeting(t *testing.T) {
	t.Parallel()
	emu, _ := start(t)
	alice := emu.User("Alice", testkit.Locale("fr_FR"))
	alice.Says("hi")
	msg := alice.NextMessage(t)
	testkit.CheckText(t, msg, `Hello! I echo what you say. Try "colours" or "shop".`)
	testkit.CheckQuickReplies(t, msg, "Colours", "Shop")

	alice.TapsGetStarted()
	testkit.CheckText(t, alice.NextMessage(t), `Hello! I echo what you say. Try "colours" or "shop".`)

	alice.Says("how are you?")
	testkit.CheckText(t, alice.NextMessage(t), "You said: how are you?")
}

func TestQuickReplies(t *testing.T) {
	t.Parallel()
	emu, _ := start(t)
	alice := emu.User("Alice")
	alice.Says("hi")
	alice.NextMessage(t)
	alice.TapsQuickReply("Colours")
	msg := alice.NextMessage(t)
	testkit.CheckText(t, msg, "Which colour do you like?")
	testkit.Check(t, msg, `{"quick_replies":[{"payload":"COLOUR_RED"},{"payload":"COLOUR_BLUE"},{"payload":"COLOUR_GREEN"}]}`, testkit.Partial())
	alice.TapsQuickReply("Blue")
	testkit.CheckText(t, alice.NextMessage(t), "Good choice: blue.")
}

func TestCarouselAndPostback(t *testing.T) {
	t.Parallel()
	emu, _ := start(t)
	alice := emu.User("Alice")
	alice.Says("shop")
	cards := alice.NextMessage(t)
	testkit.CheckTemplate(t, cards, "generic", "Red shirt", "Blue shirt", "Green shirt")
	testkit.CheckButtons(t, cards, "Buy red", "Buy blue", "Buy green")
	if img := cards.Elements()[0].ImageURL; img != "https://example.com/shirts/red.png" {
		t.Errorf("first card's image = %q", img)
	}
	alice.TapsButton("Buy green")
	testkit.CheckText(t, alice.NextMessage(t), "Thank you! Your green shirt is on its way.")
}

func TestPersistentMenu(t *testing.T) {
	t.Parallel()
	emu, _ := start(t)
	alice := emu.User("Alice")
	alice.TapsMenu("Shop")
	testkit.CheckTemplate(t, alice.NextMessage(t), "generic", "Red shirt", "Blue shirt", "Green shirt")
}

func TestAttachmentsComeBack(t *testing.T) {
	t.Parallel()
	emu, _ := start(t)
	alice := emu.User("Alice")
	alice.Sends(testkit.Image("https://example.com/cat.png"))
	testkit.CheckText(t, alice.NextMessage(t), "Nice image! Here it is back.")
	testkit.CheckAttachment(t, alice.NextMessage(t), "image", "https://example.com/cat.png")
}

// agent plays the help desk calling the bot's /agent endpoint.
func agent(t *testing.T, bot *Bot, psid, text string) int {
	t.Helper()
	form := url.Values{"psid": {psid}, "text": {text}}
	req := httptest.NewRequest("POST", "/agent", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	bot.ServeHTTP(rec, req)
	return rec.Code
}

// Inside the 24-hour window the agent's answer goes out as an UPDATE;
// after it, the bot falls back to the HUMAN_AGENT tag, which the platform
// allows for seven days after the user's last message.
func TestAgentAnswersAcrossTheWindow(t *testing.T) {
	t.Parallel()
	emu, bot := start(t)
	alice := emu.User("Alice")
	alice.Says("I need a human")
	alice.NextMessage(t)

	if code := agent(t, bot, alice.PSID(), "Hi, this is Sam."); code != http.StatusNoContent {
		t.Fatalf("agent: HTTP %d", code)
	}
	msg := alice.NextMessage(t)
	testkit.CheckText(t, msg, "Hi, this is Sam.")
	if msg.MessagingType() != "UPDATE" || msg.Tag() != "" {
		t.Errorf("inside the window: type %q tag %q, want UPDATE and no tag", msg.MessagingType(), msg.Tag())
	}

	emu.Advance(25 * time.Hour)
	if code := agent(t, bot, alice.PSID(), "Your order has shipped."); code != http.StatusNoContent {
		t.Fatalf("agent after 25h: HTTP %d", code)
	}
	msg = alice.NextMessage(t)
	testkit.CheckText(t, msg, "Your order has shipped.")
	if msg.MessagingType() != "MESSAGE_TAG" || msg.Tag() != "HUMAN_AGENT" {
		t.Errorf("after 25h: type %q tag %q, want MESSAGE_TAG HUMAN_AGENT", msg.MessagingType(), msg.Tag())
	}

	// Past seven days even the tag would be refused: the bot says so to
	// the help desk instead of trying.
	emu.Advance(7 * 24 * time.Hour)
	if code := agent(t, bot, alice.PSID(), "Anyone?"); code != http.StatusBadGateway {
		t.Errorf("agent after 8 days: HTTP %d, want 502", code)
	}
	alice.NoMessage(t, 20*time.Millisecond)
}

// The platform fails sometimes: a user who blocked the Page (551), a rate
// limit (613). The bot must log it and keep answering everyone else.
func TestSurvivesSendErrors(t *testing.T) {
	t.Parallel()
	emu, _ := start(t)
	alice, bob := emu.User("Alice"), emu.User("Bob")
	emu.AddFault(testkit.Fault{API: "send", PSID: alice.PSID(), Error: validator.KeyUnavailable})
	emu.AddFault(testkit.Fault{API: "send", PSID: bob.PSID(), Times: 1, Error: validator.KeyRateAPI})

	alice.Says("hi")
	bob.Says("hi") // refused with 613
	bob.Says("still there?")
	testkit.CheckText(t, bob.NextMessage(t), "You said: still there?")
	alice.NoMessage(t, 50*time.Millisecond)
	conv := alice.Conversation().String()
	if !strings.Contains(conv, "(#551) This person isn't available right now.") {
		t.Errorf("Alice's conversation does not show the 551:\n%s", conv)
	}
}

func TestRefusesUnsignedWebhooks(t *testing.T) {
	t.Parallel()
	bot := New(Config{AppSecret: "s", VerifyToken: "v", PageToken: "t", GraphURL: "http://unused.test"})
	body := []byte(`{"object":"page","entry":[]}`)
	for _, sig := range []string{"", "sha256=00", "sha1=abc"} {
		req := httptest.NewRequest("POST", "/webhook", bytes.NewReader(body))
		if sig != "" {
			req.Header.Set("X-Hub-Signature-256", sig)
		}
		rec := httptest.NewRecorder()
		bot.ServeHTTP(rec, req)
		if rec.Code != http.StatusForbidden {
			t.Errorf("signature %q: HTTP %d, want 403", sig, rec.Code)
		}
	}
	req := httptest.NewRequest("GET", "/webhook?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=42", nil)
	rec := httptest.NewRecorder()
	bot.ServeHTTP(rec, req)
	if rec.Code != http.StatusForbidden {
		t.Errorf("wrong verify token: HTTP %d, want 403", rec.Code)
	}
}

func TestConfigFromEnv(t *testing.T) {
	t.Parallel()
	env := map[string]string{"PAGE_ACCESS_TOKEN": "EAAx", "APP_SECRET": "s", "VERIFY_TOKEN": "v", "GRAPH_API_URL": "http://127.0.0.1:8080/"}
	cfg, addr, err := configFromEnv(func(k string) string { return env[k] })
	if err != nil || cfg.GraphURL != "http://127.0.0.1:8080" || cfg.PageToken != "EAAx" || addr != "127.0.0.1:3000" {
		t.Errorf("configFromEnv = %+v %q %v", cfg, addr, err)
	}
	_, _, err = configFromEnv(func(string) string { return "" })
	if err == nil || err.Error() != "set APP_SECRET, PAGE_ACCESS_TOKEN, VERIFY_TOKEN" {
		t.Errorf("empty environment: %v", err)
	}
}
