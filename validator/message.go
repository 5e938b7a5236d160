package validator

// The message object (PLATFORM.md §2.4). Attachments, quick replies,
// buttons and templates have files of their own.

// Documented limits of the message object.
var (
	ruleText          = Rule{Name: "message.text.length", Limit: 2000, Source: "SendRef"}
	ruleMetadata      = Rule{Name: "message.metadata.length", Limit: 1000, Source: "SendRef"}
	ruleMessageKeys   = Rule{Name: "message.keys", Source: "SendRef (decision D19)"}
	ruleMessageObject = Rule{Name: "message.object", Source: "SendRef"}
	ruleEmptyMessage  = Rule{Name: "message.content", Source: "MP/error-codes 2018034"}
	ruleTextXorAttach = Rule{Name: "message.text-xor-attachment", Source: "MP/error-codes 2018018"}
	ruleAttachBoth    = Rule{Name: "message.attachment-xor-attachments", Source: "SendRef"}
)

var messageKeys = set("text", "attachment", "attachments", "quick_replies", "metadata")

func (s *sendChecker) message(m map[string]any, p Path, out *SendCheck) {
	if !s.checkKeys(m, messageKeys, p, ruleMessageKeys) && !s.all {
		return
	}
	for _, k := range []string{"attachment", "attachments", "quick_replies", "metadata"} {
		s.optional(m, k, p, true)
	}
	if v, has := m["text"]; has && v == nil {
		s.optional(m, "text", p, false)
	}
	text, hasText, ok := s.str(m, "text", p, ruleText)
	if !ok {
		if !s.all {
			return
		}
		hasText, text = true, "…" // judged already; the rest is judged as if it were text
	}
	_, hasAttachment := m["attachment"]
	_, hasAttachments := m["attachments"]
	if hasText && text == "" && (hasAttachment || hasAttachments) {
		// "" beside an attachment is the lenient form of no text (D22).
		s.optional(m, "text", p, true)
		hasText = false
	}
	switch {
	case (!hasText || text == "") && !hasAttachment && !hasAttachments:
		s.fail(p, ruleEmptyMessage, Err(KeyEmptyMessage), "no text, attachment or attachments")
		return
	case hasText && (hasAttachment || hasAttachments):
		s.fail(p, ruleTextXorAttach, Err(KeyTextXorAttachment), "text and an attachment in one message")
		return
	case hasAttachment && hasAttachments:
		s.fail(p, ruleAttachBoth, Err(KeyInvalid), "attachment and attachments in one message")
		return
	}
	if hasText && !s.maxLen(text, p.Key("text"), ruleText) && !s.all {
		return
	}
	if md, present, ok := s.str(m, "metadata", p, ruleMetadata); (!ok || (present && !s.maxLen(md, p.Key("metadata"), ruleMetadata))) && !s.all {
		return
	}
	if hasAttachment {
		s.attachment(m["attachment"], p.Key("attachment"), out)
	}
	if hasAttachments {
		s.attachments(m["attachments"], p.Key("attachments"))
	}
	if _, ok := m["quick_replies"]; ok {
		s.quickReplies(m["quick_replies"], p.Key("quick_replies"))
	}
}
