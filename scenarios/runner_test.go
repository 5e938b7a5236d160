package scenarios

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/messemu/messemu/fakegraph"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// golden compares got with testdata/golden/name, or rewrites it.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -update to create it")
	assert.Equal(t, string(want), got)
}

// echoBot is a tiny bot for the runner's tests: it answers "You said: X"
// to every text, and with a refused request to "break".
func echoBot(t *testing.T, graph string) *httptest.Server { return prefixBot(t, graph, "You said: ") }

// prefixBot answers prefix + X to every text X.
func prefixBot(t *testing.T, graph, prefix string) *httptest.Server {
	t.Helper()
	send := func(body string) {
		resp, err := http.Post(graph+"/v26.0/me/messages?access_token="+fakegraph.DefaultPageToken, "application/json", strings.NewReader(body))
		if err == nil {
			resp.Body.Close()
		}
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			_, _ = w.Write([]byte(r.URL.Query().Get("hub.challenge")))
			return
		}
		var p struct {
			Entry []struct {
				Messaging []fakegraph.MessagingEvent `json:"messaging"`
			} `json:"entry"`
		}
		if err := json.NewDecoder(r.Body).Decode(&p); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		for _, e := range p.Entry {
			for _, m := range e.Messaging {
				if m.Postback != nil && m.Sender != nil { // answers a tap with its payload
					psid, _ := json.Marshal(m.Sender.ID)
					text, _ := json.Marshal("postback " + m.Postback.Payload)
					send(`{"recipient":{"id":` + string(psid) + `},"messaging_type":"RESPONSE","message":{"text":` + string(text) + `}}`)
					continue
				}
				if m.Message == nil || m.Message.IsEcho || m.Message.Text == "" {
					continue
				}
				psid, _ := json.Marshal(m.Sender.ID)
				if m.Message.Text == "mugs" { // a carousel whose cards share a button title
					card := func(name, payload string) string {
						return `{"title":"` + name + `","buttons":[{"type":"postback","title":"Buy","payload":"` + payload + `"}]}`
					}
					send(`{"recipient":{"id":` + string(psid) + `},"messaging_type":"RESPONSE","message":{"attachment":{"type":"template","payload":{"template_type":"generic","elements":[` +
						card("Red mug", "BUY_RED") + `,` + card("Blue mug", "BUY_BLUE") + `]}}}}`)
					continue
				}
				text, _ := json.Marshal(prefix + m.Message.Text)
				if m.Message.Text == "agent" { // answers as a persona
					resp, err := http.Post(graph+"/v26.0/me/personas?access_token="+fakegraph.DefaultPageToken, "application/json",
						strings.NewReader(`{"name":"Agent Kim","profile_picture_url":"https://example.com/kim.png"}`))
					if err != nil {
						continue
					}
					var p struct{ ID string }
					_ = json.NewDecoder(resp.Body).Decode(&p) // a failed creation shows as a refused send
					resp.Body.Close()
					send(`{"recipient":{"id":` + string(psid) + `},"messaging_type":"RESPONSE","persona_id":"` + p.ID + `","message":{"text":` + string(text) + `}}`)
					continue
				}
				if m.Message.Text == "crash" { // fails its webhook
					http.Error(w, "boom", http.StatusInternalServerError)
					return
				}
				if m.Message.Text == "slow" { // thinks before it answers, within its webhook
					time.Sleep(150 * time.Millisecond)
				}
				if m.Message.Text == "when" { // answers the date of the event, on the virtual clock
					send(`{"recipient":{"id":` + string(psid) + `},"messaging_type":"RESPONSE","message":{"text":"` +
						time.UnixMilli(m.Timestamp).UTC().Format(time.DateOnly) + `"}}`)
					continue
				}
				if m.Message.Text == "too slow" { // answers, then acknowledges its webhook after the timeout tests set
					send(`{"recipient":{"id":` + string(psid) + `},"messaging_type":"RESPONSE","message":{"text":` + string(text) + `}}`)
					time.Sleep(time.Second)
					continue
				}
				if m.Message.Text == "long title" { // a quick reply title Messenger cuts: a warning
					send(`{"recipient":{"id":` + string(psid) + `},"messaging_type":"RESPONSE","message":{"text":"Pick","quick_replies":[{"content_type":"text","title":"A title far over twenty","payload":"P"}]}}`)
					continue
				}
				if m.Message.Text == "human" { // says so, then passes the thread a moment later, after its webhook
					send(`{"recipient":{"id":` + string(psid) + `},"messaging_type":"RESPONSE","message":{"text":"Passing you to a human."}}`)
					go func() {
						time.Sleep(150 * time.Millisecond)
						resp, err := http.Post(graph+"/v26.0/me/pass_thread_control?access_token="+fakegraph.DefaultPageToken, "application/json",
							strings.NewReader(`{"recipient":{"id":`+string(psid)+`},"target_app_id":"`+fakegraph.PageInboxAppID+`"}`))
						if err == nil {
							resp.Body.Close()
						}
					}()
					continue
				}
				if m.Message.Text == "wrong token" { // refused before the platform reads the recipient
					resp, err := http.Post(graph+"/v26.0/me/messages?access_token=EAAwrong", "application/json",
						strings.NewReader(`{"recipient":{"id":`+string(psid)+`},"messaging_type":"RESPONSE","message":{"text":"hi"}}`))
					if err == nil {
						resp.Body.Close()
					}
					continue
				}
				if m.Message.Text == "break" {
					send(`{"recipient":{"id":` + string(psid) + `},"messaging_type":"RESPONSE","message":{"text":""}}`)
					continue
				}
				send(`{"recipient":{"id":` + string(psid) + `},"messaging_type":"RESPONSE","message":{"text":` + string(text) + `}}`)
			}
		}
	})
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// startEmulator serves an emulator on a loopback port with its webhook on
// a test bot.
func startEmulator(t *testing.T) *fakegraph.Server { return startEmulatorWith(t, "You said: ") }

