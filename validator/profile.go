package validator

import (
	"net"
	"net/url"
	"strings"
)

// The Messenger Profile API's rules (PLATFORM.md §4). The checks read a
// decoded body (JSON, or form values already parsed as JSON), normalise the
// lenient forms of D22 in place and return the fields to store.

const srcProfile = "MP/reference/messenger-profile-api"

// Documented Messenger Profile limits (PLATFORM.md §4).
var (
	ruleProfileRequires    = Rule{Name: "profile.requires-a-field", Source: srcProfile}
	ruleProfileUnknown     = Rule{Name: "profile.unknown-parameter", Source: "PLATFORM.md §1.3"}
	ruleProfileShape       = Rule{Name: "profile.shape", Source: srcProfile}
	ruleProfileLegacy      = Rule{Name: "profile.legacy-field", Source: "PLATFORM.md D13"}
	ruleProfileFields      = Rule{Name: "profile.fields", Source: srcProfile}
	ruleProfileExtraKey    = Rule{Name: "profile.unknown-key", Source: srcProfile}
	ruleGetStartedPayload  = Rule{Name: "get_started.payload.length", Limit: 1000, Source: srcProfile}
	ruleMenuGetStarted     = Rule{Name: "persistent_menu.needs-get_started", Source: "MP/error-codes 2018145"}
	ruleMenuDefault        = Rule{Name: "persistent_menu.default-locale", Source: "MP/send-messages/persistent-menu"}
	ruleMenuKeys           = Rule{Name: "persistent_menu.keys", Source: "PLATFORM.md D19"}
	ruleMenuLocale         = Rule{Name: "persistent_menu.locale", Source: "MP/send-messages/persistent-menu"}
	ruleMenuComposer       = Rule{Name: "persistent_menu.composer_input_disabled", Source: "MP/send-messages/persistent-menu"}
	ruleMenuItems          = Rule{Name: "persistent_menu.call_to_actions.count", Limit: 20, Source: "MP/send-messages/persistent-menu"}
	ruleMenuItemsRequired  = Rule{Name: "persistent_menu.call_to_actions.required", Source: "MP/send-messages/persistent-menu"}
	ruleMenuItemType       = Rule{Name: "persistent_menu.call_to_actions.type", Source: "MP/send-messages/persistent-menu (nested removed in v8.0)"}
	ruleMenuItemTitle      = Rule{Name: "persistent_menu.call_to_actions.title.length", Limit: 30, Source: "MP/send-messages/persistent-menu"}
	ruleMenuItemPayload    = Rule{Name: "persistent_menu.call_to_actions.payload.length", Limit: 1000, Source: "MP/send-messages/persistent-menu"}
	ruleMenuItemURL        = Rule{Name: "persistent_menu.call_to_actions.url", Source: "MP/send-messages/persistent-menu"}
	ruleMenuItemHeight     = Rule{Name: "persistent_menu.call_to_actions.webview_height_ratio", Source: "MP/send-messages/buttons"}
	ruleGreetingDefault    = Rule{Name: "greeting.default-locale", Source: srcProfile}
	ruleGreetingText       = Rule{Name: "greeting.text.length", Limit: 160, Source: srcProfile}
	ruleGreetingLocale     = Rule{Name: "greeting.locale", Source: srcProfile}
	ruleDomainsCount       = Rule{Name: "whitelisted_domains.count", Limit: 50, Source: "MP/reference/messenger-profile-api/domain-whitelisting"}
	ruleDomainsURL         = Rule{Name: "whitelisted_domains.https-fqdn", Source: "MP/reference/messenger-profile-api/domain-whitelisting"}
	ruleIceBreakersForms   = Rule{Name: "ice_breakers.one-form", Source: "MP/reference/messenger-profile-api/ice-breakers"}
	ruleIceBreakersCount   = Rule{Name: "ice_breakers.count", Limit: 4, Source: "MP/reference/messenger-profile-api/ice-breakers"}
	ruleIceBreakersDefault = Rule{Name: "ice_breakers.default-locale", Source: "MP/reference/messenger-profile-api/ice-breakers"}
	ruleIceBreakerField    = Rule{Name: "ice_breakers.question-payload", Source: "MP/reference/messenger-profile-api/ice-breakers"}
	ruleCommandsCount      = Rule{Name: "commands.count", Limit: 100, Source: "MP/reference/messenger-profile-api/commands"}
	ruleCommandsLocale     = Rule{Name: "commands.locale", Source: "MP/reference/messenger-profile-api/commands"}
	ruleCommandName        = Rule{Name: "commands.name.length", Limit: 32, Source: "MP/reference/messenger-profile-api/commands"}
	ruleCommandSlash       = Rule{Name: "commands.name.no-slash", Source: "MP/reference/messenger-profile-api/commands"}
	ruleCommandDescription = Rule{Name: "commands.description.length", Limit: 64, Source: "MP/reference/messenger-profile-api/commands"}
	ruleAccountLinkingURL  = Rule{Name: "account_linking_url.https", Source: srcProfile}
	ruleUserMenuPSID       = Rule{Name: "custom_user_settings.psid", Source: "MP/send-messages/persistent-menu"}
	ruleUserMenuParams     = Rule{Name: "custom_user_settings.params", Source: "MP/send-messages/persistent-menu"}
)

