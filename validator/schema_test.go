package validator

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/messemu/messemu"
)

const schemaPSID = "5275811702471834"

const schemaMID = "m_qr6GPBlzTU4jqP0PBqaIoIAcfn2p3T7uiO5jm0L_PMTKMJhEIUGFkEKQBhGkpCnPXVZNsYdkN7A2Sel0dOz_Iw"

// decodeSchemaBody decodes a JSON object the way the server does: with
// json.Number when useNumber is set, float64 otherwise.
func decodeSchemaBody(t testing.TB, src string, useNumber bool) map[string]any {
	t.Helper()
	d := json.NewDecoder(strings.NewReader(src))
	if useNumber {
		d.UseNumber()
	}
	var body map[string]any
	if err := d.Decode(&body); err != nil {
		t.Fatalf("decode test body %s: %v", src, err)
	}
	return body
}

// sendWith wraps a message object in a send to the test user.
func sendWith(message string) string {
	return `{"recipient":{"id":"` + schemaPSID + `"},"messaging_type":"RESPONSE","message":` + message + `}`
}

// templateSend wraps a template payload in a send.
func templateSend(payload string) string {
	return sendWith(`{"attachment":{"type":"template","payload":` + payload + `}}`)
}

// buttonsSend wraps buttons in a button template send.
func buttonsSend(list string) string {
	return templateSend(`{"template_type":"button","text":"What next?","buttons":` + list + `}`)
}

func TestLoadSchemasEmbeddedSpec(t *testing.T) {
	t.Parallel()
	s, err := LoadSchemas(messemu.OpenAPI)
	if err != nil {
		t.Fatalf("LoadSchemas(messemu.OpenAPI): %v", err)
	}
	if err := s.Doc().Validate(context.Background()); err != nil {
		t.Fatalf("doc.Validate: %v", err)
	}
	if got := s.Doc().OpenAPI; got != "3.0.3" {
		t.Errorf("openapi version = %q, want 3.0.3", got)
	}
	if MustLoadSchemas() != MustLoadSchemas() {
		t.Error("MustLoadSchemas compiled the embedded spec twice")
	}
}

func TestLoadSchemasRefusesBrokenSpecs(t *testing.T) {
	t.Parallel()
	for name, spec := range map[string]string{
		"not yaml":       "openapi: [3.0.3",
		"dangling ref":   "openapi: 3.0.3\ninfo: {title: t, version: v}\npaths: {}\ncomponents:\n  schemas:\n    A: {$ref: '#/components/schemas/Missing'}\n",
		"invalid schema": "openapi: 3.0.3\ninfo: {title: t, version: v}\npaths: {}\ncomponents:\n  schemas:\n    A: {type: object, required: 7}\n",
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if _, err := LoadSchemas([]byte(spec)); err == nil {
				t.Errorf("LoadSchemas accepted a broken spec:\n%s", spec)
			}
		})
	}
}

