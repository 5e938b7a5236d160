package fakegraph

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/messemu/messemu/validator"
)

const (
	gs       = `"get_started":{"payload":"GET_STARTED"}`
	menuItem = `{"type":"postback","title":"Help","payload":"HELP"}`
)

// menu is a persistent_menu with one default entry holding items.
func menu(items string) string {
	return `"persistent_menu":[{"locale":"default","composer_input_disabled":false,"call_to_actions":` + items + `}]`
}

// TestMessengerProfilePostRules runs every §4 rule on both sides of its
// boundary; a nil want means the request is accepted.
func TestMessengerProfilePostRules(t *testing.T) {
	t.Parallel()
	long := func(n int) string { return strings.Repeat("a", n) }
	emoji := func(n int) string { return strings.Repeat("😀", n) }
	cases := []struct {
		name string
		body string
		want map[string]any
	}{
		{"no field", `{}`, oauth100("(#100) Requires one of the params: get_started,persistent_menu,target_audience,whitelisted_domains,greeting,account_linking_url,payment_settings,home_url,ice_breakers,commands")},
		{"only unknown params", `{"colour":"blue"}`, oauth100("(#100) Requires one of the params: get_started,persistent_menu,target_audience,whitelisted_domains,greeting,account_linking_url,payment_settings,home_url,ice_breakers,commands")},
		{"null field is absent (D22)", `{"greeting":null}`, oauth100("(#100) Requires one of the params: get_started,persistent_menu,target_audience,whitelisted_domains,greeting,account_linking_url,payment_settings,home_url,ice_breakers,commands")},

		{"get_started payload 1000", `{"get_started":{"payload":"` + long(1000) + `"}}`, nil},
		{"get_started payload 1001", `{"get_started":{"payload":"` + long(1001) + `"}}`, lengthBody("get_started[payload]", 1000)},
		{"get_started payload 1000 code points", `{"get_started":{"payload":"` + emoji(1000) + `"}}`, nil},
		{"get_started without payload", `{"get_started":{}}`, requiredBody("get_started[payload]")},
		{"get_started empty payload", `{"get_started":{"payload":""}}`, stringBody("get_started[payload]")},
		{"get_started not an object", `{"get_started":"GO"}`, invalidBody},

		{"menu without get_started", `{` + menu(`[`+menuItem+`]`) + `}`, errBody(100, 2018145, "OAuthException", "(#100) You must set a Get Started button if you also wish to use persistent menu.")},
		{"menu with get_started in the request", `{` + gs + `,` + menu(`[`+menuItem+`]`) + `}`, nil},
		{"menu without default locale", `{` + gs + `,"persistent_menu":[{"locale":"fr_FR","call_to_actions":[` + menuItem + `]}]}`, invalidBody},
		{"menu default among locales", `{` + gs + `,"persistent_menu":[{"locale":"fr_FR","call_to_actions":[` + menuItem + `]},{"locale":"default","call_to_actions":[` + menuItem + `]}]}`, nil},
		{"menu entry without locale", `{` + gs + `,"persistent_menu":[{"call_to_actions":[` + menuItem + `]}]}`, requiredBody("persistent_menu[0][locale]")},
		{"menu entry unknown key", `{` + gs + `,"persistent_menu":[{"locale":"default","colour":"red","call_to_actions":[` + menuItem + `]}]}`, oauth100(`(#100) Invalid keys "colour" were found in param "persistent_menu[0]".`)},
		{"menu item unknown key", `{` + gs + `,` + menu(`[{"type":"postback","title":"A","payload":"B","image_url":"https://x.example.com/a.png"}]`) + `}`, oauth100(`(#100) Invalid keys "image_url" were found in param "persistent_menu[0][call_to_actions][0]".`)},
		{"menu 20 items", `{` + gs + `,` + menu(repeatJSON(menuItem, 20)) + `}`, nil},
		{"menu 21 items", `{` + gs + `,` + menu(repeatJSON(menuItem, 21)) + `}`, tooManyBody("persistent_menu[0][call_to_actions]")},
		{"composer disabled without items", `{` + gs + `,"persistent_menu":[{"locale":"default","composer_input_disabled":true}]}`, requiredBody("persistent_menu[0][call_to_actions]")},
		{"composer enabled without items", `{` + gs + `,"persistent_menu":[{"locale":"default","composer_input_disabled":false}]}`, nil},
		{"composer_input_disabled as text (D22)", `{` + gs + `,"persistent_menu":[{"locale":"default","composer_input_disabled":"true","call_to_actions":[` + menuItem + `]}]}`, nil},
		{"disabled_surfaces (D24)", `{` + gs + `,"persistent_menu":[{"locale":"default","composer_input_disabled":false,"disabled_surfaces":["CUSTOMER_CHAT_PLUGIN"],"call_to_actions":[` + menuItem + `]}]}`, nil},
		{"disabled_surfaces other value", `{` + gs + `,"persistent_menu":[{"locale":"default","disabled_surfaces":["MESSENGER"],"call_to_actions":[` + menuItem + `]}]}`, oauth100(`(#100) Param persistent_menu[0][disabled_surfaces][0] must be one of {CUSTOMER_CHAT_PLUGIN} - got "MESSENGER".`)},
		{"disabled_surfaces not a list", `{` + gs + `,"persistent_menu":[{"locale":"default","disabled_surfaces":"CUSTOMER_CHAT_PLUGIN","call_to_actions":[` + menuItem + `]}]}`, invalidBody},
		{"composer_input_disabled not a boolean", `{` + gs + `,"persistent_menu":[{"locale":"default","composer_input_disabled":"maybe","call_to_actions":[` + menuItem + `]}]}`, invalidBody},
		{"item type nested", `{` + gs + `,` + menu(`[{"type":"nested","title":"More","call_to_actions":[]}]`) + `}`, oauth100(`(#100) Param persistent_menu[0][call_to_actions][0][type] must be one of {web_url, postback} - got "nested".`)},
		{"item type nested alone", `{` + gs + `,` + menu(`[{"type":"nested","title":"More"}]`) + `}`, oauth100(`(#100) Param persistent_menu[0][call_to_actions][0][type] must be one of {web_url, postback} - got "nested".`)},
		{"item without type", `{` + gs + `,` + menu(`[{"title":"A","payload":"B"}]`) + `}`, requiredBody("persistent_menu[0][call_to_actions][0][type]")},
		{"item title 30", `{` + gs + `,` + menu(`[{"type":"postback","title":"`+long(30)+`","payload":"B"}]`) + `}`, nil},
		{"item title 31", `{` + gs + `,` + menu(`[{"type":"postback","title":"`+long(31)+`","payload":"B"}]`) + `}`, lengthBody("persistent_menu[0][call_to_actions][0][title]", 30)},
		{"item without title", `{` + gs + `,` + menu(`[{"type":"postback","payload":"B"}]`) + `}`, requiredBody("persistent_menu[0][call_to_actions][0][title]")},
		{"item payload 1000", `{` + gs + `,` + menu(`[{"type":"postback","title":"A","payload":"`+long(1000)+`"}]`) + `}`, nil},
		{"item payload 1001", `{` + gs + `,` + menu(`[{"type":"postback","title":"A","payload":"`+long(1001)+`"}]`) + `}`, lengthBody("persistent_menu[0][call_to_actions][0][payload]", 1000)},
		{"postback without payload", `{` + gs + `,` + menu(`[{"type":"postback","title":"A"}]`) + `}`, requiredBody("persistent_menu[0][call_to_actions][0][payload]")},
		{"web_url", `{` + gs + `,` + menu(`[{"type":"web_url","title":"Shop","url":"https://shop.example.com","webview_height_ratio":"tall"}]`) + `}`, nil},
		{"web_url messenger_extensions as text (D22)", `{` + gs + `,"whitelisted_domains":["https://shop.example.com"],` + menu(`[{"type":"web_url","title":"Shop","url":"https://shop.example.com","messenger_extensions":"true","fallback_url":"https://shop.example.com/fb","webview_share_button":"hide"}]`) + `}`, nil},
		// A menu item is a web_url or postback button (PLATFORM.md §2.6):
		// its extensions need HTTPS on a whitelisted domain, and it holds
		// its type's keys only, as the Send API's buttons do.
		{"web_url messenger_extensions, domain not whitelisted", `{` + gs + `,` + menu(`[{"type":"web_url","title":"Shop","url":"https://shop.example.com","messenger_extensions":true}]`) + `}`, extDomainBody},
		{"web_url messenger_extensions, another domain whitelisted", `{` + gs + `,"whitelisted_domains":["https://other.example.com"],` + menu(`[{"type":"web_url","title":"Shop","url":"https://shop.example.com","messenger_extensions":true}]`) + `}`, extDomainBody},
		{"web_url messenger_extensions over http", `{` + gs + `,"whitelisted_domains":["https://shop.example.com"],` + menu(`[{"type":"web_url","title":"Shop","url":"http://shop.example.com","messenger_extensions":true}]`) + `}`, extDomainBody},
		{"web_url messenger_extensions false, any domain", `{` + gs + `,` + menu(`[{"type":"web_url","title":"Shop","url":"http://shop.example.com","messenger_extensions":false}]`) + `}`, nil},
		{"postback with a url", `{` + gs + `,` + menu(`[{"type":"postback","title":"A","payload":"B","url":"https://x.example.com"}]`) + `}`, oauth100(`(#100) Invalid keys "url" were found in param "persistent_menu[0][call_to_actions][0]".`)},
		{"web_url with a payload", `{` + gs + `,` + menu(`[{"type":"web_url","title":"Shop","url":"https://shop.example.com","payload":"B"}]`) + `}`, oauth100(`(#100) Invalid keys "payload" were found in param "persistent_menu[0][call_to_actions][0]".`)},
		{"web_url messenger_extensions not a boolean", `{` + gs + `,` + menu(`[{"type":"web_url","title":"Shop","url":"https://shop.example.com","messenger_extensions":"yes"}]`) + `}`, invalidBody},
		{"web_url without url", `{` + gs + `,` + menu(`[{"type":"web_url","title":"Shop"}]`) + `}`, requiredBody("persistent_menu[0][call_to_actions][0][url]")},
		{"web_url bad url", `{` + gs + `,` + menu(`[{"type":"web_url","title":"Shop","url":"shop"}]`) + `}`, urlBody("persistent_menu[0][call_to_actions][0][url]")},
		{"web_url bad height", `{` + gs + `,` + menu(`[{"type":"web_url","title":"Shop","url":"https://shop.example.com","webview_height_ratio":"huge"}]`) + `}`, oauth100(`(#100) Param persistent_menu[0][call_to_actions][0][webview_height_ratio] must be one of {compact, tall, full} - got "huge".`)},
		{"second entry checked", `{` + gs + `,"persistent_menu":[{"locale":"default","call_to_actions":[` + menuItem + `]},{"locale":"fr_FR","call_to_actions":[{"type":"postback","title":"` + long(31) + `","payload":"B"}]}]}`, lengthBody("persistent_menu[1][call_to_actions][0][title]", 30)},

		{"greeting 160", `{"greeting":[{"locale":"default","text":"` + long(160) + `"}]}`, nil},
		{"greeting 160 code points", `{"greeting":[{"locale":"default","text":"` + emoji(160) + `"}]}`, nil},
		{"greeting 161", `{"greeting":[{"locale":"default","text":"` + long(161) + `"}]}`, lengthBody("greeting[0][text]", 160)},
		{"greeting 161 code points", `{"greeting":[{"locale":"default","text":"` + emoji(161) + `"}]}`, lengthBody("greeting[0][text]", 160)},
		{"greeting without default", `{"greeting":[{"locale":"en_US","text":"Hi"}]}`, invalidBody},
		{"greeting without text", `{"greeting":[{"locale":"default"}]}`, requiredBody("greeting[0][text]")},
		{"greeting not a list", `{"greeting":"Hi"}`, invalidBody},

		{"50 domains", `{"whitelisted_domains":` + repeatJSON(`"https://d%d.example.com"`, 50) + `}`, nil},
		{"51 domains", `{"whitelisted_domains":` + repeatJSON(`"https://d%d.example.com"`, 51) + `}`, tooManyBody("whitelisted_domains")},
		{"domain over http", `{"whitelisted_domains":["https://ok.example.com","http://www.example.com"]}`, urlBody("whitelisted_domains[1]")},
		{"domain localhost", `{"whitelisted_domains":["https://localhost"]}`, urlBody("whitelisted_domains[0]")},
		{"domain IP", `{"whitelisted_domains":["https://192.168.1.1"]}`, urlBody("whitelisted_domains[0]")},
		{"domain IPv6", `{"whitelisted_domains":["https://[::1]"]}`, urlBody("whitelisted_domains[0]")},
		{"domain single label", `{"whitelisted_domains":["https://intranet"]}`, urlBody("whitelisted_domains[0]")},
		{"domain with path", `{"whitelisted_domains":["https://www.example.com/shop"]}`, nil},

		{"ice breakers old form 4", `{"ice_breakers":` + repeatJSON(`{"question":"Q%d?","payload":"P%d"}`, 4) + `}`, nil},
		{"ice breakers old form 5", `{"ice_breakers":` + repeatJSON(`{"question":"Q%d?","payload":"P%d"}`, 5) + `}`, tooManyBody("ice_breakers")},
		{"ice breakers new form 4", `{"ice_breakers":[{"locale":"default","call_to_actions":` + repeatJSON(`{"question":"Q%d?","payload":"P%d"}`, 4) + `}]}`, nil},
		{"ice breakers new form 5", `{"ice_breakers":[{"locale":"default","call_to_actions":` + repeatJSON(`{"question":"Q%d?","payload":"P%d"}`, 5) + `}]}`, tooManyBody("ice_breakers[0][call_to_actions]")},
		{"ice breakers new form without default", `{"ice_breakers":[{"locale":"en_US","call_to_actions":[{"question":"Q?","payload":"P"}]}]}`, invalidBody},
		{"ice breakers both forms", `{"ice_breakers":[{"locale":"default","call_to_actions":[{"question":"Q?","payload":"P"}]},{"question":"Q?","payload":"P"}]}`, invalidBody},
		{"ice breaker long question (D4)", `{"ice_breakers":[{"question":"` + long(500) + `","payload":"P"}]}`, nil},
		{"ice breaker without payload", `{"ice_breakers":[{"question":"Q?"}]}`, requiredBody("ice_breakers[0][payload]")},

		{"commands 100", `{"commands":[{"locale":"default","commands":` + repeatJSON(`{"name":"c%d","description":"d"}`, 100) + `}]}`, nil},
		{"commands 101", `{"commands":[{"locale":"default","commands":` + repeatJSON(`{"name":"c%d","description":"d"}`, 101) + `}]}`, tooManyBody("commands[0][commands]")},
		{"commands 0", `{"commands":[{"locale":"default","commands":[]}]}`, tooFewBody("commands[0][commands]")},
		{"command name 32", `{"commands":[{"locale":"default","commands":[{"name":"` + long(32) + `","description":"d"}]}]}`, nil},
		{"command name 33", `{"commands":[{"locale":"default","commands":[{"name":"` + long(33) + `","description":"d"}]}]}`, lengthBody("commands[0][commands][0][name]", 32)},
		{"command name empty", `{"commands":[{"locale":"default","commands":[{"name":"","description":"d"}]}]}`, stringBody("commands[0][commands][0][name]")},
		{"command name with slash", `{"commands":[{"locale":"default","commands":[{"name":"/order","description":"d"}]}]}`, invalidBody},
		{"command description 64", `{"commands":[{"locale":"default","commands":[{"name":"order","description":"` + long(64) + `"}]}]}`, nil},
		{"command description 65", `{"commands":[{"locale":"default","commands":[{"name":"order","description":"` + long(65) + `"}]}]}`, lengthBody("commands[0][commands][0][description]", 64)},
		{"command description missing", `{"commands":[{"locale":"default","commands":[{"name":"order"}]}]}`, requiredBody("commands[0][commands][0][description]")},

		{"account linking https", `{"account_linking_url":"https://www.example.com/auth"}`, nil},
		{"account linking http", `{"account_linking_url":"http://www.example.com/auth"}`, urlBody("account_linking_url")},
		{"account linking relative", `{"account_linking_url":"/auth"}`, urlBody("account_linking_url")},

		{"legacy target_audience (W)", `{"target_audience":{"audience_type":"all"}}`, nil},
		{"legacy home_url (W)", `{"home_url":{"url":"https://www.example.com","webview_height_ratio":"tall","in_test":true}}`, nil},
		{"legacy payment_settings (W)", `{"payment_settings":{"privacy_url":"https://www.example.com/privacy"}}`, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := New()
			code, out := graph(t, s, "POST", "/v26.0/me/messenger_profile", tc.body)
			if tc.want == nil {
				if code != 200 || cmp.Diff(resultOK, out) != "" {
					t.Fatalf("want accepted, got %d %v", code, out)
				}
				return
			}
			wantGraphError(t, code, out, tc.want)
		})
	}
}