// ProfileFields are the Messenger Profile fields, in the order the
// platform lists them in its "Requires one of the params" text.
var ProfileFields = []string{"get_started", "persistent_menu", "target_audience", "whitelisted_domains",
	"greeting", "account_linking_url", "payment_settings", "home_url", "ice_breakers", "commands"}

// LegacyProfileFields are stored and returned with a warning (D13).
var LegacyProfileFields = []string{"payment_settings", "target_audience", "home_url"}

var (
	profileFieldSet = set(ProfileFields...)
	legacyFieldSet  = set(LegacyProfileFields...)
	// Parameters every Graph call may carry.
	graphCallParams = set("access_token", "appsecret_proof")
	menuEntryKeys   = set("locale", "composer_input_disabled", "call_to_actions")
	menuItemKeys    = set("type", "title", "payload", "url", "webview_height_ratio", "messenger_extensions",
		"fallback_url", "webview_share_button")
	menuItemTypes    = []string{"web_url", "postback"}
	webviewRatios    = []string{"compact", "tall", "full"}
	userMenuDelete   = []string{"persistent_menu"}
	userSettingsKeys = set("psid", "persistent_menu")
)

// ProfileCheck is the verdict on a Messenger Profile POST and, when it is
// accepted, the fields to store, normalised.
type ProfileCheck struct {
	Result
	Fields map[string]any
}

// MessengerProfile judges a POST /{page}/messenger_profile body.
// getStartedStored says whether the Page already has a Get Started button
// (a persistent menu needs one, stored or in the same request).
func (v *Validator) MessengerProfile(body map[string]any, getStartedStored bool) ProfileCheck {
	r := &report{}
	out := ProfileCheck{Fields: map[string]any{}}
	for _, k := range sortedKeys(body) {
		if !profileFieldSet[k] && !graphCallParams[k] {
			r.warn(Root(k), ruleProfileUnknown, "unknown parameter "+k+" is ignored")
		}
	}
	present := map[string]any{}
	for _, k := range ProfileFields {
		if val, ok := r.optional(body, k, Path{}, true); ok {
			present[k] = val
		}
	}
	if len(present) == 0 {
		r.fail(Path{}, ruleProfileRequires, Err(KeyProfileRequires), "no Messenger Profile field in the request")
		out.Violations = r.out
		return out
	}
	// The table's order: the first error wins.
	if val, ok := present["get_started"]; ok {
		r.getStarted(val)
	}
	if val, ok := present["persistent_menu"]; ok {
		_, gsHere := present["get_started"]
		r.persistentMenu(val, Root("persistent_menu"), getStartedStored || gsHere)
	}
	if val, ok := present["greeting"]; ok {
		r.greeting(val)
	}
	if val, ok := present["ice_breakers"]; ok {
		r.iceBreakers(val)
	}
	if val, ok := present["whitelisted_domains"]; ok {
		r.whitelistedDomains(val)
	}
	if val, ok := present["account_linking_url"]; ok {
		r.accountLinkingURL(val)
	}
	if val, ok := present["commands"]; ok {
		r.commands(val)
	}
	for _, k := range LegacyProfileFields {
		if _, ok := present[k]; ok {
			r.warn(Root(k), ruleProfileLegacy, k+" is a legacy field: stored and returned, not acted on")
		}
	}
	v.backstop("MessengerProfileRequest", body, r)
	out.Violations = r.out
	if !r.failed() {
		for k := range present {
			out.Fields[k] = body[k] // normalised in place
		}
	}
	return out
}