func TestSpecDescribesTheSendAPI(t *testing.T) {
	t.Parallel()
	doc := MustLoadSchemas().Doc()
	for _, p := range []string{"/me/messages", "/{page-id}/messages", "/{version}/me/messages", "/{version}/{page-id}/messages"} {
		t.Run(p, func(t *testing.T) {
			t.Parallel()
			item := doc.Paths.Value(p)
			if item == nil || item.Post == nil {
				t.Fatalf("no POST %s in the spec", p)
			}
			op := item.Post
			if diff := cmp.Diff([]string{"send"}, op.Tags); diff != "" {
				t.Errorf("tags (-want +got):\n%s", diff)
			}
			if op.RequestBody == nil || op.RequestBody.Value == nil {
				t.Fatal("no request body")
			}
			for ct, mt := range op.RequestBody.Value.Content {
				if mt.Schema == nil || !strings.HasPrefix(mt.Schema.Ref, "#/components/schemas/SendRequest") {
					t.Errorf("%s body schema is not a $ref to SendRequest", ct)
				}
			}
			want := []string{"application/json", "application/x-www-form-urlencoded", "multipart/form-data"}
			if diff := cmp.Diff(want, sortedKeys(op.RequestBody.Value.Content)); diff != "" {
				t.Errorf("content types (-want +got):\n%s", diff)
			}
			bad := op.Responses.Value("400")
			if bad == nil || bad.Value == nil || bad.Value.Content.Get("application/json") == nil ||
				bad.Value.Content.Get("application/json").Schema.Ref != "#/components/schemas/GraphError" {
				t.Error("400 is not the GraphError envelope")
			}
			if op.Responses.Value("200") == nil {
				t.Error("no 200 response")
			}
			if strings.HasPrefix(p, "/{version}") {
				var found bool
				for _, prm := range op.Parameters {
					if prm.Value.Name == "version" {
						found = true
						if got := prm.Value.Schema.Value.Pattern; got != `^v[0-9]+\.[0-9]+$` {
							t.Errorf("version pattern = %q", got)
						}
					}
				}
				if !found {
					t.Error("no version parameter")
				}
			}
		})
	}
}

func TestSpecDescribesTheControlAPI(t *testing.T) {
	t.Parallel()
	doc := MustLoadSchemas().Doc()
	for _, c := range []struct{ method, path string }{
		{"GET", "/_messemu/v1/users"},
		{"POST", "/_messemu/v1/users"},
		{"GET", "/_messemu/v1/users/{psid}"},
		{"POST", "/_messemu/v1/users/{psid}/messages"},
		{"POST", "/_messemu/v1/clock/advance"},
		{"GET", "/_messemu/v1/clock"},
		{"GET", "/_messemu/v1/journal"},
		{"POST", "/_messemu/v1/reset"},
	} {
		item := doc.Paths.Value(c.path)
		if item == nil || item.GetOperation(c.method) == nil {
			t.Errorf("no %s %s in the spec", c.method, c.path)
			continue
		}
		if diff := cmp.Diff([]string{"control"}, item.GetOperation(c.method).Tags); diff != "" {
			t.Errorf("%s %s tags (-want +got):\n%s", c.method, c.path, diff)
		}
	}
}

// TestSpecExamplesPass checks every example request body in the spec.
func TestSpecExamplesPass(t *testing.T) {
	t.Parallel()
	s := MustLoadSchemas()
	rb := s.Doc().Components.RequestBodies["SendRequest"]
	if rb == nil || rb.Value == nil {
		t.Fatal("no SendRequest request body in the spec")
	}
	examples := rb.Value.Content.Get("application/json").Examples
	if len(examples) < 3 {
		t.Fatalf("only %d SendRequest examples", len(examples))
	}
	for name, ex := range examples {
		raw, err := json.Marshal(ex.Value.Value)
		if err != nil {
			t.Fatalf("example %s: %v", name, err)
		}
		if err := s.CheckBody("SendRequest", decodeSchemaBody(t, string(raw), true)); err != nil {
			t.Errorf("example %s refused: %v", name, err)
		}
	}
}

