package intercept

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"
)

// GraphHost is the host the intercept proxy answers for by default, and the
// only name the CA may certify.
const GraphHost = "graph.facebook.com"

// File names inside the CA directory.
const (
	caCertFile = "ca.pem"
	caKeyFile  = "ca-key.pem"
)

// caValidity is how long a new CA certificate is valid. A trust setting made
// once should outlive the project it was made for.
const caValidity = 10 * 365 * 24 * time.Hour

// CA is messemu's local certificate authority. Its certificate is
// name-constrained to graph.facebook.com; it issues short-lived leaf
// certificates for that name, in memory, on demand.
type CA struct {
	dir     string
	cert    *x509.Certificate
	certPEM []byte
	key     crypto.Signer
	pool    *x509.CertPool

	// now is the clock used to issue and renew leaves; tests replace it.
	now func() time.Time

	mu     sync.Mutex
	leaves map[string]*leafCert
}

// DefaultCADir is where messemu keeps its CA when no directory is given:
// os.UserConfigDir()/messemu.
func DefaultCADir() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("intercept: no user configuration directory for the CA (choose one with --ca-dir): %w", err)
	}
	return filepath.Join(dir, "messemu"), nil
}

// LoadOrCreateCA loads the CA kept in dir (ca.pem and ca-key.pem), or creates
// it there if neither file exists. The directory is created with mode 0700
// and the key file with mode 0600. A CA that is not a name-constrained
// messemu CA, has expired, or whose key does not match its certificate is
// refused with an error saying which file to remove.
func LoadOrCreateCA(dir string) (*CA, error) {
	if dir == "" {
		return nil, errors.New("intercept: empty CA directory")
	}
	certPath := filepath.Join(dir, caCertFile)
	keyPath := filepath.Join(dir, caKeyFile)

	// A second messemu creating the same CA at the same moment may have
	// written the key and not yet the certificate: wait a little for it.
	for attempt := 0; ; attempt++ {
		certPEM, certErr := os.ReadFile(certPath)
		keyPEM, keyErr := os.ReadFile(keyPath)
		switch {
		case certErr == nil && keyErr == nil:
			return parseCA(dir, certPEM, keyPEM)
		case errors.Is(certErr, fs.ErrNotExist) && errors.Is(keyErr, fs.ErrNotExist):
			ca, err := createCA(dir)
			if errors.Is(err, fs.ErrExist) {
				continue // someone else won the race; load theirs
			}
			return ca, err
		case errors.Is(certErr, fs.ErrNotExist) && keyErr == nil && attempt < 40:
			time.Sleep(50 * time.Millisecond)
		case certErr != nil && !errors.Is(certErr, fs.ErrNotExist):
			return nil, fmt.Errorf("intercept: reading the CA certificate: %w", certErr)
		case keyErr != nil && !errors.Is(keyErr, fs.ErrNotExist):
			return nil, fmt.Errorf("intercept: reading the CA key: %w", keyErr)
		default:
			return nil, fmt.Errorf("intercept: %s holds only one of %s and %s; remove it to create a new CA", dir, caCertFile, caKeyFile)
		}
	}
}

// createCA makes a new CA and writes it to dir. The key is linked into place
// first and never replaces an existing file, so two concurrent creators end
// up sharing one CA; the loser gets an error matching fs.ErrExist.
func createCA(dir string) (*CA, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("intercept: creating the CA directory: %w", err)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("intercept: generating the CA key: %w", err)
	}
	serial, err := randomSerial()
	if err != nil {
		return nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject: pkix.Name{
			Organization: []string{"messemu"},
			CommonName:   "messemu local CA (graph.facebook.com only)",
		},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(caValidity),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLen:            0,
		MaxPathLenZero:        true,
		// The constraints are what make trusting this CA safe: it can
		// vouch for graph.facebook.com and nothing else, in every name
		// form a verifier checks: DNS names, no IP address at all (a
		// constraint on DNS names alone leaves IP SANs free), and e-mail
		// and URI names only at that host. The CA serves TLS servers only.
		PermittedDNSDomainsCritical: true,
		PermittedDNSDomains:         []string{GraphHost},
		ExcludedIPRanges:            allIPs(),
		PermittedEmailAddresses:     []string{GraphHost},
		PermittedURIDomains:         []string{GraphHost},
		ExtKeyUsage:                 []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, fmt.Errorf("intercept: creating the CA certificate: %w", err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("intercept: encoding the CA key: %w", err)
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})

	if err := writeNew(filepath.Join(dir, caKeyFile), keyPEM, 0o600); err != nil {
		return nil, err
	}
	if err := writeNew(filepath.Join(dir, caCertFile), certPEM, 0o644); err != nil {
		return nil, err
	}
	return parseCA(dir, certPEM, keyPEM)
}

// writeNew writes data to a temporary file and links it to path, failing with
// an error matching fs.ErrExist if path already exists.
func writeNew(path string, data []byte, mode os.FileMode) error {
	tmp, err := writeTemp(path, data, mode)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	if err := os.Link(tmp, path); err != nil {
		return fmt.Errorf("intercept: writing %s: %w", path, err)
	}
	return nil
}

// writeTemp writes data to a new temporary file beside path, with mode, and
// returns its name.
func writeTemp(path string, data []byte, mode os.FileMode) (string, error) {
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-"+filepath.Base(path)+"-*")
	if err != nil {
		return "", fmt.Errorf("intercept: writing %s: %w", path, err)
	}
	err = f.Chmod(mode)
	if err == nil {
		_, err = f.Write(data)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("intercept: writing %s: %w", path, err)
	}
	return f.Name(), nil
}

