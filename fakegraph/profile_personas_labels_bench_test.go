package fakegraph

import (
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

// benchCall serves one Graph call and fails the benchmark unless it is 200.
func benchCall(b *testing.B, s *Server, method, path, body string) {
	b.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+DefaultPageToken)
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	if rec.Code != 200 {
		b.Fatalf("%s %s: %d %s", method, path, rec.Code, rec.Body.String())
	}
}

// BenchmarkMessengerProfileSet sets a Get Started button and a full menu.
func BenchmarkMessengerProfileSet(b *testing.B) {
	s := New()
	body := `{` + gs + `,` + menu(repeatJSON(menuItem, 20)) + `,"greeting":[{"locale":"default","text":"Hi"}]}`
	b.ReportAllocs()
	for b.Loop() {
		benchCall(b, s, "POST", "/me/messenger_profile", body)
	}
}

// BenchmarkPersonaPage reads the first page of 1000 personas.
func BenchmarkPersonaPage(b *testing.B) {
	s := New()
	for i := 0; i < 1000; i++ {
		benchCall(b, s, "POST", "/me/personas", `{"name":"P`+strconv.Itoa(i)+`","profile_picture_url":"https://www.example.com/p.png"}`)
	}
	b.ReportAllocs()
	for b.Loop() {
		benchCall(b, s, "GET", "/me/personas?limit=25", "")
	}
}

// BenchmarkLabelUser puts a label on a user (and journals inbox_labels).
func BenchmarkLabelUser(b *testing.B) {
	s := New()
	req := httptest.NewRequest("POST", "/me/custom_labels", strings.NewReader(`{"page_label_name":"vip"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+DefaultPageToken)
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	id := strings.Split(rec.Body.String(), `"`)[3]
	b.ReportAllocs()
	for b.Loop() {
		benchCall(b, s, "POST", "/"+id+"/label?user="+alice, "")
	}
}
