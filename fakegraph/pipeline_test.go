package fakegraph

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const alice = "5275811702471834"

// do sends one request to s's handler and decodes the JSON answer.
func do(t *testing.T, s *Server, method, target, contentType, body string) (int, http.Header, map[string]any) {
	t.Helper()
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	var out map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		t.Fatalf("%s %s: answer is not a JSON object: %v\n%s", method, target, err, rec.Body.String())
	}
	return rec.Code, rec.Header(), out
}

// graphError returns the error envelope without its fbtrace_id, after
// checking the id's form (23 alphanumerics, PLATFORM.md §1.3).
func graphError(t *testing.T, body map[string]any) map[string]any {
	t.Helper()
	e, ok := body["error"].(map[string]any)
	if !ok {
		t.Fatalf("no error envelope in %v", body)
	}
	trace, _ := e["fbtrace_id"].(string)
	if !regexp.MustCompile(`^[A-Za-z0-9]{23}$`).MatchString(trace) {
		t.Errorf("fbtrace_id %q is not 23 alphanumerics", trace)
	}
	delete(e, "fbtrace_id")
	return e
}

func errBody(code, sub float64, typ, msg string) map[string]any {
	e := map[string]any{"code": code, "type": typ, "message": msg}
	if sub != 0 {
		e["error_subcode"] = sub
	}
	return e
}

func userWrites(t *testing.T, s *Server, psid string) {
	t.Helper()
	if _, err := s.UserSends(DefaultPageID, psid, UserMessageRequest{Text: "hi"}); err != nil {
		t.Fatal(err)
	}
}

const textSend = `{"recipient":{"id":"` + alice + `"},"messaging_type":"RESPONSE","message":{"text":"hello"}}`

