package fakegraph

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHomePageForBrowsers(t *testing.T) {
	t.Parallel()
	s := New()
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "http://127.0.0.1:8765/", nil))
	require.Equal(t, http.StatusOK, rec.Code)
	assert.Equal(t, "text/html; charset=utf-8", rec.Header().Get("Content-Type"))
	body := rec.Body.String()
	for _, want := range []string{"emulator of Facebook's Messenger Platform", "http://127.0.0.1:8765/_messemu/v1/", `/_messemu/v1/journal"`, "docs/rules.md", DefaultPageID, "/users/5275811702471834/messages"} {
		assert.Contains(t, body, want)
	}
	for _, secret := range []string{DefaultPageToken, DefaultAppSecret, DefaultVerifyToken} {
		assert.NotContains(t, body, secret, "the page is served to anyone who reaches the port")
	}
}

func TestHomePageLeavesGraphCallsAlone(t *testing.T) {
	t.Parallel()
	s := New()
	for _, r := range []*http.Request{
		httptest.NewRequest(http.MethodGet, "/?access_token="+DefaultPageToken, nil),
		httptest.NewRequest(http.MethodGet, "/v26.0/", nil),
		httptest.NewRequest(http.MethodPost, "/", strings.NewReader("batch=[]")),
	} {
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, r)
		assert.NotContains(t, rec.Body.String(), "<html", "%s %s", r.Method, r.URL)
		assert.Contains(t, rec.Body.String(), `"error"`, "%s %s: a Graph answer", r.Method, r.URL)
	}
}

func TestHomePageOption(t *testing.T) {
	t.Parallel()
	s := New(WithHomePage(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := w.Write([]byte("web ui")); err != nil {
			t.Error(err)
		}
	})))
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	assert.Equal(t, "web ui", rec.Body.String())
}
