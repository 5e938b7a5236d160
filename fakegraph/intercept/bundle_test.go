package intercept

import (
	"bytes"
	"encoding/pem"
	"os"
	"path/filepath"
	"testing"
)

// pemCertificates counts the certificates in a PEM bundle.
func pemCertificates(t *testing.T, data []byte) [][]byte {
	t.Helper()
	var certs [][]byte
	for {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			return certs
		}
		if block.Type == "CERTIFICATE" {
			certs = append(certs, block.Bytes)
		}
	}
}

// Not parallel: it sets SSL_CERT_FILE.
func TestWriteBundleKeepsTheSystemRoots(t *testing.T) {
	ca := newCA(t)
	other := newCA(t)
	roots := filepath.Join(t.TempDir(), "roots.pem")
	// No final newline: the CA must still start on a line of its own.
	if err := os.WriteFile(roots, bytes.TrimRight(other.CertPEM(), "\n"), 0o644); err != nil {
		t.Fatalf("writing the fake roots: %v", err)
	}
	t.Setenv("SSL_CERT_FILE", roots)

	path, from, err := ca.WriteBundle()
	if err != nil {
		t.Fatalf("WriteBundle: %v", err)
	}
	if path != filepath.Join(ca.Dir(), "bundle.pem") || path != ca.BundlePath() {
		t.Errorf("bundle written to %s, want %s", path, filepath.Join(ca.Dir(), "bundle.pem"))
	}
	if from != roots {
		t.Errorf("roots read from %q, want $SSL_CERT_FILE %q", from, roots)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading the bundle: %v", err)
	}
	certs := pemCertificates(t, data)
	if len(certs) != 2 || !bytes.Equal(certs[0], other.Certificate().Raw) || !bytes.Equal(certs[1], ca.Certificate().Raw) {
		t.Errorf("bundle holds %d certificates, want the system root then messemu's CA", len(certs))
	}

	// Once the environment points at the bundle, rewriting it must not
	// read it back as the system roots and pile up copies of the CA.
	t.Setenv("SSL_CERT_FILE", path)
	if _, from, err = ca.WriteBundle(); err != nil {
		t.Fatalf("second WriteBundle: %v", err)
	}
	if from == path {
		t.Errorf("the bundle was read as its own system roots")
	}
	data, err = os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading the bundle: %v", err)
	}
	n := 0
	for _, c := range pemCertificates(t, data) {
		if bytes.Equal(c, ca.Certificate().Raw) {
			n++
		}
	}
	if n != 1 {
		t.Errorf("the bundle holds messemu's CA %d times, want once", n)
	}
}
