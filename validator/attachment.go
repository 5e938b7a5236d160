package validator

import "time"

// Attachments (PLATFORM.md §2.4): message.attachment, a media file or a
// template, and message.attachments, several images.

var (
	ruleAttachment       = Rule{Name: "attachment.object", Source: "SendRef"}
	ruleAttachmentKeys   = Rule{Name: "attachment.keys", Source: "SendRef (decision D19)"}
	ruleAttachmentType   = Rule{Name: "attachment.type", Source: "SendRef"}
	ruleAttachmentLoad   = Rule{Name: "attachment.payload", Source: "SendRef"}
	ruleMediaSource      = Rule{Name: "attachment.payload.url-xor-attachment_id", Source: "MP/send-messages/saving-assets"}
	ruleMediaKeys        = Rule{Name: "attachment.payload.keys", Source: "SendRef (decision D19)"}
	ruleFetch            = Rule{Name: "attachment.payload.url.fetch", Source: "MP/error-codes 2018008"}
	ruleAttachmentIDLife = Rule{Name: "attachment.attachment_id.life", Limit: int(AttachmentIDLife / (24 * time.Hour)), Source: "MP/send-messages/saving-assets"}
	ruleReusable         = Rule{Name: "attachment.payload.is_reusable", Source: "MP/send-messages/saving-assets"}
	ruleAttachmentsImage = Rule{Name: "attachments.images-only", Source: "SendRef"}
	ruleAttachmentsMin   = Rule{Name: "attachments.too-few", Limit: 1, Source: "SendRef"}
	ruleAttachmentsMax   = Rule{Name: "attachments.too-many", Limit: 30, Source: "SendRef"}
)

// AttachmentIDLife is how long a saved attachment id stays usable.
const AttachmentIDLife = 90 * 24 * time.Hour

var (
	attachmentTypes = []string{"audio", "file", "image", "template", "video"}
	attachmentKeys  = set("type", "payload")
	mediaKeys       = set("url", "attachment_id", "is_reusable")
)

// attachment checks message.attachment.
func (s *sendChecker) attachment(raw any, p Path, out *SendCheck) {
	typ, payload, ok := s.attachmentHead(raw, p)
	if !ok {
		return
	}
	if typ == "template" {
		s.template(payload, p.Key("payload"))
		return
	}
	if s.media(payload, p.Key("payload")) {
		if reusable, _ := asBool(payload["is_reusable"]); reusable {
			out.Reusable = typ
		}
	}
}

// attachmentHead checks an attachment's keys, type and payload object.
func (s *sendChecker) attachmentHead(raw any, p Path) (typ string, payload map[string]any, ok bool) {
	a, _, ok := s.object(raw, p, ruleAttachment)
	if !ok || !s.checkKeys(a, attachmentKeys, p, ruleAttachmentKeys) {
		return "", nil, false
	}
	typ, present, ok := s.reqText(a, "type", p, ruleAttachmentType)
	if !ok {
		return "", nil, false
	}
	if !present {
		s.fail(p.Key("type"), ruleAttachmentType, Err(KeyRequired, p.Key("type").Param()), "")
		return "", nil, false
	}
	if !s.enum(typ, attachmentTypes, p.Key("type"), ruleAttachmentType) {
		return "", nil, false
	}
	v, has := a["payload"]
	if !has || v == nil {
		s.fail(p.Key("payload"), ruleAttachmentLoad, Err(KeyRequired, p.Key("payload").Param()), "")
		return "", nil, false
	}
	payload, _, ok = s.object(v, p.Key("payload"), ruleAttachmentLoad)
	return typ, payload, ok
}

// media checks a media payload: exactly one of url and attachment_id (none
// with an uploaded file), an absolute http(s) URL, a live attachment id.
func (s *sendChecker) media(pl map[string]any, p Path) bool {
	if !s.checkKeys(pl, mediaKeys, p, ruleMediaKeys) {
		return false
	}
	u, hasURL, ok := s.optText(pl, "url", p, ruleFetch)
	if !ok {
		return false
	}
	id, hasID, ok := s.optText(pl, "attachment_id", p, ruleMediaSource)
	if !ok {
		return false
	}
	if _, _, ok := s.optBool(pl, "is_reusable", p, ruleReusable); !ok {
		return false
	}
	switch {
	case hasURL && hasID:
		s.fail(p, ruleMediaSource, Err(KeyInvalid), "both url and attachment_id")
		return false
	case s.upload && (hasURL || hasID):
		s.fail(p, ruleMediaSource, Err(KeyInvalid), "a file part and a url or attachment_id")
		return false
	case !hasURL && !hasID && !s.upload:
		s.fail(p, ruleMediaSource, Err(KeyInvalid), "neither url nor attachment_id (nor an uploaded file)")
		return false
	case hasURL:
		if _, ok := httpURL(u); !ok {
			s.fail(p.Key("url"), ruleFetch, Err(KeyFetchFailed), "not an absolute http(s) URL")
			return false
		}
	case hasID:
		return s.attachmentID(id, p.Key("attachment_id"))
	}
	return true
}

// attachmentID refuses an id that is unknown, another Page's or older than
// 90 days on the virtual clock.
func (s *sendChecker) attachmentID(id string, p Path) bool {
	info, ok := s.st.Attachment(id)
	detail := ""
	switch {
	case !ok:
		detail = "no saved attachment " + id
	case info.Foreign:
		detail = "attachment " + id + " belongs to another Page"
	case !s.now.Before(info.Created.Add(AttachmentIDLife)):
		detail = "attachment " + id + " is older than 90 days"
	default:
		return true
	}
	s.fail(p, ruleAttachmentIDLife, Err(KeyAttachmentID), detail)
	return false
}

// attachments checks message.attachments: 1 to 30 images.
func (s *sendChecker) attachments(raw any, p Path) {
	list, ok := asArray(raw)
	if !ok {
		s.fail(p, ruleAttachmentsImage, Err(KeyInvalid), "expected an array")
		return
	}
	if !s.count(len(list), p, ruleAttachmentsMin, ruleAttachmentsMax) && !s.all {
		return
	}
	for i, item := range list {
		if !s.imageAttachment(item, p.Index(i)) && !s.all {
			return
		}
	}
}

// imageAttachment checks one element of message.attachments.
func (s *sendChecker) imageAttachment(item any, ip Path) bool {
	typ, payload, ok := s.attachmentHead(item, ip)
	if !ok {
		return false
	}
	if typ != "image" {
		s.fail(ip.Key("type"), ruleAttachmentsImage, Err(KeyInvalid), "attachments[] takes images only, got "+typ)
		return false
	}
	if !s.media(payload, ip.Key("payload")) {
		return false
	}
	if reusable, _ := asBool(payload["is_reusable"]); reusable {
		// The answer names one attachment_id (§2.8): none for a list.
		s.warn(ip.Key("payload").Key("is_reusable"), ruleReusable, "is_reusable in attachments[] saves nothing: the answer carries no attachment_id; send the image alone as message.attachment to save it")
	}
	return true
}
