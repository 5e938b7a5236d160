package fakegraph

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestUserProfile(t *testing.T) {
	t.Parallel()
	s := New()
	if _, err := s.UpdateUser(DefaultPageID, carla, map[string]json.RawMessage{"gender": json.RawMessage(`""`)}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddUser(User{PSID: "8000000000000008", Name: "Phone Only", PhoneAccount: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddUser(User{PSID: "9000000000000009", Name: "Private Person", Private: true}); err != nil {
		t.Fatal(err)
	}
	noField := func(f string) map[string]any {
		return oauth100("(#100) Tried accessing nonexisting field (" + f + ") on node type (User)")
	}
	cases := []struct {
		name, path string
		want       map[string]any
		err        map[string]any
	}{
		{name: "every field", path: "/" + alice + "?fields=id,name,first_name,last_name,profile_pic,locale,timezone,gender",
			want: map[string]any{"id": alice, "name": "Alice Martin", "first_name": "Alice", "last_name": "Martin",
				"profile_pic": "https://platform-lookaside.fbsbx.com/platform/profilepic/?psid=" + alice, "locale": "en_US", "timezone": -7.0, "gender": "female"}},
		{name: "only the asked fields plus id", path: "/v26.0/" + alice + "?fields=first_name", want: map[string]any{"id": alice, "first_name": "Alice"}},
		{name: "timezone 0 is set", path: "/" + bob + "?fields=timezone", want: map[string]any{"id": bob, "timezone": 0.0}},
		{name: "unset fields are left out", path: "/" + carla + "?fields=first_name,gender", want: map[string]any{"id": carla, "first_name": "Carla"}},
		{name: "no fields", path: "/" + alice, want: map[string]any{"id": alice, "name": "Alice Martin"}},
		{name: "private user", path: "/9000000000000009?fields=first_name", want: map[string]any{}},
		{name: "unknown field", path: "/" + alice + "?fields=first_name,email", err: noField("email")},
		{name: "unknown field first", path: "/" + alice + "?fields=birthday,email", err: noField("birthday")},
		{name: "unknown PSID", path: "/" + nobody + "?fields=first_name", err: unsupportedBody("get", nobody)},
		{name: "phone-number account", path: "/8000000000000008?fields=first_name", err: errBody(100, 2018218, "OAuthException", "(#100) No profile available for this user.")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, out := graph(t, s, "GET", tc.path, "")
			if tc.err != nil {
				wantGraphError(t, code, out, tc.err)
				return
			}
			if code != 200 {
				t.Fatalf("want 200, got %d %v", code, out)
			}
			if diff := cmp.Diff(tc.want, out); diff != "" {
				t.Errorf("profile (-want +got):\n%s", diff)
			}
		})
	}
	// The control API changes what the User Profile API answers.
	if _, err := s.UpdateUser(DefaultPageID, alice, map[string]json.RawMessage{"first_name": json.RawMessage(`"Alicia"`)}); err != nil {
		t.Fatal(err)
	}
	out := mustGraph(t, s, "GET", "/"+alice+"?fields=first_name,name", "")
	if diff := cmp.Diff(map[string]any{"id": alice, "first_name": "Alicia", "name": "Alicia Martin"}, out); diff != "" {
		t.Errorf("after PATCH (-want +got):\n%s", diff)
	}
}

// TestOneIDSpace: GET and DELETE /{id} resolve whatever the id is.
func TestOneIDSpace(t *testing.T) {
	t.Parallel()
	s := New()
	userWrites(t, s, alice)
	thread, err := s.Thread(DefaultPageID, alice)
	if err != nil {
		t.Fatal(err)
	}
	mid := thread[0].MID
	persona := createPersona(t, s, "Ben")
	label := createLabel(t, s, `{"page_label_name":"vip"}`)
	for _, tc := range []struct {
		id, key, api string
	}{
		{alice, "name", "user_profile"}, {persona, "profile_picture_url", "personas"}, {label, "page_label_name", "labels"},
		{mid, "created_time", "node"}, {"me", "name", "node"}, {DefaultPageID, "name", "node"},
	} {
		out := mustGraph(t, s, "GET", "/"+tc.id, "")
		if ev := s.Journal().After(s.Journal().Last()-1, 0); len(ev) != 1 || ev[0].API != tc.api {
			t.Errorf("GET /%s journalled as %+v, want API %q", tc.id, ev, tc.api)
		}
		if _, ok := out[tc.key]; !ok || (out["id"] != tc.id && tc.id != "me") {
			t.Errorf("GET /%s = %v, want its %s and id", tc.id, out, tc.key)
		}
	}
	for _, tc := range []struct {
		method, id string
	}{
		{"GET", "1234567890123456"}, {"GET", "not-an-id"}, {"DELETE", "1234567890123456"},
		{"DELETE", alice}, {"DELETE", mid}, {"DELETE", "me"},
	} {
		code, out := graph(t, s, tc.method, "/"+tc.id, "")
		wantGraphError(t, code, out, unsupportedBody(strings.ToLower(tc.method), tc.id))
	}
	// Ids never collide across kinds.
	s.mu.Lock()
	p := s.pages[DefaultPageID]
	for i := 0; i < 200; i++ {
		id := s.newObjectID(p)
		if s.idTaken(p, id) {
			t.Fatalf("newObjectID handed out a taken id %s", id)
		}
	}
	s.mu.Unlock()
}

func TestCustomUserSettings(t *testing.T) {
	t.Parallel()
	s := New()
	userMenu := `"persistent_menu":[{"locale":"default","composer_input_disabled":false,"call_to_actions":[{"type":"postback","title":"Just for you","payload":"USER_MENU"}]}]`
	code, out := graph(t, s, "POST", "/me/custom_user_settings", `{"psid":"`+alice+`",`+userMenu+`}`)
	wantGraphError(t, code, out, errBody(100, 2018145, "OAuthException", "(#100) You must set a Get Started button if you also wish to use persistent menu."))
	mustGraph(t, s, "POST", "/me/messenger_profile", `{`+gs+`,`+menu(`[`+menuItem+`]`)+`}`)

	cases := []struct {
		name, method, path, body string
		want                     map[string]any
	}{
		{"unknown psid", "POST", "/me/custom_user_settings", `{"psid":"` + nobody + `",` + userMenu + `}`, noUserBody},
		{"no psid", "POST", "/me/custom_user_settings", `{` + userMenu + `}`, requiredBody("psid")},
		{"no menu", "POST", "/me/custom_user_settings", `{"psid":"` + alice + `"}`, requiredBody("persistent_menu")},
		{"menu rules apply", "POST", "/me/custom_user_settings", `{"psid":"` + alice + `",` + menu(repeatJSON(menuItem, 21)) + `}`, tooManyBody("persistent_menu[0][call_to_actions]")},
		{"GET without psid", "GET", "/me/custom_user_settings", "", requiredBody("psid")},
		{"GET unknown psid", "GET", "/me/custom_user_settings?psid=" + nobody, "", noUserBody},
		{"DELETE without params", "DELETE", "/me/custom_user_settings?psid=" + alice, "", requiredBody("params")},
		{"DELETE other params", "DELETE", "/me/custom_user_settings?psid=" + alice + `&params=["greeting"]`, "", oauth100(`(#100) Param params[0] must be one of {persistent_menu} - got "greeting".`)},
		{"DELETE unknown psid", "DELETE", "/me/custom_user_settings?psid=" + nobody + `&params=["persistent_menu"]`, "", noUserBody},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, out := graph(t, s, tc.method, tc.path, tc.body)
			wantGraphError(t, code, out, tc.want)
		})
	}

	pageMenu := []any{map[string]any{"locale": "default", "composer_input_disabled": false, "call_to_actions": []any{map[string]any{"type": "postback", "title": "Help", "payload": "HELP"}}}}
	out = mustGraph(t, s, "GET", "/me/custom_user_settings?psid="+alice, "")
	if diff := cmp.Diff(map[string]any{"data": []any{map[string]any{"page_level_persistent_menu": pageMenu}}}, out); diff != "" {
		t.Errorf("GET before set (-want +got):\n%s", diff)
	}
	mustGraph(t, s, "POST", "/me/custom_user_settings", `{"psid":"`+alice+`",`+userMenu+`}`)
	out = mustGraph(t, s, "GET", "/me/custom_user_settings?psid="+alice, "")
	data := out["data"].([]any)[0].(map[string]any)
	um := data["user_level_persistent_menu"].([]any)[0].(map[string]any)["call_to_actions"].([]any)[0].(map[string]any)
	if um["payload"] != "USER_MENU" || data["page_level_persistent_menu"] == nil {
		t.Errorf("GET after set = %v", out)
	}
	// The user's menu is over the Page's, for that user only.
	if m, _ := s.PersistentMenu(DefaultPageID, alice); len(m.CallToActions) != 1 || m.CallToActions[0].Payload != "USER_MENU" {
		t.Errorf("alice's menu = %+v", m)
	}
	if m, _ := s.PersistentMenu(DefaultPageID, bob); len(m.CallToActions) != 1 || m.CallToActions[0].Payload != "HELP" {
		t.Errorf("bob's menu = %+v", m)
	}
	mustGraph(t, s, "DELETE", "/me/custom_user_settings?psid="+alice+`&params=["persistent_menu"]`, "")
	if m, _ := s.PersistentMenu(DefaultPageID, alice); len(m.CallToActions) != 1 || m.CallToActions[0].Payload != "HELP" {
		t.Errorf("alice's menu after DELETE = %+v", m)
	}
}

