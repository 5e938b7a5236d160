// Package demobot is the built-in demo bot of `messemu serve`: when no
// webhook is configured, serve runs it in the process so the browser shows
// a working conversation at once. It is a client of the emulator like any
// bot: it gets signed webhooks through fakegraph's in-process transport and
// answers through the emulator's real HTTP Send API.
package demobot

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"

	"github.com/messemu/messemu/fakegraph"
)

// demoBotURL is the demo bot's callback, reached without a socket.
const (
	demoBotHost = "demo-bot.messemu.invalid"
	demoBotURL  = "http://" + demoBotHost + "/webhook"
)

// Payloads of the demo bot's quick replies and buttons.
const (
	demoCarousel = "DEMO_CAROUSEL"
	demoButtons  = "DEMO_BUTTONS"
	demoReceipt  = "DEMO_RECEIPT"
)

// Bot is the built-in demo bot, an http.Handler serving its webhook.
type Bot struct {
	graphURL    string // the emulator's Graph API base, with the version
	tokens      map[string]string
	secret      string
	verifyToken string
	client      *http.Client
	log         *slog.Logger
	orders      atomic.Uint64
}

// Start points s's webhook at a new demo bot. The server must be started
// (fakegraph.Server.Start): the bot answers through its HTTP Send API.
// receipts switches the automatic echo and delivery receipts (nil: keep).
func Start(s *fakegraph.Server, receipts *bool) error {
	base := s.URL()
	if base == "" {
		return errors.New("the demo bot answers through the Send API: start the server first")
	}
	bot := &Bot{graphURL: base + "/" + fakegraph.LatestVersion, tokens: map[string]string{}, secret: s.AppSecret(),
		verifyToken: s.VerifyToken(), client: &http.Client{}, log: s.Logger().With("component", "demo-bot")}
	for _, p := range s.Pages() {
		bot.tokens[p.ID] = p.Token
	}
	return s.SetWebhook(fakegraph.WebhookConfig{URL: demoBotURL, Client: &http.Client{Transport: fakegraph.NewHandlerTransport(bot, "the demo bot", demoBotHost)}, Receipts: receipts})
}

// ServeHTTP answers the handshake and the webhook POSTs.
func (b *Bot) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet {
		q := r.URL.Query()
		if q.Get("hub.mode") != "subscribe" || q.Get("hub.verify_token") != b.verifyToken {
			http.Error(w, "verify token mismatch", http.StatusForbidden)
			return
		}
		_, _ = io.WriteString(w, q.Get("hub.challenge"))
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	m := hmac.New(sha256.New, []byte(b.secret))
	m.Write(body)
	if !hmac.Equal([]byte(r.Header.Get("X-Hub-Signature-256")), []byte("sha256="+hex.EncodeToString(m.Sum(nil)))) {
		http.Error(w, "bad signature", http.StatusForbidden)
		return
	}
	var p fakegraph.WebhookPayload
	if err := json.Unmarshal(body, &p); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	for _, e := range p.Entry {
		for _, raw := range e.Messaging {
			var ev fakegraph.MessagingEvent
			if err := json.Unmarshal(raw, &ev); err != nil || ev.Sender == nil || ev.Sender.ID == "" {
				continue
			}
			if err := b.handle(r.Context(), e.ID, &ev); err != nil {
				b.log.Warn("demo bot could not answer", "psid", ev.Sender.ID, "err", err)
			}
		}
	}
	w.WriteHeader(http.StatusOK)
}

// handle answers one event.
func (b *Bot) handle(ctx context.Context, pageID string, ev *fakegraph.MessagingEvent) error {
	psid := ev.Sender.ID
	switch {
	case ev.Message != nil && ev.Message.IsEcho:
		return nil
	case ev.Message != nil && ev.Message.QuickReply != nil:
		return b.show(ctx, pageID, psid, ev.Message.QuickReply.Payload)
	case ev.Message != nil && len(ev.Message.Attachments) > 0:
		return b.send(ctx, pageID, psid, b.menu("Thanks for the "+ev.Message.Attachments[0].Type+"! What shall I show you?"))
	case ev.Message != nil:
		// A thumbs-up on the user's message (a react sender action), then
		// the greeting.
		if err := b.post(ctx, pageID, map[string]any{"recipient": map[string]any{"id": psid}, "sender_action": "react",
			"payload": map[string]any{"message_id": ev.Message.MID, "reaction": "\U0001F44D"}}); err != nil {
			return err
		}
		return b.send(ctx, pageID, psid, b.menu("Hi "+b.firstName(ctx, pageID, psid)+"! I'm messemu's demo bot. What shall I show you?"))
	case ev.Postback != nil:
		if ev.Postback.Payload == demoCarousel || ev.Postback.Payload == demoButtons || ev.Postback.Payload == demoReceipt {
			return b.show(ctx, pageID, psid, ev.Postback.Payload)
		}
		return b.send(ctx, pageID, psid, b.menu(fmt.Sprintf("You tapped “%s” (payload %s). Anything else?", ev.Postback.Title, ev.Postback.Payload)))
	case ev.Referral != nil, ev.Optin != nil && ev.Optin.Type == "":
		return b.send(ctx, pageID, psid, b.menu("Welcome! What shall I show you?"))
	}
	return nil
}

