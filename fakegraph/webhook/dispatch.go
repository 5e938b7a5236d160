package webhook

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/messemu/messemu/fakegraph/journal"
)

// Webhook delivery the way the platform delivers (PLATFORM.md §10). The
// dispatcher follows the journal: user actions and accepted sends become
// webhook events, queued per user (so one user's events go out in order)
// and posted by a bounded pool of workers. Every attempt is journalled with
// its status and latency; each event ends delivered or failed, with the
// reason in the journal.

// webhookEvent is one event on its way to the bot.
type webhookEvent struct {
	id     uint64
	key    string // the ordering key: Page and user
	field  string
	pageID string
	psid   string
	mid    string
	origin uint64 // the journal event it came from
	body   []byte // the exact bytes posted
	sig256 string
	sig1   string

	attempts int
	step     int       // next delayed retry
	due      time.Time // virtual time of the next delayed retry
}

// Dispatcher delivers webhooks. Its goroutines start with the first
// SetWebhook and stop with Close.
type Dispatcher struct {
	host    Host
	journal *journal.Journal
	log     *slog.Logger
	secret  string // the app secret, which signs every body

	mu        sync.Mutex
	cond      *sync.Cond
	cfg       webhookSettings
	gen       uint64 // bumped by every SetWebhook
	verifying bool
	verified  bool
	verifyErr string
	disabled  bool
	resub     map[string][]string // Page → fields unsubscribed at disable time
	alerted   bool
	failing   time.Time // virtual time of the first failure of the streak
	lastErr   string
	client    *http.Client // the default client, made once

	queues  map[string][]*webhookEvent
	busy    map[string]bool
	ready   []string
	delayed []*webhookEvent
	pending int

	// What the dispatcher holds is bounded (backlog.go): at most about
	// maxHeld events in memory, bodies and all; the rest wait unread in
	// the journal, held by the pin at most maxBehind events past the
	// journal's retention.
	maxHeld, maxBehind int
	room               chan struct{} // closed when pending falls below maxHeld
	drops              dropEpisode   // the drops not reported yet
	dropped            uint64        // events dropped unsent, all told

	nextID                      uint64
	attempts, delivered, failed uint64

	running bool
	closed  bool
	ctx     context.Context
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	wake    chan struct{}
}

// New returns a dispatcher for the emulator host, idle until SetWebhook.
func New(host Host) *Dispatcher {
	ctx, cancel := context.WithCancel(context.Background())
	d := &Dispatcher{host: host, journal: host.Journal(), log: host.Logger(), secret: host.AppSecret(),
		queues: map[string][]*webhookEvent{}, busy: map[string]bool{}, maxHeld: defaultMaxHeld, maxBehind: defaultMaxBehind,
		ctx: ctx, cancel: cancel, wake: make(chan struct{}, 1)}
	d.cond = sync.NewCond(&d.mu)
	return d
}

// configure installs new settings and returns their generation. It starts
// the dispatcher on first use.
func (d *Dispatcher) configure(set webhookSettings, workers int) uint64 {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.gen++
	d.cfg = set
	if d.disabled {
		d.host.Resubscribe(d.resub)
	}
	d.resub = nil
	d.verified, d.verifyErr, d.disabled, d.alerted, d.failing, d.lastErr = false, "", false, false, time.Time{}, ""
	d.verifying = set.url != ""
	if set.url == "" {
		d.dropAllLocked("the webhook was removed")
		return d.gen
	}
	if !d.running && !d.closed {
		d.running = true
		if workers <= 0 {
			workers = webhookDefaultWorkerPool
		}
		d.client = newClient(workers)
		from := d.journal.Last()
		d.wg.Add(2 + workers)
		go d.follow(from, d.journal.Pin(from))
		go d.retryLoop()
		for i := 0; i < workers; i++ {
			go d.worker()
		}
	}
	return d.gen
}

