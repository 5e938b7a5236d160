package fakegraph

import (
	"encoding/base64"
	"encoding/json"
	"net/url"
	"strconv"

	"github.com/messemu/messemu/validator"
)

// Account linking, the bot's side (PLATFORM.md D25): a user taps the
// bot's Log In (account_link) button, the platform opens the button's URL
// with an account_linking_token and a redirect_uri; the bot's login page
// trades the token for the user's PSID with
// GET /me?fields=recipient&account_linking_token=T; the link is then
// reported by a messaging_account_linking event (control API
// users/{psid}/account_linking). POST /me/unlink_accounts unlinks a user.
func (s *Server) linkingRoutes() []route {
	return []route{
		{method: "POST", pattern: "{page}/unlink_accounts", op: "unlinkAccounts", api: APIAccountLinking, handle: s.unlinkAccounts},
	}
}

var (
	ruleLinkingToken = validator.Rule{Name: "account_linking.token", Source: "MP/identity/account-linking (decision D25)"}
	ruleUnlinkPSID   = validator.Rule{Name: "account_linking.unlink.psid", Source: "MP/identity/account-linking"}
)

// linkingRedirect is where the platform asks the bot's login page to send
// the user back; messemu never serves it: the control API's
// users/{psid}/account_linking stands for the redirect.
const linkingRedirect = "https://www.facebook.com/messenger_platform/account_linking/"

// AccountLinkingStart is what the platform hands the bot's login page when
// a user taps a Log In button: the button's URL with the token and the
// redirect_uri appended, and both on their own.
type AccountLinkingStart struct {
	URL                 string `json:"url"`
	AccountLinkingToken string `json:"account_linking_token"`
	RedirectURI         string `json:"redirect_uri"`
}

// UserStartsAccountLinking makes a test user tap the newest Log In
// (account_link) button the bot sent them. It issues the
// account_linking_token the bot's login page looks the user up with, and
// returns the URL the platform would open. Account linking starts only
// from a Log In button, as on the platform.
func (s *Server) UserStartsAccountLinking(pageID, psid string) (AccountLinkingStart, error) {
	login, err := s.loginButtonURL(pageID, psid)
	if err != nil {
		return AccountLinkingStart{}, err
	}
	target, err := url.Parse(login)
	if err != nil {
		return AccountLinkingStart{}, invalid("the Log In button's url " + strconv.Quote(login) + " does not parse")
	}
	token := base64.RawURLEncoding.EncodeToString(s.ids.bytes(32))
	s.mu.Lock()
	if p, ok := s.pages[pageID]; ok {
		p.linking[token] = psid
	}
	s.mu.Unlock()
	redirect := linkingRedirect + "?" + url.Values{"account_linking_token": {token}}.Encode()
	q := target.Query()
	q.Set("account_linking_token", token)
	q.Set("redirect_uri", redirect)
	target.RawQuery = q.Encode()
	// The tap itself fires nothing; the link, later, fires
	// messaging_account_linking. The journal keeps the tap (no token in it).
	if _, err := s.journalUserAction(s.clock.Now(), pageID, psid, ActionLogIn, "", "", map[string]string{"url": login}, nil); err != nil {
		return AccountLinkingStart{}, err
	}
	return AccountLinkingStart{URL: target.String(), AccountLinkingToken: token, RedirectURI: redirect}, nil
}

// loginButtonURL is the URL of the newest Log In button the bot sent psid.
func (s *Server) loginButtonURL(pageID, psid string) (string, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	p, u, err := s.user(pageID, psid)
	if err != nil {
		return "", err
	}
	for body := range p.botMessages(psid) {
		for _, b := range messageButtons(body) {
			if b.Type == "account_link" && b.URL != "" {
				return b.URL, nil
			}
		}
	}
	return "", fail(ErrNoButton, "no Log In (account_link) button in the bot's messages to "+u.Name+": account linking starts from one")
}

// accountLinkingRecipient answers the PSID lookup of a token issued by
// UserStartsAccountLinking, {"recipient":"<PSID>","id":"<PAGE_ID>"}
// (PLATFORM.md D25); any other token is refused.
func (s *Server) accountLinkingRecipient(c *call, fields []string) (any, error) {
	token := c.str("account_linking_token")
	s.mu.RLock()
	psid, ok := c.page.linking[token]
	s.mu.RUnlock()
	if !ok {
		return nil, c.fail("account_linking_token", ruleLinkingToken, validator.Err(validator.KeyInvalid), "no account-linking flow issued this account_linking_token")
	}
	c.psid = psid
	return pageAnswer(c.page.Page, fields, psid), nil
}

// UnlinkResult is the answer to POST /me/unlink_accounts.
type UnlinkResult struct {
	Result string `json:"result"`
}

// unlinkAccounts unlinks the user named by psid and tells the bot with a
// messaging_account_linking event, status unlinked.
func (s *Server) unlinkAccounts(c *call) (any, error) {
	switch c.params["psid"].(type) {
	case nil, string, json.Number, float64: // a number is read as its text (PLATFORM.md §1.3)
	default:
		return nil, c.fail("psid", ruleUnlinkPSID, validator.Err(validator.KeyString, "psid"), "psid must be text")
	}
	psid := c.str("psid")
	if psid == "" {
		return nil, c.fail("psid", ruleUnlinkPSID, validator.Err(validator.KeyRequired, "psid"), "")
	}
	s.mu.RLock()
	_, known := c.page.users[psid]
	s.mu.RUnlock()
	if !known {
		return nil, c.fail("psid", ruleUnlinkPSID, validator.Err(validator.KeyNoUser), "no test user "+psid+" on this Page")
	}
	c.psid = psid
	if err := s.EmitAccountLinking(c.page.ID, psid, AccountLinking{Status: accountLinkingUnlinked}); err != nil {
		return nil, err
	}
	return UnlinkResult{Result: "unlink account success"}, nil
}

// linkingControlRoutes: the user's side of account linking.
func (s *Server) linkingControlRoutes() []controlRoute {
	return []controlRoute{
		{"POST", "users/{psid}/account_linking/start", "userTapsLogIn", s.ctlStartAccountLinking},
	}
}

func (s *Server) ctlStartAccountLinking(c *controlCall) (any, error) {
	return s.UserStartsAccountLinking(c.pageID, c.psid())
}
