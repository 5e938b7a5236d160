package intercept

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// answerJSON is the benchmarks' handler: the stub's answer without the
// recording, so both benchmarks measure transport alone.
var answerJSON = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	if _, err := io.Copy(io.Discard, r.Body); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	if err := json.NewEncoder(w).Encode(map[string]string{"recipient_id": "1254459154682919", "message_id": "m_bench"}); err != nil {
		return // the client went away; the benchmark's own error reports it
	}
})

const benchBody = `{"recipient":{"id":"1254459154682919"},"message":{"text":"hello"}}`

// benchKeepAlive posts to url over and over with one client; keep-alive
// means one connection (and, for HTTPS, one handshake) for the whole run.
func benchKeepAlive(b *testing.B, client *http.Client, url string) {
	b.Helper()
	b.ReportAllocs()
	for b.Loop() {
		resp, err := client.Post(url, "application/json", strings.NewReader(benchBody))
		if err != nil {
			b.Fatalf("POST: %v", err)
		}
		if _, err := io.Copy(io.Discard, resp.Body); err != nil {
			b.Fatalf("reading the answer: %v", err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
}

// BenchmarkInterceptKeepAlive: requests for https://graph.facebook.com
// through the intercept proxy, over one keep-alive TLS connection.
func BenchmarkInterceptKeepAlive(b *testing.B) {
	tp := startProxy(b, Options{})
	tp.Proxy.handler = answerJSON
	client, stats := tp.client(b)
	benchKeepAlive(b, client, messagesURL)
	if n := stats.handshakes.Load(); n != 1 {
		b.Errorf("%d TLS handshakes, want 1", n)
	}
}

// BenchmarkPlainKeepAlive: the same handler on a plain HTTP listener, the
// way a bot configured with messemu's base URL reaches it.
func BenchmarkPlainKeepAlive(b *testing.B) {
	srv := httptest.NewServer(answerJSON)
	b.Cleanup(srv.Close)
	tr := &http.Transport{}
	b.Cleanup(tr.CloseIdleConnections)
	benchKeepAlive(b, &http.Client{Transport: tr}, srv.URL+"/v26.0/me/messages")
}