// schemaValidBodies are sends the platform accepts; the schema must accept every one.
var schemaValidBodies = []struct{ name, body string }{
	// PLATFORM.md §2, §2.3 and §3 examples.
	{"text send (§2)", `{"recipient":{"id":"5275811702471834"},"messaging_type":"RESPONSE","message":{"text":"hello"}}`},
	{"react (§2.3)", `{"recipient":{"id":"` + schemaPSID + `"},"sender_action":"react","payload":{"message_id":"` + schemaMID + `","reaction":"😊"}}`},
	{"unreact (§2.3)", `{"recipient":{"id":"` + schemaPSID + `"},"sender_action":"unreact","payload":{"message_id":"` + schemaMID + `"}}`},
	{"reusable image by url (§3)", `{"recipient":{"id":"` + schemaPSID + `"},"message":{"attachment":{"type":"image","payload":{"url":"https://example.com/a.png","is_reusable":true}}}}`},
	{"multipart payload (§3)", `{"recipient":{"id":"` + schemaPSID + `"},"message":{"attachment":{"type":"file","payload":{"is_reusable":true}}}}`},

	// Recipient variants (§2.1).
	{"recipient id", `{"recipient":{"id":"` + schemaPSID + `"},"message":{"text":"hi"}}`},
	{"recipient user_ref", `{"recipient":{"user_ref":"UNIQUE_REF_PARAM"},"message":{"text":"hi"}}`},
	{"recipient one_time_notif_token", `{"recipient":{"one_time_notif_token":"6702393755419052"},"messaging_type":"MESSAGE_TAG","tag":"HUMAN_AGENT","message":{"text":"hi"}}`},
	{"recipient comment_id", `{"recipient":{"comment_id":"123_456"},"message":{"text":"hi"}}`},
	{"recipient post_id", `{"recipient":{"post_id":"123_456"},"message":{"text":"hi"}}`},
	{"recipient notification_messages_token", `{"recipient":{"notification_messages_token":"abc"},"message":{"text":"hi"}}`},
	{"recipient phone_number", `{"recipient":{"phone_number":"+15105551234","name":{"first_name":"A","last_name":"B"}},"message":{"text":"hi"}}`},

	// Top-level parameters.
	{"every messaging type", `{"recipient":{"id":"` + schemaPSID + `"},"messaging_type":"UPDATE","message":{"text":"hi"}}`},
	{"utility", `{"recipient":{"id":"` + schemaPSID + `"},"messaging_type":"UTILITY","message":{"text":"hi"}}`},
	{"message tag", `{"recipient":{"id":"` + schemaPSID + `"},"messaging_type":"MESSAGE_TAG","tag":"HUMAN_AGENT","message":{"text":"hi"}}`},
	{"no messaging type (D1)", `{"recipient":{"id":"` + schemaPSID + `"},"message":{"text":"hi"}}`},
	{"notification types", `{"recipient":{"id":"` + schemaPSID + `"},"notification_type":"SILENT_PUSH","message":{"text":"hi"}}`},
	{"no push", `{"recipient":{"id":"` + schemaPSID + `"},"notification_type":"NO_PUSH","message":{"text":"hi"}}`},
	{"persona and reply_to", `{"recipient":{"id":"` + schemaPSID + `"},"persona_id":"1234567890123456","reply_to":{"mid":"` + schemaMID + `"},"message":{"text":"hi","metadata":"DEVELOPER_DEFINED_METADATA"}}`},
	{"token and proof in the body", `{"access_token":"EAAbc","appsecret_proof":"ab12","recipient":{"id":"` + schemaPSID + `"},"message":{"text":"hi"}}`},
	{"unknown top-level keys (W)", `{"recipient":{"id":"` + schemaPSID + `"},"message":{"text":"hi"},"foo":1,"bar":{"baz":[1,2]}}`},
	{"unknown key in recipient", `{"recipient":{"id":"` + schemaPSID + `","extra":true},"message":{"text":"hi"}}`},

	// Sender actions (§2.3).
	{"typing_on with persona", `{"recipient":{"id":"` + schemaPSID + `"},"sender_action":"typing_on","persona_id":"1234567890123456"}`},
	{"typing_off", `{"recipient":{"id":"` + schemaPSID + `"},"sender_action":"typing_off"}`},
	{"mark_seen", `{"recipient":{"id":"` + schemaPSID + `"},"sender_action":"mark_seen"}`},

	// Media (§2.4).
	{"audio url", sendWith(`{"attachment":{"type":"audio","payload":{"url":"https://example.com/a.mp3"}}}`)},
	{"video url", sendWith(`{"attachment":{"type":"video","payload":{"url":"https://example.com/a.mp4","is_reusable":false}}}`)},
	{"file by attachment_id", sendWith(`{"attachment":{"type":"file","payload":{"attachment_id":"1857777774821032"}}}`)},
	{"several images", sendWith(`{"attachments":[{"type":"image","payload":{"url":"https://example.com/1.png"}},{"type":"image","payload":{"attachment_id":"1857777774821032"}}]}`)},

	// Quick replies (§2.5), every content type, with text and with an attachment.
	{"quick reply text", sendWith(`{"text":"Pick","quick_replies":[{"content_type":"text","title":"Red","payload":"RED","image_url":"https://example.com/red.png"}]}`)},
	{"quick reply image only", sendWith(`{"text":"Pick","quick_replies":[{"content_type":"text","title":"","payload":"","image_url":"https://example.com/red.png"}]}`)},
	{"quick reply phone", sendWith(`{"text":"Your phone?","quick_replies":[{"content_type":"user_phone_number"}]}`)},
	{"quick reply email", sendWith(`{"text":"Your email?","quick_replies":[{"content_type":"user_email"}]}`)},
	{"quick reply location (W)", sendWith(`{"text":"Where?","quick_replies":[{"content_type":"location"}]}`)},
	{"quick replies with an attachment", sendWith(`{"attachment":{"type":"image","payload":{"url":"https://example.com/a.png"}},"quick_replies":[{"content_type":"text","title":"More","payload":"MORE"}]}`)},

	// Buttons (§2.6), every type with every field.
	{"web_url button", buttonsSend(`[{"type":"web_url","title":"Open","url":"https://example.com","webview_height_ratio":"compact","messenger_extensions":true,"fallback_url":"https://example.com/fb","webview_share_button":"hide"}]`)},
	{"postback button", buttonsSend(`[{"type":"postback","title":"Start","payload":"START"}]`)},
	{"phone_number button", buttonsSend(`[{"type":"phone_number","title":"Call","payload":"+15105551234"}]`)},
	{"account_link button", buttonsSend(`[{"type":"account_link","url":"https://example.com/login"}]`)},
	{"account_unlink button", buttonsSend(`[{"type":"account_unlink"}]`)},
	{"game_play button", buttonsSend(`[{"type":"game_play","title":"Play","payload":"{}","game_metadata":{"player_id":"123"}}]`)},
	{"three buttons", buttonsSend(`[{"type":"postback","title":"A","payload":"A"},{"type":"postback","title":"B","payload":"B"},{"type":"web_url","title":"C","url":"https://example.com"}]`)},

	// Templates (§2.7).
	{"button template", templateSend(`{"template_type":"button","text":"What next?","buttons":[{"type":"postback","title":"Go","payload":"GO"}],"sharable":true}`)},
	{"generic template", templateSend(`{"template_type":"generic","sharable":false,"image_aspect_ratio":"square","elements":[{"title":"Hat","subtitle":"Red","image_url":"https://example.com/hat.png","default_action":{"type":"web_url","url":"https://example.com/hat","webview_height_ratio":"tall","messenger_extensions":false,"fallback_url":"https://example.com","webview_share_button":"hide"},"buttons":[{"type":"web_url","url":"https://example.com","title":"View"},{"type":"postback","title":"Buy","payload":"BUY"}]}]}`)},
	{"generic default_action with title (W)", templateSend(`{"template_type":"generic","image_aspect_ratio":"horizontal","elements":[{"title":"Hat","default_action":{"type":"web_url","url":"https://example.com","title":"Hat"}}]}`)},
	{"media template by url", templateSend(`{"template_type":"media","sharable":true,"elements":[{"media_type":"image","url":"https://www.facebook.com/photo.php?fbid=1","buttons":[{"type":"web_url","url":"https://example.com","title":"View"}]}]}`)},
	{"media template by attachment_id", templateSend(`{"template_type":"media","elements":[{"media_type":"video","attachment_id":"1857777774821032"}]}`)},
	{"receipt template", templateSend(`{"template_type":"receipt","sharable":true,"recipient_name":"Stephane Crozatier","merchant_name":"Hats","order_number":"12345678902","currency":"USD","payment_method":"Visa 2345","order_url":"https://example.com/order","timestamp":"1428444852","address":{"street_1":"1 Hacker Way","street_2":"","city":"Menlo Park","postal_code":"94025","state":"CA","country":"US"},"summary":{"subtotal":75.00,"shipping_cost":4.95,"total_tax":6.19,"total_cost":56.14},"adjustments":[{"name":"New Customer Discount","amount":20},{"name":"$10 Off Coupon","amount":10}],"elements":[{"title":"Classic White T-Shirt","subtitle":"100% Soft and Luxurious Cotton","quantity":2,"price":50,"currency":"USD","image_url":"https://example.com/white.png"},{"title":"Free sticker","price":0}]}`)},
	{"receipt template minimal", templateSend(`{"template_type":"receipt","recipient_name":"A","order_number":"1","currency":"EUR","payment_method":"Cash","summary":{"total_cost":1.5}}`)},
	{"product template", templateSend(`{"template_type":"product","elements":[{"id":"1234567890123456"},{"id":"2345678901234567"}]}`)},
	{"one_time_notif_req template", templateSend(`{"template_type":"one_time_notif_req","title":"Tell me when it is back","payload":"BACK_IN_STOCK"}`)},
	{"customer_feedback template", templateSend(`{"template_type":"customer_feedback","title":"Rate your experience","subtitle":"Let us know how we did","button_title":"Rate","feedback_screens":[{"questions":[{"id":"myquestion1","type":"csat","title":"How would you rate our service?","score_label":"neg_pos","score_option":"five_stars","follow_up":{"type":"free_form","placeholder":"Give additional feedback"}}]}],"business_privacy":{"url":"https://www.example.com"},"expires_in_days":3}`)},
	{"customer_feedback nps", templateSend(`{"template_type":"customer_feedback","title":"Rate us","subtitle":"Please","button_title":"Rate","feedback_screens":[{"questions":[{"id":"q_2","type":"nps","title":"Would you recommend us?","score_label":"unlike_like","score_option":"zero_to_ten"}]}],"business_privacy":{"url":"https://www.example.com"}}`)},
}