// UserSettings judges a POST /{page}/custom_user_settings body: a psid and
// a persistent menu under the Page-level rules. It returns the psid it
// found; whether that user exists is the caller's question.
func (v *Validator) UserSettings(body map[string]any, getStartedStored bool) (Result, string) {
	r := &report{}
	for _, k := range sortedKeys(body) {
		if !userSettingsKeys[k] && !graphCallParams[k] {
			r.warn(Root(k), ruleProfileUnknown, "unknown parameter "+k+" is ignored")
		}
	}
	psid, ok := r.profileString(body, "psid", Path{}, ruleUserMenuPSID, 0)
	if !ok {
		return Result{Violations: r.out}, ""
	}
	menu, present := r.optional(body, "persistent_menu", Path{}, true)
	if !present {
		r.fail(Root("persistent_menu"), ruleUserMenuParams, Err(KeyRequired, "persistent_menu"), "custom_user_settings sets persistent_menu")
		return Result{Violations: r.out}, psid
	}
	r.persistentMenu(menu, Root("persistent_menu"), getStartedStored)
	v.backstop("CustomUserSettingsRequest", body, r)
	return Result{Violations: r.out}, psid
}

// backstop checks a body the rules accepted against its openapi.yaml
// schema, which must never refuse what the platform accepts.
func (v *Validator) backstop(schema string, body map[string]any, r *report) {
	if r.failed() || v.schemas == nil || !v.schemas.Has(schema) {
		return
	}
	if err := v.schemas.CheckBody(schema, body); err != nil {
		r.fail(Root(err.Path), ruleSchema, Err(KeyInvalid), err.Reason)
	}
}

// FieldList reads a list parameter such as `fields`: a comma-separated
// text, a JSON array, or PHP-style fields[0]=… items gathered by the
// caller. It reports nil when the value is absent or empty.
func FieldList(v any) []string {
	var out []string
	add := func(s string) {
		for _, f := range strings.Split(s, ",") {
			if f = strings.TrimSpace(f); f != "" {
				out = append(out, f)
			}
		}
	}
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			if s, ok := asString(e); ok {
				add(s)
			}
		}
	default:
		if s, ok := asString(x); ok {
			add(s)
		}
	}
	return out
}

// ProfileFieldsParam judges the `fields` of a Messenger Profile GET or
// DELETE: required, each one of ProfileFields.
func ProfileFieldsParam(fields []string) Result {
	r := &report{}
	if len(fields) == 0 {
		r.fail(Root("fields"), ruleProfileFields, Err(KeyRequired, "fields"), "fields names the profile fields to read or delete")
		return Result{Violations: r.out}
	}
	for i, f := range fields {
		if !profileFieldSet[f] {
			p := Root("fields").Index(i)
			r.fail(p, ruleProfileFields, EnumError(p.Param(), ProfileFields, f), "not a Messenger Profile field")
			break
		}
	}
	return Result{Violations: r.out}
}

// UserSettingsDeleteParams judges the `params` of a custom_user_settings
// DELETE: required, and only persistent_menu.
func UserSettingsDeleteParams(params []string) Result {
	r := &report{}
	if len(params) == 0 {
		r.fail(Root("params"), ruleUserMenuParams, Err(KeyRequired, "params"), "params names the settings to delete")
		return Result{Violations: r.out}
	}
	for i, f := range params {
		if f != "persistent_menu" {
			p := Root("params").Index(i)
			r.fail(p, ruleUserMenuParams, EnumError(p.Param(), userMenuDelete, f), "only persistent_menu is a user setting")
			break
		}
	}
	return Result{Violations: r.out}
}

func (r *report) getStarted(v any) {
	p := Root("get_started")
	obj, ok := asObject(v)
	if !ok {
		r.fail(p, ruleProfileShape, Err(KeyInvalid), "get_started is an object {payload}")
		return
	}
	r.profileExtraKeys(obj, set("payload"), p)
	r.profileString(obj, "payload", p, ruleGetStartedPayload, ruleGetStartedPayload.Limit)
}

