package fakegraph

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/messemu/messemu/validator"
)

// The answers of the attachment, handover, batch and subscription families
// fit the shapes openapi.yaml promises.
func TestGraphAnswersFitTheSpec(t *testing.T) {
	t.Parallel()
	schemas := validator.MustLoadSchemas()
	s := newTestServer(t)
	userWrites(t, s, alice)
	app := url.QueryEscape(testAppToken)
	tok := "access_token=" + DefaultPageToken
	proof := AppSecretProof(DefaultAppSecret, DefaultPageToken)
	if _, err := s.UpdateUser(DefaultPageID, alice, map[string]json.RawMessage{"asid": json.RawMessage(`"10152368852405295"`)}); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		schema, method, target, body string
	}{
		{"AttachmentUploadResponse", "POST", "/v26.0/me/message_attachments?" + tok, `{"message":{"attachment":{"type":"image","payload":{"url":"https://example.com/a.png","is_reusable":true}}}}`},
		{"ThreadOwnerAnswer", "GET", "/me/thread_owner?recipient=" + alice + "&" + tok, ""},
		{"SecondaryReceivers", "GET", "/me/secondary_receivers?" + tok, ""},
		{"SubscribedApps", "GET", "/me/subscribed_apps?" + tok, ""},
		{"AppSubscriptions", "GET", "/" + DefaultAppID + "/subscriptions?access_token=" + app, ""},
		{"DebugToken", "GET", "/debug_token?input_token=" + DefaultPageToken + "&access_token=" + app, ""},
		{"DebugToken", "GET", "/debug_token?input_token=EAAx&" + tok, ""},
		{"ControlAppRoles", "GET", "/_messemu/v1/handover/roles", ""},
		{"ControlThreadControl", "POST", "/_messemu/v1/handover/act", `{"action":"pass_thread_control","psid":"` + alice + `","target_app_id":"` + PageInboxAppID + `"}`},
		{"ControlThreadControl", "GET", "/_messemu/v1/handover/threads/" + alice, ""},
		{"ThreadOwnerAnswer", "GET", "/me/thread_owner?recipient=" + alice + "&" + tok, ""},
		{"GraphError", "POST", "/me/take_thread_control?" + tok, `{}`},
		{"Insights", "GET", "/me/insights/?metric=page_messages_total_messaging_connections,page_messages_new_conversations_unique&" + tok, ""},
		{"Insights", "GET", "/" + DefaultPageID + "/insights/page_messages_blocked_conversations_unique?period=total_over_range&" + tok, ""},
		{"IdsForPages", "GET", "/" + alice + "/ids_for_pages?appsecret_proof=" + proof + "&" + tok, ""},
		{"IdsForApps", "GET", "/" + alice + "/ids_for_apps?appsecret_proof=" + proof + "&" + tok, ""},
	}
	for _, tc := range cases {
		if !schemas.Has(tc.schema) {
			t.Errorf("openapi.yaml has no schema %s", tc.schema)
			continue
		}
		r := httptest.NewRequest(tc.method, tc.target, strings.NewReader(tc.body))
		r.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		s.Handler().ServeHTTP(w, r)
		dec := json.NewDecoder(bytes.NewReader(w.Body.Bytes()))
		dec.UseNumber()
		var got map[string]any
		if err := dec.Decode(&got); err != nil {
			t.Fatalf("%s %s: %v: %s", tc.method, tc.target, err, w.Body)
		}
		if err := schemas.CheckBody(tc.schema, got); err != nil {
			t.Errorf("%s %s does not fit %s: %v\n%v", tc.method, tc.target, tc.schema, err, got)
		}
	}
}

// TestGraphFamiliesConcurrent uploads, sends with saved ids, hands threads over and
// batches from many goroutines at once; under -race the state must end
// exactly as the calls say.
func TestGraphFamiliesConcurrent(t *testing.T) {
	t.Parallel()
	s := newTestServer(t)
	for _, p := range []string{alice, psidBob, psidCarla} {
		userWrites(t, s, p)
	}
	const workers = 32
	var wg sync.WaitGroup
	errs := make(chan error, workers*4)
	post := func(path, ct, body string) (int, []byte) {
		r := httptest.NewRequest("POST", withToken(path), strings.NewReader(body))
		r.Header.Set("Content-Type", ct)
		w := httptest.NewRecorder()
		s.Handler().ServeHTTP(w, r)
		return w.Code, w.Body.Bytes()
	}
	ids := make(chan string, workers)
	for g := 0; g < workers; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			code, body := post("/me/message_attachments", "application/json",
				fmt.Sprintf(`{"message":{"attachment":{"type":"image","payload":{"url":"https://example.com/%d.png","is_reusable":true}}}}`, g))
			var up AttachmentUploadResponse
			if code != 200 || json.Unmarshal(body, &up) != nil {
				errs <- fmt.Errorf("upload %d: %d %s", g, code, body)
				return
			}
			ids <- up.AttachmentID
			// Carla's thread goes back and forth; Alice and Bob get sends.
			psid := []string{alice, psidBob}[g%2]
			code, body = post("/me/messages", "application/json",
				`{"recipient":{"id":"`+psid+`"},"messaging_type":"RESPONSE","message":{"attachment":{"type":"image","payload":{"attachment_id":"`+up.AttachmentID+`"}}}}`)
			if code != 200 {
				errs <- fmt.Errorf("send %d: %d %s", g, code, body)
			}
			if g%4 == 0 {
				batch := `[{"method":"GET","relative_url":"me/thread_owner?recipient=` + psidCarla + `"},{"method":"POST","relative_url":"me/take_thread_control","body":"recipient=%7B%22id%22%3A%22` + psidCarla + `%22%7D"}]`
				if code, body = post("/", "application/x-www-form-urlencoded", "batch="+url.QueryEscape(batch)); code != 200 {
					errs <- fmt.Errorf("batch %d: %d %s", g, code, body)
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	close(ids)
	for err := range errs {
		t.Error(err)
	}
	seen := map[string]bool{}
	for id := range ids {
		if seen[id] {
			t.Fatalf("attachment id %s handed out twice", id)
		}
		seen[id] = true
	}
	if n := countAttachments(s); n != workers {
		t.Fatalf("%d attachments stored, want %d", n, workers)
	}
	for _, p := range []string{alice, psidBob} {
		msgs, err := s.Thread(DefaultPageID, p)
		if err != nil {
			t.Fatal(err)
		}
		if len(msgs) != 1+workers/2 {
			t.Fatalf("%s has %d messages, want %d", p, len(msgs), 1+workers/2)
		}
	}
	if got := s.ThreadOwner(DefaultPageID, psidCarla); got != DefaultAppID {
		t.Fatalf("Carla's thread owner %q, want the bot", got)
	}
}
