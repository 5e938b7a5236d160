package fakegraph

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// manyParts is a multipart body of n tiny form parts.
func manyParts(tb testing.TB, n int) ([]byte, string) {
	tb.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for i := range n {
		require.NoError(tb, mw.WriteField("p"+strconv.Itoa(i), "x"))
	}
	require.NoError(tb, mw.Close())
	return buf.Bytes(), mw.FormDataContentType()
}

func postMultipart(s *Server, body []byte, ct string) *httptest.ResponseRecorder {
	r := httptest.NewRequest("POST", "/v26.0/me/message_attachments?access_token="+DefaultPageToken, bytes.NewReader(body))
	r.Header.Set("Content-Type", ct)
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, r)
	return rec
}

func TestMultipartOfManyPartsIsRefused(t *testing.T) {
	t.Parallel()
	s := New()
	body, ct := manyParts(t, 200_000)
	require.Less(t, len(body), DefaultBodyLimit, "under the size cap: the part count alone refuses it")
	rec := postMultipart(s, body, ct)
	require.Equal(t, 400, rec.Code)
	var env struct {
		Error struct{ Code int } `json:"error"`
	}
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &env))
	assert.Equal(t, 100, env.Error.Code)
	ev := s.Journal().After(s.Journal().Last()-1, 1)[0]
	require.NotEmpty(t, ev.Violations)
	assert.Contains(t, ev.Violations[len(ev.Violations)-1].Detail, "more than 1000 parts")

	// A thousand parts is still read (and answered on its merits).
	body, ct = manyParts(t, 1000)
	rec = postMultipart(s, body, ct)
	assert.NotContains(t, rec.Body.String(), "parts")
	ev = s.Journal().After(s.Journal().Last()-1, 1)[0]
	for _, v := range ev.Violations {
		assert.NotContains(t, v.Detail, "more than 1000 parts")
	}
}

// BenchmarkManyPartMultipart measures what a 200,000-part body costs
// (B/op is the heap it allocates); before the part bound it was several
// hundred megabytes.
func BenchmarkManyPartMultipart(b *testing.B) {
	s := New()
	body, ct := manyParts(b, 200_000)
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if rec := postMultipart(s, body, ct); rec.Code != 400 {
			b.Fatalf("status %d", rec.Code)
		}
	}
}