// persistentMenu checks a menu: a list of locale entries with a default.
func (r *report) persistentMenu(v any, p Path, getStarted bool) {
	if !getStarted {
		r.fail(p, ruleMenuGetStarted, Err(KeyGetStartedFirst), "set get_started before (or with) persistent_menu")
		return
	}
	entries, ok := asArray(v)
	if !ok {
		r.fail(p, ruleProfileShape, Err(KeyInvalid), "persistent_menu is a list of {locale, composer_input_disabled, call_to_actions}")
		return
	}
	hasDefault := false
	for i, e := range entries {
		ep := p.Index(i)
		obj, ok := asObject(e)
		if !ok {
			r.fail(ep, ruleProfileShape, Err(KeyInvalid), "a persistent_menu entry is an object")
			return
		}
		if !r.checkKeys(obj, menuEntryKeys, ep, ruleMenuKeys) {
			return
		}
		locale, ok := r.profileString(obj, "locale", ep, ruleMenuLocale, 0)
		if !ok {
			return
		}
		hasDefault = hasDefault || locale == "default"
		if !r.menuEntry(obj, ep) {
			return
		}
	}
	if !hasDefault {
		r.fail(p, ruleMenuDefault, Err(KeyInvalid), "persistent_menu needs an entry with locale \"default\"")
	}
}

func (r *report) menuEntry(obj map[string]any, ep Path) bool {
	disabled := false
	if cv, ok := r.optional(obj, "composer_input_disabled", ep, true); ok {
		b, ok := asBool(cv)
		if !ok {
			r.fail(ep.Key("composer_input_disabled"), ruleMenuComposer, Err(KeyInvalid), "composer_input_disabled is a boolean")
			return false
		}
		disabled = b
	}
	obj["composer_input_disabled"] = disabled
	cv, ok := r.optional(obj, "call_to_actions", ep, false)
	if !ok {
		if disabled {
			r.fail(ep.Key("call_to_actions"), ruleMenuItemsRequired, Err(KeyRequired, ep.Key("call_to_actions").Param()), "a menu with the composer disabled needs call_to_actions")
			return false
		}
		return true
	}
	cp := ep.Key("call_to_actions")
	items, ok := asArray(cv)
	if !ok {
		r.fail(cp, ruleProfileShape, Err(KeyInvalid), "call_to_actions is a list")
		return false
	}
	if len(items) > ruleMenuItems.Limit {
		r.fail(cp, ruleMenuItems, Err(KeyTooMany, cp.Param()), "at most 20 menu items")
		return false
	}
	for i, it := range items {
		if !r.menuItem(it, cp.Index(i)) {
			return false
		}
	}
	return true
}

func (r *report) menuItem(v any, p Path) bool {
	obj, ok := asObject(v)
	if !ok {
		r.fail(p, ruleProfileShape, Err(KeyInvalid), "a menu item is an object")
		return false
	}
	typ, ok := r.profileString(obj, "type", p, ruleMenuItemType, 0)
	if !ok {
		return false
	}
	if typ != "web_url" && typ != "postback" {
		r.fail(p.Key("type"), ruleMenuItemType, EnumError(p.Key("type").Param(), menuItemTypes, typ), "menu items are web_url or postback")
		return false
	}
	if !r.checkKeys(obj, menuItemKeys, p, ruleMenuKeys) {
		return false
	}
	if _, ok := r.profileString(obj, "title", p, ruleMenuItemTitle, ruleMenuItemTitle.Limit); !ok {
		return false
	}
	if typ == "postback" {
		_, ok := r.profileString(obj, "payload", p, ruleMenuItemPayload, ruleMenuItemPayload.Limit)
		return ok
	}
	u, ok := r.profileString(obj, "url", p, ruleMenuItemURL, 0)
	if !ok {
		return false
	}
	if !profileAbsoluteURL(u) {
		r.fail(p.Key("url"), ruleMenuItemURL, Err(KeyURL, p.Key("url").Param()), "not an absolute http(s) URL")
		return false
	}
	if ev, ok := r.optional(obj, "messenger_extensions", p, true); ok {
		b, ok := asBool(ev)
		if !ok {
			r.fail(p.Key("messenger_extensions"), ruleMenuItemURL, Err(KeyInvalid), "messenger_extensions is a boolean")
			return false
		}
		obj["messenger_extensions"] = b
	}
	for _, k := range []string{"fallback_url", "webview_share_button"} {
		if _, ok := r.optional(obj, k, p, true); ok {
			if _, _, ok := r.str(obj, k, p, ruleMenuItemURL); !ok {
				return false
			}
		}
	}
	if hv, ok := r.optional(obj, "webview_height_ratio", p, true); ok {
		h, _ := asString(hv)
		if h != "compact" && h != "tall" && h != "full" {
			hp := p.Key("webview_height_ratio")
			r.fail(hp, ruleMenuItemHeight, EnumError(hp.Param(), webviewRatios, h), "compact, tall or full")
			return false
		}
	}
	return true
}

