package testkit_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/messemu/messemu/fakegraph"
	"github.com/messemu/messemu/testkit"
)

// subscribe subscribes the emulator's Page to fields, as a bot does with
// POST /me/subscribed_apps.
func subscribe(t *testing.T, emu *testkit.Emulator, fields string) {
	t.Helper()
	resp, err := emu.Client().Post(emu.URL()+"/v26.0/me/subscribed_apps?subscribed_fields="+fields+"&access_token="+emu.PageToken(), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("subscribed_apps: HTTP %d", resp.StatusCode)
	}
}

// A tap whose field (messaging_postbacks) the Page is not subscribed to
// never reaches the bot, as on the platform: NextMessage says so, with
// the subscription that would carry it, after a short grace rather than
// its whole timeout.
func TestNextMessageSaysAnActionWasNotSentForWantOfASubscription(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t, testkit.Timeout(time.Minute), testkit.BotFrom(echoBot))
	subscribe(t, emu, "messages")
	alice := emu.User("Alice")
	alice.Says("hi")
	alice.NextMessage(t)
	if code, body, err := send(emu.Client(), emu.URL(), emu.PageToken(), buttons(alice.PSID())); err != nil || code != 200 {
		t.Fatalf("buttons: %d %s %v", code, body, err)
	}
	alice.NextMessage(t)
	alice.TapsButton("Order")
	var rec recorder
	rec.run(func() { alice.NextMessage(&rec) })
	out := rec.output()
	for _, want := range []string{
		"no message to Alice can follow",
		`Alice's action [taps button "Order"] was not sent to the bot: the Page is not subscribed to messaging_postbacks (subscribed: messages); ` +
			"the bot subscribes it with POST /me/subscribed_apps?subscribed_fields=messages,messaging_postbacks.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("failure lacks %q:\n%s", want, out)
		}
	}
}

// handlerTransport serves every request with h, in process.
type handlerTransport struct{ h http.Handler }

func (ht handlerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	ht.h.ServeHTTP(rec, r)
	return rec.Result(), nil
}

// An action left out by the webhook's own fields is named as such, on a
// timeout too (a reaction, sent, may still be answered).
func TestNextMessageNamesTheWebhooksFields(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t, testkit.Timeout(300*time.Millisecond))
	bot := &http.Client{Transport: handlerTransport{echoBot(emu)}}
	if err := emu.Server().SetWebhook(fakegraph.WebhookConfig{URL: "http://bot.test/webhook", Client: bot,
		VerifyToken: emu.VerifyToken(), Fields: []string{"messages", "message_reactions"}}); err != nil {
		t.Fatal(err)
	}
	alice := emu.User("Alice")
	alice.Says("hi")
	m := alice.NextMessage(t)
	alice.Reads()
	alice.Reacts(m, "love")
	var rec recorder
	rec.run(func() { alice.NextMessage(&rec) })
	out := rec.output()
	if !strings.Contains(out, "no message from the bot to Alice within 300ms") {
		t.Errorf("NextMessage did not wait for an answer to the reaction:\n%s", out)
	}
	want := "Alice's action [reads the thread] was not sent to the bot: the webhook's fields leave out message_reads " +
		"(fields: messages, message_reactions); give WebhookConfig.Fields message_reads too, or nil for every field."
	if !strings.Contains(out, want) {
		t.Errorf("failure lacks %q:\n%s", want, out)
	}
}

// Something the user did since the bot's last message that did reach the
// bot leaves its answer to come: an unsubscribed reaction after it does
// not stop NextMessage.
func TestAnUnsentActionDoesNotStopTheAnswerToASentOne(t *testing.T) {
	t.Parallel()
	slowEcho := func(emu *testkit.Emulator) http.Handler {
		h := echoBot(emu)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost {
				time.Sleep(1500 * time.Millisecond) // longer than the grace
			}
			h.ServeHTTP(w, r)
		})
	}
	emu := testkit.Start(t, testkit.BotFrom(slowEcho))
	subscribe(t, emu, "messages,messaging_postbacks")
	alice := emu.User("Alice")
	alice.Says("one")
	m := alice.NextMessage(t)
	alice.Says("two")
	alice.Reacts(m, "like")
	testkit.CheckText(t, alice.NextMessage(t), "echo: two")
}
