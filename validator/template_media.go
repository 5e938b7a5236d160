package validator

import "strings"

// The media template (PLATFORM.md §2.7): one image or video with buttons.

var (
	ruleMediaElements   = Rule{Name: "template.media.elements.exactly-one", Limit: 1, Source: "MP/send-messages/template/media"}
	ruleMediaType       = Rule{Name: "template.media.media_type", Source: "MP/error-codes 2018182"}
	ruleMediaSrc        = Rule{Name: "template.media.source", Source: "MP/error-codes 2018187"}
	ruleMediaBoth       = Rule{Name: "template.media.url-xor-attachment_id", Source: "MP/send-messages/template/media (decision D20)"}
	ruleMediaFacebook   = Rule{Name: "template.media.url.facebook", Source: "MP/error-codes 2018185"}
	ruleMediaButtonsMax = Rule{Name: "template.media.buttons.too-many", Limit: 3, Source: "MP/send-messages/template/media"}
	mediaTemplateKeys   = set("template_type", "elements", "sharable")
	mediaElementKeys    = set("media_type", "url", "attachment_id", "buttons")
	mediaTypes          = []string{"image", "video"}
)

func (s *sendChecker) mediaTemplate(pl map[string]any, p Path) {
	if !s.checkKeys(pl, mediaTemplateKeys, p, ruleTemplateKeys) || !s.sharable(pl, p) {
		return
	}
	list, ok := s.elements(pl, p, ruleMediaElements, ruleMediaElements)
	if !ok {
		return
	}
	ep := p.Key("elements").Index(0)
	el, _, ok := s.object(list[0], ep, ruleElement)
	if !ok || !s.checkKeys(el, mediaElementKeys, ep, ruleTemplateKeys) {
		return
	}
	mt, present, ok := s.reqText(el, "media_type", ep, ruleMediaType)
	if !ok {
		return
	}
	if !present {
		s.fail(ep.Key("media_type"), ruleMediaType, Err(KeyRequired, ep.Key("media_type").Param()), "")
		return
	}
	if !contains(mediaTypes, mt) {
		s.fail(ep.Key("media_type"), ruleMediaType, Err(KeyMediaType), "media_type is image or video, got "+mt)
		return
	}
	u, hasURL, ok := s.optText(el, "url", ep, ruleMediaFacebook)
	if !ok {
		return
	}
	id, hasID, ok := s.optText(el, "attachment_id", ep, ruleMediaSrc)
	if !ok {
		return
	}
	switch {
	case !hasURL && !hasID:
		s.fail(ep, ruleMediaSrc, Err(KeyMediaSource), "neither url nor attachment_id")
		return
	case hasURL && hasID:
		s.fail(ep, ruleMediaBoth, Err(KeyInvalid), "both url and attachment_id")
		return
	case hasURL && !facebookURL(u):
		s.fail(ep.Key("url"), ruleMediaFacebook, Err(KeyMediaURL), "not a facebook.com URL")
		return
	case hasID && !s.attachmentID(id, ep.Key("attachment_id")):
		return
	}
	s.buttons(lookup(el, "buttons"), ep, buttonsLimits{many: ruleMediaButtonsMax})
}

// facebookURL reports an absolute http(s) URL on facebook.com or a subdomain.
func facebookURL(raw string) bool {
	u, ok := httpURL(raw)
	if !ok {
		return false
	}
	host := u.host
	return host == "facebook.com" || strings.HasSuffix(host, ".facebook.com")
}
