package fakegraph

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/messemu/messemu/validator"
)

// Tokens and appsecret_proof (PLATFORM.md §1.2).

var (
	ruleToken = validator.Rule{Name: "access_token", Source: "Graph/guides/access-tokens"}
	ruleProof = validator.Rule{Name: "appsecret_proof", Source: "Graph/guides/secure-requests"}
)

// authParam reports the parameters the token check reads, which are judged
// before anything else (PLATFORM.md §2): access_token and appsecret_proof.
func authParam(key string) bool { return key == "access_token" || key == "appsecret_proof" }

// tokenOf finds the access token: the query, a form field or top-level JSON
// key, or an Authorization: Bearer header.
func (c *call) tokenOf() string {
	q := c.decoded.query
	if q == nil {
		q, _ = parseParams(c.r.URL.RawQuery) // a query that does not parse is refused after the token
	}
	if vs := q["access_token"]; len(vs) > 0 && vs[len(vs)-1] != "" {
		// The last of repeated values, as for every other parameter (a
		// repeated key's last value stands on the platform too).
		return vs[len(vs)-1]
	}
	if t := c.str("access_token"); t != "" {
		return t
	}
	if h := c.r.Header.Get("Authorization"); h != "" {
		if len(h) > 7 && strings.EqualFold(h[:7], "Bearer ") {
			return strings.TrimSpace(h[7:])
		}
		if len(h) > 6 && strings.EqualFold(h[:6], "OAuth ") {
			return strings.TrimSpace(h[6:])
		}
	}
	return ""
}

// inJSONBody reports whether parameter key came from a JSON body, not
// the query (D22 treats a JSON null or "" as absent).
func (c *call) inJSONBody(key string) bool {
	return !c.paramsFromQuery && c.decoded.fromJSON && !slices.Contains(c.decoded.queryKeys, key)
}

// authenticateBesideBody judges the token of a call whose body did not
// decode, when the token is outside it (the query or the Authorization
// header): a token in the body cannot be read, and so is not judged. A
// missing proof is not judged either, as it may be in the body. It
// leaves c.params the query's.
func (s *Server) authenticateBesideBody(c *call) *validator.GraphError {
	q, _ := parseParams(c.r.URL.RawQuery) // a query that does not parse is refused after the token
	c.params, c.paramsFromQuery = make(map[string]any, len(q)), true
	for k, vs := range q {
		if len(vs) > 0 {
			c.params[k] = vs[len(vs)-1]
		}
	}
	if t := c.tokenOf(); t == "" || !utf8.ValidString(t) {
		return nil // a token that is not text is the parameter refused
	}
	judged := len(c.violations)
	gerr := s.authenticate(c)
	if gerr != nil && gerr.Key == validator.KeyProofMissing {
		c.violations = c.violations[:judged]
		return nil
	}
	return gerr
}

// authenticate resolves the token to its Page and checks appsecret_proof.
func (s *Server) authenticate(c *call) *validator.GraphError {
	c.token = c.tokenOf()
	if !utf8.ValidString(c.token) {
		// Not text, wherever it came from (the Authorization header too):
		// the string error the query and the body give it (§1.3).
		return c.fail("access_token", ruleToken, validator.Err(validator.KeyString, "access_token"), "access_token is not UTF-8")
	}
	if c.token == "" {
		if v, given := c.params["access_token"]; given && v != nil && v != "" {
			// An object or a list: a token given that does not parse.
			return c.fail("access_token", ruleToken, validator.Err(validator.KeyBadToken), "access_token is not text")
		}
		return c.fail("access_token", ruleToken, validator.Err(validator.KeyNoToken), "no access token")
	}
	if sameSecret(c.token, s.appToken()) {
		return s.authenticateApp(c) // subscriptions.go
	}
	s.mu.RLock()
	var info tokenInfo // a copy: the control API may change it meanwhile
	held, ok := s.tokens[c.token]
	var page *pageState
	if ok {
		info = *held
		page = s.pages[info.pageID]
	}
	s.mu.RUnlock()
	if !ok || page == nil {
		return c.fail("access_token", ruleToken, validator.Err(validator.KeyBadToken), "unknown token "+redact(c.token))
	}
	if info.revoked || (!info.expires.IsZero() && !c.now.Before(info.expires)) {
		when := info.expires
		if info.revoked {
			when = info.revokedAt
		}
		return c.fail("access_token", ruleToken, validator.Err(validator.KeyTokenExpired,
			when.UTC().Format("Monday, 02-Jan-06 15:04:05 MST"), c.now.UTC().Format("Monday, 02-Jan-06 15:04:05 MST")), "token expired or revoked")
	}
	c.page = page
	proof := c.str("appsecret_proof")
	pv, given := c.params["appsecret_proof"]
	if given && (pv == nil || pv == "" && c.inJSONBody("appsecret_proof")) {
		// An optional JSON parameter null or empty is absent (PLATFORM.md
		// D22); an empty one in the query or a form is a wrong proof.
		given = false
		c.warn("appsecret_proof", ruleProof, "an appsecret_proof that is null or empty is taken as absent")
	}
	switch {
	case given: // an empty or non-text proof is a wrong one
		if s.opts.appSecret == "" || !hmac.Equal([]byte(proof), []byte(AppSecretProof(s.opts.appSecret, c.token))) {
			return c.fail("appsecret_proof", ruleProof, validator.Err(validator.KeyProofInvalid), "the proof is not HMAC-SHA256(app secret, token)")
		}
	case s.opts.requireProof:
		return c.fail("appsecret_proof", ruleProof, validator.Err(validator.KeyProofMissing), "Require App Secret is on")
	}
	return nil
}

// sameSecret compares a secret (the app access token holds the app
// secret) in constant time, so answer times do not leak it byte by byte.
func sameSecret(given, want string) bool {
	return subtle.ConstantTimeCompare([]byte(given), []byte(want)) == 1
}

// AppSecretProof is the lowercase hex HMAC-SHA256 of token keyed with the
// app secret, as a bot computes it.
func AppSecretProof(appSecret, token string) string {
	m := hmac.New(sha256.New, []byte(appSecret))
	m.Write([]byte(token))
	return hex.EncodeToString(m.Sum(nil))
}

// ExpireToken makes token expire at t (revoke it now, on the virtual
// clock, when t is zero); a token revoked before expires at t instead. It
// reports whether the token exists.
func (s *Server) ExpireToken(token string, t time.Time) bool {
	now := s.clock.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	info, ok := s.tokens[token]
	if !ok {
		return false
	}
	if t.IsZero() {
		info.revoked, info.revokedAt = true, now
	} else {
		info.revoked, info.expires = false, t
	}
	return true
}
