package fakegraph

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/messemu/messemu/validator"
)

// The journal is a contract: GET /_messemu/v1/journal answers events that
// fit openapi.yaml's JournalEvent, whose Detail components are closed
// objects, so a field renamed in Go but not in the spec fails here.

// journalSession is an emulator driven over HTTP, as an outside tool
// drives it.
type journalSession struct {
	t *testing.T
	s *Server
}

// call sends body (JSON, "" for none) and decodes the answer keeping
// numbers as json.Number, as a strict reader does.
func (js journalSession) call(method, path, body string) (int, map[string]any) {
	js.t.Helper()
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	w := httptest.NewRecorder()
	js.s.Handler().ServeHTTP(w, r)
	dec := json.NewDecoder(bytes.NewReader(w.Body.Bytes()))
	dec.UseNumber()
	var out map[string]any
	if err := dec.Decode(&out); err != nil {
		js.t.Fatalf("%s %s: the answer is not a JSON object: %v\n%s", method, path, err, w.Body)
	}
	return w.Code, out
}

// must is call that fails the test unless the answer has status want.
func (js journalSession) must(want int, method, path, body string) map[string]any {
	js.t.Helper()
	code, out := js.call(method, path, body)
	if code != want {
		js.t.Fatalf("%s %s %s: status %d, want %d: %v", method, path, body, code, want, out)
	}
	return out
}

// control calls the control API; graph calls the Graph API with the
// default Page token.
func (js journalSession) control(want int, method, path, body string) map[string]any {
	js.t.Helper()
	return js.must(want, method, ControlPrefix+path, body)
}

func (js journalSession) graph(want int, method, path, body string) map[string]any {
	js.t.Helper()
	return js.must(want, method, withToken("/v26.0"+path), body)
}

// fits fails unless v fits the named components schema.
func fits(t *testing.T, schema string, v map[string]any) {
	t.Helper()
	if err := validator.MustLoadSchemas().CheckBody(schema, v); err != nil {
		raw, _ := json.Marshal(v)
		t.Errorf("does not fit %s: %v\n%s", schema, err, raw)
	}
}

// detailSchema names the Detail component an event's kind carries.
func detailSchema(kind, api string) string {
	switch EventKind(kind) {
	case KindUserAction:
		return "UserActionDetail"
	case KindReceipt:
		return "ReceiptDetail"
	case KindHandover:
		return "HandoverDetail"
	case KindLabel:
		return "LabelDetail"
	case KindWebhook:
		if api == APIWebhookVerify {
			return "VerifyDetail"
		}
		return "WebhookAttemptDetail"
	case KindFault:
		return "FaultDetail"
	case KindControl:
		return "ControlDetail"
	case KindAlert:
		return "AlertDetail"
	}
	return ""
}