func TestPipelineErrors(t *testing.T) {
	t.Parallel()
	tok := "access_token=" + DefaultPageToken
	cases := []struct {
		name, method, target, ctype, body string
		want                              map[string]any
		authenticate                      bool
		aliceWrote                        bool // alice's window is open
	}{
		{name: "no token", method: "GET", target: "/me",
			want: errBody(104, 0, "OAuthException", "An access token is required to request this resource."), authenticate: true},
		{name: "bad token", method: "GET", target: "/me?access_token=EAAnope",
			want: errBody(190, 0, "OAuthException", "Invalid OAuth access token - Cannot parse access token"), authenticate: true},
		{name: "newer version", method: "GET", target: "/v99.0/me?" + tok,
			want: errBody(2500, 0, "OAuthException", "Unknown path components: /me")},
		{name: "malformed version", method: "GET", target: "/v26/me?" + tok,
			want: errBody(2500, 0, "OAuthException", "Unknown path components: /me")},
		{name: "version with a leading zero", method: "GET", target: "/v026.0/me?" + tok,
			want: errBody(2500, 0, "OAuthException", "Unknown path components: /me")},
		{name: "a minor version Graph never had", method: "GET", target: "/v25.5/me?" + tok,
			want: errBody(2500, 0, "OAuthException", "Unknown path components: /me")},
		{name: "unknown edge", method: "GET", target: "/me/nonsense?" + tok,
			want: errBody(2500, 0, "OAuthException", "Unknown path components: /nonsense")},
		{name: "unknown edge of messages", method: "POST", target: "/v26.0/me/messages/extra?" + tok,
			want: errBody(2500, 0, "OAuthException", "Unknown path components: /extra")},
		{name: "get messages", method: "GET", target: "/me/messages?" + tok,
			want: errBody(100, 0, "OAuthException", "(#100) For field 'messages': The parameter user_id is required")},
		{name: "get messages by the Page's id", method: "GET", target: "/" + DefaultPageID + "/messages?" + tok,
			want: errBody(100, 0, "OAuthException", "(#100) For field 'messages': The parameter user_id is required")},
		{name: "get another page's messages", method: "GET", target: "/123456789012345/messages?" + tok,
			want: errBody(100, 33, "GraphMethodException", "Unsupported get request. Object with ID '123456789012345' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api")},
		{name: "another page's node", method: "POST", target: "/123456789012345/messages?" + tok, ctype: "application/json", body: textSend,
			want: errBody(100, 33, "GraphMethodException", "Unsupported post request. Object with ID '123456789012345' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api")},
		{name: "unknown node", method: "GET", target: "/424242?" + tok,
			want: errBody(100, 33, "GraphMethodException", "Unsupported get request. Object with ID '424242' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api")},
		{name: "wrong proof", method: "GET", target: "/me?" + tok + "&appsecret_proof=abc",
			want: errBody(100, 0, "GraphMethodException", "Invalid appsecret_proof provided in the API argument")},
		{name: "empty proof", method: "GET", target: "/me?" + tok + "&appsecret_proof=",
			want: errBody(100, 0, "GraphMethodException", "Invalid appsecret_proof provided in the API argument")},
		{name: "malformed JSON", method: "POST", target: "/me/messages?" + tok, ctype: "application/json", body: `{"recipient":`,
			want: errBody(100, 0, "OAuthException", "(#100) Invalid parameter")},
		{name: "JSON array body", method: "POST", target: "/me/messages?" + tok, ctype: "application/json", body: `[1,2]`,
			want: errBody(100, 0, "OAuthException", "(#100) Invalid parameter")},
		{name: "invalid UTF-8", method: "POST", target: "/me/messages?" + tok, ctype: "application/json",
			body: `{"recipient":{"id":"` + alice + `"},"message":{"text":"a` + "\xff" + `"}}`,
			want: errBody(100, 0, "OAuthException", "(#100) Param message[text] must be a non-empty UTF-8 encoded string"), aliceWrote: true},
		{name: "invalid UTF-8 outside the window", method: "POST", target: "/me/messages?" + tok, ctype: "application/json",
			body: `{"recipient":{"id":"` + alice + `"},"message":{"text":"a` + "\xff" + `"}}`,
			want: errBody(10, 2018278, "OAuthException", "(#10) This message is sent outside of allowed window. Learn more about the new policy here: https://developers.facebook.com/docs/messenger-platform/policy-overview")},
		// Text that is not UTF-8 is judged where §2's check order puts
		// the content: after the recipient and the tag.
		{name: "invalid UTF-8 to no one", method: "POST", target: "/me/messages?" + tok, ctype: "application/json",
			body: `{"recipient":{"id":"1111111111111111"},"message":{"text":"a` + "\xff" + `"}}`,
			want: errBody(100, 2018001, "OAuthException", "(#100) No matching user found")},
		{name: "invalid UTF-8 beside a retired tag", method: "POST", target: "/me/messages?" + tok, ctype: "application/json",
			body: `{"recipient":{"id":"` + alice + `"},"messaging_type":"MESSAGE_TAG","tag":"SHIPPING_UPDATE","message":{"text":"a` + "\xff" + `"}}`,
			want: errBody(100, 0, "OAuthException", `(#100) Param tag must be one of {CUSTOMER_FEEDBACK, HUMAN_AGENT, NON_PROMOTIONAL_SUBSCRIPTION} - got "SHIPPING_UPDATE".`), aliceWrote: true},
		{name: "invalid UTF-8 in a quick reply", method: "POST", target: "/me/messages?" + tok, ctype: "application/json",
			body: `{"recipient":{"id":"` + alice + `"},"messaging_type":"RESPONSE","message":{"text":"pick","quick_replies":[{"content_type":"text","title":"` + "\xfe" + `","payload":"P"}]}}`,
			want: errBody(100, 0, "OAuthException", "(#100) Param message[quick_replies][0][title] must be a non-empty UTF-8 encoded string"), aliceWrote: true},
		{name: "invalid UTF-8 in a form to no one", method: "POST", target: "/me/messages?" + tok, ctype: "application/x-www-form-urlencoded",
			body: "recipient=" + url.QueryEscape(`{"id":"1111111111111111"}`) + "&message=" + url.QueryEscape(`{"text":"a`+"\xff"+`"}`),
			want: errBody(100, 2018001, "OAuthException", "(#100) No matching user found")},
		{name: "invalid UTF-8 in a form's message", method: "POST", target: "/me/messages?" + tok, ctype: "application/x-www-form-urlencoded",
			body: "recipient=" + url.QueryEscape(`{"id":"`+alice+`"}`) + "&messaging_type=RESPONSE&message=" + url.QueryEscape(`{"text":"a`+"\xff"+`"}`),
			want: errBody(100, 0, "OAuthException", "(#100) Param message[text] must be a non-empty UTF-8 encoded string"), aliceWrote: true},
		{name: "invalid UTF-8 in form values no rule reads", method: "POST", target: "/me/messages?" + tok, ctype: "application/x-www-form-urlencoded",
			body: "recipient=" + url.QueryEscape(`{"id":"`+alice+`"}`) + "&messaging_type=RESPONSE&message=" + url.QueryEscape(`{"text":"hi"}`) + "&zz=%FF&note=%FE",
			want: errBody(100, 0, "OAuthException", "(#100) Param note must be a non-empty UTF-8 encoded string"), aliceWrote: true},
		{name: "invalid UTF-8 in a form parameter's name", method: "POST", target: "/me/messages?" + tok, ctype: "application/x-www-form-urlencoded",
			body: "recipient=" + url.QueryEscape(`{"id":"`+alice+`"}`) + "&messaging_type=RESPONSE&message=" + url.QueryEscape(`{"text":"hi"}`) + "&fo%FFo=1",
			want: errBody(100, 0, "OAuthException", "(#100) Invalid parameter"), aliceWrote: true},
		{name: "invalid UTF-8 in a query parameter's name", method: "POST", target: "/me/messages?" + tok + "&%FF=1", ctype: "application/json", body: textSend,
			want: errBody(100, 0, "OAuthException", "(#100) Invalid parameter"), aliceWrote: true},
		{name: "invalid UTF-8 in a repeated form key's first value", method: "POST", target: "/me/messages?" + tok, ctype: "application/x-www-form-urlencoded",
			body: "recipient=" + url.QueryEscape(`{"id":"`+alice+`"}`) + "&messaging_type=RESP%FF&messaging_type=RESPONSE&message=" + url.QueryEscape(`{"text":"hi"}`),
			want: errBody(100, 0, "OAuthException", "(#100) Param messaging_type must be a non-empty UTF-8 encoded string"), aliceWrote: true},
		{name: "invalid UTF-8 in the query's message to a closed window", method: "POST", target: "/me/messages?" + tok + "&message=" + url.QueryEscape(`{"text":"a`+"\xff"+`"}`), ctype: "application/json",
			body: `{"recipient":{"id":"` + alice + `"}}`,
			want: errBody(10, 2018278, "OAuthException", "(#10) This message is sent outside of allowed window. Learn more about the new policy here: https://developers.facebook.com/docs/messenger-platform/policy-overview")},
		{name: "invalid UTF-8 in the query's message", method: "POST", target: "/me/messages?" + tok + "&messaging_type=RESPONSE&message=" + url.QueryEscape(`{"text":"a`+"\xff"+`"}`), ctype: "application/json",
			body: `{"recipient":{"id":"` + alice + `"}}`,
			want: errBody(100, 0, "OAuthException", "(#100) Param message[text] must be a non-empty UTF-8 encoded string"), aliceWrote: true},
		{name: "invalid UTF-8 where no rule reads", method: "POST", target: "/me/messages?" + tok, ctype: "application/json",
			body: `{"recipient":{"id":"` + alice + `"},"messaging_type":"RESPONSE","message":{"text":"hi"},"note":"` + "\xfe" + `"}`,
			want: errBody(100, 0, "OAuthException", "(#100) Param note must be a non-empty UTF-8 encoded string"), aliceWrote: true},
		{name: "invalid UTF-8 in a key", method: "POST", target: "/me/messages?" + tok, ctype: "application/json",
			body: `{"recipient":{"id":"` + alice + `"},"messaging_type":"RESPONSE","message":{"text":"hi"},"` + "\xfe" + `":"x"}`,
			want: errBody(100, 0, "OAuthException", "(#100) Invalid parameter")},
		{name: "invalid UTF-8 in a JSON body's token", method: "POST", target: "/me/messages", ctype: "application/json",
			body: `{"access_token":"EAA` + "\xff" + `","recipient":{"id":"` + alice + `"},"message":{"text":"hi"}}`,
			want: errBody(100, 0, "OAuthException", "(#100) Param access_token must be a non-empty UTF-8 encoded string")},
		{name: "invalid UTF-8 on an unknown path", method: "POST", target: "/me/nothing?" + tok, ctype: "application/json",
			body: `{"greeting":[{"locale":"default","text":"` + "\xff" + `"}]}`,
			want: errBody(2500, 0, "OAuthException", "Unknown path components: /nothing")},
		{name: "invalid UTF-8 in a greeting", method: "POST", target: "/me/messenger_profile?" + tok, ctype: "application/json",
			body: `{"greeting":[{"locale":"default","text":"` + "\xff" + `"}]}`,
			want: errBody(100, 0, "OAuthException", "(#100) Param greeting[0][text] must be a non-empty UTF-8 encoded string")},
		{name: "bad form JSON value", method: "POST", target: "/me/messages?" + tok, ctype: "application/x-www-form-urlencoded",
			body: "recipient=" + url.QueryEscape(`{"id":`) + "&message=" + url.QueryEscape(`{"text":"x"}`),
			want: errBody(100, 0, "OAuthException", "(#100) Invalid parameter")},
		{name: "missing recipient", method: "POST", target: "/me/messages?" + tok, ctype: "application/json", body: `{"message":{"text":"x"}}`,
			want: errBody(100, 0, "OAuthException", "(#100) The parameter recipient is required")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := New()
			if tc.aliceWrote {
				userWrites(t, s, alice)
			}
			code, h, body := do(t, s, tc.method, tc.target, tc.ctype, tc.body)
			if code != http.StatusBadRequest {
				t.Errorf("status %d, want 400", code)
			}
			if diff := cmp.Diff(tc.want, graphError(t, body)); diff != "" {
				t.Errorf("error envelope (-want +got):\n%s", diff)
			}
			if got := h.Get("WWW-Authenticate") != ""; got != tc.authenticate {
				t.Errorf("WWW-Authenticate present = %v, want %v", got, tc.authenticate)
			}
			last := s.Journal().After(0, 0)
			if len(last) == 0 || last[len(last)-1].Accepted || len(last[len(last)-1].Violations) == 0 {
				t.Errorf("the refusal is not journalled with its violation: %+v", last)
			}
		})
	}
}