// newClient is the dispatcher's HTTP client for workers posting at once.
func newClient(workers int) *http.Client {
	return &http.Client{Transport: &http.Transport{
		Proxy:               nil, // straight to the callback, never through a proxy
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        4 * workers,
		MaxIdleConnsPerHost: 2 * workers,
		IdleConnTimeout:     90 * time.Second,
	}}
}

func (d *Dispatcher) clientLocked() *http.Client {
	if d.cfg.client != nil {
		return d.cfg.client
	}
	if d.client == nil {
		return http.DefaultClient
	}
	return d.client
}

// verifyDone records a handshake's result for generation gen.
func (d *Dispatcher) verifyDone(gen uint64, err error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if gen != d.gen {
		return // a newer configuration took over
	}
	d.verifying = false
	if err != nil {
		d.verified, d.verifyErr, d.lastErr = false, err.Error(), err.Error()
		d.dropAllLocked(err.Error())
		return
	}
	// A passed handshake clears its own earlier failure; a delivery
	// failure still under way stays shown.
	if d.failing.IsZero() || d.lastErr == d.verifyErr {
		d.lastErr = ""
	}
	d.verified, d.verifyErr = true, ""
	d.cond.Broadcast()
}

// Close stops the goroutines; events still pending end failed.
func (d *Dispatcher) Close() {
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		return
	}
	d.closed = true
	d.cancel()
	d.cond.Broadcast()
	d.mu.Unlock()
	d.wg.Wait()
	d.mu.Lock()
	d.reportDropsLocked()
	d.dropAllLocked("the emulator was closed")
	client := d.client
	d.mu.Unlock()
	if client != nil {
		// Keep-alive connections to the bot would outlive the emulator.
		client.CloseIdleConnections()
	}
}

// Status reports the webhook's configuration and health (Receipts is
// the emulator's to fill in).
func (d *Dispatcher) Status() WebhookStatus {
	d.mu.Lock()
	defer d.mu.Unlock()
	st := WebhookStatus{URL: d.cfg.url, Fields: append([]string{}, d.cfg.fieldList...), Verified: d.verified,
		Alerted: d.alerted, Disabled: d.disabled, LastError: d.lastErr,
		Pending: d.pending, Attempts: d.attempts, Delivered: d.delivered, Failed: d.failed, Dropped: d.dropped}
	if d.cfg.timeout > 0 {
		st.Timeout = d.cfg.timeout.String()
	}
	if d.cfg.batch > 1 {
		st.Batch = d.cfg.batch
	}
	if !d.failing.IsZero() {
		t := d.failing
		st.FailingSince = &t
	}
	switch {
	case d.cfg.url == "":
		st.State = "none"
	case d.disabled:
		st.State = "disabled"
	case d.verifying:
		st.State = "verifying"
	case !d.verified:
		st.State = "unverified"
	case d.alerted:
		st.State = "alerted"
	case !d.failing.IsZero():
		st.State = "failing"
	default:
		st.State = "active"
	}
	return st
}

// handle queues the webhook event a journal event fires, if any: user
// actions, receipts, handovers and label changes carry theirs (Hook).
func (d *Dispatcher) handle(ev *journal.Event) {
	if h, ok := ev.Hook(); ok {
		d.enqueue(ev, h)
	}
}

