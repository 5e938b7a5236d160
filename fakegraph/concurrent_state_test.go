package fakegraph

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestConcurrentProfilePersonasLabels has 32 goroutines create personas and
// labels, label users, unlabel, delete and read at once (run it with
// -race); the state at the end is exactly what the calls add up to.
func TestConcurrentProfilePersonasLabels(t *testing.T) {
	t.Parallel()
	s := New()
	users := []string{alice, bob, carla}
	const workers = 32
	type result struct {
		keptPersona, goneLabel, keptLabel string
		err                               error
	}
	results := make([]result, workers)
	call := func(method, path, body string) (map[string]any, error) {
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		req := httptest.NewRequest(method, path+sep+"access_token="+DefaultPageToken, strings.NewReader(body))
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		var out map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
			return nil, err
		}
		if rec.Code != http.StatusOK {
			return nil, fmt.Errorf("%s %s: %d %v", method, path, rec.Code, out)
		}
		return out, nil
	}
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			res := &results[w]
			step := func(method, path, body string) map[string]any {
				if res.err != nil {
					return nil
				}
				out, err := call(method, path, body)
				res.err = err
				return out
			}
			id := func(out map[string]any) string {
				s, _ := out["id"].(string)
				return s
			}
			kept := id(step("POST", "/me/personas", fmt.Sprintf(`{"name":"Agent %d","profile_picture_url":"https://www.example.com/%d.png"}`, w, w)))
			gone := id(step("POST", "/me/personas", fmt.Sprintf(`{"name":"Temp %d","profile_picture_url":"https://www.example.com/t%d.png"}`, w, w)))
			keep := id(step("POST", "/me/custom_labels", fmt.Sprintf(`{"page_label_name":"keep %d"}`, w)))
			drop := id(step("POST", "/me/custom_labels", fmt.Sprintf(`{"name":"drop %d"}`, w)))
			u := users[w%len(users)]
			step("POST", "/"+keep+"/label", `{"user":"`+u+`"}`)
			step("POST", "/"+drop+"/label", `{"user":"`+u+`"}`)
			// Every user gets then loses the keep label, except the worker's own.
			for _, other := range users {
				if other != u {
					step("POST", "/"+keep+"/label?user="+other, "")
					step("DELETE", "/"+keep+"/label?user="+other, "")
				}
			}
			step("GET", "/me/personas?limit=7", "")
			step("GET", "/"+u+"/custom_labels", "")
			step("DELETE", "/"+gone, "")
			step("DELETE", "/"+drop, "")
			step("GET", "/me/custom_labels", "")
			res.keptPersona, res.keptLabel, res.goneLabel = kept, keep, drop
		}(w)
	}
	wg.Wait()

	wantPersonas := map[string]string{}
	wantLabels := map[string][]string{}
	for w, r := range results {
		if r.err != nil {
			t.Fatalf("worker %d: %v", w, r.err)
		}
		wantPersonas[r.keptPersona] = fmt.Sprintf("Agent %d", w)
		wantLabels[r.keptLabel] = []string{users[w%len(users)]}
	}
	live, err := s.Personas(DefaultPageID)
	if err != nil {
		t.Fatal(err)
	}
	gotPersonas := map[string]string{}
	for _, p := range live {
		gotPersonas[p.ID] = p.Name
	}
	if diff := cmp.Diff(wantPersonas, gotPersonas); diff != "" {
		t.Errorf("live personas (-want +got):\n%s", diff)
	}
	all, err := s.allPersonas(DefaultPageID)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2*workers {
		t.Errorf("%d personas known, want %d (soft delete keeps them)", len(all), 2*workers)
	}
	labels, err := s.Labels(DefaultPageID)
	if err != nil {
		t.Fatal(err)
	}
	gotLabels := map[string][]string{}
	for _, l := range labels {
		gotLabels[l.ID] = l.Users
	}
	if diff := cmp.Diff(wantLabels, gotLabels); diff != "" {
		t.Errorf("labels and their users (-want +got):\n%s", diff)
	}
	// Paging through the Graph API sees exactly the live personas.
	var paged []string
	next := "/me/personas?limit=5"
	for next != "" {
		out, err := call("GET", next, "")
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range out["data"].([]any) {
			paged = append(paged, d.(map[string]any)["id"].(string))
		}
		next = ""
		if p, ok := out["paging"].(map[string]any); ok {
			if n, ok := p["next"].(string); ok {
				next = n // absolute; httptest takes it as is
			}
		}
	}
	sort.Strings(paged)
	var want []string
	for id := range wantPersonas {
		want = append(want, id)
	}
	sort.Strings(want)
	if diff := cmp.Diff(want, paged); diff != "" {
		t.Errorf("paged personas (-want +got):\n%s", diff)
	}
	// 32 × (2 + 2·2) label changes, each an inbox_labels event.
	n := len(s.Journal().Find(0, func(e *Event) bool { return e.API == FieldInboxLabels }))
	if n != workers*6 {
		t.Errorf("%d inbox_labels events, want %d", n, workers*6)
	}
}
