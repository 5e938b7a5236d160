package fakegraph

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Regressions from a review of the emulator against PLATFORM.md: each case
// is a request the emulator once answered wrongly.
func TestRequestEdgeCases(t *testing.T) {
	t.Parallel()
	tok := "?access_token=" + DefaultPageToken
	receipt := func(quantity string) string {
		return `{"recipient":{"id":"` + alice + `"},"messaging_type":"RESPONSE","message":{"attachment":{"type":"template","payload":{"template_type":"receipt","recipient_name":"a","order_number":"o1","currency":"USD","payment_method":"Visa","summary":{"total_cost":1.5},"elements":[{"title":"t","price":1,"quantity":` + quantity + `}]}}}}`
	}
	media := func(url string) string {
		return `{"recipient":{"id":"` + alice + `"},"messaging_type":"RESPONSE","message":{"attachment":{"type":"template","payload":{"template_type":"media","elements":[{"media_type":"image","url":"` + url + `"}]}}}}`
	}
	cases := []struct {
		name, target, body string
		want               map[string]any // nil: accepted
	}{
		{"NaN is no quantity", "/me/messages" + tok, receipt(`"NaN"`),
			errBody(100, 0, "OAuthException", "(#100) Invalid parameter")},
		{"Inf is no quantity", "/me/messages" + tok, receipt(`"Inf"`),
			errBody(100, 0, "OAuthException", "(#100) Invalid parameter")},
		{"a numeric string is a quantity", "/me/messages" + tok, receipt(`"2"`), nil},
		{"a backslash ends the host", "/me/messages" + tok, media(`https://evil.com\\\\@facebook.com/x`),
			errBody(100, 2018185, "OAuthException", "(#100) Only Facebook URLs are supported for media template")},
		{"null beside a real recipient", "/me/messages" + tok,
			`{"recipient":{"id":"` + alice + `","user_ref":null},"messaging_type":"RESPONSE","message":{"text":"x"}}`, nil},
		{"unknown key in an upload's message", "/me/message_attachments" + tok,
			`{"message":{"foo":1,"attachment":{"type":"image","payload":{"url":"https://a.b/c.png","is_reusable":true}}}}`,
			errBody(100, 0, "OAuthException", `(#100) Invalid keys "foo" were found in param "message".`)},
		{"unknown key in an upload's payload", "/me/message_attachments" + tok,
			`{"message":{"attachment":{"type":"image","payload":{"url":"https://a.b/c.png","is_reusable":true,"foo":1}}}}`,
			errBody(100, 0, "OAuthException", `(#100) Invalid keys "foo" were found in param "message[attachment][payload]".`)},
		{"invalid UTF-8 inside a template", "/me/messages" + tok,
			`{"recipient":{"id":"` + alice + `"},"message":{"attachment":{"type":"template","payload":{"template_type":"generic","elements":[{"title":"` + "\xff" + `","subtitle":"s"}]}}}}`,
			errBody(100, 0, "OAuthException", "(#100) Param name_placeholder[elements][0][title] must be a non-empty UTF-8 encoded string")},
		{"handover metadata that is no text", "/me/take_thread_control" + tok,
			`{"recipient":{"id":"` + alice + `"},"metadata":{"a":1}}`,
			errBody(100, 0, "OAuthException", "(#100) Param metadata must be a non-empty UTF-8 encoded string")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := New()
			userWrites(t, s, alice)
			code, _, body := do(t, s, "POST", tc.target, "application/json", tc.body)
			if tc.want == nil {
				if code != 200 {
					t.Errorf("refused: %v", body)
				}
				return
			}
			if code != 400 {
				t.Fatalf("accepted: %v", body)
			}
			if diff := cmp.Diff(tc.want, graphError(t, body)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// A multipart send is judged recipient first, then the window, then the
// file (PLATFORM.md §2: the first error wins in that order).
func TestMultipartSendOrder(t *testing.T) {
	t.Parallel()
	send := func(s *Server, recipient, contentType string) map[string]any {
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		for k, v := range map[string]string{"recipient": `{"id":"` + recipient + `"}`, "message": `{"attachment":{"type":"image","payload":{}}}`} {
			if err := mw.WriteField(k, v); err != nil {
				t.Fatal(err)
			}
		}
		fw, err := mw.CreatePart(map[string][]string{
			"Content-Disposition": {`form-data; name="filedata"; filename="a.txt"`},
			"Content-Type":        {contentType},
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fw.Write([]byte("not a picture")); err != nil {
			t.Fatal(err)
		}
		if err := mw.Close(); err != nil {
			t.Fatal(err)
		}
		req := httptest.NewRequest("POST", "/me/messages?access_token="+DefaultPageToken, &b)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		var body map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
			t.Fatal(err)
		}
		return body
	}
	s := New()
	userWrites(t, s, alice)
	for _, tc := range []struct {
		name, recipient, ctype string
		code, sub              float64
	}{
		{"unknown user before the file", "5275811702471830", "text/plain", 100, 2018001},
		{"closed window before the file", "6283749102837465", "text/plain", 10, 2018278},
		{"then the file", alice, "text/plain", 100, 2018047},
	} {
		e := graphError(t, send(s, tc.recipient, tc.ctype))
		if e["code"] != tc.code || (tc.sub != 0 && e["error_subcode"] != tc.sub) {
			t.Errorf("%s: %v, want %v/%v", tc.name, e, tc.code, tc.sub)
		}
	}
	if !strings.Contains(string(send(s, alice, "image/png")["message_id"].(string)), "m_") {
		t.Error("a good multipart send was refused")
	}
}

// Paging links inside a batch item name the host the bot called
// (PLATFORM.md §1.4: absolute URLs), and unknown Page fields are warnings.
func TestBatchPagingLinksAndPageFields(t *testing.T) {
	t.Parallel()
	s := New()
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	post := func(path, body string) map[string]any {
		t.Helper()
		resp, err := srv.Client().Post(srv.URL+path+"?access_token="+DefaultPageToken, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
			t.Fatal(err)
		}
		return out
	}
	for _, name := range []string{"Ann", "Ben"} {
		if out := post("/me/personas", `{"name":"`+name+`","profile_picture_url":"https://example.com/p.png"}`); out["id"] == nil {
			t.Fatalf("persona: %v", out)
		}
	}
	resp, err := srv.Client().Post(srv.URL+"/", "application/x-www-form-urlencoded",
		strings.NewReader("access_token="+DefaultPageToken+`&batch=[{"method":"GET","relative_url":"me/personas?limit=1"}]`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var items []struct{ Body string }
	if err := json.NewDecoder(resp.Body).Decode(&items); err != nil || len(items) != 1 {
		t.Fatalf("batch answer: %v %v", items, err)
	}
	var page struct {
		Paging struct{ Next string }
	}
	if err := json.Unmarshal([]byte(items[0].Body), &page); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(page.Paging.Next, srv.URL+"/v26.0/") {
		t.Errorf("next %q does not start with %s/v26.0/", page.Paging.Next, srv.URL)
	}
	_, _, me := do(t, s, "GET", "/me?fields=name,picture&access_token="+DefaultPageToken, "", "")
	if me["id"] != DefaultPageID {
		t.Errorf("GET /me?fields=name,picture: %v", me)
	}
	evs := s.Journal().After(0, 0)
	last := evs[len(evs)-1]
	if !last.Accepted || len(last.Violations) != 1 || last.Violations[0].Rule != "page.fields.not-emulated" {
		t.Errorf("an unknown Page field is not a journalled warning: %+v", last)
	}
}

// A JSON body may carry objects as JSON text, as a form does.
func TestJSONTextValuesInAJSONBody(t *testing.T) {
	t.Parallel()
	s := New()
	userWrites(t, s, alice)
	body := `{"recipient":"{\"id\":\"` + alice + `\"}","messaging_type":"RESPONSE","message":"{\"text\":\"hi\"}"}`
	if code, _, out := do(t, s, "POST", "/me/messages?access_token="+DefaultPageToken, "application/json", body); code != 200 {
		t.Errorf("JSON text values: %d %v", code, out)
	}
}

// A user may send reels, posts and templates too (PLATFORM.md §10).
func TestUserSendsEveryAttachmentType(t *testing.T) {
	t.Parallel()
	s := New()
	for _, typ := range []string{"image", "audio", "video", "file", "fallback", "reel", "post", "template"} {
		if _, err := s.UserSends(DefaultPageID, alice, UserMessageRequest{Attachments: []UserAttachment{{Type: typ, URL: "https://example.com/x"}}}); err != nil {
			t.Errorf("%s: %v", typ, err)
		}
	}
	if _, err := s.UserSends(DefaultPageID, alice, UserMessageRequest{Attachments: []UserAttachment{{Type: "hologram"}}}); err == nil {
		t.Error("an unknown attachment type was accepted")
	}
}

// A user's media always carries its url, a sticker its id, as the
// platform's payloads do: the control API refuses one without.
func TestUserSendsMediaWithoutItsURL(t *testing.T) {
	t.Parallel()
	s := New()
	for _, a := range []UserAttachment{{Type: "image"}, {Type: "file", Title: "report.pdf"}, {Type: "sticker", URL: "https://example.com/s.png"}} {
		_, err := s.UserSends(DefaultPageID, alice, UserMessageRequest{Attachments: []UserAttachment{a}})
		if err == nil || !strings.Contains(err.Error(), "needs a") {
			t.Errorf("%+v: %v", a, err)
		}
	}
	code, _, body := do(t, s, "POST", ControlPrefix+"users/"+alice+"/messages", "application/json", `{"attachments":[{"type":"image"}]}`)
	if code != 400 || !strings.Contains(fmt.Sprint(body), "needs a url") {
		t.Errorf("control API: %d %s", code, body)
	}
}

// The upload's file is the part named filedata, with or without a file
// name; a file part under another name is ignored with a warning (§3).
func TestUploadFilePartName(t *testing.T) {
	t.Parallel()
	upload := func(s *Server, disposition string) (int, map[string]any) {
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		if err := mw.WriteField("message", `{"attachment":{"type":"image","payload":{"is_reusable":true}}}`); err != nil {
			t.Fatal(err)
		}
		fw, err := mw.CreatePart(map[string][]string{"Content-Disposition": {disposition}, "Content-Type": {"image/png"}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fw.Write([]byte("\x89PNG")); err != nil {
			t.Fatal(err)
		}
		if err := mw.Close(); err != nil {
			t.Fatal(err)
		}
		req := httptest.NewRequest("POST", "/me/message_attachments?access_token="+DefaultPageToken, &b)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		var out map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
			t.Fatal(err)
		}
		return rec.Code, out
	}
	s := New()
	if code, out := upload(s, `form-data; name="filedata"`); code != 200 || out["attachment_id"] == nil {
		t.Errorf("filedata without a file name: %d %v", code, out)
	}
	code, out := upload(s, `form-data; name="other"; filename="a.png"`)
	if code != 400 || graphError(t, out)["error_subcode"] != 2018005.0 {
		t.Errorf("a file under another name: %d %v, want file-count", code, out)
	}
}

// Undocumented keys in a profile field are accepted with a warning and
// dropped: GET never answers them back.
func TestProfileDropsUndocumentedKeys(t *testing.T) {
	t.Parallel()
	s := New()
	tok := "?access_token=" + DefaultPageToken
	if code, _, out := do(t, s, "POST", "/me/messenger_profile"+tok, "application/json", `{"get_started":{"payload":"x","foo":1}}`); code != 200 {
		t.Fatalf("POST: %d %v", code, out)
	}
	_, _, out := do(t, s, "GET", "/me/messenger_profile"+tok+"&fields=get_started", "", "")
	want := map[string]any{"data": []any{map[string]any{"get_started": map[string]any{"payload": "x"}}}}
	if diff := cmp.Diff(want, out); diff != "" {
		t.Errorf("GET (-want +got):\n%s", diff)
	}
}

// The events the control API fires carry what the platform's do: a linked
// account its authorization code, a warning or block its reason.
func TestControlEventsCarryTheirRequiredFields(t *testing.T) {
	t.Parallel()
	s := New()
	for target, body := range map[string]string{
		"users/" + alice + "/account_linking": `{"status":"linked"}`,
		"policy_enforcement":                  `{"action":"block"}`,
	} {
		code, _, out := do(t, s, "POST", ControlPrefix+target, "application/json", body)
		if code != 400 || !strings.Contains(fmt.Sprint(out), "needs") {
			t.Errorf("%s %s: %d %v", target, body, code, out)
		}
	}
	for target, body := range map[string]string{
		"users/" + alice + "/account_linking": `{"status":"unlinked"}`,
		"policy_enforcement":                  `{"action":"unblock"}`,
	} {
		if code, _, out := do(t, s, "POST", ControlPrefix+target, "application/json", body); code != 200 {
			t.Errorf("%s %s: %d %v", target, body, code, out)
		}
	}
}
