package fakegraph

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/messemu/messemu/validator"
)

// Option configures a Server.
type Option func(*options)

type options struct {
	pages          []Page
	users          []User
	noDefaultUsers bool
	appID          string
	appSecret      string
	verifyToken    string
	requireProof   bool
	clock          *Clock
	ids            *IDSource
	logger         *slog.Logger
	rateLimits     bool
	bodyLimit      int64
	oldestVersion  string
	retention      Retention
	schemas        *validator.Schemas
	home           http.Handler // "/" for browsers (home.go)
	products       []Product    // products.go
	controlToken   string       // control_guard.go
	timeouts       Timeouts     // timeouts.go
	standardHTTP   bool         // WithStandardHTTP
	// wholeTrees: every body is decoded whole, a send's generic template's
	// elements too (jsonelements.go); the tests' yardstick.
	wholeTrees bool
}

func defaultOptions() options {
	return options{
		appID:         DefaultAppID,
		appSecret:     DefaultAppSecret,
		verifyToken:   DefaultVerifyToken,
		clock:         NewClock(time.Time{}),
		ids:           NewIDSource(0),
		logger:        slog.New(slog.DiscardHandler), // nothing formatted for nobody
		bodyLimit:     DefaultBodyLimit,
		oldestVersion: DefaultOldestVersion,
		schemas:       validator.MustLoadSchemas(),
		timeouts:      DefaultTimeouts(),
	}
}

// WithStandardHTTP makes Start serve every request with net/http alone.
// By default Graph API calls over plain HTTP/1.1 keep-alive connections
// take a shorter road that answers them exactly as net/http would, with
// half its CPU a call; this option is there to compare the two, or to rule
// the short road out when a client misbehaves.
func WithStandardHTTP() Option {
	return func(o *options) { o.standardHTTP = true }
}

// WithPage hosts page p. The first WithPage replaces the default page (and
// its default users); users of p come with WithUsers.
func WithPage(p Page) Option {
	return func(o *options) { o.pages = append(o.pages, p) }
}

// WithUsers adds test users. A user with no PageID belongs to the first page.
func WithUsers(users ...User) Option {
	return func(o *options) { o.users = append(o.users, users...) }
}

// WithoutDefaultUsers starts the default page with no test users.
func WithoutDefaultUsers() Option {
	return func(o *options) { o.noDefaultUsers = true }
}

// WithApp sets the bot's app id and app secret.
func WithApp(id, secret string) Option {
	return func(o *options) { o.appID, o.appSecret = id, secret }
}

// WithAppSecret sets the app secret (webhook signatures, appsecret_proof).
func WithAppSecret(secret string) Option {
	return func(o *options) { o.appSecret = secret }
}

// WithVerifyToken sets the webhook verify token.
func WithVerifyToken(t string) Option {
	return func(o *options) { o.verifyToken = t }
}

// WithRequireProof makes a missing appsecret_proof an error, as the app
// setting "Require App Secret" does.
func WithRequireProof(on bool) Option {
	return func(o *options) { o.requireProof = on }
}

// WithClock uses c as the virtual clock.
func WithClock(c *Clock) Option {
	return func(o *options) { o.clock = c }
}

// WithIDSeed makes every generated id deterministic.
func WithIDSeed(seed uint64) Option {
	return func(o *options) { o.ids = NewIDSource(seed) }
}

// WithLogger logs through l (the default discards).
func WithLogger(l *slog.Logger) Option {
	return func(o *options) { o.logger = l }
}

// WithRateLimits switches the platform's rate limits on; they are off by
// default.
func WithRateLimits(on bool) Option {
	return func(o *options) { o.rateLimits = on }
}

// WithBodyLimit bounds request bodies (bytes).
func WithBodyLimit(n int64) Option {
	return func(o *options) { o.bodyLimit = n }
}

// WithOldestVersion sets the oldest live Graph API version (default v20.0).
func WithOldestVersion(v string) Option {
	return func(o *options) { o.oldestVersion = v }
}

// WithJournalLimit keeps at most n journal events (0, the default, keeps
// all of them), and the stored messages they carry: the Events bound of
// WithRetention.
func WithJournalLimit(n int) Option {
	return func(o *options) { o.retention.Events = n }
}

// WithRetention bounds the journal and the conversation store together
// (Retention). The default keeps everything, for test runs.
func WithRetention(r Retention) Option {
	return func(o *options) { o.retention = r }
}

// WithSchemas validates against s instead of the embedded openapi.yaml;
// nil turns schema validation off (the platform rules still run).
func WithSchemas(s *validator.Schemas) Option {
	return func(o *options) { o.schemas = s }
}