// startEmulatorWith is startEmulator with a bot that answers prefix + X.
func startEmulatorWith(t *testing.T, prefix string, opts ...fakegraph.Option) *fakegraph.Server {
	t.Helper()
	emu := fakegraph.New(append([]fakegraph.Option{fakegraph.WithIDSeed(1)}, opts...)...)
	require.NoError(t, emu.Start("127.0.0.1:0"))
	t.Cleanup(func() { _ = emu.Close() })
	bot := prefixBot(t, emu.URL(), prefix)
	require.NoError(t, emu.SetWebhook(fakegraph.WebhookConfig{URL: bot.URL + "/webhook"}))
	require.Eventually(t, func() bool { return emu.Webhook().Verified }, 5*time.Second, 10*time.Millisecond)
	return emu
}

func TestRunnerReportsTheFailedStepItsDiffAndTheConversation(t *testing.T) {
	t.Parallel()
	emu := startEmulator(t)
	all, err := Load("testdata/fail/wrong-reply.yaml")
	require.NoError(t, err)
	r := &Runner{Emulator: emu.URL(), Parallel: 1, Wait: 5 * time.Second}
	var out bytes.Buffer
	con := &Console{W: &out, Total: len(all)}
	r.OnResult = con.Result
	rep, err := r.Run(context.Background(), all)
	require.NoError(t, err)
	con.Summary(rep)
	require.Len(t, rep.Results, 2)
	assert.False(t, rep.OK())
	assert.Equal(t, 1, rep.Failed())
	golden(t, "wrong-reply.out", out.String())

	for i := range rep.Results {
		rep.Results[i].Duration = 0
	}
	rep.Duration = 0
	var junit bytes.Buffer
	require.NoError(t, WriteJUnit(&junit, rep))
	golden(t, "wrong-reply.junit.xml", junit.String())
}

func TestRunnerFailsAScenarioOnARefusedRequest(t *testing.T) {
	t.Parallel()
	emu := startEmulator(t)
	all, err := Parse("refused.yaml", []byte("name: refused\nsteps:\n  - says: break\n  - no_message: 200ms\n"))
	require.NoError(t, err)
	rep, err := (&Runner{Emulator: emu.URL()}).Run(context.Background(), all)
	require.NoError(t, err)
	require.Len(t, rep.Results, 1)
	f := rep.Results[0].Failure
	// The bot makes its refused send while it handles the webhook of "says: break",
	// so the refusal is seen after that step or during the next, as the
	// two processes race: either line names the step that caused it.
	assert.Regexp(t, `refused\.yaml:[34]:5: the bot made a request the platform would refuse:`, f)
	assert.Contains(t, f, "(#100) Message cannot be empty, must provide valid attachment or text")
	assert.Contains(t, f, "rule ")
}

