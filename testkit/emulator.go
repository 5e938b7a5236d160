package testkit

import (
	"cmp"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/messemu/messemu/fakegraph"
)

// TB is the part of testing.TB that testkit uses. *testing.T and
// *testing.B satisfy it; so can another test runner's type.
type TB interface {
	Helper()
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
	Cleanup(func())
}

// DefaultTimeout is how long NextMessage waits for the bot by default.
const DefaultTimeout = 5 * time.Second

// emulatorHost is the host of an emulator served without a socket. The
// .test top-level domain is reserved (RFC 2606), so a request that leaks
// out of the in-process transport fails to resolve instead of reaching
// anything.
const emulatorHost = fakegraph.InProcessHost

// botHost and botURL are where the webhook dispatcher posts when the bot
// is an http.Handler served in process.
const (
	botHost = "bot.messemu.test"
	botURL  = "http://" + botHost + "/webhook"
)

// Emulator is one private Messenger Platform for one test: its own Page,
// token, users, virtual clock and journal.
type Emulator struct {
	t       TB
	srv     *fakegraph.Server
	page    fakegraph.Page
	url     string
	client  *http.Client
	timeout time.Duration
	// receipts is the Receipts option, kept for SetBot and SetWebhook.
	receipts *bool
	start    uint64 // the journal's last sequence number when Start returned

	mu    sync.Mutex
	users map[string]*User // by PSID
}

// Start starts an emulator for the test and stops it when the test ends.
// With no options the emulator has no socket: the bot reaches it through
// Client (or Transport), at URL, in process.
func Start(t TB, opts ...Option) *Emulator {
	t.Helper()
	o := options{timeout: DefaultTimeout}
	for _, opt := range opts {
		opt(&o)
	}
	srv := fakegraph.New(o.fakegraphOptions()...)
	e := &Emulator{t: t, srv: srv, timeout: o.timeout, users: map[string]*User{}}
	e.page = srv.Pages()[0]
	// Close stops the listener, if any, and the webhook dispatcher.
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Errorf("testkit: closing the emulator: %v", err)
		}
	})
	if o.listen || o.webhookURL != "" {
		if err := srv.Start(cmp.Or(o.listenAddr, "127.0.0.1:0")); err != nil {
			t.Fatalf("testkit: starting the emulator's listener: %v", err)
			return e
		}
		e.url = srv.URL()
		tr, ok := http.DefaultTransport.(*http.Transport)
		if !ok {
			t.Fatalf("testkit: http.DefaultTransport is a %T, not an *http.Transport", http.DefaultTransport)
			return e
		}
		tr = tr.Clone()
		tr.Proxy = nil // loopback only, whatever the environment says
		e.client = &http.Client{Transport: tr}
		t.Cleanup(tr.CloseIdleConnections)
	} else {
		e.url = "http://" + emulatorHost
		e.client = &http.Client{Transport: e.Transport()}
	}
	// What the bot does as it is built (BotFrom: a Messenger Profile set
	// up in its constructor) is the bot's too (CheckNoViolations).
	e.start = srv.Journal().Last()
	if err := e.connectBot(o); err != nil {
		t.Fatalf("testkit: %v", err)
		return e
	}
	return e
}

// URL is the Graph API base URL for the bot, without a version
// ("http://graph.messemu.test", or "http://127.0.0.1:PORT" with Listen).
// The bot appends paths as it would to https://graph.facebook.com.
func (e *Emulator) URL() string { return e.url }

// PageToken is the Page access token the bot sends.
func (e *Emulator) PageToken() string { return e.page.Token }

// PageID is the id of the emulator's Page.
func (e *Emulator) PageID() string { return e.page.ID }

// AppSecret is the app secret: it signs the webhooks and keys
// appsecret_proof.
func (e *Emulator) AppSecret() string { return e.srv.AppSecret() }

// VerifyToken is the token of the webhook verification handshake.
func (e *Emulator) VerifyToken() string { return e.srv.VerifyToken() }

// Client is an HTTP client that reaches the emulator at URL: in process
// when there is no socket, over loopback with Listen.
func (e *Emulator) Client() *http.Client { return e.client }

// Server is the underlying fakegraph server, for what testkit does not
// wrap (its journal, store and control API).
func (e *Emulator) Server() *fakegraph.Server { return e.srv }

// Advance moves the emulator's virtual clock forward: the 24-hour window
// and the 7-day tags follow it (decision D11 in docs/rules.md). It returns the new time.
func (e *Emulator) Advance(d time.Duration) time.Time { return e.srv.Advance(d) }

// Now is the emulator's virtual time.
func (e *Emulator) Now() time.Time { return e.srv.Clock().Now() }

// fatalf reports a failure of an action that has no t of its own.
func (e *Emulator) fatalf(format string, args ...any) {
	e.t.Helper()
	e.t.Fatalf("testkit: "+format, args...)
}

// String names the emulator in logs.
func (e *Emulator) String() string { return fmt.Sprintf("emulator at %s (page %s)", e.url, e.page.ID) }
