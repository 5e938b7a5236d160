package validator

import (
	"testing"
	"time"
)

// Top-level rules of the Send API (PLATFORM.md §2.1–§2.3).

var (
	errOutsideWindow = oauth(10, 2018278, "(#10) This message is sent outside of allowed window. Learn more about the new policy here: https://developers.facebook.com/docs/messenger-platform/policy-overview")
	errNewsOnly      = oauth(10, 2018065, "(#10) This message is sent outside of allowed window. You need News Messaging permission to be able to do it. Learn more about the new policy here: https://developers.facebook.com/docs/messenger-platform/policy-overview")
	errNoUser        = oauth(100, 2018001, "(#100) No matching user found")
	errMsgOrState    = oauth(100, 2018015, "(#100) Must send either message or state")
	errMsgAndState   = oauth(100, 2018014, "(#100) Cannot send both message and state at the same time.")
	tagsNow          = "CUSTOMER_FEEDBACK, HUMAN_AGENT, NON_PROMOTIONAL_SUBSCRIPTION"
	tagsBefore       = "ACCOUNT_UPDATE, CONFIRMED_EVENT_UPDATE, CUSTOMER_FEEDBACK, HUMAN_AGENT, NON_PROMOTIONAL_SUBSCRIPTION, POST_PURCHASE_UPDATE"
	retiredTags      = []string{"BUSINESS_PRODUCTIVITY", "COMMUNITY_ALERT", "CONFIRMED_EVENT_REMINDER", "PAIRING_UPDATE", "APPLICATION_UPDATE", "PAYMENT_UPDATE", "PERSONAL_FINANCE_UPDATE", "SHIPPING_UPDATE", "RESERVATION_UPDATE", "ISSUE_RESOLUTION", "APPOINTMENT_UPDATE", "GAME_EVENT", "TRANSPORTATION_UPDATE", "FEATURE_FUNCTIONALITY_UPDATE", "TICKET_UPDATE"}
)

// tagged is a text send to psid with messaging_type MESSAGE_TAG and tag.
func tagged(psid, tag, message string) string {
	return `{"recipient":{"id":"` + psid + `"},"messaging_type":"MESSAGE_TAG","tag":"` + tag + `","message":` + message + `}`
}

// action is a sender action to psid with extra top-level fields.
func action(psid, act, extra string) string {
	return `{"recipient":{"id":"` + psid + `"},"sender_action":"` + act + `"` + extra + `}`
}

// lastSeen sets alice's last interaction and last message to ago before now.
func lastSeen(ago time.Duration) func(*fakeState) {
	return func(f *fakeState) {
		f.users[alice] = UserInfo{LastInteraction: f.now.Add(-ago), LastMessage: f.now.Add(-ago)}
	}
}

// optedIn makes psid the user behind the user_ref and the one-time tokens.
func optedIn(psid string) func(*fakeState) {
	return func(f *fakeState) { f.optedIn = psid }
}

// at moves the clock to t, keeping alice in the window.
func at(t time.Time) func(*fakeState) {
	return func(f *fakeState) {
		f.now = t
		f.users[alice] = UserInfo{LastInteraction: t.Add(-time.Hour), LastMessage: t.Add(-time.Hour)}
	}
}

var beforeCutoff = TagCutoff.Add(-time.Second)

