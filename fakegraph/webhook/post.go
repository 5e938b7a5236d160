package webhook

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/messemu/messemu/fakegraph/journal"
)

// One POST to the bot: its attempts, their outcome and their journal
// entries (PLATFORM.md §10).

// deliver makes the attempts due for a batch now (one event unless
// batching is on): the first attempt and its immediate retries, or one
// delayed retry. It leaves each event delivered, failed, or waiting for its
// next delayed retry, and takes it off its queue. Each event's attempts are
// journalled one by one, with the bytes posted.
func (d *Dispatcher) deliver(batch []*webhookEvent, gen uint64) {
	tries := 1
	if batch[0].attempts == 0 {
		tries += immediateRetries
	}
	body, sig256, sig1 := batchBody(d.secret, batch)
	for i := 0; i < tries; i++ {
		d.mu.Lock()
		if d.closed || !d.deliverableLocked() {
			// The webhook changed, failed its handshake, was removed or
			// disabled since the event was queued: never POST to a URL
			// that has not passed the handshake.
			det := journal.WebhookAttemptDetail{Outcome: journal.OutcomeFailed, Error: d.undeliverableReasonLocked(), Batch: len(batch)}
			now := d.host.Now()
			for _, we := range batch {
				d.popLocked(we)
				d.failed++
				d.journalAttemptLocked(we, now, 0, body, det)
			}
			d.mu.Unlock()
			return
		}
		set, client := d.cfg, d.clientLocked()
		d.mu.Unlock()
		status, answer, latency, err := d.post(body, sig256, sig1, set, client)

		d.mu.Lock()
		for _, we := range batch {
			we.attempts++
		}
		d.attempts += uint64(len(batch))
		now := d.host.Now()
		det := journal.WebhookAttemptDetail{LatencyMS: latency, URL: set.url, Answer: answer, Batch: len(batch)}
		if det.Batch == 1 {
			det.Batch = 0
		}
		if err == nil {
			d.failing, d.alerted, d.lastErr = time.Time{}, false, ""
			det.Outcome = journal.OutcomeDelivered
			for _, we := range batch {
				d.popLocked(we)
				d.delivered++
				d.journalAttemptLocked(we, now, status, body, det)
			}
			d.mu.Unlock()
			return
		}
		det.Error = err.Error()
		d.lastErr = err.Error()
		if d.failing.IsZero() {
			d.failing = now
		}
		d.checkFailureLocked(now)
		switch {
		case d.closed || d.disabled || d.cfg.url == "":
			det.Outcome = journal.OutcomeFailed
			det.Error += "; " + d.stopReasonLocked()
			for _, we := range batch {
				d.popLocked(we)
				d.failed++
				d.journalAttemptLocked(we, now, status, body, det)
			}
			d.mu.Unlock()
			return
		case i < tries-1:
			det.Outcome = journal.OutcomeRetry
			for _, we := range batch {
				d.journalAttemptLocked(we, now, status, body, det)
			}
			d.mu.Unlock()
			continue
		}
		for _, we := range batch {
			we.due = now.Add(retryDelay(we.step))
			we.step++
			due := we.due
			det := det
			det.Outcome, det.NextRetry = journal.OutcomeRetry, &due
			d.journalAttemptLocked(we, now, status, body, det)
			d.popLocked(we)
			d.pending++ // still pending, now among the delayed
			d.delayed = append(d.delayed, we)
		}
		d.mu.Unlock()
		select {
		case d.wake <- struct{}{}:
		default:
		}
		return
	}
}

// popLocked takes we off its queue (it is pending no more). we is
// almost always the head, which goes in O(1): copying the queue behind
// it, as this once did, cost O(pending) per delivery and slowed a
// backlog of 150,000 events for one user to 24 deliveries a second.
func (d *Dispatcher) popLocked(we *webhookEvent) {
	q := d.queues[we.key]
	switch {
	case len(q) > 0 && q[0] == we:
		q[0] = nil // the backing array must not keep it
		d.queues[we.key] = q[1:]
	default:
		for i, x := range q {
			if x == we {
				d.queues[we.key] = append(q[:i:i], q[i+1:]...)
				break
			}
		}
	}
	d.pending--
	d.roomLocked()
}

