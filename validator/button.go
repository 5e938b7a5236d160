package validator

// Buttons (PLATFORM.md §2.6), in the button, generic and media templates,
// and the web_url fields they share with a generic element's default_action.

var (
	ruleButtons        = Rule{Name: "buttons.array", Source: "MP/send-messages/buttons"}
	ruleButton         = Rule{Name: "button.object", Source: "MP/send-messages/buttons"}
	ruleButtonKeys     = Rule{Name: "button.keys", Source: "SendRef (decision D19)"}
	ruleButtonType     = Rule{Name: "button.type", Source: "MP/send-messages/buttons"}
	ruleButtonRemoved  = Rule{Name: "button.type.removed", Source: "MP/send-messages/buttons (element_share, payment removed)"}
	ruleButtonTitle    = Rule{Name: "button.title", Source: "MP/error-codes 2018053"}
	ruleButtonTitleLen = Rule{Name: "button.title.length", Limit: 20, Source: "MP/send-messages/buttons (decision D6)"}
	ruleButtonURL      = Rule{Name: "button.url", Source: "MP/error-codes 2018041"}
	ruleButtonURLValid = Rule{Name: "button.url.valid", Source: "MP/send-messages/buttons"}
	ruleExtensionsBool = Rule{Name: "button.messenger_extensions", Source: "MP/send-messages/buttons (decision D22)"}
	ruleExtensions     = Rule{Name: "button.messenger_extensions.domain", Source: "MP/send-messages/buttons (whitelisted_domains)"}
	ruleHeightRatio    = Rule{Name: "button.webview_height_ratio", Source: "MP/send-messages/buttons"}
	ruleShareButton    = Rule{Name: "button.webview_share_button", Source: "MP/send-messages/buttons"}
	ruleFallbackURL    = Rule{Name: "button.fallback_url.without-extensions", Source: "MP/send-messages/buttons"}
	ruleButtonPayload  = Rule{Name: "button.payload", Source: "MP/error-codes 2018040"}
	ruleButtonPayLen   = Rule{Name: "button.payload.length", Limit: 1000, Source: "MP/send-messages/buttons"}
	rulePhonePayload   = Rule{Name: "button.phone_number.payload", Source: "MP/send-messages/buttons"}
	ruleAccountLinkURL = Rule{Name: "button.account_link.url", Source: "MP/send-messages/buttons"}
	ruleGameMetadata   = Rule{Name: "button.game_play.game_metadata", Source: "MP/send-messages/buttons"}
	ruleGameInert      = Rule{Name: "button.game_play.inert", Source: "messemu"}
	ruleDefaultAction  = Rule{Name: "default_action.object", Source: "MP/send-messages/template/generic"}
	ruleDefaultTitle   = Rule{Name: "default_action.title", Source: "MP/send-messages/template/generic"}
	buttonTypes        = typesOf(buttonKeysByType) // web_url, postback, phone_number, account_link, account_unlink, game_play
	removedButtonTypes = []string{"element_share", "payment"}
	heightRatios       = []string{"compact", "tall", "full"}
	shareButtonValues  = []string{"hide"}
	defaultActionTypes = []string{"web_url"}
	webURLKeys         = []string{"type", "title", "url", "webview_height_ratio", "messenger_extensions", "fallback_url", "webview_share_button"}
	defaultActionKeys  = buttonTable.keys(webURLKeys...)
	buttonKeysByType   = []buttonKind{
		{"web_url", buttonTable.keys(webURLKeys...)},
		{"postback", buttonTable.keys("type", "title", "payload")},
		{"phone_number", buttonTable.keys("type", "title", "payload")},
		{"account_link", buttonTable.keys("type", "url")},
		{"account_unlink", buttonTable.keys("type")},
		{"game_play", buttonTable.keys("type", "title", "payload", "game_metadata")},
	}
	gameMetadataKeys = set("player_id", "context_id")
)

// The keys of a button or a default action, by their slot in buttonTable.
const (
	btnType = iota
	btnTitle
	btnURL
	btnPayload
	btnHeightRatio
	btnExtensions
	btnFallbackURL
	btnShareButton
	btnGameMetadata
)

var buttonTable = keyTable{
	btnType: "type", btnTitle: "title", btnURL: "url", btnPayload: "payload",
	btnHeightRatio: "webview_height_ratio", btnExtensions: "messenger_extensions",
	btnFallbackURL: "fallback_url", btnShareButton: "webview_share_button", btnGameMetadata: "game_metadata",
}

// buttonsLimits says how many buttons an array takes and what an empty or
// missing one gets.
type buttonsLimits struct {
	required bool // missing: "required"
	nonEmpty bool // []: "nonempty" (button template, observed) rather than too-few
	few      Rule // []: too-few, when set
	many     Rule // more: too-many
}

