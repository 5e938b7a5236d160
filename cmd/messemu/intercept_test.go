package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/messemu/messemu/fakegraph"
	"github.com/messemu/messemu/fakegraph/intercept"
)

func TestRunEnvPrintsTheVariables(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var out bytes.Buffer
	if err := runEnv([]string{"--ca-dir", dir, "--intercept", "127.0.0.1:9443"}, &out); err != nil {
		t.Fatalf("runEnv: %v", err)
	}
	bundle := filepath.Join(dir, "bundle.pem")
	for _, want := range []string{
		"export HTTPS_PROXY='http://127.0.0.1:9443'\n",
		"export NO_PROXY='localhost,127.0.0.1,::1'\n",
		"export SSL_CERT_FILE='" + bundle + "'\n",
		"export REQUESTS_CA_BUNDLE='" + bundle + "'\n",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("messemu env output lacks %q:\n%s", want, out.String())
		}
	}
	data, err := os.ReadFile(bundle)
	if err != nil {
		t.Fatalf("the bundle was not written: %v", err)
	}
	caPEM, err := os.ReadFile(filepath.Join(dir, "ca.pem"))
	if err != nil {
		t.Fatalf("the CA was not created: %v", err)
	}
	if !bytes.Contains(data, caPEM) {
		t.Errorf("the bundle does not hold the CA")
	}
}

func TestRunEnvKeepsErrorsOutOfTheOutput(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	err := runEnv([]string{"--ca-dir", t.TempDir(), "--shell", "tcsh"}, &out)
	if err == nil || out.Len() != 0 {
		t.Errorf("runEnv --shell tcsh: err = %v, output %q; want an error and no output to eval", err, out.String())
	}
	out.Reset()
	if err := runEnv([]string{"--bogus"}, &out); err == nil || out.Len() != 0 {
		t.Errorf("runEnv --bogus: err = %v, output %q; want an error and no output", err, out.String())
	}
	out.Reset()
	if err := runEnv([]string{"-h"}, &out); !errors.Is(err, flag.ErrHelp) || !strings.Contains(out.String(), "usage: messemu env") {
		t.Errorf("runEnv -h: err = %v, output %q; want flag.ErrHelp and the usage", err, out.String())
	}
}

func TestRunCA(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var path bytes.Buffer
	if err := runCA([]string{"path", "--ca-dir", dir}, &path); err != nil {
		t.Fatalf("runCA path: %v", err)
	}
	if want := filepath.Join(dir, "ca.pem") + "\n"; path.String() != want {
		t.Errorf("messemu ca path = %q, want %q", path.String(), want)
	}
	var pem bytes.Buffer
	if err := runCA([]string{"--ca-dir", dir, "pem"}, &pem); err != nil {
		t.Fatalf("runCA pem: %v", err)
	}
	onDisk, err := os.ReadFile(filepath.Join(dir, "ca.pem"))
	if err != nil {
		t.Fatalf("reading ca.pem: %v", err)
	}
	if !bytes.Equal(pem.Bytes(), onDisk) || !strings.HasPrefix(pem.String(), "-----BEGIN CERTIFICATE-----") {
		t.Errorf("messemu ca pem printed %q, want the contents of ca.pem", pem.String())
	}
	for _, args := range [][]string{{}, {"key"}, {"path", "pem"}} {
		if err := runCA(append(args, "--ca-dir", dir), io.Discard); err == nil {
			t.Errorf("runCA %q: want an error", args)
		}
	}
}

