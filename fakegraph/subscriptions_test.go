package fakegraph

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var testAppToken = DefaultAppID + "|" + DefaultAppSecret

func TestSubscribedApps(t *testing.T) {
	t.Parallel()
	s := newTestServer(t)
	if d := cmp.Diff(sentFields, s.SubscribedFields(DefaultPageID)); d != "" {
		t.Fatalf("default subscription (-want +got):\n%s", d)
	}
	allFields := strings.Join(append(append([]string(nil), sentFields...), storedOnlyFields...), ", ")
	tests := []struct {
		name    string
		fields  string // "" sends none
		message string // "" accepts
		want    []string
		warn    bool
	}{
		{"two fields", "messages,messaging_postbacks", "", []string{"messages", "messaging_postbacks"}, false},
		{"spaces and repeats", "messages, messages ,standby", "", []string{"messages", "standby"}, false},
		{"stored only", "messages,messaging_seen", "", []string{"messages", "messaging_seen"}, true},
		{"json array", `["message_reads"]`, "", []string{"message_reads"}, false},
		{"unknown", "messages,feed", `(#100) Param subscribed_fields[1] must be one of {` + allFields + `} - got "feed".`, nil, false},
		{"none", "", "(#100) The parameter subscribed_fields is required", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newTestServer(t)
			form := url.Values{"access_token": {DefaultPageToken}}
			if tt.fields != "" {
				form.Set("subscribed_fields", tt.fields)
			}
			res := apiForm(t, s, "POST", "/v26.0/"+DefaultPageID+"/subscribed_apps", form)
			if tt.message != "" {
				wantError(t, res, 100, 0, tt.message)
				if d := cmp.Diff(sentFields, s.SubscribedFields(DefaultPageID)); d != "" {
					t.Fatalf("a refused call changed the subscription (-want +got):\n%s", d)
				}
				return
			}
			wantOK(t, res, map[string]any{"success": true})
			if d := cmp.Diff(tt.want, s.SubscribedFields(DefaultPageID)); d != "" {
				t.Fatalf("fields (-want +got):\n%s", d)
			}
			if got := len(lastEvent(t, s).Violations) > 0; got != tt.warn {
				t.Fatalf("warning recorded: %v, want %v", got, tt.warn)
			}
		})
	}
	// GET shows the app; DELETE unsubscribes; GET then shows nothing.
	res := apiJSON(t, s, "GET", "/me/subscribed_apps", nil)
	wantOK(t, res, nil)
	data, _ := res.body["data"].([]any)
	if len(data) != 1 || data[0].(map[string]any)["id"] != DefaultAppID {
		t.Fatalf("GET subscribed_apps: %s", res.raw)
	}
	wantOK(t, apiJSON(t, s, "DELETE", "/me/subscribed_apps", nil), map[string]any{"success": true})
	if got := s.SubscribedFields(DefaultPageID); got != nil {
		t.Fatalf("after DELETE: %v", got)
	}
	wantOK(t, apiJSON(t, s, "GET", "/me/subscribed_apps", nil), map[string]any{"data": []any{}})
	// Subscribing again, and Unsubscribe from Go.
	wantOK(t, apiJSON(t, s, "POST", "/me/subscribed_apps", map[string]any{"subscribed_fields": []string{"messages"}}), nil)
	s.Unsubscribe(DefaultPageID)
	if got := s.SubscribedFields(DefaultPageID); got != nil {
		t.Fatalf("after Unsubscribe: %v", got)
	}
}

