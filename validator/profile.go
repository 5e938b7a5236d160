package validator

import (
	"net"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The Messenger Profile API's rules (PLATFORM.md §4). The checks read a
// decoded body (JSON, or form values already parsed as JSON), normalise the
// lenient forms of D22 in place and return the fields to store.

const srcProfile = "MP/reference/messenger-profile-api"

// Documented Messenger Profile limits (PLATFORM.md §4).
var (
	ruleProfileRequires    = Rule{Name: "profile.requires-a-field", Source: srcProfile}
	ruleProfileUnknown     = Rule{Name: "profile.unknown-parameter", Source: "note §1.3"}
	ruleProfileShape       = Rule{Name: "profile.shape", Source: srcProfile}
	ruleProfileLegacy      = Rule{Name: "profile.legacy-field", Source: "decision D13"}
	ruleProfileFields      = Rule{Name: "profile.fields", Source: srcProfile}
	ruleProfileExtraKey    = Rule{Name: "profile.unknown-key", Source: srcProfile}
	ruleGetStartedPayload  = Rule{Name: "get_started.payload.length", Limit: 1000, Source: srcProfile}
	ruleMenuGetStarted     = Rule{Name: "persistent_menu.needs-get_started", Source: "MP/error-codes 2018145"}
	ruleMenuDefault        = Rule{Name: "persistent_menu.default-locale", Source: "MP/send-messages/persistent-menu"}
	ruleMenuKeys           = Rule{Name: "persistent_menu.keys", Source: "decision D19"}
	ruleMenuLocale         = Rule{Name: "persistent_menu.locale", Source: "MP/send-messages/persistent-menu"}
	ruleMenuComposer       = Rule{Name: "persistent_menu.composer_input_disabled", Source: "MP/send-messages/persistent-menu"}
	ruleMenuSurfaces       = Rule{Name: "persistent_menu.disabled_surfaces", Source: "MP/reference/messenger-profile-api (decision D24)"}
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
	menuEntryKeys   = set("locale", "composer_input_disabled", "disabled_surfaces", "call_to_actions")
	// menuSurfaces are the surfaces a menu can be hidden on (D24).
	menuSurfaces = []string{"CUSTOMER_CHAT_PLUGIN"}
	// menuItemKeys are the keys of a menu item, by type: a web_url or a
	// postback button's (button.go), as the Send API takes them (D19).
	menuItemKeys     = map[string]map[string]bool{"web_url": set(webURLKeys...), "postback": set("type", "title", "payload")}
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

// ProfilePage is what the Messenger Profile checks need of the Page.
type ProfilePage struct {
	// GetStarted says whether the Page has a Get Started button stored (a
	// persistent menu needs one, stored or in the same request).
	GetStarted bool
	// WhitelistedDomain says whether host is in the Page's stored
	// whitelisted_domains: a menu item with messenger_extensions needs
	// HTTPS on one, stored or in the same request.
	// nil: not checked (an offline check).
	WhitelistedDomain func(host string) bool
}

// MessengerProfile judges a POST /{page}/messenger_profile body.
func (v *Validator) MessengerProfile(body map[string]any, page ProfilePage) ProfileCheck {
	r := &report{}
	out := ProfileCheck{Fields: map[string]any{}}
	for _, k := range sortedKeys(body) {
		if !profileFieldSet[k] && !graphCallParams[k] {
			r.unknownParam(k, ruleProfileUnknown)
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
		switch domains, set := present["whitelisted_domains"]; {
		case set: // the request's list replaces the stored one
			here := domainHosts(domains)
			r.extensionDomain = func(host string) bool { return here[DomainKey(host)] }
		case page.WhitelistedDomain != nil:
			r.extensionDomain = page.WhitelistedDomain
		}
		r.persistentMenu(val, Root("persistent_menu"), page.GetStarted || gsHere)
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
func (v *Validator) UserSettings(body map[string]any, page ProfilePage) (Result, string) {
	r := &report{extensionDomain: page.WhitelistedDomain}
	for _, k := range sortedKeys(body) {
		if !userSettingsKeys[k] && !graphCallParams[k] {
			r.unknownParam(k, ruleProfileUnknown)
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
	r.persistentMenu(menu, Root("persistent_menu"), page.GetStarted)
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
		if _, isString := d.(string); !isString {
			list[i] = s
			r.rewrote = true
		}
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
		r.drop(obj, k) // not stored, so never answered back
		r.warn(p.Key(k), ruleProfileExtraKey, "undocumented key "+k+"; dropped")
	}
}

// HTTPSDomain reports whether s is an HTTPS URL of a fully qualified
// domain name: not an IP address, not localhost.
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
		if l == "" || utf8.RuneCountInString(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for _, c := range l {
			// A name in its own script (bücher.de) is a domain too (IDNA).
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' ||
				c >= 0x80 && (unicode.IsLetter(c) || unicode.IsDigit(c) || unicode.IsMark(c))) {
				return false
			}
		}
	}
	return true
}

// domainHosts are the hosts of a whitelisted_domains value, as DomainKey
// writes them.
func domainHosts(v any) map[string]bool {
	list, _ := asArray(v)
	hosts := make(map[string]bool, len(list))
	for _, d := range list {
		s, _ := asString(d)
		if u, err := url.Parse(s); err == nil && u.Host != "" {
			hosts[DomainKey(u.Hostname())] = true
		}
	}
	return hosts
}

// profileAbsoluteURL reports an absolute http or https URL with a host.
func profileAbsoluteURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}