func TestServeInterceptAnswersForGraph(t *testing.T) {
	t.Parallel()
	ca, err := intercept.LoadOrCreateCA(t.TempDir())
	if err != nil {
		t.Fatalf("LoadOrCreateCA: %v", err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, r.Host+r.URL.Path)
	})
	stop := serveIntercept(l, ca, false, h, nil)

	tr := &http.Transport{
		Proxy:           http.ProxyURL(&url.URL{Scheme: "http", Host: l.Addr().String()}),
		TLSClientConfig: &tls.Config{RootCAs: ca.Pool()},
	}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr, Timeout: 10 * time.Second}).Get("https://graph.facebook.com/v26.0/me")
	if err != nil {
		t.Fatalf("GET through the intercept listener: %v", err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatalf("reading the answer: %v", err)
	}
	if string(body) != "graph.facebook.com/v26.0/me" {
		t.Errorf("answer = %q, want the handler's", body)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := stop(ctx); err != nil {
		t.Errorf("stop: %v", err)
	}
}

// Through the intercept listener, a bot gets the emulator's own answers,
// its validation errors included, and the journal records the requests.
func TestInterceptServesTheEmulator(t *testing.T) {
	t.Parallel()
	ca, err := intercept.LoadOrCreateCA(t.TempDir())
	if err != nil {
		t.Fatalf("LoadOrCreateCA: %v", err)
	}
	srv := fakegraph.New()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	stop := serveIntercept(l, ca, false, srv.Handler(), nil)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := stop(ctx); err != nil {
			t.Errorf("stop: %v", err)
		}
	})
	tr := &http.Transport{
		Proxy:           http.ProxyURL(&url.URL{Scheme: "http", Host: l.Addr().String()}),
		TLSClientConfig: &tls.Config{RootCAs: ca.Pool()},
	}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}

	token := srv.Pages()[0].Token
	resp, err := client.Post("https://graph.facebook.com/v26.0/me/messages?access_token="+url.QueryEscape(token),
		"application/json", strings.NewReader(`{"recipient":{"id":"no-such-user"},"message":{"text":"hi"}}`))
	if err != nil {
		t.Fatalf("POST through the intercept listener: %v", err)
	}
	var answer struct {
		Error struct {
			Code      int    `json:"code"`
			FBTraceID string `json:"fbtrace_id"`
		} `json:"error"`
	}
	err = json.NewDecoder(resp.Body).Decode(&answer)
	resp.Body.Close()
	if err != nil {
		t.Fatalf("decoding the answer: %v", err)
	}
	if resp.StatusCode != http.StatusBadRequest || answer.Error.Code == 0 || answer.Error.FBTraceID == "" {
		t.Errorf("answer = %d %+v, want the emulator's Graph error for an unknown recipient", resp.StatusCode, answer)
	}
	found := false
	for _, e := range srv.Journal().After(0, 0) {
		if e.Kind == fakegraph.KindRequest && e.Path == "/v26.0/me/messages" {
			found = true
		}
	}
	if !found {
		t.Errorf("the journal has no request event for /v26.0/me/messages: %+v", srv.Journal().After(0, 0))
	}
}

// The startup screen's setup line is the one that works for the proxy
// serve runs: env's defaults left out, the address and CA folder given
// when they differ.
func TestEnvCommandNamesWhatDiffers(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ goos, addr, caDir, want string }{
		{"linux", "127.0.0.1:8443", "", `eval "$(messemu env)"`},
		{"linux", "127.0.0.1:19377", "", `eval "$(messemu env --intercept 127.0.0.1:19377)"`},
		{"darwin", "127.0.0.1:8443", "/tmp/ca", `eval "$(messemu env --ca-dir '/tmp/ca')"`},
		{"linux", "127.0.0.1:8443", "/tmp/it's", `eval "$(messemu env --ca-dir '/tmp/it'\''s')"`},
		{"windows", "127.0.0.1:19377", `C:\it's`, `messemu env --shell powershell --intercept 127.0.0.1:19377 --ca-dir 'C:\it''s' | Out-String | Invoke-Expression`},
	} {
		if got := envCommandFor(tc.goos, tc.addr, tc.caDir); got != tc.want {
			t.Errorf("envCommandFor(%s, %q, %q) = %s, want %s", tc.goos, tc.addr, tc.caDir, got, tc.want)
		}
	}
}

// A shell or a proxy address env cannot write for is named as env's own
// flag (not "intercept: …"), before any CA is made.
func TestRunEnvNamesTheBadFlag(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "ca")
	var out bytes.Buffer
	err := runEnv([]string{"--ca-dir", dir, "--shell", "csh"}, &out)
	if err == nil || err.Error() != `env: --shell: unknown shell "csh" (want one of sh, fish, powershell)` {
		t.Errorf("runEnv --shell csh: err = %v", err)
	}
	err = runEnv([]string{"--ca-dir", dir, "--intercept", "nope"}, &out)
	if err == nil || !strings.HasPrefix(err.Error(), `env: --intercept: proxy address "nope" needs a host and a port`) {
		t.Errorf("runEnv --intercept nope: err = %v", err)
	}
	if _, statErr := os.Stat(dir); !os.IsNotExist(statErr) {
		t.Errorf("a bad flag made the CA directory %s (%v)", dir, statErr)
	}
}
