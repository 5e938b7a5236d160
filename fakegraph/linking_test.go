package fakegraph

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// loginButtonSend is a button template with a Log In button, as the
// account-linking docs show it.
func loginButtonSend(psid string) string {
	return `{"recipient":{"id":"` + psid + `"},"messaging_type":"RESPONSE","message":{"attachment":{"type":"template","payload":{"template_type":"button","text":"Log in to see your orders","buttons":[{"type":"account_link","url":"https://www.example.com/authorize?from=messenger"}]}}}}`
}

// TestAccountLinkingLookup: a user taps the Log In button, the login page
// gets an account_linking_token, and botly's getPSID trades it for the
// PSID (PLATFORM.md D25).
func TestAccountLinkingLookup(t *testing.T) {
	t.Parallel()
	s := New()
	userWrites(t, s, alice)

	_, err := s.UserStartsAccountLinking(DefaultPageID, alice)
	require.Error(t, err, "no Log In button yet")
	assert.Contains(t, err.Error(), "Log In (account_link) button")

	mustGraph(t, s, "POST", "/me/messages", loginButtonSend(alice))
	code, body := control(t, s, "POST", "users/"+alice+"/account_linking/start", "")
	require.Equal(t, http.StatusOK, code, body)
	start, err := s.UserStartsAccountLinking(DefaultPageID, alice)
	require.NoError(t, err)
	opened, err := url.Parse(start.URL)
	require.NoError(t, err)
	assert.Equal(t, "www.example.com", opened.Host)
	assert.Equal(t, "messenger", opened.Query().Get("from"), "the button's own query is kept")
	assert.Equal(t, start.AccountLinkingToken, opened.Query().Get("account_linking_token"))
	assert.Equal(t, start.RedirectURI, opened.Query().Get("redirect_uri"))
	taps := 0
	for _, e := range s.Journal().After(0, 0) {
		if d, ok := e.UserAction(); ok && d.Action == ActionLogIn {
			taps++
			assert.NotContains(t, string(e.Request), start.AccountLinkingToken, "the journal keeps no token")
		}
	}
	assert.Equal(t, 2, taps, "each Log In tap is a journalled user action")

	// botly getPSID: GET {FB_URL}me with qs fields, account_linking_token, access_token.
	q := url.Values{"fields": {"recipient"}, "account_linking_token": {start.AccountLinkingToken}, "access_token": {DefaultPageToken}}
	res := apiDo(t, s, httptest.NewRequest("GET", "/v2.6/me?"+q.Encode(), nil))
	wantOK(t, res, map[string]any{"recipient": alice, "id": DefaultPageID})
	if got := string(res.raw); got != `{"recipient":"`+alice+`","id":"`+DefaultPageID+`"}` {
		t.Errorf("answer %s, want recipient then id", got)
	}

	// A token no flow issued is refused.
	code, out := graph(t, s, "GET", "/me?fields=recipient&account_linking_token=made-up", "")
	wantGraphError(t, code, out, invalidBody)
	// recipient means nothing without a token.
	code, out = graph(t, s, "GET", "/me?fields=recipient", "")
	wantGraphError(t, code, out, invalidBody)
}

// TestUnlinkAccounts: POST /me/unlink_accounts {"psid"} as the
// account-linking docs and the Node clients send it answers
// {"result":"unlink account success"} and tells the bot the user unlinked.
func TestUnlinkAccounts(t *testing.T) {
	t.Parallel()
	s := New()
	r := httptest.NewRequest("POST", "/v2.6/me/unlink_accounts?access_token="+DefaultPageToken, strings.NewReader(`{"psid":"`+alice+`"}`))
	r.Header.Set("Content-Type", "application/json")
	res := apiDo(t, s, r)
	wantOK(t, res, map[string]any{"result": "unlink account success"})
	var unlinked *Event
	for _, e := range s.Journal().After(0, 0) {
		if e.Kind == KindUserAction && e.API == FieldAccountLinking {
			e := e
			unlinked = &e
		}
	}
	require.NotNil(t, unlinked, "no account_linking event journalled")
	assert.Contains(t, string(unlinked.Detail), `"account_linking":{"status":"unlinked"}`)
	assert.Equal(t, alice, unlinked.PSID)

	code, out := graph(t, s, "POST", "/me/unlink_accounts", `{"psid":"1234567890123456"}`)
	wantGraphError(t, code, out, noUserBody)
	code, out = graph(t, s, "POST", "/me/unlink_accounts", `{}`)
	wantGraphError(t, code, out, requiredBody("psid"))
	// A psid that is no text: E string, as everywhere (PLATFORM.md §1.3).
	for _, body := range []string{`{"psid":true}`, `{"psid":{"id":"x"}}`, `{"psid":["1"]}`} {
		code, out = graph(t, s, "POST", "/me/unlink_accounts", body)
		wantGraphError(t, code, out, stringBody("psid"))
	}
}