func TestAppSubscriptions(t *testing.T) {
	t.Parallel()
	s := newTestServer(t)
	path := "/v26.0/" + DefaultAppID + "/subscriptions?access_token=" + url.QueryEscape(testAppToken)
	wantOK(t, apiJSON(t, s, "GET", path, nil), map[string]any{"data": []any{}})
	res := apiJSON(t, s, "POST", path, map[string]any{"object": "page", "callback_url": "https://bot.example/webhook",
		"fields": "messages,messaging_postbacks", "verify_token": "x"})
	wantOK(t, res, map[string]any{"success": true})
	wantOK(t, apiJSON(t, s, "GET", path, nil), map[string]any{"data": []any{map[string]any{
		"object": "page", "callback_url": "https://bot.example/webhook", "active": true,
		"fields": []any{map[string]any{"name": "messages", "version": "v26.0"}, map[string]any{"name": "messaging_postbacks", "version": "v26.0"}},
	}}})
	for _, tt := range []struct {
		body    map[string]any
		message string
	}{
		{map[string]any{"callback_url": "https://bot.example/"}, "(#100) The parameter object is required"},
		{map[string]any{"object": "user", "callback_url": "https://bot.example/"}, "(#100) Webhooks for object user is not emulated by messemu"},
		{map[string]any{"object": "page"}, "(#100) The parameter callback_url is required"},
		{map[string]any{"object": "page", "callback_url": "bot.example/hook"}, "(#100) callback_url should represent a valid URL"},
	} {
		wantError(t, apiJSON(t, s, "POST", path, tt.body), 100, 0, tt.message)
	}
	other := "/1234567890123456/subscriptions?access_token=" + url.QueryEscape(testAppToken)
	wantError(t, apiJSON(t, s, "GET", other, nil), 100, 33,
		"Unsupported get request. Object with ID '1234567890123456' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api",
		"GraphMethodException")
	// The app token does not act for a Page.
	wantError(t, apiJSON(t, s, "POST", "/me/messages?access_token="+url.QueryEscape(testAppToken), sendBody(alice, map[string]any{"text": "x"})), 100, 33,
		"Unsupported post request. Object with ID 'me' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api",
		"GraphMethodException")
	// A wrong proof on the app token is refused like any.
	wantError(t, apiJSON(t, s, "GET", path+"&appsecret_proof=00", nil), 100, 0, "Invalid appsecret_proof provided in the API argument", "GraphMethodException")
	// A Page token is served, with a warning.
	wantOK(t, apiJSON(t, s, "GET", "/"+DefaultAppID+"/subscriptions", nil), nil)
	if v := lastEvent(t, s).Violations; len(v) != 1 || v[0].Rule != ruleAppToken.Name {
		t.Fatalf("violations %+v", v)
	}
}

func TestDebugToken(t *testing.T) {
	t.Parallel()
	s := newTestServer(t)
	expiring := Page{ID: "209876543210987", Name: "Other", Token: "EAAOtherPageToken"}
	s2 := newTestServer(t, WithPage(Page{ID: DefaultPageID, Name: DefaultPageName, Token: DefaultPageToken}), WithPage(expiring))
	res := apiJSON(t, s, "GET", "/v26.0/debug_token?input_token="+DefaultPageToken+"&access_token="+url.QueryEscape(testAppToken), nil)
	wantOK(t, res, nil)
	d, _ := res.body["data"].(map[string]any)
	if d["is_valid"] != true || d["type"] != "PAGE" || d["profile_id"] != DefaultPageID || d["app_id"] != DefaultAppID || d["expires_at"] != float64(0) {
		t.Fatalf("debug_token: %s", res.raw)
	}
	if sc, _ := d["scopes"].([]any); len(sc) == 0 || sc[0] != "pages_messaging" {
		t.Fatalf("scopes: %v", d["scopes"])
	}
	// A Page token may ask too; a bad input token is answered, not refused.
	res = apiJSON(t, s, "GET", "/debug_token?input_token=EAAnonsense", nil)
	wantOK(t, res, map[string]any{"data": map[string]any{"is_valid": false, "scopes": []any{},
		"error": map[string]any{"code": float64(190), "message": "Invalid OAuth access token - Cannot parse access token"}}})
	res = apiJSON(t, s, "GET", "/debug_token?input_token="+url.QueryEscape(testAppToken), nil)
	wantOK(t, res, map[string]any{"data": map[string]any{"is_valid": true, "scopes": []any{}, "app_id": DefaultAppID, "type": "APP", "application": appDisplayName}})
	wantError(t, apiJSON(t, s, "GET", "/debug_token", nil), 100, 0, "(#100) The parameter input_token is required")
	// An expired token.
	if !s2.ExpireToken(expiring.Token, testStart.Add(time.Hour)) {
		t.Fatal("ExpireToken: no such token")
	}
	s2.Clock().Advance(2 * time.Hour)
	res = apiJSON(t, s2, "GET", "/debug_token?input_token="+expiring.Token, nil)
	d, _ = res.body["data"].(map[string]any)
	e, _ := d["error"].(map[string]any)
	if d["is_valid"] != false || e["code"] != float64(190) || e["subcode"] != float64(463) {
		t.Fatalf("expired token: %s", res.raw)
	}
}

func TestFeatureReview(t *testing.T) {
	t.Parallel()
	s := newTestServer(t)
	wantOK(t, apiJSON(t, s, "GET", "/me/messaging_feature_review", nil), map[string]any{"data": []any{}})
	news := newTestServer(t, WithPage(Page{ID: DefaultPageID, Name: DefaultPageName, Token: DefaultPageToken, News: true}))
	wantOK(t, apiJSON(t, news, "GET", "/v26.0/me/messaging_feature_review", nil), map[string]any{"data": []any{
		map[string]any{"feature": "subscription_messaging", "status": "approved"}}})
	// Anything else keeps the unknown-path error.
	wantError(t, apiJSON(t, s, "GET", "/me/messaging_feature_reviews", nil), 2500, 0, "Unknown path components: /messaging_feature_reviews")
}
