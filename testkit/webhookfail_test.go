package testkit_test

import (
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/messemu/messemu/testkit"
)

// failingBot answers the handshake, then answers status to the first
// fails webhooks and hands the rest to next.
func failingBot(status int, fails int32, next func(emu *testkit.Emulator) http.Handler) func(emu *testkit.Emulator) http.Handler {
	return func(emu *testkit.Emulator) http.Handler {
		h := next(emu)
		var n atomic.Int32
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost && n.Add(1) <= fails {
				http.Error(w, "not today", status)
				return
			}
			h.ServeHTTP(w, r)
		})
	}
}

// A bot that refuses the webhook (a wrong app secret, a crash) through
// the platform's immediate retries cannot answer before the next retry,
// minutes away on the virtual clock: NextMessage says so at once, with
// the bot's answer, instead of waiting out its timeout.
func TestNextMessageFailsAtOnceOnARefusedWebhook(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		status int
		want   []string
	}{
		{http.StatusForbidden, []string{`the bot answered HTTP 403 "not today"`, "Does the bot check X-Hub-Signature-256 with emu.AppSecret()?", "next retry is 1m0s away"}},
		{http.StatusInternalServerError, []string{`the bot answered HTTP 500 "not today"`, "next retry is 1m0s away"}},
	} {
		t.Run(http.StatusText(tc.status), func(t *testing.T) {
			t.Parallel()
			emu := testkit.Start(t, testkit.Timeout(time.Minute), testkit.BotFrom(failingBot(tc.status, 1000, echoBot)))
			alice := emu.User("Alice")
			alice.Says("hi")
			var rec recorder
			rec.run(func() { alice.NextMessage(&rec) })
			out := rec.output() // a wait that ran out would say "within 1m0s" instead
			want := append([]string{"no message to Alice can follow: the bot did not accept the messages webhook (attempt 4)",
				"messemu: [messages webhook, attempt 1:"}, tc.want...)
			for _, w := range want {
				if !strings.Contains(out, w) {
					t.Errorf("failure message lacks %q:\n%s", w, out)
				}
			}
		})
	}
}

// A bot that fails a webhook once and accepts the platform's immediate
// retry still answers: NextMessage returns its message.
func TestNextMessageWaitsThroughAnImmediateRetry(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t, testkit.BotFrom(failingBot(http.StatusInternalServerError, 2, echoBot)))
	alice := emu.User("Alice")
	alice.Says("hi")
	testkit.CheckText(t, alice.NextMessage(t), "echo: hi")
}

// A timeout says why nothing came when the journal knows: the bot is
// still handling the webhook, or no bot is connected at all; neither is
// a bot that bypasses emu.Client().
func TestNextMessageTimeoutSaysWhereTheWebhookIs(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	slow := testkit.Start(t, testkit.Timeout(50*time.Millisecond), testkit.Bot(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			_, _ = io.WriteString(w, r.URL.Query().Get("hub.challenge"))
			return
		}
		<-release
	})))
	t.Cleanup(func() { close(release) })
	none := testkit.Start(t, testkit.Timeout(50*time.Millisecond))
	for _, tc := range []struct {
		emu       *testkit.Emulator
		want, not string
	}{
		{slow, "The bot has not yet answered the webhook of Alice's last action after 50ms: it is still queued or being handled", "emu.Client()"},
		{none, "No bot is connected, so Alice's actions reached no one", "emu.Client()"},
	} {
		alice := tc.emu.User("Alice")
		alice.Says("hi")
		var rec recorder
		rec.run(func() { alice.NextMessage(&rec) })
		out := rec.output()
		if !strings.Contains(out, tc.want) || strings.Contains(out, tc.not) {
			t.Errorf("failure message: want %q, not %q:\n%s", tc.want, tc.not, out)
		}
	}
}

// A fault rule's latency longer than NextMessage's timeout is named when
// NextMessage times out: the test's own doing, not the bot's.
func TestNextMessageTimeoutNamesASlowFaultRule(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t, testkit.Timeout(time.Second), testkit.BotFrom(echoBot))
	emu.AddFault(testkit.Fault{API: "send", Latency: 3 * time.Second})
	alice := emu.User("Alice")
	alice.Says("hi")
	var rec recorder
	rec.run(func() { alice.NextMessage(&rec) })
	want := "Fault rule f1 delays the answer of the calls it matches by 3s, longer than the 1s NextMessage waits (it applied 1 time(s))."
	if out := rec.output(); !strings.Contains(out, want) {
		t.Errorf("failure message lacks %q:\n%s", want, out)
	}
}

// Fault's documentation: a send whose client gave up during a fault
// rule's latency is still carried out, and NextMessage returns it.
func TestALateAnswerStillDelivers(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	emu.AddFault(testkit.Fault{API: "send", Latency: 300 * time.Millisecond})
	alice := emu.User("Alice")
	alice.Says("hi")
	client := *emu.Client()
	client.Timeout = 20 * time.Millisecond
	if _, _, err := send(&client, emu.URL(), emu.PageToken(), text(alice.PSID(), "late")); err == nil {
		t.Fatal("the send answered within the client's timeout, through a 300ms latency")
	}
	testkit.CheckText(t, alice.NextMessage(t), "late")
}

// A webhook that is not the user's newest action failing leaves the bot's
// answer to come: an echo the bot does not handle, or an older message put
// off to a delayed retry while newer ones go on (D23). NextMessage waits
// for the answer rather than failing at once.
func TestNextMessageIsNotStoppedByAnotherWebhookFailing(t *testing.T) {
	t.Parallel()
	echoesFail := func(emu *testkit.Emulator) http.Handler {
		h := echoBot(emu)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			if strings.Contains(string(body), `"is_echo":true`) {
				http.Error(w, "echo not handled", http.StatusInternalServerError)
				return
			}
			r.Body = io.NopCloser(strings.NewReader(string(body)))
			h.ServeHTTP(w, r)
		})
	}
	emu := testkit.Start(t, testkit.BotFrom(echoesFail))
	alice := emu.User("Alice")
	alice.Says("one")
	testkit.CheckText(t, alice.NextMessage(t), "echo: one")
	alice.Says("two") // after the echo's immediate retries fail (one user's events keep their order)
	testkit.CheckText(t, alice.NextMessage(t), "echo: two")
}
