package fakegraph

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/messemu/messemu/fakegraph/internal/h1"
	"github.com/messemu/messemu/fakegraph/journal"

	"github.com/messemu/messemu/fakegraph/webhook"
	"github.com/messemu/messemu/validator"
)

// The built-in defaults: a test page with a known token, an app and three
// test users, so that `messemu serve` is useful with no flags.
const (
	DefaultPageID      = "109876543210987"
	DefaultPageName    = "messemu Test Page"
	DefaultPageToken   = "EAAMessemuTestPageToken"
	DefaultAppID       = "1517776481860111"
	DefaultAppSecret   = "messemu-app-secret"
	DefaultVerifyToken = "messemu-verify-token"
	// PageInboxAppID is the Page Inbox, a secondary receiver.
	PageInboxAppID = "263902037430900"
	// LatestVersion is the newest Graph API version.
	LatestVersion = "v26.0"
	// DefaultOldestVersion is the oldest live version; older ones are
	// served as it.
	DefaultOldestVersion = "v20.0"
	// DefaultBodyLimit bounds a request body: room for a 25 MB upload
	// and its multipart framing.
	DefaultBodyLimit = 26 << 20
)

// DefaultUsers are the test users of the default page.
func DefaultUsers() []User {
	return []User{
		{PSID: "5275811702471834", Name: "Alice Martin", FirstName: "Alice", LastName: "Martin", Locale: "en_US", Timezone: -7, Gender: "female", Email: "alice@example.com", Phone: "+15555550101"},
		{PSID: "6283749102837465", Name: "Bob Chen", FirstName: "Bob", LastName: "Chen", Locale: "en_GB", Timezone: 0, Gender: "male", Email: "bob@example.com", Phone: "+447700900102"},
		{PSID: "7391028374650192", Name: "Carla Rossi", FirstName: "Carla", LastName: "Rossi", Locale: "it_IT", Timezone: 1, Gender: "female", Email: "carla@example.com", Phone: "+393000000103"},
	}
}

// Server is one emulated Messenger Platform. It is safe for concurrent use.
type Server struct {
	opts      options
	log       *slog.Logger
	clock     *Clock
	ids       *IDSource
	journal   *Journal
	validator *validator.Validator
	limits    *rateLimiter
	routes    []route
	control   http.Handler        // the control API, routed once (control_http.go)
	hooks     *webhook.Dispatcher // webhook delivery (package webhook, webhook_host.go)
	// hookClients are the clients of in-process bots by their URL's host
	// (the demo bot's), so a webhook set back to one by URL alone (the
	// control API, replay putting serve's webhook back) reaches it.
	hookClients sync.Map
	appSubs     *appSubscriptions // subscriptions.go
	faults      faultSet          // faults.go
	receipts    atomic.Bool       // automatic echo and delivery receipts (journal_write.go)
	resetSeq    atomic.Uint64     // the journal seq of the last reset: threads start after it
	appTok      string            // the app token (apptoken.go)

	mu stateMutex // guards pages, tokens, msgs and storeFirst
	// sendGapHook, when set (tests), runs in a send between the read lock
	// its verdict took and the write lock its commit takes.
	sendGapHook func()
	pages       map[string]*pageState
	tokens      map[string]*tokenInfo
	// storeFirst is the journal's oldest event when the store last
	// followed its trimming (store_retention.go).
	storeFirst uint64
	// msgs holds every Page's stored messages (store_blocks.go).
	msgs *messageStore

	httpMu  sync.Mutex
	httpSrv listenServer
	url     string
}

// listenServer is what Start serves with: an h1.Server (the short road for
// Graph calls, net/http for the rest) or, WithStandardHTTP, net/http alone.
type listenServer interface {
	Serve(net.Listener) error
	Shutdown(context.Context) error
	Close() error
}

type tokenInfo struct {
	pageID    string
	expires   time.Time // zero: never
	revoked   bool
	revokedAt time.Time // the "expired on" date its refusals give
}

