package intercept

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var oidNameConstraints = asn1.ObjectIdentifier{2, 5, 29, 30}

func newCA(t *testing.T) *CA {
	t.Helper()
	ca, err := LoadOrCreateCA(t.TempDir())
	if err != nil {
		t.Fatalf("LoadOrCreateCA: %v", err)
	}
	return ca
}

func TestCACarriesCriticalNameConstraint(t *testing.T) {
	t.Parallel()
	cert := newCA(t).Certificate()

	if diff := cmp.Diff([]string{"graph.facebook.com"}, cert.PermittedDNSDomains); diff != "" {
		t.Errorf("permitted DNS domains (-want +got):\n%s", diff)
	}
	critical := false
	for _, ext := range cert.Extensions {
		if ext.Id.Equal(oidNameConstraints) {
			critical = ext.Critical
		}
	}
	if !critical || !cert.PermittedDNSDomainsCritical {
		t.Errorf("the name constraints extension is not critical")
	}
	if !cert.IsCA || cert.MaxPathLen != 0 || !cert.MaxPathLenZero {
		t.Errorf("IsCA=%v MaxPathLen=%d MaxPathLenZero=%v, want a CA with path length 0", cert.IsCA, cert.MaxPathLen, cert.MaxPathLenZero)
	}
	if key, ok := cert.PublicKey.(*ecdsa.PublicKey); !ok || key.Curve != elliptic.P256() {
		t.Errorf("CA key is %T, want ECDSA P-256", cert.PublicKey)
	}
	if life := cert.NotAfter.Sub(cert.NotBefore); life < 9*365*24*time.Hour || life > 11*365*24*time.Hour {
		t.Errorf("CA valid for %v, want about ten years", life)
	}
}

func TestLeafForAnotherNameFailsVerification(t *testing.T) {
	t.Parallel()
	ca := newCA(t)

	// A leaf for example.com signed with the CA's own key: what a thief of
	// the key could make. The constraint must make it worthless.
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatalf("GenerateKey: %v", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(42),
		Subject:      pkix.Name{CommonName: "example.com"},
		DNSNames:     []string{"example.com"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, key.Public(), ca.key)
	if err != nil {
		t.Fatalf("CreateCertificate: %v", err)
	}
	forged, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatalf("ParseCertificate: %v", err)
	}
	_, err = forged.Verify(x509.VerifyOptions{Roots: ca.Pool(), DNSName: "example.com"})
	var invalid x509.CertificateInvalidError
	if !errors.As(err, &invalid) || invalid.Reason != x509.CANotAuthorizedForThisName {
		t.Errorf("verifying a leaf for example.com: err = %v, want CANotAuthorizedForThisName", err)
	}

	// The CA itself refuses to issue one.
	if _, err := ca.LeafCertificate("example.com"); err == nil || !strings.Contains(err.Error(), "name-constrained") {
		t.Errorf("LeafCertificate(example.com): err = %v, want a name-constraint refusal", err)
	}

	// And the one it does issue verifies.
	leaf, err := ca.LeafCertificate("graph.facebook.com")
	if err != nil {
		t.Fatalf("LeafCertificate(graph.facebook.com): %v", err)
	}
	if _, err := leaf.Leaf.Verify(x509.VerifyOptions{Roots: ca.Pool(), DNSName: "graph.facebook.com"}); err != nil {
		t.Errorf("verifying the graph.facebook.com leaf: %v", err)
	}
}