func TestRunnerPassesAndRunsClockScenariosAlone(t *testing.T) {
	t.Parallel()
	emu := startEmulator(t)
	src := `
- name: a
  steps: [{says: one}, {expect: {text: "You said: one"}}]
- name: b
  steps: [{says: two}, {expect: {text_contains: two}}, {no_message: 100ms}]
- name: c moves the clock
  steps: [{advances_clock: 25h}, {says: three}, {expect: {text_matches: "three$"}}]
`
	all, err := Parse("ok.yaml", []byte(src))
	require.NoError(t, err)
	var order []string
	r := &Runner{Emulator: emu.URL(), Parallel: 8, OnResult: func(res Result) { order = append(order, res.Scenario.Name) }}
	rep, err := r.Run(context.Background(), all)
	require.NoError(t, err)
	for _, res := range rep.Results {
		assert.True(t, res.Passed(), "%s: %s", res.Scenario.Name, res.Failure)
	}
	require.Len(t, order, 3)
	assert.Equal(t, "c moves the clock", order[2], "a scenario that moves the clock runs after the others")
}

// A bot's answer to what the user said before the clock moves is sent
// before the clock moves, as it would be on the platform, however long
// the bot takes over it.
func TestRunnerLetsTheBotAnswerBeforeTheClockMoves(t *testing.T) {
	t.Parallel()
	emu := startEmulator(t)
	all, err := Parse("slow.yaml", []byte(`
name: slow bot, then a day later
steps: [{says: slow}, {advances_clock: 25h}, {expect: {text: "You said: slow"}}]
`))
	require.NoError(t, err)
	rep, err := (&Runner{Emulator: emu.URL(), Wait: 5 * time.Second}).Run(context.Background(), all)
	require.NoError(t, err)
	require.Len(t, rep.Results, 1)
	assert.True(t, rep.Results[0].Passed(), rep.Results[0].Failure)
}

// Scenarios that set the clock run in the order of their dates, so an
// emulator that starts at the earliest (as messemu replay's does) reaches
// each one by moving forward; one that only moves the clock on runs at
// the run's now, after those dated before it.
func TestRunnerRunsDatedScenariosInDateOrder(t *testing.T) {
	t.Parallel()
	first := time.Date(2024, 1, 1, 9, 0, 0, 0, time.UTC)
	emu := startEmulatorWith(t, "You said: ", fakegraph.WithClock(fakegraph.NewClock(first)))
	all, err := Parse("dated.yaml", []byte(`
- name: march
  setup: {clock: "2024-03-01T09:00:00Z"}
  steps: [{says: two}, {expect: {text: "You said: two"}}]
- name: moves on
  steps: [{advances_clock: 25h}, {says: three}, {expect: {text: "You said: three"}}]
- name: january
  setup: {clock: "2024-01-02T09:00:00Z"}
  steps: [{says: one}, {expect: {text: "You said: one"}}]
`))
	require.NoError(t, err)
	var order []string
	r := &Runner{Emulator: emu.URL(), Wait: 5 * time.Second, Now: time.Date(2024, 6, 1, 9, 0, 0, 0, time.UTC),
		OnResult: func(res Result) { order = append(order, res.Scenario.Name) }}
	rep, err := r.Run(context.Background(), all)
	require.NoError(t, err)
	for _, res := range rep.Results {
		assert.True(t, res.Passed(), "%s: %s", res.Scenario.Name, res.Failure)
	}
	assert.Equal(t, []string{"january", "march", "moves on"}, order)
}

func TestRunnerJudgesTheBotsStartUpCallsToo(t *testing.T) {
	t.Parallel()
	emu := startEmulator(t)
	r := &Runner{Emulator: emu.URL()}
	start, err := r.JournalEnd(context.Background())
	require.NoError(t, err)
	r.After = &start
	// The bot's start-up: a persistent menu without Get Started, refused.
	resp, err := http.Post(emu.URL()+"/v26.0/me/messenger_profile?access_token="+fakegraph.DefaultPageToken, "application/json",
		strings.NewReader(`{"persistent_menu":[{"locale":"default","call_to_actions":[{"type":"postback","title":"Shop","payload":"SHOP"}]}]}`))
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())

	all, err := Parse("ok.yaml", []byte("name: fine\nsteps: [{says: one}, {expect: {text: \"You said: one\"}}]\n"))
	require.NoError(t, err)
	rep, err := r.Run(context.Background(), all)
	require.NoError(t, err)
	assert.Equal(t, 0, rep.Failed())
	require.Len(t, rep.Stray, 1)
	assert.Contains(t, rep.Stray[0], "You must set a Get Started button if you also wish to use persistent menu.")
	assert.False(t, rep.OK())
}

