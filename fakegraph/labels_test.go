package fakegraph

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func createLabel(t *testing.T, s *Server, body string) string {
	t.Helper()
	id, _ := mustGraph(t, s, "POST", "/me/custom_labels", body)["id"].(string)
	if len(id) < 15 || !isDigits(id) {
		t.Fatalf("label id %q is not 15–16 digits", id)
	}
	return id
}

func TestLabelCreateRules(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, body string
		want       map[string]any
	}{
		{"page_label_name", `{"page_label_name":"vip"}`, nil},
		{"legacy name", `{"name":"vip"}`, nil},
		{"long name (no limit, D2)", `{"page_label_name":"` + strings.Repeat("v", 5000) + `"}`, nil},
		{"no name", `{}`, requiredBody("page_label_name")},
		{"empty page_label_name", `{"page_label_name":""}`, stringBody("page_label_name")},
		{"empty legacy name", `{"name":""}`, stringBody("name")},
		{"name not text", `{"page_label_name":["vip"]}`, stringBody("page_label_name")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := New()
			code, out := graph(t, s, "POST", "/me/custom_labels", tc.body)
			if tc.want == nil {
				if code != 200 || out["id"] == nil {
					t.Fatalf("want accepted, got %d %v", code, out)
				}
				return
			}
			wantGraphError(t, code, out, tc.want)
		})
	}
}

func TestLabelLifecycle(t *testing.T) {
	t.Parallel()
	s := New()
	vip := createLabel(t, s, `{"name":"vip"}`)
	gold := createLabel(t, s, `{"page_label_name":"gold"}`)
	dup := createLabel(t, s, `{"page_label_name":"gold"}`) // duplicates allowed (D2)

	for _, tc := range []struct {
		path string
		want map[string]any
	}{
		{"/" + vip, map[string]any{"id": vip, "page_label_name": "vip"}},
		{"/" + vip + "?fields=name", map[string]any{"id": vip, "name": "vip"}},
		{"/" + gold + "?fields=page_label_name,id", map[string]any{"id": gold, "page_label_name": "gold"}},
	} {
		if diff := cmp.Diff(tc.want, mustGraph(t, s, "GET", tc.path, "")); diff != "" {
			t.Errorf("GET %s (-want +got):\n%s", tc.path, diff)
		}
	}
	list := mustGraph(t, s, "GET", "/me/custom_labels?fields=page_label_name", "")
	want := []any{
		map[string]any{"id": vip, "page_label_name": "vip"},
		map[string]any{"id": gold, "page_label_name": "gold"},
		map[string]any{"id": dup, "page_label_name": "gold"},
	}
	if diff := cmp.Diff(want, list["data"]); diff != "" {
		t.Errorf("list (-want +got):\n%s", diff)
	}

	seq := s.Journal().Last()
	// The user as a query param, in a JSON body, and in a form body.
	mustGraph(t, s, "POST", "/"+vip+"/label?user="+alice, "")
	mustGraph(t, s, "POST", "/v26.0/"+gold+"/label", `{"user":"`+alice+`"}`)
	if code, _, out := do(t, s, "POST", "/"+vip+"/label", "application/x-www-form-urlencoded", "access_token="+DefaultPageToken+"&user="+bob); code != 200 {
		t.Fatalf("form label: %d %v", code, out)
	}
	mine := mustGraph(t, s, "GET", "/"+alice+"/custom_labels?fields=name", "")
	if diff := cmp.Diff([]any{map[string]any{"id": vip, "name": "vip"}, map[string]any{"id": gold, "name": "gold"}}, mine["data"]); diff != "" {
		t.Errorf("alice's labels (-want +got):\n%s", diff)
	}
	out := mustGraph(t, s, "DELETE", "/"+gold+"/label?user="+alice, "")
	if diff := cmp.Diff(success, out); diff != "" {
		t.Errorf("dissociate (-want +got):\n%s", diff)
	}
	if got := idsOf(mustGraph(t, s, "GET", "/"+alice+"/custom_labels", "")); cmp.Diff([]any{vip}, got) != "" {
		t.Errorf("alice's labels after dissociate = %v", got)
	}
	if got := idsOf(mustGraph(t, s, "GET", "/"+carla+"/custom_labels", "")); len(got) != 0 {
		t.Errorf("carla has labels %v", got)
	}

	// Each change fired inbox_labels (PLATFORM.md §6, §10).
	var changes []string
	for _, e := range s.Journal().After(seq, 0) {
		if e.API != FieldInboxLabels {
			continue
		}
		var d struct {
			Field  string          `json:"field"`
			Change json.RawMessage `json:"change"`
		}
		if err := json.Unmarshal(e.Detail, &d); err != nil {
			t.Fatal(err)
		}
		if e.Kind != KindLabel || d.Field != "inbox_labels" || e.PSID == "" {
			t.Errorf("inbox_labels event %+v", e)
		}
		changes = append(changes, string(d.Change))
	}
	wantChanges := []string{
		`{"user":{"id":"` + alice + `"},"action":"add","label":{"id":"` + vip + `","page_label_name":"vip"}}`,
		`{"user":{"id":"` + alice + `"},"action":"add","label":{"id":"` + gold + `","page_label_name":"gold"}}`,
		`{"user":{"id":"` + bob + `"},"action":"add","label":{"id":"` + vip + `","page_label_name":"vip"}}`,
		`{"user":{"id":"` + alice + `"},"action":"remove","label":{"id":"` + gold + `","page_label_name":"gold"}}`,
	}
	if diff := cmp.Diff(wantChanges, changes); diff != "" {
		t.Errorf("inbox_labels changes (-want +got):\n%s", diff)
	}

	// Delete: gone from the list, from users, and from the id space.
	mustGraph(t, s, "DELETE", "/"+vip, "")
	code, out := graph(t, s, "GET", "/"+vip, "")
	wantGraphError(t, code, out, unsupportedBody("get", vip))
	code, out = graph(t, s, "DELETE", "/"+vip, "")
	wantGraphError(t, code, out, unsupportedBody("delete", vip))
	code, out = graph(t, s, "POST", "/"+vip+"/label?user="+alice, "")
	wantGraphError(t, code, out, unsupportedBody("post", vip))
	if got := idsOf(mustGraph(t, s, "GET", "/"+alice+"/custom_labels", "")); len(got) != 0 {
		t.Errorf("alice keeps deleted labels: %v", got)
	}
	labels, err := s.Labels(DefaultPageID)
	if err != nil {
		t.Fatal(err)
	}
	if len(labels) != 2 || labels[0].ID != gold || labels[1].ID != dup {
		t.Errorf("Labels = %+v", labels)
	}
}

