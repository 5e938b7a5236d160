package testkit_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/messemu/messemu/testkit"
	"github.com/messemu/messemu/validator"
)

func TestSaysAndNextMessage(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	journalBot(t, emu, echo)
	alice := emu.User("Alice Martin", testkit.Locale("fr_FR"))
	if got := alice.Profile().Locale; got != "fr_FR" {
		t.Errorf("locale = %q, want fr_FR", got)
	}
	alice.Says("hi")
	alice.Says("again")
	testkit.CheckText(t, alice.NextMessage(t), "echo: hi")
	testkit.CheckText(t, alice.NextMessage(t), "echo: again")
	emu.CheckNoViolations(t)
	emu.CheckNoWarnings(t)
	conv := alice.Conversation().String()
	for _, want := range []string{`Alice: "hi"`, `bot: "echo: hi"`, `bot: "echo: again"`} {
		if !strings.Contains(conv, want) {
			t.Errorf("conversation lacks %s:\n%s", want, conv)
		}
	}
}

// A failing check's message carries the diff (want −, got +) and the
// conversation so far; this is what a developer reads first.
func TestFailingCheckShowsDiffAndConversation(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	journalBot(t, emu, echo)
	alice := emu.User("Alice")
	alice.Says("hello there")
	msg := alice.NextMessage(t)
	var rec recorder
	if testkit.CheckText(&rec, msg, "Hello Alice") {
		t.Fatal("CheckText passed on a wrong text")
	}
	out := rec.output()
	if !hasDiffLine(out, "-", `"Hello Alice"`) || !hasDiffLine(out, "+", `"echo: hello there"`) {
		t.Errorf("failure message lacks the diff:\n%s", out)
	}
	for _, want := range []string{
		"the bot's message 1 to Alice: text mismatch (-want +got)",
		"Conversation with Alice so far:",
		`Alice: "hello there"`,
		`bot: "echo: hello there"`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("failure message lacks %q:\n%s", want, out)
		}
	}
}

func TestNextMessageTimeoutShowsConversation(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t, testkit.Timeout(50*time.Millisecond))
	alice := emu.User("Alice")
	alice.Says("anyone?")
	var rec recorder
	rec.run(func() { alice.NextMessage(&rec) })
	out := rec.output()
	for _, want := range []string{"no message from the bot to Alice within 50ms", `Alice: "anyone?"`} {
		if !strings.Contains(out, want) {
			t.Errorf("failure message lacks %q:\n%s", want, out)
		}
	}
}

// A send the platform refuses fails NextMessage at once with the
// violation, instead of leaving the test to wait out its timeout.
func TestNextMessageFailsAtOnceOnARefusedSend(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t, testkit.Timeout(time.Minute))
	journalBot(t, emu, func(psid, said string) []map[string]any {
		// An empty text: the platform refuses it (2018034).
		return []map[string]any{text(psid, "")}
	})
	alice := emu.User("Alice")
	alice.Says("anyone?")
	var rec recorder
	rec.run(func() { alice.NextMessage(&rec) })
	out := rec.output()
	for _, want := range []string{
		"the platform refused the bot's send to Alice: (#100) Message cannot be empty, must provide valid attachment or text at message",
		`Alice: "anyone?"`,
		"bot ✗ refused: (#100) Message cannot be empty, must provide valid attachment or text",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("failure message lacks %q:\n%s", want, out)
		}
	}
	var vrec recorder
	if emu.CheckNoViolations(&vrec) {
		t.Error("CheckNoViolations passed after a refused send")
	}
	if out := vrec.output(); !strings.Contains(out, "POST /v26.0/me/messages to Alice") || !strings.Contains(out, "rule message.content") || !strings.Contains(out, "2018034") && !strings.Contains(out, "Message cannot be empty") {
		t.Errorf("CheckNoViolations message:\n%s", out)
	}
}

func TestCheckNoWarnings(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	journalBot(t, emu, func(psid, said string) []map[string]any {
		// No messaging_type: accepted with a warning (PLATFORM.md D1).
		return []map[string]any{{"recipient": map[string]any{"id": psid}, "message": map[string]any{"text": "ok"}}}
	})
	alice := emu.User("Alice")
	alice.Says("hi")
	testkit.CheckText(t, alice.NextMessage(t), "ok")
	emu.CheckNoViolations(t)
	var rec recorder
	if emu.CheckNoWarnings(&rec) {
		t.Error("CheckNoWarnings passed on a send without messaging_type")
	}
	if out := rec.output(); !strings.Contains(out, "warned about 1 of the bot's requests") || !strings.Contains(out, "messaging_type") {
		t.Errorf("CheckNoWarnings message:\n%s", out)
	}
}

