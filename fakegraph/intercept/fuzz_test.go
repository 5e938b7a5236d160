package intercept

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/messemu/messemu/fakegraph"
)

// FuzzInterceptProxy feeds arbitrary HTTP requests to the intercept proxy
// in front of the real emulator. No input may panic, make the proxy dial
// anything (passthrough is off), answer a 5xx, or reach the emulator for a
// host other than graph.facebook.com; what the emulator answers is JSON.
func FuzzInterceptProxy(f *testing.F) {
	seeds := []string{
		"GET http://graph.facebook.com/v26.0/me?access_token=" + fakegraph.DefaultPageToken + " HTTP/1.1\r\nHost: graph.facebook.com\r\n\r\n",
		"POST http://graph.facebook.com/me/messages HTTP/1.1\r\nHost: graph.facebook.com\r\nContent-Type: application/json\r\nContent-Length: 46\r\n\r\n{\"recipient\":{\"id\":\"1\"},\"message\":{\"text\":1}}",
		"GET http://GRAPH.facebook.com.:80/_messemu/v1/pages HTTP/1.1\r\nHost: evil.example\r\nOrigin: http://evil.example\r\n\r\n",
		"CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\n\r\n",
		"CONNECT graph.facebook.com.evil.example:443 HTTP/1.1\r\nHost: graph.facebook.com.evil.example:443\r\n\r\n",
		"GET http://127.0.0.1:22/ HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\n",
		"GET /v26.0/me HTTP/1.1\r\nHost: localhost\r\n\r\n",
		"GET http://graph.facebook.com/%zz HTTP/1.1\r\nHost: graph.facebook.com\r\nProxy-Authorization: Basic eA==\r\n\r\n",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	ca, err := LoadOrCreateCA(f.TempDir())
	if err != nil {
		f.Fatal(err)
	}
	emu := fakegraph.New(fakegraph.WithJournalLimit(1000))
	dialer := &countingDialer{}
	p := New(emu.Handler(), ca, Options{Dial: dialer.Dial})
	f.Fuzz(func(t *testing.T, raw []byte) {
		req, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(raw)))
		if err != nil {
			return // net/http answers unparsable requests before any handler
		}
		req.RemoteAddr = "127.0.0.1:40000"
		if req.Method == http.MethodConnect && p.intercepts(req.Host) {
			return // hijacks the connection: covered by the TLS tests on a real listener
		}
		before := emu.Journal().Last()
		rec := httptest.NewRecorder()
		p.ServeHTTP(rec, req)
		if n := dialer.calls.Load(); n != 0 {
			t.Fatalf("the proxy dialled out %d times for %q", n, raw)
		}
		if rec.Code >= 500 {
			t.Fatalf("status %d for %q: %s", rec.Code, raw, rec.Body.String())
		}
		reached := emu.Journal().Last() != before || strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json")
		if !reached {
			return
		}
		target := req.Host
		if req.URL.IsAbs() {
			target = req.URL.Host
		}
		if !p.intercepts(target) {
			t.Fatalf("a request for %q reached the emulator: %q", target, raw)
		}
		if !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("the emulator's answer is not JSON: %q", rec.Body.String())
		}
	})
}
