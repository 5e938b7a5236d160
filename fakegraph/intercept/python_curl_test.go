package intercept

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// pythonBot is an unmodified bot: it hard-codes graph.facebook.com and knows
// nothing of messemu.
const pythonBot = `import requests

r = requests.post(
    "https://graph.facebook.com/v15.0/me/messages",
    params={"access_token": "PAGE_TOKEN"},
    json={"recipient": {"id": "1254459154682919"}, "message": {"text": "hello from python"}},
    timeout=10,
)
print(r.status_code, r.text)
r.raise_for_status()
`

// Python requests and curl, configured only by the lines `messemu env`
// prints (sourced by a real sh), reach the handler through the proxy. CI
// installs Debian's python3-requests and curl; elsewhere the subtests skip
// when those are missing.
func TestPythonRequestsAndCurlThroughTheProxy(t *testing.T) {
	t.Parallel()
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh on PATH to source the env lines")
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
	dir := t.TempDir()
	envFile := filepath.Join(dir, "messemu-env.sh")
	if err := os.WriteFile(envFile, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatalf("writing the env file: %v", err)
	}
	// run starts argv under sh after sourcing the env lines, in an
	// environment with no proxy or CA settings of its own.
	run := func(t *testing.T, argv ...string) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, sh, append([]string{"-c", `. "$0" && exec "$@"`, envFile}, argv...)...)
		cmd.Dir = dir
		cmd.Env = withoutProxyEnv(os.Environ())
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s failed: %v\n%s", strings.Join(argv, " "), err, out)
		}
		t.Logf("%s: %s", argv[0], out)
	}

	t.Run("python requests", func(t *testing.T) {
		python := pythonWithRequests()
		if python == "" {
			t.Skip("python3 with the requests module not found (Debian: apt-get install python3-requests)")
		}
		script := filepath.Join(dir, "bot.py")
		if err := os.WriteFile(script, []byte(pythonBot), 0o644); err != nil {
			t.Fatalf("writing the script: %v", err)
		}
		run(t, python, script)
		got := tp.stub.find("/v15.0/me/messages")
		if got == nil {
			t.Fatalf("the handler never saw the Python bot's POST /v15.0/me/messages; it saw %+v", tp.stub.requests())
		}
		var body map[string]any
		if err := json.Unmarshal([]byte(got.Body), &body); err != nil {
			t.Fatalf("the Python bot's body %q: %v", got.Body, err)
		}
		want := map[string]any{
			"recipient": map[string]any{"id": "1254459154682919"},
			"message":   map[string]any{"text": "hello from python"},
		}
		if diff := cmp.Diff(want, body); diff != "" {
			t.Errorf("the Python bot's JSON body (-want +got):\n%s", diff)
		}
		if got.Method != "POST" || got.Host != "graph.facebook.com" || got.RawQuery != "access_token=PAGE_TOKEN" || !got.TLS {
			t.Errorf("the Python bot's request = %+v, want POST to graph.facebook.com over TLS with the token", *got)
		}
	})

	t.Run("curl", func(t *testing.T) {
		curl, err := exec.LookPath("curl")
		if err != nil {
			t.Skip("curl not found (Debian: apt-get install curl)")
		}
		run(t, curl, "--silent", "--show-error", "--fail", "--max-time", "10",
			"https://graph.facebook.com/v26.0/me?access_token=PAGE_TOKEN")
		got := tp.stub.find("/v26.0/me")
		if got == nil {
			t.Fatalf("the handler never saw curl's GET /v26.0/me; it saw %+v", tp.stub.requests())
		}
		if got.Method != "GET" || got.Host != "graph.facebook.com" || got.RawQuery != "access_token=PAGE_TOKEN" || !got.TLS {
			t.Errorf("curl's request = %+v, want GET to graph.facebook.com over TLS with the token", *got)
		}
	})
}

// find returns the first request the stub saw for path, or nil.
func (s *graphStub) find(path string) *seenRequest {
	for _, r := range s.requests() {
		if r.Path == path {
			return &r
		}
	}
	return nil
}

// pythonWithRequests finds a python3 that can import requests, preferring
// the system's (a pyenv python3 on PATH often lacks Debian's packages).
func pythonWithRequests() string {
	candidates := []string{"/usr/bin/python3"}
	if p, err := exec.LookPath("python3"); err == nil {
		candidates = append(candidates, p)
	}
	for _, p := range candidates {
		if exec.Command(p, "-c", "import requests").Run() == nil {
			return p
		}
	}
	return ""
}

// withoutProxyEnv drops the proxy and CA variables from env, so a child
// sees only those the env lines set.
func withoutProxyEnv(env []string) []string {
	return slices.DeleteFunc(slices.Clone(env), func(kv string) bool {
		name, _, _ := strings.Cut(kv, "=")
		return slices.Contains(proxyEnvVars, name)
	})
}
