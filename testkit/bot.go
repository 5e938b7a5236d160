package testkit

import "errors"

// connectBot points the emulator's webhooks at the bot: a URL, or an
// http.Handler reached through an in-process transport.
func (e *Emulator) connectBot(o options) error {
	if o.bot == nil && o.webhookURL == "" {
		return nil
	}
	return errors.New("webhook delivery is not in fakegraph yet")
}
