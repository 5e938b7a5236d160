package testkit_test

import (
	"io"
	"net/http"
	"net/http/httptest"
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

// botRoundTrip is the whole path a bot test takes: start an emulator with
// a webhook bot, the user writes, the webhook reaches the bot, the bot
// answers through the Send API, the test reads the answer.
func botRoundTrip(b *testing.B, opts ...testkit.Option) {
	t := testkit.NewStandalone(io.Discard)
	defer t.Close()
	emu := testkit.Start(t, opts...)
	alice := emu.User("Alice")
	alice.Says("hi")
	if msg := alice.NextMessage(t); msg.Text() != "echo: hi" || t.Failed() {
		b.Fatalf("got %q", msg.Text())
	}
}

// BenchmarkStartBotRoundTrip: the bot is an http.Handler, no socket
// either way.
func BenchmarkStartBotRoundTrip(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		botRoundTrip(b, testkit.BotFrom(echoBot))
	}
}

// BenchmarkStartBotRoundTripSocket: the emulator listens on loopback and
// the bot is an httptest server reached by URL, sockets both ways.
func BenchmarkStartBotRoundTripSocket(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		var emu *testkit.Emulator
		bot := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { echoBot(emu).ServeHTTP(w, r) }))
		t := testkit.NewStandalone(io.Discard)
		emu = testkit.Start(t, testkit.Listen())
		emu.SetWebhook(bot.URL)
		alice := emu.User("Alice")
		alice.Says("hi")
		if msg := alice.NextMessage(t); msg.Text() != "echo: hi" || t.Failed() {
			b.Fatalf("got %q", msg.Text())
		}
		t.Close()
		bot.Close()
	}
}
