package scenarios

import (
	"encoding/json"
	"strings"

	"github.com/messemu/messemu/fakegraph"
)

// botMessage is one accepted Send API call of the bot, as the expectations
// see it.
type botMessage struct {
	Seq           uint64
	MID           string
	MessagingType string
	Tag           string
	PersonaID     string
	SenderAction  string
	Text          string
	QuickReplies  []quickReply
	Attachment    *sentAttachment
}

type quickReply struct {
	ContentType string `json:"content_type"`
	Title       string `json:"title"`
	Payload     string `json:"payload"`
}

type sentAttachment struct {
	Type    string `json:"type"`
	Payload struct {
		URL          string       `json:"url"`
		TemplateType string       `json:"template_type"`
		Text         string       `json:"text"`
		Buttons      []sentButton `json:"buttons"`
		Elements     []struct {
			Title    string       `json:"title"`
			Subtitle string       `json:"subtitle"`
			Buttons  []sentButton `json:"buttons"`
		} `json:"elements"`
	} `json:"payload"`
}

type sentButton struct {
	Type    string `json:"type"`
	Title   string `json:"title"`
	Payload string `json:"payload"`
	URL     string `json:"url"`
}

// sendRequest is the part of a Send API body the expectations read.
type sendRequest struct {
	MessagingType string `json:"messaging_type"`
	Tag           string `json:"tag"`
	PersonaID     string `json:"persona_id"`
	SenderAction  string `json:"sender_action"`
	Message       struct {
		Text         string          `json:"text"`
		QuickReplies []quickReply    `json:"quick_replies"`
		Attachment   *sentAttachment `json:"attachment"`
	} `json:"message"`
}

// botMessageOf reads an accepted send of the bot ("" ok when e is not one).
func botMessageOf(e fakegraph.Event) (botMessage, bool) {
	if e.Kind != fakegraph.KindRequest || e.API != "send" || !e.Accepted {
		return botMessage{}, false
	}
	var req sendRequest
	if err := json.Unmarshal(e.Request, &req); err != nil {
		return botMessage{}, false
	}
	return botMessage{
		Seq: e.Seq, MID: e.MID, MessagingType: req.MessagingType, Tag: req.Tag, PersonaID: req.PersonaID,
		SenderAction: req.SenderAction, Text: req.Message.Text, QuickReplies: req.Message.QuickReplies,
		Attachment: req.Message.Attachment,
	}, true
}

// allButtons lists a template's buttons and its elements'.
func (m botMessage) allButtons() []sentButton {
	if m.Attachment == nil {
		return nil
	}
	out := append([]sentButton(nil), m.Attachment.Payload.Buttons...)
	for _, e := range m.Attachment.Payload.Elements {
		out = append(out, e.Buttons...)
	}
	return out
}

// summary renders the message in one line for the conversation.
func (m botMessage) summary() string {
	if m.SenderAction != "" {
		return "(" + m.SenderAction + ")"
	}
	var b strings.Builder
	b.WriteString(m.Text)
	if a := m.Attachment; a != nil {
		if a.Type == "template" {
			b.WriteString("[" + a.Payload.TemplateType + " template")
			if a.Payload.Text != "" {
				b.WriteString(": " + a.Payload.Text)
			}
			var titles []string
			for _, e := range a.Payload.Elements {
				titles = append(titles, e.Title)
			}
			if len(titles) > 0 {
				b.WriteString(": " + strings.Join(titles, " | "))
			}
			b.WriteString("]")
		} else {
			b.WriteString("[" + a.Type + " " + a.Payload.URL + "]")
		}
		for _, btn := range m.allButtons() {
			b.WriteString(" <" + btn.Title + ">")
		}
	}
	for _, q := range m.QuickReplies {
		b.WriteString(" [" + q.Title + "]")
	}
	if m.Tag != "" {
		b.WriteString(" (tag " + m.Tag + ")")
	}
	return b.String()
}

// botMessages are the bot's accepted messages so far (sender actions
// left out).
func (ss *session) botMessages() []botMessage {
	evs, _, _ := ss.in.snapshot()
	var out []botMessage
	for _, e := range evs {
		if m, ok := botMessageOf(e); ok && m.SenderAction == "" {
			out = append(out, m)
		}
	}
	return out
}
