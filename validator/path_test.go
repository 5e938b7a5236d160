package validator

import "testing"

func TestPathRendering(t *testing.T) {
	t.Parallel()
	payload := Root("message").Key("attachment").Key("payload")
	for _, tc := range []struct {
		p           Path
		json, param string
	}{
		{Path{}, "", ""},
		{Path{}.Key("recipient"), "recipient", "recipient"},
		{Root("message").Key("quick_replies").Index(0).Key("title"), "message.quick_replies[0].title", "message[quick_replies][0][title]"},
		{payload.Rebase("name_placeholder"), "message.attachment.payload", "name_placeholder"},
		{payload.Rebase("name_placeholder").Key("elements").Index(3).Key("buttons"), "message.attachment.payload.elements[3].buttons", "name_placeholder[elements][3][buttons]"},
		{Root("message").Key("attachments").Index(12), "message.attachments[12]", "message[attachments][12]"},
	} {
		if got := tc.p.JSON(); got != tc.json {
			t.Errorf("JSON() = %q, want %q", got, tc.json)
		}
		if got := tc.p.Param(); got != tc.param {
			t.Errorf("Param() = %q, want %q", got, tc.param)
		}
		if got := tc.p.String(); got != tc.json {
			t.Errorf("String() = %q, want %q", got, tc.json)
		}
	}
}

func TestHTTPURL(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in    string
		ok    bool
		https bool
		host  string
	}{
		{"https://example.com", true, true, "example.com"},
		{"HTTPS://Example.COM/a?b#c", true, true, "example.com"},
		{"http://example.com:8080/x", true, false, "example.com"},
		{"https://user:pw@example.com/x", true, true, "example.com"},
		{"https://[::1]:443/x", true, true, "[::1]"},
		{"https://example.com?q", true, true, "example.com"},
		{"https://", false, false, ""},
		{"https:///a.png", false, false, ""},
		{"https://:80/", false, false, ""},
		{"https://example.com:http/", false, false, ""},
		{"https://exa mple.com", false, false, ""},
		{"https://example.com/a\nb", false, false, ""},
		{"ftp://example.com", false, false, ""},
		{"example.com", false, false, ""},
		{"/a.png", false, false, ""},
		{"javascript:alert(1)", false, false, ""},
		{"", false, false, ""},
		// The authority ends at the first of / ? # and a backslash, and
		// nothing after it may be a control character or a space either.
		{`https://a.com\b@evil.com`, true, true, "a.com"},
		{"https://a.com#x/y", true, true, "a.com"},
		{"https://a.com?x/y@z.com", true, true, "a.com"},
		{"https://u@v@c.com/x", true, true, "c.com"},
		{"hTtP://X.com", true, false, "x.com"},
		{"http://x", true, false, "x"},
		{"https://x", true, true, "x"},
		{"http://", false, false, ""},
		{"https:/x.com", false, false, ""},
		{"https://[::1", false, false, ""},
		{"https://[::1]x", false, false, ""},
		{"https://a.com/\x7f", false, false, ""},
		{"https://a.com/x?\x01", false, false, ""},
		{"https://a.com:/", true, true, "a.com"},
		{"https://a.com:8a/", false, false, ""},
		{"https://a.com:65535/", true, true, "a.com"},
		{"https://a.com:65536/", false, false, ""},
		{"https://a.com:99999999999999999999/", false, false, ""},
		{"https://a..com/", false, false, ""},
		{"https://.a.com/", false, false, ""},
		{"https://a.com./", true, true, "a.com."},
	} {
		u, ok := httpURL(tc.in)
		if ok != tc.ok || u.https != tc.https || u.host != tc.host {
			t.Errorf("httpURL(%q) = %+v, %v; want https=%v host=%q, %v", tc.in, u, ok, tc.https, tc.host, tc.ok)
		}
	}
}