func TestLabelErrors(t *testing.T) {
	t.Parallel()
	s := New()
	vip := createLabel(t, s, `{"page_label_name":"vip"}`)
	cases := []struct {
		name, method, path, body string
		want                     map[string]any
	}{
		{"unknown user", "POST", "/" + vip + "/label?user=" + nobody, "", noUserBody},
		{"unknown user on delete", "DELETE", "/" + vip + "/label?user=" + nobody, "", noUserBody},
		{"not a PSID", "POST", "/" + vip + "/label", `{"user":"alice"}`, noUserBody},
		{"no user", "POST", "/" + vip + "/label", "", requiredBody("user")},
		{"user as an object", "POST", "/" + vip + "/label", `{"user":{"id":"` + alice + `"}}`, stringBody("user")},
		{"unknown label", "POST", "/1234567890123456/label?user=" + alice, "", unsupportedBody("post", "1234567890123456")},
		{"a user is not a label", "POST", "/" + bob + "/label?user=" + alice, "", unsupportedBody("post", bob)},
		{"unknown user's labels", "GET", "/" + nobody + "/custom_labels", "", unsupportedBody("get", nobody)},
		{"unknown field (D25)", "GET", "/me/custom_labels?fields=colour", "", oauth100("(#100) Tried accessing nonexisting field (colour) on node type (PageUserMessageThreadLabel)")},
		{"another Page's labels", "POST", "/123456789012345/custom_labels", `{"name":"x"}`, unsupportedBody("post", "123456789012345")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, out := graph(t, s, tc.method, tc.path, tc.body)
			wantGraphError(t, code, out, tc.want)
		})
	}
	if ls, err := s.UserLabels(DefaultPageID, alice); err != nil || len(ls) != 0 {
		t.Errorf("refused calls labelled alice: %v %v", ls, err)
	}
}