func TestMessengerProfileRoundTrip(t *testing.T) {
	t.Parallel()
	s := New()
	// Nothing set: {"data":[]} (D9).
	out := mustGraph(t, s, "GET", "/me/messenger_profile?fields=get_started,greeting", "")
	if diff := cmp.Diff(map[string]any{"data": []any{}}, out); diff != "" {
		t.Fatalf("empty profile (-want +got):\n%s", diff)
	}
	mustGraph(t, s, "POST", "/me/messenger_profile", `{`+gs+`}`)
	// The menu may now come alone: Get Started is stored. The lenient
	// "false" is stored as false, and a missing composer_input_disabled too.
	mustGraph(t, s, "POST", "/"+DefaultPageID+"/messenger_profile", `{"persistent_menu":[{"locale":"default","composer_input_disabled":"false","call_to_actions":[`+menuItem+`]},{"locale":"fr_FR","call_to_actions":[`+menuItem+`]}],"greeting":[{"locale":"default","text":"Hi {{user_first_name}}"}],"ice_breakers":[{"question":"Hours?","payload":"HOURS"}]}`)
	out = mustGraph(t, s, "GET", "/me/messenger_profile?fields=get_started,persistent_menu,greeting,ice_breakers,commands", "")
	want := map[string]any{"data": []any{map[string]any{
		"get_started": map[string]any{"payload": "GET_STARTED"},
		"persistent_menu": []any{
			map[string]any{"locale": "default", "composer_input_disabled": false, "call_to_actions": []any{map[string]any{"type": "postback", "title": "Help", "payload": "HELP"}}},
			map[string]any{"locale": "fr_FR", "composer_input_disabled": false, "call_to_actions": []any{map[string]any{"type": "postback", "title": "Help", "payload": "HELP"}}},
		},
		"greeting":     []any{map[string]any{"locale": "default", "text": "Hi {{user_first_name}}"}},
		"ice_breakers": []any{map[string]any{"question": "Hours?", "payload": "HOURS"}},
	}}}
	if diff := cmp.Diff(want, out); diff != "" {
		t.Fatalf("profile (-want +got):\n%s", diff)
	}
	// A field set again replaces the old value.
	mustGraph(t, s, "POST", "/me/messenger_profile", `{"get_started":{"payload":"AGAIN"}}`)
	out = mustGraph(t, s, "GET", "/me/messenger_profile?fields=get_started", "")
	if diff := cmp.Diff(map[string]any{"data": []any{map[string]any{"get_started": map[string]any{"payload": "AGAIN"}}}}, out); diff != "" {
		t.Fatalf("replaced get_started (-want +got):\n%s", diff)
	}

	// Go readers.
	if p, ok := s.GetStarted(DefaultPageID); !ok || p != "AGAIN" {
		t.Errorf("GetStarted = %q, %v", p, ok)
	}
	if m, ok := s.PersistentMenu(DefaultPageID, alice); !ok || m.Locale != "default" || len(m.CallToActions) != 1 || m.CallToActions[0].Payload != "HELP" {
		t.Errorf("PersistentMenu(alice) = %+v, %v", m, ok)
	}
	if got := s.IceBreakers(DefaultPageID, alice); len(got) != 1 || got[0].Payload != "HOURS" {
		t.Errorf("IceBreakers = %+v", got)
	}
	if got := s.GreetingText(DefaultPageID, alice); got != "Hi {{user_first_name}}" {
		t.Errorf("GreetingText = %q", got)
	}
	if got := s.GreetingShown(DefaultPageID, alice); got != "Hi Alice" {
		t.Errorf("GreetingShown = %q", got)
	}
	mustGraph(t, s, "POST", "/me/messenger_profile", `{"commands":[{"locale":"default","commands":[{"name":"order","description":"Order food"}]},{"locale":"it_IT","commands":[{"name":"ordina","description":"Ordina"}]}]}`)
	if got := s.Commands(DefaultPageID, carla); len(got) != 1 || got[0].Name != "ordina" {
		t.Errorf("Commands(carla, it_IT) = %+v", got)
	}
	if got := s.Commands(DefaultPageID, bob); len(got) != 1 || got[0].Name != "order" {
		t.Errorf("Commands(bob, en_GB → default) = %+v", got)
	}

	// DELETE with fields in a JSON body, in the query, and PHP-style.
	mustGraph(t, s, "DELETE", "/me/messenger_profile", `{"fields":["greeting"]}`)
	mustGraph(t, s, "DELETE", "/me/messenger_profile?fields=ice_breakers", "")
	mustGraph(t, s, "DELETE", "/me/messenger_profile?fields%5B0%5D=persistent_menu&fields%5B1%5D=get_started", "")
	out = mustGraph(t, s, "GET", "/me/messenger_profile?fields=get_started,persistent_menu,greeting,ice_breakers", "")
	if diff := cmp.Diff(map[string]any{"data": []any{}}, out); diff != "" {
		t.Fatalf("after deletes (-want +got):\n%s", diff)
	}
	if _, ok := s.GetStarted(DefaultPageID); ok {
		t.Error("GetStarted still set after DELETE")
	}
}

