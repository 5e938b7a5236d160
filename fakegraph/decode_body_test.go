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
