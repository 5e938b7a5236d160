package fakegraph

import (
	"io"
	"mime"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReadAllTrustsNoLength: the body is read whole (up to the limit and
// one byte more) whatever length the request claims.
func TestReadAllTrustsNoLength(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		body    string
		claimed int64
		limit   int64
		want    string
	}{
		{"abcdef", 6, 100, "abcdef"},
		{"abcdef", 2, 100, "abcdef"}, // longer than it said
		{"abcdef", -1, 100, "abcdef"},
		{"abcdef", 6, 3, "abcd"}, // over the limit: one byte more tells
		{"abcdef", 2, 3, "abcd"},
	} {
		r := httptest.NewRequest("POST", "/", io.NopCloser(strings.NewReader(tc.body)))
		r.ContentLength = tc.claimed
		got, err := readAll(r.Body, r.ContentLength, tc.limit)
		require.NoError(t, err)
		assert.Equal(t, tc.want, string(got), "%+v", tc)
	}
}

// A JSON body with anything but space after its object is refused as
// malformed (code 100), a stray closing bracket too, whichever decoder
// reads it (invalid UTF-8 sends the body to encoding/json).
func TestJSONBodyWithTrailingBracketIsRefused(t *testing.T) {
	t.Parallel()
	post := sendPoster(t)
	send := `{"recipient":{"id":"` + alice + `"},"messaging_type":"RESPONSE","message":{"text":"x`
	for _, body := range []string{
		send + `"}}}`, send + `"}}]`, send + `"}} }`, send + "\xff\"}}}", send + "\xff\"}}]",
	} {
		rec := post("application/json", body)
		assert.Equal(t, 400, rec.Code, "%q", body)
		assert.Contains(t, rec.Body.String(), `"code":100`, "%q", body)
	}
	// The same bodies without the stray bracket are accepted.
	rec := post("application/json", send+`"}} `)
	assert.Equal(t, 200, rec.Code, rec.Body.String())
}

// sendPoster is a server Alice has written to, and a function that POSTs a
// body of a content type to its Send API.
func sendPoster(t *testing.T) func(contentType, body string) *httptest.ResponseRecorder {
	s := New()
	_, err := s.UserSends(DefaultPageID, alice, UserMessageRequest{Text: "hi"})
	require.NoError(t, err)
	h := s.Handler()
	return func(contentType, body string) *httptest.ResponseRecorder {
		r := httptest.NewRequest("POST", "/v26.0/me/messages?access_token="+DefaultPageToken, strings.NewReader(body))
		r.Header.Set("Content-Type", contentType)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		return rec
	}
}

// TestJSONParamWithTrailingBracketIsRefused: an object sent as JSON text
// (a form field, or a string in a JSON body) with a stray bracket after it
// is not valid JSON, and is refused as any other; encoding/json's
// Decoder.More took the bracket for the end of an enclosing value.
func TestJSONParamWithTrailingBracketIsRefused(t *testing.T) {
	t.Parallel()
	post := sendPoster(t)
	for _, msg := range []string{`{"text":"x"}`, `{"text":"x"} `, `{"text":"x"}}`, `{"text":"x"}]`, `{"text":"x"} }`, `{"text":"x"}}}`} {
		want := 200
		if strings.TrimSpace(msg) != `{"text":"x"}` {
			want = 400
		}
		form := url.Values{"recipient": {`{"id":"` + alice + `"}`}, "messaging_type": {"RESPONSE"}, "message": {msg}}.Encode()
		rec := post("application/x-www-form-urlencoded", form)
		assert.Equal(t, want, rec.Code, "form message=%s: %s", msg, rec.Body)
		if want == 400 {
			assert.Contains(t, rec.Body.String(), `"code":100`)
		}
		body := `{"recipient":{"id":"` + alice + `"},"messaging_type":"RESPONSE","message":` + string(appendJSONString(nil, msg)) + `}`
		rec = post("application/json", body)
		assert.Equal(t, want, rec.Code, "JSON body, message as the text %s: %s", msg, rec.Body)
	}
}

// TestJSONWithParametersIsParseMediaType: the Content-Types read as JSON
// without mime.ParseMediaType are ones it names application/json, and the
// usual spellings with a charset are among them.
func TestJSONWithParametersIsParseMediaType(t *testing.T) {
	t.Parallel()
	for _, ct := range []string{"application/json; charset=utf-8", "Application/JSON;charset=UTF-8", " application/json ; charset=utf-8", "application/json;", "APPLICATION/JSON"} {
		assert.True(t, jsonWithParameters(ct), ct)
		sameMediaType(t, ct)
	}
	for _, ct := range []string{"", "application/json-patch+json", "application/jsonp", "text/json; charset=utf-8", "application\x0fjson", "applİcation/json", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "AppliCAtion/json;0=1;0=0", "application/json; charset=utf-8;"} {
		assert.False(t, jsonWithParameters(ct), ct)
	}
}

func FuzzJSONWithParameters(f *testing.F) {
	for _, ct := range []string{"application/json; charset=utf-8", "Application/Json", "application/json ;x", "applicatioN/jsoN;;"} {
		f.Add(ct)
	}
	f.Fuzz(sameMediaType)
}

func sameMediaType(t *testing.T, ct string) {
	if jsonWithParameters(ct) {
		mt, _, _ := mime.ParseMediaType(ct)
		require.Equal(t, "application/json", mt, "%q", ct)
	}
}

// TestFormNullIsJSONNull: a form value null is JSON's null (object values
// are JSON text in a form, §2), so an optional field sent so is absent with
// a warning as in a JSON body (D22), in a batch item's body too; a
// required one is missing; the token stays text.
func TestFormNullIsJSONNull(t *testing.T) {
	t.Parallel()
	s := New()
	userWrites(t, s, alice)
	form := "application/x-www-form-urlencoded"
	send := "recipient=" + url.QueryEscape(`{"id":"`+alice+`"}`) + "&messaging_type=RESPONSE&message=" + url.QueryEscape(`{"text":"x"}`)
	tok := "?access_token=" + DefaultPageToken

	code, _, out := do(t, s, "POST", "/me/messages"+tok, form, send+"&reply_to=null")
	if code != 200 {
		t.Fatalf("reply_to=null: %d %v", code, out)
	}
	var nulls []string
	for _, v := range lastRequest(t, s).Violations {
		if v.Severity == "warning" && v.Rule == "lenient.null-or-empty" {
			nulls = append(nulls, v.Path)
		}
	}
	if !slices.Equal(nulls, []string{"reply_to"}) {
		t.Errorf("null warnings on %v, want reply_to", nulls)
	}

	code, _, out = do(t, s, "POST", "/me/messenger_profile"+tok, form, "whitelisted_domains=null&greeting="+url.QueryEscape(`[{"locale":"default","text":"hey"}]`))
	if code != 200 {
		t.Errorf("whitelisted_domains=null: %d %v", code, out)
	}

	code, _, out = do(t, s, "POST", "/me/messages"+tok, form, "recipient=null&message="+url.QueryEscape(`{"text":"x"}`))
	if diff := cmp.Diff(requiredBody("recipient"), graphError(t, out)); code != 400 || diff != "" {
		t.Errorf("recipient=null: %d (-want +got)\n%s", code, diff)
	}

	code, _, out = do(t, s, "POST", "/me/messages", form, send+"&access_token=null")
	if e, _ := out["error"].(map[string]any); code != 400 || e["code"] != float64(190) {
		t.Errorf("access_token=null: %d %v, want 190 (a token that does not parse)", code, out)
	}

	batch := `[{"method":"POST","relative_url":"me/messages","body":"` + strings.ReplaceAll(send, `"`, `\"`) + `&reply_to=null"}]`
	req := httptest.NewRequest("POST", "/"+tok, strings.NewReader("batch="+url.QueryEscape(batch)))
	req.Header.Set("Content-Type", form)
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"code":200`) {
		t.Fatalf("batch: %d %s", rec.Code, rec.Body)
	}
	if e := lastRequest(t, s); !e.Accepted {
		t.Errorf("the batch item with reply_to=null was refused: %+v", e.Violations)
	}
}

// TestFormNullOfATextParamIsText: only an object parameter's null is JSON's
// null; a text parameter's is its text (a label may be named "null", as
// it may in a JSON body).
func TestFormNullOfATextParamIsText(t *testing.T) {
	t.Parallel()
	s := New()
	code, _, out := do(t, s, "POST", "/me/custom_labels?access_token="+DefaultPageToken, "application/x-www-form-urlencoded", "page_label_name=null")
	if code != 200 || out["id"] == nil {
		t.Fatalf("a label named null: %d %v", code, out)
	}
}

// TestJournalRecordsALoneSurrogateAsText: a JSON body with half a UTF-16
// pair escaped (valid JSON; the platform reads U+FFFD) is journalled from
// its values, not copied as it came, so the journal is strict JSON text.
func TestJournalRecordsALoneSurrogateAsText(t *testing.T) {
	t.Parallel()
	s := New()
	userWrites(t, s, alice)
	body := `{"recipient":{"id":"` + alice + `"},"messaging_type":"RESPONSE","message":{"text":"a\ud800b"}}`
	code, _, out := do(t, s, "POST", "/me/messages?access_token="+DefaultPageToken, "application/json", body)
	if code != 200 {
		t.Fatalf("%d %v", code, out)
	}
	rec := string(lastRequest(t, s).Request)
	if strings.Contains(strings.ToLower(rec), `\ud800`) || !strings.Contains(rec, "a\ufffdb") {
		t.Errorf("the journal's request is %s, want the text with U+FFFD", rec)
	}
}
