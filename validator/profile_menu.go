package validator

// The persistent menu (PLATFORM.md §4), for the Page and for one user
// (custom_user_settings): locale entries with a default, at most 20 web_url
// or postback items, unknown keys refused (D19).

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
	r.localeEntries(entries, p, "a persistent_menu entry is an object", ruleMenuLocale, ruleMenuDefault,
		func(obj map[string]any, ep Path) bool { return r.checkKeys(obj, menuEntryKeys, ep, ruleMenuKeys) },
		func(obj map[string]any, ep Path) bool { return r.menuEntry(obj, ep) })
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
	r.rewrite(obj, "composer_input_disabled", disabled)
	if !r.disabledSurfaces(obj, ep) {
		return false
	}
	cv, ok := r.optional(obj, "call_to_actions", ep, true)
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
	if !r.checkKeys(obj, menuItemKeys[typ], p, ruleMenuKeys) {
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
	ext := false
	if ev, ok := r.optional(obj, "messenger_extensions", p, true); ok {
		b, ok := asBool(ev)
		if !ok {
			r.fail(p.Key("messenger_extensions"), ruleExtensionsBool, Err(KeyInvalid), "expected a boolean")
			return false
		}
		r.rewrite(obj, "messenger_extensions", b)
		ext = b
	}
	// As on a web_url button (PLATFORM.md §2.6).
	if ext && r.extensionDomain != nil {
		if pu, ok := httpURL(u); !ok || !pu.https || !r.extensionDomain(pu.host) { // as webURL judges a button's
			r.fail(p.Key("url"), ruleExtensions, Err(KeyExtDomain), "messenger_extensions needs HTTPS on a whitelisted domain")
			return false
		}
	}
	for _, k := range []string{"fallback_url", "webview_share_button"} {
		if _, ok := r.optional(obj, k, p, true); ok {
			rule := ruleMenuItemURL
			if k == "webview_share_button" {
				rule = ruleShareButton
			}
			v, _, ok := r.str(obj, k, p, rule)
			if !ok {
				return false
			}
			if k == "webview_share_button" && !contains(shareButtonValues, v) {
				r.warn(p.Key(k), ruleShareButton, "webview_share_button takes only hide, which hides the webview's share button; another value leaves it shown")
			}
			if k == "fallback_url" && !ext {
				r.warn(p.Key(k), ruleFallbackURL, "fallback_url is used only with messenger_extensions")
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

// disabledSurfaces checks an entry's optional disabled_surfaces, a list of
// the surfaces the menu is hidden on; only the chat plugin is documented
// (PLATFORM.md D24).
func (r *report) disabledSurfaces(obj map[string]any, ep Path) bool {
	v, ok := r.optional(obj, "disabled_surfaces", ep, true)
	if !ok {
		return true
	}
	sp := ep.Key("disabled_surfaces")
	list, ok := asArray(v)
	if !ok {
		r.fail(sp, ruleMenuSurfaces, Err(KeyInvalid), `disabled_surfaces is a list such as ["CUSTOMER_CHAT_PLUGIN"]`)
		return false
	}
	for i, it := range list {
		s, _ := asString(it)
		if !contains(menuSurfaces, s) {
			ip := sp.Index(i)
			r.fail(ip, ruleMenuSurfaces, EnumError(ip.Param(), menuSurfaces, s), "the only documented surface is CUSTOMER_CHAT_PLUGIN")
			return false
		}
	}
	return true
}
