package fakegraph

import "testing"

// The request tree's two passes over a 10-element generic template: its
// decoding and the stored message's encoding.

func BenchmarkDecodeObjectGeneric10(b *testing.B) {
	body := []byte(generic10())
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if _, ok := decodeObject(body); !ok {
			b.Fatal("refused")
		}
	}
}

func BenchmarkAppendJSONTreeGeneric10(b *testing.B) {
	obj, ok := decodeObject([]byte(generic10()))
	if !ok {
		b.Fatal("refused")
	}
	msg := obj["message"]
	buf := make([]byte, 0, 4096)
	b.ReportAllocs()
	for b.Loop() {
		var err error
		if buf, err = appendJSONTree(buf[:0], msg); err != nil {
			b.Fatal(err)
		}
	}
}