func TestRunnerChecksThePersonaByName(t *testing.T) {
	t.Parallel()
	emu := startEmulator(t)
	src := `
- name: as Kim
  steps: [{says: agent}, {expect: {text: "You said: agent", persona: Agent Kim}}]
- name: as Bob
  steps: [{says: agent}, {expect: {persona: Agent Bob}}]
`
	all, err := Parse("persona.yaml", []byte(src))
	require.NoError(t, err)
	rep, err := (&Runner{Emulator: emu.URL(), Parallel: 1}).Run(context.Background(), all)
	require.NoError(t, err)
	require.Len(t, rep.Results, 2)
	assert.True(t, rep.Results[0].Passed(), rep.Results[0].Failure)
	assert.Contains(t, rep.Results[1].Failure, "- persona: \"Agent Bob\"")
	assert.Contains(t, rep.Results[1].Failure, "+ persona: \"Agent Kim\"")
}

func TestRunnerPlatformStepsFaultsAndHandover(t *testing.T) {
	t.Parallel()
	emu := startEmulator(t)
	src := `
- name: a fault refuses the bot's next send, as asked
  steps:
    - fault: {error: unavailable, api: send}
    - says: one
    - no_message: 300ms
    - says: two
    - expect: {text: "You said: two"}
- name: the Page Inbox asks for the thread the bot owns
  steps:
    - says: hi
    - expect: {text_contains: hi}
    - handover: {action: request_thread_control, metadata: a person would answer}
    - expect_user: {thread_owner: "1517776481860111", labels: []}
- name: a wrong thread owner fails
  steps:
    - says: hi
    - expect_user: {thread_owner: "1", within: 500ms}
`
	all, err := Parse("platform.yaml", []byte(src))
	require.NoError(t, err)
	rep, err := (&Runner{Emulator: emu.URL(), Parallel: 3}).Run(context.Background(), all)
	require.NoError(t, err)
	byName := map[string]Result{}
	for _, r := range rep.Results {
		byName[r.Scenario.Name] = r
	}
	assert.True(t, byName["a fault refuses the bot's next send, as asked"].Passed(), byName["a fault refuses the bot's next send, as asked"].Failure)
	assert.True(t, byName["the Page Inbox asks for the thread the bot owns"].Passed(), byName["the Page Inbox asks for the thread the bot owns"].Failure)
	f := byName["a wrong thread owner fails"].Failure
	assert.Contains(t, f, "platform.yaml:18:7: expect_user: the user's state is not the one expected")
	assert.Contains(t, f, `"1"`)
	assert.Empty(t, rep.Stray)
}

// expect_user waits without calling the Graph API over and over: its
// reads of labels and the thread owner are the control API's, which the
// journal does not file under the user, and a profile is read once.
func TestExpectUserWaitsQuietly(t *testing.T) {
	t.Parallel()
	emu := startEmulator(t)
	all, err := Parse("quiet.yaml", []byte("name: quiet\nsteps:\n  - says: hi\n  - expect: {text: \"You said: hi\"}\n"+
		"  - expect_user: {labels: [vip], profile: {first_name: Nobody}, within: 1s}\n"))
	require.NoError(t, err)
	before := emu.Journal().Last()
	rep, err := (&Runner{Emulator: emu.URL()}).Run(context.Background(), all)
	require.NoError(t, err)
	require.Len(t, rep.Results, 1)
	assert.Contains(t, rep.Results[0].Failure, "expect_user: the user's state is not the one expected")
	reads := emu.Journal().Find(before, func(e *fakegraph.Event) bool {
		return e.Kind == fakegraph.KindRequest && e.Method == "GET"
	})
	assert.LessOrEqual(t, len(reads), 2, "Graph reads while expect_user waited: %d", len(reads))
}

// A scenario that runs past its time limit says so, at the step it was
// on, rather than passing on the context's error as the emulator's.
func TestRunnerNamesTheTimeLimit(t *testing.T) {
	t.Parallel()
	emu := startEmulator(t)
	all, err := Parse("long.yaml", []byte("name: long\nsteps:\n  - says: hi\n  - waits: 2s\n  - expect: {text_contains: hi}\n"))
	require.NoError(t, err)
	rep, err := (&Runner{Emulator: emu.URL(), Timeout: 300 * time.Millisecond}).Run(context.Background(), all)
	require.NoError(t, err)
	require.Len(t, rep.Results, 1)
	f := rep.Results[0].Failure
	assert.Contains(t, f, "long.yaml:4:5: the scenario ran out of its time limit (300ms, --timeout) at this step")
	assert.NotContains(t, f, "context deadline exceeded")
}

