package validator

import "strings"

// The localised Messenger Profile lists (PLATFORM.md §4): greeting, ice
// breakers in either form, and commands.

func (r *report) greeting(v any) {
	p := Root("greeting")
	entries, ok := asArray(v)
	if !ok {
		r.fail(p, ruleProfileShape, Err(KeyInvalid), "greeting is a list of {locale, text}")
		return
	}
	r.localeEntries(entries, p, "a greeting is an object {locale, text}", ruleGreetingLocale, ruleGreetingDefault,
		func(obj map[string]any, ep Path) bool {
			r.profileExtraKeys(obj, set("locale", "text"), ep)
			return true
		},
		func(obj map[string]any, ep Path) bool {
			_, ok := r.profileString(obj, "text", ep, ruleGreetingText, ruleGreetingText.Limit)
			return ok
		})
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
		_, isNew := r.optional(obj, "call_to_actions", p.Index(i), true) // null or "" is absent (D22): the old form
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
	r.localeEntries(entries, p, "an ice breaker is an object", ruleIceBreakersDefault, ruleIceBreakersDefault,
		func(obj map[string]any, ep Path) bool {
			r.profileExtraKeys(obj, set("locale", "call_to_actions"), ep)
			return true
		},
		func(obj map[string]any, ep Path) bool {
			qs, ok := asArray(obj["call_to_actions"])
			if !ok {
				r.fail(ep.Key("call_to_actions"), ruleProfileShape, Err(KeyInvalid), "call_to_actions is a list of {question, payload}")
				return false
			}
			return r.iceBreakerQuestions(qs, ep.Key("call_to_actions"))
		})
}

// localeEntries walks a localised list (greeting, persistent_menu, ice
// breakers): every entry an object with a locale, one of them "default"
// (PLATFORM.md §4). keys checks an entry's keys before its locale is read,
// rest the remainder; either stops the walk by answering false.
func (r *report) localeEntries(entries []any, p Path, notObject string, localeRule, defaultRule Rule, keys, rest func(obj map[string]any, ep Path) bool) {
	hasDefault := false
	for i, e := range entries {
		ep := p.Index(i)
		obj, ok := asObject(e)
		if !ok {
			r.fail(ep, ruleProfileShape, Err(KeyInvalid), notObject)
			return
		}
		if !keys(obj, ep) {
			return
		}
		locale, ok := r.profileString(obj, "locale", ep, localeRule, 0)
		if !ok {
			return
		}
		hasDefault = hasDefault || locale == "default"
		if !rest(obj, ep) {
			return
		}
	}
	if !hasDefault {
		r.fail(p, defaultRule, Err(KeyInvalid), p.JSON()+" needs an entry with locale \"default\"")
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