// journalScript plays a session producing every kind of event: requests
// accepted and refused, user actions, receipts, handovers, labels,
// webhook handshakes and attempts, faults, control changes and alerts.
func journalScript(t *testing.T, js journalSession, bot *hookBot) {
	t.Helper()
	// A handshake with the wrong verify token fails: an alert.
	js.control(400, "PUT", "webhook", `{"url":"`+bot.URL()+`","verify_token":"wrong"}`)
	fits(t, "WebhookStatus", js.control(200, "PUT", "webhook", `{"url":"`+bot.URL()+`"}`))
	// A POST the bot refuses is retried: attempts with outcome retry.
	bot.setAnswer(func(body []byte) (int, bool) {
		if bytes.Contains(body, []byte("fail-me")) {
			return http.StatusServiceUnavailable, false
		}
		return http.StatusOK, false
	})

	js.graph(200, "POST", "/me/messenger_profile", `{"get_started":{"payload":"GO"},"persistent_menu":[{"locale":"default","call_to_actions":[{"type":"postback","title":"Help","payload":"HELP"}]}]}`)
	js.graph(200, "POST", "/me/messenger_profile", `{"ice_breakers":[{"question":"Where are you?","payload":"WHERE"}]}`)

	dana := js.control(200, "POST", "users", `{"name":"Dana Li"}`)
	fits(t, "ControlUser", dana)
	psid, _ := dana["psid"].(string)
	fits(t, "ControlUser", js.control(200, "PATCH", "users/"+psid, `{"locale":"fr_FR"}`))
	fits(t, "ControlPageList", js.control(200, "GET", "pages", ""))

	user := "users/" + alice + "/"
	js.control(200, "POST", user+"referrals", `{"ref":"summer-sale"}`)
	js.control(200, "POST", user+"postbacks", `{"get_started":true}`)
	said := js.control(200, "POST", user+"messages", `{"text":"hi"}`)
	userMID, _ := said["mid"].(string)
	sent := js.graph(200, "POST", "/me/messages", `{"recipient":{"id":"`+alice+`"},"messaging_type":"RESPONSE","message":{"text":"Colour?","quick_replies":[{"content_type":"text","title":"Green","payload":"G"}]}}`)
	botMID, _ := sent["message_id"].(string)
	js.control(200, "POST", user+"quick_replies", `{"title":"Green"}`)
	js.graph(200, "POST", "/me/messages", `{"recipient":{"id":"`+alice+`"},"message":{"attachment":{"type":"template","payload":{"template_type":"button","text":"Buy it?","buttons":[{"type":"postback","title":"Buy","payload":"BUY"}]}}}}`)
	js.control(200, "POST", user+"postbacks", `{"title":"Buy"}`)
	js.control(200, "POST", user+"postbacks", `{"menu":"Help"}`)
	js.control(200, "POST", user+"postbacks", `{"ice_breaker":"Where are you?"}`)
	js.control(200, "POST", user+"reactions", `{"mid":"`+botMID+`","reaction":"love"}`)
	js.control(200, "POST", user+"read", "")
	js.control(200, "POST", user+"edits", `{"mid":"`+userMID+`","text":"hello"}`)
	js.control(200, "POST", user+"optins", `{"ref":"plugin"}`)
	js.control(200, "POST", user+"account_linking", `{"status":"linked","authorization_code":"code"}`)
	js.control(200, "POST", "policy_enforcement", `{"action":"warning","reason":"spam"}`)
	js.control(200, "POST", user+"messages", `{"text":"fail-me"}`)

	// Refused requests: a text over 2000 characters (violations), a fault.
	js.graph(400, "POST", "/me/messages", `{"recipient":{"id":"`+alice+`"},"message":{"text":"`+strings.Repeat("x", 2001)+`"}}`)
	fits(t, "ControlFaultRule", js.control(200, "POST", "faults", `{"api":"send","times":1,"error":"unavailable","latency":"1ms"}`))
	js.graph(400, "POST", "/me/messages", `{"recipient":{"id":"`+alice+`"},"message":{"text":"faulty"}}`)
	js.control(200, "DELETE", "faults", "")

	// Handover: the bot passes the thread to the Page Inbox (the user's
	// next message reaches the bot on standby), which passes it back.
	js.graph(200, "POST", "/me/pass_thread_control", `{"recipient":{"id":"`+alice+`"},"target_app_id":"`+PageInboxAppID+`"}`)
	js.control(200, "POST", user+"messages", `{"text":"anyone there?"}`)
	inboxActs(t, js.s, actPass, alice, DefaultAppID)
	// The bot reads the owner (no step of the thread) and releases it.
	js.graph(200, "GET", "/me/thread_owner?recipient="+alice, "")
	js.graph(200, "POST", "/me/release_thread_control", `{"recipient":{"id":"`+alice+`"}}`)
	js.graph(200, "POST", "/me/messages", `{"recipient":{"id":"`+alice+`"},"messaging_type":"RESPONSE","message":{"attachment":{"type":"template","payload":{"template_type":"button","text":"Log in?","buttons":[{"type":"account_link","url":"https://example.com/login"}]}}}}`)
	js.control(200, "POST", user+"account_linking/start", "")

	// Labels through the Graph API.
	label, _ := js.graph(200, "POST", "/me/custom_labels", `{"page_label_name":"vip"}`)["id"].(string)
	js.graph(200, "POST", "/"+label+"/label", `{"user":"`+alice+`"}`)
	js.graph(200, "DELETE", "/"+label+"/label?user="+alice, "")

	// The control API's other answers fit their schemas too.
	fits(t, "ControlConversation", js.control(200, "GET", user+"thread", ""))
	fits(t, "ControlUserMessageResult", said)
	fits(t, "ControlThreadControl", js.control(200, "GET", "handover/threads/"+alice, ""))
	roles := js.control(200, "GET", "handover/roles", "")
	fits(t, "ControlAppRoles", roles)
	rolesBody, err := json.Marshal(roles)
	if err != nil {
		t.Fatal(err)
	}
	fits(t, "ControlAppRoles", js.control(200, "PUT", "handover/roles", string(rolesBody)))
	fits(t, "ControlProfile", js.control(200, "GET", "profile", ""))
	fits(t, "ControlPersonaList", js.control(200, "GET", "personas", ""))
	fits(t, "ControlLabelList", js.control(200, "GET", "labels", ""))
	fits(t, "ControlFaultList", js.control(200, "GET", "faults", ""))
	fits(t, "WebhookStatus", js.control(200, "GET", "webhook", ""))
	fits(t, "GraphError", js.control(404, "GET", "users/1234567890123456/thread", ""))
	fits(t, "ControlRateLimits", js.control(200, "POST", "rate_limits", `{"enabled":false}`))
	fits(t, "ControlReceipts", js.control(200, "POST", "receipts", `{"enabled":true}`))
	// Deliveries are asynchronous: wait for a delivered and a retried one.
	for _, accepted := range []string{"true", "false"} {
		page := js.control(200, "GET", "journal?kind=webhook&api=messages&wait=10s&accepted="+accepted, "")
		if evs, _ := page["events"].([]any); len(evs) == 0 {
			t.Fatalf("no webhook attempt with accepted=%s within 10s", accepted)
		}
	}
	fits(t, "ControlClock", js.control(200, "POST", "clock/advance", `{"duration":"25h"}`))
	js.control(200, "POST", "reset", "")
}