// A warning fails a scenario only with Strict, and is then called what it
// is: a request the platform accepts.
func TestRunnerStrictFailsOnWarnings(t *testing.T) {
	t.Parallel()
	emu := startEmulator(t)
	all, err := Parse("warn.yaml", []byte("name: warn\nsteps:\n  - says: long title\n  - expect: {text: Pick}\n"))
	require.NoError(t, err)
	rep, err := (&Runner{Emulator: emu.URL()}).Run(context.Background(), all)
	require.NoError(t, err)
	assert.True(t, rep.Results[0].Passed(), rep.Results[0].Failure)
	rep, err = (&Runner{Emulator: emu.URL(), Strict: true}).Run(context.Background(), all)
	require.NoError(t, err)
	f := rep.Results[0].Failure
	assert.Contains(t, f, "the bot made a request the platform accepts with a warning (--strict fails on warnings)")
	assert.Contains(t, f, "quick_reply.title.length")
	assert.NotContains(t, f, "would refuse")
}

// A setup: profile the platform refuses fails its scenario once, naming the
// JSON path and the rule; it is not also a request outside any scenario.
func TestRefusedSetupProfileIsReportedOnceWithItsRule(t *testing.T) {
	t.Parallel()
	emu := startEmulator(t)
	all, err := Parse("setup.yaml", []byte("name: long greeting\nsetup:\n  profile: {greeting: [{locale: default, text: \""+strings.Repeat("x", 161)+"\"}]}\nsteps:\n  - says: hi\n"))
	require.NoError(t, err)
	rep, err := (&Runner{Emulator: emu.URL()}).Run(context.Background(), all)
	require.NoError(t, err)
	require.Len(t, rep.Results, 1)
	assert.True(t, strings.HasPrefix(rep.Results[0].Failure, "setup.yaml:3:3: setup: profile: the Messenger Profile API refused it"), "at its profile: key: %s", rep.Results[0].Failure)
	assert.Contains(t, rep.Results[0].Failure, "error at greeting[0].text (rule greeting.text.length)")
	assert.Empty(t, rep.Stray, "the refusal is the scenario's, not a stray request")
}

// Tags select scenarios: any one of the runner's tags, with the name
// filter when there is one too.
func TestSelectByTags(t *testing.T) {
	t.Parallel()
	all, err := Parse("tags.yaml", []byte("- name: greet\n  tags: [smoke]\n  steps: [{says: hi}]\n"+
		"- name: shop\n  tags: [shop, slow]\n  steps: [{says: shop}]\n- name: untagged\n  steps: [{says: x}]\n"))
	require.NoError(t, err)
	names := func(r *Runner) []string {
		var out []string
		for _, s := range r.Select(all) {
			out = append(out, s.Name)
		}
		return out
	}
	assert.Equal(t, []string{"greet", "shop", "untagged"}, names(&Runner{}))
	assert.Equal(t, []string{"greet"}, names(&Runner{Tags: []string{"smoke"}}))
	assert.Equal(t, []string{"greet", "shop"}, names(&Runner{Tags: []string{"smoke", "slow"}}))
	assert.Equal(t, []string{"shop"}, names(&Runner{Tags: []string{"smoke", "slow"}, Filter: regexp.MustCompile("^sh")}))
}

// A button tapped by payload is that button, where a carousel repeats its
// title on every card: the bot gets its payload, not the first "Buy"'s.
func TestRunnerTapsTheButtonWithThePayload(t *testing.T) {
	t.Parallel()
	emu := startEmulator(t)
	all, err := Parse("mugs.yaml", []byte(`name: buys the blue mug
steps:
  - says: mugs
  - expect: {template: generic}
  - taps_button: {payload: BUY_BLUE}
  - expect: {text: "postback BUY_BLUE"}
`))
	require.NoError(t, err)
	r := &Runner{Emulator: emu.URL(), Parallel: 1, Wait: 5 * time.Second}
	rep, err := r.Run(context.Background(), all)
	require.NoError(t, err)
	require.Len(t, rep.Results, 1)
	assert.True(t, rep.OK(), "%+v", rep.Results[0].Failure)
}