// buttons checks f, a buttons array. It reports false on an error.
func (s *sendChecker) buttons(f field, p Path, lim buttonsLimits) bool {
	list, present, ok := s.optArrayField(f, p, ruleButtons)
	if !ok {
		return false
	}
	bp := p.Key(f.key)
	switch {
	case !present && lim.required:
		s.fail(bp, ruleButtons, Err(KeyRequired, bp.Param()), "")
		return false
	case !present:
		return true
	case len(list) == 0 && lim.nonEmpty:
		s.fail(bp, ruleButtons, Err(KeyNonEmpty, bp.Param()), "no buttons")
		return false
	}
	ok = s.count(len(list), bp, lim.few, lim.many)
	if !ok && !s.all {
		return false
	}
	for i, item := range list {
		if !s.button(item, bp, i) {
			if !s.all {
				return false
			}
			ok = false
		}
	}
	return ok
}

// button checks buttons[i]; arr is the enclosing array, named by the
// platform when a removed type is used.
func (s *sendChecker) button(raw any, arr Path, i int) bool {
	p := arr.Index(i)
	b, _, ok := s.object(raw, p, ruleButton)
	if !ok {
		return false
	}
	var f fields
	buttonTable.fields(b, &f)
	typ, present, ok := s.reqTextField(f.field(btnType), p, ruleButtonType)
	if !ok {
		return false
	}
	if !present {
		s.fail(p.Key("type"), ruleButtonType, Err(KeyRequired, p.Key("type").Param()), "")
		return false
	}
	if contains(removedButtonTypes, typ) {
		s.fail(arr, ruleButtonRemoved, Err(KeyTooMany, arr.Param()), typ+" buttons were removed; the platform answers too-many on the array")
		return false
	}
	keys, known := buttonKeys(typ)
	if !known {
		s.enum(typ, buttonTypes, p.Key("type"), ruleButtonType) // refused, naming the types
		return false
	}
	if !s.onlyKeys(&f, keys, p, ruleButtonKeys) {
		return false
	}
	switch typ {
	case "web_url":
		return s.buttonTitle(&f, p) && s.webURL(&f, p)
	case "postback":
		return s.buttonTitle(&f, p) && s.postbackPayload(&f, p)
	case "phone_number":
		if !s.buttonTitle(&f, p) {
			return false
		}
		num, _, ok := s.optTextField(f.field(btnPayload), p, rulePhonePayload)
		if ok && !phoneNumber(num) {
			s.warn(p.Key("payload"), rulePhonePayload, "a call button's payload should be + and digits")
		}
		return ok
	case "account_link":
		u, present, ok := s.reqTextField(f.field(btnURL), p, ruleAccountLinkURL)
		if !ok {
			return false
		}
		if !present {
			s.fail(p.Key("url"), ruleAccountLinkURL, Err(KeyRequired, p.Key("url").Param()), "")
			return false
		}
		if pu, ok := httpURL(u); !ok || !pu.https {
			s.fail(p.Key("url"), ruleAccountLinkURL, Err(KeyURL, p.Key("url").Param()), "account linking needs an HTTPS URL")
			return false
		}
		return true
	case "game_play":
		return s.buttonTitle(&f, p) && s.gamePlay(&f, p)
	}
	return true // account_unlink: type only, checked by its keys
}

// buttonKeys is the keys a button of type typ may hold; known is false
// for a type that is not one.
func buttonKeys(typ string) (keys keySet, known bool) {
	for _, b := range buttonKeysByType {
		if b.typ == typ {
			return b.keys, true
		}
	}
	return keySet{}, false
}

// buttonKind is a button type and the keys a button of it may hold.
type buttonKind struct {
	typ  string
	keys keySet
}

// typesOf is the types of a table of button kinds, in its order.
func typesOf(table []buttonKind) []string {
	types := make([]string, len(table))
	for i, b := range table {
		types[i] = b.typ
	}
	return types
}

// buttonTitle: missing → btn-title, "" → string, over 20 → W (D6).
func (s *sendChecker) buttonTitle(b *fields, p Path) bool {
	title, present, ok := s.reqTextField(b.field(btnTitle), p, ruleButtonTitle)
	if !ok {
		return false
	}
	switch {
	case !present:
		s.fail(p.Key("title"), ruleButtonTitle, Err(KeyBtnTitle), "")
		return false
	case title == "":
		s.fail(p.Key("title"), ruleButtonTitle, Err(KeyString, p.Key("title").Param()), "empty title")
		return false
	case runeLen(title) > ruleButtonTitleLen.Limit:
		s.warn(p.Key("title"), ruleButtonTitleLen, "titles over 20 code points are truncated")
	}
	return true
}

func (s *sendChecker) postbackPayload(b *fields, p Path) bool {
	payload, present, ok := s.reqTextField(b.field(btnPayload), p, ruleButtonPayload)
	if !ok {
		return false
	}
	if !present || payload == "" {
		s.fail(p.Key("payload"), ruleButtonPayload, Err(KeyBtnPayload), "")
		return false
	}
	return s.maxLen(payload, p.Key("payload"), ruleButtonPayLen)
}

