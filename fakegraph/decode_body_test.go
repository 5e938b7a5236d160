package fakegraph

import (
	"io"
	"net/http/httptest"
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
	s := New()
	_, err := s.UserSends(DefaultPageID, alice, UserMessageRequest{Text: "hi"})
	require.NoError(t, err)
	h := s.Handler()
	send := `{"recipient":{"id":"` + alice + `"},"messaging_type":"RESPONSE","message":{"text":"x`
	for _, body := range []string{
		send + `"}}}`, send + `"}}]`, send + `"}} }`, send + "\xff\"}}}", send + "\xff\"}}]",
	} {
		r := httptest.NewRequest("POST", "/v26.0/me/messages?access_token="+DefaultPageToken, strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		assert.Equal(t, 400, rec.Code, "%q", body)
		assert.Contains(t, rec.Body.String(), `"code":100`, "%q", body)
	}
	// The same bodies without the stray bracket are accepted.
	r := httptest.NewRequest("POST", "/v26.0/me/messages?access_token="+DefaultPageToken, strings.NewReader(send+`"}} `))
	r.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	assert.Equal(t, 200, rec.Code, rec.Body.String())
}
