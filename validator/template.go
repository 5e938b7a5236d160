package validator

// Templates (PLATFORM.md §2.7). Inside a template the platform names
// message[attachment][payload] "name_placeholder" (§2.6), so every param
// path below starts there.

var (
	ruleTemplateType    = Rule{Name: "template.template_type", Source: "MP/send-messages/template"}
	ruleTemplateGone    = Rule{Name: "template.removed", Source: "MP/send-messages/template (decision D13)"}
	ruleTemplateFuture  = Rule{Name: "template.not-emulated", Source: "decision D14"}
	ruleTemplateKeys    = Rule{Name: "template.keys", Source: "SendRef (decision D19)"}
	ruleSharable        = Rule{Name: "template.sharable", Source: "MP/send-messages/template"}
	ruleButtonText      = Rule{Name: "template.button.text.length", Limit: 640, Source: "MP/send-messages/template/button"}
	ruleButtonTplMax    = Rule{Name: "template.button.buttons.too-many", Limit: 3, Source: "MP/send-messages/template/button"}
	ruleProductMin      = Rule{Name: "template.product.elements.too-few", Limit: 1, Source: "MP/send-messages/template/product"}
	ruleProductMax      = Rule{Name: "template.product.elements.too-many", Limit: 10, Source: "MP/send-messages/template/product"}
	ruleProductID       = Rule{Name: "template.product.id", Source: "MP/send-messages/template/product"}
	ruleElements        = Rule{Name: "template.elements", Source: "MP/send-messages/template"}
	ruleElement         = Rule{Name: "template.element.object", Source: "MP/send-messages/template"}
	ruleOTNLegacy       = Rule{Name: "template.one_time_notif_req.legacy", Source: "MP/send-messages/one-time-notification"}
	ruleOTNTitle        = Rule{Name: "template.one_time_notif_req.title.length", Limit: 65, Source: "MP/send-messages/one-time-notification"}
	ruleOTNPayload      = Rule{Name: "template.one_time_notif_req.payload", Source: "MP/send-messages/one-time-notification"}
	buttonTemplateKeys  = set("template_type", "text", "buttons", "sharable")
	productTemplateKeys = set("template_type", "elements")
	productElementKeys  = set("id")
	otnTemplateKeys     = set("template_type", "title", "payload")
	goneTemplates       = []string{"list", "open_graph", "airline_boardingpass", "airline_checkin", "airline_itinerary", "airline_update"}
	futureTemplates     = map[string]string{
		"coupon":     "The coupon template",
		"image_grid": "The image grid template",
		"utility":    "The utility template",
		// Recurring notifications (PLATFORM.md D28).
		"notification_messages": "The notification_messages template (recurring notifications)",
	}
)

// template checks a template payload; p is message.attachment.payload.
func (s *sendChecker) template(pl map[string]any, jp Path) {
	p := jp.Rebase("name_placeholder")
	tt, present, ok := s.reqText(pl, "template_type", p, ruleTemplateType)
	if !ok {
		return
	}
	if !present {
		s.fail(p.Key("template_type"), ruleTemplateType, Err(KeyTemplateType), "no template_type")
		return
	}
	if contains(goneTemplates, tt) {
		s.fail(p.Key("template_type"), ruleTemplateGone, Err(KeyTemplateGone, tt), "")
		return
	}
	if feature, ok := futureTemplates[tt]; ok {
		s.fail(p.Key("template_type"), ruleTemplateFuture, Err(KeyNotEmulated, feature), "")
		return
	}
	switch tt {
	case "button":
		s.buttonTemplate(pl, p)
	case "generic":
		s.genericTemplate(pl, p)
	case "media":
		s.mediaTemplate(pl, p)
	case "receipt":
		s.receiptTemplate(pl, p)
	case "product":
		s.productTemplate(pl, p)
	case "one_time_notif_req":
		s.otnTemplate(pl, p)
	case "customer_feedback":
		s.feedbackTemplate(pl, p)
	default:
		s.fail(p.Key("template_type"), ruleTemplateType, Err(KeyTemplateType), "unknown template_type "+tt)
	}
}

// sharable reads the optional sharable flag of a template.
func (s *sendChecker) sharable(pl map[string]any, p Path) bool {
	_, _, ok := s.optBool(pl, "sharable", p, ruleSharable)
	return ok
}

// elements reads a template's elements array; missing is "required".
func (s *sendChecker) elements(pl map[string]any, p Path, few, many Rule) ([]any, bool) {
	list, present, ok := s.optArray(pl, "elements", p, ruleElements)
	if !ok {
		return nil, false
	}
	ep := p.Key("elements")
	if !present {
		s.fail(ep, ruleElements, Err(KeyRequired, ep.Param()), "")
		return nil, false
	}
	return list, s.count(len(list), ep, few, many)
}

// requiredText reads a required text field: missing → "required", "" →
// "string", over rule.Limit (when set) → "length".
func (s *sendChecker) requiredText(obj map[string]any, key string, p Path, rule Rule) (string, bool) {
	return s.requiredTextField(lookup(obj, key), p, rule)
}

// requiredTextField is requiredText with f already read.
func (s *sendChecker) requiredTextField(f field, p Path, rule Rule) (string, bool) {
	v, present, ok := s.reqTextField(f, p, rule)
	if !ok {
		return "", false
	}
	kp := p.Key(f.key)
	switch {
	case !present:
		s.fail(kp, rule, Err(KeyRequired, kp.Param()), "")
		return "", false
	case v == "":
		s.fail(kp, rule, Err(KeyString, kp.Param()), "empty")
		return "", false
	case rule.Limit > 0 && !s.maxLen(v, kp, rule):
		return "", false
	}
	return v, true
}

func (s *sendChecker) buttonTemplate(pl map[string]any, p Path) {
	if !s.checkKeys(pl, buttonTemplateKeys, p, ruleTemplateKeys) || !s.sharable(pl, p) {
		return
	}
	if _, ok := s.requiredText(pl, "text", p, ruleButtonText); !ok {
		return
	}
	s.buttons(lookup(pl, "buttons"), p, buttonsLimits{required: true, nonEmpty: true, many: ruleButtonTplMax})
}

func (s *sendChecker) productTemplate(pl map[string]any, p Path) {
	if !s.checkKeys(pl, productTemplateKeys, p, ruleTemplateKeys) {
		return
	}
	list, ok := s.elements(pl, p, ruleProductMin, ruleProductMax)
	if !ok {
		return
	}
	for i, item := range list {
		ep := p.Key("elements").Index(i)
		el, _, ok := s.object(item, ep, ruleElement)
		if !ok || !s.checkKeys(el, productElementKeys, ep, ruleTemplateKeys) {
			return
		}
		id, ok := s.requiredText(el, "id", ep, ruleProductID)
		if !ok {
			return
		}
		if !s.st.Product(id) {
			s.fail(ep.Key("id"), ruleProductID, Err(KeyProductID), "product "+id+" is not registered to this Page")
			return
		}
	}
}

// otnTemplate: the legacy one-time notification request. Only title and
// payload are customisable.
func (s *sendChecker) otnTemplate(pl map[string]any, p Path) {
	s.warn(p, ruleOTNLegacy, "the one-time notification request is a legacy beta")
	if !s.checkKeys(pl, otnTemplateKeys, p, ruleTemplateKeys) {
		return
	}
	if _, ok := s.requiredText(pl, "title", p, ruleOTNTitle); !ok {
		return
	}
	s.requiredText(pl, "payload", p, ruleOTNPayload)
}
