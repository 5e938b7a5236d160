package fakegraph

import (
	"encoding/base64"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func createPersona(t *testing.T, s *Server, name string) string {
	t.Helper()
	out := mustGraph(t, s, "POST", "/me/personas", `{"name":"`+name+`","profile_picture_url":"https://www.example.com/`+name+`.png"}`)
	id, _ := out["id"].(string)
	if len(id) < 15 || len(id) > 16 || !isDigits(id) {
		t.Fatalf("persona id %q is not 15–16 digits", id)
	}
	return id
}

func TestPersonaCreateRules(t *testing.T) {
	t.Parallel()
	long := func(n int) string { return strings.Repeat("n", n) }
	pic := `"profile_picture_url":"https://www.example.com/p.png"`
	cases := []struct {
		name, body string
		want       map[string]any
	}{
		{"name 50", `{"name":"` + long(50) + `",` + pic + `}`, nil},
		{"name 50 code points", `{"name":"` + strings.Repeat("é", 50) + `",` + pic + `}`, nil},
		{"name 51", `{"name":"` + long(51) + `",` + pic + `}`, lengthBody("name", 50)},
		{"no name", `{` + pic + `}`, requiredBody("name")},
		{"empty name", `{"name":"",` + pic + `}`, stringBody("name")},
		{"name not text", `{"name":{"first":"Ben"},` + pic + `}`, stringBody("name")},
		{"no picture", `{"name":"Ben"}`, requiredBody("profile_picture_url")},
		{"relative picture", `{"name":"Ben","profile_picture_url":"/ben.png"}`, urlBody("profile_picture_url")},
		{"picture not a URL", `{"name":"Ben","profile_picture_url":"ben"}`, urlBody("profile_picture_url")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := New()
			code, out := graph(t, s, "POST", "/me/personas", tc.body)
			if tc.want == nil {
				if code != 200 || out["id"] == nil {
					t.Fatalf("want accepted, got %d %v", code, out)
				}
				return
			}
			wantGraphError(t, code, out, tc.want)
			if ps, err := s.Personas(DefaultPageID); err != nil || len(ps) != 0 {
				t.Errorf("a refused create stored a persona: %v %v", ps, err)
			}
		})
	}
}

func TestPersonaLifecycleAndSends(t *testing.T) {
	t.Parallel()
	s := New()
	userWrites(t, s, alice)
	id := createPersona(t, s, "Ben")
	out := mustGraph(t, s, "GET", "/v26.0/"+id, "")
	if diff := cmp.Diff(map[string]any{"id": id, "name": "Ben", "profile_picture_url": "https://www.example.com/Ben.png"}, out); diff != "" {
		t.Errorf("GET persona (-want +got):\n%s", diff)
	}
	out = mustGraph(t, s, "GET", "/"+id+"?fields=name", "")
	if diff := cmp.Diff(map[string]any{"id": id, "name": "Ben"}, out); diff != "" {
		t.Errorf("GET persona fields=name (-want +got):\n%s", diff)
	}
	code, out := graph(t, s, "GET", "/"+id+"?fields=email", "")
	wantGraphError(t, code, out, invalidBody)

	// A send with the live persona stores it on the message.
	send := `{"recipient":{"id":"` + alice + `"},"messaging_type":"RESPONSE","persona_id":"` + id + `","message":{"text":"Ben here"}}`
	out = mustGraph(t, s, "POST", "/me/messages", send)
	mid, _ := out["message_id"].(string)
	// Typing with a persona is allowed too.
	mustGraph(t, s, "POST", "/me/messages", `{"recipient":{"id":"`+alice+`"},"sender_action":"typing_on","persona_id":"`+id+`"}`)

	// Unknown persona: refused.
	code, out = graph(t, s, "POST", "/me/messages", strings.Replace(send, id, "1234567890123456", 1))
	wantGraphError(t, code, out, invalidBody)

	out = mustGraph(t, s, "DELETE", "/"+id, "")
	if diff := cmp.Diff(success, out); diff != "" {
		t.Errorf("DELETE (-want +got):\n%s", diff)
	}
	code, out = graph(t, s, "GET", "/"+id, "")
	wantGraphError(t, code, out, unsupportedBody("get", id))
	code, out = graph(t, s, "DELETE", "/"+id, "")
	wantGraphError(t, code, out, unsupportedBody("delete", id))
	// A later send with the deleted persona is refused ...
	code, out = graph(t, s, "POST", "/me/messages", send)
	wantGraphError(t, code, out, invalidBody)
	// ... and the message already sent keeps it (soft delete).
	thread, err := s.Thread(DefaultPageID, alice)
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, m := range thread {
		if m.MID == mid {
			found = true
			if m.PersonaID != id {
				t.Errorf("message persona = %q, want %q", m.PersonaID, id)
			}
		}
	}
	if !found {
		t.Fatalf("message %s not in the thread", mid)
	}
	p, ok := s.PersonaByID(DefaultPageID, id)
	if !ok || !p.Deleted || p.Name != "Ben" {
		t.Errorf("PersonaByID = %+v, %v; want the deleted Ben", p, ok)
	}
	if live, err := s.Personas(DefaultPageID); err != nil || len(live) != 0 {
		t.Errorf("Personas after delete = %v, %v", live, err)
	}
}

