package intercept_test

import (
	"crypto/tls"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"

	"github.com/messemu/messemu/fakegraph/intercept"
)

// A bot whose code says https://graph.facebook.com reaches the emulator's
// handler through the proxy; only its client's proxy and trust settings
// (here set in Go, usually through the environment) differ.
func ExampleNew() {
	dir, err := os.MkdirTemp("", "messemu-ca")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	ca, err := intercept.LoadOrCreateCA(dir)
	if err != nil {
		log.Fatal(err)
	}
	emulator := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `{"host":%q,"path":%q}`, r.Host, r.URL.Path)
	})
	proxy := intercept.New(emulator, ca, intercept.Options{})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	go proxy.Serve(l)
	defer proxy.Close()

	client := &http.Client{Transport: &http.Transport{
		Proxy:           http.ProxyURL(&url.URL{Scheme: "http", Host: l.Addr().String()}),
		TLSClientConfig: &tls.Config{RootCAs: ca.Pool()},
	}}
	resp, err := client.Post("https://graph.facebook.com/v26.0/me/messages", "application/json",
		strings.NewReader(`{"recipient":{"id":"1"},"message":{"text":"hi"}}`))
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(string(body))
	// Output: {"host":"graph.facebook.com","path":"/v26.0/me/messages"}
}

func ExampleEnvLines() {
	lines, err := intercept.EnvLines("fish", "127.0.0.1:8443", "/home/me/.config/messemu/bundle.pem")
	if err != nil {
		log.Fatal(err)
	}
	for _, line := range lines[:9] {
		fmt.Println(line)
	}
	// Output:
	// # messemu: send https://graph.facebook.com to messemu's intercept proxy (messemu serve --intercept 127.0.0.1:8443)
	// set -gx HTTPS_PROXY 'http://127.0.0.1:8443'
	// set -gx https_proxy 'http://127.0.0.1:8443'
	// set -gx NO_PROXY 'localhost,127.0.0.1,::1'
	// set -gx no_proxy 'localhost,127.0.0.1,::1'
	// set -gx SSL_CERT_FILE '/home/me/.config/messemu/bundle.pem'
	// set -gx REQUESTS_CA_BUNDLE '/home/me/.config/messemu/bundle.pem'
	// set -gx NODE_EXTRA_CA_CERTS '/home/me/.config/messemu/bundle.pem'
	// set -gx CURL_CA_BUNDLE '/home/me/.config/messemu/bundle.pem'
}
