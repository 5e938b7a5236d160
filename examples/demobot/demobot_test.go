package demobot

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/messemu/messemu/fakegraph"
)

const alice = "5275811702471834"

// waitJournal waits for the first event after seq that keep accepts.
func waitJournal(t *testing.T, s *fakegraph.Server, after uint64, keep func(*fakegraph.Event) bool) fakegraph.Event {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	evs, err := s.Journal().WaitMatch(ctx, after, 1, keep)
	if err != nil {
		t.Fatalf("waiting for a journal event after %d: %v", after, err)
	}
	return evs[0]
}

// TestDemoBot: the built-in bot answers every demo step through the real
// HTTP Send API, with requests the platform accepts without a warning.
func TestDemoBot(t *testing.T) {
	t.Parallel()
	s := fakegraph.New()
	if err := Start(s, nil); err == nil {
		t.Error("the demo bot started before the server")
	}
	if err := s.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	if err := Start(s, nil); err != nil {
		t.Fatal(err)
	}
	if st := s.Webhook(); st.State != "active" || st.URL != demoBotURL {
		t.Fatalf("status %+v", st)
	}
	// reply waits for the bot's next accepted send to Alice and returns
	// its message as JSON.
	reply := func(act func() error) string {
		t.Helper()
		from := s.Journal().Last()
		if err := act(); err != nil {
			t.Fatal(err)
		}
		e := waitJournal(t, s, from, func(e *fakegraph.Event) bool {
			return e.Kind == fakegraph.KindRequest && e.API == fakegraph.APISend && e.PSID == alice && e.MID != ""
		})
		if !e.Accepted || len(e.Violations) > 0 {
			t.Fatalf("the demo bot's send was not clean: %s\n%+v\n%s", e.Request, e.Violations, e.Response)
		}
		return string(e.Request)
	}
	steps := []struct {
		name string
		act  func() error
		want string
	}{
		{"greeting", func() error {
			_, err := s.UserSends(fakegraph.DefaultPageID, alice, fakegraph.UserMessageRequest{Text: "hi"})
			return err
		}, "Hi Alice!"},
		{"carousel", func() error { _, err := s.UserTapsQuickReply(fakegraph.DefaultPageID, alice, "Carousel"); return err }, `"template_type":"generic"`},
		{"postback", func() error { _, err := s.UserTapsButton(fakegraph.DefaultPageID, alice, "Choose latte"); return err }, "PICK_LATTE"},
		{"buttons", func() error { _, err := s.UserTapsQuickReply(fakegraph.DefaultPageID, alice, "Buttons"); return err }, `"template_type":"button"`},
		{"receipt button", func() error { _, err := s.UserTapsButton(fakegraph.DefaultPageID, alice, "Show a receipt"); return err }, `"template_type":"receipt"`},
		{"receipt again", func() error { _, err := s.UserTapsQuickReply(fakegraph.DefaultPageID, alice, "Receipt"); return err }, `"template_type":"receipt"`},
		{"picture", func() error {
			_, err := s.UserSends(fakegraph.DefaultPageID, alice, fakegraph.UserMessageRequest{Attachments: []fakegraph.UserAttachment{{Type: "image", URL: "https://example.com/a.png"}}})
			return err
		}, "Thanks for the image!"},
		{"link", func() error {
			_, err := s.UserArrivesFrom(fakegraph.DefaultPageID, alice, fakegraph.Referral{Ref: "demo"})
			return err
		}, "Welcome!"},
	}
	for _, st := range steps {
		if got := reply(st.act); !strings.Contains(got, st.want) {
			t.Errorf("%s: the bot sent %s, want %s", st.name, got, st.want)
		}
	}
	// Every call the bot made, the reactions and profile look-ups too, is clean.
	reacts := 0
	for _, e := range s.Journal().Find(0, func(e *fakegraph.Event) bool { return e.Kind == fakegraph.KindRequest }) {
		if !e.Accepted || len(e.Violations) > 0 {
			t.Errorf("%s %s: %s %+v", e.Method, e.Path, e.Response, e.Violations)
		}
		if strings.Contains(string(e.Request), `"sender_action":"react"`) {
			reacts++
		}
	}
	if reacts != 1 { // on "hi"
		t.Errorf("%d react sender actions, want 1", reacts)
	}
}
