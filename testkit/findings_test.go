package testkit_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/messemu/messemu/fakegraph"
	"github.com/messemu/messemu/testkit"
	"github.com/messemu/messemu/validator"
)

// A test that expects the platform to refuse or warn (a bot's known bug)
// asserts on the findings themselves: the rule, the JSON path, the code.
func TestViolationsAndWarningsList(t *testing.T) {
	t.Parallel()
	var chips13, chips14 []string
	for i := range 14 {
		chip := fmt.Sprintf(`{"content_type":"text","title":"EU %d","payload":"S%d"}`, 35+i, i)
		if i < 13 {
			chips13 = append(chips13, chip)
		}
		chips14 = append(chips14, chip)
	}
	for _, tc := range []struct {
		name, message   string
		refused, warned string // rule, "" for none
		path            string
		code            int
	}{
		{"ok", `{"text":"Size?","quick_replies":[` + strings.Join(chips13, ",") + `]}`, "", "", "", 0},
		{"14 quick replies", `{"text":"Size?","quick_replies":[` + strings.Join(chips14, ",") + `]}`, "quick_replies.too-many", "", "message.quick_replies", 105},
		{"21-char title", `{"text":"Hi","quick_replies":[{"content_type":"text","title":"Show me the cat photo","payload":"CAT"}]}`, "", "quick_reply.title.length", "message.quick_replies[0].title", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			emu := testkit.Start(t)
			alice := emu.User("Alice")
			alice.Says("hi")
			var msg map[string]any
			if err := json.Unmarshal([]byte(tc.message), &msg); err != nil {
				t.Fatal(err)
			}
			body := map[string]any{"recipient": map[string]any{"id": alice.PSID()}, "messaging_type": "RESPONSE", "message": msg}
			if _, _, err := send(emu.Client(), emu.URL(), emu.PageToken(), body); err != nil {
				t.Fatal(err)
			}
			check := func(kind string, got []testkit.Finding, rule string) {
				t.Helper()
				if rule == "" {
					if len(got) != 0 {
						t.Errorf("%s: %+v, want none", kind, got)
					}
					return
				}
				if len(got) != 1 {
					t.Fatalf("%s: %+v, want one", kind, got)
				}
				f := got[0]
				if f.Rule != rule || f.Path != tc.path || f.PSID != alice.PSID() || !strings.HasSuffix(f.Call, "/me/messages") || !strings.HasPrefix(f.Call, "POST ") {
					t.Errorf("%s: %+v, want rule %s at %s for Alice's POST me/messages", kind, f, rule, tc.path)
				}
				if tc.code != 0 && (f.Error == nil || f.Error.Code != tc.code) {
					t.Errorf("%s: error %+v, want code %d", kind, f.Error, tc.code)
				}
			}
			check("Violations", emu.Violations(), tc.refused)
			check("Warnings", emu.Warnings(), tc.warned)
		})
	}
}

// Check's failure names the JSON paths that differ before the diff, so a
// one-word difference deep in a carousel is found without reading the
// whole structure.
func TestCheckNamesTheDifferingPaths(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	alice := emu.User("Alice")
	alice.Says("shop")
	if _, _, err := send(emu.Client(), emu.URL(), emu.PageToken(), carousel(alice.PSID())); err != nil {
		t.Fatal(err)
	}
	msg := alice.NextMessage(t)
	var got map[string]any
	if err := json.Unmarshal(msg.JSON(), &got); err != nil {
		t.Fatal(err)
	}
	els := got["attachment"].(map[string]any)["payload"].(map[string]any)["elements"].([]any)
	els[1].(map[string]any)["title"] = "Green shirt"
	delete(els[0].(map[string]any), "buttons")
	for _, tc := range []struct {
		want any
		opts []testkit.CheckOption
		line string
	}{
		{got, nil, "message mismatch at message.attachment.payload.elements[0].buttons, message.attachment.payload.elements[1].title (-want +got)"},
		{`{"text":"Pick one"}`, []testkit.CheckOption{testkit.Partial()}, "message mismatch at message.text (-want +got)"},
	} {
		var rec recorder
		if testkit.Check(&rec, msg, tc.want, tc.opts...) {
			t.Fatal("Check passed on a different message")
		}
		if out := rec.output(); !strings.Contains(out, tc.line) {
			t.Errorf("failure message lacks %q:\n%s", tc.line, out)
		}
	}
}

// NoMessage fails on a send the platform refused: the bot did try. A
// refusal a fault rule forced is the test's doing and passes.
func TestNoMessageCountsARefusedSend(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	alice, bob := emu.User("Alice"), emu.User("Bob")
	alice.Says("hi")
	bob.Says("hi")
	emu.AddFault(testkit.Fault{API: "send", PSID: bob.PSID(), Error: validator.KeyUnavailable})
	for _, u := range []*testkit.User{alice, bob} {
		// An empty text: the platform refuses it for Alice; Bob's fault answers first.
		if _, _, err := send(emu.Client(), emu.URL(), emu.PageToken(), text(u.PSID(), "")); err != nil {
			t.Fatal(err)
		}
	}
	var rec recorder
	rec.run(func() { alice.NoMessage(&rec, 50*time.Millisecond) })
	want := "the bot tried to send Alice a message, want none; the platform refused it: (#100) Message cannot be empty"
	if out := rec.output(); !strings.Contains(out, want) {
		t.Errorf("NoMessage's failure lacks %q:\n%s", want, out)
	}
	bob.NoMessage(t, 50*time.Millisecond)
}

// TapsButton's documentation: a title that repeats in the message taps
// the first button with it.
func TestTapsButtonTapsTheFirstOfRepeatedTitles(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	alice := emu.User("Alice")
	alice.Says("shop")
	if _, _, err := send(emu.Client(), emu.URL(), emu.PageToken(), carousel(alice.PSID())); err != nil {
		t.Fatal(err)
	}
	alice.NextMessage(t)
	alice.TapsButton("Buy")
	var payload string
	for _, e := range emu.Server().Journal().Find(0, func(e *fakegraph.Event) bool { return e.Kind == fakegraph.KindUserAction }) {
		var ev struct {
			Postback *struct {
				Payload string `json:"payload"`
			} `json:"postback"`
		}
		if h, ok := e.Hook(); ok && json.Unmarshal(h.Event, &ev) == nil && ev.Postback != nil {
			payload = ev.Postback.Payload
		}
	}
	if payload != "RED" {
		t.Errorf("TapsButton(\"Buy\") tapped the button with payload %q, want the first card's RED", payload)
	}
}
