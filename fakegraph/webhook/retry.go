package webhook

import (
	"time"

	"github.com/messemu/messemu/fakegraph/journal"
)

// Retries on the virtual clock, the alert and "Webhooks Disabled"
// (PLATFORM.md §10), and events that end failed without a POST.

// The retry ladder on the virtual clock: 3 retries at once, then +1, +2,
// +5, +10 min, then every 10 min; an alert after 15 min of failure and
// "Webhooks Disabled" after 1 h.
const (
	immediateRetries = 3
	alertAfter       = 15 * time.Minute
	disableAfter     = time.Hour
	retryEvery       = 10 * time.Minute
	// maxAnswerKept bounds the bot's answer kept in the journal.
	maxAnswerKept = 512
)

var retryLadder = []time.Duration{time.Minute, 2 * time.Minute, 5 * time.Minute, 10 * time.Minute}

// retryDelay is the wait before delayed retry number step (0-based).
func retryDelay(step int) time.Duration {
	if step < len(retryLadder) {
		return retryLadder[step]
	}
	return retryEvery
}

// enableLocked ends a disabled state: the Page is subscribed again.
func (d *Dispatcher) enableLocked() {
	d.disabled, d.alerted, d.failing, d.lastErr = false, false, time.Time{}, ""
	d.resub = nil
	d.cond.Broadcast()
}

// Subscribed tells the dispatcher the bot subscribed pageID to fields
// (POST /{page}/subscribed_apps): a webhook the platform disabled is
// enabled again at once, not at the next event. The subscription is
// stored again as it is enabled: a disable that fell between the host
// storing it and this call has unsubscribed every Page, this one too.
func (d *Dispatcher) Subscribed(pageID string, fields []string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.disabled && d.cfg.url != "" && !d.closed {
		d.enableLocked()
		d.host.Resubscribe(map[string][]string{pageID: fields})
	}
}

// unsubscribeLocked unsubscribes the app from every Page, as the platform
// does when it disables a webhook, remembering the fields to restore when
// the webhook is set again.
func (d *Dispatcher) unsubscribeLocked() {
	d.resub = d.host.UnsubscribeAll()
}

// failLocked ends a not-yet-queued event as failed.
func (d *Dispatcher) failLocked(we *webhookEvent, reason string) {
	d.failed++
	d.journalAttemptLocked(we, d.host.Now(), 0, we.body, journal.WebhookAttemptDetail{
		Dropped: true, Outcome: journal.OutcomeFailed, URL: d.cfg.url, Error: reason})
}

// dropAllLocked ends every pending event as failed, except those in
// flight (their worker ends them).
func (d *Dispatcher) dropAllLocked(reason string) {
	for key, q := range d.queues {
		keep := q[:0:0]
		for i, we := range q {
			if i == 0 && d.busy[key] {
				keep = append(keep, we)
				continue
			}
			d.pending--
			d.failLocked(we, reason)
		}
		d.queues[key] = keep
	}
	for _, we := range d.delayed {
		d.pending--
		d.failLocked(we, reason)
	}
	d.delayed = nil
	d.ready = d.ready[:0]
	d.roomLocked()
}

// checkFailureLocked raises the alert after 15 min of failure and disables
// the webhook after 1 h (PLATFORM.md §10).
func (d *Dispatcher) checkFailureLocked(now time.Time) {
	if d.failing.IsZero() || d.cfg.url == "" {
		return
	}
	elapsed := now.Sub(d.failing)
	if !d.alerted && elapsed >= alertAfter {
		d.alerted = true
		d.alertLocked(now, journal.AlertWebhookFailing, "the webhook has been failing for "+elapsed.Round(time.Second).String()+"; the platform alerts the developer after 15 min and disables the webhook after 1 h")
	}
	if !d.disabled && elapsed >= disableAfter {
		d.disabled = true
		d.unsubscribeLocked()
		d.alertLocked(now, journal.AlertWebhookDisabled, "Webhooks Disabled: the webhook failed for "+elapsed.Round(time.Second).String()+"; the Page is unsubscribed and pending events are dropped until the webhook is set again or the bot subscribes the Page (POST /{page}/subscribed_apps)")
		d.dropAllLocked("Webhooks Disabled: the Page was unsubscribed after 1 h of failures")
	}
}

func (d *Dispatcher) alertLocked(now time.Time, api, text string) {
	det := journal.AlertDetail{Alert: text, URL: d.cfg.url, LastError: d.lastErr}
	if !d.failing.IsZero() {
		t := d.failing.UTC()
		det.FailingSince = &t
	}
	d.log.Warn(text, "url", d.cfg.url, "last_error", d.lastErr)
	d.journalAlert(now, api, det, nil)
}

// retryLoop wakes delayed retries and the alert and disable deadlines on
// the virtual clock, whether it runs or jumps.
func (d *Dispatcher) retryLoop() {
	defer d.wg.Done()
	for {
		changed := d.host.ClockChanged()
		d.mu.Lock()
		now := d.host.Now()
		d.checkFailureLocked(now)
		var next time.Time
		keep := d.delayed[:0]
		for _, we := range d.delayed {
			if !we.due.After(now) {
				d.pushLocked(we, true)
				continue
			}
			keep = append(keep, we)
			if next.IsZero() || we.due.Before(next) {
				next = we.due
			}
		}
		d.delayed = keep
		if !d.failing.IsZero() && d.cfg.url != "" {
			for _, t := range []time.Time{d.failing.Add(alertAfter), d.failing.Add(disableAfter)} {
				if t.After(now) && (next.IsZero() || t.Before(next)) {
					next = t
				}
			}
		}
		d.mu.Unlock()
		var timer *time.Timer
		var fire <-chan time.Time
		if !next.IsZero() {
			timer = time.NewTimer(max(next.Sub(d.host.Now()), time.Millisecond))
			fire = timer.C
		}
		select {
		case <-d.ctx.Done():
		case <-changed:
		case <-d.wake:
		case <-fire:
		}
		if timer != nil {
			timer.Stop()
		}
		if d.ctx.Err() != nil {
			return
		}
	}
}
