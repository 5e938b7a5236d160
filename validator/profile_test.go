package validator

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestHTTPSDomain(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]bool{
		"https://www.example.com":         true,
		"https://example.com/shop?x=1":    true,
		"https://shop.example.co.uk:8443": true,
		"https://xn--bcher-kva.example":   true,
		"https://bücher.example":          true, // the same name in its own script
		"https://例え.jp":                   true,
		"https://a★b.example":             false, // a symbol is no letter
		"http://www.example.com":          false,
		"https://localhost":               false,
		"https://app.localhost":           false,
		"https://127.0.0.1":               false,
		"https://[2001:db8::1]":           false,
		"https://intranet":                false,
		"https://-bad.example.com":        false,
		"https://under_score.example.com": false,
		"https://user:pw@www.example.com": false,
		"www.example.com":                 false,
		"":                                false,
		"https://":                        false,
		"https://www.example.com.":        true,
		"https://a..example.com":          false,
		"ftp://www.example.com":           false,
		"https://www.exa mple.com":        false,
	} {
		if got := HTTPSDomain(s); got != want {
			t.Errorf("HTTPSDomain(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestFieldList(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   any
		want []string
	}{
		{"get_started,greeting", []string{"get_started", "greeting"}},
		{" get_started , greeting ,", []string{"get_started", "greeting"}},
		{[]any{"get_started", "greeting"}, []string{"get_started", "greeting"}},
		{[]any{"a,b", "c"}, []string{"a", "b", "c"}},
		{"", nil},
		{nil, nil},
		{map[string]any{"a": "b"}, nil},
	} {
		if diff := cmp.Diff(tc.want, FieldList(tc.in)); diff != "" {
			t.Errorf("FieldList(%v) (-want +got):\n%s", tc.in, diff)
		}
	}
}

// TestMessengerProfileNormalises: the stored fields are the canonical form
// (D22), and a refused request stores nothing.
func TestMessengerProfileNormalises(t *testing.T) {
	t.Parallel()
	v := New(MustLoadSchemas())
	body := decodeSchemaBody(t, `{"get_started":{"payload":123},"persistent_menu":[{"locale":"default","composer_input_disabled":"true","call_to_actions":[{"type":"web_url","title":"Shop","url":"https://www.example.com","messenger_extensions":"false"}]}],"access_token":"EAAx"}`, true)
	chk := v.MessengerProfile(body, ProfilePage{})
	if !chk.Accepted() {
		t.Fatalf("refused: %+v", chk.Errors())
	}
	want := map[string]any{
		"get_started": map[string]any{"payload": "123"},
		"persistent_menu": []any{map[string]any{"locale": "default", "composer_input_disabled": true,
			"call_to_actions": []any{map[string]any{"type": "web_url", "title": "Shop", "url": "https://www.example.com", "messenger_extensions": false}}}},
	}
	if diff := cmp.Diff(want, chk.Fields); diff != "" {
		t.Errorf("fields (-want +got):\n%s", diff)
	}
	bad := v.MessengerProfile(decodeSchemaBody(t, `{"get_started":{"payload":"x"},"greeting":[{"locale":"fr_FR","text":"Salut"}]}`, true), ProfilePage{})
	if bad.Accepted() || len(bad.Fields) != 0 {
		t.Errorf("a refused request yields fields %v", bad.Fields)
	}
}
