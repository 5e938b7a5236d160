package testkit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/messemu/messemu/fakegraph"
)

// Message is one message the bot sent to a user and the platform
// accepted, as the journal recorded it. Its accessors read the message
// object the way Messenger would show it.
type Message struct {
	// MID is the message id the Send API answered with.
	MID string
	// Seq is the journal event that carried the send.
	Seq uint64
	// Time is the virtual time of the send.
	Time time.Time

	user    *User
	request map[string]any // the whole Send API request, token hidden
	body    map[string]any // request["message"]
}

// QuickReply is one quick reply chip.
type QuickReply struct {
	ContentType string `json:"content_type"`
	Title       string `json:"title,omitempty"`
	Payload     string `json:"payload,omitempty"`
	ImageURL    string `json:"image_url,omitempty"`
}

// Button is one button of a template.
type Button struct {
	Type    string `json:"type"`
	Title   string `json:"title,omitempty"`
	Payload string `json:"payload,omitempty"`
	URL     string `json:"url,omitempty"`
}

// Element is one element (card) of a generic or media template.
type Element struct {
	Title    string   `json:"title,omitempty"`
	Subtitle string   `json:"subtitle,omitempty"`
	ImageURL string   `json:"image_url,omitempty"`
	Buttons  []Button `json:"buttons,omitempty"`
}

// newMessage reads a journalled send.
func newMessage(u *User, ev fakegraph.Event) (Message, error) {
	m := Message{MID: ev.MID, Seq: ev.Seq, Time: ev.Time, user: u}
	dec := json.NewDecoder(bytes.NewReader(ev.Request))
	dec.UseNumber()
	if err := dec.Decode(&m.request); err != nil {
		return m, fmt.Errorf("journal event %d: %w", ev.Seq, err)
	}
	m.body, _ = m.request["message"].(map[string]any)
	return m, nil
}

// Text is the message's text ("" for an attachment).
func (m Message) Text() string { return str(m.body["text"]) }

// MessagingType is the send's messaging_type (RESPONSE, UPDATE,
// MESSAGE_TAG).
func (m Message) MessagingType() string { return str(m.request["messaging_type"]) }

// Tag is the send's message tag ("" when none).
func (m Message) Tag() string { return str(m.request["tag"]) }

// Persona is the persona id the message was sent as ("" when none).
func (m Message) Persona() string { return str(m.request["persona_id"]) }

// Metadata is the message's metadata, echoed back to the bot.
func (m Message) Metadata() string { return str(m.body["metadata"]) }

// QuickReplies are the message's quick reply chips.
func (m Message) QuickReplies() []QuickReply {
	var out []QuickReply
	for _, q := range list(m.body["quick_replies"]) {
		o := obj(q)
		out = append(out, QuickReply{ContentType: str(o["content_type"]), Title: str(o["title"]), Payload: str(o["payload"]), ImageURL: str(o["image_url"])})
	}
	return out
}

// QuickReplyTitles are the titles of the quick reply chips, in order.
func (m Message) QuickReplyTitles() []string {
	var out []string
	for _, q := range m.QuickReplies() {
		out = append(out, q.Title)
	}
	return out
}

func (m Message) attachment() map[string]any { return obj(m.body["attachment"]) }

func (m Message) payload() map[string]any { return obj(m.attachment()["payload"]) }

// AttachmentType is the attachment's type: image, audio, video, file or
// template ("" for a text message).
func (m Message) AttachmentType() string { return str(m.attachment()["type"]) }

// AttachmentURL is a media attachment's URL: the one the send gave or,
// for a saved asset sent by attachment_id, the URL it was uploaded from,
// as the platform's echo gives it ("" for an asset uploaded as a file).
func (m Message) AttachmentURL() string {
	if u := str(m.payload()["url"]); u != "" || m.user == nil {
		return u
	}
	id := m.AttachmentID()
	if id == "" {
		return ""
	}
	a, ok := m.user.emu.srv.Attachment(m.user.emu.page.ID, id)
	if !ok {
		return ""
	}
	return a.URL
}

// AttachmentID is a media attachment's saved asset id, when it uses one.
func (m Message) AttachmentID() string { return str(m.payload()["attachment_id"]) }

