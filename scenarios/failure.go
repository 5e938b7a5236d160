package scenarios

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/messemu/messemu/fakegraph"
)

// failureText renders a failure: file:line:column of the step, why, the
// diff (want -, got +), and the conversation so far.
func (ss *session) failureText(err error) string {
	var b strings.Builder
	var sf *stepFailure
	if errors.As(err, &sf) && sf.step != nil {
		fmt.Fprintf(&b, "%s:%d:%d: %s\n", ss.s.File, sf.step.Line, sf.step.Column, sf.reason)
	} else {
		fmt.Fprintf(&b, "%s:%d: %s\n", ss.s.File, ss.s.Line, err.Error())
	}
	if sf != nil && sf.diff != "" {
		b.WriteString("  (-want +got):\n")
		for _, l := range strings.Split(strings.TrimRight(sf.diff, "\n"), "\n") {
			b.WriteString("  " + strings.ReplaceAll(l, "\u00a0", " ") + "\n")
		}
	}
	if sf != nil && sf.want != "" {
		b.WriteString("  expected (no message came):\n")
		for _, l := range strings.Split(strings.TrimRight(sf.want, "\n"), "\n") {
			b.WriteString("    " + l + "\n")
		}
	}
	if ss.in != nil {
		evs, _, _ := ss.in.snapshot()
		if conv := conversation(evs); conv != "" {
			b.WriteString("  conversation so far:\n" + conv)
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// conversation renders what the user did and what the bot sent, one line
// each.
func conversation(evs []fakegraph.Event) string {
	var b strings.Builder
	for _, e := range evs {
		if line := conversationLine(e); line != "" {
			b.WriteString("    " + line + "\n")
		}
	}
	return b.String()
}

func conversationLine(e fakegraph.Event) string {
	switch e.Kind {
	case fakegraph.KindUserAction:
		return "user: " + userActionText(e)
	case fakegraph.KindFault:
		if text, ok := fakegraph.TimedOutText(&e); ok {
			return "platform: [" + text + "]"
		}
	case fakegraph.KindHandover:
		if text, ok := fakegraph.HandoverText(&e); ok {
			return "platform: [" + text + "]"
		}
	case fakegraph.KindRequest:
		if text, ok := fakegraph.HandoverText(&e); ok { // the bot's own pass, take, request or release
			return "bot:  [" + text + "]"
		}
		if e.API != fakegraph.APISend {
			if !e.Accepted {
				return "bot ✗ " + e.Method + " " + e.Path + " refused"
			}
			return ""
		}
		if !e.Accepted {
			msg := "refused"
			if len(e.Violations) > 0 && e.Violations[0].Error != nil {
				msg = "refused: " + e.Violations[0].Error.Message
			}
			return "bot ✗ " + msg
		}
		if m, ok := botMessageOf(e); ok {
			return "bot:  " + m.summary()
		}
	}
	return ""
}

// userEvent is the part of a user action's webhook event the
// conversation and the recorder read.
type userEvent struct {
	Message *struct {
		Text        string `json:"text"`
		Attachments []struct {
			Type    string `json:"type"`
			Payload struct {
				URL       string `json:"url"`
				StickerID int64  `json:"sticker_id"`
			} `json:"payload"`
		} `json:"attachments"`
		QuickReply *struct {
			Payload string `json:"payload"`
		} `json:"quick_reply"`
	} `json:"message"`
	Postback *struct {
		Title   string `json:"title"`
		Payload string `json:"payload"`
	} `json:"postback"`
	Reaction *struct {
		Reaction string `json:"reaction"`
		Emoji    string `json:"emoji"`
		Action   string `json:"action"`
	} `json:"reaction"`
	MessageEdit *struct {
		Text string `json:"text"`
	} `json:"message_edit"`
	Optin *struct {
		Type    string `json:"type"`
		Ref     string `json:"ref"`
		UserRef string `json:"user_ref"`
		Payload string `json:"payload"`
	} `json:"optin"`
	Referral *struct {
		Ref    string `json:"ref"`
		Source string `json:"source"`
		AdID   string `json:"ad_id"`
	} `json:"referral"`
}

// userActionOf reads a user action's detail and webhook event.
func userActionOf(e fakegraph.Event) (fakegraph.Action, userEvent, bool) {
	d, ok := e.UserAction()
	if !ok {
		return "", userEvent{}, false
	}
	var ev userEvent
	if len(d.Event) > 0 {
		_ = json.Unmarshal(d.Event, &ev) // an unexpected shape renders from the action alone
	}
	return d.Action, ev, true
}

// userActionText renders a user action in one line.
func userActionText(e fakegraph.Event) string {
	action, ev, ok := userActionOf(e)
	if !ok {
		return "(" + e.API + ")"
	}
	switch {
	case action == fakegraph.ActionMessage && ev.Message != nil && ev.Message.Text != "":
		return ev.Message.Text
	case action == fakegraph.ActionMessage && ev.Message != nil && len(ev.Message.Attachments) > 0:
		return "(sends " + ev.Message.Attachments[0].Type + ")"
	case action == fakegraph.ActionQuickReply && ev.Message != nil:
		return fmt.Sprintf("(taps quick reply %q)", ev.Message.Text)
	case ev.Postback != nil:
		return fmt.Sprintf("(taps %s %q)", strings.ReplaceAll(string(action), "_", " "), ev.Postback.Title)
	case ev.Reaction != nil:
		return fmt.Sprintf("(%ss %s)", ev.Reaction.Action, ev.Reaction.Emoji)
	case ev.MessageEdit != nil:
		return fmt.Sprintf("(edits to %q)", ev.MessageEdit.Text)
	}
	return "(" + strings.ReplaceAll(string(action), "_", " ") + ")"
}
