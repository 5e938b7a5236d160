package fakegraph

import (
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/messemu/messemu/validator"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// batchAnswer is one item of a batch answer, with its body decoded.
type batchAnswer struct {
	Code    int            `json:"code"`
	Headers []BatchHeader  `json:"headers"`
	Body    string         `json:"body"`
	JSON    map[string]any `json:"-"`
	HasHdrs bool           `json:"-"`
}

func decodeBatch(t testing.TB, res apiResult) []*batchAnswer {
	t.Helper()
	if res.status != 200 {
		t.Fatalf("batch status %d: %s", res.status, res.raw)
	}
	var raw []map[string]any
	if err := json.Unmarshal(res.raw, &raw); err != nil {
		t.Fatalf("batch answer is not an array: %v\n%s", err, res.raw)
	}
	out := make([]*batchAnswer, len(raw))
	for i, m := range raw {
		if m == nil {
			continue
		}
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		var a batchAnswer
		if err := json.Unmarshal(b, &a); err != nil {
			t.Fatal(err)
		}
		_, a.HasHdrs = m["headers"]
		if err := json.Unmarshal([]byte(a.Body), &a.JSON); err != nil {
			t.Fatalf("item %d body is not JSON text: %q", i, a.Body)
		}
		out[i] = &a
	}
	return out
}

func batchForm(t testing.TB, s *Server, path string, items []map[string]any, extra url.Values) apiResult {
	t.Helper()
	b, err := json.Marshal(items)
	if err != nil {
		t.Fatal(err)
	}
	form := url.Values{"batch": {string(b)}, "access_token": {DefaultPageToken}}
	for k, v := range extra {
		form[k] = v
	}
	return apiForm(t, s, "POST", path, form)
}

func sendItem(psid, text string) map[string]any {
	return map[string]any{"method": "POST", "relative_url": "me/messages",
		"body": "recipient=" + url.QueryEscape(`{"id":"`+psid+`"}`) + "&messaging_type=RESPONSE&message=" + url.QueryEscape(`{"text":"`+text+`"}`)}
}

func itemError(t testing.TB, a *batchAnswer, code, subcode int, message string) {
	t.Helper()
	if a == nil {
		t.Fatal("item is null, want an error")
	}
	wantError(t, apiResult{status: a.Code, raw: []byte(a.Body), body: a.JSON}, code, subcode, message)
}

func TestBatchMixed(t *testing.T) {
	t.Parallel()
	s := newTestServer(t)
	userWrites(t, s, alice)
	first := sendItem(alice, "one")
	first["name"] = "first"
	items := []map[string]any{
		first,                                  // 0: accepted
		sendItem("1234567890123456", "nobody"), // 1: no such user
		{"method": "GET", "relative_url": "me", "name": "page"},                      // 2: the Page
		{"method": "GET", "relative_url": "{result=page:$.id}?fields=id"},            // 3: reference
		{"method": "GET", "relative_url": "me", "omit_response_on_success": true},    // 4: null
		{"method": "GET", "relative_url": "{result=first:$.nothing}"},                // 5: reference matches nothing
		{"method": "GET", "relative_url": "{result=ghost:$.id}"},                     // 6: unknown name
		{"method": "POST", "relative_url": "me/messages", "attached_files": "file1"}, // 7: not emulated
		{"method": "GET"}, // 8: no relative_url
		{"method": "GET", "relative_url": "me/nonsense"},               // 9: unknown path
		{"method": "GET", "relative_url": "/v26.0/{result=page:$.id}"}, // 10: a versioned item
	}
	failed := sendItem("1234567890123456", "x")
	failed["name"] = "bad"
	items = append(items, failed,
		map[string]any{"method": "GET", "relative_url": "me", "depends_on": "bad"},           // 12: failed dependency
		map[string]any{"method": "GET", "relative_url": "{result=bad:$.message_id}"},         // 13: failed reference
		map[string]any{"method": "GET", "relative_url": "me", "omit_response_on_success": 1}, // 14: not true: shown
	)
	before := s.Journal().Last()
	res := batchForm(t, s, "/", items, url.Values{"include_headers": {"false"}})
	got := decodeBatch(t, res)
	if len(got) != len(items) {
		t.Fatalf("%d answers for %d items", len(got), len(items))
	}
	for i, a := range got {
		if a != nil && a.HasHdrs {
			t.Errorf("item %d has headers with include_headers=false", i)
		}
	}
	if got[0] == nil || got[0].Code != 200 || got[0].JSON["recipient_id"] != alice {
		t.Fatalf("item 0: %+v", got[0])
	}
	itemError(t, got[1], 100, 2018001, msgNoUser)
	if d := cmp.Diff(map[string]any{"name": DefaultPageName, "id": DefaultPageID}, got[2].JSON); d != "" {
		t.Fatalf("item 2 (-want +got):\n%s", d)
	}
	if got[3] == nil || got[3].JSON["id"] != DefaultPageID {
		t.Fatalf("item 3: %+v", got[3])
	}
	if got[4] != nil {
		t.Fatalf("item 4 (omit_response_on_success) is %+v, want null", got[4])
	}
	itemError(t, got[5], 100, 0, msgInvalid)
	itemError(t, got[6], 100, 0, msgInvalid)
	itemError(t, got[7], 100, 0, "(#100) attached_files in batch requests is not emulated by messemu")
	itemError(t, got[8], 100, 0, "(#100) The parameter relative_url is required")
	itemError(t, got[9], 2500, 0, "Unknown path components: /nonsense")
	if got[10] == nil || got[10].JSON["id"] != DefaultPageID {
		t.Fatalf("item 10: %+v", got[10])
	}
	itemError(t, got[11], 100, 2018001, msgNoUser)
	itemError(t, got[12], 100, 0, msgInvalid)
	itemError(t, got[13], 100, 0, msgInvalid)
	if got[14] == nil || got[14].Code != 200 {
		t.Fatalf("item 14: %+v", got[14])
	}

	// The journal saw every item one by one, then the batch.
	evs := s.Journal().Find(before, func(e *Event) bool { return e.Kind == KindRequest })
	if len(evs) != len(items)+1 {
		t.Fatalf("%d journal events, want %d (one per item and the batch)", len(evs), len(items)+1)
	}
	if evs[0].API != "send" || !evs[0].Accepted || evs[1].API != "send" || evs[1].Accepted {
		t.Fatalf("first events: %+v / %+v", evs[0], evs[1])
	}
	if last := evs[len(evs)-1]; last.API != "batch" || last.Status != 200 {
		t.Fatalf("last event: %+v", last)
	}
}

func TestBatchHeadersAndJSONBody(t *testing.T) {
	t.Parallel()
	s := newTestServer(t)
	res := apiJSON(t, s, "POST", "/v26.0/", map[string]any{
		"batch": []map[string]any{
			{"method": "GET", "relative_url": "me"},
			{"method": "GET", "relative_url": "me?access_token=EAAbogus"},
		},
	})
	got := decodeBatch(t, res)
	if len(got) != 2 || got[0] == nil || got[0].Code != 200 {
		t.Fatalf("answers: %s", res.raw)
	}
	hdr := map[string]string{}
	for _, h := range got[0].Headers {
		hdr[h.Name] = h.Value
	}
	if hdr["Content-Type"] != "application/json; charset=UTF-8" || hdr["facebook-api-version"] != "v26.0" || hdr["x-fb-request-id"] == "" {
		t.Fatalf("item headers: %v", got[0].Headers)
	}
	// A per-item token wins over the batch's; a bad one fails only its item,
	// with WWW-Authenticate among its headers.
	itemError(t, got[1], 190, 0, "Invalid OAuth access token - Cannot parse access token")
	found := false
	for _, h := range got[1].Headers {
		found = found || (h.Name == "WWW-Authenticate" && strings.HasPrefix(h.Value, `OAuth "Facebook Platform" "invalid_token"`))
	}
	if !found {
		t.Fatalf("no WWW-Authenticate on a token error: %v", got[1].Headers)
	}
}

func TestBatchLimitsAndTokens(t *testing.T) {
	t.Parallel()
	items := func(n int) []map[string]any {
		out := make([]map[string]any, n)
		for i := range out {
			out[i] = map[string]any{"method": "GET", "relative_url": "me"}
		}
		return out
	}
	s := newTestServer(t)
	got := decodeBatch(t, batchForm(t, s, "/v26.0/", items(MaxBatchSize), nil))
	if len(got) != MaxBatchSize {
		t.Fatalf("%d answers", len(got))
	}
	wantError(t, batchForm(t, s, "/", items(MaxBatchSize+1), nil), 1, 0,
		"Too many requests in batch message. Maximum batch size is 50", "GraphBatchException")
	wantError(t, apiForm(t, s, "POST", "/", url.Values{"access_token": {DefaultPageToken}}), 100, 0, "(#100) The parameter batch is required")
	wantError(t, apiForm(t, s, "POST", "/", url.Values{"access_token": {DefaultPageToken}, "batch": {`{"method":"GET"}`}}), 100, 0, msgInvalid)
	// The top-level token is required even when every item has one.
	b, err := json.Marshal([]map[string]any{{"method": "GET", "relative_url": "me?access_token=" + DefaultPageToken}})
	if err != nil {
		t.Fatal(err)
	}
	wantError(t, apiForm(t, s, "POST", "/", url.Values{"batch": {string(b)}}), 104, 0, "An access token is required to request this resource.")
	// A batch cannot hold a batch.
	got = decodeBatch(t, batchForm(t, s, "/", []map[string]any{{"method": "POST", "relative_url": "v26.0/"}}, nil))
	itemError(t, got[0], 100, 0, msgInvalid)
	// The top-level proof goes with the fallback token.
	s2 := newTestServer(t, WithRequireProof(true))
	proof := defaultProof // core_test.go: computed with openssl
	got = decodeBatch(t, batchForm(t, s2, "/", items(1), url.Values{"appsecret_proof": {proof}}))
	if got[0] == nil || got[0].Code != 200 {
		t.Fatalf("item with the batch's proof: %+v", got[0])
	}
}

func TestBatchParallelSendsWarn(t *testing.T) {
	t.Parallel()
	s := newTestServer(t)
	userWrites(t, s, alice)
	userWrites(t, s, psidBob)
	warnings := func(items []map[string]any) int {
		t.Helper()
		res := batchForm(t, s, "/", items, nil)
		decodeBatch(t, res)
		n := 0
		for _, v := range lastEvent(t, s).Violations {
			if v.Rule == ruleBatchParallel.Name {
				n++
			}
		}
		return n
	}
	a1, a2, b1 := sendItem(alice, "1"), sendItem(alice, "2"), sendItem(psidBob, "1")
	if n := warnings([]map[string]any{a1, b1, a2}); n != 1 {
		t.Fatalf("two sends to alice without depends_on: %d warnings, want 1", n)
	}
	a1["name"], a2["depends_on"] = "a1", "a1"
	if n := warnings([]map[string]any{a1, b1, a2}); n != 0 {
		t.Fatalf("with depends_on: %d warnings, want 0", n)
	}
	// Through a chain: a3 depends on b1, which depends on a1.
	b1["name"], b1["depends_on"] = "b1", "a1"
	a3 := sendItem(alice, "3")
	a3["depends_on"] = "b1"
	if n := warnings([]map[string]any{a1, b1, a3}); n != 0 {
		t.Fatalf("with a depends_on chain: %d warnings, want 0", n)
	}
}

func TestJSONPath(t *testing.T) {
	t.Parallel()
	var doc any
	if err := json.Unmarshal([]byte(`{"id":"7","n":3,"data":[{"id":"a"},{"id":"b"}],"o":{"x":{"y":true}}}`), &doc); err != nil {
		t.Fatal(err)
	}
	outcomes := map[string]batchOutcome{"r": {ok: true, body: doc}}
	for in, want := range map[string]string{
		"{result=r:$.id}":          "7",
		"x/{result=r:$.n}/y":       "x/3/y",
		"{result=r:$.data.*.id}":   "a,b",
		"{result=r:$.data[*].id}":  "a,b",
		"{result=r:$.data[1].id}":  "b",
		"{result=r:$.o.x.y}":       "true",
		"{result=r:$.o.x}":         `{"y":true}`,
		"{result=r:$.o.*}":         `{"y":true}`,
		"{result=r:$.o.x.*}":       "true",
		"ids={result=r:$.data.0}&": "",
		"{result=r:$.data[9].id}":  "",
		"{result=r:$[}":            "",
		"{result=r:$..id}":         "",
	} {
		got, detail := resolveReferences(in, outcomes)
		if want == "" {
			if detail == "" {
				t.Errorf("%s resolved to %q, want a failure", in, got)
			}
			continue
		}
		if detail != "" || got != want {
			t.Errorf("%s = %q (%s), want %q", in, got, detail, want)
		}
	}
}

func TestBatchConcurrent(t *testing.T) {
	t.Parallel()
	s := newTestServer(t)
	userWrites(t, s, alice)
	done := make(chan []*batchAnswer, 8)
	for g := 0; g < 8; g++ {
		go func(g int) {
			items := []map[string]any{sendItem(alice, "g"+strconv.Itoa(g)), {"method": "GET", "relative_url": "me"}}
			b, err := json.Marshal(items)
			if err != nil {
				done <- nil
				return
			}
			r := httptest.NewRequest("POST", "/", strings.NewReader(url.Values{"batch": {string(b)}, "access_token": {DefaultPageToken}}.Encode()))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			w := httptest.NewRecorder()
			s.Handler().ServeHTTP(w, r)
			var out []*batchAnswer
			if json.Unmarshal(w.Body.Bytes(), &out) != nil {
				done <- nil
				return
			}
			done <- out
		}(g)
	}
	for g := 0; g < 8; g++ {
		out := <-done
		if len(out) != 2 || out[0] == nil || out[0].Code != 200 || !strings.Contains(out[1].Body, DefaultPageID) {
			t.Fatalf("batch %d: %+v", g, out)
		}
	}
	msgs, err := s.Thread(DefaultPageID, alice)
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 1+8 {
		t.Fatalf("thread has %d messages, want 9", len(msgs))
	}
}

// BenchmarkBatch50 runs a full batch of 50 sends through the pipeline.
func BenchmarkBatch50(b *testing.B) {
	s := newTestServer(b)
	if _, err := s.UserSends(DefaultPageID, alice, UserMessageRequest{Text: "hi"}); err != nil {
		b.Fatal(err)
	}
	items := make([]map[string]any, MaxBatchSize)
	for i := range items {
		items[i] = sendItem(alice, "n"+strconv.Itoa(i))
	}
	raw, err := json.Marshal(items)
	if err != nil {
		b.Fatal(err)
	}
	body := url.Values{"batch": {string(raw)}, "access_token": {DefaultPageToken}}.Encode()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r := httptest.NewRequest("POST", "/", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		w := httptest.NewRecorder()
		s.Handler().ServeHTTP(w, r)
		if w.Code != 200 {
			b.Fatalf("status %d", w.Code)
		}
	}
}

// TestBatchItemsCountOnce: with rate limits on, each item counts once
// against the Page's 24-hour quota (200 × 1 engaged user) and the batch
// itself not at all.
func TestBatchItemsCountOnce(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, WithRateLimits(true))
	userWrites(t, s, alice)
	items := make([]map[string]any, MaxBatchSize)
	for i := range items {
		items[i] = map[string]any{"method": "GET", "relative_url": "me"}
	}
	for b := 0; b < 4; b++ { // 200 items: the whole quota
		for i, a := range decodeBatch(t, batchForm(t, s, "/", items, nil)) {
			if a == nil || a.Code != 200 {
				t.Fatalf("batch %d item %d: %+v", b, i, a)
			}
		}
	}
	got := decodeBatch(t, batchForm(t, s, "/", items[:1], nil))
	itemError(t, got[0], 80006, 0, "(#80006) There have been too many calls to this Messenger account. Wait a bit and try again. For more info, please refer to https://developers.facebook.com/docs/graph-api/overview/rate-limiting.")
}

