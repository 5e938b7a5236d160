package validator

import (
	"fmt"
	"testing"
)

// The message object, attachments, quick replies and buttons
// (PLATFORM.md §2.4–§2.6).

var (
	errEmptyMessage = oauth(100, 2018034, "(#100) Message cannot be empty, must provide valid attachment or text")
	errTextXorAtt   = oauth(100, 2018018, "(#100) Only one of text or attachment can be specified")
	errFetchFailed  = oauth(100, 2018008, "(#100) Failed to fetch the file from the url")
	errAttachmentID = oauth(100, 2018074, "(#100) Possible invalid ID or you do not own the attachment.")
	errQRTitle      = oauth(100, 2018098, "(#100) Title is required for this quick reply content type")
	errQRPayload    = oauth(100, 2018099, "(#100) Payload is required for this quick reply content type")
	errBtnTitle     = oauth(100, 2018053, "(#100) Element button title cannot be empty.")
	errBtnPayload   = oauth(100, 2018040, "(#100) Payload cannot be empty for postback type button")
	errBtnURL       = oauth(100, 2018041, "(#100) Web url cannot be empty for url type button")
	errExtDomain    = oauth(100, 0, "(#100) The URL provided is not whitelisted for messenger extensions")
)

// media is a message with one attachment of typ and payload.
func media(typ, payload string) string {
	return to(`{"attachment":{"type":"` + typ + `","payload":` + payload + `}}`)
}

// qrs is a text message with the given quick replies array.
func qrs(list string) string { return to(`{"text":"Pick one","quick_replies":` + list + `}`) }

// qr is a text quick reply.
func qr(title, payload string) string {
	return `{"content_type":"text","title":` + jsonString(title) + `,"payload":` + jsonString(payload) + `}`
}

// btns is a button template with the given buttons array.
func btns(list string) string {
	return tpl(`{"template_type":"button","text":"What next?","buttons":` + list + `}`)
}

const (
	btnPath = "name_placeholder[buttons][0]"
	image   = `{"type":"image","payload":{"url":"https://example.com/a.png"}}`
	postbk  = `{"type":"postback","title":"Go","payload":"GO"}`
)

