package fakegraph_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/messemu/messemu/fakegraph"
)

// A test user writes; the bot gets the messages webhook, signed with the
// app secret, non-ASCII escaped as \uXXXX.
func ExampleServer_SetWebhook() {
	bodies := make(chan string, 1)
	bot := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet { // the verification handshake
			if _, err := io.WriteString(w, r.URL.Query().Get("hub.challenge")); err != nil {
				fmt.Println(err)
			}
			return
		}
		b, err := io.ReadAll(r.Body)
		if err != nil {
			fmt.Println(err)
			return
		}
		bodies <- r.Header.Get("User-Agent") + " " + r.Header.Get("X-Hub-Signature-256")[:7] + "…\n" + string(b)
	}))
	defer bot.Close()
	s := fakegraph.New(fakegraph.WithClock(fakegraph.NewFrozenClock(time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC))), fakegraph.WithIDSeed(1))
	defer func() {
		if err := s.Close(); err != nil {
			fmt.Println(err)
		}
	}()
	if err := s.SetWebhook(fakegraph.WebhookConfig{URL: bot.URL + "/webhook"}); err != nil {
		fmt.Println(err)
		return
	}
	if _, err := s.UserSends(fakegraph.DefaultPageID, "5275811702471834", fakegraph.UserMessageRequest{Text: "Grüß Gott"}); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(<-bodies)
	fmt.Println(s.Webhook().State)
	// Output:
	// facebookexternalua sha256=…
	// {"object":"page","entry":[{"id":"109876543210987","time":1780315200000,"messaging":[{"sender":{"id":"5275811702471834"},"recipient":{"id":"109876543210987"},"timestamp":1780315200000,"message":{"mid":"m_P3gpYx2gB4dktXek1BvfB7IMlqtS_PiuDgg3w_XysCZA-UpS9lPw6bbG43DesMkqWoxShDMk-aSEpqZqQKgRqA","text":"Gr\u00fc\u00df Gott"}}]}]}
	// active
}