func TestMessengerProfileGetDeleteErrors(t *testing.T) {
	t.Parallel()
	s := New()
	enum := func(path, got string) map[string]any {
		return oauth100(fmt.Sprintf(`(#100) Param %s must be one of {get_started, persistent_menu, target_audience, whitelisted_domains, greeting, account_linking_url, payment_settings, home_url, ice_breakers, commands} - got "%s".`, path, got))
	}
	cases := []struct {
		name, method, path, body string
		want                     map[string]any
	}{
		{"GET without fields", "GET", "/me/messenger_profile", "", requiredBody("fields")},
		{"GET with empty fields", "GET", "/me/messenger_profile?fields=", "", requiredBody("fields")},
		{"GET unknown field", "GET", "/me/messenger_profile?fields=greeting,colour", "", enum("fields[1]", "colour")},
		{"DELETE without fields", "DELETE", "/me/messenger_profile", "", requiredBody("fields")},
		{"DELETE with empty list", "DELETE", "/me/messenger_profile", `{"fields":[]}`, requiredBody("fields")},
		{"DELETE unknown field", "DELETE", "/me/messenger_profile", `{"fields":["nope"]}`, enum("fields[0]", "nope")},
		{"another Page", "GET", "/123456789012345/messenger_profile?fields=greeting", "", unsupportedBody("get", "123456789012345")},
		{"PUT", "PUT", "/me/messenger_profile", `{}`, unsupportedBody("put", "me")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, out := graph(t, s, tc.method, tc.path, tc.body)
			wantGraphError(t, code, out, tc.want)
		})
	}
}

