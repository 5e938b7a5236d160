package fakegraph

import (
	"crypto/hmac"
	"time"

	"github.com/messemu/messemu/validator"
)

// The app access token ("<app_id>|<app_secret>") and the calls real clients
// make with it on start-up: GET /debug_token and /{app-id}/subscriptions.
// GET /me/messaging_feature_review is answered here too.

// appToken is the app access token.
func (s *Server) appToken() string { return s.appTok }

// appTokenOf is the app token of o, made once (New).
func appTokenOf(o options) string {
	if o.appSecret == "" {
		return "\x00" // no secret, no app token
	}
	return o.appID + "|" + o.appSecret
}

// appTokenRoutes are the route patterns an app access token may call.
var appTokenRoutes = map[string]bool{"{id}/subscriptions": true, "debug_token": true,
	"{id}/ids_for_pages": true, "{id}/ids_for_apps": true} // idmatching.go

// authenticateApp accepts the app access token; appsecret_proof, when
// given, must match it as for any token.
func (s *Server) authenticateApp(c *call) *validator.GraphError {
	c.appToken = true
	proof := c.str("appsecret_proof")
	switch {
	case proof != "":
		if !hmac.Equal([]byte(proof), []byte(AppSecretProof(s.opts.appSecret, c.token))) {
			return c.fail("appsecret_proof", ruleProof, validator.Err(validator.KeyProofInvalid), "the proof is not HMAC-SHA256(app secret, token)")
		}
	case s.opts.requireProof:
		return c.fail("appsecret_proof", ruleProof, validator.Err(validator.KeyProofMissing), "Require App Secret is on")
	}
	return nil
}

// checkAppToken refuses an app access token on a route that needs a Page.
func (c *call) checkAppToken() *validator.GraphError {
	if !c.appToken || appTokenRoutes[c.route.pattern] {
		return nil
	}
	return c.fail("access_token", ruleAppToken, validator.UnsupportedError(c.method, nodeOf(c.segs)), "an app access token cannot act for a Page")
}

// DebugTokenData is the answer of GET /debug_token, in Graph's shape.
type DebugTokenData struct {
	AppID               string             `json:"app_id,omitempty"`
	Type                string             `json:"type,omitempty"`
	Application         string             `json:"application,omitempty"`
	DataAccessExpiresAt int64              `json:"data_access_expires_at,omitempty"`
	ExpiresAt           *int64             `json:"expires_at,omitempty"`
	IsValid             bool               `json:"is_valid"`
	IssuedAt            int64              `json:"issued_at,omitempty"`
	ProfileID           string             `json:"profile_id,omitempty"`
	Scopes              []string           `json:"scopes"`
	GranularScopes      []DebugTokenScope  `json:"granular_scopes,omitempty"`
	Error               *DebugTokenProblem `json:"error,omitempty"`
}

// DebugTokenScope is a granular scope.
type DebugTokenScope struct {
	Scope     string   `json:"scope"`
	TargetIDs []string `json:"target_ids,omitempty"`
}

// DebugTokenProblem says why a token is not valid.
type DebugTokenProblem struct {
	Code    int    `json:"code"`
	Subcode int    `json:"subcode,omitempty"`
	Message string `json:"message"`
}

// pageScopes are the permissions a Page token of a Messenger bot holds.
var pageScopes = []string{"pages_messaging", "pages_show_list", "pages_manage_metadata", "pages_read_engagement"}

var ruleDebugToken = validator.Rule{Name: "debug_token.input_token", Source: "Graph/reference/debug_token"}

func (s *Server) debugToken(c *call) (any, error) {
	input := c.str("input_token")
	if input == "" {
		return nil, c.fail("input_token", ruleDebugToken, validator.Err(validator.KeyRequired, "input_token"), "")
	}
	d := DebugTokenData{Scopes: []string{}}
	if sameSecret(input, s.appToken()) {
		d.AppID, d.Type, d.Application, d.IsValid = s.opts.appID, "APP", appDisplayName, true
		return map[string]any{"data": d}, nil
	}
	s.mu.RLock()
	info, ok := s.tokens[input]
	var pageID string
	var expires time.Time
	var revoked bool
	if ok {
		pageID, expires, revoked = info.pageID, info.expires, info.revoked
	}
	s.mu.RUnlock()
	if !ok {
		bad := validator.Err(validator.KeyBadToken)
		d.Error = &DebugTokenProblem{Code: bad.Code, Message: bad.Message}
		return map[string]any{"data": d}, nil
	}
	d.AppID, d.Type, d.Application, d.ProfileID = s.opts.appID, "PAGE", appDisplayName, pageID
	d.IssuedAt = c.now.Add(-time.Hour).Unix()
	d.DataAccessExpiresAt = c.now.Add(90 * 24 * time.Hour).Unix()
	var exp int64 // 0: never
	if !expires.IsZero() {
		exp = expires.Unix()
	}
	d.ExpiresAt = &exp
	if revoked || (!expires.IsZero() && !c.now.Before(expires)) {
		when := expires
		if when.IsZero() {
			when = c.now
		}
		e := validator.Err(validator.KeyTokenExpired, when.UTC().Format("Monday, 02-Jan-06 15:04:05 MST"), c.now.UTC().Format("Monday, 02-Jan-06 15:04:05 MST"))
		d.Error = &DebugTokenProblem{Code: e.Code, Subcode: e.Subcode, Message: e.Message}
		return map[string]any{"data": d}, nil
	}
	d.IsValid = true
	d.Scopes = append([]string(nil), pageScopes...)
	for _, sc := range pageScopes {
		d.GranularScopes = append(d.GranularScopes, DebugTokenScope{Scope: sc, TargetIDs: []string{pageID}})
	}
	return map[string]any{"data": d}, nil
}

// featureReview answers GET /me/messaging_feature_review: a News Page
// (control API) holds subscription messaging; other Pages have nothing
// approved.
func (s *Server) featureReview(c *call) (any, error) {
	data := []map[string]string{}
	s.mu.RLock()
	news := c.page.News
	s.mu.RUnlock()
	if news {
		data = append(data, map[string]string{"feature": "subscription_messaging", "status": "approved"})
	}
	return map[string]any{"data": data}, nil
}
