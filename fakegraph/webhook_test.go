package fakegraph

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var updateGolden = flag.Bool("update", false, "rewrite the webhook golden files under testdata/webhooks")

// golden compares body with testdata/webhooks/name.json byte for byte
// (the exact signed bytes, escapes included).
func golden(t *testing.T, name string, body []byte) {
	t.Helper()
	path := filepath.Join("testdata", "webhooks", name+".json")
	if *updateGolden {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, append(append([]byte{}, body...), '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%s: %v (run go test -run TestWebhookGolden -update to write it)", name, err)
	}
	if got := append(append([]byte{}, body...), '\n'); !bytes.Equal(got, want) {
		t.Errorf("%s: body differs from %s\n got: %s\nwant: %s", name, path, got, want)
	}
	if !json.Valid(body) {
		t.Errorf("%s: not JSON: %s", name, body)
	}
}

// TestWebhookGolden drives every event type of PLATFORM.md §10 through a
// real HTTP bot that checks both signatures, and compares each body with
// its golden file.
func TestWebhookGolden(t *testing.T) {
	t.Parallel()
	bot := newHookBot(t)
	s := hookServer(t, bot, WebhookConfig{})
	tick := func() { s.Advance(1500 * time.Millisecond) }
	expect := func(names ...string) {
		t.Helper()
		for _, n := range names {
			golden(t, n, bot.next(t))
		}
		bot.noWebhookWithin(t, 100*time.Millisecond)
		tick()
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	const page = DefaultPageID

	hello, err := s.UserSends(page, alice, UserMessageRequest{Text: "Hello äöå 👋"})
	must(err)
	expect("messages_text")

	sent := botSends(t, s, map[string]any{"recipient": map[string]any{"id": alice}, "messaging_type": "RESPONSE",
		"message": map[string]any{"text": "Pick a colour, ünïcode ✓", "metadata": "step-1", "quick_replies": []any{
			map[string]any{"content_type": "text", "title": "Red", "payload": "PICK_RED"},
			map[string]any{"content_type": "text", "title": "Green", "payload": "PICK_GREEN"},
			map[string]any{"content_type": "user_email"},
		}}})
	botMID, _ := sent["message_id"].(string)
	expect("message_echoes_text", "message_deliveries")

	_, err = s.UserTapsQuickReply(page, alice, "Green")
	must(err)
	expect("messages_quick_reply")
	if _, err := s.UserTapsQuickReply(page, alice, "Red"); err == nil {
		t.Error("a second tap on the same quick replies was accepted: they go once the user answers")
	}
	botSends(t, s, map[string]any{"recipient": map[string]any{"id": alice}, "messaging_type": "RESPONSE",
		"message": map[string]any{"text": "Your email?", "quick_replies": []any{map[string]any{"content_type": "user_email"}}}})
	expect("message_echoes_text_email", "message_deliveries_email")
	_, err = s.UserTapsQuickReply(page, alice, "0")
	must(err)
	expect("messages_quick_reply_email")

	botSends(t, s, map[string]any{"recipient": map[string]any{"id": alice}, "messaging_type": "RESPONSE",
		"message": map[string]any{"attachment": map[string]any{"type": "template", "payload": map[string]any{
			"template_type": "button", "text": "What next?", "buttons": []any{
				map[string]any{"type": "postback", "title": "Buy", "payload": "BUY_1"},
				map[string]any{"type": "web_url", "title": "Site", "url": "https://example.com"},
			}}}}})
	expect("message_echoes_template", "message_deliveries_2")
	_, err = s.UserTapsButton(page, alice, "Buy")
	must(err)
	expect("messaging_postbacks")
	if _, err := s.UserTapsGetStarted(page, alice); err == nil || !strings.Contains(err.Error(), "no Get Started button") {
		t.Errorf("Get Started before the bot set one: %v", err)
	}
	if res := apiJSON(t, s, "POST", "/v26.0/me/messenger_profile", map[string]any{
		"get_started": map[string]any{"payload": "GET_STARTED"},
		"persistent_menu": []any{map[string]any{"locale": "default", "composer_input_disabled": false, "call_to_actions": []any{
			map[string]any{"type": "postback", "title": "Help", "payload": "HELP"},
			map[string]any{"type": "web_url", "title": "Site", "url": "https://example.com"},
		}}},
		"commands": []any{map[string]any{"locale": "default", "commands": []any{map[string]any{"name": "flights", "description": "Find flights"}}}},
	}); res.status != 200 {
		t.Fatalf("profile: %s", res.raw)
	}
	_, err = s.UserSends(page, alice, UserMessageRequest{Text: "/flights to Rome"})
	must(err)
	expect("messages_command")
	// Bob is new: his m.me referral comes with his Get Started tap.
	const bob = "6283749102837465"
	_, err = s.UserArrivesFrom(page, bob, Referral{Ref: "welcome-bob"})
	must(err)
	bot.noWebhookWithin(t, 100*time.Millisecond)
	_, err = s.UserTapsGetStarted(page, bob)
	must(err)
	expect("messaging_postbacks_get_started_referral")
	_, err = s.UserTapsGetStarted(page, alice)
	must(err)
	expect("messaging_postbacks_get_started")
	_, err = s.UserTapsMenu(page, alice, "Help")
	must(err)
	expect("messaging_postbacks_menu")

	_, err = s.UserReacts(page, alice, botMID, "love")
	must(err)
	expect("message_reactions_react")
	_, err = s.UserUnreacts(page, alice, botMID)
	must(err)
	expect("message_reactions_unreact")
	_, err = s.UserReads(page, alice)
	must(err)
	expect("message_reads")

	_, err = s.UserSends(page, alice, UserMessageRequest{Attachments: []UserAttachment{{Type: "image", URL: "https://example.com/cat.png"}}})
	must(err)
	expect("messages_image")
	_, err = s.UserSends(page, alice, UserMessageRequest{Attachments: []UserAttachment{{Type: "sticker", URL: "https://example.com/sticker.png", StickerID: 369239263222822}}})
	must(err)
	expect("messages_sticker")
	_, err = s.UserSends(page, alice, UserMessageRequest{Text: "look", Attachments: []UserAttachment{{Type: "fallback", URL: "https://example.com/article", Title: "An article"}}})
	must(err)
	expect("messages_fallback")
	_, err = s.UserSends(page, alice, UserMessageRequest{Text: "this one", ReplyTo: botMID})
	must(err)
	expect("messages_reply_to")
	_, err = s.UserEdits(page, alice, hello.MID, "Hello again")
	must(err)
	expect("message_edits")

	_, err = s.UserOptsIn(page, alice, OptIn{Ref: "from-site"})
	must(err)
	expect("messaging_optins_plugin")
	_, err = s.UserOptsIn(page, alice, OptIn{Type: OptInCheckbox, Ref: "checkout", UserRef: "cb-1234"})
	must(err)
	expect("messaging_optins_checkbox")
	_, err = s.UserOptsIn(page, alice, OptIn{Type: OptInOneTimeNotification, Payload: "NOTIFY_PRICE"})
	must(err)
	expect("messaging_optins_otn")
	_, err = s.UserArrivesFrom(page, alice, Referral{Ref: "summer-sale"})
	must(err)
	expect("messaging_referrals_shortlink")
	_, err = s.UserArrivesFrom(page, alice, Referral{Ref: "ad_42", Source: "ADS", AdID: "6045246247433"})
	must(err)
	expect("messaging_referrals_ads")

	idle := (*string)(nil)
	inbox := PageInboxAppID
	must(s.EmitPassThreadControl(page, alice, ThreadControl{PreviousOwnerAppID: idle, NewOwnerAppID: DefaultAppID, Metadata: "over to you"}))
	expect("messaging_handovers_pass")
	must(s.EmitTakeThreadControl(page, alice, ThreadControl{PreviousOwnerAppID: &inbox, NewOwnerAppID: DefaultAppID, Metadata: "taken"}))
	expect("messaging_handovers_take")
	must(s.EmitRequestThreadControl(page, alice, RequestThreadControl{RequestedOwnerAppID: PageInboxAppID, Metadata: "may I?"}))
	expect("messaging_handovers_request")
	must(s.EmitAppRoles(page, map[string][]string{DefaultAppID: {"primary_receiver"}}))
	expect("messaging_handovers_app_roles")

	must(s.EmitAccountLinking(page, alice, AccountLinking{Status: "linked", AuthorizationCode: "auth-code-1"}))
	expect("messaging_account_linking_linked")
	must(s.EmitAccountLinking(page, alice, AccountLinking{Status: "unlinked", AuthorizationCode: "ignored"}))
	expect("messaging_account_linking_unlinked")
	must(s.EmitPolicyEnforcement(page, "", PolicyEnforcement{Action: "block", Reason: "The bot violated our Platform Policies."}))
	expect("messaging_policy_enforcement_block")
	must(s.EmitPolicyEnforcement(page, "", PolicyEnforcement{Action: "unblock", Reason: "dropped"}))
	expect("messaging_policy_enforcement_unblock")

	must(s.UserSubmitsFeedback(page, alice, MessagingFeedback{FeedbackScreens: []FeedbackScreen{{ScreenID: 0, Questions: map[string]FeedbackQuestion{
		"hauydmns8": {Type: "csat", Payload: "5", FollowUp: &FeedbackFollowUp{Type: "free_form", Payload: "Great ☺"}}}}}}))
	expect("messaging_feedback")
	must(s.EmitInboxLabel(page, alice, "add", "1712444532121303", "vip"))
	expect("inbox_labels")

	// The Page Inbox owns the thread: the bot gets standby, and postbacks
	// without their payload (PLATFORM.md §8).
	if res := apiJSON(t, s, "POST", "/v26.0/me/pass_thread_control", map[string]any{"recipient": map[string]any{"id": alice}, "target_app_id": PageInboxAppID}); res.status != 200 {
		t.Fatalf("pass to the inbox: %s", res.raw)
	}
	bot.noWebhookWithin(t, 100*time.Millisecond)
	_, err = s.UserSends(page, alice, UserMessageRequest{Text: "a human, please"})
	must(err)
	expect("standby_message")
	_, err = s.UserTapsButton(page, alice, "Buy")
	must(err)
	expect("standby_postback")
	must(s.ActAsApp(page, HandoverActRequest{Action: "pass_thread_control", PSID: alice, TargetAppID: DefaultAppID, Metadata: "back to the bot"}))
	expect("messaging_handovers_pass_from_inbox")
	_, err = s.UserSends(page, alice, UserMessageRequest{Text: "thanks"})
	must(err)
	expect("messages_after_handover")

	// After 2026-08-30 a sticker comes as a sticker only.
	s.Advance(100 * 24 * time.Hour)
	_, err = s.UserSends(page, alice, UserMessageRequest{Attachments: []UserAttachment{{Type: "sticker", URL: "https://example.com/sticker.png", StickerID: 369239263222822}}})
	must(err)
	expect("messages_sticker_after_cutoff")

	if st := s.Webhook(); st.State != "active" || st.Pending != 0 || st.Failed != 0 {
		t.Errorf("status after the run: %+v", st)
	}
}

// TestWebhookFieldsFilter: only subscribed fields are sent.
func TestWebhookFieldsFilter(t *testing.T) {
	t.Parallel()
	bot := newHookBot(t)
	s := hookServer(t, bot, WebhookConfig{Fields: []string{"messages"}})
	if _, err := s.UserSends(DefaultPageID, alice, UserMessageRequest{Text: "hi"}); err != nil {
		t.Fatal(err)
	}
	if body := bot.next(t); !strings.Contains(string(body), `"text":"hi"`) {
		t.Errorf("got %s", body)
	}
	botSends(t, s, map[string]any{"recipient": map[string]any{"id": alice}, "messaging_type": "RESPONSE", "message": map[string]any{"text": "yo"}})
	if _, err := s.UserReads(DefaultPageID, alice); err != nil {
		t.Fatal(err)
	}
	bot.noWebhookWithin(t, 100*time.Millisecond) // no echo, no delivery, no read
	if err := s.SetWebhook(WebhookConfig{URL: bot.URL(), Fields: []string{"messages", "nope"}}); err == nil || !strings.Contains(err.Error(), `"nope"`) {
		t.Errorf("an unknown field: err %v", err)
	}
}

// TestReceiptsOff: no echo or delivery when automatic receipts are off;
// reads still fire.
func TestReceiptsOff(t *testing.T) {
	t.Parallel()
	bot := newHookBot(t)
	off := false
	s := hookServer(t, bot, WebhookConfig{Receipts: &off})
	if _, err := s.UserSends(DefaultPageID, alice, UserMessageRequest{Text: "hi"}); err != nil {
		t.Fatal(err)
	}
	bot.next(t)
	botSends(t, s, map[string]any{"recipient": map[string]any{"id": alice}, "messaging_type": "RESPONSE", "message": map[string]any{"text": "yo"}})
	bot.noWebhookWithin(t, 100*time.Millisecond)
	if _, err := s.UserReads(DefaultPageID, alice); err != nil {
		t.Fatal(err)
	}
	if body := bot.next(t); !strings.Contains(string(body), `"read":{"watermark":`) {
		t.Errorf("got %s", body)
	}
	if s.Webhook().Receipts {
		t.Error("status says receipts are on")
	}
}

// TestOneTimeNotification: the optin webhook carries a token; the bot
// sends with it once, outside the window, and the second send is refused.
func TestOneTimeNotification(t *testing.T) {
	t.Parallel()
	bot := newHookBot(t)
	s := hookServer(t, bot, WebhookConfig{})
	if _, err := s.UserOptsIn(DefaultPageID, alice, OptIn{Type: OptInOneTimeNotification, Payload: "PRICE_DROP"}); err != nil {
		t.Fatal(err)
	}
	var p WebhookPayload
	if err := json.Unmarshal(bot.next(t), &p); err != nil {
		t.Fatal(err)
	}
	var ev MessagingEvent
	if err := json.Unmarshal(p.Entry[0].Messaging[0], &ev); err != nil {
		t.Fatal(err)
	}
	if ev.Optin == nil || ev.Optin.Type != "one_time_notif_req" || ev.Optin.Payload != "PRICE_DROP" || ev.Optin.OneTimeNotifToken == "" {
		t.Fatalf("optin event: %+v", ev.Optin)
	}
	s.Advance(3 * 24 * time.Hour) // no window: the token is the consent
	send := map[string]any{"recipient": map[string]any{"one_time_notif_token": ev.Optin.OneTimeNotifToken}, "message": map[string]any{"text": "The price dropped"}}
	res := apiJSON(t, s, "POST", "/v26.0/me/messages", send)
	if res.status != 200 {
		t.Fatalf("first send with the token: %d %s", res.status, res.raw)
	}
	if !strings.Contains(string(res.raw), `"recipient_id":"`+alice+`"`) {
		t.Errorf("the answer to a one-time-token send names no recipient: %s", res.raw)
	}
	if body := bot.next(t); !strings.Contains(string(body), `"is_echo":true`) || !strings.Contains(string(body), `"recipient":{"id":"`+alice+`"}`) {
		t.Errorf("echo of the OTN send: %s", body)
	}
	res = apiJSON(t, s, "POST", "/v26.0/me/messages", send)
	if res.status != 400 || !strings.Contains(string(res.raw), `"code":100`) {
		t.Errorf("second send with the token: %d %s", res.status, res.raw)
	}
	// A token never issued is refused too.
	send["recipient"] = map[string]any{"one_time_notif_token": "made-up"}
	if res = apiJSON(t, s, "POST", "/v26.0/me/messages", send); res.status != 400 {
		t.Errorf("unknown token: %d %s", res.status, res.raw)
	}
}

// TestControlUserActions drives the user actions through the control API.
func TestControlUserActions(t *testing.T) {
	t.Parallel()
	bot := newHookBot(t)
	s := hookServer(t, nil, WebhookConfig{})
	code, body := control(t, s, "PUT", "webhook", `{"url":"`+bot.URL()+`","fields":["messages","messaging_postbacks","message_reactions","message_reads","messaging_referrals","messaging_optins","message_edits","messaging_account_linking","messaging_feedback","messaging_policy_enforcement"],"timeout":"2s"}`)
	if code != 200 || !strings.Contains(body, `"state":"active"`) || !strings.Contains(body, `"timeout":"2s"`) {
		t.Fatalf("PUT webhook = %d %s", code, body)
	}
	code, body = control(t, s, "POST", "users/"+alice+"/messages", `{"text":"hi"}`)
	if code != 200 {
		t.Fatalf("message: %d %s", code, body)
	}
	var said struct{ MID string }
	if err := json.Unmarshal([]byte(body), &said); err != nil {
		t.Fatal(err)
	}
	bot.next(t)
	// Nothing sent yet: no quick reply, no button to tap.
	code, body = control(t, s, "POST", "users/"+alice+"/quick_replies", `{"title":"Yes"}`)
	if code != 400 || !strings.Contains(body, "sent Alice Martin nothing") {
		t.Errorf("tap with no bot message: %d %s", code, body)
	}
	botSends(t, s, map[string]any{"recipient": map[string]any{"id": alice}, "messaging_type": "RESPONSE", "message": map[string]any{
		"attachment": map[string]any{"type": "template", "payload": map[string]any{"template_type": "generic", "elements": []any{
			map[string]any{"title": "Shoe", "subtitle": "red", "buttons": []any{map[string]any{"type": "postback", "title": "Buy", "payload": "BUY_SHOE"}}},
		}}},
		"quick_replies": []any{map[string]any{"content_type": "text", "title": "Yes", "payload": "Y"}, map[string]any{"content_type": "text", "title": "No", "payload": "N"}},
	}})
	if res := apiJSON(t, s, "POST", "/v26.0/me/messenger_profile", map[string]any{
		"get_started": map[string]any{"payload": "START"},
		"persistent_menu": []any{map[string]any{"locale": "default", "call_to_actions": []any{
			map[string]any{"type": "postback", "title": "Help", "payload": "HELP"}}}},
	}); res.status != 200 {
		t.Fatalf("profile: %s", res.raw)
	}
	for _, e := range []struct{ body, want string }{
		{`{"title":"Maybe"}`, `no quick reply \"Maybe\" in the bot's last message; it offers 0: \"Yes\", 1: \"No\"`},
		{`{"index":2}`, `no quick reply \"2\"`},
	} {
		if code, body := control(t, s, "POST", "users/"+alice+"/quick_replies", e.body); code != 400 || !strings.Contains(body, e.want) {
			t.Errorf("quick_replies %s: %d %s, want 400 with %s", e.body, code, body, e.want)
		}
	}
	steps := []struct{ path, body, want string }{
		{"quick_replies", `{"index":1}`, `"quick_reply":{"payload":"N"}`},
		{"postbacks", `{"title":"Buy"}`, `"title":"Buy","payload":"BUY_SHOE"`},
		{"postbacks", `{"get_started":true}`, `"title":"Get Started","payload":"START"`},
		{"postbacks", `{"menu":"Help"}`, `"title":"Help","payload":"HELP"`},
		{"reactions", `{"mid":"` + said.MID + `","reaction":"👍"}`, `"reaction":"like","emoji":"\ud83d\udc4d","action":"react"`},
		{"reactions", `{"mid":"` + said.MID + `","action":"unreact"}`, `"action":"unreact"`},
		{"read", ``, `"read":{"watermark":`},
		{"referrals", `{"ref":"spring"}`, `"referral":{"ref":"spring","source":"SHORTLINK","type":"OPEN_THREAD"}`},
		{"optins", `{"ref":"widget"}`, `"optin":{"ref":"widget"}`},
		{"edits", `{"mid":"` + said.MID + `","text":"hey"}`, `"message_edit":{"mid":"` + said.MID + `","text":"hey","num_edit":1}`},
		{"account_linking", `{"status":"linked","authorization_code":"abc"}`, `"account_linking":{"status":"linked","authorization_code":"abc"}`},
		{"feedback", `{"feedback_screens":[{"screen_id":0,"questions":{"q1":{"type":"nps","payload":"9"}}}]}`, `"questions":{"q1":{"type":"nps","payload":"9"}}`},
	}
	for _, st := range steps {
		code, body := control(t, s, "POST", "users/"+alice+"/"+st.path, st.body)
		if code != 200 {
			t.Errorf("%s %s: %d %s", st.path, st.body, code, body)
			continue
		}
		if got := string(bot.next(t)); !strings.Contains(got, st.want) {
			t.Errorf("%s %s: webhook %s lacks %s", st.path, st.body, got, st.want)
		}
	}
	errs := []struct{ path, body, want string }{
		{"quick_replies", `{"title":"Yes"}`, `are gone: the user has answered or written since`},
		{"postbacks", `{"title":"Sell"}`, `no postback button \"Sell\"`},
		{"postbacks", `{}`, `give one of`},
		{"postbacks", `{"menu":"Nope"}`, `no menu item \"Nope\"; the menu has \"Help\"`},
		{"reactions", `{"mid":"m_nope","reaction":"love"}`, `is not a message of Alice Martin's thread`},
		{"reactions", `{"mid":"` + said.MID + `","reaction":"x"}`, `reaction must be`},
		{"referrals", `{"ref":"no spaces"}`, `ref is at most 2083`},
		{"optins", `{"type":"bogus"}`, `optin type must be`},
		{"edits", `{"mid":"m_nope","text":"x"}`, `is not a message Alice Martin wrote`},
		{"account_linking", `{"status":"maybe"}`, `status must be`},
		{"feedback", `{}`, `at least one screen`},
	}
	for _, e := range errs {
		code, body := control(t, s, "POST", "users/"+alice+"/"+e.path, e.body)
		if code != 400 || !strings.Contains(body, e.want) {
			t.Errorf("%s %s: %d %s, want 400 with %s", e.path, e.body, code, body, e.want)
		}
	}
	bot.noWebhookWithin(t, 100*time.Millisecond)
	if code, body := control(t, s, "POST", "policy_enforcement", `{"action":"warning","reason":"spam"}`); code != 200 {
		t.Errorf("policy_enforcement: %d %s", code, body)
	} else if got := string(bot.next(t)); !strings.Contains(got, `"policy_enforcement":{"action":"warning","reason":"spam"}`) || strings.Contains(got, `"sender"`) {
		t.Errorf("policy_enforcement webhook: %s", got)
	}
	code, body = control(t, s, "POST", "webhook/verify", "")
	if code != 200 || !strings.Contains(body, `"verified":true`) {
		t.Errorf("verify: %d %s", code, body)
	}
}

// TestWindowFromActions: the actions of PLATFORM.md §2.2 open the window,
// reads do not.
func TestWindowFromActions(t *testing.T) {
	t.Parallel()
	s := hookServer(t, nil, WebhookConfig{})
	open := func() bool {
		u, err := s.GetUser(DefaultPageID, alice)
		if err != nil {
			t.Fatal(err)
		}
		return !u.LastInteraction.IsZero() && s.Clock().Now().Before(u.LastInteraction.Add(24*time.Hour))
	}
	if _, err := s.UserReads(DefaultPageID, alice); err != nil || open() {
		t.Fatalf("a read opened the window (err %v)", err)
	}
	s.Advance(25 * time.Hour)
	if _, err := s.UserSends(DefaultPageID, alice, UserMessageRequest{Text: "hi"}); err != nil {
		t.Fatal(err)
	}
	botSends(t, s, map[string]any{"recipient": map[string]any{"id": alice}, "messaging_type": "RESPONSE", "message": map[string]any{
		"attachment": map[string]any{"type": "template", "payload": map[string]any{"template_type": "button", "text": "Go?",
			"buttons": []any{map[string]any{"type": "postback", "title": "Go", "payload": "GO"}}}},
		"quick_replies": []any{map[string]any{"content_type": "text", "title": "Yes", "payload": "Y"}}}})
	acts := map[string]func() error{
		"referral":    func() error { _, err := s.UserArrivesFrom(DefaultPageID, alice, Referral{Ref: "x"}); return err },
		"button":      func() error { _, err := s.UserTapsButton(DefaultPageID, alice, "Go"); return err },
		"plugin":      func() error { _, err := s.UserOptsIn(DefaultPageID, alice, OptIn{Ref: "p"}); return err },
		"checkbox":    func() error { _, err := s.UserOptsIn(DefaultPageID, alice, OptIn{Type: OptInCheckbox}); return err },
		"quick reply": func() error { _, err := s.UserTapsQuickReply(DefaultPageID, alice, "Yes"); return err },
		"reaction": func() error {
			th, err := s.Thread(DefaultPageID, alice)
			if err != nil {
				return err
			}
			_, err = s.UserReacts(DefaultPageID, alice, th[0].MID, "wow")
			return err
		},
	}
	for name, act := range acts {
		s.Advance(25 * time.Hour)
		if open() {
			t.Fatalf("window still open before %s", name)
		}
		if err := act(); err != nil {
			t.Fatal(err)
		}
		if !open() {
			t.Errorf("%s did not open the window", name)
		}
	}
}
