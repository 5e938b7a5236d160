package fakegraph

import (
	"strconv"
	"time"
)

// The control API of what the platform decides about a Page and its
// tokens, outside anything the bot can call: whether the Page is a News
// Page, whether the app holds the Human Agent permission, and whether a
// Page token still works (PLATFORM.md §1.2, §2.2). POST reset puts all of
// them back as the emulator started.

func (s *Server) settingsControlRoutes() []controlRoute {
	return []controlRoute{
		{"GET", "page", "getPageSettings", s.ctlPageSettings},
		{"PATCH", "page", "updatePageSettings", s.ctlUpdatePageSettings},
		{"POST", "tokens/expire", "expireToken", s.ctlExpireToken},
		{"POST", "tokens/revoke", "revokeToken", s.ctlRevokeToken},
		{"POST", "tokens/restore", "restoreToken", s.ctlRestoreToken},
	}
}

// PageSettings are the platform's settings of a hosted Page that a test
// may change through the control API.
type PageSettings struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// News: a News Page may send NON_PROMOTIONAL_SUBSCRIPTION (default off).
	News bool `json:"news"`
	// HumanAgent: the app holds the Human Agent permission, which the
	// HUMAN_AGENT tag needs (default on).
	HumanAgent bool `json:"human_agent"`
}

// PageSettingsUpdate changes some of a Page's settings; a nil field keeps
// its value.
type PageSettingsUpdate struct {
	News       *bool `json:"news,omitempty"`
	HumanAgent *bool `json:"human_agent,omitempty"`
}

// PageSettings reads the settings of the Page pageID.
func (s *Server) PageSettings(pageID string) (PageSettings, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	p, ok := s.pages[pageID]
	if !ok {
		return PageSettings{}, fail(ErrNoPage, "no page "+pageID)
	}
	return settingsOf(p), nil
}

func settingsOf(p *pageState) PageSettings {
	return PageSettings{ID: p.ID, Name: p.Name, News: p.News, HumanAgent: p.humanAgent}
}

// UpdatePageSettings changes the settings of the Page pageID and journals
// the change (control, page_settings).
func (s *Server) UpdatePageSettings(pageID string, u PageSettingsUpdate) (PageSettings, error) {
	if u.News == nil && u.HumanAgent == nil {
		return PageSettings{}, invalid(`give "news" or "human_agent" (true or false)`)
	}
	s.mu.Lock()
	p, ok := s.pages[pageID]
	if !ok {
		s.mu.Unlock()
		return PageSettings{}, fail(ErrNoPage, "no page "+pageID)
	}
	if u.News != nil {
		p.News = *u.News
	}
	if u.HumanAgent != nil {
		p.humanAgent = *u.HumanAgent
	}
	now := settingsOf(p)
	s.mu.Unlock()
	s.journalControl(ChangePageSettings, pageID, "", u)
	return now, nil
}

// TokenState is what the control API answers about a Page token; the
// token itself is never repeated.
type TokenState struct {
	PageID string `json:"page_id"`
	// State is "valid", "expiring" (at ExpiresAt, on the virtual clock),
	// "expired" or "revoked".
	State     string     `json:"state"`
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
}

// RevokeToken revokes a Page token: every call with it answers the
// platform's expired-or-revoked error until RestoreToken or a reset. It
// reports whether the token exists.
func (s *Server) RevokeToken(token string) bool { return s.ExpireToken(token, time.Time{}) }

// RestoreToken makes a Page token valid again, with no expiry. It reports
// whether the token exists.
func (s *Server) RestoreToken(token string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	info, ok := s.tokens[token]
	if ok {
		info.revoked, info.expires = false, time.Time{}
	}
	return ok
}

// tokenState reads a token's state, for the control API's answers.
func (s *Server) tokenState(token string) (TokenState, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	info, ok := s.tokens[token]
	if !ok {
		return TokenState{}, false
	}
	st := TokenState{PageID: info.pageID, State: "valid"}
	switch {
	case info.revoked:
		st.State = "revoked"
	case !info.expires.IsZero():
		st.State = "expiring"
		if !s.clock.Now().Before(info.expires) {
			st.State = "expired"
		}
		at := info.expires.UTC()
		st.ExpiresAt = &at
	}
	return st, true
}

func (s *Server) ctlPageSettings(c *controlCall) (any, error) {
	return s.PageSettings(c.pageID)
}

func (s *Server) ctlUpdatePageSettings(c *controlCall) (any, error) {
	var u PageSettingsUpdate
	if err := c.decode(&u); err != nil {
		return nil, err
	}
	return s.UpdatePageSettings(c.pageID, u)
}

// tokenRequest is the body of the tokens/* calls.
type tokenRequest struct {
	Token string `json:"token"`
	// At (expire only) is when the token expires on the virtual clock;
	// absent, it expires now.
	At *time.Time `json:"at,omitempty"`
}

func (c *controlCall) token() (tokenRequest, error) {
	var req tokenRequest
	if err := c.decode(&req); err != nil {
		return req, err
	}
	if req.Token == "" {
		return req, invalid(`give the Page token: {"token":"EAA…"}`)
	}
	return req, nil
}

// changeToken applies change to the token of c's body and journals its
// new state (control, token) under the token's Page. change reports
// whether the token exists, or why the request cannot be done.
func (s *Server) changeToken(c *controlCall, change func(tokenRequest) (bool, error)) (any, error) {
	req, err := c.token()
	if err != nil {
		return nil, err
	}
	if found, err := change(req); err != nil {
		return nil, err
	} else if !found {
		return nil, invalid("the token " + strconv.Quote(redact(req.Token)) + " is no Page's token (GET pages lists them)")
	}
	st, _ := s.tokenState(req.Token)
	s.journalControl(ChangeToken, st.PageID, "", st)
	return st, nil
}

func (s *Server) ctlExpireToken(c *controlCall) (any, error) {
	return s.changeToken(c, func(req tokenRequest) (bool, error) {
		at := s.clock.Now()
		if req.At != nil {
			if req.At.IsZero() {
				return false, invalid(`"at" is the time the token expires; leave it out for now`)
			}
			at = *req.At
		}
		return s.ExpireToken(req.Token, at), nil
	})
}

func (s *Server) ctlRevokeToken(c *controlCall) (any, error) {
	return s.changeToken(c, func(req tokenRequest) (bool, error) { return s.RevokeToken(req.Token), nil })
}

func (s *Server) ctlRestoreToken(c *controlCall) (any, error) {
	return s.changeToken(c, func(req tokenRequest) (bool, error) { return s.RestoreToken(req.Token), nil })
}
