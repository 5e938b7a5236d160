package testkit_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/messemu/messemu/fakegraph"
	"github.com/messemu/messemu/testkit"
)

// A send refused after its Page was known but before its recipient was
// read (a missing appsecret_proof, a rate limit) is a send to the user
// the request names: NoMessage fails on it and NextMessage stops at it,
// as for any refused send.
func TestRefusedUnderThePageCountsForTheUser(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t, testkit.StrictProof())
	alice := emu.User("Alice")
	alice.Says("hi")
	go func() {
		time.Sleep(50 * time.Millisecond)
		_, _, _ = send(emu.Client(), emu.URL(), emu.PageToken(), text(alice.PSID(), "no proof"))
	}()
	var rec recorder
	rec.run(func() { alice.NoMessage(&rec, 2*time.Second) })
	if out := rec.output(); !strings.Contains(out, "the platform refused it") || !strings.Contains(out, "appsecret_proof") {
		t.Errorf("NoMessage after a send refused for its proof: %q, want a failure naming the refusal", out)
	}
	_, _, _ = send(emu.Client(), emu.URL(), emu.PageToken(), text(alice.PSID(), "no proof again"))
	var rec2 recorder
	start := time.Now()
	rec2.run(func() { alice.NextMessage(&rec2) })
	if out := rec2.output(); !strings.Contains(out, "appsecret_proof") {
		t.Errorf("NextMessage after a send refused for its proof: %q, want a failure naming the refusal", out)
	}
	if waited := time.Since(start); waited > 4*time.Second {
		t.Errorf("NextMessage waited %v for a send already refused", waited)
	}
}

// What the bot calls as BotFrom builds it is the bot's too.
func TestCheckNoViolationsSeesTheBotsConstructor(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t, testkit.BotFrom(func(emu *testkit.Emulator) http.Handler {
		req, _ := http.NewRequest("POST", emu.URL()+"/v26.0/me/messenger_profile?access_token="+emu.PageToken(), strings.NewReader(`{"get_started":{}}`))
		req.Header.Set("Content-Type", "application/json")
		if resp, err := emu.Client().Do(req); err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.WriteString(w, r.URL.Query().Get("hub.challenge"))
		})
	}))
	var rec recorder
	if emu.CheckNoViolations(&rec) {
		t.Errorf("CheckNoViolations passed although the bot's constructor was refused")
	}
	if out := rec.output(); !strings.Contains(out, "messenger_profile") {
		t.Errorf("CheckNoViolations said %q, want the refused messenger_profile call", out)
	}
}

// Check refuses a want with more after its first JSON value rather than
// compare the first alone, and compares numbers by value.
func TestCheckWantIsOneValueAndNumbersByValue(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	journalBot(t, emu, func(psid, said string) []map[string]any {
		return []map[string]any{{"recipient": map[string]any{"id": psid}, "messaging_type": "RESPONSE",
			"message": map[string]any{"text": "Pick one", "metadata": "x", "quick_replies": []any{
				map[string]any{"content_type": "text", "title": "Red", "payload": "R"},
			}}}}
	})
	alice := emu.User("Alice")
	alice.Says("hi")
	msg := alice.NextMessage(t)
	for _, want := range []string{
		`{"text":"Pick one"}, "quick_replies":[{"title":"Green"}]}`,
		`{"text":"Pick one"}{"text":"other"}`,
	} {
		var rec recorder
		if testkit.Check(&rec, msg, want, testkit.Partial()) {
			t.Errorf("Check passed with want %s", want)
		}
		if out := rec.output(); !strings.Contains(out, "more after the first JSON value") {
			t.Errorf("Check with want %s said %q", want, out)
		}
	}
	if !testkit.Check(t, msg, `{"text":"Pick one","quick_replies":[{"title":"Red"}]}`, testkit.Partial()) {
		t.Error("Check failed a right partial want")
	}
}

// A listening emulator's Transport serves its own URL too, and nothing
// else on that host.
func TestTransportServesTheListenersURL(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t, testkit.Listen())
	c := &http.Client{Transport: emu.Transport()}
	resp, err := c.Get(emu.URL() + "/v26.0/me?access_token=" + emu.PageToken())
	if err != nil {
		t.Fatalf("GET %s/v26.0/me through Transport: %v", emu.URL(), err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("GET /me through Transport: %d", resp.StatusCode)
	}
	other := strings.TrimSuffix(emu.URL(), emu.URL()[strings.LastIndex(emu.URL(), ":"):]) + ":1"
	if _, err := c.Get(other + "/v26.0/me"); err == nil || !strings.Contains(err.Error(), "answers only for") {
		t.Errorf("GET %s through Transport: %v, want it refused (another port of the same host)", other, err)
	}
}

// With a retention, a long test keeps going past what the emulator
// forgets: each wait reads on from where it stands.
func TestRetentionBoundsALongTest(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t, testkit.Retention(fakegraph.Retention{Events: 40}))
	journalBot(t, emu, echo)
	alice := emu.User("Alice")
	for i := range 60 {
		said := fmt.Sprintf("message %d", i)
		alice.Says(said)
		testkit.CheckText(t, alice.NextMessage(t), "echo: "+said)
	}
	// The journal trims in batches, a quarter past its bound at most.
	kept := emu.Server().Journal().After(0, 0)
	var first uint64
	if len(kept) > 0 {
		first = kept[0].Seq
	}
	if len(kept) > 50 || first < 100 {
		t.Errorf("the journal holds %d events, from seq %d: want at most 50, the oldest of 60 sends' forgotten", len(kept), first)
	}
}

// A wait that times out names the bot's sends refused for a recipient the
// Page does not know: a bot that sends to the wrong PSID learns why.
func TestSilenceNamesSendsToAnUnknownRecipient(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t, testkit.Timeout(300*time.Millisecond))
	journalBot(t, emu, func(psid, said string) []map[string]any {
		return []map[string]any{text("1000000000000001", "lost")}
	})
	alice := emu.User("Alice")
	alice.Says("hi")
	var rec recorder
	rec.run(func() { alice.NextMessage(&rec) })
	if out := rec.output(); !strings.Contains(out, "to recipient 1000000000000001, not Alice's PSID") {
		t.Errorf("NextMessage after a send to an unknown PSID: %q, want the refusal named", out)
	}
}
