package intercept

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// forge signs tmpl with the CA's own key: what a thief of the key could
// make. The constraints must make every such leaf worthless but one for
// graph.facebook.com.
func forge(t *testing.T, ca *CA, tmpl *x509.Certificate) *x509.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl.SerialNumber = big.NewInt(7)
	tmpl.NotBefore, tmpl.NotAfter = time.Now().Add(-time.Hour), time.Now().Add(time.Hour)
	tmpl.KeyUsage = x509.KeyUsageDigitalSignature
	if tmpl.ExtKeyUsage == nil {
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, key.Public(), ca.key)
	require.NoError(t, err)
	leaf, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	return leaf
}

func TestForgedLeavesFailVerification(t *testing.T) {
	t.Parallel()
	ca := newCA(t)
	mustURL := func(s string) *url.URL {
		u, err := url.Parse(s)
		require.NoError(t, err)
		return u
	}
	cases := []struct {
		name   string
		tmpl   x509.Certificate
		verify string // VerifyOptions.DNSName: a name or an address
		eku    x509.ExtKeyUsage
		reason x509.InvalidReason
	}{
		{"another DNS name", x509.Certificate{DNSNames: []string{"example.com"}}, "example.com", x509.ExtKeyUsageServerAuth, x509.CANotAuthorizedForThisName},
		{"a name ending like graph's", x509.Certificate{DNSNames: []string{"evilgraph.facebook.com"}}, "evilgraph.facebook.com", x509.ExtKeyUsageServerAuth, x509.CANotAuthorizedForThisName},
		{"IPv4 loopback", x509.Certificate{IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}}, "127.0.0.1", x509.ExtKeyUsageServerAuth, x509.CANotAuthorizedForThisName},
		{"IPv4 public", x509.Certificate{IPAddresses: []net.IP{net.ParseIP("93.184.216.34")}}, "93.184.216.34", x509.ExtKeyUsageServerAuth, x509.CANotAuthorizedForThisName},
		{"IPv6 loopback", x509.Certificate{IPAddresses: []net.IP{net.IPv6loopback}}, "::1", x509.ExtKeyUsageServerAuth, x509.CANotAuthorizedForThisName},
		{"graph plus an IP", x509.Certificate{DNSNames: []string{GraphHost}, IPAddresses: []net.IP{net.ParseIP("10.0.0.1")}}, "10.0.0.1", x509.ExtKeyUsageServerAuth, x509.CANotAuthorizedForThisName},
		{"graph plus an e-mail elsewhere", x509.Certificate{DNSNames: []string{GraphHost}, EmailAddresses: []string{"ceo@example.com"}}, GraphHost, x509.ExtKeyUsageServerAuth, x509.CANotAuthorizedForThisName},
		{"graph plus a URI elsewhere", x509.Certificate{DNSNames: []string{GraphHost}, URIs: []*url.URL{mustURL("https://example.com/")}}, GraphHost, x509.ExtKeyUsageServerAuth, x509.CANotAuthorizedForThisName},
		{"graph as a client certificate", x509.Certificate{DNSNames: []string{GraphHost}, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}, GraphHost, x509.ExtKeyUsageClientAuth, x509.IncompatibleUsage},
		{"graph for code signing", x509.Certificate{DNSNames: []string{GraphHost}, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning}}, "", x509.ExtKeyUsageCodeSigning, x509.IncompatibleUsage},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			leaf := forge(t, ca, &c.tmpl)
			_, err := leaf.Verify(x509.VerifyOptions{Roots: ca.Pool(), DNSName: c.verify, KeyUsages: []x509.ExtKeyUsage{c.eku}})
			var invalid x509.CertificateInvalidError
			require.True(t, errors.As(err, &invalid), "verify: err = %v, want a CertificateInvalidError", err)
			assert.Equal(t, c.reason, invalid.Reason, "err = %v", err)
		})
	}

	// The control row: the one leaf the CA exists for still verifies.
	good := forge(t, ca, &x509.Certificate{DNSNames: []string{GraphHost}})
	_, err := good.Verify(x509.VerifyOptions{Roots: ca.Pool(), DNSName: GraphHost})
	assert.NoError(t, err)
}

func TestCAConstrainsEveryNameForm(t *testing.T) {
	t.Parallel()
	cert := newCA(t).Certificate()
	var ranges []string
	for _, r := range cert.ExcludedIPRanges {
		ranges = append(ranges, r.String())
	}
	assert.ElementsMatch(t, []string{"0.0.0.0/0", "::/0"}, ranges)
	assert.Empty(t, cert.PermittedIPRanges)
	assert.Equal(t, []string{"graph.facebook.com"}, cert.PermittedEmailAddresses)
	assert.Equal(t, []string{"graph.facebook.com"}, cert.PermittedURIDomains)
	assert.Equal(t, []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, cert.ExtKeyUsage)
}

func TestCAKeyReadableByOthersIsRefused(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("file modes are not Unix permissions on Windows")
	}
	dir := t.TempDir()
	_, err := LoadOrCreateCA(dir)
	require.NoError(t, err)
	keyPath := filepath.Join(dir, "ca-key.pem")
	for _, mode := range []os.FileMode{0o644, 0o640, 0o604} {
		require.NoError(t, os.Chmod(keyPath, mode))
		_, err = LoadOrCreateCA(dir)
		require.Error(t, err, "mode %#o", mode)
		assert.Contains(t, err.Error(), "chmod 600 '"+keyPath+"'")
	}
	require.NoError(t, os.Chmod(keyPath, 0o600))
	_, err = LoadOrCreateCA(dir)
	assert.NoError(t, err, "after the chmod the CA loads")
}

// TestOlderCAWithoutIPExclusionIsRefused: a CA written by an earlier
// messemu (DNS constraint only) is refused with the way out, not silently
// kept or replaced.
func TestOlderCAWithoutIPExclusionIsRefused(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "messemu local CA (graph.facebook.com only)"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageCertSign, BasicConstraintsValid: true, IsCA: true, MaxPathLenZero: true,
		PermittedDNSDomainsCritical: true, PermittedDNSDomains: []string{GraphHost},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	require.NoError(t, err)
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "ca.pem"), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "ca-key.pem"), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600))

	_, err = LoadOrCreateCA(dir)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "does not exclude IP addresses")
	assert.Contains(t, err.Error(), "trust store")
}
