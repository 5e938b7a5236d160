package fakegraph

import (
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
)

// BenchmarkLiveHeapPerSend measures what one kept send costs in live heap:
// b.N validated text sends through the handler into an unlimited
// emulator, then a collection, then the heap divided by the sends (the
// "live-B/send" metric). The journal event, its receipts and the stored
// message are what stays.
func BenchmarkLiveHeapPerSend(b *testing.B) {
	s := New()
	if _, err := s.UserSends(DefaultPageID, alice, UserMessageRequest{Text: "hi"}); err != nil {
		b.Fatal(err)
	}
	h := s.Handler()
	target := "/v26.0/me/messages?access_token=" + DefaultPageToken
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		req := httptest.NewRequest("POST", target, strings.NewReader(textSend))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	}
	b.StopTimer()
	var after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(int64(after.HeapAlloc)-int64(before.HeapAlloc))/float64(b.N), "live-B/send")
	runtime.KeepAlive(s)
}
