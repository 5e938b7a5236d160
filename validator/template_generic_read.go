package validator

// A 10-element generic template is fifty objects. Decoded into maps and
// read back by the rules, they are most of what its send costs: every
// key hashed on the way in and again on the way out. A server may
// instead read a generic template's elements straight from the body into
// Elements, a fixed set of typed fields, ask ElementsPass whether they
// pass, and when they do, decode the rest of the body without them and
// judge it with SendJudged.
//
// ElementsPass answers only "these elements earn no violation and need
// no rewrite": it is false for anything the rules would refuse, warn of
// or normalise, and for the few features it leaves to the rules whole
// (messenger_extensions, fallback_url, account linking and game buttons,
// repeated keys). The server then decodes and judges the body as any
// other (Send): the rules (genericElement, button) stay the only ones
// that refuse or warn, and FuzzElementsPass holds ElementsPass to them.

// Elements are a generic template's elements as a server read them from
// a body. The zero value is empty; Reset empties it for another body.
// Their texts must be UTF-8 (read from a body checked whole, escapes
// decoded as encoding/json decodes them): ElementsPass does not read them
// again for it, and a reader of other bytes leaves them to the rules,
// which refuse what is not.
type Elements struct {
	els [10]Element // ruleGenericMax.Limit: more do not pass
	n   int
}

// Element is one element of Elements.
type Element struct {
	has      uint16                  // by genericElementTable slot: the keys read
	texts    [elDefaultAction]string // title, subtitle and image_url, by slot
	action   Button
	buttons  [3]Button // ruleGenericBtnMax.Limit
	nbuttons int
}

// Button is a button or a default action of an Element.
type Button struct {
	has        uint16                      // by buttonTable slot: the keys read
	texts      [btnGameMetadata + 1]string // the text keys' values, by slot
	extensions bool
}

// buttonTexts are the slots of the text keys a Button takes.
const buttonTexts = 1<<btnType | 1<<btnTitle | 1<<btnURL | 1<<btnPayload | 1<<btnHeightRatio | 1<<btnShareButton

// Reset empties es.
func (es *Elements) Reset() {
	for i := range es.els[:es.n] {
		es.els[i] = Element{}
	}
	es.n = 0
}

// Add is the next element, or nil past the ten a template takes (more do
// not pass).
func (es *Elements) Add() *Element {
	if es.n == len(es.els) {
		return nil
	}
	es.n++
	return &es.els[es.n-1]
}

// note marks slot as read: false when it was already (a repeated key,
// left to the rules).
func note(has *uint16, slot int) bool {
	bit := uint16(1) << slot
	if slot < 0 || *has&bit != 0 {
		return false
	}
	*has |= bit
	return true
}

// SetText reads the element's text key (title, subtitle or image_url)
// as v. It is false for another key, or one read already.
func (e *Element) SetText(key, v string) bool {
	slot := genericElementTable.slot(key)
	if slot < 0 || slot >= len(e.texts) || !note(&e.has, slot) {
		return false
	}
	e.texts[slot] = v
	return true
}

// DefaultAction is the element's default_action to fill, nil when it was
// read already.
func (e *Element) DefaultAction() *Button {
	if !note(&e.has, elDefaultAction) {
		return nil
	}
	return &e.action
}

// Buttons notes the element's buttons array, read next with AddButton:
// false when it was read already.
func (e *Element) Buttons() bool { return note(&e.has, elButtons) }

// AddButton is the next button to fill, nil past the three an element
// takes (more do not pass).
func (e *Element) AddButton() *Button {
	if e.nbuttons == len(e.buttons) {
		return nil
	}
	e.nbuttons++
	return &e.buttons[e.nbuttons-1]
}

// SetText reads the button's text key as v: type, title, url, payload,
// webview_height_ratio or webview_share_button. It is false for another
// key, or one read already.
func (b *Button) SetText(key, v string) bool {
	slot := buttonTable.slot(key)
	if slot < 0 || buttonTexts&(1<<slot) == 0 || !note(&b.has, slot) {
		return false
	}
	b.texts[slot] = v
	return true
}

