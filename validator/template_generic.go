package validator

// The generic template (PLATFORM.md §2.7): a carousel of elements.

var (
	ruleGenericMin       = Rule{Name: "template.generic.elements.too-few", Limit: 1, Source: "MP/send-messages/template/generic"}
	ruleGenericMax       = Rule{Name: "template.generic.elements.too-many", Limit: 10, Source: "MP/send-messages/template/generic"}
	ruleGenericTitle     = Rule{Name: "template.generic.title.length", Limit: 80, Source: "MP/send-messages/template/generic"}
	ruleGenericSubtitle  = Rule{Name: "template.generic.subtitle.length", Limit: 80, Source: "MP/send-messages/template/generic"}
	ruleGenericImageURL  = Rule{Name: "template.generic.image_url", Source: "MP/send-messages/template/generic"}
	ruleIncomplete       = Rule{Name: "template.generic.element.incomplete", Source: "MP/error-codes 2018035"}
	ruleGenericBtnMin    = Rule{Name: "template.generic.buttons.too-few", Limit: 1, Source: "MP/send-messages/template/generic"}
	ruleGenericBtnMax    = Rule{Name: "template.generic.buttons.too-many", Limit: 3, Source: "MP/send-messages/template/generic"}
	ruleAspectRatio      = Rule{Name: "template.generic.image_aspect_ratio", Source: "MP/send-messages/template/generic"}
	ruleAspectLegacy     = Rule{Name: "template.generic.image_aspect_ratio.legacy", Source: "MP/send-messages/template/generic (legacy)"}
	genericTemplateKeys  = set("template_type", "elements", "image_aspect_ratio", "sharable")
	genericElementKeys   = genericElementTable.keys(genericElementTable...)
	aspectRatios         = []string{"horizontal", "square"}
	genericButtonsLimits = buttonsLimits{few: ruleGenericBtnMin, many: ruleGenericBtnMax}
)

func (s *sendChecker) genericTemplate(pl map[string]any, p Path) {
	if !s.checkKeys(pl, genericTemplateKeys, p, ruleTemplateKeys) || !s.sharable(pl, p) {
		return
	}
	ratio, present, ok := s.optText(pl, "image_aspect_ratio", p, ruleAspectRatio)
	if !ok {
		return
	}
	if present {
		if !s.enum(ratio, aspectRatios, p.Key("image_aspect_ratio"), ruleAspectRatio) {
			return
		}
		s.warn(p.Key("image_aspect_ratio"), ruleAspectLegacy, "image_aspect_ratio is legacy")
	}
	if s.elementsJudged {
		return // passed by ElementsPass, and not in the body (SendJudged)
	}
	list, ok := s.elements(pl, p, ruleGenericMin, ruleGenericMax)
	if !ok {
		return
	}
	for i, item := range list {
		if !s.genericElement(item, p.Key("elements").Index(i)) && !s.all {
			return
		}
	}
}

// The keys of a generic element, by their slot in genericElementTable.
const (
	elTitle = iota
	elSubtitle
	elImageURL
	elDefaultAction
	elButtons
)

var genericElementTable = keyTable{elTitle: "title", elSubtitle: "subtitle", elImageURL: "image_url", elDefaultAction: "default_action", elButtons: "buttons"}

func (s *sendChecker) genericElement(raw any, p Path) bool {
	el, _, ok := s.object(raw, p, ruleElement)
	if !ok {
		return false
	}
	var f fields
	genericElementTable.fields(el, &f)
	if !s.onlyKeys(&f, genericElementKeys, p, ruleTemplateKeys) {
		return false
	}
	fine := true
	if _, ok := s.requiredTextField(f.field(elTitle), p, ruleGenericTitle); s.halt(ok, &fine) {
		return false
	}
	sub, hasSubtitle, ok := s.optTextField(f.field(elSubtitle), p, ruleGenericSubtitle)
	if s.halt(ok && (!hasSubtitle || s.maxLen(sub, p.Key("subtitle"), ruleGenericSubtitle)), &fine) {
		return false
	}
	img, hasImage, ok := s.optTextField(f.field(elImageURL), p, ruleGenericImageURL)
	if s.halt(ok, &fine) {
		return false
	}
	if hasImage {
		if _, ok := httpURL(img); !ok {
			s.fail(p.Key("image_url"), ruleGenericImageURL, Err(KeyURL, p.Key("image_url").Param()), "not an absolute http(s) URL")
			if s.halt(false, &fine) {
				return false
			}
		}
	}
	action, buttons := f.field(elDefaultAction), f.field(elButtons)
	if s.halt(s.defaultAction(action, p), &fine) || s.halt(s.buttons(buttons, p, genericButtonsLimits), &fine) {
		return false
	}
	// What the optional reads dropped as absent (D22) does not count.
	hasAction, hasButtons := !action.absent(true), !buttons.absent(true)
	if !hasSubtitle && !hasImage && !hasAction && !hasButtons {
		s.fail(p, ruleIncomplete, Err(KeyIncompleteElement), "a title alone")
		return false
	}
	return fine
}