// TestPersonaPaging walks 30 personas by next, back by previous, and checks
// the cursors and URLs of PLATFORM.md §1.4.
func TestPersonaPaging(t *testing.T) {
	t.Parallel()
	s := New()
	var ids []string
	for i := 0; i < 30; i++ {
		ids = append(ids, createPersona(t, s, "P"+string(rune('A'+i%26))+strings.Repeat("x", i/26)))
	}
	first := mustGraph(t, s, "GET", "/v25.0/me/personas", "")
	data := first["data"].([]any)
	if len(data) != 25 {
		t.Fatalf("first page: %d items, want 25 (default limit)", len(data))
	}
	paging := first["paging"].(map[string]any)
	if _, ok := paging["previous"]; ok {
		t.Error("the first page has previous")
	}
	next, _ := paging["next"].(string)
	u, err := url.Parse(next)
	if err != nil || !u.IsAbs() {
		t.Fatalf("next %q is not an absolute URL", next)
	}
	q := u.Query()
	after := paging["cursors"].(map[string]any)["after"].(string)
	if u.Path != "/v25.0/"+DefaultPageID+"/personas" || q.Get("access_token") != DefaultPageToken || q.Get("limit") != "25" || q.Get("after") != after {
		t.Errorf("next %q does not carry the version, token, limit and cursor", next)
	}
	second := getURL(t, s, next)
	data2 := second["data"].([]any)
	if len(data2) != 5 {
		t.Fatalf("second page: %d items, want 5", len(data2))
	}
	paging2 := second["paging"].(map[string]any)
	if _, ok := paging2["next"]; ok {
		t.Error("the last page has next")
	}
	var got []string
	for _, d := range append(data, data2...) {
		got = append(got, d.(map[string]any)["id"].(string))
	}
	if diff := cmp.Diff(ids, got); diff != "" {
		t.Errorf("paged ids (-want +got):\n%s", diff)
	}
	// previous goes back to the first page.
	back := getURL(t, s, paging2["previous"].(string))
	if diff := cmp.Diff(data, back["data"]); diff != "" {
		t.Errorf("previous page (-want +got):\n%s", diff)
	}
	// Asked after the last cursor: nothing, and no paging.
	lastAfter := paging2["cursors"].(map[string]any)["after"].(string)
	out := mustGraph(t, s, "GET", "/me/personas?after="+lastAfter, "")
	if diff := cmp.Diff(map[string]any{"data": []any{}}, out); diff != "" {
		t.Errorf("after the last (-want +got):\n%s", diff)
	}
	// limit, and a cursor of a deleted persona stays good.
	out = mustGraph(t, s, "GET", "/me/personas?limit=10", "")
	if n := len(out["data"].([]any)); n != 10 {
		t.Errorf("limit=10: %d items", n)
	}
	c10 := out["paging"].(map[string]any)["cursors"].(map[string]any)["after"].(string)
	mustGraph(t, s, "DELETE", "/"+ids[9], "")
	out = mustGraph(t, s, "GET", "/me/personas?limit=2&after="+c10, "")
	if diff := cmp.Diff([]any{ids[10], ids[11]}, idsOf(out)); diff != "" {
		t.Errorf("after a deleted item's cursor (-want +got):\n%s", diff)
	}
	out = mustGraph(t, s, "GET", "/me/personas?limit=3&before="+c10, "")
	if diff := cmp.Diff([]any{ids[6], ids[7], ids[8]}, idsOf(out)); diff != "" {
		t.Errorf("before (-want +got):\n%s", diff)
	}
}