func (r *report) greeting(v any) {
	p := Root("greeting")
	entries, ok := asArray(v)
	if !ok {
		r.fail(p, ruleProfileShape, Err(KeyInvalid), "greeting is a list of {locale, text}")
		return
	}
	hasDefault := false
	for i, e := range entries {
		ep := p.Index(i)
		obj, ok := asObject(e)
		if !ok {
			r.fail(ep, ruleProfileShape, Err(KeyInvalid), "a greeting is an object {locale, text}")
			return
		}
		r.profileExtraKeys(obj, set("locale", "text"), ep)
		locale, ok := r.profileString(obj, "locale", ep, ruleGreetingLocale, 0)
		if !ok {
			return
		}
		hasDefault = hasDefault || locale == "default"
		if _, ok := r.profileString(obj, "text", ep, ruleGreetingText, ruleGreetingText.Limit); !ok {
			return
		}
	}
	if !hasDefault {
		r.fail(p, ruleGreetingDefault, Err(KeyInvalid), "greeting needs an entry with locale \"default\"")
	}
}

func (r *report) iceBreakers(v any) {
	p := Root("ice_breakers")
	entries, ok := asArray(v)
	if !ok {
		r.fail(p, ruleProfileShape, Err(KeyInvalid), "ice_breakers is a list")
		return
	}
	if len(entries) == 0 {
		return
	}
	newForm := false
	for i, e := range entries {
		obj, ok := asObject(e)
		if !ok {
			r.fail(p.Index(i), ruleProfileShape, Err(KeyInvalid), "an ice breaker is an object")
			return
		}
		_, isNew := obj["call_to_actions"]
		if i == 0 {
			newForm = isNew
		} else if isNew != newForm {
			r.fail(p, ruleIceBreakersForms, Err(KeyInvalid), "ice_breakers mixes the locale form and the old {question, payload} form")
			return
		}
	}
	if !newForm {
		r.iceBreakerQuestions(entries, p)
		return
	}
	hasDefault := false
	for i, e := range entries {
		obj, _ := asObject(e)
		ep := p.Index(i)
		r.profileExtraKeys(obj, set("locale", "call_to_actions"), ep)
		locale, ok := r.profileString(obj, "locale", ep, ruleIceBreakersDefault, 0)
		if !ok {
			return
		}
		hasDefault = hasDefault || locale == "default"
		qs, ok := asArray(obj["call_to_actions"])
		if !ok {
			r.fail(ep.Key("call_to_actions"), ruleProfileShape, Err(KeyInvalid), "call_to_actions is a list of {question, payload}")
			return
		}
		if !r.iceBreakerQuestions(qs, ep.Key("call_to_actions")) {
			return
		}
	}
	if !hasDefault {
		r.fail(p, ruleIceBreakersDefault, Err(KeyInvalid), "ice_breakers needs an entry with locale \"default\"")
	}
}

// iceBreakerQuestions checks up to 4 {question, payload}; the question's
// length is not enforced (D4).
func (r *report) iceBreakerQuestions(qs []any, p Path) bool {
	if len(qs) > ruleIceBreakersCount.Limit {
		r.fail(p, ruleIceBreakersCount, Err(KeyTooMany, p.Param()), "at most 4 ice breakers")
		return false
	}
	for i, q := range qs {
		qp := p.Index(i)
		obj, ok := asObject(q)
		if !ok {
			r.fail(qp, ruleProfileShape, Err(KeyInvalid), "an ice breaker is an object {question, payload}")
			return false
		}
		r.profileExtraKeys(obj, set("question", "payload"), qp)
		if _, ok := r.profileString(obj, "question", qp, ruleIceBreakerField, 0); !ok {
			return false
		}
		if _, ok := r.profileString(obj, "payload", qp, ruleIceBreakerField, 0); !ok {
			return false
		}
	}
	return true
}

func (r *report) whitelistedDomains(v any) {
	p := Root("whitelisted_domains")
	list, ok := asArray(v)
	if !ok {
		r.fail(p, ruleProfileShape, Err(KeyInvalid), "whitelisted_domains is a list of URLs")
		return
	}
	if len(list) > ruleDomainsCount.Limit {
		r.fail(p, ruleDomainsCount, Err(KeyTooMany, p.Param()), "at most 50 domains")
		return
	}
	for i, d := range list {
		s, ok := asString(d)
		if !ok || !HTTPSDomain(s) {
			r.fail(p.Index(i), ruleDomainsURL, Err(KeyURL, p.Index(i).Param()), "not an HTTPS URL of a fully qualified domain (no IP, no localhost)")
			return
		}
		list[i] = s
	}
}

