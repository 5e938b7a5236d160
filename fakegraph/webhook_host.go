package fakegraph

import (
	"net/http"
	"net/url"
	"time"

	"github.com/messemu/messemu/fakegraph/webhook"
)

// The emulator's side of webhook delivery: Server's webhook methods hand
// over to the dispatcher (package webhook), which reaches the emulator
// only through webhookHost.

// SetWebhook points the emulator at a bot: it stores the configuration,
// performs the verification handshake and, once it passes, delivers every
// event of the subscribed fields. A failed handshake is returned, logged,
// journalled as an alert and shown by Webhook(); nothing is delivered
// until a handshake passes (VerifyWebhook or SetWebhook again). Setting the
// webhook again also re-subscribes a Page disabled after failures.
func (s *Server) SetWebhook(cfg WebhookConfig) error {
	cfg = s.webhookDefaults(cfg)
	return s.hooks.SetWebhook(cfg, s.webhookChanged(cfg))
}

// webhookDefaults fills what a webhook setting leaves out: the emulator's
// verify token, and the client of an in-process bot set before at the
// URL's host (its host resolves nowhere else).
func (s *Server) webhookDefaults(cfg WebhookConfig) WebhookConfig {
	if cfg.VerifyToken == "" {
		cfg.VerifyToken = s.opts.verifyToken
	}
	if u, err := url.Parse(cfg.URL); err == nil && u.Host != "" {
		if cfg.Client != nil {
			s.hookClients.Store(u.Host, cfg.Client)
		} else if c, ok := s.hookClients.Load(u.Host); ok {
			cfg.Client = c.(*http.Client)
		}
	}
	return cfg
}

// webhookChanged is what a change of webhook does beside the dispatcher:
// the receipts setting it carries, and the journal's control event.
func (s *Server) webhookChanged(cfg WebhookConfig) func(change map[string]any) {
	return func(change map[string]any) {
		if cfg.Receipts != nil {
			s.SetReceipts(*cfg.Receipts)
		}
		change["receipts"] = s.receipts.Load()
		s.journalControl(ChangeWebhook, "", "", change)
	}
}

// ReplaceWebhook is SetWebhook as the platform's dashboard saves a
// callback (the control API's PUT webhook): the handshake with the new
// URL comes first, and a failed one is returned with the webhook left as
// it was, its events still delivered. An empty URL removes the webhook.
func (s *Server) ReplaceWebhook(cfg WebhookConfig) error {
	cfg = s.webhookDefaults(cfg)
	return s.hooks.ReplaceWebhook(cfg, s.webhookChanged(cfg))
}

// VerifyWebhook performs the handshake again with the current webhook.
func (s *Server) VerifyWebhook() error { return s.hooks.VerifyWebhook() }

// Webhook reports the webhook's configuration and health.
func (s *Server) Webhook() WebhookStatus {
	st := s.hooks.Status()
	st.Receipts = s.receipts.Load()
	return st
}

// webhookHost is the Server as the dispatcher sees it (webhook.Host):
// Journal, Logger, AppSecret and SubscribedFields are Server's own.
type webhookHost struct{ *Server }

var _ webhook.Host = webhookHost{}

func (h webhookHost) Now() time.Time                { return h.clock.Now() }
func (h webhookHost) ClockChanged() <-chan struct{} { return h.clock.Changed() }

// UnsubscribeAll unsubscribes the app from every Page and returns the
// fields of those that were subscribed.
func (h webhookHost) UnsubscribeAll() map[string][]string {
	had := map[string][]string{}
	for _, pg := range h.Pages() {
		if f := h.SubscribedFields(pg.ID); f != nil {
			had[pg.ID] = f
		}
		h.Unsubscribe(pg.ID)
	}
	return had
}

// Resubscribe subscribes the app again to the Pages UnsubscribeAll took.
func (h webhookHost) Resubscribe(fields map[string][]string) {
	for id, f := range fields {
		h.resubscribe(id, f)
	}
}