// Items whose body is a JSON object (as in a JSON batch), with references
// and their own token inside.
func TestBatchJSONItemBodies(t *testing.T) {
	t.Parallel()
	s := newTestServer(t)
	userWrites(t, s, alice)
	res := apiJSON(t, s, "POST", "/", map[string]any{"batch": []map[string]any{
		{"method": "GET", "relative_url": "me", "name": "page"},
		{"method": "POST", "relative_url": "me/messages", "body": map[string]any{
			"recipient": map[string]any{"id": alice}, "messaging_type": "RESPONSE",
			"message": map[string]any{"text": "hello from {result=page:$.name}"}}},
		{"method": "POST", "relative_url": "me/messages", "body": map[string]any{
			"access_token": "EAAbogus", "recipient": map[string]any{"id": alice}, "message": map[string]any{"text": "x"}}},
	}})
	got := decodeBatch(t, res)
	if got[1] == nil || got[1].Code != 200 {
		t.Fatalf("item 1: %+v", got[1])
	}
	msgs, err := s.Thread(DefaultPageID, alice)
	if err != nil {
		t.Fatal(err)
	}
	if last := string(msgs[len(msgs)-1].Body); !strings.Contains(last, "hello from "+DefaultPageName) {
		t.Fatalf("the reference was not filled in: %s", last)
	}
	itemError(t, got[2], 190, 0, "Invalid OAuth access token - Cannot parse access token")
}