func idsOf(page map[string]any) []any {
	var out []any
	for _, d := range page["data"].([]any) {
		out = append(out, d.(map[string]any)["id"])
	}
	return out
}

func TestPagingErrors(t *testing.T) {
	t.Parallel()
	s := New()
	createPersona(t, s, "Ben")
	label := mustGraph(t, s, "POST", "/me/custom_labels", `{"page_label_name":"vip"}`)["id"].(string)
	mustGraph(t, s, "POST", "/"+label+"/label", `{"user":"`+alice+`"}`)
	labelCursor := mustGraph(t, s, "GET", "/me/custom_labels", "")["paging"].(map[string]any)["cursors"].(map[string]any)["after"].(string)
	personaCursor := mustGraph(t, s, "GET", "/me/personas", "")["paging"].(map[string]any)["cursors"].(map[string]any)["after"].(string)
	badCursor := oauth100("(#100) The After Cursor specified exceeds the max limit supported by this endpoint")
	cases := []struct {
		name, path string
		want       map[string]any
	}{
		{"not base64", "/me/personas?after=%21%21%21", badCursor},
		{"not ours", "/me/personas?after=bm90LWEtY3Vyc29y", badCursor},
		{"before not ours", "/me/personas?before=bm90LWEtY3Vyc29y", badCursor},
		{"another edge's cursor", "/me/personas?after=" + labelCursor, badCursor},
		{"page cursor on a user's labels", "/" + alice + "/custom_labels?after=" + labelCursor, badCursor},
		{"a place never issued", "/me/personas?after=" + cursorCodec{collection: "personas:" + DefaultPageID}.encode(2), badCursor},
		// Made by hand from an issued cursor's pattern, for a place that
		// exists: refused, as messemu did not issue it.
		{"made by hand", "/me/personas?after=" + base64.RawURLEncoding.EncodeToString([]byte("personas:"+DefaultPageID+":1")), badCursor},
		{"an issued cursor padded", "/me/personas?after=" + personaCursor + "%3D%3D", badCursor},
		{"limit 0", "/me/personas?limit=0", invalidBody},
		{"limit not a number", "/me/personas?limit=ten", invalidBody},
		{"limit negative", "/me/personas?limit=-1", invalidBody},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, out := graph(t, s, "GET", tc.path, "")
			wantGraphError(t, code, out, tc.want)
		})
	}
	// Both sides: the issued cursors work.
	mustGraph(t, s, "GET", "/me/personas?after="+personaCursor, "")
	mustGraph(t, s, "GET", "/me/custom_labels?after="+labelCursor, "")
	mustGraph(t, s, "GET", "/me/personas?limit=1", "")
	// A huge limit is one page of everything, after a cursor too.
	mustGraph(t, s, "GET", "/me/personas?limit=9223372036854775807&after="+personaCursor, "")
	mustGraph(t, s, "GET", "/me/personas?limit=9223372036854775807", "")
	// An empty limit is none, with a warning (D22), on every paged edge.
	for _, path := range []string{"/me/personas?limit=", "/me/custom_labels?limit=%20", "/" + alice + "/custom_labels?limit="} {
		mustGraph(t, s, "GET", path, "")
		if e := lastEvent(t, s); len(e.Violations) != 1 || e.Violations[0].Rule != ruleLimit.Name || e.Violations[0].Severity != "warning" {
			t.Errorf("GET %s: violations %+v, want one %s warning", path, e.Violations, ruleLimit.Name)
		}
	}
}
