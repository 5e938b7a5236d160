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

// The keys of a message, by their slot in messageTable.
const (
	msgText = iota
	msgAttachment
	msgAttachments
	msgQuickReplies
	msgMetadata
)

var (
	messageTable = keyTable{msgText: "text", msgAttachment: "attachment", msgAttachments: "attachments", msgQuickReplies: "quick_replies", msgMetadata: "metadata"}
	messageKeys  = messageTable.keys(messageTable...)
)

// message reads m by messageTable, each key once, before any check
// rewrites it: what an optional read drops it reports absent, and only
// text is read anew, where "" beside an attachment is dropped.
func (s *sendChecker) message(m map[string]any, p Path, out *SendCheck) {
	var f fields
	messageTable.fields(m, &f)
	if !s.onlyKeys(&f, messageKeys, p, ruleMessageKeys) && !s.all {
		return
	}
	// What an optional read takes as absent it drops (D22): absent after.
	attachment, hasAttachment := s.optionalField(f.field(msgAttachment), p, true)
	attachments, hasAttachments := s.optionalField(f.field(msgAttachments), p, true)
	quickReplies, hasQuickReplies := s.optionalField(f.field(msgQuickReplies), p, true)
	metadata, hasMetadata := s.optionalField(f.field(msgMetadata), p, true)
	tf := f.field(msgText)
	if tf.has && tf.v == nil {
		s.optionalField(tf, p, false)
		tf.has = false
	}
	text, hasText, ok := "", false, true
	if tf.has {
		text, hasText, ok = s.strOf(m, "text", tf.v, p, ruleText)
	}
	if !ok {
		if !s.all {
			return
		}
		hasText, text = true, "…" // judged already; the rest is judged as if it were text
	}
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
	md, present, ok := "", false, true
	if hasMetadata {
		md, present, ok = s.strOf(m, "metadata", metadata, p, ruleMetadata)
	}
	if (!ok || (present && !s.maxLen(md, p.Key("metadata"), ruleMetadata))) && !s.all {
		return
	}
	if hasAttachment {
		s.attachment(attachment, p.Key("attachment"), out)
	}
	if hasAttachments {
		s.attachments(attachments, p.Key("attachments"))
	}
	if hasQuickReplies {
		s.quickReplies(quickReplies, p.Key("quick_replies"))
	}
}