// undeliverableReasonLocked says why an event cannot be posted now.
func (d *Dispatcher) undeliverableReasonLocked() string {
	switch {
	case d.closed || d.disabled || d.cfg.url == "":
		return d.stopReasonLocked()
	case d.verifying:
		return "the webhook changed while the event was in flight; the new URL has not passed the handshake yet"
	case d.verifyErr != "":
		return "the webhook failed its handshake: " + d.verifyErr
	}
	return "the webhook is not verified"
}

func (d *Dispatcher) stopReasonLocked() string {
	switch {
	case d.closed:
		return "the emulator was closed"
	case d.disabled:
		return "Webhooks Disabled: the Page was unsubscribed after 1 h of failures"
	}
	return "the webhook was removed"
}

// post makes one POST of we.
func (d *Dispatcher) post(body []byte, sig256, sig1 string, set webhookSettings, client *http.Client) (status int, answer string, latencyMS float64, err error) {
	ctx, cancel := context.WithTimeout(d.ctx, set.timeout)
	defer cancel()
	start := time.Now()
	defer func() { latencyMS = float64(time.Since(start).Microseconds()) / 1000 }()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, set.url, bytes.NewReader(body))
	if err != nil {
		return 0, "", 0, err
	}
	h := req.Header
	h["Content-Type"] = []string{webhookContentType}
	h["User-Agent"] = []string{webhookUserAgent}
	h["X-Hub-Signature-256"] = []string{sig256}
	h["X-Hub-Signature"] = []string{sig1}
	resp, err := noRedirects(client).Do(req)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return 0, "", 0, fmt.Errorf("no answer within %s", set.timeout)
		}
		return 0, "", 0, err
	}
	defer resp.Body.Close()
	b, rerr := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	answer = truncate(string(b), maxAnswerKept)
	if rerr != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return resp.StatusCode, answer, 0, fmt.Errorf("no complete answer within %s", set.timeout)
		}
		return resp.StatusCode, answer, 0, rerr
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, answer, 0, fmt.Errorf("the bot answered HTTP %d", resp.StatusCode)
	}
	return resp.StatusCode, answer, 0, nil
}

// journalAttemptLocked records one attempt of we (or its final failure)
// with the bytes posted.
func (d *Dispatcher) journalAttemptLocked(we *webhookEvent, now time.Time, status int, body []byte, det journal.WebhookAttemptDetail) {
	det.EventID, det.EventSeq, det.Attempt = we.id, we.origin, we.attempts
	d.logAttempt(we.psid, we.field, status, det)
	d.journal.Append(journal.Event{Time: now, Kind: journal.KindWebhook, PageID: we.pageID, PSID: we.psid, API: we.field,
		Method: http.MethodPost, Path: det.URL, Status: status, Accepted: det.Outcome == journal.OutcomeDelivered,
		Request: json.RawMessage(body), MID: we.mid, Detail: d.marshalDetail(det)})
}

// logAttempt writes the line of a webhook attempt that did not deliver:
// the line a person watching `messemu serve` reads at the info level,
// without the body.
func (d *Dispatcher) logAttempt(psid, field string, status int, det journal.WebhookAttemptDetail) {
	if det.Outcome == journal.OutcomeDelivered {
		return
	}
	attrs := []slog.Attr{
		slog.String("field", field), slog.String("psid", psid),
		slog.Int("attempt", det.Attempt), slog.String("outcome", det.Outcome),
	}
	if status != 0 {
		attrs = append(attrs, slog.Int("status", status))
	}
	if det.Error != "" {
		attrs = append(attrs, slog.String("err", det.Error))
	}
	if status == http.StatusUnauthorized || status == http.StatusForbidden {
		// Most often the bot's signature check with another secret.
		attrs = append(attrs, slog.String("hint", "does the bot check X-Hub-Signature-256 with the app secret messemu signs with (serve --app-secret; in Go tests emu.AppSecret())?"))
	}
	d.log.LogAttrs(context.Background(), slog.LevelInfo, "webhook attempt failed", attrs...)
}

// noRedirects is client answering a redirect as it is: success is the
// bot's own 2xx to the POST, and its own 200 to the handshake (PLATFORM.md
// §10); a client that followed a 302 would turn the event into a GET of
// somewhere else and count that answer, or pass a handshake every
// delivery then fails.
func noRedirects(client *http.Client) *http.Client {
	c := *client
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &c
}
