package fakegraph

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
)

// TestMenuDisabledSurfaces: a persistent menu hidden on the chat plugin,
// as the Messenger Profile reference documents it (PLATFORM.md D24), is
// stored and answered back.
func TestMenuDisabledSurfaces(t *testing.T) {
	t.Parallel()
	s := New()
	mustGraph(t, s, "POST", "/me/messenger_profile", `{`+gs+`,"persistent_menu":[{"locale":"default","composer_input_disabled":false,"disabled_surfaces":["CUSTOMER_CHAT_PLUGIN"],"call_to_actions":[`+menuItem+`]}]}`)
	out := mustGraph(t, s, "GET", "/me/messenger_profile?fields=persistent_menu", "")
	want := map[string]any{"data": []any{map[string]any{"persistent_menu": []any{map[string]any{
		"locale": "default", "composer_input_disabled": false, "disabled_surfaces": []any{"CUSTOMER_CHAT_PLUGIN"},
		"call_to_actions": []any{map[string]any{"type": "postback", "title": "Help", "payload": "HELP"}},
	}}}}}
	if diff := cmp.Diff(want, out); diff != "" {
		t.Fatalf("menu (-want +got):\n%s", diff)
	}
	m, ok := s.PersistentMenu(DefaultPageID, alice)
	assert.True(t, ok)
	assert.Equal(t, []string{"CUSTOMER_CHAT_PLUGIN"}, m.DisabledSurfaces)
}

// A domain whitelisted in its own script serves messenger_extensions on
// the same name, in any case and in its punycode spelling, and the other
// way round.
func TestWhitelistedDomainInItsOwnScript(t *testing.T) {
	t.Parallel()
	for whitelisted, used := range map[string]string{
		"https://bücher.example":        "https://BÜCHER.example/x",
		"https://xn--bcher-kva.example": "https://bücher.example/x",
		"https://bücher.example/shop":   "https://xn--bcher-kva.example/x",
	} {
		s := New()
		userWrites(t, s, alice)
		mustGraph(t, s, "POST", "/me/messenger_profile", `{"whitelisted_domains":["`+whitelisted+`"]}`)
		res := apiJSON(t, s, "POST", "/v26.0/me/messages", map[string]any{"recipient": map[string]any{"id": alice}, "messaging_type": "RESPONSE",
			"message": map[string]any{"attachment": map[string]any{"type": "template", "payload": map[string]any{"template_type": "button", "text": "Open?",
				"buttons": []any{map[string]any{"type": "web_url", "title": "Open", "url": used, "messenger_extensions": true}}}}}})
		if res.status != 200 {
			t.Errorf("%s on the whitelisted %s: %d %s", used, whitelisted, res.status, res.raw)
		}
	}
	// The menu in the same request as its whitelist.
	s := New()
	mustGraph(t, s, "POST", "/me/messenger_profile", `{"get_started":{"payload":"GO"},"whitelisted_domains":["https://xn--bcher-kva.example"],`+
		`"persistent_menu":[{"locale":"default","call_to_actions":[{"type":"web_url","title":"Shop","url":"https://bücher.example/s","messenger_extensions":true}]}]}`)
}
