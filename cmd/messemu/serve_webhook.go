package main

import (
	"context"
	"errors"
	"flag"
	"log/slog"
	"time"

	"github.com/messemu/messemu/examples/demobot"
	"github.com/messemu/messemu/fakegraph"
)

// The bot's webhook for `messemu serve`: a URL to post signed events to,
// or the built-in demo bot when there is none.

// verifyRetries is how often serve tries the handshake again when the bot
// is not up yet, and how long apart.
const (
	verifyRetries = 24
	verifyEvery   = 5 * time.Second
)

func (c *serveConfig) webhookFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.webhook, "webhook", env("MESSEMU_WEBHOOK", ""), "the bot's webhook URL: messemu verifies it, then posts signed events to it [MESSEMU_WEBHOOK]")
	fs.StringVar(&c.verifyToken, "verify-token", env("MESSEMU_VERIFY_TOKEN", fakegraph.DefaultVerifyToken), "the verify token of the webhook handshake [MESSEMU_VERIFY_TOKEN]")
	fs.BoolVar(&c.noDemoBot, "no-demo-bot", c.envBool("MESSEMU_NO_DEMO_BOT"), "without --webhook, do not run the built-in demo bot [MESSEMU_NO_DEMO_BOT]")
	fs.BoolVar(&c.noReceipts, "no-receipts", c.envBool("MESSEMU_NO_RECEIPTS"), "no automatic echo and delivery webhooks after the bot's sends [MESSEMU_NO_RECEIPTS]")
}

// startWebhook sets the webhook (or starts the demo bot). A bot that does
// not pass the handshake yet (not started?) is tried again for two
// minutes; nothing is delivered to it until it passes.
func (c *serveConfig) startWebhook(ctx context.Context, srv *fakegraph.Server, log *slog.Logger) error {
	receipts := !c.noReceipts
	if c.webhook == "" {
		if c.noDemoBot {
			log.Info("no webhook: set one with PUT /_messemu/v1/webhook")
			return nil
		}
		if err := demobot.Start(srv, &receipts); err != nil {
			return err
		}
		log.Info("the built-in demo bot answers the test users (--no-demo-bot to turn it off)")
		return nil
	}
	err := srv.SetWebhook(fakegraph.WebhookConfig{URL: c.webhook, Receipts: &receipts})
	if err == nil {
		return nil
	}
	if !errors.Is(err, fakegraph.ErrWebhookVerification) {
		return err // a bad URL or field list: nothing to retry
	}
	log.Warn("the webhook is not verified yet; retrying (or POST /_messemu/v1/webhook/verify)", "url", c.webhook, "err", err)
	go func() {
		t := time.NewTicker(verifyEvery)
		defer t.Stop()
		for i := 0; i < verifyRetries; i++ {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			if st := srv.Webhook(); st.Verified || st.URL != c.webhook {
				return // verified or changed through the control API meanwhile
			}
			if err := srv.VerifyWebhook(); err == nil {
				return
			}
		}
		log.Warn("the webhook never passed the handshake; events are not delivered", "url", c.webhook)
	}()
	return nil
}