// A reference a client's form encoder percent-encoded (http_build_query,
// querystring, url.Values) is found too: in a form body, in the query of
// a relative_url and in its path; the value put in its place is encoded
// for where it goes.
func TestBatchReferencesPercentEncoded(t *testing.T) {
	t.Parallel()
	s := newTestServer(t)
	userWrites(t, s, alice)
	upload := map[string]any{"method": "POST", "name": "up", "relative_url": "me/message_attachments",
		"body": "message=" + url.QueryEscape(`{"attachment":{"type":"image","payload":{"url":"https://example.com/a.png","is_reusable":true}}}`)}
	send := map[string]any{"method": "POST", "name": "sent", "relative_url": "me/messages",
		"body": "recipient=" + url.QueryEscape(`{"id":"`+alice+`"}`) + "&messaging_type=RESPONSE&message=" +
			url.QueryEscape(`{"attachment":{"type":"image","payload":{"attachment_id":"{result=up:$.attachment_id}"}}}`)}
	page := map[string]any{"method": "GET", "name": "page", "relative_url": "me?fields=id"}
	byQuery := map[string]any{"method": "GET", "relative_url": "me/thread_owner?recipient=" + url.QueryEscape("{result=sent:$.recipient_id}")}
	byPath := map[string]any{"method": "GET", "relative_url": url.PathEscape("{result=page:$.id}") + "?fields=name"}
	got := decodeBatch(t, batchForm(t, s, "/", []map[string]any{upload, send, page, byQuery, byPath}, url.Values{"include_headers": {"false"}}))
	require.Len(t, got, 5)
	for i, a := range got {
		require.NotNil(t, a, "item %d", i)
		require.Equal(t, 200, a.Code, "item %d: %s", i, a.Body)
	}
	assert.Equal(t, alice, got[1].JSON["recipient_id"])
	assert.Contains(t, got[3].Body, DefaultAppID, "the thread's owner: %s", got[3].Body)
	assert.Equal(t, DefaultPageName, got[4].JSON["name"])
}