// expect_user waits, as expect does, for the state it names: the bot
// passes the thread a moment after its message, and the step does not
// race it. A state that never comes fails with what was expected and
// what was seen, once the wait is over.
func TestRunnerExpectUserWaitsForTheState(t *testing.T) {
	t.Parallel()
	emu := startEmulator(t)
	all, err := Parse("handover.yaml", []byte(`
- name: passes to a human
  steps:
    - says: human
    - expect: {text: Passing you to a human.}
    - expect_user: {thread_owner: "263902037430900"}
- name: never passes
  steps:
    - says: hi
    - expect: {text: "You said: hi"}
    - expect_user: {thread_owner: "263902037430900", within: 300ms}
`))
	require.NoError(t, err)
	rep, err := (&Runner{Emulator: emu.URL(), Parallel: 2, Wait: 5 * time.Second}).Run(context.Background(), all)
	require.NoError(t, err)
	byName := map[string]Result{}
	for _, r := range rep.Results {
		byName[r.Scenario.Name] = r
	}
	require.Len(t, byName, 2)
	assert.True(t, byName["passes to a human"].Passed(), byName["passes to a human"].Failure)
	never := byName["never passes"]
	assert.Contains(t, never.Failure, "handover.yaml:11:7: expect_user: the user's state is not the one expected within 300ms")
	assert.Contains(t, never.Failure, "263902037430900", "what was expected")
	assert.Contains(t, never.Failure, fakegraph.DefaultAppID, "what was seen")
	assert.GreaterOrEqual(t, never.Duration, 300*time.Millisecond, "it waited")
}

// A failure speaks the file's language: the keys as the scenario writes
// them (text_contains, thread_owner, buttons with title and payload), not
// Go's field names and pointers; a key the message lacks shows empty.
func TestDiffsUseTheScenarioKeys(t *testing.T) {
	t.Parallel()
	hi, buy, red, button := "hi", "Buy", "BUY_RED", "button"
	want := &Expect{TextContains: &hi, Template: &button, Buttons: []ButtonExpect{{Title: &buy, Payload: &red}}}
	m := botMessage{Text: "", Attachment: &sentAttachment{Type: "template"}}
	m.Attachment.Payload.TemplateType = "generic"
	m.Attachment.Payload.Buttons = []sentButton{{Type: "postback", Title: "Buy", Payload: "BUY_BLUE"}}
	ok, d := compare(want, m)
	require.False(t, ok)
	assert.Equal(t, `- text_contains: "hi"
+ text_contains: ""
- template: "button"
+ template: "generic"
  buttons:
    - title: "Buy"
-     payload: "BUY_RED"
+     payload: "BUY_BLUE"
`, d)

	owner, other := "263902037430900", "1517776481860111"
	d = compareUser(&UserExpect{ThreadOwner: &owner, Labels: []string{"vip"}}, &UserExpect{ThreadOwner: &other, Labels: []string{}})
	assert.Equal(t, `- labels: ["vip"]
+ labels: []
- thread_owner: "263902037430900"
+ thread_owner: "1517776481860111"
`, d)
}

// An expect: that no message met says so, and shows what it expected,
// not a diff against an empty message.
func TestExpectTimeoutSaysNoMessageCame(t *testing.T) {
	t.Parallel()
	emu := startEmulator(t)
	all, err := Parse("quiet.yaml", []byte("name: quiet\nsteps:\n  - says: crash\n  - expect: {text_contains: crash, quick_reply_count: 2, within: 300ms}\n"))
	require.NoError(t, err)
	rep, err := (&Runner{Emulator: emu.URL()}).Run(context.Background(), all)
	require.NoError(t, err)
	f := rep.Results[0].Failure
	assert.Contains(t, f, "quiet.yaml:4:5: expect: no message from the bot within 300ms")
	assert.Contains(t, f, "  expected (no message came):\n    text_contains: \"crash\"\n    quick_reply_count: 2\n")
	assert.NotContains(t, f, "-want +got")
	assert.NotContains(t, f, "TextContains")
}