// menu is a text with the demo's quick replies.
func (b *Bot) menu(text string) map[string]any {
	qr := func(title, payload string) map[string]any {
		return map[string]any{"content_type": "text", "title": title, "payload": payload}
	}
	return map[string]any{"text": text, "quick_replies": []any{qr("Carousel", demoCarousel), qr("Buttons", demoButtons), qr("Receipt", demoReceipt)}}
}

// show sends the template a quick reply or button asked for.
func (b *Bot) show(ctx context.Context, pageID, psid, payload string) error {
	template := func(pl map[string]any) map[string]any {
		// The menu's quick replies ride along, so the user can go on.
		return map[string]any{"attachment": map[string]any{"type": "template", "payload": pl}, "quick_replies": b.menu("")["quick_replies"]}
	}
	postback := func(title, payload string) map[string]any {
		return map[string]any{"type": "postback", "title": title, "payload": payload}
	}
	switch payload {
	case demoCarousel:
		el := func(title, sub, img, pb string) map[string]any {
			return map[string]any{"title": title, "subtitle": sub, "image_url": img, "buttons": []any{
				postback("Choose "+strings.ToLower(title), pb),
				map[string]any{"type": "web_url", "title": "Details", "url": "https://example.com/" + strings.ToLower(title)},
			}}
		}
		return b.send(ctx, pageID, psid, template(map[string]any{"template_type": "generic", "elements": []any{
			el("Espresso", "Short and strong", "https://picsum.photos/seed/espresso/600/314", "PICK_ESPRESSO"),
			el("Latte", "Milky and mild", "https://picsum.photos/seed/latte/600/314", "PICK_LATTE"),
			el("Mocha", "With chocolate", "https://picsum.photos/seed/mocha/600/314", "PICK_MOCHA"),
		}}))
	case demoButtons:
		return b.send(ctx, pageID, psid, template(map[string]any{"template_type": "button", "text": "A button template: tap one.", "buttons": []any{
			postback("Say hello", "SAY_HELLO"), postback("Show a receipt", demoReceipt),
			map[string]any{"type": "web_url", "title": "messemu", "url": "https://example.com/messemu"},
		}}))
	case demoReceipt:
		n := b.orders.Add(1)
		return b.send(ctx, pageID, psid, template(map[string]any{"template_type": "receipt", "recipient_name": "Demo Customer",
			"order_number": fmt.Sprintf("DEMO-%s-%d", psid, n), "currency": "USD", "payment_method": "Visa 1234",
			"elements": []any{
				map[string]any{"title": "Espresso", "subtitle": "Double shot", "quantity": 2, "price": 3.5, "currency": "USD"},
				map[string]any{"title": "Croissant", "quantity": 1, "price": 2.75, "currency": "USD"},
			},
			"summary": map[string]any{"subtotal": 9.75, "total_tax": 0.78, "total_cost": 10.53}}))
	}
	return b.send(ctx, pageID, psid, b.menu("I don't know "+payload+", but here is the menu."))
}

// firstName asks the User Profile API, as a bot would.
func (b *Bot) firstName(ctx context.Context, pageID, psid string) string {
	q := url.Values{"fields": {"first_name"}, "access_token": {b.tokens[pageID]}, "appsecret_proof": {b.proof(pageID)}}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, b.graphURL+"/"+url.PathEscape(psid)+"?"+q.Encode(), nil)
	if err != nil {
		return "there"
	}
	resp, err := b.client.Do(req)
	if err != nil {
		return "there"
	}
	defer resp.Body.Close()
	var u struct {
		FirstName string `json:"first_name"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&u); err != nil || u.FirstName == "" {
		return "there"
	}
	return u.FirstName
}

func (b *Bot) proof(pageID string) string {
	m := hmac.New(sha256.New, []byte(b.secret))
	m.Write([]byte(b.tokens[pageID]))
	return hex.EncodeToString(m.Sum(nil))
}

// send posts a message through the Send API.
func (b *Bot) send(ctx context.Context, pageID, psid string, message map[string]any) error {
	return b.post(ctx, pageID, map[string]any{"recipient": map[string]any{"id": psid}, "messaging_type": "RESPONSE", "message": message})
}

// post calls the Send API with a body.
func (b *Bot) post(ctx context.Context, pageID string, send map[string]any) error {
	body, err := json.Marshal(send)
	if err != nil {
		return err
	}
	// The token goes in the Authorization header, as the platform allows,
	// so that no URL in an error (and the log) carries it.
	q := url.Values{"appsecret_proof": {b.proof(pageID)}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, b.graphURL+"/me/messages?"+q.Encode(), bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+b.tokens[pageID])
	resp, err := b.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("the Send API refused the demo message: %s", answer)
	}
	return nil
}
