package fakegraph

import (
	"encoding/json"
	"path"
	"time"
)

// A conversation as a reader sees it, built from the journal alone: the
// bot's accepted sends, everything the user did, and the handovers of the
// thread, in the order they happened.

// Who a conversation item comes from.
const (
	FromUser     = "user"
	FromPage     = "page"
	FromPlatform = "platform"
)

// ConversationItem is one step of a conversation.
type ConversationItem struct {
	Seq  uint64    `json:"seq"`
	Time time.Time `json:"time"`
	Kind EventKind `json:"kind"`
	// From is FromUser, FromPage or FromPlatform (a handover, a policy
	// enforcement).
	From string `json:"from"`
	// Action is what the user did (ActionMessage, ActionQuickReply, ...),
	// a handover action (the bot's own call, from the Page, or another
	// app's, from the platform), "message" for a bot's message or
	// "sender_action" for a bot's typing indicator, mark_seen or react.
	Action Action `json:"action"`
	MID    string `json:"mid,omitempty"`
	// Text is the text of a message, a tapped button's title, a reaction,
	// a handover in words (HandoverText).
	Text string `json:"text,omitempty"`
	// Message is the message object: as the bot sent it, or as the
	// webhook carries the user's.
	Message json.RawMessage `json:"message,omitempty"`
	// SenderAction is a bot's sender_action (typing_on, mark_seen, react).
	SenderAction string `json:"sender_action,omitempty"`
	// Event is the webhook item a user action or handover fires.
	Event json.RawMessage `json:"event,omitempty"`
	// MessagingType, Tag and PersonaID of a bot's send.
	MessagingType string `json:"messaging_type,omitempty"`
	Tag           string `json:"tag,omitempty"`
	PersonaID     string `json:"persona_id,omitempty"`
}

// Conversation is a thread from the journal.
type Conversation struct {
	Items []ConversationItem `json:"data"`
	// Complete is false when the journal's limit trimmed the start of the
	// conversation: Items then begin at FirstSeq.
	Complete bool   `json:"complete"`
	FirstSeq uint64 `json:"first_seq"`
}

// Action names of the bot's side of a conversation.
const (
	ActionBotMessage      Action = "message"
	ActionBotSenderAction Action = "sender_action"
)

// Conversation returns the whole conversation between a Page and a test
// user since the last Reset, oldest first, built from the journal.
func (s *Server) Conversation(pageID, psid string) (Conversation, error) {
	if _, err := s.GetUser(pageID, psid); err != nil {
		return Conversation{}, err
	}
	// A reset forgot every thread: this one starts after the last.
	first, from := s.journal.First(), s.resetSeq.Load()
	evs := s.journal.Find(from, func(e *Event) bool {
		if e.PSID != psid || e.PageID != pageID {
			return false
		}
		switch e.Kind {
		case KindUserAction, KindHandover:
			return true
		case KindRequest:
			if e.API == APIHandover {
				_, ok := HandoverText(e) // a pass, take, request or release; not a thread_owner read
				return ok
			}
			return e.Accepted && e.API == APISend
		}
		return false
	})
	out := Conversation{Items: make([]ConversationItem, 0, len(evs)), Complete: first <= from+1, FirstSeq: max(first, from+1)}
	for i := range evs {
		if it, ok := conversationItem(&evs[i]); ok {
			out.Items = append(out.Items, it)
		}
	}
	return out, nil
}

// conversationItem turns one journal event into a conversation step.
func conversationItem(e *Event) (ConversationItem, bool) {
	it := ConversationItem{Seq: e.Seq, Time: e.Time, Kind: e.Kind, MID: e.MID}
	if text, ok := HandoverText(e); ok && e.Kind == KindRequest { // the bot's own pass, take, request or release
		it.From, it.Action, it.Text, it.Event = FromPage, Action(path.Base(e.Path)), text, e.Request
		return it, true
	}
	switch e.Kind {
	case KindRequest:
		var req struct {
			Message       json.RawMessage `json:"message"`
			SenderAction  string          `json:"sender_action"`
			MessagingType string          `json:"messaging_type"`
			Tag           string          `json:"tag"`
			PersonaID     any             `json:"persona_id"`
		}
		if json.Unmarshal(e.Request, &req) != nil {
			return it, false
		}
		it.From, it.Message, it.SenderAction = FromPage, req.Message, req.SenderAction
		it.MessagingType, it.Tag, it.PersonaID = req.MessagingType, req.Tag, textOf(req.PersonaID)
		it.Action = ActionBotMessage
		if req.SenderAction != "" {
			it.Action = ActionBotSenderAction
		}
		var m struct {
			Text any `json:"text"`
		}
		if json.Unmarshal(req.Message, &m) == nil {
			it.Text = textOf(m.Text)
		}
		return it, true
	case KindHandover:
		var d HandoverDetail
		if json.Unmarshal(e.Detail, &d) != nil {
			return it, false
		}
		it.From, it.Action, it.Event = FromPlatform, d.Action, d.Event
		it.Text, _ = HandoverText(e)
		return it, true
	}
	d, ok := e.UserAction()
	if !ok {
		return it, false
	}
	it.From, it.Action, it.Event = FromUser, d.Action, d.Event
	if d.Action == ActionPolicyEnforcement {
		it.From = FromPlatform
	}
	var item MessagingEvent
	if json.Unmarshal(d.Event, &item) == nil {
		switch {
		case item.Message != nil:
			it.Text = item.Message.Text
			if raw, err := json.Marshal(item.Message); err == nil {
				it.Message = raw
			}
		case item.Postback != nil:
			it.Text = item.Postback.Title
		case item.Reaction != nil:
			it.Text = item.Reaction.Emoji
		case item.MessageEdit != nil:
			it.Text = item.MessageEdit.Text
		}
	}
	return it, true
}
