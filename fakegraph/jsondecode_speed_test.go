package fakegraph

import (
	"encoding/json"
	"fmt"
	"runtime"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// BenchmarkDecodeBodyGeneric10 is a 10-element generic template's
// decoding as a send does it: the tree, its tape and the message's
// canonical form, then the maps and the buffer given back.
func BenchmarkDecodeBodyGeneric10(b *testing.B) {
	body := []byte(generic10())
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		_, msg, maps, ok := decodeBody(body)
		if !ok || msg == nil {
			b.Fatal("refused")
		}
		putTreeBuffer(msg, *msg)
		maps.release(true)
	}
}

// TestDecodedArraysStandAlone: the decoder keeps the arrays of a body in
// one chunk; each must still be a slice of its own, that an append or a
// write changes without touching its neighbours.
func TestDecodedArraysStandAlone(t *testing.T) {
	t.Parallel()
	obj, ok := decodeObject([]byte(`{"a":["x","y"],"b":["z",1,[true]],"c":[]}`))
	if !ok {
		t.Fatal("refused")
	}
	a, b := obj["a"].([]any), obj["b"].([]any)
	if cap(a) != len(a) || cap(b) != len(b) {
		t.Fatalf("cap(a)=%d len(a)=%d cap(b)=%d len(b)=%d: an append would write past the array", cap(a), len(a), cap(b), len(b))
	}
	grown := append(a, "over")
	a[1] = "changed"
	want := map[string]any{"a": []any{"x", "changed"}, "b": []any{"z", json.Number("1"), []any{true}}, "c": []any{}}
	if d := cmp.Diff(want, obj); d != "" {
		t.Errorf("after writing to a (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]any{"x", "y", "over"}, grown); d != "" {
		t.Errorf("the appended copy (-want +got):\n%s", d)
	}
}

// TestDecodedValuesOutliveTheDecoder: a value of a tree, kept after its
// request, holds what it was decoded as through later decodings and
// collections (the decoder's chunks are not reused).
func TestDecodedValuesOutliveTheDecoder(t *testing.T) {
	t.Parallel()
	obj, ok := decodeObject([]byte(`{"s":"kept text","n":12.5,"l":["one","two"]}`))
	if !ok {
		t.Fatal("refused")
	}
	s, n, l := obj["s"], obj["n"], obj["l"]
	obj = nil
	for i := range 50 {
		body := fmt.Sprintf(`{"s":"other %d","n":%d,"l":["three","four %d"]}`, i, i, i)
		_, msg, maps, ok := decodeBody([]byte(body))
		if !ok {
			t.Fatal("refused")
		}
		if msg != nil {
			putTreeBuffer(msg, *msg)
		}
		maps.release(true)
		runtime.GC()
	}
	got := []any{s, n, l}
	want := []any{"kept text", json.Number("12.5"), []any{"one", "two"}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("kept values (-want +got):\n%s", d)
	}
}

// BenchmarkMessageFromTapeGeneric10 is the canonical message of a
// 10-element generic template written from its tape, alone.
func BenchmarkMessageFromTapeGeneric10(b *testing.B) {
	body := generic10()
	tp := getTape()
	defer putTape(tp)
	if _, ok := decodeWith(body, tp, nil); !ok {
		b.Fatal("refused")
	}
	msg, found := tp.memberNamed(body, 0, "message")
	if !found {
		b.Fatal("no message")
	}
	buf := make([]byte, 0, 4096)
	b.ReportAllocs()
	for b.Loop() {
		var ok bool
		if buf, ok = tp.appendCanonical(buf[:0], body, msg); !ok {
			b.Fatal("not written")
		}
	}
}
