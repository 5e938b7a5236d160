package fakegraph

import (
	"io"
	"mime"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

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
