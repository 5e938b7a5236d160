package fakegraph

import (
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/messemu/messemu/validator"
)

// TestUnknownTopLevelParamsWarnEverywhere: Graph ignores a top-level
// parameter a call does not take, and messemu accepts it with a warning
// (PLATFORM.md §1.3, D19) on every family that writes, as the Send API,
// the profile, personas, labels, uploads and handover do; a D22 "" on an
// optional field is absent with a warning.
func TestUnknownTopLevelParamsWarnEverywhere(t *testing.T) {
	t.Parallel()
	s := New()
	userWrites(t, s, alice)
	label := createLabel(t, s, `{"page_label_name":"vip"}`)
	spare := createLabel(t, s, `{"page_label_name":"spare"}`)
	persona, _ := mustGraph(t, s, "POST", "/me/personas", `{"name":"Sam","profile_picture_url":"https://example.com/sam.png"}`)["id"].(string)
	for _, tc := range []struct {
		method, path, body, rule, param string
	}{
		{"POST", "/" + label + "/label", `{"user":"` + alice + `","foo":1}`, "custom_label.user.unknown-parameter", "foo"},
		{"DELETE", "/" + label + "/label?user=" + alice + "&foo=1", "", "custom_label.user.unknown-parameter", "foo"},
		{"DELETE", "/" + spare + "?foo=1", "", "custom_label.delete.unknown-parameter", "foo"},
		{"DELETE", "/me/messenger_profile", `{"fields":["home_url"],"foo":1}`, "profile.delete.unknown-parameter", "foo"},
		{"POST", "/me/subscribed_apps?subscribed_fields=messages&foo=1", "", "subscribed_apps.unknown-parameter", "foo"},
		{"DELETE", "/me/subscribed_apps?foo=1", "", "subscribed_apps.unknown-parameter", "foo"},
		{"DELETE", "/me/custom_user_settings?psid=" + alice + "&params=" + url.QueryEscape(`["persistent_menu"]`) + "&foo=1", "", "custom_user_settings.delete.unknown-parameter", "foo"},
		{"DELETE", "/" + persona + "?foo=1", "", "persona.delete.unknown-parameter", "foo"},
		{"POST", "/me/take_thread_control", `{"recipient":{"id":"` + alice + `"},"metadata":""}`, "handover.metadata.null", "metadata"},
	} {
		code, out := graph(t, s, tc.method, tc.path, tc.body)
		if code != 200 {
			t.Errorf("%s %s: %d %v, want 200", tc.method, tc.path, code, out)
			continue
		}
		e := lastEvent(t, s)
		if !slices.ContainsFunc(e.Violations, func(v validator.Violation) bool {
			return v.Rule == tc.rule && v.Path == tc.param && v.Severity == validator.SeverityWarning
		}) {
			t.Errorf("%s %s: violations %+v, want a %s warning on %s", tc.method, tc.path, e.Violations, tc.rule, tc.param)
		}
	}
}

// TestGraphsOwnParamsAreNotCalledUnknown: Graph's own parameters
// (suppress_http_code, method, pretty, …) change an answer on the
// platform, which messemu does not emulate; the warning says that, not
// that Graph ignores them.
func TestGraphsOwnParamsAreNotCalledUnknown(t *testing.T) {
	t.Parallel()
	s := New()
	userWrites(t, s, alice)
	for _, path := range []string{"/me/messages?suppress_http_code=1", "/me/messenger_profile?pretty=1", "/me/custom_labels?method=post"} {
		body := `{"recipient":{"id":"` + alice + `"},"messaging_type":"RESPONSE","message":{"text":"hi"}}`
		switch {
		case strings.Contains(path, "messenger_profile"):
			body = `{"greeting":[{"locale":"default","text":"hey"}]}`
		case strings.Contains(path, "custom_labels"):
			body = `{"page_label_name":"vip"}`
		}
		code, out := graph(t, s, "POST", path, body)
		if code != 200 {
			t.Fatalf("POST %s: %d %v", path, code, out)
		}
		e := lastRequest(t, s)
		if len(e.Violations) == 0 || !strings.HasPrefix(e.Violations[0].Detail, "one of Graph's own parameters") {
			t.Errorf("POST %s: violations %+v", path, e.Violations)
		}
	}
}

// TestReadsWarnOfUnknownParams: a GET warns of a parameter its route does
// not take (a typo of fields, say), and of fields where messemu answers
// every field; the parameters it takes pass without one.
func TestReadsWarnOfUnknownParams(t *testing.T) {
	t.Parallel()
	s := New()
	userWrites(t, s, alice)
	label := createLabel(t, s, `{"page_label_name":"vip"}`)
	warned := func(e Event, param string) bool {
		return slices.ContainsFunc(e.Violations, func(v validator.Violation) bool {
			return v.Rule == "read.unknown-parameter" && v.Path == param && v.Severity == validator.SeverityWarning
		})
	}
	for _, tc := range []struct{ path, param string }{
		{"/me?feilds=name", "feilds"},
		{"/" + alice + "?account_linking_token=abc", "account_linking_token"},
		{"/" + alice + "?fields=first_name&foo=1", "foo"},
		{"/me/messenger_profile?fields=greeting&limit=5", "limit"},
		{"/me/custom_labels?fields=page_label_name&limit=2&foo=1", "foo"},
		{"/" + label + "?foo=1", "foo"},
		{"/me/thread_owner?recipient=" + alice + "&foo=1", "foo"},
		{"/me/insights?metric=page_messages_total_messaging_connections&foo=1", "foo"},
	} {
		code, out := graph(t, s, "GET", tc.path, "")
		if code != 200 {
			t.Errorf("GET %s: %d %v, want 200", tc.path, code, out)
			continue
		}
		if e := lastEvent(t, s); !warned(e, tc.param) {
			t.Errorf("GET %s: violations %+v, want a read.unknown-parameter warning on %s", tc.path, e.Violations, tc.param)
		}
	}
	// A real parameter messemu refuses as not emulated is not also called
	// unknown.
	code, out := graph(t, s, "GET", "/me/insights?metric=page_messages_total_messaging_connections&date_preset=today", "")
	wantGraphError(t, code, out, oauth100("(#100) The Messaging Insights parameter date_preset is not emulated by messemu"))
	if e := lastEvent(t, s); len(e.Violations) != 1 {
		t.Errorf("date_preset: violations %+v, want only the not-emulated refusal", e.Violations)
	}
	// fields where messemu answers every field is messemu's gap, under a
	// rule of its own.
	mustGraph(t, s, "GET", "/me/subscribed_apps?fields=subscribed_fields", "")
	if e := lastEvent(t, s); len(e.Violations) != 1 || e.Violations[0].Rule != "read.fields.not-emulated" {
		t.Errorf("GET subscribed_apps?fields=…: violations %+v, want one read.fields.not-emulated warning", e.Violations)
	}
	for _, path := range []string{
		"/me?fields=name", "/" + alice + "?fields=first_name,last_name", "/me/messenger_profile?fields=greeting",
		"/me/custom_labels?fields=page_label_name&limit=2", "/me/personas?fields=name&limit=1", "/me/thread_owner?recipient=" + alice,
		"/me/custom_user_settings?psid=" + alice, "/me/subscribed_apps",
	} {
		code, out := graph(t, s, "GET", path, "")
		if code != 200 {
			t.Errorf("GET %s: %d %v, want 200", path, code, out)
			continue
		}
		if e := lastEvent(t, s); len(e.Violations) != 0 {
			t.Errorf("GET %s: violations %+v, want none", path, e.Violations)
		}
	}
}