func TestCAFilesArePrivate(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("file modes are not Unix permissions on Windows")
	}
	dir := filepath.Join(t.TempDir(), "messemu")
	if _, err := LoadOrCreateCA(dir); err != nil {
		t.Fatalf("LoadOrCreateCA: %v", err)
	}
	for name, want := range map[string]os.FileMode{dir: 0o700, filepath.Join(dir, "ca-key.pem"): 0o600} {
		info, err := os.Stat(name)
		if err != nil {
			t.Fatalf("stat: %v", err)
		}
		if got := info.Mode().Perm(); got != want {
			t.Errorf("%s has mode %v, want %v", name, got, want)
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatalf("ReadDir: %v", err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if diff := cmp.Diff([]string{"ca-key.pem", "ca.pem"}, names); diff != "" {
		t.Errorf("files in the CA directory (-want +got):\n%s", diff)
	}
}

func TestLoadOrCreateCAReusesTheCA(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	first, err := LoadOrCreateCA(dir)
	if err != nil {
		t.Fatalf("first LoadOrCreateCA: %v", err)
	}
	second, err := LoadOrCreateCA(dir)
	if err != nil {
		t.Fatalf("second LoadOrCreateCA: %v", err)
	}
	if !bytes.Equal(first.CertPEM(), second.CertPEM()) {
		t.Errorf("the second load made a new certificate")
	}
	if first.CertPath() != filepath.Join(dir, "ca.pem") {
		t.Errorf("CertPath = %s, want %s", first.CertPath(), filepath.Join(dir, "ca.pem"))
	}
	onDisk, err := os.ReadFile(first.CertPath())
	if err != nil {
		t.Fatalf("reading ca.pem: %v", err)
	}
	if !bytes.Equal(onDisk, first.CertPEM()) {
		t.Errorf("CertPEM differs from %s", first.CertPath())
	}
}

func TestConcurrentFirstUseSharesOneCA(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "ca")
	const n = 8
	pems := make([][]byte, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			ca, err := LoadOrCreateCA(dir)
			errs[i] = err
			if err == nil {
				pems[i] = ca.CertPEM()
			}
		})
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("LoadOrCreateCA %d: %v", i, errs[i])
		}
		if !bytes.Equal(pems[i], pems[0]) {
			t.Errorf("LoadOrCreateCA %d returned a different CA", i)
		}
	}
}

func TestLoadOrCreateCARefusesBrokenCAs(t *testing.T) {
	t.Parallel()
	other := newCA(t)
	otherKey, err := os.ReadFile(filepath.Join(other.Dir(), "ca-key.pem"))
	if err != nil {
		t.Fatalf("reading the other key: %v", err)
	}
	tests := []struct {
		name  string
		setup func(dir string) error
		want  string
	}{
		{"key without certificate", func(dir string) error {
			return os.WriteFile(filepath.Join(dir, "ca-key.pem"), otherKey, 0o600)
		}, "only one of"},
		{"certificate without key", func(dir string) error {
			return os.WriteFile(filepath.Join(dir, "ca.pem"), other.CertPEM(), 0o644)
		}, "only one of"},
		{"key of another CA", func(dir string) error {
			if _, err := LoadOrCreateCA(dir); err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(dir, "ca-key.pem"), otherKey, 0o600)
		}, "does not match"},
		{"not PEM", func(dir string) error {
			if err := os.WriteFile(filepath.Join(dir, "ca.pem"), []byte("junk"), 0o644); err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(dir, "ca-key.pem"), otherKey, 0o600)
		}, "no PEM certificate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			if err := tt.setup(dir); err != nil {
				t.Fatalf("setup: %v", err)
			}
			_, err := LoadOrCreateCA(dir)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("LoadOrCreateCA: err = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestLeafIsShortLivedCachedAndRenewed(t *testing.T) {
	t.Parallel()
	ca := newCA(t)
	now := time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)
	ca.now = func() time.Time { return now }

	first, err := ca.LeafCertificate("graph.facebook.com")
	if err != nil {
		t.Fatalf("LeafCertificate: %v", err)
	}
	if life := first.Leaf.NotAfter.Sub(now); life != 24*time.Hour {
		t.Errorf("leaf valid for %v from now, want 24h", life)
	}
	if diff := cmp.Diff([]string{"graph.facebook.com"}, first.Leaf.DNSNames); diff != "" {
		t.Errorf("leaf DNS names (-want +got):\n%s", diff)
	}

	now = now.Add(17 * time.Hour)
	again, err := ca.LeafCertificate("Graph.Facebook.com.")
	if err != nil {
		t.Fatalf("LeafCertificate: %v", err)
	}
	if again != first {
		t.Errorf("a leaf with 7h left was not reused")
	}

	now = now.Add(2 * time.Hour) // 5h left: under a quarter of its life
	renewed, err := ca.LeafCertificate("graph.facebook.com")
	if err != nil {
		t.Fatalf("LeafCertificate: %v", err)
	}
	if renewed == first || !renewed.Leaf.NotAfter.After(first.Leaf.NotAfter) {
		t.Errorf("a leaf near expiry was not renewed")
	}
}

func TestDefaultCADir(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("XDG_CONFIG_HOME decides os.UserConfigDir on Linux only")
	}
	t.Setenv("XDG_CONFIG_HOME", "/home/someone/.config")
	got, err := DefaultCADir()
	if err != nil {
		t.Fatalf("DefaultCADir: %v", err)
	}
	if want := "/home/someone/.config/messemu"; got != want {
		t.Errorf("DefaultCADir = %s, want %s", got, want)
	}
}
