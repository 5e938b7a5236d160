package fakegraph

import (
	"runtime"
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
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		benchPost(b, h, textSend)
	}
	b.StopTimer()
	var after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(int64(after.HeapAlloc)-int64(before.HeapAlloc))/float64(b.N), "live-B/send")
	runtime.KeepAlive(s)
}