func TestSendAcceptedEveryEncoding(t *testing.T) {
	t.Parallel()
	form := url.Values{
		"recipient":      {`{'id':'` + alice + `'}`},
		"messaging_type": {"RESPONSE"},
		"message":        {`{"text":"hello"}`},
		"access_token":   {DefaultPageToken},
	}
	var mp bytes.Buffer
	mw := multipart.NewWriter(&mp)
	for k, v := range form {
		if err := mw.WriteField(k, v[0]); err != nil {
			t.Fatal(err)
		}
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	cases := []struct{ name, target, ctype, body string }{
		{"json, token in query", "/v26.0/me/messages?access_token=" + DefaultPageToken, "application/json", textSend},
		{"json, token in body", "/me/messages", "application/json", strings.Replace(textSend, "{", `{"access_token":"`+DefaultPageToken+`",`, 1)},
		{"form, single quotes", "/" + DefaultPageID + "/messages", "application/x-www-form-urlencoded", form.Encode()},
		{"multipart", "/v23.0/me/messages", mw.FormDataContentType(), mp.String()},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := New(WithIDSeed(7))
			userWrites(t, s, alice)
			req := httptest.NewRequest("POST", tc.target, strings.NewReader(tc.body))
			req.Header.Set("Content-Type", tc.ctype)
			if tc.name == "multipart" {
				req.Header.Set("Authorization", "Bearer "+DefaultPageToken)
			}
			rec := httptest.NewRecorder()
			s.Handler().ServeHTTP(rec, req)
			if rec.Code != 200 {
				t.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
			var got SendResponse
			if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
				t.Fatal(err)
			}
			if got.RecipientID != alice || !regexp.MustCompile(`^m_[A-Za-z0-9_-]{86}$`).MatchString(got.MessageID) {
				t.Errorf("answer %+v: want recipient %s and an m_ id of 86 base64url characters", got, alice)
			}
			thread, err := s.Thread(DefaultPageID, alice)
			if err != nil {
				t.Fatal(err)
			}
			if len(thread) != 2 || thread[1].MID != got.MessageID || !thread[1].FromPage {
				t.Errorf("thread %+v does not end with the bot's message %s", thread, got.MessageID)
			}
			if ev, ok := s.Journal().Get(thread[1].Seq); !ok || ev.MID != got.MessageID {
				t.Errorf("the stored message's Seq %d is not its journal event %+v", thread[1].Seq, ev)
			}
		})
	}
}

