package webhook

import (
	"errors"
	"fmt"
	"time"

	"github.com/messemu/messemu/fakegraph/journal"
)

// What the dispatcher holds, bounded. A bot slower than the events (or
// down, its events waiting for their retries) must not make the emulator
// grow: the dispatcher keeps at most about maxHeld events in memory, with
// their bodies and signatures, and reads the journal no further until
// some are delivered or failed. The events it has not read stay in the
// journal, held there by its pin, which is compact and where they are
// anyway. The pin holds them past the journal's retention by at most
// maxBehind events: older ones go, and the webhook events they would have
// fired are dropped unsent, counted, and reported once per episode by an
// alert (journal.AlertWebhookDropped) and a log line. An unbounded
// journal keeps every event, so nothing is ever dropped there.
const (
	defaultMaxHeld   = 4096
	defaultMaxBehind = 100_000
	// followBatch is how many journal events the dispatcher reads at once.
	followBatch = 512
	// backlogPoll is how often a dispatcher with a full memory looks at
	// how far the journal has run ahead.
	backlogPoll = 10 * time.Millisecond
	// dropReportEvery bounds an episode that does not end (the load goes
	// on): its drops are reported at least this often (wall clock).
	dropReportEvery = time.Minute
)

// dropEpisode counts the webhook events dropped since the last report.
type dropEpisode struct {
	events   int
	from, to uint64    // the journal events skipped, first and last
	since    time.Time // wall clock of the episode's first drop
}

// follow turns journal events into webhook events, in journal order,
// while there is room in memory. The pin keeps the events the dispatcher
// has not read in the journal, within maxBehind of its retention.
func (d *Dispatcher) follow(seq uint64, pin *journal.Pin) {
	defer d.wg.Done()
	defer pin.Release()
	for {
		if room := d.full(); room != nil {
			if d.skipBehind(&seq) {
				pin.Move(seq)
				continue
			}
			t := time.NewTimer(backlogPoll)
			select {
			case <-d.ctx.Done():
			case <-room:
			case <-t.C:
			}
			t.Stop()
			if d.ctx.Err() != nil {
				return
			}
			continue
		}
		evs, err := d.journal.Wait(d.ctx, seq, followBatch)
		var trimmed *journal.TrimmedError
		switch {
		case errors.As(err, &trimmed):
			// The pin holds what is unread: a bug, said, and not the end
			// of delivery.
			d.log.Error("webhook dispatcher missed journal events", "from", trimmed.After+1, "to", trimmed.First-1)
			seq = trimmed.First - 1
			pin.Move(seq)
			continue
		case err != nil:
			return
		}
		for i := range evs {
			d.handle(&evs[i])
			seq = evs[i].Seq
		}
		pin.Move(seq)
		if len(evs) < followBatch {
			// Caught up with the journal: an episode of drops is over.
			d.mu.Lock()
			d.reportDropsLocked()
			d.mu.Unlock()
		}
	}
}

// full returns a channel closed when there is room in memory again, or
// nil when there is room now.
func (d *Dispatcher) full() <-chan struct{} {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.pending < d.maxHeld {
		return nil
	}
	if d.room == nil {
		d.room = make(chan struct{})
	}
	return d.room
}

// roomLocked wakes the follower waiting for room, if there is room.
func (d *Dispatcher) roomLocked() {
	if d.room != nil && d.pending < d.maxHeld {
		close(d.room)
		d.room = nil
	}
}

// skipBehind lets go of the unread journal events more than maxBehind
// past the journal's retention, down to half that, counting the webhook
// events they would have fired as dropped. It reports whether it moved
// seq.
func (d *Dispatcher) skipBehind(seq *uint64) bool {
	behind := uint64(d.maxBehind)
	kept := d.journal.Kept()
	if kept <= behind || *seq+1+behind >= kept {
		return false // within the bound (always, for an unbounded journal)
	}
	to := kept - behind/2 - 1
	moved := false
	for *seq < to && d.ctx.Err() == nil {
		evs, err := d.journal.Read(*seq, int(min(to-*seq, followBatch)), nil)
		if err != nil || len(evs) == 0 {
			break
		}
		d.countDropped(evs)
		*seq = evs[len(evs)-1].Seq
		moved = true
	}
	if moved {
		d.mu.Lock()
		if !d.drops.since.IsZero() && time.Since(d.drops.since) >= dropReportEvery {
			d.reportDropsLocked()
		}
		d.mu.Unlock()
	}
	return moved
}

// countDropped counts the webhook events that evs would have fired and
// that would have been posted: subscribed, to a webhook set.
func (d *Dispatcher) countDropped(evs []journal.Event) {
	d.mu.Lock()
	posting := d.cfg.url != "" && !d.disabled
	d.mu.Unlock()
	if !posting {
		return // nothing would have been posted: nothing dropped
	}
	type hooked struct {
		field, pageID string
	}
	var hooks []hooked
	pages := map[string][]string{}
	for i := range evs {
		h, ok := evs[i].Hook()
		if !ok {
			continue
		}
		hooks = append(hooks, hooked{h.SentField(), evs[i].PageID})
		if _, ok := pages[evs[i].PageID]; !ok {
			pages[evs[i].PageID] = d.host.SubscribedFields(evs[i].PageID)
		}
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.cfg.url == "" || d.disabled { // unset or disabled meanwhile: nothing was dropped
		return
	}
	n := 0
	for _, h := range hooks {
		if f := pages[h.pageID]; f != nil && d.subscribedLocked(h.field, f) {
			n++
		}
	}
	if n == 0 {
		return
	}
	if d.drops.events == 0 {
		d.drops.from, d.drops.since = evs[0].Seq, time.Now()
	}
	d.drops.events += n
	d.drops.to = evs[len(evs)-1].Seq
	d.dropped += uint64(n)
}

// reportDropsLocked journals the alert and writes the log line of the
// drops since the last report, if any.
func (d *Dispatcher) reportDropsLocked() {
	ep := d.drops
	if ep.events == 0 {
		return
	}
	d.drops = dropEpisode{}
	text := fmt.Sprintf("%d webhook events were dropped unsent: the bot took events slower than they came, and the journal's "+
		"retention let go of journal events %d to %d, which fired them, before the webhook dispatcher could read them "+
		"(it holds at most %d unread events past the retention); answer faster or keep more with --retention",
		ep.events, ep.from, ep.to, d.maxBehind)
	d.log.Warn(text, "url", d.cfg.url, "dropped", ep.events)
	d.journalAlert(d.host.Now(), journal.AlertWebhookDropped,
		journal.AlertDetail{Alert: text, URL: d.cfg.url, Dropped: ep.events, FromSeq: ep.from, ToSeq: ep.to}, nil)
}