var messageCases = []sendCase{
	// Content (§2.4).
	{name: "empty message", body: to(`{}`), want: errEmptyMessage},
	{name: "empty text", body: to(text("")), want: errEmptyMessage},
	{name: "text null", body: to(`{"text":null}`), want: errEmptyMessage, warns: []string{wLenient}},
	{name: "only metadata", body: to(`{"metadata":"m"}`), want: errEmptyMessage},
	{name: "text and attachment", body: to(`{"text":"hi","attachment":` + image + `}`), want: errTextXorAtt},
	{name: "text and attachments", body: to(`{"text":"hi","attachments":[` + image + `]}`), want: errTextXorAtt},
	{name: "empty text beside an attachment (D22)", body: to(`{"text":"","attachment":` + image + `}`), warns: []string{wLenient}},
	{name: "attachment and attachments", body: to(`{"attachment":` + image + `,"attachments":[` + image + `]}`), want: errInvalid},
	{name: "text 2000 code points", body: to(text(rep(2000)))},
	{name: "text 2001 code points", body: to(text(rep(2001))), want: errLength("message[text]", 2000)},
	{name: "text as a number is coerced", body: to(`{"text":42}`)},
	{name: "text as an object", body: to(`{"text":{"body":"hi"}}`), want: errString("message[text]")},
	{name: "metadata 1000", body: to(`{"text":"hi","metadata":"` + rep(1000) + `"}`)},
	{name: "metadata 1001", body: to(`{"text":"hi","metadata":"` + rep(1001) + `"}`), want: errLength("message[metadata]", 1000)},
	{name: "metadata as an array", body: to(`{"text":"hi","metadata":["x"]}`), want: errString("message[metadata]")},
	{name: "unknown key in message", body: to(`{"text":"hi","foo":1}`), want: errKeys("foo", "message")},
	{name: "unknown keys in message, sorted", body: to(`{"text":"hi","zed":1,"alpha":2}`), want: errKeys("alpha, zed", "message")},

	// attachment (§2.4).
	{name: "image by url", body: media("image", `{"url":"https://example.com/a.png"}`)},
	{name: "audio by http url", body: media("audio", `{"url":"http://example.com/a.mp3"}`)},
	{name: "video reusable", body: media("video", `{"url":"https://example.com/a.mp4","is_reusable":true}`)},
	{name: "file reusable as a string (D22)", body: media("file", `{"url":"https://example.com/a.pdf","is_reusable":"true"}`)},
	{name: "is_reusable not a boolean", body: media("file", `{"url":"https://example.com/a.pdf","is_reusable":"yes"}`), want: errInvalid},
	{name: "attachment not an object", body: to(`{"attachment":"https://example.com/a.png"}`), want: errInvalid},
	{name: "attachment without type", body: to(`{"attachment":{"payload":{"url":"https://example.com/a.png"}}}`), want: errRequired("message[attachment][type]")},
	{name: "attachment without payload", body: to(`{"attachment":{"type":"image"}}`), want: errRequired("message[attachment][payload]")},
	{name: "attachment payload null", body: to(`{"attachment":{"type":"image","payload":null}}`), want: errRequired("message[attachment][payload]")},
	{name: "attachment of unknown type", body: media("sticker", `{"url":"https://example.com/a.png"}`), want: errEnum("message[attachment][type]", "audio, file, image, template, video", "sticker")},
	{name: "unknown key in attachment", body: to(`{"attachment":{"type":"image","payload":{"url":"https://example.com/a.png"},"caption":"x"}}`), want: errKeys("caption", "message[attachment]")},
	{name: "unknown key in a media payload", body: media("image", `{"url":"https://example.com/a.png","width":3}`), want: errKeys("width", "message[attachment][payload]")},
	{name: "media payload with url and attachment_id", body: media("image", `{"url":"https://example.com/a.png","attachment_id":"`+liveAsset+`"}`), want: errInvalid},
	{name: "media payload with neither", body: media("image", `{}`), want: errInvalid},
	{name: "media payload with neither, but a file part", body: `{"recipient":{"id":"` + alice + `"},"messaging_type":"RESPONSE","filedata":"cat.png","message":{"attachment":{"type":"image","payload":{"is_reusable":true}}}}`},
	{name: "file part and a url", body: `{"recipient":{"id":"` + alice + `"},"messaging_type":"RESPONSE","filedata":"cat.png","message":{"attachment":{"type":"image","payload":{"url":"https://example.com/a.png"}}}}`, want: errInvalid},
	{name: "media url empty counts as absent", body: media("image", `{"url":"","attachment_id":"`+liveAsset+`"}`), warns: []string{wLenient}},
	{name: "media url relative", body: media("image", `{"url":"/a.png"}`), want: errFetchFailed},
	{name: "media url ftp", body: media("image", `{"url":"ftp://example.com/a.png"}`), want: errFetchFailed},
	{name: "media url without a host", body: media("image", `{"url":"https:///a.png"}`), want: errFetchFailed},
	{name: "media attachment_id live", body: media("image", `{"attachment_id":"`+liveAsset+`"}`)},
	{name: "media attachment_id 90 days less a second", body: media("image", `{"attachment_id":"`+youngAsset+`"}`)},
	{name: "media attachment_id exactly 90 days old", body: media("image", `{"attachment_id":"`+oldAsset+`"}`), want: errAttachmentID},
	{name: "media attachment_id of another Page", body: media("image", `{"attachment_id":"`+foreignAsset+`"}`), want: errAttachmentID},
	{name: "media attachment_id unknown", body: media("image", `{"attachment_id":"9"}`), want: errAttachmentID},

	// attachments[] (§2.4).
	{name: "attachments 1 image", body: to(`{"attachments":[` + image + `]}`)},
	{name: "attachments reusable (W: nothing saved)", body: to(`{"attachments":[{"type":"image","payload":{"url":"https://example.com/a.png","is_reusable":true}}]}`), warns: []string{"attachment.payload.is_reusable"}},
	{name: "attachments 30 images", body: to(`{"attachments":` + list(30, image) + `}`)},
	{name: "attachments 31 images", body: to(`{"attachments":` + list(31, image) + `}`), want: errTooMany("message[attachments]")},
	{name: "attachments empty", body: to(`{"attachments":[]}`), want: errTooFew("message[attachments]")},
	{name: "attachments with a video", body: to(`{"attachments":[` + image + `,{"type":"video","payload":{"url":"https://example.com/a.mp4"}}]}`), want: errInvalid},
	{name: "attachments not an array", body: to(`{"attachments":` + image + `}`), want: errInvalid},
	{name: "attachments with a bad url", body: to(`{"attachments":[{"type":"image","payload":{"url":"a.png"}}]}`), want: errFetchFailed},
	{name: "attachments unknown key", body: to(`{"attachments":[{"type":"image","payload":{"url":"https://example.com/a.png","x":1}}]}`), want: errKeys("x", "message[attachments][0][payload]")},

	// Quick replies (§2.5).
	{name: "quick replies 13", body: qrs(list(13, qr("Red", "RED")))},
	{name: "quick replies 14", body: qrs(list(14, qr("Red", "RED"))), want: errTooMany("message[quick_replies]")},
	{name: "quick replies empty", body: qrs(`[]`), want: errTooFew("message[quick_replies]")},
	{name: "quick replies null (D22)", body: qrs(`null`), warns: []string{wLenient}},
	{name: "quick replies not an array", body: qrs(qr("a", "b")), want: errInvalid},
	{name: "quick replies with an attachment", body: to(`{"attachment":` + image + `,"quick_replies":[` + qr("More", "MORE") + `]}`)},
	{name: "quick reply not an object", body: qrs(`["Red"]`), want: errInvalid},
	{name: "quick reply unknown key", body: qrs(`[` + qr("a", "A") + `,{"content_type":"text","title":"c","payload":"C","color":"red"}]`), want: errKeys("color", "message[quick_replies][1]")},
	{name: "quick reply without content_type", body: qrs(`[{"title":"a","payload":"A"}]`), want: errRequired("message[quick_replies][0][content_type]")},
	{name: "quick reply content_type off the list", body: qrs(`[{"content_type":"button","title":"a","payload":"A"}]`), want: errEnum("message[quick_replies][0][content_type]", "text, user_phone_number, user_email", "button")},
	{name: "quick reply location (W)", body: qrs(`[{"content_type":"location"}]`), warns: []string{"quick_reply.content_type.location"}},
	{name: "quick reply location with a bad image_url", body: qrs(`[{"content_type":"location","image_url":"x"}]`), want: errURL("message[quick_replies][0][image_url]"), warns: []string{"quick_reply.content_type.location"}},
	{name: "quick reply email with a title object", body: qrs(`[{"content_type":"user_email","title":{"a":1}}]`), want: errString("message[quick_replies][0][title]")},
	{name: "quick reply phone with a payload number", body: qrs(`[{"content_type":"user_phone_number","payload":5}]`)},
	{name: "quick reply phone", body: qrs(`[{"content_type":"user_phone_number"}]`)},
	{name: "quick reply email", body: qrs(`[{"content_type":"user_email"}]`)},
	{name: "quick reply title 20", body: qrs(`[` + qr(rep(20), "P") + `]`)},
	{name: "quick reply title 21 (W, D6)", body: qrs(`[` + qr(rep(21), "P") + `]`), warns: []string{"quick_reply.title.length"}},
	// The first error answers, and the warnings past it are kept (§2).
	{name: "a warning past the first error", body: to(`{"text":"` + rep(2001) + `","quick_replies":[` + qr(rep(21), "P") + `]}`),
		want: errLength("message[text]", 2000), warns: []string{"quick_reply.title.length"}},
	{name: "quick reply without title", body: qrs(`[{"content_type":"text","payload":"P"}]`), want: errQRTitle},
	{name: "quick reply empty title", body: qrs(`[` + qr("", "P") + `]`), want: errQRTitle},
	{name: "quick reply empty title with an image", body: qrs(`[{"content_type":"text","title":"","payload":"","image_url":"https://example.com/red.png"}]`)},
	{name: "quick reply without payload", body: qrs(`[{"content_type":"text","title":"Red"}]`), want: errQRPayload},
	{name: "quick reply empty payload", body: qrs(`[` + qr("Red", "") + `]`), want: errQRPayload},
	{name: "quick reply payload 1000", body: qrs(`[` + qr("Red", rep(1000)) + `]`)},
	{name: "quick reply payload 1001", body: qrs(`[` + qr("Red", rep(1001)) + `]`), want: errLength("message[quick_replies][0][payload]", 1000)},
	{name: "quick reply payload as a number", body: qrs(`[{"content_type":"text","title":"One","payload":1}]`)},
	{name: "quick reply payload as an object", body: qrs(`[{"content_type":"text","title":"One","payload":{"a":1}}]`), want: errString("message[quick_replies][0][payload]")},
	{name: "quick reply title as an array", body: qrs(`[` + qr("a", "A") + `,{"content_type":"text","title":["b"],"payload":"B"}]`), want: errString("message[quick_replies][1][title]")},
	{name: "quick reply image_url relative", body: qrs(`[{"content_type":"text","title":"Red","payload":"R","image_url":"red.png"}]`), want: errURL("message[quick_replies][0][image_url]")},
	{name: "quick reply image_url empty (D22)", body: qrs(`[{"content_type":"text","title":"Red","payload":"R","image_url":""}]`), warns: []string{wLenient}},

	// Buttons (§2.6), in a button template.
	{name: "button web_url, every field", body: btns(`[{"type":"web_url","title":"Open","url":"https://example.com/x","webview_height_ratio":"compact","messenger_extensions":true,"fallback_url":"https://example.com/fb","webview_share_button":"hide"}]`)},
	{name: "button web_url tall and full", body: btns(`[{"type":"web_url","title":"A","url":"https://example.com","webview_height_ratio":"tall"},{"type":"web_url","title":"B","url":"https://example.com","webview_height_ratio":"full"}]`)},
	{name: "button without type", body: btns(`[{"title":"a","payload":"b"}]`), want: errRequired(btnPath + "[type]")},
	{name: "button type off the list", body: btns(`[{"type":"call","title":"a"}]`), want: errEnum(btnPath+"[type]", "web_url, postback, phone_number, account_link, account_unlink, game_play", "call")},
	{name: "button element_share (removed)", body: btns(`[{"type":"element_share"}]`), want: errTooMany("name_placeholder[buttons]")},
	{name: "button payment (removed)", body: btns(`[` + postbk + `,{"type":"payment","title":"Buy","payload":"P"}]`), want: errTooMany("name_placeholder[buttons]")},
	{name: "button not an object", body: btns(`["Go"]`), want: errInvalid},
	{name: "button unknown key", body: btns(`[{"type":"postback","title":"y","payload":"q","url":"https://example.com"}]`), want: errKeys("url", btnPath)},
	{name: "button title missing", body: btns(`[{"type":"postback","payload":"P"}]`), want: errBtnTitle},
	{name: "button title empty", body: btns(`[{"type":"postback","title":"","payload":"P"}]`), want: errString(btnPath + "[title]")},
	{name: "button title 20", body: btns(`[{"type":"postback","title":"` + rep(20) + `","payload":"P"}]`)},
	{name: "button title 21 (W, D6)", body: btns(`[{"type":"postback","title":"` + rep(21) + `","payload":"P"}]`), warns: []string{"button.title.length"}},
	{name: "web_url without url", body: btns(`[{"type":"web_url","title":"Open"}]`), want: errBtnURL},
	{name: "web_url with an empty url", body: btns(`[{"type":"web_url","title":"Open","url":""}]`), want: errBtnURL},
	{name: "web_url with a bad url", body: btns(`[{"type":"web_url","title":"Open","url":"example.com"}]`), want: errURL(btnPath + "[url]")},
	{name: "web_url height ratio off the list", body: btns(`[{"type":"web_url","title":"Open","url":"https://example.com","webview_height_ratio":"huge"}]`), want: errEnum(btnPath+"[webview_height_ratio]", "compact, tall, full", "huge")},
	{name: "web_url share button off the list (W: only hide is documented)", body: btns(`[{"type":"web_url","title":"Open","url":"https://example.com","webview_share_button":"show"}]`), warns: []string{"button.webview_share_button"}},
	{name: "web_url extensions over http", body: btns(`[{"type":"web_url","title":"Open","url":"http://example.com","messenger_extensions":true}]`), want: errExtDomain},
	{name: "web_url extensions off the whitelist", body: btns(`[{"type":"web_url","title":"Open","url":"https://other.example","messenger_extensions":true}]`), want: errExtDomain},
	{name: "web_url extensions as a string (D22)", body: btns(`[{"type":"web_url","title":"Open","url":"https://example.com","messenger_extensions":"false"}]`)},
	{name: "web_url fallback without extensions (W)", body: btns(`[{"type":"web_url","title":"Open","url":"https://example.com","fallback_url":"https://example.com/fb"}]`), warns: []string{"button.fallback_url.without-extensions"}},
	{name: "web_url bad fallback url", body: btns(`[{"type":"web_url","title":"Open","url":"https://example.com","messenger_extensions":true,"fallback_url":"fb"}]`), want: errURL(btnPath + "[fallback_url]")},
	{name: "postback", body: btns(`[` + postbk + `]`)},
	{name: "postback without payload", body: btns(`[{"type":"postback","title":"Go"}]`), want: errBtnPayload},
	{name: "postback with an empty payload", body: btns(`[{"type":"postback","title":"Go","payload":""}]`), want: errBtnPayload},
	{name: "postback payload 1000", body: btns(`[{"type":"postback","title":"Go","payload":"` + rep(1000) + `"}]`)},
	{name: "postback payload 1001", body: btns(`[{"type":"postback","title":"Go","payload":"` + rep(1001) + `"}]`), want: errLength(btnPath+"[payload]", 1000)},
	{name: "phone_number", body: btns(`[{"type":"phone_number","title":"Call","payload":"+15105551234"}]`)},
	{name: "phone_number not + and digits (W)", body: btns(`[{"type":"phone_number","title":"Call","payload":"510-555-1234"}]`), warns: []string{"button.phone_number.payload"}},
	{name: "phone_number without title", body: btns(`[{"type":"phone_number","payload":"+15105551234"}]`), want: errBtnTitle},
	{name: "account_link", body: btns(`[{"type":"account_link","url":"https://example.com/login"}]`)},
	{name: "account_link over http", body: btns(`[{"type":"account_link","url":"http://example.com/login"}]`), want: errURL(btnPath + "[url]")},
	{name: "account_link without url", body: btns(`[{"type":"account_link"}]`), want: errRequired(btnPath + "[url]")},
	{name: "account_link with a title", body: btns(`[{"type":"account_link","title":"Log in","url":"https://example.com/login"}]`), want: errKeys("title", btnPath)},
	{name: "account_unlink", body: btns(`[{"type":"account_unlink"}]`)},
	{name: "account_unlink with a title", body: btns(`[{"type":"account_unlink","title":"Log out"}]`), want: errKeys("title", btnPath)},
	{name: "game_play (W inert)", body: btns(`[{"type":"game_play","title":"Play","payload":"{}","game_metadata":{"player_id":"123"}}]`), warns: []string{"button.game_play.inert"}},
	{name: "game_play with context_id (W inert)", body: btns(`[{"type":"game_play","title":"Play","game_metadata":{"context_id":"123"}}]`), warns: []string{"button.game_play.inert"}},
	{name: "game_play with player_id and context_id", body: btns(`[{"type":"game_play","title":"Play","game_metadata":{"player_id":"1","context_id":"2"}}]`), want: errInvalid},
	{name: "game_play metadata unknown key", body: btns(`[{"type":"game_play","title":"Play","game_metadata":{"level":"2"}}]`), want: errKeys("level", btnPath+"[game_metadata]")},
}