func TestHeaders(t *testing.T) {
	t.Parallel()
	s := New()
	_, h, _ := do(t, s, "GET", "/v18.0/me?access_token="+DefaultPageToken, "", "")
	want := map[string]string{
		"Content-Type":                "application/json; charset=UTF-8",
		"Facebook-Api-Version":        "v20.0", // expired versions are served as the oldest live one
		"Cache-Control":               "private, no-cache, no-store, must-revalidate",
		"Pragma":                      "no-cache",
		"Expires":                     "Sat, 01 Jan 2000 00:00:00 GMT",
		"Access-Control-Allow-Origin": "*",
		"Strict-Transport-Security":   "max-age=15552000; preload",
	}
	for k, v := range want {
		if got := h.Get(k); got != v {
			t.Errorf("%s: %q, want %q", k, got, v)
		}
	}
	if got := h.Get("X-Fb-Trace-Id"); len(got) != 11 {
		t.Errorf("x-fb-trace-id %q is not 11 characters", got)
	}
	var usage map[string][]map[string]any
	if err := json.Unmarshal([]byte(h.Get("X-Business-Use-Case-Usage")), &usage); err != nil || len(usage[DefaultPageID]) != 1 {
		t.Errorf("x-business-use-case-usage %q: %v", h.Get("X-Business-Use-Case-Usage"), err)
	}
	evs := s.Journal().After(0, 0)
	if len(evs) != 1 || len(evs[0].Violations) != 1 || evs[0].Violations[0].Rule != "version.expired" {
		t.Errorf("the expired version is not a journalled warning: %+v", evs)
	}
}