func TestProfileRateLimits(t *testing.T) {
	t.Parallel()
	s := New(WithRateLimits(true))
	rate := errBody(613, 0, "OAuthException", "(#613) Calls to this api have exceeded the rate limit.")
	for i := 0; i < 10; i++ {
		mustGraph(t, s, "POST", "/me/messenger_profile", `{`+gs+`}`)
	}
	code, out := graph(t, s, "GET", "/me/messenger_profile?fields=get_started", "")
	wantGraphError(t, code, out, rate)
	// custom_user_settings counts per user.
	for i := 0; i < 10; i++ {
		mustGraph(t, s, "GET", "/me/custom_user_settings?psid="+alice, "")
	}
	code, out = graph(t, s, "GET", "/me/custom_user_settings?psid="+alice, "")
	wantGraphError(t, code, out, rate)
	mustGraph(t, s, "GET", "/me/custom_user_settings?psid="+bob, "")
	// Ten minutes later, the window has moved on.
	s.Advance(10*60*1e9 + 1e9)
	mustGraph(t, s, "GET", "/me/messenger_profile?fields=get_started", "")
}

func TestControlAPIReadsIdentityState(t *testing.T) {
	t.Parallel()
	s := New()
	mustGraph(t, s, "POST", "/me/messenger_profile", `{`+gs+`}`)
	persona := createPersona(t, s, "Ben")
	mustGraph(t, s, "DELETE", "/"+persona, "")
	label := createLabel(t, s, `{"page_label_name":"vip"}`)
	mustGraph(t, s, "POST", "/"+label+"/label?user="+alice, "")
	get := func(path string) map[string]any {
		req := httptest.NewRequest("GET", "/_messemu/v1/"+path, nil)
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			t.Fatalf("GET %s: %d %s", path, rec.Code, rec.Body.String())
		}
		var out map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
			t.Fatal(err)
		}
		return out
	}
	prof := get("profile")
	if diff := cmp.Diff(map[string]any{"get_started": map[string]any{"payload": "GET_STARTED"}}, prof["fields"]); diff != "" {
		t.Errorf("profile fields (-want +got):\n%s", diff)
	}
	ps := get("personas")["data"].([]any)
	if len(ps) != 1 || ps[0].(map[string]any)["deleted"] != true {
		t.Errorf("personas = %v", ps)
	}
	ls := get("labels")["data"].([]any)
	if len(ls) != 1 || cmp.Diff([]any{alice}, ls[0].(map[string]any)["users"]) != "" {
		t.Errorf("labels = %v", ls)
	}
	// PATCH users/{psid} flags a phone-number account, then a private user.
	for _, tc := range []struct {
		patch string
		code  int
		want  map[string]any
	}{
		{`{"phone_account":true}`, 400, errBody(100, 2018218, "OAuthException", "(#100) No profile available for this user.")},
		{`{"phone_account":false,"private":true}`, 200, map[string]any{}},
		{`{"private":false}`, 200, map[string]any{"id": bob, "first_name": "Bob"}},
	} {
		req := httptest.NewRequest("PATCH", "/_messemu/v1/users/"+bob, strings.NewReader(tc.patch))
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			t.Fatalf("PATCH %s: %d %s", tc.patch, rec.Code, rec.Body.String())
		}
		code, out := graph(t, s, "GET", "/"+bob+"?fields=first_name", "")
		if tc.code == 400 {
			wantGraphError(t, code, out, tc.want)
			continue
		}
		if diff := cmp.Diff(tc.want, out); code != 200 || diff != "" {
			t.Errorf("after PATCH %s: %d (-want +got):\n%s", tc.patch, code, diff)
		}
	}
	// Reset forgets it all.
	s.Reset()
	if ps, err := s.allPersonas(DefaultPageID); err != nil || len(ps) != 0 {
		t.Errorf("personas after reset: %v %v", ps, err)
	}
	if _, ok := s.GetStarted(DefaultPageID); ok {
		t.Error("get_started after reset")
	}
}
