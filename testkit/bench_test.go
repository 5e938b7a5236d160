package testkit_test

import (
	"io"
	"testing"

	"github.com/messemu/messemu/testkit"
)

// roundTrip starts an emulator, has a user write, answers as the bot
// through the Send API, and waits for the answer: the cost of the
// smallest useful test.
func roundTrip(b *testing.B, opts ...testkit.Option) {
	t := testkit.NewStandalone(io.Discard)
	defer t.Close()
	emu := testkit.Start(t, opts...)
	alice := emu.User("Alice")
	alice.Says("hi")
	if code, body, err := send(emu.Client(), emu.URL(), emu.PageToken(), text(alice.PSID(), "hello")); err != nil || code != 200 {
		b.Fatalf("send: %d %s %v", code, body, err)
	}
	if msg := alice.NextMessage(t); msg.Text() != "hello" || t.Failed() {
		b.Fatalf("got %q", msg.Text())
	}
}

// BenchmarkStartRoundTrip measures Start plus one round trip with no
// socket: the bot's client calls the emulator's handler in process.
func BenchmarkStartRoundTrip(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		roundTrip(b)
	}
}

// BenchmarkStartRoundTripSocket is the same over a loopback listener.
func BenchmarkStartRoundTripSocket(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		roundTrip(b, testkit.Listen())
	}
}

// BenchmarkStart measures Start alone.
func BenchmarkStart(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		t := testkit.NewStandalone(io.Discard)
		testkit.Start(t)
		t.Close()
	}
}