func TestCheckBodyAcceptsValidSends(t *testing.T) {
	t.Parallel()
	s := MustLoadSchemas()
	for _, tc := range schemaValidBodies {
		for _, useNumber := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/useNumber=%v", tc.name, useNumber), func(t *testing.T) {
				t.Parallel()
				if err := s.CheckBody("SendRequest", decodeSchemaBody(t, tc.body, useNumber)); err != nil {
					t.Errorf("CheckBody refused a valid send: %v\nbody: %s", err, tc.body)
				}
			})
		}
	}
}

func TestCheckBodyRefuses(t *testing.T) {
	t.Parallel()
	s := MustLoadSchemas()
	for _, tc := range []struct {
		name string
		body string
		want SchemaError
	}{
		{
			name: "unknown key in message",
			body: sendWith(`{"text":"hi","foo":1}`),
			want: SchemaError{Path: "message", Reason: `invalid keys "foo"`, Keys: []string{"foo"}},
		},
		{
			name: "two unknown keys in message, all named",
			body: sendWith(`{"text":"hi","zed":1,"alpha":2}`),
			want: SchemaError{Path: "message", Reason: `invalid keys "alpha, zed"`, Keys: []string{"alpha", "zed"}},
		},
		{
			name: "unknown key in a template payload",
			body: templateSend(`{"template_type":"generic","elements":[{"title":"a","subtitle":"b"}],"color":"red"}`),
			want: SchemaError{Path: "message.attachment.payload", Reason: `invalid keys "color"`, Keys: []string{"color"}},
		},
		{
			name: "unknown key in a one_time_notif_req payload",
			body: templateSend(`{"template_type":"one_time_notif_req","title":"t","payload":"p","text":"x"}`),
			want: SchemaError{Path: "message.attachment.payload", Reason: `invalid keys "text"`, Keys: []string{"text"}},
		},
		{
			name: "unknown key in a generic element",
			body: templateSend(`{"template_type":"generic","elements":[{"title":"a","subtitle":"b"},{"title":"c","item_url":"https://example.com"}]}`),
			want: SchemaError{Path: "message.attachment.payload.elements[1]", Reason: `invalid keys "item_url"`, Keys: []string{"item_url"}},
		},
		{
			name: "unknown key in a button",
			body: templateSend(`{"template_type":"generic","elements":[{"title":"a","buttons":[{"type":"postback","title":"x","payload":"p"},{"type":"postback","title":"y","payload":"q","url":"https://example.com"}]}]}`),
			want: SchemaError{Path: "message.attachment.payload.elements[0].buttons[1]", Reason: `invalid keys "url"`, Keys: []string{"url"}},
		},
		{
			name: "title on account_unlink",
			body: buttonsSend(`[{"type":"account_unlink","title":"Log out"}]`),
			want: SchemaError{Path: "message.attachment.payload.buttons[0]", Reason: `invalid keys "title"`, Keys: []string{"title"}},
		},
		{
			name: "unknown key in a quick reply",
			body: sendWith(`{"text":"hi","quick_replies":[{"content_type":"text","title":"a","payload":"A"},{"content_type":"text","title":"b","payload":"B"},{"content_type":"text","title":"c","payload":"C","color":"red"}]}`),
			want: SchemaError{Path: "message.quick_replies[2]", Reason: `invalid keys "color"`, Keys: []string{"color"}},
		},
		{
			name: "unknown key in a media payload",
			body: sendWith(`{"attachment":{"type":"image","payload":{"url":"https://example.com/a.png","width":3}}}`),
			want: SchemaError{Path: "message.attachment.payload", Reason: `invalid keys "width"`, Keys: []string{"width"}},
		},
		{
			name: "unknown key in the attachment",
			body: sendWith(`{"attachment":{"type":"image","payload":{"url":"https://example.com/a.png"},"caption":"x"}}`),
			want: SchemaError{Path: "message.attachment", Reason: `invalid keys "caption"`, Keys: []string{"caption"}},
		},
		{
			name: "unknown key in a receipt summary",
			body: templateSend(`{"template_type":"receipt","recipient_name":"A","order_number":"1","currency":"USD","payment_method":"Cash","summary":{"total_cost":1,"discount":2}}`),
			want: SchemaError{Path: "message.attachment.payload.summary", Reason: `invalid keys "discount"`, Keys: []string{"discount"}},
		},
		{
			name: "unknown key in a feedback question",
			body: templateSend(`{"template_type":"customer_feedback","title":"t","subtitle":"s","button_title":"b","feedback_screens":[{"questions":[{"id":"q","type":"csat","title":"Rate us","hint":"x"}]}],"business_privacy":{"url":"https://example.com"}}`),
			want: SchemaError{Path: "message.attachment.payload.feedback_screens[0].questions[0]", Reason: `invalid keys "hint"`, Keys: []string{"hint"}},
		},
		{
			name: "text as object",
			body: sendWith(`{"text":{"body":"hi"}}`),
			want: SchemaError{Path: "message.text", Reason: "must be a string, got object"},
		},
		{
			name: "elements as string",
			body: templateSend(`{"template_type":"generic","elements":"hat"}`),
			want: SchemaError{Path: "message.attachment.payload.elements", Reason: "must be an array, got string"},
		},
		{
			name: "message as array",
			body: `{"recipient":{"id":"` + schemaPSID + `"},"message":["hi"]}`,
			want: SchemaError{Path: "message", Reason: "must be an object, got array"},
		},
		{
			name: "quick reply title as number in an array",
			body: sendWith(`{"text":"hi","quick_replies":[{"content_type":"text","title":"a","payload":"A"},{"content_type":"text","title":["b"],"payload":"B"}]}`),
			want: SchemaError{Path: "message.quick_replies[1].title", Reason: "must be a string, got array"},
		},
		{
			name: "receipt amount as object",
			body: templateSend(`{"template_type":"receipt","recipient_name":"A","order_number":"1","currency":"USD","payment_method":"Cash","summary":{"total_cost":{"value":1}}}`),
			want: SchemaError{Path: "message.attachment.payload.summary.total_cost", Reason: "must be a number, got object"},
		},
		{
			name: "attachment as string",
			body: sendWith(`{"attachment":"https://example.com/a.png"}`),
			want: SchemaError{Path: "message.attachment", Reason: "must be an object, got string"},
		},
		{
			name: "attachment without type",
			body: sendWith(`{"attachment":{"payload":{"url":"https://example.com/a.png"}}}`),
			want: SchemaError{Path: "message.attachment.type", Reason: "is required"},
		},
		{
			name: "attachment of unknown type",
			body: sendWith(`{"attachment":{"type":"sticker","payload":{"url":"https://example.com/a.png"}}}`),
			want: SchemaError{Path: "message.attachment.type", Reason: `must be one of {audio, file, image, template, video} - got "sticker"`},
		},
		{
			name: "template without template_type",
			body: templateSend(`{"elements":[{"title":"a"}]}`),
			want: SchemaError{Path: "message.attachment.payload.template_type", Reason: "is required"},
		},
		{
			name: "unknown button type",
			body: buttonsSend(`[{"type":"element_share"}]`),
			want: SchemaError{Path: "message.attachment.payload.buttons[0].type", Reason: `must be one of {account_link, account_unlink, game_play, phone_number, postback, web_url} - got "element_share"`},
		},
		{
			name: "quick reply content type off the list",
			body: sendWith(`{"text":"hi","quick_replies":[{"content_type":"button","title":"a","payload":"A"}]}`),
			want: SchemaError{Path: "message.quick_replies[0].content_type", Reason: `must be one of {text, user_phone_number, user_email, location} - got "button"`},
		},
		{
			name: "quick reply without content type",
			body: sendWith(`{"text":"hi","quick_replies":[{"title":"a","payload":"A"}]}`),
			want: SchemaError{Path: "message.quick_replies[0].content_type", Reason: "is required"},
		},
		{
			name: "sender action off the list",
			body: `{"recipient":{"id":"` + schemaPSID + `"},"sender_action":"typing"}`,
			want: SchemaError{Path: "sender_action", Reason: `must be one of {typing_on, typing_off, mark_seen, react, unreact} - got "typing"`},
		},
		{
			name: "messaging type off the list",
			body: `{"recipient":{"id":"` + schemaPSID + `"},"messaging_type":"PROMO","message":{"text":"hi"}}`,
			want: SchemaError{Path: "messaging_type", Reason: `must be one of {RESPONSE, UPDATE, MESSAGE_TAG, UTILITY} - got "PROMO"`},
		},
		{
			name: "receipt without summary.total_cost",
			body: templateSend(`{"template_type":"receipt","recipient_name":"A","order_number":"1","currency":"USD","payment_method":"Cash","summary":{"subtotal":1}}`),
			want: SchemaError{Path: "message.attachment.payload.summary.total_cost", Reason: "is required"},
		},
		{
			name: "webview height ratio off the list",
			body: buttonsSend(`[{"type":"web_url","title":"Open","url":"https://example.com","webview_height_ratio":"huge"}]`),
			want: SchemaError{Path: "message.attachment.payload.buttons[0].webview_height_ratio", Reason: `must be one of {compact, tall, full} - got "huge"`},
		},
		{
			name: "boolean as number",
			body: sendWith(`{"attachment":{"type":"image","payload":{"url":"https://example.com/a.png","is_reusable":1}}}`),
			want: SchemaError{Path: "message.attachment.payload.is_reusable", Reason: "must be a boolean, got number"},
		},
		{
			name: "null where D22 normalisation did not run",
			body: sendWith(`{"text":null}`),
			want: SchemaError{Path: "message.text", Reason: "must not be null"},
		},
		{
			name: "lower-case currency",
			body: templateSend(`{"template_type":"receipt","recipient_name":"A","order_number":"1","currency":"usd","payment_method":"Cash","summary":{"total_cost":1}}`),
			want: SchemaError{Path: "message.attachment.payload.currency", Reason: `string doesn't match the regular expression "^[A-Z]{3}$"`},
		},
		{
			name: "recipient as string",
			body: `{"recipient":"` + schemaPSID + `","message":{"text":"hi"}}`,
			want: SchemaError{Path: "recipient", Reason: "must be an object, got string"},
		},
	} {
		for _, useNumber := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/useNumber=%v", tc.name, useNumber), func(t *testing.T) {
				t.Parallel()
				got := s.CheckBody("SendRequest", decodeSchemaBody(t, tc.body, useNumber))
				if got == nil {
					t.Fatalf("CheckBody accepted %s", tc.body)
				}
				if diff := cmp.Diff(tc.want, *got); diff != "" {
					t.Errorf("CheckBody(%s) (-want +got):\n%s", tc.body, diff)
				}
			})
		}
	}
}

