package testkit_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/messemu/messemu/fakegraph"
	"github.com/messemu/messemu/testkit"
)

// handoverBot says goodbye, then (a moment later, as a bot that writes to
// its database first would) passes the thread to the Page Inbox, all
// before it answers the webhook.
func handoverBot(emu *testkit.Emulator) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			_, _ = io.WriteString(w, r.URL.Query().Get("hub.challenge"))
			return
		}
		body, _ := io.ReadAll(r.Body)
		var hook struct {
			Entry []struct {
				Messaging []struct {
					Sender  struct{ ID string } `json:"sender"`
					Message *struct {
						Text string `json:"text"`
					} `json:"message"`
				} `json:"messaging"`
			} `json:"entry"`
		}
		_ = json.Unmarshal(body, &hook)
		for _, e := range hook.Entry {
			for _, m := range e.Messaging {
				if m.Message == nil || m.Message.Text != "human" {
					continue
				}
				if _, _, err := send(emu.Client(), emu.URL(), emu.PageToken(), text(m.Sender.ID, "Connecting you to a person")); err != nil {
					http.Error(w, err.Error(), http.StatusBadGateway)
					return
				}
				time.Sleep(20 * time.Millisecond)
				pass := `{"recipient":{"id":"` + m.Sender.ID + `"},"target_app_id":"` + fakegraph.PageInboxAppID + `"}`
				req, _ := http.NewRequest("POST", emu.URL()+"/v26.0/me/pass_thread_control?access_token="+emu.PageToken(), bytes.NewReader([]byte(pass)))
				req.Header.Set("Content-Type", "application/json")
				resp, err := emu.Client().Do(req)
				if err != nil {
					http.Error(w, err.Error(), http.StatusBadGateway)
					return
				}
				resp.Body.Close()
			}
		}
	})
}

// What the bot does after its last message (here a handover) is done
// once WaitForBot returns: the check after it does not race the bot.
func TestWaitForBotLetsTheBotFinish(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t, testkit.BotFrom(handoverBot))
	alice := emu.User("Alice")
	alice.WaitForBot(t) // nothing fired yet: returns at once
	alice.Says("human")
	testkit.CheckText(t, alice.NextMessage(t), "Connecting you to a person")
	alice.WaitForBot(t)
	if got := alice.ThreadOwner(); got != fakegraph.PageInboxAppID {
		t.Errorf("thread owner after WaitForBot = %q, want the Page Inbox %s", got, fakegraph.PageInboxAppID)
	}
	// The Page Inbox passes the thread back: its webhook is the thread's too.
	alice.AppActs(testkit.PassThread, "", "", "done")
	alice.WaitForBot(t)
	emu.CheckNoViolations(t)
}

// WaitForBot fails at once on a webhook the bot refuses, and at the
// timeout on one it is still handling.
func TestWaitForBotFailures(t *testing.T) {
	t.Parallel()
	refusing := testkit.Start(t, testkit.Timeout(time.Minute), testkit.BotFrom(failingBot(http.StatusForbidden, 1000, echoBot)))
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	blocked := testkit.Start(t, testkit.Timeout(50*time.Millisecond), testkit.Bot(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			_, _ = io.WriteString(w, r.URL.Query().Get("hub.challenge"))
			return
		}
		<-release
	})))
	for _, tc := range []struct {
		emu  *testkit.Emulator
		want string
	}{
		{refusing, `the bot did not accept the messages webhook (attempt 4): the bot answered HTTP 403 "not today"`},
		{blocked, "the bot has not answered 1 webhook(s) of Alice's thread within 50ms"},
	} {
		alice := tc.emu.User("Alice")
		alice.Says("hi")
		var rec recorder
		rec.run(func() { alice.WaitForBot(&rec) })
		if out := rec.output(); !strings.Contains(out, tc.want) {
			t.Errorf("failure message lacks %q:\n%s", tc.want, out)
		}
	}
}

// WaitForBot reads the journal while the dispatcher writes to it: a user
// who acts and waits, over and over, must not deadlock the two.
func TestWaitForBotWhileTheDispatcherWorks(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t, testkit.BotFrom(echoBot))
	users := []*testkit.User{emu.User("Alice"), emu.User("Bob"), emu.User("Carol")}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 150 {
			for _, u := range users {
				u.Says(fmt.Sprint("hi ", i))
			}
			users[i%len(users)].WaitForBot(t)
		}
	}()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		t.Fatal("WaitForBot and the webhook dispatcher deadlocked")
	}
}

// Bot's documentation says where the webhooks go: GET and POST /webhook.
func TestBotIsServedAtWebhook(t *testing.T) {
	t.Parallel()
	var paths []string
	var mu sync.Mutex
	emu := testkit.Start(t, testkit.Bot(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		paths = append(paths, r.Method+" "+r.Host+r.URL.Path)
		mu.Unlock()
		_, _ = io.WriteString(w, r.URL.Query().Get("hub.challenge"))
	})))
	alice := emu.User("Alice")
	alice.Says("hi")
	alice.WaitForBot(t)
	mu.Lock()
	defer mu.Unlock()
	if want := []string{"GET bot.messemu.test/webhook", "POST bot.messemu.test/webhook"}; !slices.Equal(paths, want) {
		t.Errorf("the bot was asked %q, want %q", paths, want)
	}
}
