package intercept

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"strings"
	"time"
)

// Leaf certificates live a day and are replaced once less than a quarter of
// that is left, so a long-running messemu never serves an expired one.
const (
	leafValidity = 24 * time.Hour
	leafRenew    = leafValidity / 4
	// leafBackdate absorbs a client clock that runs a little behind.
	leafBackdate = time.Hour
)

type leafCert struct {
	tls      *tls.Certificate
	notAfter time.Time
}

// LeafCertificate returns a TLS certificate for host issued by the CA, from
// the in-memory cache when one is still fresh. It fails for a host the CA's
// name constraint does not permit.
func (ca *CA) LeafCertificate(host string) (*tls.Certificate, error) {
	host = normalizeHost(host)
	now := ca.now()
	ca.mu.Lock()
	defer ca.mu.Unlock()
	if l, ok := ca.leaves[host]; ok && now.Before(l.notAfter.Add(-leafRenew)) {
		return l.tls, nil
	}
	l, err := ca.issueLeaf(host, now)
	if err != nil {
		return nil, err
	}
	ca.leaves[host] = l
	return l.tls, nil
}

func (ca *CA) issueLeaf(host string, now time.Time) (*leafCert, error) {
	if !ca.permits(host) {
		return nil, fmt.Errorf("intercept: messemu's CA is name-constrained to %s and cannot certify %q", GraphHost, host)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("intercept: generating a leaf key: %w", err)
	}
	serial, err := randomSerial()
	if err != nil {
		return nil, err
	}
	notAfter := now.Add(leafValidity)
	if notAfter.After(ca.cert.NotAfter) {
		notAfter = ca.cert.NotAfter
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{Organization: []string{"messemu"}, CommonName: host},
		DNSNames:     []string{host},
		NotBefore:    now.Add(-leafBackdate),
		NotAfter:     notAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, key.Public(), ca.key)
	if err != nil {
		return nil, fmt.Errorf("intercept: issuing a certificate for %s: %w", host, err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("intercept: parsing the certificate for %s: %w", host, err)
	}
	return &leafCert{
		tls: &tls.Certificate{
			Certificate: [][]byte{der, ca.cert.Raw},
			PrivateKey:  key,
			Leaf:        leaf,
		},
		notAfter: notAfter,
	}, nil
}

// permits reports whether the CA's name constraint allows host: the
// constrained name itself or a name under it.
func (ca *CA) permits(host string) bool {
	if host == "" {
		return false
	}
	for _, d := range ca.cert.PermittedDNSDomains {
		if host == d || strings.HasSuffix(host, "."+d) {
			return true
		}
	}
	return false
}

// normalizeHost lower-cases a host name and drops a trailing dot, so that
// GRAPH.facebook.com. and graph.facebook.com are the same host.
func normalizeHost(host string) string {
	return strings.TrimSuffix(strings.ToLower(host), ".")
}