// New returns an emulator with the given options; with none, it hosts the
// default page, token and test users.
func New(opts ...Option) *Server {
	o := defaultOptions()
	for _, opt := range opts {
		opt(&o)
	}
	if len(o.pages) == 0 {
		o.pages = []Page{{ID: DefaultPageID, Name: DefaultPageName, Token: DefaultPageToken}}
		if !o.noDefaultUsers {
			o.users = append(DefaultUsers(), o.users...)
		}
	}
	s := &Server{
		opts:      o,
		appTok:    appTokenOf(o),
		log:       o.logger,
		clock:     o.clock,
		ids:       o.ids,
		journal:   journal.NewRetainingJournal(o.retention),
		validator: validator.New(o.schemas),
		appSubs:   newAppSubscriptions(),
	}
	s.limits = newRateLimiter(s.clock, o.rateLimits)
	s.hooks = webhook.New(webhookHost{s})
	s.routes = s.allRoutes()
	s.control = s.controlHandler()
	s.receipts.Store(true)
	s.resetState()
	return s
}

// resetState builds the pages, tokens and users from the options.
func (s *Server) resetState() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pages = map[string]*pageState{}
	s.tokens = map[string]*tokenInfo{}
	s.msgs = newMessageStore()
	for _, p := range s.opts.pages {
		s.pages[p.ID] = newPageState(p, s.msgs)
		s.tokens[p.Token] = &tokenInfo{pageID: p.ID}
	}
	for _, u := range s.opts.users {
		u := u
		if u.PageID == "" {
			u.PageID = s.opts.pages[0].ID
		}
		if p, ok := s.pages[u.PageID]; ok {
			fillUser(&u)
			p.users[u.PSID] = &u
		}
	}
	for _, pr := range s.opts.products {
		if pr.PageID == "" {
			pr.PageID = s.opts.pages[0].ID
		}
		if p, ok := s.pages[pr.PageID]; ok {
			p.products[pr.ID] = pr
		}
	}
	s.limits.reset()
	s.appSubs.reset()
}

// Reset forgets every message, user change and setting and goes back to the
// state New built. The journal is kept (sequence numbers never repeat) and
// records the reset; the clock keeps its time.
func (s *Server) Reset() {
	s.resetState()
	s.clearFaults()
	ev := s.journalControl(ChangeReset, "", "", nil)
	s.resetSeq.Store(ev.Seq)
}

// SetReceipts switches the automatic receipts: after each accepted send,
// its echo and then its delivery (on by default).
func (s *Server) SetReceipts(on bool) {
	if s.receipts.Swap(on) != on {
		s.journalControl(ChangeReceipts, "", "", map[string]bool{"enabled": on})
	}
}

// stateMutex is Server.mu: a sync.RWMutex that counts its write locks,
// but for the commits of sends (lockQuiet). A send is judged under the
// read lock and committed under the write lock; a change between the two
// (a block, a handover, another writer) shows as a new count, and the send
// is judged again before it commits.
type stateMutex struct {
	sync.RWMutex
	changes uint64 // read under either lock
}

// Lock locks for writing, as a change of the state.
func (m *stateMutex) Lock() {
	m.RWMutex.Lock()
	m.changes++
}

// lockQuiet locks for writing without counting a change: a send's commit
// and its journal bookkeeping, which change nothing another send's verdict
// reads but the one-time tokens, checked again.
func (m *stateMutex) lockQuiet() { m.RWMutex.Lock() }

// Journal is the emulator's event log.
func (s *Server) Journal() *Journal { return s.journal }

// Clock is the emulator's virtual clock.
func (s *Server) Clock() *Clock { return s.clock }

// IDs is the emulator's identifier source.
func (s *Server) IDs() *IDSource { return s.ids }

// Logger is the emulator's logger.
func (s *Server) Logger() *slog.Logger { return s.log }

// AppID is the bot's app id.
func (s *Server) AppID() string { return s.opts.appID }

// AppSecret is the app secret that signs webhooks and appsecret_proof.
func (s *Server) AppSecret() string { return s.opts.appSecret }

// VerifyToken is the webhook verify token.
func (s *Server) VerifyToken() string { return s.opts.verifyToken }

