package intercept

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// childEnv marks the copy of the test binary that plays an unchanged Go bot.
const childEnv = "MESSEMU_INTERCEPT_CHILD"

// A Go bot with the stock client (http.ProxyFromEnvironment, system roots)
// and a hard-coded Graph URL reaches the handler with nothing but the lines
// EnvLines prints in its environment.
//
// net/http reads the proxy variables once per process, so the bot runs as a
// fresh copy of the test binary. Not parallel: it sets the environment.
func TestGoClientFromEnvironment(t *testing.T) {
	if os.Getenv(childEnv) == "1" {
		runGoBot(t)
		return
	}
	if runtime.GOOS == "darwin" || runtime.GOOS == "ios" || runtime.GOOS == "windows" {
		t.Skip("Go reads SSL_CERT_FILE only where it verifies with its own code (Linux, BSDs)")
	}
	tp := startProxy(t, Options{})
	bundle, _, err := tp.ca.WriteBundle()
	if err != nil {
		t.Fatalf("WriteBundle: %v", err)
	}
	lines, err := EnvLines("sh", tp.addr, bundle)
	if err != nil {
		t.Fatalf("EnvLines: %v", err)
	}
	clearProxyEnv(t)
	for name, value := range shExports(t, lines) {
		t.Setenv(name, value)
	}
	t.Setenv(childEnv, "1")

	out, err := exec.Command(os.Args[0], "-test.run=^TestGoClientFromEnvironment$", "-test.v").CombinedOutput()
	if err != nil {
		t.Fatalf("the Go bot failed: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), `"path":"/v26.0/me/messages"`) {
		t.Errorf("the Go bot did not get the handler's answer:\n%s", out)
	}
	want := []seenRequest{{
		Method:     "POST",
		Host:       "graph.facebook.com",
		Path:       "/v26.0/me/messages",
		RawQuery:   "access_token=PAGE_TOKEN",
		RequestURI: "/v26.0/me/messages?access_token=PAGE_TOKEN",
		Body:       `{"recipient":{"id":"1254459154682919"},"message":{"text":"hi"}}`,
		TLS:        true,
	}}
	if diff := cmp.Diff(want, tp.stub.requests()); diff != "" {
		t.Errorf("requests the handler saw (-want +got):\n%s", diff)
	}
}

// runGoBot is the bot: the default transport, guarded so that it can dial
// nothing but the proxy named in its environment.
func runGoBot(t *testing.T) {
	proxy, err := url.Parse(os.Getenv("HTTPS_PROXY"))
	if err != nil || proxy.Host == "" {
		t.Fatalf("HTTPS_PROXY = %q: %v", os.Getenv("HTTPS_PROXY"), err)
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		if addr != proxy.Host {
			t.Errorf("the bot dialled %s; only the proxy %s may be dialled", addr, proxy.Host)
			return nil, errors.New("test: dial refused")
		}
		var d net.Dialer
		return d.DialContext(ctx, network, addr)
	}
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	resp, err := client.Post("https://graph.facebook.com/v26.0/me/messages?access_token=PAGE_TOKEN", "application/json",
		strings.NewReader(`{"recipient":{"id":"1254459154682919"},"message":{"text":"hi"}}`))
	if err != nil {
		t.Fatalf("POST: %v", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading the answer: %v", err)
	}
	t.Logf("answer: %d %s", resp.StatusCode, body)
	if resp.StatusCode != http.StatusOK {
		t.Errorf("status = %d, want 200", resp.StatusCode)
	}
}

// proxyEnvVars are the variables that could send a client elsewhere or
// change what it trusts; tests clear them before setting their own.
var proxyEnvVars = []string{
	"HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy",
	"NO_PROXY", "no_proxy", "SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE",
	"CURL_CA_BUNDLE", "NODE_EXTRA_CA_CERTS",
}

func clearProxyEnv(t *testing.T) {
	t.Helper()
	for _, name := range proxyEnvVars {
		t.Setenv(name, "")
		if err := os.Unsetenv(name); err != nil {
			t.Fatalf("unsetenv %s: %v", name, err)
		}
	}
}

// shExports reads the `export NAME='value'` lines EnvLines renders for sh.
func shExports(t *testing.T, lines []string) map[string]string {
	t.Helper()
	env := map[string]string{}
	for _, line := range lines {
		assign, ok := strings.CutPrefix(line, "export ")
		if !ok {
			continue
		}
		name, quoted, ok := strings.Cut(assign, "=")
		if !ok || len(quoted) < 2 || quoted[0] != '\'' || quoted[len(quoted)-1] != '\'' {
			t.Fatalf("cannot read the sh line %q", line)
		}
		env[name] = strings.ReplaceAll(quoted[1:len(quoted)-1], `'\''`, `'`)
	}
	return env
}