// defaultProof is appsecret_proof for the default token and secret,
// computed outside Go: echo -n EAAMessemuTestPageToken | openssl dgst
// -sha256 -hmac messemu-app-secret (PLATFORM.md §1.2).
const defaultProof = "db35c6d15f11d50c032c1ed5edbece06f91f194c66ef7352e7355d0278923068"

func TestProof(t *testing.T) {
	t.Parallel()
	proof := defaultProof
	s := New(WithRequireProof(true))
	code, _, body := do(t, s, "GET", "/me?access_token="+DefaultPageToken, "", "")
	if code != 400 || graphError(t, body)["message"] != "API calls from the server require an appsecret_proof argument" {
		t.Errorf("missing proof: %d %v", code, body)
	}
	code, _, body = do(t, s, "GET", "/me?access_token="+DefaultPageToken+"&appsecret_proof="+proof, "", "")
	if code != 200 || body["id"] != DefaultPageID {
		t.Errorf("right proof: %d %v", code, body)
	}
}

func TestTokenExpired(t *testing.T) {
	t.Parallel()
	s := New(WithClock(NewFrozenClock(time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC))))
	if !s.ExpireToken(DefaultPageToken, time.Date(2026, 11, 1, 13, 0, 0, 0, time.UTC)) {
		t.Fatal("the default token is unknown")
	}
	if code, _, _ := do(t, s, "GET", "/me?access_token="+DefaultPageToken, "", ""); code != 200 {
		t.Fatalf("before expiry: %d", code)
	}
	s.Advance(time.Hour)
	_, _, body := do(t, s, "GET", "/me?access_token="+DefaultPageToken, "", "")
	want := errBody(190, 463, "OAuthException", "Error validating access token: Session has expired on Sunday, 01-Nov-26 13:00:00 UTC. The current time is Sunday, 01-Nov-26 13:00:00 UTC.")
	if diff := cmp.Diff(want, graphError(t, body)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestWindowFollowsVirtualClock(t *testing.T) {
	t.Parallel()
	s := New(WithClock(NewFrozenClock(time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC))))
	userWrites(t, s, alice)
	target := "/me/messages?access_token=" + DefaultPageToken
	s.Advance(24*time.Hour - time.Millisecond)
	if code, _, body := do(t, s, "POST", target, "application/json", textSend); code != 200 {
		t.Fatalf("inside the window: %d %v", code, body)
	}
	s.Advance(time.Millisecond) // now == last + 24h: closed (PLATFORM.md §2.2)
	_, _, body := do(t, s, "POST", target, "application/json", textSend)
	if e := graphError(t, body); e["code"] != 10.0 || e["error_subcode"] != 2018278.0 {
		t.Errorf("at 24h: %v, want 10/2018278", e)
	}
}

