// Package webui is messemu's web page: the Page's conversations drawn as
// Messenger draws them, updated live, with an inspector of every request
// the bot made beside them.
//
// The page is hand-written HTML, CSS and JavaScript modules embedded in the
// binary; it loads nothing from outside the emulator. It reads the journal
// through a websocket (stream.go) and acts through the control API under
// /_messemu/v1/. The package holds no conversation state of its own:
// everything the page shows is built from journal events.
//
//	srv := fakegraph.New()
//	ui := webui.New(srv)
//	err := srv.StartWith("127.0.0.1:8765", ui.Wrap)
package webui

import (
	"crypto/rand"
	"embed"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/messemu/messemu/fakegraph"
)

// Paths the web UI answers; everything else goes to the emulator.
const (
	// AssetPrefix holds the page's scripts, styles and icon, under the
	// emulator's reserved /_messemu/ prefix so no Graph path is shadowed.
	AssetPrefix = "/_messemu/ui/"
	// StreamPath is the websocket that streams journal events.
	StreamPath = "/_messemu/ui/ws"
)

//go:embed assets
var assets embed.FS

// UI serves the page and the journal stream of one emulator.
type UI struct {
	srv     *fakegraph.Server
	log     *slog.Logger
	origins map[string]bool // extra allowed Origins (--allow-origin)
	hub     *hub
	blocks  *blockCache
	files   http.Handler
	index   []byte
	icon    []byte // the page's icon, also at /favicon.ico
	timing  streamTiming
	// instance names this emulator's journal to the pages: a page that
	// reconnects to another (serve restarted) starts afresh.
	instance string
}

// streamTiming bounds a websocket client: how long one write may take and
// how often the server pings. Tests shorten them.
type streamTiming struct {
	writeWait  time.Duration
	pingPeriod time.Duration
	pongWait   time.Duration
}

// Option configures a UI.
type Option func(*UI)

// WithAllowedOrigins lets pages from these origins (scheme://host:port)
// open the websocket besides the emulator's own.
func WithAllowedOrigins(origins ...string) Option {
	return func(u *UI) {
		for _, o := range origins {
			if o = strings.TrimRight(strings.TrimSpace(o), "/"); o != "" {
				u.origins[strings.ToLower(o)] = true
			}
		}
	}
}

// WithLogger logs dropped clients and refused websockets.
func WithLogger(l *slog.Logger) Option { return func(u *UI) { u.log = l } }

// WithWriteWait sets how long one websocket write may take before the
// client is dropped as one that stopped reading (default 10 s); pings go
// out at a fraction of it.
func WithWriteWait(d time.Duration) Option {
	return func(u *UI) {
		u.timing = streamTiming{writeWait: d, pingPeriod: d * 3, pongWait: d * 4}
	}
}

// New returns the web UI of srv.
func New(srv *fakegraph.Server, opts ...Option) *UI {
	u := &UI{srv: srv, log: srv.Logger(), origins: map[string]bool{}, hub: newHub(srv.Journal()), blocks: newBlockCache(),
		timing:   streamTiming{writeWait: 10 * time.Second, pingPeriod: 30 * time.Second, pongWait: 40 * time.Second},
		instance: rand.Text()}
	for _, o := range opts {
		o(u)
	}
	sub, err := fs.Sub(assets, "assets")
	if err != nil {
		panic("webui: the embedded assets are missing: " + err.Error()) // a build error, never a runtime one
	}
	u.files = http.StripPrefix(AssetPrefix, http.FileServerFS(sub))
	if u.index, err = fs.ReadFile(sub, "index.html"); err != nil {
		panic("webui: index.html is not embedded: " + err.Error())
	}
	if u.icon, err = fs.ReadFile(sub, "icon.svg"); err != nil {
		panic("webui: icon.svg is not embedded: " + err.Error())
	}
	return u
}

// Wrap serves the page at / and its assets and stream under AssetPrefix,
// and passes every other request to next (the emulator's handler),
// including Graph calls to / (batch requests, anything with a token).
func (u *UI) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isPageVisit(r) || strings.HasPrefix(r.URL.Path, AssetPrefix) {
			u.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// isPageVisit reports whether r is a browser opening the page rather than
// a Graph call to "/": a GET or HEAD of "/" with no query and no token, as
// fakegraph's home page decides.
func isPageVisit(r *http.Request) bool {
	return (r.Method == http.MethodGet || r.Method == http.MethodHead) &&
		(r.URL.Path == "/" || r.URL.Path == faviconPath) && r.URL.RawQuery == "" && r.Header.Get("Authorization") == ""
}

// faviconPath is where browsers look for a site's icon whatever the page
// says: it gets the page's icon, not a Graph error in the journal.
const faviconPath = "/favicon.ico"

// ServeHTTP answers the page, its assets and the websocket.
func (u *UI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !u.hostAllowed(r) {
		// DNS rebinding: a page of another site must not reach the
		// emulator through a name that resolves to 127.0.0.1.
		http.Error(w, "messemu answers only to localhost, a loopback address or its own address", http.StatusForbidden)
		return
	}
	switch {
	case r.URL.Path == StreamPath:
		u.serveStream(w, r)
	case r.Method != http.MethodGet && r.Method != http.MethodHead:
		http.Error(w, r.Method+" is not allowed here", http.StatusMethodNotAllowed)
	case r.URL.Path == "/":
		h := w.Header()
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Cache-Control", "no-store")
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		_, _ = w.Write(u.index)
	case r.URL.Path == faviconPath:
		h := w.Header()
		h.Set("Content-Type", "image/svg+xml")
		h.Set("Cache-Control", "no-cache")
		h.Set("X-Content-Type-Options", "nosniff")
		_, _ = w.Write(u.icon)
	default:
		w.Header().Set("Cache-Control", "no-cache")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		u.files.ServeHTTP(w, r)
	}
}

// contentSecurityPolicy keeps the page's own code local: scripts, styles
// and connections only from the emulator. Images and media of messages
// come from wherever the bot pointed them, as on a phone.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; " +
	"img-src * data: blob:; media-src * data: blob:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

// Clients is the number of pages connected to the stream.
func (u *UI) Clients() int { return u.hub.count() }

// Close disconnects every page.
func (u *UI) Close() { u.hub.closeAll() }