func parseCA(dir string, certPEM, keyPEM []byte) (*CA, error) {
	certPath := filepath.Join(dir, caCertFile)
	keyPath := filepath.Join(dir, caKeyFile)
	block, _ := pem.Decode(certPEM)
	if block == nil || block.Type != "CERTIFICATE" {
		return nil, fmt.Errorf("intercept: %s holds no PEM certificate; remove it to create a new CA", certPath)
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("intercept: parsing %s: %w", certPath, err)
	}
	kblock, _ := pem.Decode(keyPEM)
	if kblock == nil || kblock.Type != "PRIVATE KEY" {
		return nil, fmt.Errorf("intercept: %s holds no PEM PKCS #8 private key", keyPath)
	}
	parsed, err := x509.ParsePKCS8PrivateKey(kblock.Bytes)
	if err != nil {
		return nil, fmt.Errorf("intercept: parsing %s: %w", keyPath, err)
	}
	key, ok := parsed.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("intercept: %s holds a %T, not a signing key", keyPath, parsed)
	}
	type publicKey interface{ Equal(crypto.PublicKey) bool }
	if pub, ok := key.Public().(publicKey); !ok || !pub.Equal(cert.PublicKey) {
		return nil, fmt.Errorf("intercept: %s does not match %s; remove both to create a new CA", keyPath, certPath)
	}
	if !cert.IsCA || !constrainedToGraph(cert) {
		return nil, fmt.Errorf("intercept: %s is not a messemu CA name-constrained to %s; remove it or choose another --ca-dir", certPath, GraphHost)
	}
	if !excludesOtherNames(cert) {
		// A CA made by an earlier messemu constrained DNS names only, so its
		// key could sign for any IP address. It is refused rather than
		// replaced: the user trusted it by hand and must untrust it too.
		return nil, fmt.Errorf("intercept: the CA in %s was made by an older messemu and does not exclude IP addresses, so its key could impersonate any server reached by address; "+
			"remove it from any trust store you added it to, delete %s and %s, and run messemu again to make a new one (then trust the new %s)", dir, certPath, keyPath, caCertFile)
	}
	if err := checkKeyPrivate(keyPath); err != nil {
		return nil, err
	}
	if now := time.Now(); now.After(cert.NotAfter) {
		return nil, fmt.Errorf("intercept: the CA in %s expired on %s; remove %s and %s to create a new one", dir, cert.NotAfter.Format(time.DateOnly), caCertFile, caKeyFile)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &CA{
		dir:     dir,
		cert:    cert,
		certPEM: certPEM,
		key:     key,
		pool:    pool,
		now:     time.Now,
		leaves:  make(map[string]*leafCert),
	}, nil
}

// constrainedToGraph reports whether cert may only vouch for names under
// graph.facebook.com.
func constrainedToGraph(cert *x509.Certificate) bool {
	if !cert.PermittedDNSDomainsCritical || len(cert.PermittedDNSDomains) == 0 {
		return false
	}
	for _, d := range cert.PermittedDNSDomains {
		if d != GraphHost {
			return false
		}
	}
	return true
}

// allIPs is every IPv4 and IPv6 address, as excluded name-constraint
// ranges.
func allIPs() []*net.IPNet {
	return []*net.IPNet{
		{IP: net.IPv4zero.To4(), Mask: net.CIDRMask(0, 32)},
		{IP: net.IPv6zero, Mask: net.CIDRMask(0, 128)},
	}
}

// excludesOtherNames reports whether cert excludes every IP address and
// permits e-mail and URI names only at graph.facebook.com, as createCA makes
// it.
func excludesOtherNames(cert *x509.Certificate) bool {
	var v4, v6 bool
	for _, r := range cert.ExcludedIPRanges {
		ones, bits := r.Mask.Size()
		switch {
		case ones == 0 && bits == 32:
			v4 = true
		case ones == 0 && bits == 128:
			v6 = true
		}
	}
	only := func(names []string) bool { return len(names) == 1 && names[0] == GraphHost }
	return v4 && v6 && len(cert.PermittedIPRanges) == 0 && only(cert.PermittedEmailAddresses) && only(cert.PermittedURIDomains)
}

// checkKeyPrivate refuses a CA key that other users can read: whoever holds
// it can make certificates this machine trusts.
func checkKeyPrivate(keyPath string) error {
	if runtime.GOOS == "windows" {
		return nil // modes are not Unix permissions there; the user profile's ACL protects it
	}
	info, err := os.Stat(keyPath)
	if err != nil {
		return fmt.Errorf("intercept: %w", err)
	}
	if perm := info.Mode().Perm(); perm&0o077 != 0 {
		return fmt.Errorf("intercept: the CA key %s is readable by other users (mode %#o); make it private with: chmod 600 '%s'", keyPath, perm, keyPath)
	}
	return nil
}

func randomSerial() (*big.Int, error) {
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, fmt.Errorf("intercept: generating a serial number: %w", err)
	}
	return serial, nil
}

// Dir is the directory the CA is kept in.
func (ca *CA) Dir() string { return ca.dir }

// CertPath is the path of the CA certificate file (ca.pem).
func (ca *CA) CertPath() string { return filepath.Join(ca.dir, caCertFile) }

// CertPEM is the CA certificate, PEM-encoded.
func (ca *CA) CertPEM() []byte { return append([]byte(nil), ca.certPEM...) }

// Certificate is the parsed CA certificate.
func (ca *CA) Certificate() *x509.Certificate { return ca.cert }

// Pool is a certificate pool holding only the CA, for Go clients that should
// trust the intercept proxy (tls.Config.RootCAs).
func (ca *CA) Pool() *x509.CertPool { return ca.pool.Clone() }
