package fakegraph

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"
)

const (
	secondPageID    = "209876543210987"
	secondPageToken = "EAAMessemuSecondPageToken"
	// aliceThere is Alice's PSID on the second Page; aliceASID her
	// app-scoped ID (she logged in to the app).
	aliceThere = "8275811702471834"
	aliceASID  = "10152368852405295"
)

// idMatchingServer hosts two Pages; Alice writes to both (one person),
// Bob only to the first.
func idMatchingServer(t *testing.T) *Server {
	t.Helper()
	return newTestServer(t,
		WithPage(Page{ID: DefaultPageID, Name: DefaultPageName, Token: DefaultPageToken}),
		WithPage(Page{ID: secondPageID, Name: "messemu Second Page", Token: secondPageToken}),
		WithUsers(
			User{PSID: alice, Name: "Alice Martin", Person: "alice", ASID: aliceASID},
			User{PSID: aliceThere, PageID: secondPageID, Name: "Alice Martin", Person: "alice"},
			User{PSID: bob, Name: "Bob Chen"},
		))
}

// idCall sends GET path with token and, unless empty, its appsecret_proof.
func idCall(t *testing.T, s *Server, path, token string, proof bool) apiResult {
	t.Helper()
	q := url.Values{"access_token": {token}}
	if proof {
		q.Set("appsecret_proof", AppSecretProof(DefaultAppSecret, token))
	}
	sep := "?"
	if u, err := url.Parse(path); err == nil && u.RawQuery != "" {
		sep = "&"
	}
	return apiDo(t, s, httptest.NewRequest(http.MethodGet, path+sep+q.Encode(), nil))
}

func pageItem(psid, pageID, name string) map[string]any {
	return map[string]any{"id": psid, "page": map[string]any{"id": pageID, "name": name}}
}

func cursorsOf(collection string, first, last uint64) map[string]any {
	cc := cursorCodec{collection: collection}
	return map[string]any{"cursors": map[string]any{"before": cc.encode(first), "after": cc.encode(last)}}
}

func TestIDsForPages(t *testing.T) {
	t.Parallel()
	s := idMatchingServer(t)
	both := []any{pageItem(alice, DefaultPageID, DefaultPageName), pageItem(aliceThere, secondPageID, "messemu Second Page")}

	wantOK(t, idCall(t, s, "/v26.0/"+alice+"/ids_for_pages", DefaultPageToken, true),
		map[string]any{"data": both, "paging": cursorsOf("ids_for_pages:"+alice, 1, 2)})
	e := lastEvent(t, s)
	require.Equal(t, APIIDMatching, e.API)
	require.Equal(t, alice, e.PSID, "the journal puts the call in Alice's thread")

	// From the other side: Alice's PSID on the second Page, its token.
	wantOK(t, idCall(t, s, "/"+aliceThere+"/ids_for_pages", secondPageToken, true),
		map[string]any{"data": both, "paging": cursorsOf("ids_for_pages:"+aliceThere, 1, 2)})

	// page narrows the answer to one Page.
	wantOK(t, idCall(t, s, "/"+alice+"/ids_for_pages?page="+secondPageID, DefaultPageToken, true),
		map[string]any{"data": []any{both[1]}, "paging": cursorsOf("ids_for_pages:"+alice, 2, 2)})

	// Bob is a person of his own: only his own Page knows him.
	wantOK(t, idCall(t, s, "/"+bob+"/ids_for_pages", DefaultPageToken, true),
		map[string]any{"data": []any{pageItem(bob, DefaultPageID, DefaultPageName)}, "paging": cursorsOf("ids_for_pages:"+bob, 1, 1)})

	// The app access token asks with the app-scoped ID.
	wantOK(t, idCall(t, s, "/"+aliceASID+"/ids_for_pages", testAppToken, true),
		map[string]any{"data": both, "paging": cursorsOf("ids_for_pages:"+aliceASID, 1, 2)})
}

func TestIDsForPagesPaging(t *testing.T) {
	t.Parallel()
	s := idMatchingServer(t)
	first := idCall(t, s, "/v26.0/"+alice+"/ids_for_pages?limit=1", DefaultPageToken, true)
	wantOK(t, first, nil)
	require.Equal(t, []any{pageItem(alice, DefaultPageID, DefaultPageName)}, first.body["data"])
	paging, _ := first.body["paging"].(map[string]any)
	next, _ := paging["next"].(string)
	require.NotEmpty(t, next, "a first page of one of two has a next link: %v", paging)
	second := getURL(t, s, next)
	require.Equal(t, []any{pageItem(aliceThere, secondPageID, "messemu Second Page")}, second["data"])
	require.NotContains(t, second["paging"], "next")
	// The edge takes its own paging parameters: following the link warns of none.
	require.Empty(t, lastEvent(t, s).Violations, "the next link's parameters are the edge's own")
}

func TestIDsForApps(t *testing.T) {
	t.Parallel()
	s := idMatchingServer(t)
	app := map[string]any{"category": "Business", "link": "https://messemu.example/", "name": appDisplayName, "id": DefaultAppID}
	want := map[string]any{"data": []any{map[string]any{"id": aliceASID, "app": app}}, "paging": cursorsOf("ids_for_apps:"+alice, 1, 1)}
	wantOK(t, idCall(t, s, "/"+alice+"/ids_for_apps", DefaultPageToken, true), want)
	// The person's other PSID finds the same app-scoped ID.
	want["paging"] = cursorsOf("ids_for_apps:"+aliceThere, 1, 1)
	wantOK(t, idCall(t, s, "/"+aliceThere+"/ids_for_apps", secondPageToken, true), want)
	wantOK(t, idCall(t, s, "/"+alice+"/ids_for_apps?app="+DefaultAppID, DefaultPageToken, true), nil)
	// Another app, or a person who never logged in to the app: no IDs.
	wantOK(t, idCall(t, s, "/"+alice+"/ids_for_apps?app=1419232575008550", DefaultPageToken, true), map[string]any{"data": []any{}})
	wantOK(t, idCall(t, s, "/"+bob+"/ids_for_apps", DefaultPageToken, true), map[string]any{"data": []any{}})
}