// TemplateType is the template's kind (generic, button, media, receipt,
// ...), "" when the message is not a template.
func (m Message) TemplateType() string {
	if m.AttachmentType() != "template" {
		return ""
	}
	return str(m.payload()["template_type"])
}

// TemplateText is a button template's text.
func (m Message) TemplateText() string { return str(m.payload()["text"]) }

// Elements are the cards of a generic (carousel) or media template.
func (m Message) Elements() []Element {
	var out []Element
	for _, e := range list(m.payload()["elements"]) {
		o := obj(e)
		out = append(out, Element{Title: str(o["title"]), Subtitle: str(o["subtitle"]), ImageURL: str(o["image_url"]), Buttons: buttons(o["buttons"])})
	}
	return out
}

// Buttons are a button template's buttons or, for a template with
// elements, every element's buttons in order.
func (m Message) Buttons() []Button {
	if b := buttons(m.payload()["buttons"]); b != nil {
		return b
	}
	var out []Button
	for _, e := range m.Elements() {
		out = append(out, e.Buttons...)
	}
	return out
}

// ButtonTitles are the titles of Buttons.
func (m Message) ButtonTitles() []string {
	var out []string
	for _, b := range m.Buttons() {
		out = append(out, b.Title)
	}
	return out
}

// JSON is the message object as the bot sent it (the Send API's
// "message").
func (m Message) JSON() []byte {
	b, err := json.Marshal(m.body)
	if err != nil {
		return nil
	}
	return b
}

// Request is the whole Send API request as the journal recorded it, with
// the access token hidden.
func (m Message) Request() map[string]any { return m.request }

// String summarises the message in one line, as a transcript shows it.
func (m Message) String() string { return summarize(m.body) }

func buttons(v any) []Button {
	var out []Button
	for _, b := range list(v) {
		o := obj(b)
		out = append(out, Button{Type: str(o["type"]), Title: str(o["title"]), Payload: str(o["payload"]), URL: str(o["url"])})
	}
	return out
}

// summarize renders a message object in one line: its text and chips, or
// its attachment or template in brackets.
func summarize(body map[string]any) string {
	var b strings.Builder
	if t, ok := body["text"]; ok {
		fmt.Fprintf(&b, "%q", str(t))
	}
	att := obj(body["attachment"])
	pl := obj(att["payload"])
	switch typ := str(att["type"]); {
	case typ == "template":
		fmt.Fprintf(&b, "[%s template", str(pl["template_type"]))
		if t := str(pl["text"]); t != "" {
			fmt.Fprintf(&b, " %q", t)
		}
		var titles []string
		for _, e := range list(pl["elements"]) {
			titles = append(titles, str(obj(e)["title"]))
		}
		if len(titles) > 0 {
			fmt.Fprintf(&b, ": %s", strings.Join(titles, " | "))
		}
		var bt []string
		for _, x := range buttons(pl["buttons"]) {
			bt = append(bt, x.Title)
		}
		if len(bt) > 0 {
			fmt.Fprintf(&b, " buttons: %s", strings.Join(bt, " | "))
		}
		b.WriteString("]")
	case typ != "":
		fmt.Fprintf(&b, "[%s %s]", typ, firstOf(str(pl["url"]), str(pl["attachment_id"])))
	}
	for _, a := range list(body["attachments"]) {
		o := obj(a)
		pl := obj(o["payload"])
		fmt.Fprintf(&b, "[%s %s]", str(o["type"]), firstOf(str(pl["url"]), str(pl["sticker_id"]), str(o["url"]), str(o["sticker_id"])))
	}
	if qrs := list(body["quick_replies"]); len(qrs) > 0 {
		var titles []string
		for _, q := range qrs {
			titles = append(titles, firstOf(str(obj(q)["title"]), str(obj(q)["content_type"])))
		}
		fmt.Fprintf(&b, " quick replies: %s", strings.Join(titles, " | "))
	}
	return b.String()
}

func firstOf(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

func obj(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

func list(v any) []any {
	l, _ := v.([]any)
	return l
}

// str renders a scalar as text (numbers as written, booleans as
// true/false), "" for anything else.
func str(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	case bool, float64:
		return fmt.Sprint(x)
	}
	return ""
}