// webURL checks the fields of a web_url button or default action.
func (s *sendChecker) webURL(b *fields, p Path) bool {
	raw, present, ok := s.reqTextField(b.field(btnURL), p, ruleButtonURL)
	if !ok {
		return false
	}
	if !present || raw == "" {
		s.fail(p.Key("url"), ruleButtonURL, Err(KeyBtnURL), "")
		return false
	}
	u, ok := httpURL(raw)
	if !ok {
		s.fail(p.Key("url"), ruleButtonURLValid, Err(KeyURL, p.Key("url").Param()), "not an absolute http(s) URL")
		return false
	}
	if ratio, present, ok := s.optTextField(b.field(btnHeightRatio), p, ruleHeightRatio); !ok || (present && !s.enum(ratio, heightRatios, p.Key("webview_height_ratio"), ruleHeightRatio)) {
		return false
	}
	share, present, ok := s.optTextField(b.field(btnShareButton), p, ruleShareButton)
	if !ok {
		return false
	}
	if present && !contains(shareButtonValues, share) {
		// Only hide is documented; what the platform does with another
		// value is not, so it is no refusal (never an invented limit).
		s.warn(p.Key("webview_share_button"), ruleShareButton, "webview_share_button takes only hide, which hides the webview's share button; another value leaves it shown")
	}
	ext, _, ok := s.optBoolField(b.field(btnExtensions), p, ruleExtensionsBool)
	if !ok {
		return false
	}
	if ext && (!u.https || !s.st.WhitelistedDomain(u.host)) {
		s.fail(p.Key("url"), ruleExtensions, Err(KeyExtDomain), "messenger_extensions needs HTTPS on a whitelisted domain")
		return false
	}
	fb, hasFallback, ok := s.optTextField(b.field(btnFallbackURL), p, ruleButtonURLValid)
	if !ok {
		return false
	}
	if hasFallback {
		if _, ok := httpURL(fb); !ok {
			s.fail(p.Key("fallback_url"), ruleButtonURLValid, Err(KeyURL, p.Key("fallback_url").Param()), "not an absolute http(s) URL")
			return false
		}
		if !ext {
			s.warn(p.Key("fallback_url"), ruleFallbackURL, "fallback_url is used only with messenger_extensions")
		}
	}
	return true
}

func (s *sendChecker) gamePlay(b *fields, p Path) bool {
	if _, _, ok := s.optTextField(b.field(btnPayload), p, ruleButtonPayload); !ok {
		return false
	}
	gm, present, ok := s.optObjectField(b.field(btnGameMetadata), p, ruleGameMetadata)
	if !ok {
		return false
	}
	if present {
		gp := p.Key("game_metadata")
		if !s.checkKeys(gm, gameMetadataKeys, gp, ruleButtonKeys) {
			return false
		}
		_, hasPlayer, ok1 := s.optText(gm, "player_id", gp, ruleGameMetadata)
		_, hasContext, ok2 := s.optText(gm, "context_id", gp, ruleGameMetadata)
		if !ok1 || !ok2 {
			return false
		}
		if hasPlayer && hasContext {
			s.fail(gp, ruleGameMetadata, Err(KeyInvalid), "game_metadata takes player_id or context_id, not both")
			return false
		}
	}
	s.warn(p, ruleGameInert, "game_play buttons are inert in messemu's UI")
	return true
}

// defaultAction checks f, a generic element's default_action: a web_url
// without a title (a title is accepted with a warning).
func (s *sendChecker) defaultAction(f field, p Path) bool {
	da, present, ok := s.optObjectField(f, p, ruleDefaultAction)
	if !ok || !present {
		return ok
	}
	dp := p.Key(f.key)
	var b fields
	buttonTable.fields(da, &b)
	if !s.onlyKeys(&b, defaultActionKeys, dp, ruleButtonKeys) {
		return false
	}
	typ, present, ok := s.reqTextField(b.field(btnType), dp, ruleDefaultAction)
	if !ok {
		return false
	}
	if !present {
		s.fail(dp.Key("type"), ruleDefaultAction, Err(KeyRequired, dp.Key("type").Param()), "")
		return false
	}
	if !s.enum(typ, defaultActionTypes, dp.Key("type"), ruleDefaultAction) {
		return false
	}
	if _, hasTitle, ok := s.optTextField(b.field(btnTitle), dp, ruleDefaultTitle); !ok {
		return false
	} else if hasTitle {
		s.warn(dp.Key("title"), ruleDefaultTitle, "a default_action takes no title")
	}
	return s.webURL(&b, dp)
}

// phoneNumber reports "+" followed by digits, the call button's format.
func phoneNumber(s string) bool {
	if len(s) < 2 || s[0] != '+' {
		return false
	}
	for i := 1; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