func TestBodyLimit(t *testing.T) {
	t.Parallel()
	s := New(WithBodyLimit(1024))
	big := `{"recipient":{"id":"` + alice + `"},"message":{"text":"` + strings.Repeat("a", 4096) + `"}}`
	code, _, body := do(t, s, "POST", "/me/messages?access_token="+DefaultPageToken, "application/json", big)
	if code != 400 || graphError(t, body)["code"] != 100.0 {
		t.Errorf("oversized body: %d %v", code, body)
	}
	// The server keeps serving.
	if code, _, _ := do(t, s, "GET", "/me?access_token="+DefaultPageToken, "", ""); code != 200 {
		t.Errorf("after an oversized body: %d", code)
	}
}

func TestJournalWaitAndControl(t *testing.T) {
	t.Parallel()
	s := New()
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	done := make(chan []Event, 1)
	go func() {
		resp, err := http.Get(srv.URL + "/_messemu/v1/journal?after=0&wait=5s")
		if err != nil {
			done <- nil
			return
		}
		defer resp.Body.Close()
		var out struct{ Events []Event }
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
			done <- nil
			return
		}
		done <- out.Events
	}()
	resp, err := http.Post(srv.URL+"/_messemu/v1/users/"+alice+"/messages", "application/json", strings.NewReader(`{"text":"hi"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	evs := <-done
	if len(evs) != 1 || evs[0].Kind != KindUserAction || evs[0].PSID != alice {
		t.Fatalf("long poll answered %+v, want Alice's message", evs)
	}
	for _, tc := range []struct {
		method, path, body string
		status             int
	}{
		{"POST", "/_messemu/v1/clock/advance", `{"duration":"25h"}`, 200},
		{"POST", "/_messemu/v1/clock/advance", `{"duration":"-1h"}`, 400},
		{"POST", "/_messemu/v1/users", `{"name":"Dana Li"}`, 200},
		{"POST", "/_messemu/v1/users", `{}`, 400},
		{"GET", "/_messemu/v1/users/999", ``, 404},
		{"GET", "/_messemu/v1/nothing", ``, 404},
		{"DELETE", "/_messemu/v1/users", ``, 405},
		{"POST", "/_messemu/v1/users/" + alice + "/messages", `{"text":`, 400},
		{"POST", "/_messemu/v1/reset", ``, 200},
	} {
		req, err := http.NewRequest(tc.method, srv.URL+tc.path, strings.NewReader(tc.body))
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != tc.status || !json.Valid(b) {
			t.Errorf("%s %s: %d %s, want %d and JSON", tc.method, tc.path, resp.StatusCode, b, tc.status)
		}
	}
	users, err := s.Users(DefaultPageID)
	if err != nil || len(users) != 3 {
		t.Errorf("after reset: %d users (%v), want the 3 defaults", len(users), err)
	}
}

// The versions Graph has had, however old, are served as the oldest live
// one: v2.x had minor versions up to v2.12, v3.x up to v3.3 (Botkit's
// Facebook adapter still defaults to v3.2, fb-messenger-bot-api to v3.1),
// v1.0 was the first.
func TestOldVersionsGraphHadAreServed(t *testing.T) {
	t.Parallel()
	s := New()
	for _, v := range []string{"v1.0", "v2.6", "v2.12", "v3.0", "v3.1", "v3.2", "v3.3", "v4.0", "v19.0"} {
		code, h, body := do(t, s, "GET", "/"+v+"/me?access_token="+DefaultPageToken, "", "")
		if code != 200 || h.Get("Facebook-Api-Version") != "v20.0" {
			t.Errorf("%s: %d %q %v", v, code, h.Get("Facebook-Api-Version"), body)
		}
	}
	for _, v := range []string{"v2.13", "v3.4", "v4.1", "v0.9", "v20.00"} {
		if code, _, body := do(t, s, "GET", "/"+v+"/me?access_token="+DefaultPageToken, "", ""); code != 400 || body["error"].(map[string]any)["code"] != float64(2500) {
			t.Errorf("%s: %d %v, want 2500", v, code, body)
		}
	}
}

// A call refused for its token is journalled under its API family, so
// that journal?api=send finds a send refused for a bad token.
func TestRefusedTokenKeepsTheCallsFamily(t *testing.T) {
	t.Parallel()
	s := New()
	code, _, _ := do(t, s, "POST", "/v26.0/me/messages?access_token=EAAnotatoken", "application/json", `{"recipient":{"id":"`+alice+`"},"message":{"text":"hi"}}`)
	if code != 400 {
		t.Fatalf("status %d", code)
	}
	e := lastEvent(t, s)
	if e.Kind != KindRequest || e.API != "send" || e.Accepted {
		t.Fatalf("journalled %s api %q accepted %v, want a refused send", e.Kind, e.API, e.Accepted)
	}
}

// In a JSON body, an appsecret_proof null or "" is an absent optional
// parameter (D22, a warning), which Require App Secret then misses; an
// empty one in the query is a wrong proof (TestPipelineErrors).
func TestNullOrEmptyProofInJSONIsAbsent(t *testing.T) {
	t.Parallel()
	for _, requireProof := range []bool{false, true} {
		s := New(WithRequireProof(requireProof))
		userWrites(t, s, alice)
		for _, proof := range []string{`null`, `""`} {
			body := `{"appsecret_proof":` + proof + `,"recipient":{"id":"` + alice + `"},"messaging_type":"RESPONSE","message":{"text":"hi"}}`
			code, _, answer := do(t, s, "POST", "/me/messages?access_token="+DefaultPageToken, "application/json", body)
			msg := fmt.Sprint(answer)
			switch {
			case requireProof && (code != 400 || !strings.Contains(msg, "appsecret_proof")):
				t.Errorf("Require App Secret, proof %s: %d %s", proof, code, msg)
			case !requireProof && code != 200:
				t.Errorf("proof %s: %d %s", proof, code, msg)
			}
		}
	}
}

// TestTokenNotUTF8InTheHeader: a token that is not text answers the same
// string error from the Authorization header as from the query or the
// body (§1.3), not 190.
func TestTokenNotUTF8InTheHeader(t *testing.T) {
	t.Parallel()
	s := New()
	req := httptest.NewRequest("POST", "/me/messages", strings.NewReader(textSend))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer EAA\xff")
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	var out map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(errBody(100, 0, "OAuthException", "(#100) Param access_token must be a non-empty UTF-8 encoded string"), graphError(t, out)); rec.Code != 400 || diff != "" {
		t.Errorf("%d (-want +got)\n%s", rec.Code, diff)
	}
}