// carousel is a generic template with two cards.
func carousel(psid string) map[string]any {
	card := func(title, payload string) map[string]any {
		return map[string]any{"title": title, "subtitle": "a shirt", "image_url": "https://example.com/" + payload + ".png",
			"buttons": []any{map[string]any{"type": "postback", "title": "Buy", "payload": payload}}}
	}
	return map[string]any{"recipient": map[string]any{"id": psid}, "messaging_type": "RESPONSE", "message": map[string]any{
		"attachment": map[string]any{"type": "template", "payload": map[string]any{
			"template_type": "generic", "elements": []any{card("Red shirt", "RED"), card("Blue shirt", "BLUE")}}}}}
}

func TestChecks(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	journalBot(t, emu, func(psid, said string) []map[string]any {
		return []map[string]any{
			{"recipient": map[string]any{"id": psid}, "messaging_type": "RESPONSE", "message": map[string]any{
				"text": "Pick a colour", "quick_replies": []any{
					map[string]any{"content_type": "text", "title": "Red", "payload": "RED"},
					map[string]any{"content_type": "text", "title": "Blue", "payload": "BLUE"}}}},
			carousel(psid),
			{"recipient": map[string]any{"id": psid}, "messaging_type": "RESPONSE", "message": map[string]any{
				"attachment": map[string]any{"type": "image", "payload": map[string]any{"url": "https://example.com/cat.png"}}}},
		}
	})
	alice := emu.User("Alice")
	alice.Says("shirts")

	qr := alice.NextMessage(t)
	testkit.CheckQuickReplies(t, qr, "Red", "Blue")
	testkit.Check(t, qr, `{"text":"Pick a colour","quick_replies":[{"title":"Red"},{"payload":"BLUE"}]}`, testkit.Partial())
	testkit.Check(t, qr, map[string]any{"text": "Pick a colour", "quick_replies": []any{
		map[string]any{"content_type": "text", "title": "Red", "payload": "RED"},
		map[string]any{"content_type": "text", "title": "Blue", "payload": "BLUE"}}})

	cards := alice.NextMessage(t)
	testkit.CheckTemplate(t, cards, "generic", "Red shirt", "Blue shirt")
	testkit.CheckButtons(t, cards, "Buy", "Buy")
	if got := cards.Elements()[1].Buttons[0].Payload; got != "BLUE" {
		t.Errorf("second card's button payload = %q", got)
	}

	img := alice.NextMessage(t)
	testkit.CheckAttachment(t, img, "image", "https://example.com/cat.png")

	// Each check fails with its own diff when the bot is wrong.
	var rec recorder
	for name, failed := range map[string]bool{
		"quick replies": !testkit.CheckQuickReplies(&rec, qr, "Red", "Green"),
		"template":      !testkit.CheckTemplate(&rec, cards, "button"),
		"buttons":       !testkit.CheckButtons(&rec, cards, "Buy"),
		"attachment":    !testkit.CheckAttachment(&rec, img, "video", "https://example.com/cat.png"),
		"partial":       !testkit.Check(&rec, qr, `{"text":"Pick a color"}`, testkit.Partial()),
		"exact":         !testkit.Check(&rec, qr, `{"text":"Pick a colour"}`),
	} {
		if !failed {
			t.Errorf("check %s passed on a wrong want", name)
		}
	}
	out := rec.output()
	for _, want := range []struct{ sign, text string }{
		{"-", `"Green"`}, {"+", `"Blue"`}, {"-", `Kind: "button"`}, {"+", `Kind: "generic"`},
		{"-", `"Pick a color"`}, {"+", `"quick_replies"`}, {"-", `Type: "video"`},
	} {
		if !hasDiffLine(out, want.sign, want.text) {
			t.Errorf("failure output lacks %s %s:\n%s", want.sign, want.text, out)
		}
	}
	// Partial still compares arrays element by element: a one-chip want
	// fails on two chips, and the diff names the extra chip by the keys
	// want mentions, not by every key the platform wrote.
	var short recorder
	if testkit.Check(&short, qr, `{"quick_replies":[{"payload":"RED"}]}`, testkit.Partial()) {
		t.Error("a one-chip partial want passed on two chips")
	}
	if so := short.output(); !hasDiffLine(so, "+", `"BLUE"`) || strings.Contains(so, "content_type") {
		t.Errorf("partial diff of lengths:\n%s", so)
	}
	conv := alice.Conversation().String()
	for _, want := range []string{`quick replies: Red | Blue`, `[generic template: Red shirt | Blue shirt]`, `[image https://example.com/cat.png]`} {
		if !strings.Contains(conv, want) {
			t.Errorf("conversation lacks %q:\n%s", want, conv)
		}
	}
}