// A send refused for its token is journalled under no user (the platform
// refuses it before it reads the recipient), but its request names the
// scenario's user: the scenario fails at once with the refusal, and the
// run does not list it as a request outside any scenario's user.
func TestRunnerTakesASendWithAWrongTokenAsTheUsers(t *testing.T) {
	t.Parallel()
	emu := startEmulator(t)
	all, err := Parse("token.yaml", []byte("name: wrong token\nsteps:\n  - says: wrong token\n  - expect: {text: hi}\n"))
	require.NoError(t, err)
	rep, err := (&Runner{Emulator: emu.URL(), Wait: 30 * time.Second}).Run(context.Background(), all)
	require.NoError(t, err)
	require.Len(t, rep.Results, 1)
	res := rep.Results[0]
	assert.Less(t, res.Duration, 10*time.Second, "the scenario waited out its expect")
	assert.Regexp(t, `token\.yaml:[34]:5: the bot made a request the platform would refuse:`, res.Failure)
	assert.Contains(t, res.Failure, "Invalid OAuth access token")
	assert.Contains(t, res.Failure, "bot ✗ refused")
	assert.Empty(t, rep.Stray, "the send names the scenario's user")
}

// A run cancelled with a cause (the bot under test exited) fails for that
// cause: the scenario under way at its step, each one not begun at its
// name: line, named on the console as it goes, none interrupted.
func TestRunnerFailsTheRunForItsCancelCause(t *testing.T) {
	t.Parallel()
	emu := startEmulator(t)
	// The first scenario only waits, so the cancel lands in that step
	// however slow the machine.
	all, err := Parse("cause.yaml", []byte("- name: first\n  steps:\n    - waits: 30s\n"+
		"- name: second\n  steps:\n    - says: hi\n- name: third\n  steps:\n    - says: hi\n"))
	require.NoError(t, err)
	bye := errors.New("the bot exited (exit status 3)")
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	var out bytes.Buffer
	con := &Console{W: &out, Total: len(all)}
	r := &Runner{Emulator: emu.URL(), Parallel: 1, OnResult: con.Result,
		OnStart: func(*Scenario) { time.AfterFunc(300*time.Millisecond, func() { cancel(bye) }) }}
	rep, err := r.Run(ctx, all)
	assert.ErrorIs(t, err, context.Canceled)
	require.NotNil(t, rep)
	con.Summary(rep)
	require.Len(t, rep.Results, 3, out.String())
	assert.Equal(t, 3, rep.Failed())
	assert.Zero(t, rep.Interrupted())
	first := rep.Results[0].Failure
	assert.True(t, strings.HasPrefix(first, "cause.yaml:3:7: stopped here: the bot exited (exit status 3)"), first)
	assert.Equal(t, "cause.yaml:4: not run: the bot exited (exit status 3)", rep.Results[1].Failure)
	assert.Equal(t, "cause.yaml:7: not run: the bot exited (exit status 3)", rep.Results[2].Failure)
	assert.Contains(t, out.String(), "FAIL second\n    cause.yaml:4: not run: the bot exited (exit status 3)\n")
	assert.Contains(t, out.String(), "FAIL third\n    cause.yaml:7: not run: the bot exited (exit status 3)\n")
	assert.Contains(t, out.String(), "FAIL: 3 scenarios, 0 passed, 3 failed")
	assert.NotContains(t, out.String(), "interrupted")

	// Cancelled with its cause before it began: every scenario, unrun.
	rep, err = (&Runner{Emulator: emu.URL()}).Run(ctx, all)
	assert.ErrorIs(t, err, context.Canceled)
	require.NotNil(t, rep)
	require.Len(t, rep.Results, 3)
	assert.Equal(t, "cause.yaml:1: not run: the bot exited (exit status 3)", rep.Results[0].Failure)
}

// A run cancelled without a cause (Ctrl-C) is interrupted: the scenario
// under way stops where it stood, and those not begun are listed as not
// run, on the console and in the summary, as when the bot exits.
func TestRunnerIsInterruptedByAPlainCancel(t *testing.T) {
	t.Parallel()
	emu := startEmulator(t)
	all, err := Parse("stop.yaml", []byte("- name: first\n  steps:\n    - waits: 30s\n- name: second\n  steps:\n    - says: hi\n"+
		"- name: later, alone\n  steps:\n    - advances_clock: 1h\n"))
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out bytes.Buffer
	con := &Console{W: &out, Total: len(all)}
	r := &Runner{Emulator: emu.URL(), Parallel: 1, OnResult: con.Result, OnStart: func(*Scenario) { time.AfterFunc(300*time.Millisecond, cancel) }}
	rep, err := r.Run(ctx, all)
	assert.ErrorIs(t, err, context.Canceled)
	require.NotNil(t, rep)
	con.Summary(rep)
	require.Len(t, rep.Results, 3, out.String())
	assert.True(t, rep.Results[0].Interrupted)
	assert.True(t, strings.HasPrefix(rep.Results[0].Failure, "stop.yaml:3:7: interrupted at this step"), rep.Results[0].Failure)
	for _, res := range rep.Results[1:] {
		assert.True(t, res.Interrupted && res.NotRun, "%+v", res)
	}
	assert.Equal(t, "stop.yaml:4: not run: the run was interrupted", rep.Results[1].Failure)
	assert.Contains(t, out.String(), "STOP later, alone\n    stop.yaml:7: not run: the run was interrupted\n")
	assert.Contains(t, out.String(), "STOPPED: 3 scenarios, 0 passed, 0 failed, 1 interrupted, 2 not run")

	var junit bytes.Buffer
	require.NoError(t, WriteJUnit(&junit, rep))
	assert.Contains(t, junit.String(), `tests="3"`)
	assert.Contains(t, junit.String(), `<skipped message="not run: the run was interrupted"></skipped>`)
}

