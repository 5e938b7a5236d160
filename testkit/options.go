package testkit

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/messemu/messemu/fakegraph"
)

// Option configures an emulator started by Start.
type Option func(*options)

type options struct {
	bot         http.Handler
	botFrom     func(*Emulator) http.Handler
	webhookURL  string
	appSecret   string
	verifyToken string
	strictProof bool
	clockAt     time.Time
	frozen      bool
	receipts    *bool
	listen      bool
	listenAddr  string
	timeout     time.Duration
	rateLimits  bool
	logger      *slog.Logger
	idSeed      uint64
	retention   *fakegraph.Retention
}

// Bot serves the bot's webhook handler in process: the emulator posts its
// webhooks to h through a transport that calls h directly, with no socket.
// The requests are for http://bot.messemu.test/webhook (the handshake a
// GET, each event a POST), so a handler that routes by path must answer
// /webhook, or be wrapped (http.StripPrefix, a mux of the test's own).
func Bot(h http.Handler) Option {
	return func(o *options) { o.bot = h }
}

// BotFrom builds the bot once the emulator is up, so the bot can be given
// the emulator's URL, token, secret and client, and then serves it as Bot
// does:
//
//	emu := testkit.Start(t, testkit.BotFrom(func(emu *testkit.Emulator) http.Handler {
//		return mybot.New(emu.URL(), emu.PageToken(), emu.AppSecret(), emu.Client())
//	}))
func BotFrom(build func(emu *Emulator) http.Handler) Option {
	return func(o *options) { o.botFrom = build }
}

// Webhook posts the webhooks to a bot listening at url (for a bot that
// runs in another process). It implies Listen, since such a bot needs a
// real URL to reach the emulator. Start runs the verification handshake,
// so the bot must be up and answering it by then; a bot already running
// reaches the emulator at a fixed address (ListenAt). A bot the test
// starts itself, once it knows the emulator's URL: Listen, start the bot
// with URL, then SetWebhook.
func Webhook(url string) Option {
	return func(o *options) { o.webhookURL = url }
}

// AppSecret sets the app secret (default fakegraph.DefaultAppSecret).
func AppSecret(secret string) Option {
	return func(o *options) { o.appSecret = secret }
}

// VerifyToken sets the webhook verify token (default
// fakegraph.DefaultVerifyToken).
func VerifyToken(token string) Option {
	return func(o *options) { o.verifyToken = token }
}

// StrictProof turns "Require App Secret" on: a call without
// appsecret_proof is refused, as on the platform.
func StrictProof() Option {
	return func(o *options) { o.strictProof = true }
}

// ClockAt starts the virtual clock at t; it then runs with real time.
func ClockAt(t time.Time) Option {
	return func(o *options) { o.clockAt, o.frozen = t, false }
}

// FrozenClockAt starts the virtual clock at t and keeps it there until
// Advance: every timestamp is predictable.
func FrozenClockAt(t time.Time) Option {
	return func(o *options) { o.clockAt, o.frozen = t, true }
}

// Receipts switches on or off what the platform sends after each
// accepted send: the echo (message_echoes) and then the delivery
// (message_deliveries). Reads are the user's doing (User.Reads).
func Receipts(on bool) Option {
	return func(o *options) { o.receipts = &on }
}

// Listen serves the emulator on a loopback port as well, for a bot that
// cannot take an http.Client: URL is then "http://127.0.0.1:PORT".
func Listen() Option {
	return func(o *options) { o.listen = true }
}

// ListenAt is Listen on a fixed address, such as "127.0.0.1:18765", for
// a bot started before the test (in TestMain, by a script) that reads its
// Graph API URL from its configuration.
func ListenAt(addr string) Option {
	return func(o *options) { o.listen, o.listenAddr = true, addr }
}

// Timeout sets how long NextMessage waits (default DefaultTimeout).
func Timeout(d time.Duration) Option {
	return func(o *options) { o.timeout = d }
}

// RateLimits switches the platform's rate limits on (off by default).
func RateLimits() Option {
	return func(o *options) { o.rateLimits = true }
}

// Logger logs the emulator's diagnostics through l (default: discarded).
func Logger(l *slog.Logger) Option {
	return func(o *options) { o.logger = l }
}

// IDSeed makes every id the emulator generates deterministic.
func IDSeed(seed uint64) Option {
	return func(o *options) { o.idSeed = seed }
}

func (o *options) fakegraphOptions() []fakegraph.Option {
	fo := []fakegraph.Option{fakegraph.WithoutDefaultUsers()}
	if o.appSecret != "" {
		fo = append(fo, fakegraph.WithAppSecret(o.appSecret))
	}
	if o.verifyToken != "" {
		fo = append(fo, fakegraph.WithVerifyToken(o.verifyToken))
	}
	if o.strictProof {
		fo = append(fo, fakegraph.WithRequireProof(true))
	}
	switch {
	case o.frozen:
		fo = append(fo, fakegraph.WithClock(fakegraph.NewFrozenClock(o.clockAt)))
	case !o.clockAt.IsZero():
		fo = append(fo, fakegraph.WithClock(fakegraph.NewClock(o.clockAt)))
	}
	if o.rateLimits {
		fo = append(fo, fakegraph.WithRateLimits(true))
	}
	if o.logger != nil {
		fo = append(fo, fakegraph.WithLogger(o.logger))
	}
	if o.idSeed != 0 {
		fo = append(fo, fakegraph.WithIDSeed(o.idSeed))
	}
	if o.retention != nil {
		fo = append(fo, fakegraph.WithRetention(*o.retention))
	}
	return fo
}

// Retention bounds the emulator's journal and conversations as serve's
// --retention does (fakegraph.ParseRetention reads its text), for a
// long-running test or benchmark; without it testkit keeps everything.
// A user's waits read on from where they stand, and the transcripts in
// failure messages show what is still kept.
func Retention(r fakegraph.Retention) Option {
	return func(o *options) { o.retention = &r }
}
