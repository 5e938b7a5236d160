package fakegraph

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzIdentityRequest drives arbitrary methods, queries and bodies through
// the profile, personas, labels and user-profile routes. No input may
// answer anything but 200 or a Graph error, and none may hit an internal
// error (a recovered panic answers code 1).
func FuzzIdentityRequest(f *testing.F) {
	seeds := []struct{ method, path, query, body string }{
		{"POST", "/me/messenger_profile", "", `{"get_started":{"payload":"GO"},"persistent_menu":[{"locale":"default","call_to_actions":[{"type":"postback","title":"A","payload":"B"}]}]}`},
		{"POST", "/me/messenger_profile", "", `{"ice_breakers":[{"locale":"default","call_to_actions":[{"question":"Q","payload":"P"}]}],"greeting":[{"locale":"default","text":"hi"}]}`},
		{"POST", "/me/messenger_profile", "", `{"commands":[{"locale":"default","commands":[{"name":"a","description":"b"}]}],"whitelisted_domains":["https://a.example.com"]}`},
		{"GET", "/me/messenger_profile", "fields=get_started,greeting", ""},
		{"DELETE", "/me/messenger_profile", "fields[0]=greeting", ""},
		{"POST", "/me/custom_user_settings", "", `{"psid":"` + alice + `","persistent_menu":[{"locale":"default","composer_input_disabled":true}]}`},
		{"DELETE", "/me/custom_user_settings", `psid=` + alice + `&params=["persistent_menu"]`, ""},
		{"POST", "/me/personas", "", `{"name":"Ben","profile_picture_url":"https://x.example.com/b.png"}`},
		{"GET", "/me/personas", "limit=1&after=cGVyc29uYXM6MTA5ODc2NTQzMjEwOTg3OjE", ""},
		{"POST", "/me/custom_labels", "", `{"page_label_name":"vip"}`},
		{"GET", "/" + alice + "/custom_labels", "fields=name&before=x", ""},
		{"POST", "/1234567890123456/label", "user=" + alice, ""},
		{"GET", "/" + alice, "fields=first_name,timezone", ""},
		{"DELETE", "/1234567890123456", "", ""},
	}
	for _, s := range seeds {
		f.Add(s.method, s.path, s.query, s.body)
	}
	s := New(WithIDSeed(1), WithJournalLimit(1000))
	f.Fuzz(func(t *testing.T, method, path, query, body string) {
		switch method {
		case "GET", "POST", "DELETE":
		default:
			return
		}
		if !strings.HasPrefix(path, "/") || strings.HasPrefix(path, "/_messemu") || strings.ContainsAny(path, "?#") {
			return
		}
		req := httptest.NewRequest(method, "http://graph.test/", strings.NewReader(body))
		req.URL.Path, req.URL.RawPath = path, ""
		req.URL.RawQuery = query + "&access_token=" + DefaultPageToken
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		if rec.Code != 200 && rec.Code != 400 {
			t.Fatalf("status %d for %s %q ?%q %q", rec.Code, method, path, query, body)
		}
		var out any
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
			t.Fatalf("answer is not JSON: %q", rec.Body.String())
		}
		if rec.Code == 400 {
			e, _ := out.(map[string]any)["error"].(map[string]any)
			if e == nil || e["code"] == nil || e["message"] == "" {
				t.Fatalf("refusal is not a Graph error: %s", rec.Body.String())
			}
			if code, _ := e["code"].(float64); code == 1 {
				t.Fatalf("internal error for %s %q ?%q %q: %s", method, path, query, body, rec.Body.String())
			}
		}
	})
}