// TestAnswerKeyOrder: nodes answer the asked fields in order, then id;
// profile settings in the documentation's order (some clients compare the
// JSON text).
func TestAnswerKeyOrder(t *testing.T) {
	t.Parallel()
	s := New()
	raw := func(method, path, body string) string {
		t.Helper()
		req := httptest.NewRequest(method, path+"&access_token="+DefaultPageToken, strings.NewReader(body))
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		if rec.Code != 200 {
			t.Fatalf("%s %s: %d %s", method, path, rec.Code, rec.Body.String())
		}
		return rec.Body.String()
	}
	vip := createLabel(t, s, `{"name":"vip"}`)
	persona := createPersona(t, s, "Ben")
	raw("POST", "/me/messenger_profile?x=1", `{"ice_breakers":[{"payload":"HOURS","question":"Hours?"}],"greeting":[{"text":"Hi","locale":"default"}]}`)
	for _, tc := range []struct{ method, path, want string }{
		{"GET", "/" + vip + "?fields=name", `{"name":"vip","id":"` + vip + `"}`},
		{"GET", "/" + vip + "?fields=id,page_label_name,name", `{"page_label_name":"vip","name":"vip","id":"` + vip + `"}`},
		{"GET", "/me/custom_labels?fields=name", `{"data":[{"name":"vip","id":"` + vip + `"}]`},
		{"GET", "/" + persona + "?x=1", `{"name":"Ben","profile_picture_url":"https://www.example.com/Ben.png","id":"` + persona + `"}`},
		{"GET", "/" + alice + "?fields=last_name,first_name,timezone", `{"last_name":"Martin","first_name":"Alice","timezone":-7,"id":"` + alice + `"}`},
		{"GET", "/me/messenger_profile?fields=ice_breakers,greeting", `{"data":[{"greeting":[{"locale":"default","text":"Hi"}],"ice_breakers":[{"question":"Hours?","payload":"HOURS"}]}]}`},
	} {
		if got := raw(tc.method, tc.path, ""); !strings.HasPrefix(got, tc.want) {
			t.Errorf("%s %s = %s, want %s…", tc.method, tc.path, got, tc.want)
		}
	}
}

// TestLabelChangesReachTheBot: labelling a user through the Graph API
// delivers an inbox_labels change to the bot's webhook (PLATFORM.md §6, §10).
func TestLabelChangesReachTheBot(t *testing.T) {
	t.Parallel()
	s := New()
	t.Cleanup(func() { s.Close() })
	bot := newHookBot(t)
	if err := s.SetWebhook(WebhookConfig{URL: bot.URL()}); err != nil {
		t.Fatal(err)
	}
	vip := createLabel(t, s, `{"page_label_name":"vip"}`)
	mustGraph(t, s, "POST", "/"+vip+"/label", `{"user":"`+alice+`"}`)
	mustGraph(t, s, "DELETE", "/"+vip+"/label?user="+alice, "")
	for _, action := range []string{"add", "remove"} {
		var got struct {
			Object string `json:"object"`
			Entry  []struct {
				ID      string `json:"id"`
				Changes []struct {
					Field string          `json:"field"`
					Value json.RawMessage `json:"value"`
				} `json:"changes"`
			} `json:"entry"`
		}
		body := bot.next(t)
		if err := json.Unmarshal(body, &got); err != nil {
			t.Fatalf("%v: %s", err, body)
		}
		if got.Object != "page" || len(got.Entry) != 1 || got.Entry[0].ID != DefaultPageID || len(got.Entry[0].Changes) != 1 {
			t.Fatalf("webhook body %s", body)
		}
		ch := got.Entry[0].Changes[0]
		want := `{"user":{"id":"` + alice + `"},"action":"` + action + `","label":{"id":"` + vip + `","page_label_name":"vip"}}`
		if ch.Field != "inbox_labels" || !jsonEqual(t, want, string(ch.Value)) {
			t.Errorf("change %s %s, want inbox_labels %s", ch.Field, ch.Value, want)
		}
	}
}

// jsonEqual compares two JSON texts as values.
func jsonEqual(t *testing.T, a, b string) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal([]byte(a), &x); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(b), &y); err != nil {
		t.Fatal(err)
	}
	return cmp.Equal(x, y)
}
