package fakegraph

import (
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/messemu/messemu/validator"
)

// Rate limits (PLATFORM.md §11). Counters run on the virtual clock and
// always count, so x-business-use-case-usage is meaningful; refusals happen
// only when limits are switched on (off by default: a test run would
// exhaust a 200-calls-a-day quota in seconds).

// Documented limits.
var (
	ruleMessengerQuota = validator.Rule{Name: "rate.messenger-24h", Limit: 200, Source: "MP/overview/rate-limiting"}
	ruleSendRate       = validator.Rule{Name: "rate.send-per-second", Limit: 300, Source: "MP/overview/rate-limiting"}
	ruleMediaRate      = validator.Rule{Name: "rate.media-per-second", Limit: 10, Source: "MP/overview/rate-limiting"}
	ruleProfileRate    = validator.Rule{Name: "rate.messenger-profile", Limit: 10, Source: "MP/overview/rate-limiting"}
	ruleHighVolume     = validator.Rule{Name: "rate.high-volume", Limit: 40, Source: "MP/overview/rate-limiting"}
)

const (
	quotaWindow   = 24 * time.Hour
	quotaBucket   = time.Minute
	profileWindow = 10 * time.Minute
)

// windowCounter counts events in a rolling window with fixed buckets, in
// constant memory and constant time: a running total, from which buckets
// are taken as the window moves past them.
type windowCounter struct {
	bucket  time.Duration
	buckets []int
	head    int64 // the newest bucket index seen
	total   int
	cut     belowCut // untilBelow's last scan
}

// belowCut is where untilBelow's scan from the oldest bucket stopped. New
// events go to the newest bucket, so while the head stays the cut only
// moves on: the next scan goes on from it rather than from the oldest.
type belowCut struct {
	ok      bool
	head    int64 // the head it was scanned at
	limit   int
	b       int64 // the last bucket counted as gone
	dropped int   // the events of the buckets up to b
}

func newWindowCounter(window, bucket time.Duration) *windowCounter {
	return &windowCounter{bucket: bucket, buckets: make([]int, int(window/bucket))}
}

// advance moves the window to now and returns now's bucket index.
func (w *windowCounter) advance(now time.Time) int64 {
	idx := now.UnixNano() / int64(w.bucket)
	n := int64(len(w.buckets))
	if idx <= w.head {
		return idx
	}
	if idx-w.head >= n {
		clear(w.buckets)
		w.total = 0
	} else {
		for b := w.head + 1; b <= idx; b++ {
			w.total -= w.buckets[b%n]
			w.buckets[b%n] = 0
		}
	}
	w.head = idx
	return idx
}

func (w *windowCounter) add(now time.Time) {
	idx := w.advance(now)
	if idx <= w.head-int64(len(w.buckets)) {
		return // older than the window (a call that started long ago)
	}
	w.buckets[idx%int64(len(w.buckets))]++
	w.total++
	if idx < w.head {
		w.cut.ok = false // an event behind the head: it may fall before the cut
	}
}

func (w *windowCounter) count(now time.Time) int {
	w.advance(now)
	return w.total
}

// untilBelow is how long after now the count falls under limit as the
// oldest buckets leave the window, with no new events; 0 if it is under
// already.
func (w *windowCounter) untilBelow(now time.Time, limit int) time.Duration {
	w.advance(now)
	if w.total < limit {
		return 0
	}
	head, n := w.head, int64(len(w.buckets)) // the head, even for a now behind it
	c := &w.cut
	if !c.ok || c.head != head || c.limit != limit {
		*c = belowCut{ok: true, head: head, limit: limit, b: head - n} // nothing gone yet
	}
	for w.total-c.dropped >= limit && c.b < head {
		c.b++
		c.dropped += w.buckets[c.b%n]
	}
	// Bucket b leaves when the window's head reaches b+n.
	return time.Unix(0, (c.b+n)*int64(w.bucket)).Sub(now)
}

type pageCounters struct {
	calls   *windowCounter // every Messenger call, 24 h
	sends   *windowCounter // messages, per second
	reacts  *windowCounter // reactions, per second: under the sends' limit, not messages
	media   *windowCounter // audio and video, per second
	profile *windowCounter // Messenger Profile, 10 min
	users   map[string]*windowCounter
	// usage is the last X-Business-Use-Case-Usage value written and the
	// figures it says: most answers repeat the one before.
	usage struct {
		pct, regain int
		text        string
	}
}

type rateLimiter struct {
	clock *Clock
	on    bool
	mu    sync.Mutex
	pages map[string]*pageCounters
}

func newRateLimiter(c *Clock, on bool) *rateLimiter {
	return &rateLimiter{clock: c, on: on, pages: map[string]*pageCounters{}}
}

func (l *rateLimiter) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.pages = map[string]*pageCounters{}
}

// SetEnabled switches refusals on or off.
func (l *rateLimiter) setEnabled(on bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.on = on
}

func (l *rateLimiter) counters(pageID string) *pageCounters {
	pc := l.pages[pageID]
	if pc == nil {
		pc = &pageCounters{
			calls:   newWindowCounter(quotaWindow, quotaBucket),
			sends:   newWindowCounter(time.Second, 100*time.Millisecond),
			reacts:  newWindowCounter(time.Second, 100*time.Millisecond),
			media:   newWindowCounter(time.Second, 100*time.Millisecond),
			profile: newWindowCounter(profileWindow, 10*time.Second),
			users:   map[string]*windowCounter{},
		}
		l.pages[pageID] = pc
	}
	return pc
}