func TestAdvanceClosesTheWindow(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	alice := emu.User("Alice")
	alice.Says("hi")
	emu.Advance(25 * time.Hour)
	code, body, err := send(emu.Client(), emu.URL(), emu.PageToken(), text(alice.PSID(), "too late"))
	if err != nil {
		t.Fatal(err)
	}
	if code != 400 || !strings.Contains(body, `"error_subcode":2018278`) {
		t.Errorf("send after 25h: %d %s, want 10/2018278", code, body)
	}
	tagged := map[string]any{"recipient": map[string]any{"id": alice.PSID()}, "messaging_type": "MESSAGE_TAG", "tag": "HUMAN_AGENT", "message": map[string]any{"text": "an agent answers"}}
	if code, body, err := send(emu.Client(), emu.URL(), emu.PageToken(), tagged); err != nil || code != 200 {
		t.Errorf("HUMAN_AGENT send after 25h: %d %s %v, want 200", code, body, err)
	}
	// The refused send comes first: NextMessage reports it, then moves on.
	var rec recorder
	rec.run(func() { alice.NextMessage(&rec) })
	if out := rec.output(); !strings.Contains(out, "outside of allowed window") {
		t.Errorf("NextMessage after a refused send:\n%s", out)
	}
	msg := alice.NextMessage(t)
	if msg.Tag() != "HUMAN_AGENT" || msg.MessagingType() != "MESSAGE_TAG" {
		t.Errorf("tag %q type %q", msg.Tag(), msg.MessagingType())
	}
}

func TestFaults(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	alice, bob := emu.User("Alice"), emu.User("Bob")
	alice.Says("hi")
	bob.Says("hi")
	emu.AddFault(testkit.Fault{API: "send", PSID: alice.PSID(), Error: validator.KeyUnavailable})
	id := emu.AddFault(testkit.Fault{API: "send", Times: 3, Error: validator.KeyRateAPI})
	var got []int
	for range 2 {
		code, body, err := send(emu.Client(), emu.URL(), emu.PageToken(), text(alice.PSID(), "x"))
		if err != nil || code != 400 || !strings.Contains(body, `"code":551`) {
			t.Errorf("send to Alice: %d %s %v, want 551", code, body, err)
		}
	}
	for range 4 {
		_, body, err := send(emu.Client(), emu.URL(), emu.PageToken(), text(bob.PSID(), "x"))
		if err != nil {
			t.Fatal(err)
		}
		var a struct {
			Error struct{ Code int } `json:"error"`
		}
		if err := json.Unmarshal([]byte(body), &a); err != nil {
			t.Fatal(err)
		}
		got = append(got, a.Error.Code)
	}
	if want := []int{613, 613, 613, 0}; !equalInts(got, want) {
		t.Errorf("codes of Bob's sends = %v, want %v", got, want)
	}
	if f := emu.Faults(); len(f) != 2 || f[1].ID != id || f[1].Applied != 3 {
		t.Errorf("faults = %+v", f)
	}
	// Fault refusals are the test's doing, not the bot's.
	emu.CheckNoViolations(t)
	emu.ClearFaults()
	if code, _, err := send(emu.Client(), emu.URL(), emu.PageToken(), text(alice.PSID(), "x")); err != nil || code != 200 {
		t.Errorf("after ClearFaults: %d %v", code, err)
	}
	var rec recorder
	rec.run(func() {
		e2 := testkit.Start(&rec)
		e2.AddFault(testkit.Fault{Error: "no-such-error"})
	})
	if !strings.Contains(rec.output(), "unknown error key") {
		t.Errorf("AddFault with a bad key: %q", rec.output())
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// A bot that hard-codes https://graph.facebook.com reaches the emulator
// through Transport, with no socket and no certificate.
func TestTransportServesGraphFacebookCom(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	alice := emu.User("Alice")
	alice.Says("hi")
	c := &http.Client{Transport: emu.Transport()}
	code, body, err := send(c, "https://graph.facebook.com", emu.PageToken(), text(alice.PSID(), "from a hard-coded URL"))
	if err != nil || code != 200 || !strings.Contains(body, `"message_id":"m_`) {
		t.Fatalf("send: %d %s %v", code, body, err)
	}
	testkit.CheckText(t, alice.NextMessage(t), "from a hard-coded URL")
	// The emulator's validation answers as usual.
	code, body, err = send(c, "https://graph.facebook.com", emu.PageToken(), text("123", "x"))
	if err != nil || code != 400 || !strings.Contains(body, "No matching user found") {
		t.Errorf("unknown recipient: %d %s %v", code, body, err)
	}
	if _, err := c.Get("https://example.com/"); err == nil || !strings.Contains(err.Error(), `"example.com"`) {
		t.Errorf("another host: err = %v, want a refusal naming it", err)
	}
}

func TestListen(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t, testkit.Listen())
	if !strings.HasPrefix(emu.URL(), "http://127.0.0.1:") {
		t.Fatalf("URL = %q, want a loopback address", emu.URL())
	}
	journalBot(t, emu, echo)
	alice := emu.User("Alice")
	alice.Says("over a socket")
	testkit.CheckText(t, alice.NextMessage(t), "echo: over a socket")
	// The plain default client reaches it too: it is a real listener.
	if code, _, err := send(http.DefaultClient, emu.URL(), emu.PageToken(), text(alice.PSID(), "x")); err != nil || code != 200 {
		t.Errorf("default client: %d %v", code, err)
	}
}

func TestStrictProofAndAppSecret(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t, testkit.StrictProof(), testkit.AppSecret("s3cret"))
	if emu.AppSecret() != "s3cret" {
		t.Errorf("AppSecret = %q", emu.AppSecret())
	}
	alice := emu.User("Alice")
	alice.Says("hi")
	code, body, err := send(emu.Client(), emu.URL(), emu.PageToken(), text(alice.PSID(), "no proof"))
	if err != nil || code != 400 || !strings.Contains(body, "appsecret_proof") {
		t.Errorf("send without proof: %d %s %v", code, body, err)
	}
}

