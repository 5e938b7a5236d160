package fakegraph

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestQueryThatDoesNotParse: a query string Go's parser would drop pairs
// of (a bad escape, too many pairs) is refused, never read without them;
// a garbled token or proof is the token's or proof's refusal (PLATFORM.md
// §1.2, §1.3).
func TestQueryThatDoesNotParse(t *testing.T) {
	t.Parallel()
	many := make([]string, maxParams)
	for i := range many {
		many[i] = "p" + strconv.Itoa(i) + "=1"
	}
	cases := []struct {
		name, target string
		want         map[string]any
		detail       string
	}{
		{"bad escape in fields", "/" + alice + "?fields=email%ZZ&access_token=" + DefaultPageToken, invalidBody, "the query string does not parse"},
		{"bad escape in a cursor", "/me/personas?limit=2&after=abc%ZZ&access_token=" + DefaultPageToken, invalidBody, "the query string does not parse"},
		{"too many pairs", "/me?access_token=" + DefaultPageToken + "&" + strings.Join(many, "&"), invalidBody, "more than 10000 parameters"},
		{"garbled token", "/me?access_token=EAA%ZZ", errBody(190, 0, "OAuthException", "Invalid OAuth access token - Cannot parse access token"), "unknown token"},
		{"garbled proof", "/me?appsecret_proof=%ZZ&access_token=" + DefaultPageToken, errBody(100, 0, "GraphMethodException", "Invalid appsecret_proof provided in the API argument"), ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := New()
			code, _, out := do(t, s, "GET", tc.target, "", "")
			wantGraphError(t, code, out, tc.want)
			if tc.detail == "" {
				return
			}
			e := lastEvent(t, s)
			if len(e.Violations) == 0 || !strings.Contains(e.Violations[0].Detail, tc.detail) {
				t.Errorf("journal violations %+v, want one saying %q", e.Violations, tc.detail)
			}
		})
	}
}

// TestSemicolonInParams: a ";" is a character of its value in a query and
// in a form body (Go's parser would refuse the pair): a form send's text
// keeps it.
func TestSemicolonInParams(t *testing.T) {
	t.Parallel()
	s := New()
	if _, err := s.UserSends(DefaultPageID, alice, UserMessageRequest{Text: "hi"}); err != nil {
		t.Fatal(err)
	}
	form := url.Values{}
	form.Set("recipient", `{"id":"`+alice+`"}`)
	form.Set("messaging_type", "RESPONSE")
	body := form.Encode() + `&message={"text":"a;b"}` // the ";" as curl -d sends it
	code, _, out := do(t, s, "POST", "/v26.0/me/messages?access_token="+DefaultPageToken, "application/x-www-form-urlencoded", body)
	if code != 200 {
		t.Fatalf("form send with a ';': %d %v", code, out)
	}
	msgs, err := s.Thread(DefaultPageID, alice)
	if err != nil {
		t.Fatal(err)
	}
	if last := msgs[len(msgs)-1]; string(last.Body) != `{"text":"a;b"}` {
		t.Errorf("stored message %s, want the text a;b", last.Body)
	}
	code, _, out = do(t, s, "GET", "/me?fields=name;id&access_token="+DefaultPageToken, "", "")
	wantGraphError(t, code, out, oauth100("(#100) Tried accessing nonexisting field (name;id) on node type (Page)"))
}

// TestBatchItemQueryKept: an item's query reaches the pipeline as it came,
// the batch's token added beside it; a pair that does not parse is not
// dropped on the way.
func TestBatchItemQueryKept(t *testing.T) {
	t.Parallel()
	s := New()
	got := decodeBatch(t, batchForm(t, s, "/", []map[string]any{
		{"method": "GET", "relative_url": "me?fields=name%ZZ"},
		{"method": "GET", "relative_url": "me?fields=name"},
	}, nil))
	itemError(t, got[0], 100, 0, "(#100) Invalid parameter")
	if got[1].Code != 200 || got[1].JSON["name"] != DefaultPageName {
		t.Errorf("item 2: %+v, want 200 with the Page's name", got[1])
	}
}

// FuzzParseParams: parseParams reads what url.ParseQuery reads wherever
// Go's parser takes the whole input, and never panics.
func FuzzParseParams(f *testing.F) {
	for _, s := range []string{"", "a=1&b=2", "a=%ZZ&b=2", "a;b=1", "a=1&a=2&&=3", "x+y=%20z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := parseParams(s)
		want, werr := url.ParseQuery(s)
		if werr != nil {
			return
		}
		if err != nil {
			t.Fatalf("parseParams(%q): %v, but url.ParseQuery takes it", s, err)
		}
		if len(got) != len(want) {
			t.Fatalf("parseParams(%q) = %v, want %v", s, got, want)
		}
		for k, vs := range want {
			if !slices.Equal(got[k], vs) {
				t.Fatalf("parseParams(%q)[%q] = %q, want %q", s, k, got[k], vs)
			}
		}
	})
}

// TestRepeatedTokenLastWins: a repeated access_token is read as every
// repeated parameter is, its last value standing, so that the proof made
// for that token matches.
func TestRepeatedTokenLastWins(t *testing.T) {
	t.Parallel()
	s := New()
	proof := AppSecretProof(DefaultAppSecret, DefaultPageToken)
	code, _, out := do(t, s, "GET", "/me?access_token=garbage&access_token="+DefaultPageToken+"&appsecret_proof="+proof, "", "")
	if code != 200 {
		t.Errorf("garbage then the token, with the token's proof: %d %v, want 200", code, out)
	}
	code, _, out = do(t, s, "GET", "/me?access_token="+DefaultPageToken+"&access_token=garbage", "", "")
	wantGraphError(t, code, out, errBody(190, 0, "OAuthException", "Invalid OAuth access token - Cannot parse access token"))
}

// TestBadQueryOnPathsWithoutRoutes: a query that does not parse is judged
// after the path, and a path of the platform's that messemu has no route
// for is told apart there as without the bad pair (§2, §1.2, D28).
func TestBadQueryOnPathsWithoutRoutes(t *testing.T) {
	t.Parallel()
	s := New()
	for _, tc := range []struct {
		path string
		want map[string]any
	}{
		{"/me/feed?x=%ZZ", oauth100("(#100) The Page's feed edge is not emulated by messemu")},
		{"/me/messages?x=%ZZ", oauth100("(#100) For field 'messages': The parameter user_id is required")},
		{"/?ids=" + alice + "&x=%ZZ", oauth100("(#100) Reading several nodes at once (the ids parameter) is not emulated by messemu")},
		{"/123456789012345/feed?x=%ZZ", unsupportedBody("get", "123456789012345")},
		{"/me/nonsense?x=%ZZ", errBody(2500, 0, "OAuthException", "Unknown path components: /nonsense")},
		{"/me/personas?x=%ZZ", invalidBody},
	} {
		code, out := graph(t, s, "GET", tc.path, "")
		wantGraphError(t, code, out, tc.want)
	}
}
