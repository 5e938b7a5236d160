package fakegraph

import (
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// TestAppSecretProofKnownVectors checks the HMAC against values computed
// outside Go (Python's hmac, openssl), never against itself.
func TestAppSecretProofKnownVectors(t *testing.T) {
	t.Parallel()
	for _, v := range []struct{ secret, token, want string }{
		{DefaultAppSecret, DefaultPageToken, defaultProof},
		// The HMAC-SHA256 example every reference quotes.
		{"key", "The quick brown fox jumps over the lazy dog", "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"},
	} {
		assert.Equal(t, v.want, AppSecretProof(v.secret, v.token), "secret %q token %q", v.secret, v.token)
	}
}

func TestProofRows(t *testing.T) {
	t.Parallel()
	s := New()
	for _, c := range []struct {
		name, proof string
		want        int
	}{
		{"right", defaultProof, 200},
		{"upper-case hex", "DB35C6D15F11D50C032C1ED5EDBECE06F91F194C66EF7352E7355D0278923068", 400},
		{"last digit off", defaultProof[:63] + "9", 400},
		{"sha1 length", defaultProof[:40], 400},
		{"empty", "", 400},
	} {
		code, _, body := do(t, s, "GET", "/me?access_token="+DefaultPageToken+"&appsecret_proof="+url.QueryEscape(c.proof), "", "")
		assert.Equal(t, c.want, code, "%s: %v", c.name, body)
		if c.want == 400 {
			assert.Equal(t, "Invalid appsecret_proof provided in the API argument", graphError(t, body)["message"], c.name)
		}
	}
}

// TestAppTokenNearMissesAreRefused: the app access token holds the secret
// and is compared in constant time (sameSecret); a near miss is just a bad
// token.
func TestAppTokenNearMissesAreRefused(t *testing.T) {
	t.Parallel()
	s := New()
	app := DefaultAppID + "|" + DefaultAppSecret
	for tok, want := range map[string]int{
		app:                         200,
		app[:len(app)-1] + "X":      400,
		app[:len(app)-1]:            400,
		app + "t":                   400,
		DefaultAppID + "|":          400,
		DefaultAppID + "|messemu-a": 400,
	} {
		code, _, body := do(t, s, "GET", "/debug_token?input_token="+url.QueryEscape(DefaultPageToken)+"&access_token="+url.QueryEscape(tok), "", "")
		assert.Equal(t, want, code, "token %q: %v", tok, body)
		if want == 400 {
			assert.EqualValues(t, 190, graphError(t, body)["code"], tok)
		}
	}
	assert.True(t, sameSecret("a|b", "a|b"))
	assert.False(t, sameSecret("a|b", "a|c"))
	assert.False(t, sameSecret("a|b", "a|bc"))
}

// TestLogsKeepSecretsOut: nothing the emulator logs, at any level, holds a
// token, the app access token or a proof in full.
func TestLogsKeepSecretsOut(t *testing.T) {
	t.Parallel()
	var buf lockedBuffer
	s := New(WithLogger(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	app := DefaultAppID + "|" + DefaultAppSecret
	for _, target := range []string{
		"/v26.0/me?access_token=" + DefaultPageToken + "&appsecret_proof=" + defaultProof,
		"/v26.0/me?access_token=" + DefaultPageToken + "&appsecret_proof=" + defaultProof[:60] + "0000",
		"/v26.0/me?access_token=" + DefaultPageToken + "x",
		"/debug_token?input_token=" + DefaultPageToken + "&access_token=" + url.QueryEscape(app),
		"/v99.0/me?access_token=" + DefaultPageToken,
		"/_messemu/v1/pages",
	} {
		do(t, s, "GET", target, "", "")
	}
	s.Advance(-time.Hour) // a warning
	out := buf.String()
	assert.Contains(t, out, "virtual clock not moved", "the logger was in use")
	for _, secret := range []string{DefaultPageToken, defaultProof, DefaultAppSecret} {
		assert.NotContains(t, out, secret)
	}
}

type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