// A bot's client timeout works against the in-process transport as it
// does over a socket: a latency fault longer than the timeout ends the
// call with the client's error.
func TestTransportHonoursClientTimeout(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	alice := emu.User("Alice")
	alice.Says("hi")
	emu.AddFault(testkit.Fault{API: "send", Latency: time.Minute})
	c := &http.Client{Transport: emu.Transport(), Timeout: 20 * time.Millisecond}
	_, _, err := send(c, "https://graph.facebook.com", emu.PageToken(), text(alice.PSID(), "slow"))
	var timeout interface{ Timeout() bool }
	if !errors.As(err, &timeout) || !timeout.Timeout() {
		t.Errorf("err = %v, want the client's timeout", err)
	}
}

// post makes one Graph API call as the bot and decodes the answer.
func post(t *testing.T, emu *testkit.Emulator, path, body string) map[string]any {
	t.Helper()
	req, err := http.NewRequest("POST", emu.URL()+"/v26.0/"+path+"?access_token="+emu.PageToken(), strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := emu.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != 200 {
		t.Fatalf("POST %s: HTTP %d %v %v", path, resp.StatusCode, out, err)
	}
	return out
}

func TestMessageAccessors(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	alice := emu.User("Alice")
	alice.Says("hi")
	persona, ok := post(t, emu, "me/personas", `{"name":"Sam","profile_picture_url":"https://example.com/sam.png"}`)["id"].(string)
	if !ok {
		t.Fatal("the persona has no id")
	}
	post(t, emu, "me/messages", `{"recipient":{"id":"`+alice.PSID()+`"},"messaging_type":"RESPONSE","persona_id":"`+persona+`",
		"message":{"metadata":"order-7","attachment":{"type":"template","payload":{"template_type":"button","text":"Your order?",
		"buttons":[{"type":"postback","title":"Track","payload":"TRACK"},{"type":"web_url","title":"Site","url":"https://example.com/o/7"}]}}}}`)
	msg := alice.NextMessage(t)
	if msg.Persona() != persona {
		t.Errorf("Persona() = %q, want %q", msg.Persona(), persona)
	}
	if msg.Metadata() != "order-7" || msg.MessagingType() != "RESPONSE" || msg.Tag() != "" || msg.Text() != "" {
		t.Errorf("metadata %q type %q tag %q text %q", msg.Metadata(), msg.MessagingType(), msg.Tag(), msg.Text())
	}
	if msg.AttachmentType() != "template" || msg.TemplateType() != "button" || msg.TemplateText() != "Your order?" {
		t.Errorf("attachment %q template %q text %q", msg.AttachmentType(), msg.TemplateType(), msg.TemplateText())
	}
	want := []testkit.Button{{Type: "postback", Title: "Track", Payload: "TRACK"}, {Type: "web_url", Title: "Site", URL: "https://example.com/o/7"}}
	testkit.Check(t, msg, `{"attachment":{"payload":{"buttons":[{"title":"Track"},{"title":"Site"}]}}}`, testkit.Partial())
	if got := msg.Buttons(); len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("Buttons() = %+v, want %+v", got, want)
	}
	if s := msg.String(); s != `[button template "Your order?" buttons: Track | Site]` {
		t.Errorf("String() = %q", s)
	}
	if !strings.Contains(string(msg.JSON()), `"metadata":"order-7"`) {
		t.Errorf("JSON() = %s", msg.JSON())
	}
	if tok, ok := msg.Request()["access_token"].(string); ok && strings.Contains(tok, emu.PageToken()) {
		t.Error("the journalled request shows the whole token")
	}
}