func (r *report) accountLinkingURL(v any) {
	p := Root("account_linking_url")
	s, ok := asString(v)
	u, err := url.Parse(s)
	if !ok || err != nil || u.Scheme != "https" || u.Host == "" {
		r.fail(p, ruleAccountLinkingURL, Err(KeyURL, p.Param()), "not an absolute HTTPS URL")
	}
}

func (r *report) commands(v any) {
	p := Root("commands")
	entries, ok := asArray(v)
	if !ok {
		r.fail(p, ruleProfileShape, Err(KeyInvalid), "commands is a list of {locale, commands}")
		return
	}
	for i, e := range entries {
		ep := p.Index(i)
		obj, ok := asObject(e)
		if !ok {
			r.fail(ep, ruleProfileShape, Err(KeyInvalid), "a commands entry is an object {locale, commands}")
			return
		}
		r.profileExtraKeys(obj, set("locale", "commands"), ep)
		if _, ok := r.profileString(obj, "locale", ep, ruleCommandsLocale, 0); !ok {
			return
		}
		cp := ep.Key("commands")
		cv, present := obj["commands"]
		if !present {
			r.fail(cp, ruleCommandsCount, Err(KeyRequired, cp.Param()), "each locale lists 1 to 100 commands")
			return
		}
		cmds, ok := asArray(cv)
		switch {
		case !ok:
			r.fail(cp, ruleProfileShape, Err(KeyInvalid), "commands is a list of {name, description}")
			return
		case len(cmds) == 0:
			r.fail(cp, ruleCommandsCount, Err(KeyTooFew, cp.Param()), "at least 1 command")
			return
		case len(cmds) > ruleCommandsCount.Limit:
			r.fail(cp, ruleCommandsCount, Err(KeyTooMany, cp.Param()), "at most 100 commands")
			return
		}
		for j, c := range cmds {
			if !r.command(c, cp.Index(j)) {
				return
			}
		}
	}
}

func (r *report) command(v any, p Path) bool {
	obj, ok := asObject(v)
	if !ok {
		r.fail(p, ruleProfileShape, Err(KeyInvalid), "a command is an object {name, description}")
		return false
	}
	r.profileExtraKeys(obj, set("name", "description"), p)
	name, ok := r.profileString(obj, "name", p, ruleCommandName, ruleCommandName.Limit)
	if !ok {
		return false
	}
	if strings.HasPrefix(name, "/") {
		r.fail(p.Key("name"), ruleCommandSlash, Err(KeyInvalid), "a command name has no leading /")
		return false
	}
	_, ok = r.profileString(obj, "description", p, ruleCommandDescription, ruleCommandDescription.Limit)
	return ok
}

// profileString reads obj[key] as non-empty text of at most limit code
// points (0: no limit). Missing: E required; not text or "": E string; too
// long: E length.
func (r *report) profileString(obj map[string]any, key string, p Path, rule Rule, limit int) (string, bool) {
	kp := p.Key(key)
	v, present := obj[key]
	if !present || v == nil {
		r.fail(kp, rule, Err(KeyRequired, kp.Param()), key+" is required")
		return "", false
	}
	s, _, ok := r.str(obj, key, p, rule)
	if !ok {
		return "", false
	}
	if s == "" {
		r.fail(kp, rule, Err(KeyString, kp.Param()), key+" is empty")
		return "", false
	}
	if limit > 0 && runeLen(s) > limit {
		r.fail(kp, rule, Err(KeyLength, kp.Param(), limit), "longer than the limit")
		return "", false
	}
	return s, true
}

// profileExtraKeys warns about keys the documentation does not name, where the
// platform's answer to them is not documented.
func (r *report) profileExtraKeys(obj map[string]any, allowed map[string]bool, p Path) {
	for _, k := range unknownKeys(obj, allowed) {
		r.warn(p.Key(k), ruleProfileExtraKey, "undocumented key "+k)
	}
}

// HTTPSDomain reports whether s is an HTTPS URL of a fully qualified
// domain name: not an IP address, not localhost (PLATFORM.md §4).
func HTTPSDomain(s string) bool {
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "https" || u.User != nil {
		return false
	}
	host := u.Hostname()
	if host == "" || net.ParseIP(host) != nil || strings.EqualFold(host, "localhost") ||
		strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return false
	}
	labels := strings.Split(strings.TrimSuffix(host, "."), ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}

// profileAbsoluteURL reports an absolute http or https URL with a host.
func profileAbsoluteURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}