// quota is the Page's 24-hour Messenger quota: 200 × engaged users.
func (s *Server) quota(p *pageState) int {
	s.mu.RLock()
	engaged := len(p.threads)
	s.mu.RUnlock()
	return ruleMessengerQuota.Limit * max(engaged, 1)
}

// admit counts a Page-token call against the 24-hour quota.
func (l *rateLimiter) admit(c *call) *validator.GraphError {
	if c.page == nil || (c.route != nil && c.route.api == APIBatch) {
		return nil // a batch's items count one each, not the batch (§11)
	}
	quota := c.s.quota(c.page)
	l.mu.Lock()
	defer l.mu.Unlock()
	pc := l.counters(c.page.ID)
	if l.on && pc.calls.count(c.now) >= quota {
		return c.fail("", ruleMessengerQuota, validator.Err(validator.KeyRateMessenger), "the Page's 24-hour Messenger quota is used up")
	}
	pc.calls.add(c.now)
	return nil
}

// What a Send API call counts as against the per-second limits
// (PLATFORM.md §11): 300 a second for text, links, reactions and stickers,
// 10 for audio and video; the high-volume warning counts messages.
type sendKind int

const (
	countsAsMessage    sendKind = iota // text, links, stickers, images, files, templates
	countsAsAudioVideo                 // under the 10 a second
	countsAsReaction                   // react and unreact: under the 300, not a message
)

// admitSend counts a Send API call of kind k against the per-second limits.
func (l *rateLimiter) admitSend(c *call, k sendKind) *validator.GraphError {
	l.mu.Lock()
	defer l.mu.Unlock()
	pc := l.counters(c.page.ID)
	ctr, rule := pc.sends, ruleSendRate
	switch k {
	case countsAsAudioVideo:
		ctr, rule = pc.media, ruleMediaRate
	case countsAsReaction:
		ctr = pc.reacts
	}
	if l.on {
		var used int
		if k == countsAsAudioVideo {
			used = pc.media.count(c.now)
		} else {
			used = pc.sends.count(c.now) + pc.reacts.count(c.now)
		}
		if used >= rule.Limit {
			return c.fail("", rule, validator.Err(validator.KeyRateAPI), "Send API calls per second exceeded")
		}
	}
	ctr.add(c.now)
	// The high-volume warning is one of the rate limits (PLATFORM.md §11):
	// off with them, or every load test and parallel replay would raise it.
	if l.on && k != countsAsReaction && pc.sends.count(c.now)+pc.media.count(c.now) > ruleHighVolume.Limit {
		c.warn("", ruleHighVolume, "more than 40 messages per second (inbox high volume)")
	}
	return nil
}

// admitUserSettings counts a custom_user_settings call against its user's
// limit; one naming no user is refused for it and counts against nothing
// (not the Page's own profile calls).
func (l *rateLimiter) admitUserSettings(c *call, psid string) *validator.GraphError {
	if psid == "" {
		return nil
	}
	return l.admitProfile(c, psid)
}

// admitProfile counts a Messenger Profile call (psid "" for the Page's
// profile, else custom_user_settings for that user).
func (l *rateLimiter) admitProfile(c *call, psid string) *validator.GraphError {
	l.mu.Lock()
	defer l.mu.Unlock()
	pc := l.counters(c.page.ID)
	ctr := pc.profile
	if psid != "" {
		ctr = pc.users[psid]
		if ctr == nil {
			ctr = newWindowCounter(profileWindow, 10*time.Second)
			pc.users[strings.Clone(psid)] = ctr // psid may be a slice of the body (decodeObjectText)
		}
	}
	if l.on && ctr.count(c.now) >= ruleProfileRate.Limit {
		return c.fail("", ruleProfileRate, validator.Err(validator.KeyRateAPI), "more than 10 Messenger Profile calls in 10 minutes")
	}
	ctr.add(c.now)
	return nil
}

// usageHeader renders x-business-use-case-usage for a Page.
func (s *Server) usageHeader(p *pageState, now time.Time) string {
	quota := s.quota(p)
	s.limits.mu.Lock()
	defer s.limits.mu.Unlock()
	pc := s.limits.counters(p.ID)
	used := pc.calls.count(now)
	pct := min(100, used*100/quota)
	regain := 0
	if used >= quota {
		// In minutes: when enough of the day's calls have aged out of the
		// rolling window for the next one to pass (PLATFORM.md §11).
		d := pc.calls.untilBelow(now, quota)
		regain = int((d + time.Minute - 1) / time.Minute)
	}
	u := &pc.usage
	if u.text != "" && u.pct == pct && u.regain == regain { // most answers repeat the one before
		return u.text
	}
	// Written by hand: this header goes on every answer.
	cpu := strconv.Itoa(pct / 2)
	u.pct, u.regain = pct, regain
	u.text = `{"` + p.ID + `":[{"type":"messenger","call_count":` + strconv.Itoa(pct) +
		`,"total_cputime":` + cpu + `,"total_time":` + cpu +
		`,"estimated_time_to_regain_access":` + strconv.Itoa(regain) + `}]}`
	return u.text
}