// A send refused for its token is refused before the platform reads its
// recipient, so the journal files it under no user; the request names the
// user, though, and NextMessage fails at once with the refusal, which the
// conversation shows too.
func TestNextMessageFailsAtOnceOnASendWithAWrongToken(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t, testkit.Timeout(time.Minute))
	alice := emu.User("Alice")
	bob := emu.User("Bob")
	alice.Says("hi")
	if _, _, err := send(emu.Client(), emu.URL(), "EAAwrong", text(alice.PSID(), "Hello Alice")); err != nil {
		t.Fatal(err)
	}
	var rec recorder
	rec.run(func() { alice.NextMessage(&rec) })
	out := rec.output()
	for _, want := range []string{
		"the platform refused the bot's send to Alice: (#190)",
		`Alice: "hi"`,
		"bot ✗ refused: (#190)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("failure message lacks %q:\n%s", want, out)
		}
	}
	if conv := bob.Conversation().String(); strings.Contains(conv, "refused") {
		t.Errorf("Bob's conversation shows the send to Alice:\n%s", conv)
	}
}

// When nothing comes, NextMessage names the Send API calls refused before
// their recipient was read (none of them can be said to be the user's),
// and says so when the bot made no Graph API call at all (a bot that does
// not use emu.Client reaches nothing).
func TestNextMessageTimeoutNamesSendsRefusedWithNoRecipient(t *testing.T) {
	t.Parallel()
	// A bot that takes every webhook and calls nothing, as one that sends
	// through its own http.Client would.
	mute := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, r.URL.Query().Get("hub.challenge"))
	})
	emu := testkit.Start(t, testkit.Timeout(200*time.Millisecond), testkit.Bot(mute))
	alice := emu.User("Alice")
	alice.Says("anyone?")
	// The bot has answered the webhook (on a loaded machine that can take
	// longer than the 200ms NextMessage waits): it called nothing.
	for deadline := time.Now().Add(30 * time.Second); emu.Server().Webhook().Delivered == 0; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the webhook was not delivered in 30s")
		}
	}
	var rec recorder
	rec.run(func() { alice.NextMessage(&rec) })
	out := rec.output()
	for _, want := range []string{
		"no message from the bot to Alice within 200ms",
		"The bot made no Graph API call since Alice's last action",
		"emu.Client()",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("failure message lacks %q:\n%s", want, out)
		}
	}

	noRecipient := map[string]any{"messaging_type": "RESPONSE", "message": map[string]any{"text": "to whom?"}}
	for range 2 {
		if _, _, err := send(emu.Client(), emu.URL(), "EAAwrong", noRecipient); err != nil {
			t.Fatal(err)
		}
	}
	rec = recorder{}
	rec.run(func() { alice.NextMessage(&rec) })
	out = rec.output()
	for _, want := range []string{
		"no message from the bot to Alice within 200ms",
		"2 Send API calls were refused before their recipient was read: (#190)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("failure message lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "no Graph API call") {
		t.Errorf("the bot did call:\n%s", out)
	}
}
