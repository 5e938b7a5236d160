package webhook

import (
	"encoding/json"
	"log/slog"
	"time"

	"github.com/messemu/messemu/fakegraph/journal"
	"github.com/messemu/messemu/validator"
)

// Host is what the dispatcher needs of the emulator: the journal it
// follows and writes to, the virtual clock its retries run on, and the
// Pages' subscriptions, which decide what is sent and which the platform
// takes away when it disables a failing webhook.
type Host interface {
	// Journal is the log the dispatcher follows (the Hook of every event)
	// and records its attempts, handshakes and alerts in.
	Journal() *journal.Journal
	Logger() *slog.Logger
	// AppSecret signs every body (X-Hub-Signature-256).
	AppSecret() string
	// Now is the virtual clock; ClockChanged is closed when it moves, so
	// that retries due on virtual time wake when it jumps.
	Now() time.Time
	ClockChanged() <-chan struct{}
	// SubscribedFields lists the fields of a Page's subscribed_apps (nil:
	// the app is not subscribed to the Page).
	SubscribedFields(pageID string) []string
	// UnsubscribeAll unsubscribes the app from every Page, as the platform
	// does when it disables a webhook, and returns the fields each
	// subscribed Page had; Resubscribe gives them back.
	UnsubscribeAll() map[string][]string
	Resubscribe(fields map[string][]string)
}

// marshalDetail renders a Detail; a Detail that cannot be rendered is a
// bug, logged, and the event keeps no detail rather than being lost.
func (d *Dispatcher) marshalDetail(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		d.log.Error("journal detail", "err", err)
		return nil
	}
	return b
}

// journalAlert journals an alert: the dispatcher is the only writer of
// KindAlert events.
func (d *Dispatcher) journalAlert(now time.Time, api string, det journal.AlertDetail, violations []validator.Violation) {
	d.journal.Append(journal.Event{Time: now, Kind: journal.KindAlert, API: api, Path: det.URL, Violations: violations,
		Detail: d.marshalDetail(det)})
}
