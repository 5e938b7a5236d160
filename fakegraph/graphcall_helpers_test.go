package fakegraph

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const (
	bob   = "6283749102837465"
	carla = "7391028374650192"
	// nobody is a well-formed PSID no test user has.
	nobody = "1000000000000001"
)

// graph sends a Graph call with the default token (a JSON body when body
// is not ""), and returns the status and the decoded answer.
func graph(t *testing.T, s *Server, method, path, body string) (int, map[string]any) {
	t.Helper()
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	ctype := ""
	if body != "" {
		ctype = "application/json"
	}
	code, _, out := do(t, s, method, path+sep+"access_token="+DefaultPageToken, ctype, body)
	return code, out
}

// mustGraph is graph that fails the test unless the answer is 200.
func mustGraph(t *testing.T, s *Server, method, path, body string) map[string]any {
	t.Helper()
	code, out := graph(t, s, method, path, body)
	if code != http.StatusOK {
		t.Fatalf("%s %s %s: want 200, got %d %v", method, path, body, code, out)
	}
	return out
}

// wantError checks a refused call's answer, exactly (minus fbtrace_id).
func wantGraphError(t *testing.T, code int, out map[string]any, want map[string]any) {
	t.Helper()
	if code != http.StatusBadRequest {
		t.Fatalf("want HTTP 400, got %d %v", code, out)
	}
	if diff := cmp.Diff(want, graphError(t, out)); diff != "" {
		t.Errorf("error body (-want +got):\n%s", diff)
	}
}

// oauth100 is a 100 OAuthException with message msg.
func oauth100(msg string) map[string]any { return errBody(100, 0, "OAuthException", msg) }

func unsupportedBody(method, id string) map[string]any {
	return errBody(100, 33, "GraphMethodException", fmt.Sprintf("Unsupported %s request. Object with ID '%s' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api", method, id))
}

var (
	invalidBody = oauth100("(#100) Invalid parameter")
	// extDomainBody is the refusal of messenger extensions off a whitelisted HTTPS domain.
	extDomainBody = oauth100("(#100) The URL provided is not whitelisted for messenger extensions")
	noUserBody    = errBody(100, 2018001, "OAuthException", "(#100) No matching user found")
	success       = map[string]any{"success": true}
	resultOK      = map[string]any{"result": "success"}
)

func requiredBody(path string) map[string]any {
	return oauth100("(#100) The parameter " + path + " is required")
}

func lengthBody(path string, n int) map[string]any {
	return oauth100(fmt.Sprintf("(#100) Length of param %s must be less than or equal to %d", path, n))
}

func stringBody(path string) map[string]any {
	return oauth100("(#100) Param " + path + " must be a non-empty UTF-8 encoded string")
}

func urlBody(path string) map[string]any {
	return oauth100("(#100) " + path + " should represent a valid URL")
}

func tooManyBody(path string) map[string]any {
	return errBody(105, 0, "OAuthException", "(#105) param "+path+" has too many elements.")
}

func tooFewBody(path string) map[string]any {
	return errBody(194, 0, "OAuthException", "(#194) param "+path+" has too few elements.")
}

// jsonText marshals v for a request body.
func jsonText(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// repeatJSON is n copies of item as a JSON array text.
func repeatJSON(item string, n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = strings.ReplaceAll(item, "%d", fmt.Sprint(i))
	}
	return "[" + strings.Join(parts, ",") + "]"
}

// getURL follows an absolute URL the emulator handed out (paging.next).
func getURL(t *testing.T, s *Server, rawURL string) map[string]any {
	t.Helper()
	req := httptest.NewRequest("GET", rawURL, nil)
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	var out map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		t.Fatalf("GET %s: %v\n%s", rawURL, err, rec.Body.String())
	}
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s: %d %v", rawURL, rec.Code, out)
	}
	return out
}
