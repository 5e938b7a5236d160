package fakegraph

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkWebhookDelivery measures signed deliveries per second to a
// local bot over loopback HTTP: the bot checks both signatures of every
// POST. Events go to 64 users, so the worker pool runs in parallel.
func BenchmarkWebhookDelivery(b *testing.B) {
	var got, bad atomic.Int64
	bot := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			_, _ = io.WriteString(w, r.URL.Query().Get("hub.challenge"))
			return
		}
		body, err := io.ReadAll(r.Body)
		if err != nil || checkSignatures(DefaultAppSecret, r.Header, body) != "" {
			bad.Add(1)
			w.WriteHeader(http.StatusForbidden)
			return
		}
		got.Add(1)
	}))
	defer bot.Close()
	s := New(WithoutDefaultUsers())
	defer func() {
		if err := s.Close(); err != nil {
			b.Error(err)
		}
	}()
	off := false
	if err := s.SetWebhook(WebhookConfig{URL: bot.URL, Receipts: &off}); err != nil {
		b.Fatal(err)
	}
	var psids []string
	for i := 0; i < 64; i++ {
		u, err := s.AddUser(User{Name: fmt.Sprintf("Bench %d", i)})
		if err != nil {
			b.Fatal(err)
		}
		psids = append(psids, u.PSID)
	}
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		if _, err := s.UserSends(DefaultPageID, psids[i%len(psids)], UserMessageRequest{Text: "benchmark ✓"}); err != nil {
			b.Fatal(err)
		}
	}
	for got.Load()+bad.Load() < int64(b.N) {
		if time.Since(start) > 2*time.Minute {
			b.Fatalf("only %d of %d delivered after 2 min: %+v", got.Load(), b.N, s.Webhook())
		}
		time.Sleep(time.Millisecond)
	}
	elapsed := time.Since(start)
	b.StopTimer()
	if bad.Load() > 0 {
		b.Fatalf("%d deliveries had bad signatures", bad.Load())
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "deliveries/s")
}