func TestIDMatchingErrors(t *testing.T) {
	t.Parallel()
	s := idMatchingServer(t)
	for _, tc := range []struct {
		name, path, token string
		proof             bool
		want              map[string]any
	}{
		{"no proof", "/" + alice + "/ids_for_pages", DefaultPageToken, false,
			errBody(100, 0, "GraphMethodException", "API calls from the server require an appsecret_proof argument")},
		{"no proof, apps", "/" + alice + "/ids_for_apps", DefaultPageToken, false,
			errBody(100, 0, "GraphMethodException", "API calls from the server require an appsecret_proof argument")},
		{"unknown PSID", "/" + nobody + "/ids_for_pages", DefaultPageToken, true, unsupportedBody("get", nobody)},
		{"another Page's PSID", "/" + aliceThere + "/ids_for_pages", DefaultPageToken, true, unsupportedBody("get", aliceThere)},
		{"the Page itself", "/me/ids_for_apps", DefaultPageToken, true, unsupportedBody("get", "me")},
		{"app token with a PSID", "/" + alice + "/ids_for_pages", testAppToken, true, unsupportedBody("get", alice)},
		{"app token, unknown ASID", "/" + nobody + "/ids_for_apps", testAppToken, true, unsupportedBody("get", nobody)},
		{"bad cursor", "/" + alice + "/ids_for_pages?after=Zm9v", DefaultPageToken, true,
			oauth100("(#100) The After Cursor specified exceeds the max limit supported by this endpoint")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := idCall(t, s, tc.path, tc.token, tc.proof)
			wantGraphError(t, res.status, res.body, tc.want)
		})
	}
	// A wrong proof is refused before the edge is read.
	res := apiDo(t, s, httptest.NewRequest("GET", "/"+alice+"/ids_for_pages?appsecret_proof=00&access_token="+DefaultPageToken, nil))
	wantGraphError(t, res.status, res.body, errBody(100, 0, "GraphMethodException", "Invalid appsecret_proof provided in the API argument"))
}

// The control API makes one person of users on several Pages.
func TestIDMatchingPersonControl(t *testing.T) {
	t.Parallel()
	s := idMatchingServer(t)
	st, created := controlDo(t, s, "POST", "users?page_id="+secondPageID, `{"name":"Bob Chen"}`)
	require.Equal(t, 200, st, "%v", created)
	bobThere, _ := created["psid"].(string)
	wantOK(t, idCall(t, s, "/"+bob+"/ids_for_pages", DefaultPageToken, true),
		map[string]any{"data": []any{pageItem(bob, DefaultPageID, DefaultPageName)}, "paging": cursorsOf("ids_for_pages:"+bob, 1, 1)})

	// Both of Bob's users name the same person, and he logs in to the app.
	st, body := controlDo(t, s, "PATCH", "users/"+bob, `{"person":"bob","asid":"10152368852400001"}`)
	require.Equal(t, 200, st, "%v", body)
	st, body = controlDo(t, s, "PATCH", "users/"+bobThere+"?page_id="+secondPageID, `{"person":"bob"}`)
	require.Equal(t, 200, st, "%v", body)
	wantOK(t, idCall(t, s, "/"+bob+"/ids_for_pages", DefaultPageToken, true), map[string]any{
		"data":   []any{pageItem(bob, DefaultPageID, DefaultPageName), pageItem(bobThere, secondPageID, "messemu Second Page")},
		"paging": cursorsOf("ids_for_pages:"+bob, 1, 2)})
	res := idCall(t, s, "/"+bobThere+"/ids_for_apps", secondPageToken, true)
	wantOK(t, res, nil)
	require.Equal(t, "10152368852400001", res.body["data"].([]any)[0].(map[string]any)["id"])

	for _, tc := range []struct{ name, method, path, body, want string }{
		{"two PSIDs of one person on a Page", "POST", "users", `{"name":"Alice Again","person":"alice"}`, "person alice already has a PSID on Page " + DefaultPageID},
		{"another person's ASID", "PATCH", "users/" + bob, `{"asid":"` + aliceASID + `"}`, "asid " + aliceASID + " is the app-scoped ID of another person"},
		{"a second ASID for a person", "PATCH", "users/" + aliceThere + "?page_id=" + secondPageID, `{"asid":"999"}`, "person alice already has the app-scoped ID " + aliceASID},
		{"an ASID not digits", "PATCH", "users/" + bob, `{"asid":"bob"}`, "an app-scoped ID (asid) is digits only"},
		{"first_interaction is the emulator's", "PATCH", "users/" + bob, `{"first_interaction":"2026-01-01T00:00:00Z"}`, "first_interaction cannot be changed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, body := controlDo(t, s, tc.method, tc.path, tc.body)
			require.Equal(t, 400, st, "%v", body)
			require.Contains(t, body["error"].(map[string]any)["message"], tc.want)
		})
	}
}
