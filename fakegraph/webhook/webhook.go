package webhook

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/messemu/messemu/fakegraph/journal"
	"github.com/messemu/messemu/validator"
)

// The bot's webhook: where the emulator posts events, which fields it
// sends, and the verification handshake (PLATFORM.md §10).

// WebhookConfig points the emulator at a bot.
type WebhookConfig struct {
	// URL is the callback; "" removes the webhook (pending events fail).
	URL string
	// VerifyToken is sent in the handshake ("": the server's verify token).
	VerifyToken string
	// Fields are the subscribed fields (nil: every field the emulator sends).
	Fields []string
	// Client posts the events (nil: a default client that goes straight to
	// the URL). Tests may pass a client whose transport calls an
	// http.Handler in process.
	Client *http.Client
	// Timeout is how long a POST may take to answer 2xx (0: 5 s).
	Timeout time.Duration
	// Receipts switches the automatic echo-delivery receipts (nil: keep the
	// current setting, on by default).
	Receipts *bool
	// Workers bounds the deliveries in flight across users (0: 8). It is
	// read when the first webhook is set.
	Workers int
	// Batch lets one POST carry the next events of up to Batch users, one
	// entry each, as the platform may; 0 or 1: one event
	// per POST.
	Batch int
}

// WebhookStatus is what the emulator knows of the webhook: the control
// API's GET /_messemu/v1/webhook.
type WebhookStatus struct {
	URL    string   `json:"url"`
	Fields []string `json:"fields"`
	// State is "none" (no webhook), "verifying", "unverified" (the
	// handshake failed: nothing is delivered), "active", "failing"
	// (failures, not yet alerted), "alerted" (failing for 15 min) or
	// "disabled" (unsubscribed after 1 h of failures).
	State    string `json:"state"`
	Verified bool   `json:"verified"`
	Alerted  bool   `json:"alerted"`
	Disabled bool   `json:"disabled"`
	// LastError is the last handshake or delivery failure.
	LastError    string     `json:"last_error,omitempty"`
	FailingSince *time.Time `json:"failing_since,omitempty"`
	Receipts     bool       `json:"receipts"`
	Timeout      string     `json:"timeout"`
	Batch        int        `json:"batch,omitempty"`
	// Pending counts events queued or waiting for a retry.
	Pending   int    `json:"pending"`
	Attempts  uint64 `json:"attempts"`
	Delivered uint64 `json:"delivered"`
	Failed    uint64 `json:"failed"`
	// Dropped counts events dropped unsent, each episode reported by an
	// alert (AlertWebhookDropped): the bot took them slower than they
	// came, and the journal's retention let go of the events that fired
	// them before the dispatcher could read them.
	Dropped uint64 `json:"dropped"`
}

var (
	// ruleWebhookHTTPS: a callback without HTTPS and a valid certificate (W).
	ruleWebhookHTTPS = validator.Rule{Name: "webhook.https", Source: "Graph/webhooks/getting-started"}
	// ruleChallengeSpace: the challenge answered with surrounding
	// whitespace, which the platform accepts (W, PLATFORM.md D26).
	ruleChallengeSpace = validator.Rule{Name: "webhook.challenge.whitespace", Source: "decision D26"}
)

// ErrWebhookVerification wraps a failed handshake (errors.Is), as against
// a configuration SetWebhook refuses outright.
var ErrWebhookVerification = errors.New("webhook verification failed")

// webhookSettings is a validated WebhookConfig.
type webhookSettings struct {
	url         string
	verifyToken string
	fields      map[string]bool
	fieldList   []string
	client      *http.Client
	timeout     time.Duration
	batch       int
}

// SetWebhook points the dispatcher at a bot: it stores the configuration,
// performs the verification handshake and, once it passes, delivers every
// event of the subscribed fields. A failed handshake is returned, logged,
// journalled as an alert and shown by Status(); nothing is delivered
// until a handshake passes (VerifyWebhook or SetWebhook again). Setting the
// webhook again also re-subscribes a Page disabled after failures.
// changed, if not nil, is called with the validated settings (the data of
// the emulator's webhook control event) before they are installed; cfg's
// Receipts are the emulator's, not the dispatcher's.
func (d *Dispatcher) SetWebhook(cfg WebhookConfig, changed func(settings map[string]any)) error {
	set, err := settingsOf(cfg)
	if err != nil {
		return err
	}
	announce(set, changed)
	gen := d.configure(set, cfg.Workers)
	if set.url == "" {
		return nil
	}
	return d.verify(gen)
}

