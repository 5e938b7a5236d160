package intercept

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// bundleFile is the CA bundle written beside the CA: the system's roots
// followed by messemu's CA.
const bundleFile = "bundle.pem"

// systemBundles are the places common systems keep their PEM root bundle,
// in the order crypto/x509 looks for them.
var systemBundles = []string{
	"/etc/ssl/certs/ca-certificates.crt",                // Debian, Ubuntu, Gentoo, Arch
	"/etc/pki/tls/certs/ca-bundle.crt",                  // Fedora, RHEL 6
	"/etc/ssl/ca-bundle.pem",                            // openSUSE
	"/etc/pki/tls/cacert.pem",                           // OpenELEC
	"/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem", // CentOS, RHEL 7
	"/etc/ssl/cert.pem",                                 // Alpine, macOS, BSD
}

// BundlePath is the path of the CA bundle that WriteBundle writes.
func (ca *CA) BundlePath() string { return filepath.Join(ca.dir, bundleFile) }

// WriteBundle writes bundle.pem in the CA directory: the system's root
// certificates followed by messemu's CA. Variables such as SSL_CERT_FILE and
// REQUESTS_CA_BUNDLE replace a runtime's roots rather than add to them, so
// pointing them at the CA alone would break every other HTTPS call the bot
// makes; the bundle keeps those working.
//
// The system roots come from $SSL_CERT_FILE when it is set (and is not this
// bundle), else from the first system bundle found. roots is the file they
// came from, or "" if none was found, in which case the bundle holds only
// the CA. The file is replaced atomically, so a running bot never reads half
// of it.
func (ca *CA) WriteBundle() (path, roots string, err error) {
	path = ca.BundlePath()
	var system []byte
	for _, candidate := range rootSources(path) {
		data, err := os.ReadFile(candidate)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return "", "", fmt.Errorf("intercept: reading the system roots: %w", err)
		}
		system, roots = data, candidate
		break
	}
	var buf bytes.Buffer
	if len(system) > 0 {
		buf.Write(system)
		if !bytes.HasSuffix(system, []byte("\n")) {
			buf.WriteByte('\n')
		}
	}
	buf.WriteString("# messemu local CA, name-constrained to graph.facebook.com\n")
	buf.Write(ca.certPEM)
	if err := replaceFile(path, buf.Bytes(), 0o644); err != nil {
		return "", "", err
	}
	return path, roots, nil
}

func rootSources(bundle string) []string {
	var sources []string
	if env := os.Getenv("SSL_CERT_FILE"); env != "" && !sameFile(env, bundle) {
		sources = append(sources, env)
	}
	return append(sources, systemBundles...)
}

func sameFile(a, b string) bool {
	if filepath.Clean(a) == filepath.Clean(b) {
		return true
	}
	fa, errA := os.Stat(a)
	fb, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(fa, fb)
}

// replaceFile writes data to path through a temporary file and a rename.
func replaceFile(path string, data []byte, mode os.FileMode) error {
	tmp, err := writeTemp(path, data, mode)
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("intercept: writing %s: %w", path, err)
	}
	return nil
}