var topLevelCases = []sendCase{
	// §2 example.
	{name: "text send (§2 example)", body: to(text("hello"))},

	// recipient (§2.1).
	{name: "recipient missing", body: `{"messaging_type":"RESPONSE","message":{"text":"hi"}}`, want: errRequired("recipient")},
	{name: "recipient null", body: `{"recipient":null,"message":{"text":"hi"}}`, want: errRequired("recipient"), warns: []string{wNoType}},
	{name: "recipient not an object", body: `{"recipient":"` + alice + `","message":{"text":"hi"}}`, want: errInvalid, warns: []string{wNoType}},
	{name: "recipient names no one", body: `{"recipient":{},"messaging_type":"RESPONSE","message":{"text":"hi"}}`, want: oauth(100, 0, "(#100) param recipient must be non-empty.")},
	{name: "recipient with two null keys", body: `{"recipient":{"id":null,"user_ref":null},"message":{"text":"hi"}}`, want: oauth(100, 0, "(#100) param recipient must be non-empty."), warns: []string{wLenient, wLenient, wNoType}},
	{name: "recipient with two keys", body: `{"recipient":{"id":"` + alice + `","user_ref":"` + userRef + `"},"message":{"text":"hi"}}`, want: errInvalid, warns: []string{wNoType}},
	{name: "recipient id not digits", body: `{"recipient":{"id":"alice"},"message":{"text":"hi"}}`, want: oauth(100, 0, `(#100) Param recipient[id] must be a valid ID string (e.g., "123")`), warns: []string{wNoType}},
	{name: "recipient id empty", body: `{"recipient":{"id":""},"message":{"text":"hi"}}`, want: oauth(100, 0, `(#100) Param recipient[id] must be a valid ID string (e.g., "123")`), warns: []string{wNoType}},
	{name: "recipient id null", body: `{"recipient":{"id":null},"message":{"text":"hi"}}`, want: oauth(100, 0, "(#100) The parameter recipient[id] is required"), warns: []string{wNoType}},
	{name: "recipient id beside a null user_ref", body: `{"recipient":{"id":"` + alice + `","user_ref":null},"messaging_type":"RESPONSE","message":{"text":"hi"}}`, warns: []string{"lenient.null-or-empty"}},
	{name: "recipient id as a number is coerced", body: `{"recipient":{"id":` + alice + `},"messaging_type":"RESPONSE","message":{"text":"hi"}}`},
	{name: "recipient id as an object", body: `{"recipient":{"id":{"v":1}},"message":{"text":"hi"}}`, want: errString("recipient[id]"), warns: []string{wNoType}},
	{name: "recipient unknown PSID", body: `{"recipient":{"id":"1234567890123456"},"message":{"text":"hi"}}`, want: errNoUser, warns: []string{wNoType}},
	{name: "recipient blocked the Page", body: `{"recipient":{"id":"` + carla + `"},"messaging_type":"RESPONSE","message":{"text":"hi"}}`, want: oauth(551, 1545041, "(#551) This person isn't available right now.")},
	{name: "recipient thread owned by another app", body: `{"recipient":{"id":"` + dan + `"},"messaging_type":"RESPONSE","message":{"text":"hi"}}`, want: oauth(10, 2018300, "(#10) Message failed to send because another app is controlling this thread now.")},
	{name: "recipient user_ref from an opt-in", body: `{"recipient":{"user_ref":"` + userRef + `"},"messaging_type":"RESPONSE","message":{"text":"hi"}}`},
	// The person behind a user_ref: the checkbox opened their window
	// (§2.2), and a block or another app's thread control stops the send
	// as it stops one to their PSID (§2.1, §8).
	{name: "recipient user_ref, window closed", body: `{"recipient":{"user_ref":"` + userRef + `"},"messaging_type":"RESPONSE","message":{"text":"hi"}}`, state: optedIn(bob), want: errOutsideWindow},
	{name: "recipient user_ref, HUMAN_AGENT without a message", body: `{"recipient":{"user_ref":"` + userRef + `"},"messaging_type":"MESSAGE_TAG","tag":"HUMAN_AGENT","message":{"text":"hi"}}`, state: optedIn(bob), want: errOutsideWindow},
	{name: "recipient user_ref, the user blocked the Page", body: `{"recipient":{"user_ref":"` + userRef + `"},"messaging_type":"RESPONSE","message":{"text":"hi"}}`, state: optedIn(carla), want: oauth(551, 1545041, "(#551) This person isn't available right now.")},
	{name: "recipient user_ref, another app owns the thread", body: `{"recipient":{"user_ref":"` + userRef + `"},"messaging_type":"RESPONSE","message":{"text":"hi"}}`, state: optedIn(dan), want: oauth(10, 2018300, "(#10) Message failed to send because another app is controlling this thread now.")},
	{name: "recipient unknown user_ref", body: `{"recipient":{"user_ref":"nope"},"messaging_type":"RESPONSE","message":{"text":"hi"}}`, want: errNoUser},
	{name: "recipient one-time token", body: `{"recipient":{"one_time_notif_token":"` + otnValid + `"},"messaging_type":"UPDATE","message":{"text":"back in stock"}}`, warns: []string{"recipient.one_time_notif_token"}},
	{name: "recipient one-time token, window closed", body: `{"recipient":{"one_time_notif_token":"` + otnValid + `"},"messaging_type":"UPDATE","message":{"text":"back in stock"}}`, state: optedIn(bob), warns: []string{"recipient.one_time_notif_token"}},
	{name: "recipient one-time token, the user blocked the Page", body: `{"recipient":{"one_time_notif_token":"` + otnValid + `"},"message":{"text":"back in stock"}}`, state: optedIn(carla), want: oauth(551, 1545041, "(#551) This person isn't available right now."), warns: []string{"recipient.one_time_notif_token", wNoType}},
	{name: "recipient one-time token, another app owns the thread", body: `{"recipient":{"one_time_notif_token":"` + otnValid + `"},"message":{"text":"back in stock"}}`, state: optedIn(dan), want: oauth(10, 2018300, "(#10) Message failed to send because another app is controlling this thread now."), warns: []string{"recipient.one_time_notif_token", wNoType}},
	{name: "recipient used one-time token", body: `{"recipient":{"one_time_notif_token":"` + otnUsed + `"},"message":{"text":"hi"}}`, want: errInvalid, warns: []string{"recipient.one_time_notif_token", wNoType}},
	{name: "recipient expired one-time token", body: `{"recipient":{"one_time_notif_token":"` + otnExpired + `"},"message":{"text":"hi"}}`, want: errInvalid, warns: []string{"recipient.one_time_notif_token", wNoType}},
	{name: "recipient unknown one-time token", body: `{"recipient":{"one_time_notif_token":"1"},"message":{"text":"hi"}}`, want: errInvalid, warns: []string{"recipient.one_time_notif_token", wNoType}},
	{name: "recipient comment_id", body: `{"recipient":{"comment_id":"1_2"},"message":{"text":"hi"}}`, want: oauth(100, 0, "(#100) Private replies (recipient.comment_id) is not emulated by messemu"), warns: []string{wNoType}},
	{name: "recipient post_id", body: `{"recipient":{"post_id":"1_2"},"message":{"text":"hi"}}`, want: oauth(100, 0, "(#100) Private replies (recipient.post_id) is not emulated by messemu"), warns: []string{wNoType}},
	{name: "recipient notification_messages_token", body: `{"recipient":{"notification_messages_token":"t"},"message":{"text":"hi"}}`, want: oauth(100, 0, "(#100) Marketing messages (recipient.notification_messages_token) is not emulated by messemu"), warns: []string{wNoType}},
	{name: "recipient phone_number", body: `{"recipient":{"phone_number":"+15105551234","name":{"first_name":"A"}},"message":{"text":"hi"}}`, want: oauth(100, 0, "(#100) Customer matching (recipient.phone_number) is not emulated by messemu"), warns: []string{wNoType}},

	// message / sender_action (§2.1).
	{name: "message and sender_action", body: `{"recipient":{"id":"` + alice + `"},"sender_action":"typing_on","message":{"text":"hi"}}`, want: errMsgAndState},
	{name: "neither message nor sender_action", body: `{"recipient":{"id":"` + alice + `"},"messaging_type":"RESPONSE"}`, want: errMsgOrState},
	{name: "message null counts as absent", body: `{"recipient":{"id":"` + alice + `"},"message":null,"sender_action":"mark_seen"}`, warns: []string{wLenient}},
	{name: "message not an object", body: `{"recipient":{"id":"` + alice + `"},"messaging_type":"RESPONSE","message":"hi"}`, want: errInvalid},

	// messaging_type (§2.1, D1).
	{name: "messaging_type missing (D1)", body: `{"recipient":{"id":"` + alice + `"},"message":{"text":"hi"}}`, warns: []string{wNoType}},
	{name: "messaging_type empty (D22)", body: `{"recipient":{"id":"` + alice + `"},"messaging_type":"","message":{"text":"hi"}}`, warns: []string{wLenient, wNoType}},
	{name: "messaging_type missing with a tag means MESSAGE_TAG", body: `{"recipient":{"id":"` + bob + `"},"tag":"NON_PROMOTIONAL_SUBSCRIPTION","message":{"text":"hi"}}`, state: func(f *fakeState) { f.page.News = true }, warns: []string{wNoType}},
	{name: "messaging_type UPDATE", body: `{"recipient":{"id":"` + alice + `"},"messaging_type":"UPDATE","message":{"text":"hi"}}`},
	{name: "messaging_type UTILITY skips the window", body: `{"recipient":{"id":"` + bob + `"},"messaging_type":"UTILITY","message":{"text":"hi"}}`, warns: []string{"messaging_type.utility"}},
	{name: "messaging_type off the list", body: `{"recipient":{"id":"` + alice + `"},"messaging_type":"PROMO","message":{"text":"hi"}}`, want: errEnum("messaging_type", "RESPONSE, UPDATE, MESSAGE_TAG, UTILITY", "PROMO")},
	{name: "messaging_type lower case", body: `{"recipient":{"id":"` + alice + `"},"messaging_type":"response","message":{"text":"hi"}}`, want: errEnum("messaging_type", "RESPONSE, UPDATE, MESSAGE_TAG, UTILITY", "response")},

	// The 24-hour window (§2.2, D11): open while now < last + 24h.
	{name: "window open 24h less a second", body: to(text("hi")), state: lastSeen(24*time.Hour - time.Second)},
	{name: "window closed at exactly 24h", body: to(text("hi")), state: lastSeen(24 * time.Hour), want: errOutsideWindow},
	{name: "window closed after 25h", body: to(text("hi")), state: lastSeen(25 * time.Hour), want: errOutsideWindow},
	{name: "window never opened", body: `{"recipient":{"id":"` + bob + `"},"messaging_type":"RESPONSE","message":{"text":"hi"}}`, want: errOutsideWindow},
	{name: "UPDATE outside the window", body: `{"recipient":{"id":"` + bob + `"},"messaging_type":"UPDATE","message":{"text":"hi"}}`, want: errOutsideWindow},

	// tag (§2.1, §2.2).
	{name: "MESSAGE_TAG without a tag", body: `{"recipient":{"id":"` + alice + `"},"messaging_type":"MESSAGE_TAG","message":{"text":"hi"}}`, want: errRequired("tag")},
	{name: "MESSAGE_TAG with an empty tag", body: `{"recipient":{"id":"` + alice + `"},"messaging_type":"MESSAGE_TAG","tag":"","message":{"text":"hi"}}`, want: errRequired("tag"), warns: []string{wLenient}},
	{name: "tag with RESPONSE is ignored", body: `{"recipient":{"id":"` + alice + `"},"messaging_type":"RESPONSE","tag":"SHIPPING_UPDATE","message":{"text":"hi"}}`, warns: []string{"tag.ignored"}},
	{name: "HUMAN_AGENT 7 days less a second", body: tagged(alice, "HUMAN_AGENT", text("hi")), state: lastSeen(7*24*time.Hour - time.Second)},
	{name: "HUMAN_AGENT at exactly 7 days", body: tagged(alice, "HUMAN_AGENT", text("hi")), state: lastSeen(7 * 24 * time.Hour), want: errOutsideWindow},
	{name: "HUMAN_AGENT never wrote", body: tagged(bob, "HUMAN_AGENT", text("hi")), want: errOutsideWindow},
	{name: "HUMAN_AGENT without the permission", body: tagged(alice, "HUMAN_AGENT", text("hi")), state: func(f *fakeState) { f.page.HumanAgent = false }, want: errOutsideWindow},
	{name: "CUSTOMER_FEEDBACK with its template", body: tagged(alice, "CUSTOMER_FEEDBACK", feedbackMessage), state: lastSeen(3 * 24 * time.Hour)},
	{name: "CUSTOMER_FEEDBACK at exactly 7 days", body: tagged(alice, "CUSTOMER_FEEDBACK", feedbackMessage), state: lastSeen(7 * 24 * time.Hour), want: errOutsideWindow},
	{name: "CUSTOMER_FEEDBACK on text (D20)", body: tagged(alice, "CUSTOMER_FEEDBACK", text("hi")), want: errInvalid},
	{name: "CUSTOMER_FEEDBACK on another template (D20)", body: tagged(alice, "CUSTOMER_FEEDBACK", `{"attachment":{"type":"template","payload":{"template_type":"button","text":"t","buttons":[{"type":"postback","title":"a","payload":"b"}]}}}`), want: errInvalid},
	{name: "NON_PROMOTIONAL_SUBSCRIPTION on a News Page", body: tagged(bob, "NON_PROMOTIONAL_SUBSCRIPTION", text("news")), state: func(f *fakeState) { f.page.News = true }},
	{name: "NON_PROMOTIONAL_SUBSCRIPTION elsewhere", body: tagged(bob, "NON_PROMOTIONAL_SUBSCRIPTION", text("news")), want: errNewsOnly},
	{name: "ACCOUNT_UPDATE a second before the cutoff", body: tagged(bob, "ACCOUNT_UPDATE", text("hi")), state: at(beforeCutoff)},
	{name: "CONFIRMED_EVENT_UPDATE before the cutoff", body: tagged(bob, "CONFIRMED_EVENT_UPDATE", text("hi")), state: at(beforeCutoff)},
	{name: "POST_PURCHASE_UPDATE before the cutoff", body: tagged(bob, "POST_PURCHASE_UPDATE", text("hi")), state: at(beforeCutoff)},
	{name: "ACCOUNT_UPDATE at the cutoff", body: tagged(bob, "ACCOUNT_UPDATE", text("hi")), state: at(TagCutoff), want: errEnum("tag", tagsNow, "ACCOUNT_UPDATE")},
	{name: "CONFIRMED_EVENT_UPDATE after the cutoff", body: tagged(bob, "CONFIRMED_EVENT_UPDATE", text("hi")), want: errEnum("tag", tagsNow, "CONFIRMED_EVENT_UPDATE")},
	{name: "POST_PURCHASE_UPDATE after the cutoff", body: tagged(bob, "POST_PURCHASE_UPDATE", text("hi")), want: errEnum("tag", tagsNow, "POST_PURCHASE_UPDATE")},
	{name: "unknown tag before the cutoff", body: tagged(alice, "PROMO", text("hi")), state: at(beforeCutoff), want: errEnum("tag", tagsBefore, "PROMO")},
	{name: "lower-case tag", body: tagged(alice, "human_agent", text("hi")), want: errEnum("tag", tagsNow, "human_agent")},

	// notification_type, persona_id, reply_to (§2.1).
	{name: "notification_type REGULAR", body: `{"recipient":{"id":"` + alice + `"},"messaging_type":"RESPONSE","notification_type":"REGULAR","message":{"text":"hi"}}`},
	{name: "notification_type SILENT_PUSH", body: `{"recipient":{"id":"` + alice + `"},"messaging_type":"RESPONSE","notification_type":"SILENT_PUSH","message":{"text":"hi"}}`},
	{name: "notification_type NO_PUSH", body: `{"recipient":{"id":"` + alice + `"},"messaging_type":"RESPONSE","notification_type":"NO_PUSH","message":{"text":"hi"}}`},
	{name: "notification_type off the list", body: `{"recipient":{"id":"` + alice + `"},"messaging_type":"RESPONSE","notification_type":"LOUD","message":{"text":"hi"}}`, want: errEnum("notification_type", "REGULAR, SILENT_PUSH, NO_PUSH", "LOUD")},
	{name: "notification_type null (D22)", body: `{"recipient":{"id":"` + alice + `"},"messaging_type":"RESPONSE","notification_type":null,"message":{"text":"hi"}}`, warns: []string{wLenient}},
	{name: "persona_id live", body: `{"recipient":{"id":"` + alice + `"},"messaging_type":"RESPONSE","persona_id":"` + persona + `","message":{"text":"hi"}}`},
	{name: "persona_id unknown", body: `{"recipient":{"id":"` + alice + `"},"messaging_type":"RESPONSE","persona_id":"999","message":{"text":"hi"}}`, want: errInvalid},
	{name: "reply_to a thread message", body: `{"recipient":{"id":"` + alice + `"},"messaging_type":"RESPONSE","reply_to":{"mid":"` + knownMID + `"},"message":{"text":"hi"}}`},
	{name: "reply_to another thread's message", body: `{"recipient":{"id":"` + alice + `"},"messaging_type":"RESPONSE","reply_to":{"mid":"` + bobMID + `"},"message":{"text":"hi"}}`, want: errInvalid},
	{name: "reply_to without mid", body: `{"recipient":{"id":"` + alice + `"},"messaging_type":"RESPONSE","reply_to":{},"message":{"text":"hi"}}`, want: errRequired("reply_to[mid]")},
	{name: "reply_to not an object", body: `{"recipient":{"id":"` + alice + `"},"messaging_type":"RESPONSE","reply_to":"m_1","message":{"text":"hi"}}`, want: errInvalid},
	{name: "reply_to with no user message in 24h", body: `{"recipient":{"id":"` + alice + `"},"messaging_type":"MESSAGE_TAG","tag":"HUMAN_AGENT","reply_to":{"mid":"` + knownMID + `"},"message":{"text":"hi"}}`, state: lastSeen(2 * 24 * time.Hour), warns: []string{"reply_to.window"}},
	{name: "unknown top-level params are ignored (W)", body: `{"recipient":{"id":"` + alice + `"},"messaging_type":"RESPONSE","message":{"text":"hi"},"foo":1}`, warns: []string{"unknown-parameter"}},
	{name: "token and proof in the body", body: `{"access_token":"EAAx","appsecret_proof":"ab","recipient":{"id":"` + alice + `"},"messaging_type":"RESPONSE","message":{"text":"hi"}}`},

	// Sender actions (§2.3).
	{name: "typing_on", body: action(alice, "typing_on", "")},
	{name: "typing_off with a persona", body: action(alice, "typing_off", `,"persona_id":"`+persona+`"`)},
	{name: "typing_on with an unknown persona", body: action(alice, "typing_on", `,"persona_id":"999"`), want: errInvalid},
	{name: "mark_seen with a persona (W)", body: action(alice, "mark_seen", `,"persona_id":"`+persona+`"`), warns: []string{"sender_action.alone"}},
	{name: "sender action with messaging_type (W)", body: action(alice, "typing_on", `,"messaging_type":"RESPONSE"`), warns: []string{"sender_action.alone"}},
	{name: "sender action off the list", body: action(alice, "typing", ""), want: errEnum("sender_action", "typing_on, typing_off, mark_seen, react, unreact", "typing")},
	{name: "sender action not text", body: `{"recipient":{"id":"` + alice + `"},"sender_action":{}}`, want: errString("sender_action")},
	{name: "sender action a list", body: `{"recipient":{"id":"` + alice + `"},"sender_action":["typing_on"]}`, want: errString("sender_action")},
	{name: "sender action a number is text", body: `{"recipient":{"id":"` + alice + `"},"sender_action":5}`, want: errEnum("sender_action", "typing_on, typing_off, mark_seen, react, unreact", "5")},
	{name: "sender action outside the window (D18)", body: action(bob, "typing_on", ""), warns: []string{"sender_action.window"}},
	{name: "sender action at exactly 24h (D18)", body: action(alice, "mark_seen", ""), state: lastSeen(24 * time.Hour), warns: []string{"sender_action.window"}},
	{name: "react", body: action(alice, "react", `,"payload":{"message_id":"`+knownMID+`","reaction":"😊"}`)},
	{name: "react with a flag and a joined emoji", body: action(alice, "react", `,"payload":{"message_id":"`+knownMID+`","reaction":"👩‍💻"}`)},
	{name: "react with text (W)", body: action(alice, "react", `,"payload":{"message_id":"`+knownMID+`","reaction":"love"}`), warns: []string{"sender_action.react.emoji"}},
	{name: "react with two emoji (W)", body: action(alice, "react", `,"payload":{"message_id":"`+knownMID+`","reaction":"😊😊"}`), warns: []string{"sender_action.react.emoji"}},
	{name: "react without payload", body: action(alice, "react", ""), want: errRequired("payload[message_id]")},
	{name: "react without message_id", body: action(alice, "react", `,"payload":{"reaction":"😊"}`), want: errRequired("payload[message_id]")},
	{name: "react without reaction", body: action(alice, "react", `,"payload":{"message_id":"`+knownMID+`"}`), want: errRequired("payload[reaction]")},
	{name: "react to an unknown mid", body: action(alice, "react", `,"payload":{"message_id":"m_nope","reaction":"😊"}`), want: errInvalid},
	{name: "unreact", body: action(alice, "unreact", `,"payload":{"message_id":"`+knownMID+`"}`)},
	{name: "react with payload null (D22)", body: action(alice, "react", `,"payload":null`), want: errRequired("payload[message_id]"), warns: []string{wLenient}},
	{name: "react with payload not an object", body: action(alice, "react", `,"payload":"m_1"`), want: errInvalid},
	{name: "typing_on with a payload (W, dropped)", body: action(alice, "typing_on", `,"payload":"x"`), warns: []string{"sender_action.alone"}},
	{name: "mark_seen with a bad persona (W, dropped)", body: action(alice, "mark_seen", `,"persona_id":{"id":1}`), warns: []string{"sender_action.alone"}},
	{name: "message with a payload (W, dropped)", body: `{"recipient":{"id":"` + alice + `"},"messaging_type":"RESPONSE","payload":"x","message":{"text":"hi"}}`, warns: []string{"payload.ignored"}},
	{name: "access_token not a string", body: `{"access_token":{"t":1},"recipient":{"id":"` + alice + `"},"messaging_type":"RESPONSE","message":{"text":"hi"}}`, want: errString("access_token")},
	{name: "persona_id as a number is coerced", body: `{"recipient":{"id":"` + alice + `"},"messaging_type":"RESPONSE","persona_id":` + persona + `,"message":{"text":"hi"}}`},
	{name: "unreact without message_id", body: action(alice, "unreact", `,"payload":{}`), want: errRequired("payload[message_id]")},

	// Lenient forms (D22) at the top level.
	{name: "persona_id empty counts as absent", body: `{"recipient":{"id":"` + alice + `"},"messaging_type":"RESPONSE","persona_id":"","message":{"text":"hi"}}`, warns: []string{wLenient}},
	{name: "reply_to null counts as absent", body: `{"recipient":{"id":"` + alice + `"},"messaging_type":"RESPONSE","reply_to":null,"message":{"text":"hi"}}`, warns: []string{wLenient}},
}

