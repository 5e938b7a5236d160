package testkit_test

import (
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/messemu/messemu/testkit"
	"github.com/messemu/messemu/validator"
)

// reply plays the bot in the examples: one Send API call, as any bot
// makes it, through the emulator's client.
func reply(emu *testkit.Emulator, body string) string {
	req, err := http.NewRequest("POST", emu.URL()+"/v26.0/me/messages?access_token="+emu.PageToken(), strings.NewReader(body))
	if err != nil {
		return err.Error()
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := emu.Client().Do(req)
	if err != nil {
		return err.Error()
	}
	defer resp.Body.Close()
	return resp.Status
}

func ExampleStart() {
	// In a test: emu := testkit.Start(t). Outside one, a Standalone plays t.
	t := testkit.NewStandalone(os.Stdout)
	defer t.Close()

	emu := testkit.Start(t)
	fmt.Println(emu.URL())
	fmt.Println(emu.PageToken())
	fmt.Println(emu.AppSecret())

	// emu.Client reaches emu.URL in process; a bot uses both as it would
	// use http.DefaultClient and https://graph.facebook.com.
	resp, err := emu.Client().Get(emu.URL() + "/v26.0/me?access_token=" + emu.PageToken())
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	fmt.Println(resp.Status, resp.Header.Get("facebook-api-version"))
	// Output:
	// http://graph.messemu.test
	// EAAMessemuTestPageToken
	// messemu-app-secret
	// 200 OK v26.0
}

func ExampleCheckText() {
	t := testkit.NewStandalone(os.Stdout)
	defer t.Close()
	emu := testkit.Start(t)
	alice := emu.User("Alice")
	alice.Says("colours?")

	// The bot answers (here by hand; in a test, the bot under test does).
	reply(emu, `{"recipient":{"id":"`+alice.PSID()+`"},"messaging_type":"RESPONSE",
		"message":{"text":"Pick one","quick_replies":[
			{"content_type":"text","title":"Red","payload":"RED"},
			{"content_type":"text","title":"Blue","payload":"BLUE"}]}}`)

	msg := alice.NextMessage(t)
	fmt.Println(testkit.CheckText(t, msg, "Pick one"))
	fmt.Println(testkit.CheckQuickReplies(t, msg, "Red", "Blue"))
	fmt.Println(testkit.Check(t, msg, `{"quick_replies":[{"payload":"RED"},{"payload":"BLUE"}]}`, testkit.Partial()))
	fmt.Println(emu.CheckNoViolations(t))
	fmt.Print(alice.Conversation())
	// Output:
	// true
	// true
	// true
	// true
	//   Alice: "colours?"
	//   bot: "Pick one" quick replies: Red | Blue
}

func ExampleEmulator_Advance() {
	t := testkit.NewStandalone(os.Stdout)
	defer t.Close()
	// A frozen clock makes every time in the journal predictable.
	emu := testkit.Start(t, testkit.FrozenClockAt(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)))
	alice := emu.User("Alice")
	alice.Says("hi")

	// A day and an hour later the 24-hour window is closed: a RESPONSE is
	// refused, a HUMAN_AGENT tag still gets through (7 days).
	now := emu.Advance(25 * time.Hour)
	fmt.Println(now.Format(time.RFC3339))
	fmt.Println(reply(emu, `{"recipient":{"id":"`+alice.PSID()+`"},"messaging_type":"RESPONSE","message":{"text":"still there?"}}`))
	fmt.Println(reply(emu, `{"recipient":{"id":"`+alice.PSID()+`"},"messaging_type":"MESSAGE_TAG","tag":"HUMAN_AGENT","message":{"text":"An agent here."}}`))
	fmt.Print(alice.Conversation())
	// Output:
	// 2026-11-24T10:00:00Z
	// 400 Bad Request
	// 200 OK
	//   Alice: "hi"
	//   … 25h0m0s later
	//   bot ✗ refused: (#10) This message is sent outside of allowed window. Learn more about the new policy here: https://developers.facebook.com/docs/messenger-platform/policy-overview at messaging_type (last user interaction 25h0m0s ago)
	//   bot: "An agent here." (tag HUMAN_AGENT)
}

func ExampleUser_NextMessage() {
	t := testkit.NewStandalone(os.Stdout)
	defer t.Close()
	// The bot is an http.Handler served in process; BotFrom hands it the
	// emulator's URL, token, secrets and client once they exist. echoBot
	// is the smallest real bot (this package's tests define it: it checks
	// signatures and echoes text); examples/echobot is a complete one.
	emu := testkit.Start(t, testkit.BotFrom(func(emu *testkit.Emulator) http.Handler {
		return echoBot(emu)
	}))
	alice := emu.User("Alice")

	alice.Says("hi")
	msg := alice.NextMessage(t)
	fmt.Println(msg.Text())

	alice.Says("how are you?")
	fmt.Println(alice.NextMessage(t).Text())
	fmt.Print(alice.Conversation())
	// Output:
	// echo: hi
	// echo: how are you?
	//   Alice: "hi"
	//   bot: "echo: hi"
	//   Alice: "how are you?"
	//   bot: "echo: how are you?"
}

func ExampleEmulator_AddFault() {
	t := testkit.NewStandalone(os.Stdout)
	defer t.Close()
	emu := testkit.Start(t, testkit.BotFrom(echoBot))
	alice := emu.User("Alice")

	// The next send to Alice hits a rate limit (613). A rule without Times
	// would hold for good: Error: validator.KeyUnavailable is a user who
	// blocked the Page (551).
	emu.AddFault(testkit.Fault{API: "send", PSID: alice.PSID(), Times: 1, Error: validator.KeyRateAPI})

	alice.Says("one")
	alice.Says("two")
	fmt.Println(alice.NextMessage(t).Text())
	for _, turn := range alice.Conversation() {
		if turn.From == "bot" {
			fmt.Println(turn)
		}
	}
	fmt.Println(emu.Faults()[0].Applied)
	fmt.Println(emu.CheckNoViolations(t)) // refusals forced by faults are the test's doing
	// Output:
	// echo: two
	// bot ✗ refused: (#613) Calls to this api have exceeded the rate limit. (forced by fault rule f1)
	// bot: "echo: two"
	// 1
	// true
}

func ExampleEmulator_Transport() {
	t := testkit.NewStandalone(os.Stdout)
	defer t.Close()
	emu := testkit.Start(t)
	alice := emu.User("Alice")
	alice.Says("hi")

	// A bot that hard-codes https://graph.facebook.com keeps its URLs; its
	// client gets the emulator's transport. No socket, no certificate.
	client := &http.Client{Transport: emu.Transport()}
	body := `{"recipient":{"id":"` + alice.PSID() + `"},"messaging_type":"RESPONSE","message":{"text":"hello"}}`
	resp, err := client.Post("https://graph.facebook.com/v26.0/me/messages?access_token="+emu.PageToken(), "application/json", strings.NewReader(body))
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	fmt.Println(resp.Status)
	fmt.Println(alice.NextMessage(t).Text())

	// Other hosts are refused: nothing leaves the process.
	_, err = client.Get("https://example.com/")
	fmt.Println(err != nil)
	// Output:
	// 200 OK
	// hello
	// true
}
