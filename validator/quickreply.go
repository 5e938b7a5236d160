package validator

// Quick replies (PLATFORM.md §2.5).

var (
	ruleQuickReplies    = Rule{Name: "quick_replies.array", Source: "MP/send-messages/quick-replies"}
	ruleQuickRepliesMin = Rule{Name: "quick_replies.too-few", Limit: 1, Source: "MP/send-messages/quick-replies"}
	ruleQuickRepliesMax = Rule{Name: "quick_replies.too-many", Limit: 13, Source: "MP/send-messages/quick-replies"}
	ruleQuickReplyKeys  = Rule{Name: "quick_reply.keys", Source: "SendRef (decision D19)"}
	ruleQuickReply      = Rule{Name: "quick_reply.object", Source: "MP/send-messages/quick-replies"}
	ruleQRContentType   = Rule{Name: "quick_reply.content_type", Source: "MP/send-messages/quick-replies"}
	ruleQRLocation      = Rule{Name: "quick_reply.content_type.location", Source: "MP/send-messages/quick-replies (legacy)"}
	ruleQRTitle         = Rule{Name: "quick_reply.title", Source: "MP/error-codes 2018098"}
	ruleQRTitleShown    = Rule{Name: "quick_reply.title.length", Limit: 20, Source: "MP/send-messages/quick-replies (decision D6)"}
	ruleQRPayload       = Rule{Name: "quick_reply.payload", Source: "MP/error-codes 2018099"}
	ruleQRPayloadLength = Rule{Name: "quick_reply.payload.length", Limit: 1000, Source: "MP/send-messages/quick-replies"}
	ruleQRImageURL      = Rule{Name: "quick_reply.image_url", Source: "MP/send-messages/quick-replies"}
	quickReplyKeys      = set("content_type", "title", "payload", "image_url")
	quickReplyTypes     = []string{"text", "user_phone_number", "user_email"}
)

// legacyQuickReplyType is accepted with a warning (not shown).
const legacyQuickReplyType = "location"

// quickReplies checks message.quick_replies: 1 to 13 chips.
func (s *sendChecker) quickReplies(raw any, p Path) {
	list, ok := asArray(raw)
	if !ok {
		s.fail(p, ruleQuickReplies, Err(KeyInvalid), "expected an array")
		return
	}
	if !s.count(len(list), p, ruleQuickRepliesMin, ruleQuickRepliesMax) && !s.all {
		return
	}
	for i, item := range list {
		if !s.quickReply(item, p.Index(i)) && !s.all {
			return
		}
	}
}

func (s *sendChecker) quickReply(raw any, p Path) bool {
	qr, _, ok := s.object(raw, p, ruleQuickReply)
	if !ok || !s.checkKeys(qr, quickReplyKeys, p, ruleQuickReplyKeys) {
		return false
	}
	ct, present, ok := s.reqText(qr, "content_type", p, ruleQRContentType)
	if !ok {
		return false
	}
	if !present {
		s.fail(p.Key("content_type"), ruleQRContentType, Err(KeyRequired, p.Key("content_type").Param()), "")
		return false
	}
	if ct == legacyQuickReplyType {
		s.warn(p.Key("content_type"), ruleQRLocation, "location quick replies are legacy and not shown")
	} else if !s.enum(ct, quickReplyTypes, p.Key("content_type"), ruleQRContentType) {
		return false
	}
	img, hasImage, ok := s.optText(qr, "image_url", p, ruleQRImageURL)
	if !ok {
		return false
	}
	if hasImage {
		if _, ok := httpURL(img); !ok {
			s.fail(p.Key("image_url"), ruleQRImageURL, Err(KeyURL, p.Key("image_url").Param()), "not an absolute http(s) URL")
			return false
		}
	}
	if ct != "text" {
		// The phone and email chips carry the user's data: their title and
		// payload are only read as text.
		_, _, ok := s.optText(qr, "title", p, ruleQRTitle)
		if ok {
			_, _, ok = s.optText(qr, "payload", p, ruleQRPayload)
		}
		return ok
	}
	title, present, ok := s.reqText(qr, "title", p, ruleQRTitle)
	if !ok {
		return false
	}
	if !present || (title == "" && !hasImage) {
		s.fail(p.Key("title"), ruleQRTitle, Err(KeyQRTitle), "a text quick reply needs a title (or an image_url)")
		return false
	}
	if n := runeLen(title); n > ruleQRTitleShown.Limit {
		s.warn(p.Key("title"), ruleQRTitleShown, "titles over 20 code points are truncated to 20 and \"…\"")
	}
	payload, present, ok := s.reqText(qr, "payload", p, ruleQRPayload)
	if !ok {
		return false
	}
	if !present || (payload == "" && !hasImage) {
		s.fail(p.Key("payload"), ruleQRPayload, Err(KeyQRPayload), "a text quick reply needs a payload")
		return false
	}
	return s.maxLen(payload, p.Key("payload"), ruleQRPayloadLength)
}
