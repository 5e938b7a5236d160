package journal

import (
	"math/rand/v2"
	"testing"
)

// TestMarkerScanByWords: the word-at-a-time scan finds a marker byte
// wherever it stands, and passes every other byte, as the byte-at-a-time
// one does.
func TestMarkerScanByWords(t *testing.T) {
	t.Parallel()
	for n := 0; n <= 24; n++ {
		for at := 0; at < n; at++ {
			for c := 0; c < 256; c++ {
				body := make([]byte, n)
				for i := range body {
					body[i] = 'a'
				}
				body[at] = byte(c)
				if got, want := hasMarkerByte(body), markerIn(body); got != want {
					t.Fatalf("length %d, byte %#x at %d: hasMarkerByte = %v, want %v", n, c, at, got, want)
				}
			}
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		body := make([]byte, r.IntN(64))
		for i := range body {
			body[i] = byte(r.IntN(256))
			if r.IntN(4) > 0 {
				const some = " \t\n\r{}\":,a0\x7f\x80\xff"
				body[i] = some[r.IntN(len(some))]
			}
		}
		if got, want := hasMarkerByte(body), markerIn(body); got != want {
			t.Fatalf("%q: hasMarkerByte = %v, want %v", body, got, want)
		}
	}
}