// ReplaceWebhook is SetWebhook as the platform's dashboard saves a
// callback: the handshake with the new URL comes first, and only once it
// passes does the new setting replace the old one. A failed handshake is
// returned, journalled and logged as SetWebhook's is, but the webhook
// stays as it was, and the events it delivers keep flowing. An empty URL
// removes the webhook at once.
func (d *Dispatcher) ReplaceWebhook(cfg WebhookConfig, changed func(settings map[string]any)) error {
	set, err := settingsOf(cfg)
	if err != nil {
		return err
	}
	if set.url == "" {
		return d.SetWebhook(cfg, changed)
	}
	client := set.client
	if client == nil {
		d.mu.Lock()
		client = d.client
		d.mu.Unlock()
		if client == nil { // the first webhook: the dispatcher's own client is made with it
			client = newClient(1)
			defer client.CloseIdleConnections()
		}
	}
	if err := d.handshake(set, client); err != nil {
		return err
	}
	announce(set, changed)
	d.verifyDone(d.configure(set, cfg.Workers), nil)
	return nil
}

// announce calls changed, if not nil, with the settings as the emulator's
// webhook control event carries them.
func announce(set webhookSettings, changed func(settings map[string]any)) {
	if changed == nil {
		return
	}
	change := map[string]any{"url": set.url, "fields": set.fieldList}
	if set.timeout > 0 {
		change["timeout"] = set.timeout.String()
	}
	if set.batch > 1 {
		change["batch"] = set.batch
	}
	changed(change)
}

// VerifyWebhook performs the handshake again with the current webhook.
func (d *Dispatcher) VerifyWebhook() error {
	d.mu.Lock()
	gen, url := d.gen, d.cfg.url
	if url != "" {
		d.verifying, d.verified = true, false
	}
	d.mu.Unlock()
	if url == "" {
		return errors.New("no webhook is set")
	}
	return d.verify(gen)
}

func settingsOf(cfg WebhookConfig) (webhookSettings, error) {
	set := webhookSettings{url: strings.TrimSpace(cfg.URL), verifyToken: cfg.VerifyToken, client: cfg.Client, timeout: cfg.Timeout, batch: cfg.Batch}
	if set.url != "" {
		u, err := url.Parse(set.url)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return set, fmt.Errorf("webhook URL %q is not an absolute http(s) URL", cfg.URL)
		}
	}
	if set.timeout <= 0 {
		set.timeout = defaultWebhookTimeout
	}
	fields := cfg.Fields
	if fields == nil {
		fields = Fields()
	}
	set.fields = map[string]bool{}
	known := map[string]bool{}
	for _, f := range append(Fields(), StoredOnlyFields()...) {
		known[f] = true
	}
	var unknown []string
	for _, f := range fields {
		f = strings.TrimSpace(f)
		if !known[f] {
			unknown = append(unknown, strconv.Quote(f))
			continue
		}
		if !set.fields[f] {
			set.fields[f] = true
			set.fieldList = append(set.fieldList, f)
		}
	}
	if len(unknown) > 0 {
		return set, fmt.Errorf("unknown webhook field %s; the fields are %s", strings.Join(unknown, ", "), strings.Join(Fields(), ", "))
	}
	return set, nil
}

// verify runs the handshake for configuration generation gen.
func (d *Dispatcher) verify(gen uint64) error {
	d.mu.Lock()
	set := d.cfg
	client := d.clientLocked()
	d.mu.Unlock()
	err := d.handshake(set, client)
	d.verifyDone(gen, err)
	return err
}