func TestSendMessage(t *testing.T) {
	t.Parallel()
	runSendCases(t, messageCases)
}

// TestSendReusable checks that is_reusable:true on a media attachment is
// reported for the server to save the asset (PLATFORM.md §2.4).
func TestSendReusable(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		payload, want string
	}{
		{`{"url":"https://example.com/a.png","is_reusable":true}`, "image"},
		{`{"url":"https://example.com/a.png","is_reusable":"true"}`, "image"},
		{`{"url":"https://example.com/a.png","is_reusable":false}`, ""},
		{`{"url":"https://example.com/a.png"}`, ""},
	} {
		body := decodeSchemaBody(t, media("image", tc.payload), true)
		chk := testValidator.Send(body, newFakeState())
		if err := chk.Err(); err != nil {
			t.Fatalf("payload %s refused: %v", tc.payload, err)
		}
		if chk.Reusable != tc.want {
			t.Errorf("payload %s: Reusable = %q, want %q", tc.payload, chk.Reusable, tc.want)
		}
	}
}

// TestSendFirstErrorWins checks that the answer is the first error in the
// platform's order while every warning is kept.
func TestSendFirstErrorWins(t *testing.T) {
	t.Parallel()
	body := decodeSchemaBody(t, `{"recipient":{"id":"`+alice+`"},"foo":1,"message":{"text":"`+rep(2001)+`","metadata":"`+rep(1001)+`"}}`, true)
	chk := testValidator.Send(body, newFakeState())
	want := errLength("message[text]", 2000)
	if got := chk.Err(); wantBody(got) != wantBody(want) {
		t.Errorf("first error = %s, want %s", wantBody(got), wantBody(want))
	}
	var rules []string
	for _, w := range chk.Warnings() {
		rules = append(rules, w.Rule)
	}
	if fmt.Sprint(rules) != fmt.Sprint([]string{"unknown-parameter", wNoType}) {
		t.Errorf("warnings = %v, want both the unknown param and the missing messaging_type", rules)
	}
}
