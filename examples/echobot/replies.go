package main

import (
	"strings"
	"time"
)

// What the bot says. Payloads are the bot's own vocabulary.
const (
	payloadGetStarted = "GET_STARTED"
	payloadColour     = "COLOUR_"
	payloadBuy        = "BUY_"
	payloadShop       = "SHOP"
	payloadColours    = payloadColour + "ASK"
)

// shirts are the carousel's cards.
var shirts = []struct{ Name, Colour, Image string }{
	{"Red shirt", "RED", "https://example.com/shirts/red.png"},
	{"Blue shirt", "BLUE", "https://example.com/shirts/blue.png"},
	{"Green shirt", "GREEN", "https://example.com/shirts/green.png"},
}

// handle answers one webhook event.
func (b *Bot) handle(ev event) {
	psid := ev.Sender.ID
	if ev.Message != nil && !ev.Message.IsEcho || ev.Postback != nil {
		b.seen(psid, time.UnixMilli(ev.Timestamp))
	}
	switch {
	case ev.Message != nil && ev.Message.IsEcho:
		// The bot's own messages, echoed back: nothing to answer.
	case ev.Message != nil && ev.Message.QuickReply != nil:
		b.quickReply(psid, ev.Message.QuickReply.Payload)
	case ev.Message != nil && len(ev.Message.Attachments) > 0:
		a := ev.Message.Attachments[0]
		b.send(psid, textMessage("Nice "+a.Type+"! Here it is back."))
		if a.Payload.URL != "" && (a.Type == "image" || a.Type == "video" || a.Type == "audio" || a.Type == "file") {
			b.send(psid, map[string]any{"attachment": map[string]any{"type": a.Type, "payload": map[string]any{"url": a.Payload.URL}}})
		}
	case ev.Message != nil:
		b.text(psid, ev.Message.Text)
	case ev.Postback != nil:
		b.postback(psid, ev.Postback.Payload)
	}
}

func (b *Bot) text(psid, text string) {
	switch strings.ToLower(strings.TrimSpace(text)) {
	case "hi", "hello", "hey":
		b.greet(psid)
	case "colours", "colors":
		b.send(psid, map[string]any{
			"text": "Which colour do you like?",
			"quick_replies": []any{
				quickReply("Red", payloadColour+"RED"),
				quickReply("Blue", payloadColour+"BLUE"),
				quickReply("Green", payloadColour+"GREEN"),
			},
		})
	case "shop":
		b.send(psid, carousel())
	default:
		b.send(psid, textMessage("You said: "+text))
	}
}

func (b *Bot) greet(psid string) {
	b.send(psid, map[string]any{
		"text": "Hello! I echo what you say. Try \"colours\" or \"shop\".",
		"quick_replies": []any{
			quickReply("Colours", payloadColours),
			quickReply("Shop", payloadShop),
		},
	})
}

func (b *Bot) quickReply(psid, payload string) {
	switch {
	case payload == payloadShop:
		b.send(psid, carousel())
	case payload == payloadColours:
		b.text(psid, "colours")
	case strings.HasPrefix(payload, payloadColour):
		colour := strings.ToLower(strings.TrimPrefix(payload, payloadColour))
		b.send(psid, textMessage("Good choice: "+colour+"."))
	default:
		b.send(psid, textMessage("I don't know that option."))
	}
}

func (b *Bot) postback(psid, payload string) {
	switch {
	case payload == payloadGetStarted:
		b.greet(psid)
	case payload == payloadShop:
		b.send(psid, carousel())
	case payload == payloadColours:
		b.text(psid, "colours")
	case strings.HasPrefix(payload, payloadBuy):
		colour := strings.ToLower(strings.TrimPrefix(payload, payloadBuy))
		b.send(psid, textMessage("Thank you! Your "+colour+" shirt is on its way."))
	default:
		b.send(psid, textMessage("I don't know that button."))
	}
}

func textMessage(s string) map[string]any { return map[string]any{"text": s} }

func quickReply(title, payload string) map[string]any {
	return map[string]any{"content_type": "text", "title": title, "payload": payload}
}

// carousel is a generic template, one card per shirt.
func carousel() map[string]any {
	var cards []any
	for _, s := range shirts {
		cards = append(cards, map[string]any{
			"title":     s.Name,
			"subtitle":  "100% cotton",
			"image_url": s.Image,
			"buttons": []any{
				map[string]any{"type": "postback", "title": "Buy " + strings.ToLower(s.Colour), "payload": payloadBuy + s.Colour},
			},
		})
	}
	return map[string]any{"attachment": map[string]any{"type": "template", "payload": map[string]any{
		"template_type": "generic", "elements": cards,
	}}}
}
