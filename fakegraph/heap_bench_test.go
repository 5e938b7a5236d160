package fakegraph

import (
	"runtime"
	"runtime/metrics"
	"testing"
	"time"
)

// BenchmarkLiveHeapPerSend measures what one kept send costs in live heap:
// b.N validated text sends through the handler into an unlimited
// emulator, then a collection, then the heap divided by the sends (the
// "live-B/send" metric). The journal event, its receipts and the stored
// message are what stays. "scan-B/send" is the part of it the collector
// must scan for pointers (runtime/metrics' /gc/scan/heap:bytes), and
// "scan-MB" the scannable heap after the run: what each collection's
// marking grows with, and "gc-µs" the wall time of one full collection
// then (reported, not asserted; -benchtime 200000x gives the figures after
// 200,000 kept sends).
func BenchmarkLiveHeapPerSend(b *testing.B) {
	s := New()
	if _, err := s.UserSends(DefaultPageID, alice, UserMessageRequest{Text: "hi"}); err != nil {
		b.Fatal(err)
	}
	h := s.Handler()
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	scanBefore := scannableHeap()
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		benchPost(b, h, textSend)
	}
	b.StopTimer()
	var after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&after)
	scanAfter := scannableHeap()
	collect := time.Now()
	runtime.GC() // a full collection of what the sends left: its marking walks the scannable heap
	b.ReportMetric(float64(time.Since(collect).Microseconds()), "gc-µs")
	b.ReportMetric(float64(int64(after.HeapAlloc)-int64(before.HeapAlloc))/float64(b.N), "live-B/send")
	b.ReportMetric(float64(int64(scanAfter)-int64(scanBefore))/float64(b.N), "scan-B/send")
	b.ReportMetric(float64(scanAfter)/(1<<20), "scan-MB")
	runtime.KeepAlive(s)
}

// scannableHeap is the heap the collector scanned for pointers in its
// last cycle (call it after runtime.GC).
func scannableHeap() uint64 {
	sample := []metrics.Sample{{Name: "/gc/scan/heap:bytes"}}
	metrics.Read(sample)
	if sample[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return sample[0].Value.Uint64()
}