// A fault rule with timeout makes the batch items it matches time out:
// null in the answer, not run, a failed outcome for the items that depend
// on it (PLATFORM.md §9); outside a batch the rule matches nothing.
func TestBatchItemTimesOut(t *testing.T) {
	t.Parallel()
	s := newTestServer(t)
	userWrites(t, s, alice)
	rule, err := s.AddFault(FaultRule{API: "send", Timeout: true, Times: 1})
	require.NoError(t, err)
	res := apiJSON(t, s, "POST", "/v26.0/me/messages", map[string]any{"recipient": map[string]any{"id": alice}, "messaging_type": "RESPONSE", "message": map[string]any{"text": "alone"}})
	require.Equal(t, 200, res.status, "a timeout rule leaves a call outside a batch alone: %s", res.raw)

	timed := sendItem(alice, "lost")
	timed["name"] = "lost"
	items := []map[string]any{
		timed, // 0: times out
		{"method": "GET", "relative_url": "me", "depends_on": "lost"}, // 1: its dependent fails
		sendItem(alice, "kept"), // 2: the rule is spent
	}
	before := s.Journal().Last()
	got := decodeBatch(t, batchForm(t, s, "/", items, nil))
	require.Len(t, got, 3)
	assert.Nil(t, got[0], "the timed-out item is null")
	require.NotNil(t, got[1])
	assert.Equal(t, 400, got[1].Code, "depends on a timed-out item")
	require.NotNil(t, got[2])
	assert.Equal(t, 200, got[2].Code)

	var texts []string
	var timedOut bool
	for _, ev := range s.Journal().Find(before, func(*Event) bool { return true }) {
		switch ev.Kind {
		case KindRequest:
			if ev.API == APISend {
				texts = append(texts, string(ev.Request))
			}
		case KindFault:
			timedOut = timedOut || strings.Contains(string(ev.Detail), `"timed_out":true`)
			text, ok := TimedOutText(&ev)
			assert.True(t, ok)
			assert.Equal(t, "a batch item (send) timed out, forced by fault rule "+rule.ID+": the bot got null for it", text)
			assert.Equal(t, alice, ev.PSID, "in the user's conversation")
		}
	}
	assert.True(t, timedOut, "the fault event says the item timed out")
	require.Len(t, texts, 1, "the timed-out send was not run: %v", texts)
	assert.Contains(t, texts[0], "kept")
	for _, f := range s.Faults() {
		if f.ID == rule.ID {
			assert.Equal(t, 1, f.Applied)
		}
	}

	_, err = s.AddFault(FaultRule{Timeout: true, Error: validator.KeyUnavailable})
	assert.Error(t, err, "a timeout and an error")
}
