// Package testkit tests a Messenger bot the way httptest tests an HTTP
// handler: one call starts a private Messenger Platform in process, the
// test plays the users, waits for what the bot sends, and asserts on it
// with a diff that says what to fix.
//
// # Start
//
// Start gives the test its own emulator (its own Page, token, users,
// virtual clock and journal) and stops it when the test ends. Hand the
// bot what it would read from its configuration:
//
//	func TestGreeting(t *testing.T) {
//		t.Parallel()
//		emu := testkit.Start(t, testkit.BotFrom(func(emu *testkit.Emulator) http.Handler {
//			return mybot.New(mybot.Config{
//				GraphURL:  emu.URL(),       // instead of https://graph.facebook.com
//				PageToken: emu.PageToken(),
//				AppSecret: emu.AppSecret(), // webhooks are signed with it
//				Client:    emu.Client(),    // reaches the emulator with no socket
//			})
//		}))
//		alice := emu.User("Alice")
//		alice.Says("hi")
//		testkit.CheckText(t, alice.NextMessage(t), "Hello Alice!")
//	}
//
// BotFrom builds the bot once the emulator exists and serves its webhook
// handler in process (Bot does the same for a handler built beforehand):
// the emulator verifies it with the hub.challenge handshake, then posts
// every event to it, signed, through a transport that calls the handler;
// the bot's Graph API calls reach the emulator through Client. Nothing
// listens on a port. A bot that runs in another process gets Webhook(url)
// (or SetWebhook later), and the emulator then listens on loopback (URL
// is "http://127.0.0.1:PORT").
// A bot that hard-codes https://graph.facebook.com only needs its
// http.Client's transport set to Transport, which answers for that host.
//
// Other options: AppSecret and VerifyToken choose the secrets, StrictProof
// requires appsecret_proof on every call, ClockAt and FrozenClockAt set
// the virtual clock, Receipts switches the automatic delivery receipts,
// Timeout sets how long NextMessage waits, RateLimits turns the platform's
// rate limits on. Start takes a TB, the few methods of testing.TB it uses,
// so it works under other runners too (Standalone is one for programs
// and examples).
//
// # Act
//
// Users are created on the emulator's Page and act as people do in
// Messenger; each action reaches the bot as the webhook the platform
// would send:
//
//	alice := emu.User("Alice", testkit.Locale("fr_FR"))
//	alice.Says("hi")
//	alice.Sends(testkit.Image("https://example.com/cat.png"))
//	alice.TapsQuickReply("Red")     // by title, from the bot's last quick replies
//	alice.TapsButton("Buy")         // a postback button of the bot's messages
//	alice.TapsGetStarted()
//	alice.Reacts(msg, "love")
//	alice.Reads()
//	alice.ArrivesFrom(testkit.Ref("summer-ad"))
//	alice.OptsIn(testkit.Checkbox("cart-42"))
//	alice.EditsLast("hi there")
//
// The Page's other apps and the platform act too: the Page Inbox passes,
// takes, requests or releases the thread (AppActs; ThreadOwner says who
// has it), and the platform warns or blocks the Page (EnforcesPolicy):
//
//	alice.AppActs(testkit.RequestThread, "", "", "an agent asks")
//	if alice.ThreadOwner() != fakegraph.DefaultAppID { … }
//	emu.EnforcesPolicy("warning", "Spam")
//
// # Wait
//
// NextMessage waits for the bot's next message to the user, reading the
// emulator's journal: the next Send API call for that user that the
// platform accepted. If none comes within the timeout, the test fails with
// the conversation so far, refused sends included, so the reason is on
// the screen. A send the platform refuses, or a webhook the bot refuses
// (a wrong app secret answers 403), fails it at once:
//
//	msg := alice.NextMessage(t)
//
// The bot gets only the webhook fields its Page is subscribed to (POST
// /me/subscribed_apps?subscribed_fields=…) that are also in the webhook's
// fields (WebhookConfig.Fields), as on the platform; the journal has no
// attempt for the others. When all the user did since the bot's last
// message went unsent so, NextMessage fails after a second, naming each
// action, its field and the subscription that would carry it.
//
// NoMessage checks that the bot stays quiet for a while. Conversation
// returns the whole thread: what the user did, what the bot
// sent, what the platform refused.
//
// The bot handles each webhook on the emulator's goroutines, so what it
// does after its last message (a handover, a label) may not be done when
// NextMessage returns. WaitForBot waits until the bot has answered every
// webhook of the user's thread, and then the test can look:
//
//	alice.Says("human")
//	alice.WaitForBot(t)
//	if alice.ThreadOwner() != fakegraph.PageInboxAppID { … }
//
// # Assert
//
// A Message has typed accessors (Text, QuickReplies, TemplateType,
// Elements, Buttons, AttachmentType, AttachmentURL, Tag, Persona) and the
// checks compare them, each reporting a go-cmp diff (want −, got +)
// followed by the conversation:
//
//	testkit.CheckText(t, msg, "Hello Alice")
//	testkit.CheckQuickReplies(t, msg, "Red", "Blue")
//	testkit.CheckTemplate(t, msg, "generic", "Red shirt", "Blue shirt")
//	testkit.CheckButtons(t, msg, "Buy", "Buy")
//	testkit.CheckAttachment(t, msg, "image", "https://example.com/cat.png")
//	testkit.Check(t, msg, `{"text":"Pick one","quick_replies":[{"payload":"RED"},{"payload":"BLUE"}]}`, testkit.Partial())
//
// The emulator also judges every request by the platform's rules.
// CheckNoViolations fails the test if the platform refused any of the
// bot's requests, naming the call, the JSON path of the offending value
// and the platform's error; CheckNoWarnings does the same for rules the
// platform documents but does not enforce. Both belong at the end of most
// tests. A test that expects a refusal or a warning (a known bug, a
// deliberate misuse) reads Violations or Warnings and asserts on the rule,
// the JSON path or the error code; User.Labels reads the labels the bot
// put on a user.
//
// # Policy
//
// The emulator's clock is virtual. Advance moves it, and the platform's
// rules follow: after 24 hours without a message from the user a RESPONSE
// is refused with (#10) 2018278, and only a tag such as HUMAN_AGENT gets
// through:
//
//	emu.Advance(25 * time.Hour)
//
// # Faults
//
// Fault rules make the platform fail on purpose, so the test can show the
// bot survives it. A rule matches calls by API family, path, recipient
// and method, may let some calls through first (After) and stop after a
// number of calls (Times), and answers any error of the platform's
// catalogue, or answers late:
//
//	emu.AddFault(testkit.Fault{API: "send", PSID: alice.PSID(), Error: validator.KeyUnavailable}) // 551
//	emu.AddFault(testkit.Fault{API: "send", Times: 3, Error: validator.KeyRateAPI})              // 613 ×3
//	emu.AddFault(testkit.Fault{API: "send", Latency: 2 * time.Second})
//
// The control API offers the same rules over HTTP at /_messemu/v1/faults
// (POST, GET, DELETE). Refusals forced by a fault rule are not violations
// of the bot.
//
// # Parallel
//
// Nothing in testkit or fakegraph is global: each emulator has its own
// state, clock and journal, so tests that call t.Parallel each with their
// own emulator never see each other. The first Start in a test binary
// also loads and compiles the platform's request schemas, once for the
// binary: about 0.15 s (0.4 s under -race) on a two-core machine, so the
// first test looks slower than it is. Every Start after it costs under a
// millisecond and a few tens of kilobytes (see the benchmarks).
package testkit