func TestMessengerProfileWarnings(t *testing.T) {
	t.Parallel()
	s := New()
	mustGraph(t, s, "POST", "/me/messenger_profile", `{"target_audience":{"audience_type":"all"},"colour":"blue"}`)
	ev := s.Journal().After(0, 0)
	last := ev[len(ev)-1]
	var rules []string
	for _, v := range last.Violations {
		if v.Severity != "warning" {
			t.Errorf("unexpected %s violation %+v", v.Severity, v)
		}
		rules = append(rules, v.Path+" "+v.Rule)
	}
	want := []string{"colour profile.unknown-parameter", "target_audience profile.legacy-field"}
	if diff := cmp.Diff(want, rules); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
	out := mustGraph(t, s, "GET", "/me/messenger_profile?fields=target_audience", "")
	if diff := cmp.Diff(map[string]any{"data": []any{map[string]any{"target_audience": map[string]any{"audience_type": "all"}}}}, out); diff != "" {
		t.Errorf("legacy field is stored and returned (-want +got):\n%s", diff)
	}
}

func TestWhitelistedDomainsFeedTheSendRules(t *testing.T) {
	t.Parallel()
	s := New()
	mustGraph(t, s, "POST", "/me/messenger_profile", `{"whitelisted_domains":["https://shop.example.com"]}`)
	s.mu.RLock()
	ok := stateView{p: s.pages[DefaultPageID]}.WhitelistedDomain("shop.example.com")
	s.mu.RUnlock()
	if !ok {
		t.Fatal("a whitelisted domain is not seen by the Send API rules")
	}
	mustGraph(t, s, "DELETE", "/me/messenger_profile", `{"fields":["whitelisted_domains"]}`)
	s.mu.RLock()
	ok = stateView{p: s.pages[DefaultPageID]}.WhitelistedDomain("shop.example.com")
	s.mu.RUnlock()
	if ok {
		t.Fatal("a deleted whitelist is still seen by the Send API rules")
	}
}