// handshake runs the verification handshake with the webhook set
// describes, and journals and logs how it went.
func (d *Dispatcher) handshake(set webhookSettings, client *http.Client) error {
	challenge := strconv.FormatInt(1e9+rand.Int64N(9e9), 10)
	out := journal.VerifyDetail{URL: set.url, Challenge: challenge}
	q := url.Values{"hub.mode": {"subscribe"}, "hub.verify_token": {set.verifyToken}, "hub.challenge": {challenge}}
	target := set.url
	if strings.Contains(target, "?") {
		target += "&" + q.Encode()
	} else {
		target += "?" + q.Encode()
	}
	ctx, cancel := context.WithTimeout(d.ctx, set.timeout)
	defer cancel()
	start := time.Now()
	var warn []validator.Violation
	err := func() error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
		if err != nil {
			return withoutQuery(err)
		}
		req.Header.Set("User-Agent", webhookUserAgent)
		resp, err := noRedirects(client).Do(req) // the challenge is the bot's own 200 (PLATFORM.md §10)
		if err != nil {
			return withoutQuery(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(io.LimitReader(resp.Body, 4096))
		if err != nil {
			return err
		}
		out.Status, out.Answer = resp.StatusCode, string(b)
		switch {
		case resp.StatusCode == http.StatusForbidden || resp.StatusCode == http.StatusUnauthorized:
			// What bots answer a verify token they were not given.
			return fmt.Errorf("the bot answered HTTP %d (want 200 with the challenge as the body): is its verify token %q, the one messemu sends?", resp.StatusCode, set.verifyToken)
		case resp.StatusCode != http.StatusOK:
			return fmt.Errorf("the bot answered HTTP %d (want 200 with the challenge as the body)", resp.StatusCode)
		case strings.TrimSpace(string(b)) != challenge:
			return fmt.Errorf("the bot answered %q, not the challenge %q: does it check hub.verify_token and echo hub.challenge?", truncate(string(b), 80), challenge)
		case string(b) != challenge:
			// The platform compares the answer without its surrounding
			// whitespace (PLATFORM.md D26): paked/messenger adds a newline.
			warn = append(warn, validator.Violation{Rule: ruleChallengeSpace.Name, Source: ruleChallengeSpace.Source,
				Severity: validator.SeverityWarning, Detail: fmt.Sprintf("the bot answered the challenge with surrounding whitespace (%q); accepted as the platform does", truncate(string(b), 80))})
		}
		return nil
	}()
	out.LatencyMS = float64(time.Since(start).Microseconds()) / 1000
	if err != nil {
		err = fmt.Errorf("%w: %s", ErrWebhookVerification, err.Error())
		out.Error = err.Error()
	}
	if u, perr := url.Parse(set.url); perr == nil && u.Scheme != "https" {
		warn = append(warn, validator.Violation{Rule: ruleWebhookHTTPS.Name, Source: ruleWebhookHTTPS.Source,
			Severity: validator.SeverityWarning, Detail: "the platform needs an HTTPS callback with a valid certificate"})
	}
	now := d.host.Now()
	if err != nil {
		d.log.Warn("webhook verification failed", "url", set.url, "err", err)
		d.journalAlert(now, journal.APIWebhookVerify, journal.AlertDetail{Alert: out.Error, URL: set.url, Verify: &out}, warn)
	} else {
		d.log.Info("webhook verified", "url", set.url)
		d.journal.Append(journal.Event{Time: now, Kind: journal.KindWebhook, API: journal.APIWebhookVerify, Method: http.MethodGet, Path: set.url,
			Status: out.Status, Accepted: true, Violations: warn, Detail: d.marshalDetail(out)})
	}
	return err
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// withoutQuery keeps a URL's query out of an HTTP client error: the
// handshake's query carries the verify token, and such errors reach the
// log, the journal and GET webhook's last_error.
func withoutQuery(err error) error {
	var ue *url.Error
	if !errors.As(err, &ue) {
		return err // not a request error: it names no URL
	}
	u := ue.URL
	if i := strings.IndexByte(u, '?'); i >= 0 {
		u = u[:i]
	}
	return &url.Error{Op: ue.Op, URL: u, Err: ue.Err}
}