// SetBool reads the button's messenger_extensions as v: false for another
// key, or one read already.
func (b *Button) SetBool(key string, v bool) bool {
	if key != buttonTable[btnExtensions] {
		return false
	}
	b.extensions = v
	return note(&b.has, btnExtensions)
}

// ElementsPass reports whether the rules pass es as a generic template's
// elements without a violation or a rewrite (see Elements).
func ElementsPass(es *Elements) bool {
	if es.n < ruleGenericMin.Limit || es.n > ruleGenericMax.Limit {
		return false
	}
	for i := range es.els[:es.n] {
		if !es.els[i].passes() {
			return false
		}
	}
	return true
}

// passes is genericElement's verdict, for an element that passes it.
func (e *Element) passes() bool {
	has := func(slot int) bool { return e.has&(1<<slot) != 0 }
	// The title is required and not empty; an optional text that is
	// empty is dropped as absent with a warning (D22), so it does not pass.
	if !has(elTitle) || !textWithin(e.texts[elTitle], ruleGenericTitle.Limit) ||
		has(elSubtitle) && !textWithin(e.texts[elSubtitle], ruleGenericSubtitle.Limit) {
		return false
	}
	if has(elImageURL) {
		if _, ok := httpURL(e.texts[elImageURL]); !ok {
			return false
		}
	}
	if has(elDefaultAction) && !e.action.passesAsDefaultAction() {
		return false
	}
	if has(elButtons) {
		if e.nbuttons < ruleGenericBtnMin.Limit || e.nbuttons > ruleGenericBtnMax.Limit {
			return false
		}
		for i := range e.buttons[:e.nbuttons] {
			if !e.buttons[i].passes() {
				return false
			}
		}
	}
	// A title alone is incomplete (2018035).
	return e.has&(1<<elSubtitle|1<<elImageURL|1<<elDefaultAction|1<<elButtons) != 0
}

// textWithin: text that is not empty and at most limit code points.
func textWithin(s string, limit int) bool {
	// No more bytes than the limit is no more code points.
	return s != "" && (len(s) <= limit || runeLen(s) <= limit)
}

// passesAsDefaultAction is defaultAction's verdict: a web_url without a
// title (a title is warned of).
func (b *Button) passesAsDefaultAction() bool {
	return b.has&^defaultActionKeys.mask == 0 && b.has&(1<<btnTitle) == 0 &&
		b.has&(1<<btnType) != 0 && b.texts[btnType] == defaultActionTypes[0] && b.passesWebURL()
}

// passes is button's verdict, for the web_url, postback and phone_number
// buttons; the other types are left to the rules.
func (b *Button) passes() bool {
	if b.has&(1<<btnType) == 0 {
		return false
	}
	keys, known := buttonKeys(b.texts[btnType])
	if !known || b.has&^keys.mask != 0 || !b.passesTitle() {
		return false
	}
	switch b.texts[btnType] {
	case "web_url":
		return b.passesWebURL()
	case "postback":
		return b.has&(1<<btnPayload) != 0 && textWithin(b.texts[btnPayload], ruleButtonPayLen.Limit)
	case "phone_number":
		// Not + and digits is warned of, an absent payload too.
		return b.has&(1<<btnPayload) != 0 && phoneNumber(b.texts[btnPayload])
	}
	return false
}

// passesTitle is buttonTitle's verdict: over 20 code points is warned of.
func (b *Button) passesTitle() bool {
	return b.has&(1<<btnTitle) != 0 && textWithin(b.texts[btnTitle], ruleButtonTitleLen.Limit)
}

// passesWebURL is webURL's verdict. messenger_extensions true needs the
// Page's whitelisted domains, which the rules read: it does not pass here.
func (b *Button) passesWebURL() bool {
	if b.has&(1<<btnURL) == 0 {
		return false
	}
	if _, ok := httpURL(b.texts[btnURL]); !ok {
		return false
	}
	if b.has&(1<<btnHeightRatio) != 0 && !contains(heightRatios, b.texts[btnHeightRatio]) {
		return false
	}
	if b.has&(1<<btnShareButton) != 0 && !contains(shareButtonValues, b.texts[btnShareButton]) {
		return false
	}
	return !b.extensions
}