func TestFormEncodedProfile(t *testing.T) {
	t.Parallel()
	s := New()
	body := "access_token=" + DefaultPageToken + "&get_started=" + `{"payload":"FORM"}`
	code, _, out := do(t, s, "POST", "/me/messenger_profile", "application/x-www-form-urlencoded", body)
	if code != 200 {
		t.Fatalf("form POST: %d %v", code, out)
	}
	if p, _ := s.GetStarted(DefaultPageID); p != "FORM" {
		t.Errorf("GetStarted = %q, want FORM", p)
	}
}

// A menu item's messenger extensions take the Page's stored whitelist, for
// the Page's menu and a user's; fallback_url without extensions is a
// warning, as on a button (PLATFORM.md §2.6).
func TestMenuExtensionsFollowTheStoredWhitelist(t *testing.T) {
	t.Parallel()
	s := New()
	code, out := graph(t, s, "POST", "/v26.0/me/messenger_profile", `{`+gs+`}`)
	require.Equal(t, 200, code, "%v", out)
	ext := menu(`[{"type":"web_url","title":"Shop","url":"https://shop.example.com/cart","messenger_extensions":true}]`)
	code, out = graph(t, s, "POST", "/v26.0/me/messenger_profile", `{`+ext+`}`)
	wantGraphError(t, code, out, extDomainBody)
	userMenu := `{"psid":"` + alice + `",` + ext + `}`
	code, out = graph(t, s, "POST", "/v26.0/me/custom_user_settings", userMenu)
	wantGraphError(t, code, out, extDomainBody)

	code, out = graph(t, s, "POST", "/v26.0/me/messenger_profile", `{"whitelisted_domains":["https://SHOP.example.com"]}`)
	require.Equal(t, 200, code, "%v", out)
	code, out = graph(t, s, "POST", "/v26.0/me/messenger_profile", `{`+ext+`}`)
	require.Equal(t, 200, code, "%v", out)
	code, out = graph(t, s, "POST", "/v26.0/me/custom_user_settings", userMenu)
	require.Equal(t, 200, code, "%v", out)
	// A list in the same request replaces the stored one.
	code, out = graph(t, s, "POST", "/v26.0/me/messenger_profile", `{"whitelisted_domains":["https://other.example.com"],`+ext+`}`)
	wantGraphError(t, code, out, extDomainBody)

	code, out = graph(t, s, "POST", "/v26.0/me/messenger_profile", `{`+menu(`[{"type":"web_url","title":"Shop","url":"https://shop.example.com","fallback_url":"https://shop.example.com/fb"}]`)+`}`)
	require.Equal(t, 200, code, "%v", out)
	vs := lastRequest(t, s).Violations
	require.Len(t, vs, 1)
	assert.Equal(t, "button.fallback_url.without-extensions", vs[0].Rule)
	assert.Equal(t, validator.SeverityWarning, vs[0].Severity)
}
