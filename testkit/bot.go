package testkit

import (
	"net/http"

	"github.com/messemu/messemu/fakegraph"
)

// connectBot points the emulator's webhooks at the bot given in the
// options, if any.
func (e *Emulator) connectBot(o options) error {
	e.receipts = o.receipts
	switch {
	case o.botFrom != nil:
		return e.setBot(o.botFrom(e))
	case o.bot != nil:
		return e.setBot(o.bot)
	case o.webhookURL != "":
		return e.setWebhook(o.webhookURL, nil)
	}
	return nil
}

// SetBot serves h as the bot's webhook from now on, in process: the
// emulator verifies it (the hub.challenge handshake) and then posts every
// event to it through a transport that calls h directly.
func (e *Emulator) SetBot(h http.Handler) {
	e.t.Helper()
	if err := e.setBot(h); err != nil {
		e.fatalf("%v", err)
	}
}

// SetWebhook posts the webhooks to a bot listening at url from now on,
// after the verification handshake. The bot reaches the emulator at URL,
// so start the emulator with Listen.
func (e *Emulator) SetWebhook(url string) {
	e.t.Helper()
	if err := e.setWebhook(url, nil); err != nil {
		e.fatalf("%v", err)
	}
}

func (e *Emulator) setBot(h http.Handler) error {
	if h == nil {
		return e.setWebhook("", nil)
	}
	client := &http.Client{Transport: fakegraph.NewHandlerTransport(h, "the bot", botHost)}
	return e.setWebhook(botURL, client)
}

func (e *Emulator) setWebhook(url string, client *http.Client) error {
	return e.srv.SetWebhook(fakegraph.WebhookConfig{URL: url, Client: client, Receipts: e.receipts})
}