// enqueue builds the POST body of h and queues it for its user, if the
// field is subscribed: in the webhook's fields and in the Page's
// subscribed_apps (PLATFORM.md §10).
func (d *Dispatcher) enqueue(ev *journal.Event, h journal.Hook) {
	field := h.SentField()
	pageFields := d.host.SubscribedFields(ev.PageID) // nil: unsubscribed
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.cfg.url == "" || d.closed {
		return
	}
	if d.disabled && pageFields != nil {
		// The bot subscribed the Page again (POST subscribed_apps).
		d.enableLocked()
	}
	if !d.subscribedLocked(field, pageFields) {
		return // not subscribed: the platform sends nothing
	}
	d.nextID++
	we := &webhookEvent{id: d.nextID, key: ev.PageID + "/" + ev.PSID, field: h.Field, pageID: ev.PageID, psid: ev.PSID, mid: ev.MID, origin: ev.Seq}
	we.body = webhookBody(ev.PageID, ev.Time.UnixMilli(), h)
	we.sig256, we.sig1 = signatures(d.secret, we.body)
	switch {
	case d.disabled:
		d.failLocked(we, "Webhooks Disabled: the Page was unsubscribed after 1 h of failures; set the webhook again or POST /{page}/subscribed_apps to re-subscribe")
		return
	case pageFields == nil:
		d.failLocked(we, "the app is not subscribed to the Page: the bot subscribes with POST /{page}/subscribed_apps")
		return
	case !d.verifying && !d.verified:
		d.failLocked(we, d.verifyErr)
		return
	}
	d.pushLocked(we, false)
}

// subscribedLocked says whether the platform sends field: it is in the
// webhook's fields and in the Page's subscribed_apps. nil pageFields (the
// app is not subscribed to the Page) passes: such an event is queued to
// fail, saying so.
func (d *Dispatcher) subscribedLocked(field string, pageFields []string) bool {
	return pageFields == nil || (d.cfg.fields[field] && contains(pageFields, field))
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// pushLocked queues we for its user (at the front for a retry).
func (d *Dispatcher) pushLocked(we *webhookEvent, front bool) {
	q := d.queues[we.key]
	switch {
	case front && d.busy[we.key] && len(q) > 0:
		// The head is in flight: the retry goes right after it.
		q = append(q[:1:1], append([]*webhookEvent{we}, q[1:]...)...)
	case front:
		q = append([]*webhookEvent{we}, q...)
	default:
		q = append(q, we)
	}
	d.queues[we.key] = q
	if !front {
		d.pending++
	}
	if len(q) == 1 && !d.busy[we.key] {
		d.ready = append(d.ready, we.key)
		d.cond.Signal()
	}
}

// worker posts events, one user at a time: a user's next event waits
// until the previous one is delivered or waits for a delayed retry. With
// batching on, one POST carries the next event of several users.
func (d *Dispatcher) worker() {
	defer d.wg.Done()
	for {
		d.mu.Lock()
		for !d.closed && (len(d.ready) == 0 || !d.deliverableLocked()) {
			d.cond.Wait()
		}
		if d.closed {
			d.mu.Unlock()
			return
		}
		batch, keys := d.takeLocked()
		gen := d.gen
		d.mu.Unlock()

		if len(batch) > 0 {
			d.deliver(batch, gen)
		}

		d.mu.Lock()
		for _, key := range keys {
			d.busy[key] = false
			if len(d.queues[key]) > 0 {
				d.ready = append(d.ready, key)
				d.cond.Signal()
			} else {
				delete(d.queues, key)
				delete(d.busy, key)
			}
		}
		d.mu.Unlock()
	}
}

// takeLocked takes the next ready user's head event and, when batching,
// the fresh head events of more ready users; it marks their users busy.
func (d *Dispatcher) takeLocked() ([]*webhookEvent, []string) {
	key := d.ready[0]
	d.ready = d.ready[1:]
	q := d.queues[key]
	if len(q) == 0 {
		return nil, nil
	}
	d.busy[key] = true
	batch, keys := []*webhookEvent{q[0]}, []string{key}
	if d.cfg.batch <= 1 || q[0].attempts > 0 {
		return batch, keys // a retry goes alone
	}
	rest := d.ready[:0:0]
	for _, k := range d.ready {
		if kq := d.queues[k]; len(batch) < d.cfg.batch && len(kq) > 0 && kq[0].attempts == 0 {
			d.busy[k] = true
			batch, keys = append(batch, kq[0]), append(keys, k)
			continue
		}
		rest = append(rest, k)
	}
	d.ready = rest
	return batch, keys
}

func (d *Dispatcher) deliverableLocked() bool {
	return d.cfg.url != "" && d.verified && !d.disabled
}