func TestCheckBodyUnknownSchema(t *testing.T) {
	t.Parallel()
	got := MustLoadSchemas().CheckBody("NoSuchSchema", map[string]any{})
	if got == nil || !strings.Contains(got.Reason, "NoSuchSchema") {
		t.Errorf("CheckBody(NoSuchSchema) = %v, want an error naming the schema", got)
	}
}

func TestSchemaErrorText(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		err  SchemaError
		want string
	}{
		{SchemaError{Path: "message.text", Reason: "must be a string, got object"}, "message.text: must be a string, got object"},
		{SchemaError{Reason: "must be an object"}, "request body: must be an object"},
	} {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("Error() = %q, want %q", got, tc.want)
		}
	}
}

// genericTemplate10 is a generic template with ten full elements.
func genericTemplate10() string {
	var b bytes.Buffer
	b.WriteString(`{"template_type":"generic","image_aspect_ratio":"horizontal","elements":[`)
	for i := range 10 {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"title":"Hat %d","subtitle":"A fine hat","image_url":"https://example.com/hat%d.png",`+
			`"default_action":{"type":"web_url","url":"https://example.com/hat/%d","webview_height_ratio":"tall"},`+
			`"buttons":[{"type":"web_url","url":"https://example.com/buy/%d","title":"Buy"},{"type":"postback","title":"More","payload":"MORE_%d"},{"type":"phone_number","title":"Call","payload":"+15105551234"}]}`,
			i, i, i, i, i)
	}
	b.WriteString(`]}`)
	return templateSend(b.String())
}

func benchmarkCheckBody(b *testing.B, src string) {
	s := MustLoadSchemas()
	body := decodeSchemaBody(b, src, false)
	if err := s.CheckBody("SendRequest", body); err != nil {
		b.Fatalf("benchmark body refused: %v", err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := s.CheckBody("SendRequest", body); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCheckBodyText(b *testing.B) {
	benchmarkCheckBody(b, `{"recipient":{"id":"5275811702471834"},"messaging_type":"RESPONSE","message":{"text":"hello"}}`)
}

func BenchmarkCheckBodyGeneric10(b *testing.B) {
	benchmarkCheckBody(b, genericTemplate10())
}
