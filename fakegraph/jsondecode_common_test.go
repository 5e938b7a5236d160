package fakegraph

import (
	"strings"
	"testing"
)

// The decoder answers the keys and values the Send API repeats without
// allocating them (commonKey, commonValue); what it answers must be the
// very text it read.

var commonSeeds = []string{
	"RESPONSE", "UPDATE", "MESSAGE_TAG", "UTILITY", "REGULAR", "SILENT_PUSH", "NO_PUSH", "HUMAN_AGENT",
	"CUSTOMER_FEEDBACK", "NON_PROMOTIONAL_SUBSCRIPTION", "typing_on", "typing_off", "mark_seen",
	"template", "image", "audio", "video", "file", "generic", "button", "media", "receipt",
	"web_url", "postback", "phone_number", "text", "user_phone_number", "user_email",
	"compact", "tall", "full", "hide", "horizontal", "square",
	"recipient", "id", "messaging_type", "message", "quick_replies", "content_type", "title", "payload",
	"attachment", "type", "template_type", "elements", "subtitle", "image_url", "default_action", "url",
	"buttons", "webview_height_ratio", "metadata", "tag", "sender_action", "access_token",
	"", "web_ur", "web_urlx", "Web_url", "tal", "talll", "response", "RESPONSE ", "NON_PROMOTIONAL_SUBSCRIPTIONS",
}

func FuzzCommonKeyAndValue(f *testing.F) {
	for _, s := range commonSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if v, ok := commonValue(s); ok && v != any(s) {
			t.Errorf("commonValue(%q) = %#v", s, v)
		}
		if k, ok := commonKey(s); ok && k != s {
			t.Errorf("commonKey(%q) = %q", s, k)
		}
	})
}

// TestCommonValuesDecodeAsEncodingJSON decodes each seed as a key and as
// a value, plain and with an escape, where the decoder must not take the
// shortcut.
func TestCommonValuesDecodeAsEncodingJSON(t *testing.T) {
	t.Parallel()
	for _, s := range commonSeeds {
		escaped := s
		if s != "" {
			escaped = `\u00` + strings.ToLower(string("0123456789ABCDEF"[s[0]>>4])+string("0123456789ABCDEF"[s[0]&15])) + s[1:]
		}
		for _, body := range []string{
			`{"` + s + `":"` + s + `","v":["` + s + `",{"k":"` + s + `"}]}`,
			`{"` + escaped + `":"` + escaped + `"}`,
		} {
			sameAsEncodingJSON(t, []byte(body))
		}
	}
	if v, ok := commonValue("web_url"); !ok || v != any("web_url") {
		t.Errorf(`commonValue("web_url") = %#v, %v; want "web_url", true`, v, ok)
	}
}