func TestSendTopLevel(t *testing.T) {
	t.Parallel()
	cases := append([]sendCase(nil), topLevelCases...)
	for _, tag := range retiredTags {
		cases = append(cases,
			sendCase{name: "retired tag " + tag + " before the cutoff", body: tagged(alice, tag, text("hi")), state: at(beforeCutoff), want: errEnum("tag", tagsBefore, tag)},
			sendCase{name: "retired tag " + tag, body: tagged(alice, tag, text("hi")), want: errEnum("tag", tagsNow, tag)},
		)
	}
	runSendCases(t, cases)
}

// TestSendInvalidUTF8 feeds a string the JSON decoder could not have
// produced (form values can): a non-UTF-8 text is E "string" (§1.3).
func TestSendInvalidUTF8(t *testing.T) {
	t.Parallel()
	body := decodeSchemaBody(t, to(text("hi")), true)
	msg, ok := body["message"].(map[string]any)
	if !ok {
		t.Fatal("no message object")
	}
	msg["text"] = "caf\xe9"
	got := testValidator.Send(body, newFakeState()).Err()
	if want := errString("message[text]"); wantBody(got) != wantBody(want) {
		t.Errorf("got %s, want %s", wantBody(got), wantBody(want))
	}
}

// TestSendSchemaBackstop checks that the schema still runs on the envelope
// of an accepted request and refuses, as "invalid", what it does not fit.
func TestSendSchemaBackstop(t *testing.T) {
	t.Parallel()
	spec := `openapi: 3.0.3
info: {title: t, version: v}
paths: {}
components:
  schemas:
    SendRequest:
      type: object
      required: [zz_needed]
      properties:
        message: {type: string}
`
	schemas, err := LoadSchemas([]byte(spec))
	if err != nil {
		t.Fatal(err)
	}
	body := decodeSchemaBody(t, to(text("hi")), true)
	chk := New(schemas).Send(body, newFakeState())
	if got := chk.Err(); wantBody(got) != wantBody(errInvalid) {
		t.Fatalf("got %s, want the schema's invalid", wantBody(got))
	}
	if v := chk.Errors()[0]; v.Rule != "schema" || v.Path != "zz_needed" {
		t.Errorf("violation %+v, want the schema rule at zz_needed", v)
	}
	// The message object is left to the rules (and put back after the check).
	if _, ok := body["message"].(map[string]any); !ok {
		t.Errorf("message not restored: %v", body["message"])
	}
}
