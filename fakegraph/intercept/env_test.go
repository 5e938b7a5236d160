package intercept

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestEnvLinesSh(t *testing.T) {
	t.Parallel()
	got, err := EnvLines("sh", "127.0.0.1:8443", "/home/me/.config/messemu/bundle.pem")
	if err != nil {
		t.Fatalf("EnvLines: %v", err)
	}
	want := []string{
		"# messemu: send https://graph.facebook.com to messemu's intercept proxy (messemu serve --intercept 127.0.0.1:8443)",
		"export HTTPS_PROXY='http://127.0.0.1:8443'",
		"export https_proxy='http://127.0.0.1:8443'",
		"export NO_PROXY='localhost,127.0.0.1,::1'",
		"export no_proxy='localhost,127.0.0.1,::1'",
		"export SSL_CERT_FILE='/home/me/.config/messemu/bundle.pem'",
		"export REQUESTS_CA_BUNDLE='/home/me/.config/messemu/bundle.pem'",
		"export NODE_EXTRA_CA_CERTS='/home/me/.config/messemu/bundle.pem'",
		"export CURL_CA_BUNDLE='/home/me/.config/messemu/bundle.pem'",
		"# Go, Python requests, curl and Ruby need nothing more.",
		"# Node: fetch and https use HTTPS_PROXY only with NODE_USE_ENV_PROXY=1 (Node 24.5+, 22.21+); on older Node preload global-agent: GLOBAL_AGENT_ENVIRONMENT_VARIABLE_NAMESPACE= GLOBAL_AGENT_FORCE_GLOBAL_AGENT=false node -r global-agent/bootstrap bot.js",
		`# Erlang/Elixir httpc ignores these variables: httpc:set_options([{https_proxy, {{"127.0.0.1", 8443}, ["localhost"]}}]) and {ssl, [{cacertfile, "/home/me/.config/messemu/bundle.pem"}]} in the request's HTTPOptions.`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("EnvLines(sh) (-want +got):\n%s", diff)
	}
}

func TestEnvLinesOtherShells(t *testing.T) {
	t.Parallel()
	tests := []struct {
		shell string
		want  []string // a few of the lines, in order
	}{
		{"fish", []string{
			"set -gx HTTPS_PROXY 'http://127.0.0.1:8443'",
			"set -gx NO_PROXY 'localhost,127.0.0.1,::1'",
			`set -gx SSL_CERT_FILE 'C:\\Users\\o\'neil\\bundle.pem'`,
		}},
		{"powershell", []string{
			"$env:HTTPS_PROXY = 'http://127.0.0.1:8443'",
			"$env:NO_PROXY = 'localhost,127.0.0.1,::1'",
			`$env:SSL_CERT_FILE = 'C:\Users\o''neil\bundle.pem'`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.shell, func(t *testing.T) {
			t.Parallel()
			got, err := EnvLines(tt.shell, "127.0.0.1:8443", `C:\Users\o'neil\bundle.pem`)
			if err != nil {
				t.Fatalf("EnvLines: %v", err)
			}
			var picked []string
			for _, line := range got {
				for _, w := range tt.want {
					if line == w {
						picked = append(picked, line)
					}
				}
				if !strings.HasPrefix(line, "# ") && !strings.HasPrefix(line, "set -gx ") && !strings.HasPrefix(line, "$env:") {
					t.Errorf("line %q is neither a comment nor a %s assignment", line, tt.shell)
				}
			}
			if diff := cmp.Diff(tt.want, picked); diff != "" {
				t.Errorf("EnvLines(%s) lines (-want +got):\n%s\nall lines:\n%s", tt.shell, diff, strings.Join(got, "\n"))
			}
		})
	}
}

// The sh lines must survive a real shell, quotes and spaces included.
func TestEnvLinesShEvaluates(t *testing.T) {
	t.Parallel()
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh on PATH")
	}
	bundle := "/tmp/it's a dir/bundle.pem"
	lines, err := EnvLines("sh", ":8443", bundle)
	if err != nil {
		t.Fatalf("EnvLines: %v", err)
	}
	script := filepath.Join(t.TempDir(), "env.sh")
	if err := os.WriteFile(script, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatalf("writing the script: %v", err)
	}
	out, err := exec.Command(sh, "-c", `. "$1" && printf '%s|%s|%s' "$HTTPS_PROXY" "$no_proxy" "$REQUESTS_CA_BUNDLE"`, "sh", script).CombinedOutput()
	if err != nil {
		t.Fatalf("sh: %v\n%s", err, out)
	}
	if want := "http://127.0.0.1:8443|localhost,127.0.0.1,::1|" + bundle; string(out) != want {
		t.Errorf("sh saw %q, want %q", out, want)
	}
}

func TestProxyURL(t *testing.T) {
	t.Parallel()
	tests := []struct{ addr, want, err string }{
		{addr: "127.0.0.1:8443", want: "http://127.0.0.1:8443"},
		{addr: "http://127.0.0.1:9000", want: "http://127.0.0.1:9000"},
		{addr: "localhost:8443", want: "http://localhost:8443"},
		{addr: ":8443", want: "http://127.0.0.1:8443"},
		{addr: "0.0.0.0:8443", want: "http://127.0.0.1:8443"},
		{addr: "[::]:8443", want: "http://[::1]:8443"},
		{addr: "https://127.0.0.1:8443", err: "plain http"},
		{addr: "localhost", err: "needs a host and a port"},
		{addr: "", err: "empty"},
	}
	for _, tt := range tests {
		u, err := proxyURL(tt.addr)
		switch {
		case tt.err != "":
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("proxyURL(%q): err = %v, want one containing %q", tt.addr, err, tt.err)
			}
		case err != nil:
			t.Errorf("proxyURL(%q): %v", tt.addr, err)
		case u.String() != tt.want:
			t.Errorf("proxyURL(%q) = %s, want %s", tt.addr, u, tt.want)
		}
	}
}

func TestEnvLinesRefusesUnknownShell(t *testing.T) {
	t.Parallel()
	if _, err := EnvLines("tcsh", DefaultAddr, "/b.pem"); err == nil || !strings.Contains(err.Error(), "sh, fish, powershell") {
		t.Errorf("EnvLines(tcsh): err = %v, want one listing the shells", err)
	}
}
