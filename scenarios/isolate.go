package scenarios

import (
	"context"
	"fmt"
	"time"

	"github.com/messemu/messemu/fakegraph"
)

// Between the scenarios of a run, the webhook is left as a scenario found
// it. A bot that fails or acknowledges a webhook late leaves the platform
// retrying it: the retries wait on the virtual clock, and the failure
// streak runs on. Left alone, the next scenario that moves the clock
// would see the webhook disabled for the streak ("Webhooks Disabled", an
// hour of failures on the platform) and its own events dropped, and the
// old user's retries delivered in the middle of it. So before the next
// scenarios begin, a webhook that still fails or still holds events is
// removed, which ends its pending events and retries, and set again as
// it was, which passes the handshake anew and starts a clean streak.

// isolateGrace is how long the deliveries still under way (receipts,
// a last answer) may take to end by themselves before the webhook is
// set again.
const isolateGrace = time.Second

// isolate makes the webhook ready for the next scenarios: no event
// pending from those before, no failure streak, not disabled.
func (rs *runState) isolate(ctx context.Context, verifyToken string) error {
	st, err := webhookStatus(ctx, rs.c)
	if err != nil || st.URL == "" || clean(st) {
		return nil // no webhook to clear; a status the emulator cannot give is not the next scenarios' concern
	}
	st, ok, err := pollStatus(ctx, rs.c, st, time.Now().Add(isolateGrace), clean)
	if err != nil {
		return err
	}
	if !ok || clean(st) {
		return nil
	}
	// Remove it: what is queued or waiting for a retry ends failed at
	// once; an attempt in flight ends at its answer or its timeout.
	if err := rs.c.control(ctx, "PUT", "webhook", map[string]any{"url": "", "fields": st.Fields}, nil); err != nil {
		return fmt.Errorf("clearing the webhook the scenario before left failing: %w", err)
	}
	limit := 5 * time.Second
	if d, err := time.ParseDuration(st.Timeout); err == nil && d > 0 {
		limit = d
	}
	if now, err := webhookStatus(ctx, rs.c); err == nil {
		drained := func(st fakegraph.WebhookStatus) bool { return st.Pending == 0 }
		if _, _, err := pollStatus(ctx, rs.c, now, time.Now().Add(limit+time.Second), drained); err != nil {
			return err
		}
	}
	set := map[string]any{"url": st.URL, "fields": st.Fields, "timeout": st.Timeout}
	if st.Batch > 1 {
		set["batch"] = st.Batch
	}
	if verifyToken != "" {
		set["verify_token"] = verifyToken
	}
	if err := rs.c.control(ctx, "PUT", "webhook", set, nil); err != nil {
		return fmt.Errorf("setting the webhook again (after the scenario before left it failing, with retries pending) failed, and it is now removed: %w", err)
	}
	return nil
}

// clean reports a webhook with nothing left of the scenarios before:
// nothing pending, no failure streak, not disabled.
func clean(st fakegraph.WebhookStatus) bool {
	return st.Pending == 0 && st.FailingSince == nil && !st.Alerted && !st.Disabled
}

// pollStatus reads the webhook's status again every 20ms, from st, until
// done holds or deadline passes. ok is false when a read failed (st is
// then the last status read); err is the context's.
func pollStatus(ctx context.Context, c *client, st fakegraph.WebhookStatus, deadline time.Time, done func(fakegraph.WebhookStatus) bool) (_ fakegraph.WebhookStatus, ok bool, err error) {
	for !done(st) && time.Now().Before(deadline) {
		if err := sleep(ctx, 20*time.Millisecond); err != nil {
			return st, false, err
		}
		next, err := webhookStatus(ctx, c)
		if err != nil {
			return st, false, nil
		}
		st = next
	}
	return st, true, nil
}

func webhookStatus(ctx context.Context, c *client) (fakegraph.WebhookStatus, error) {
	var st fakegraph.WebhookStatus
	err := c.control(ctx, "GET", "webhook", nil, &st)
	return st, err
}