// Pages lists the hosted pages, with their News flag as it is now.
func (s *Server) Pages() []Page {
	out := make([]Page, len(s.opts.pages))
	copy(out, s.opts.pages)
	s.mu.RLock()
	defer s.mu.RUnlock()
	for i := range out {
		if p, ok := s.pages[out[i].ID]; ok {
			out[i].News = p.News
		}
	}
	return out
}

// Handler serves the Graph API and, under /_messemu/v1/, the control API.
func (s *Server) Handler() http.Handler { return http.HandlerFunc(s.serveHTTP) }

// Start listens on addr ("127.0.0.1:0" picks a port) and serves in the
// background until Close.
func (s *Server) Start(addr string) error { return s.StartWith(addr, nil) }

// StartWith is Start serving wrap(s.Handler()) instead of the handler
// alone, so that a front (the web UI) shares the one listener; a nil wrap
// serves the handler as it is. The emulator never imports what it wraps.
func (s *Server) StartWith(addr string, wrap func(http.Handler) http.Handler) error {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	h := s.Handler()
	if wrap != nil {
		h = wrap(h)
	}
	hs := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: s.opts.timeouts.ReadHeader, // timeouts.go
		ReadTimeout:       s.opts.timeouts.Read,
		IdleTimeout:       s.opts.timeouts.Idle,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	var srv listenServer = hs
	if !s.opts.standardHTTP {
		srv = &h1.Server{HTTP: hs, Fast: s.graphCall}
	}
	s.httpMu.Lock()
	s.httpSrv = srv
	s.url = "http://" + l.Addr().String()
	s.httpMu.Unlock()
	go func() {
		if err := srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("serve", "err", err)
		}
	}()
	return nil
}

// graphCall reports whether r is a Graph API call, which Start serves on
// its short road (internal/h1): not what is under /_messemu (the control
// API's waits and the web page's websocket need all of net/http) nor a
// browser's visit of "/".
// While a fault rule adds latency, every call goes through net/http, whose
// background read ends the wait when the client gives up.
func (s *Server) graphCall(r *http.Request) bool {
	if s.faults.delaying.Load() {
		return false
	}
	p := r.URL.Path
	if strings.HasPrefix(p, "/_messemu") { // the control API's and the web page's
		return false
	}
	return r.Method != http.MethodGet || (p != "/" && p != "/favicon.ico")
}

// URL is the base URL of a started server ("" before Start).
func (s *Server) URL() string {
	s.httpMu.Lock()
	defer s.httpMu.Unlock()
	return s.url
}

// Shutdown stops a started server gracefully, and the webhook dispatcher.
func (s *Server) Shutdown(ctx context.Context) error {
	s.hooks.Close()
	s.httpMu.Lock()
	srv := s.httpSrv
	s.httpMu.Unlock()
	if srv == nil {
		return nil
	}
	return srv.Shutdown(ctx)
}

// Close stops a started server at once, and the webhook dispatcher; events
// still waiting for delivery end failed in the journal.
func (s *Server) Close() error {
	s.hooks.Close()
	s.httpMu.Lock()
	srv := s.httpSrv
	s.httpMu.Unlock()
	if srv == nil {
		return nil
	}
	return srv.Close()
}

// fillUser completes a user's derived profile fields.
func fillUser(u *User) {
	if u.Name == "" {
		u.Name = joinName(u.FirstName, u.LastName)
	}
	if u.FirstName == "" && u.LastName == "" {
		u.FirstName, u.LastName = splitName(u.Name)
	}
	if u.Locale == "" {
		u.Locale = "en_US"
	}
	if u.ProfilePic == "" {
		u.ProfilePic = "https://platform-lookaside.fbsbx.com/platform/profilepic/?psid=" + u.PSID
	}
}

func joinName(first, last string) string {
	switch {
	case first == "":
		return last
	case last == "":
		return first
	}
	return first + " " + last
}

func splitName(name string) (string, string) {
	for i := 0; i < len(name); i++ {
		if name[i] == ' ' {
			return name[:i], name[i+1:]
		}
	}
	return name, ""
}

var _ io.Closer = (*Server)(nil)