// A JUnit failure's message, which CI summaries show alone, carries the
// reason when the failure's first line only leads into it.
func TestJUnitMessageCarriesTheReason(t *testing.T) {
	t.Parallel()
	s := &Scenario{Name: "refused", File: "x.yaml", Line: 1}
	rep := &Report{Results: []Result{{Scenario: s, Failure: "x.yaml:3:5: the bot made a request the platform would refuse:\n" +
		"    POST /v26.0/me/messages: error at message (rule message.empty): (#100) Message cannot be empty\n    request: {}"}}}
	var junit bytes.Buffer
	require.NoError(t, WriteJUnit(&junit, rep))
	assert.Contains(t, junit.String(), `message="x.yaml:3:5: the bot made a request the platform would refuse: POST /v26.0/me/messages: error at message (rule message.empty): (#100) Message cannot be empty"`)
}

// A delivery the bot answered with an error reached it, and is told so;
// one never sent (the webhook failed its handshake) says so, with no
// attempt number.
func TestRunnerTellsWhatBecameOfTheWebhook(t *testing.T) {
	t.Parallel()
	emu := startEmulator(t)
	all, err := Parse("crash.yaml", []byte("name: crash\nsteps:\n  - says: crash\n  - expect: {text_contains: crash, within: 1s}\n"))
	require.NoError(t, err)
	rep, err := (&Runner{Emulator: emu.URL()}).Run(context.Background(), all)
	require.NoError(t, err)
	f := rep.Results[0].Failure
	assert.NotContains(t, f, "did not reach the bot")
	assert.Contains(t, f, "expect: no message from the bot within 1s; webhook deliveries failed:")
	assert.Contains(t, f, `messages webhook, attempt 1: the bot answered HTTP 500 ("boom"), and the platform retries it`)

	gone := startEmulator(t)
	refuse := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { http.Error(w, "no", http.StatusForbidden) }))
	t.Cleanup(refuse.Close)
	_ = gone.SetWebhook(fakegraph.WebhookConfig{URL: refuse.URL}) // its handshake fails: nothing is sent
	rep, err = (&Runner{Emulator: gone.URL()}).Run(context.Background(), all)
	require.NoError(t, err)
	f = rep.Results[0].Failure
	assert.NotContains(t, f, "attempt 0")
	assert.Contains(t, f, "messages webhook, not sent: ")
}

// A title that several cards of a carousel share, with different
// payloads, is refused, naming the cards: tapping the first silently
// would test another button than the one meant.
func TestRunnerRefusesAnAmbiguousButtonTitle(t *testing.T) {
	t.Parallel()
	emu := startEmulator(t)
	all, err := Parse("amb.yaml", []byte("name: which mug\nsteps:\n  - says: mugs\n  - expect: {template: generic}\n  - taps_button: Buy\n"))
	require.NoError(t, err)
	rep, err := (&Runner{Emulator: emu.URL(), Wait: 5 * time.Second}).Run(context.Background(), all)
	require.NoError(t, err)
	require.Len(t, rep.Results, 1)
	assert.Contains(t, rep.Results[0].Failure, `amb.yaml:5:5: taps_button: "Buy" is the title of 2 buttons of the bot's message: `+
		`card "Red mug" (postback BUY_RED), card "Blue mug" (postback BUY_BLUE); say which with its payload, such as taps_button: {payload: "BUY_RED"}`)
	postbacks := emu.Journal().Find(0, func(e *fakegraph.Event) bool {
		return e.Kind == fakegraph.KindUserAction && e.API == fakegraph.FieldPostbacks
	})
	assert.Empty(t, postbacks, "nothing was tapped")
}