// TestJournalFitsTheSpec reads a whole session's journal through the
// control API and checks every event against openapi.yaml.
func TestJournalFitsTheSpec(t *testing.T) {
	t.Parallel()
	bot := newHookBot(t)
	s := New(WithClock(NewFrozenClock(testStart)))
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	js := journalSession{t: t, s: s}
	journalScript(t, js, bot)

	page := js.control(200, "GET", "journal", "")
	fits(t, "ControlJournalPage", page)
	events, _ := page["events"].([]any)
	if first, _ := page["first_seq"].(json.Number); first.String() != "1" {
		t.Errorf("first_seq = %v, want 1 (nothing trimmed)", page["first_seq"])
	}
	kinds := map[string]int{}
	actions := map[string]bool{}
	var refused, violations, standby bool
	for _, raw := range events {
		ev, _ := raw.(map[string]any)
		kind, _ := ev["kind"].(string)
		api, _ := ev["api"].(string)
		seq, _ := ev["seq"].(json.Number)
		kinds[kind]++
		t.Run("seq "+seq.String()+" "+kind+" "+api, func(t *testing.T) {
			fits(t, "JournalEvent", ev)
			if !slices.Contains(journalAPIs(), api) {
				t.Errorf("api %q is not among those journal?api= takes", api)
			}
			detail, ok := ev["detail"].(map[string]any)
			if want := detailSchema(kind, api); want != "" {
				if !ok {
					t.Fatalf("a %s event has no detail", kind)
				}
				fits(t, want, detail)
			} else if ok {
				t.Errorf("a %s event has a detail: %v", kind, detail)
			}
			if th, ok := ev["thread"].(map[string]any); ok {
				fits(t, "ThreadState", th)
				if th["standby"] == true {
					standby = true
				}
			}
		})
		if kind == string(KindRequest) && ev["accepted"] == false {
			refused = true
			if _, ok := ev["violations"]; ok {
				violations = true
			}
		}
		if d, ok := ev["detail"].(map[string]any); ok && kind == string(KindUserAction) {
			a, _ := d["action"].(string)
			actions[a] = true
		}
	}
	for _, k := range EventKinds() {
		if kinds[string(k)] == 0 {
			t.Errorf("no %s event in the journal; kinds seen: %v", k, kinds)
		}
	}
	var missing []Action
	for _, a := range []Action{ActionMessage, ActionQuickReply, ActionPostback, ActionGetStarted, ActionMenu, ActionIceBreaker,
		ActionReaction, ActionRead, ActionEdit, ActionOptin, ActionReferral, ActionAccountLinking, ActionPolicyEnforcement} {
		if !actions[string(a)] {
			missing = append(missing, a)
		}
	}
	if len(missing) > 0 {
		t.Errorf("user actions missing from the journal: %v", missing)
	}
	if !refused || !violations || !standby {
		t.Errorf("refused request %v, with violations %v, standby thread %v; want all", refused, violations, standby)
	}

	// One event by its seq, and the answers for one not yet written.
	fits(t, "JournalEvent", js.control(200, "GET", "journal/1", ""))
	fits(t, "GraphError", js.control(404, "GET", "journal/"+strconv.Itoa(len(events)+1000), ""))
}

// TestJournalDetailSchemasAreClosed: a Detail with a field the spec does
// not name does not fit, so a field renamed in Go fails the journal test.
func TestJournalDetailSchemasAreClosed(t *testing.T) {
	t.Parallel()
	s := validator.MustLoadSchemas()
	renamed := map[string]map[string]any{
		"ReceiptDetail":        {"requestSeq": json.Number("1"), "field": "message_echoes"},
		"UserActionDetail":     {"action": "message", "field": "messages", "evt": map[string]any{}},
		"WebhookAttemptDetail": {"event_id": json.Number("1"), "event_seq": json.Number("2"), "attempt": json.Number("1"), "outcome": "delivered", "latency": json.Number("3")},
		"ControlDetail":        {"change": "reset", "payload": nil},
		"JournalEvent":         {"seq": json.Number("1"), "time": "2026-09-01T12:00:00Z", "kind": "control", "accepted": true, "page": "1"},
	}
	for schema, body := range renamed {
		if err := s.CheckBody(schema, body); err == nil {
			t.Errorf("%s accepted %v", schema, body)
		}
	}
	if err := s.CheckBody("JournalEvent", map[string]any{"seq": json.Number("1"), "time": "2026-09-01T12:00:00Z", "kind": "control", "accepted": true,
		"detail": map[string]any{"change": "reset"}}); err != nil {
		t.Errorf("a minimal control event does not fit: %v", err)
	}
}
