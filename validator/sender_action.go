package validator

// Sender actions (PLATFORM.md §2.3): typing, mark_seen, react and unreact,
// sent alone.

func (s *sendChecker) senderAction(body map[string]any, raw any, u UserInfo, out *SendCheck) {
	p := Root("sender_action")
	// A non-string is E string, as for any text parameter (PLATFORM.md §1.3).
	action, _, ok := s.strOf(body, "sender_action", raw, Path{}, ruleSenderAction)
	if !ok {
		return
	}
	if !contains(senderActions, action) {
		s.fail(p, ruleSenderAction, EnumError("sender_action", senderActions, action), "")
		return
	}
	out.SenderAction = action
	ignored := []string{"messaging_type", "tag", "notification_type", "reply_to"}
	if action != "typing_on" && action != "typing_off" {
		ignored = append(ignored, "persona_id")
	}
	if action != "react" && action != "unreact" {
		ignored = append(ignored, "payload")
	}
	for _, k := range ignored {
		if _, ok := body[k]; ok {
			// Ignored params are dropped, so nothing checks them further.
			s.drop(body, k)
			s.warn(Root(k), ruleSenderActionAlone, "a "+action+" sender action is sent alone; "+k+" is ignored")
		}
	}
	if !s.persona(lookup(body, "persona_id")) { // read anew: the loop above may have dropped it
		return
	}
	if action == "react" || action == "unreact" {
		if !s.reaction(body, action, out) {
			return
		}
	}
	if !u.LastInteraction.IsZero() && s.now.Before(u.LastInteraction.Add(StandardWindow)) {
		return
	}
	s.warn(p, ruleActionWindow, "sender action outside the 24-hour window")
}

func (s *sendChecker) reaction(body map[string]any, action string, out *SendCheck) bool {
	p := Root("payload")
	raw, ok := s.optional(body, "payload", Path{}, true)
	if !ok {
		s.fail(p.Key("message_id"), ruleReactPayload, Err(KeyRequired, p.Key("message_id").Param()), "")
		return false
	}
	pl, ok := asObject(raw)
	if !ok {
		s.fail(p, ruleReactPayload, Err(KeyInvalid), "payload must be an object")
		return false
	}
	mid, present, ok := s.str(pl, "message_id", p, ruleReactPayload)
	if !ok {
		return false
	}
	if !present || mid == "" {
		s.fail(p.Key("message_id"), ruleReactPayload, Err(KeyRequired, p.Key("message_id").Param()), "")
		return false
	}
	if thread := s.thread; thread != "" && !s.st.ThreadMessage(thread, mid) {
		s.fail(p.Key("message_id"), ruleReactPayload, Err(KeyInvalid), "message_id is not a message of this thread")
		return false
	}
	if action == "unreact" {
		_, _, ok := s.optText(pl, "reaction", p, ruleReactPayload)
		return ok
	}
	emoji, present, ok := s.str(pl, "reaction", p, ruleReactPayload)
	if !ok {
		return false
	}
	if !present || emoji == "" {
		s.fail(p.Key("reaction"), ruleReactPayload, Err(KeyRequired, p.Key("reaction").Param()), "")
		return false
	}
	if !singleEmoji(emoji) {
		s.warn(p.Key("reaction"), ruleReactEmoji, "reaction is not a single emoji")
	}
	return true
}

// singleEmoji is a loose test of one emoji: a flag (two regional
// indicators), a keycap (0-9, # or *, an optional U+FE0F, U+20E3), or
// emoji joined by U+200D, each with its variation selectors, skin-tone
// modifiers and tag characters.
func singleEmoji(s string) bool {
	rs := []rune(s)
	switch {
	case len(rs) == 0:
		return false
	case regionalIndicator(rs[0]):
		return len(rs) == 2 && regionalIndicator(rs[1])
	case rs[0] >= '0' && rs[0] <= '9' || rs[0] == '#' || rs[0] == '*':
		rest := rs[1:]
		if len(rest) > 0 && rest[0] == 0xFE0F {
			rest = rest[1:]
		}
		return len(rest) == 1 && rest[0] == 0x20E3
	}
	for i := 0; ; i++ {
		if i >= len(rs) || !emojiBase(rs[i]) {
			return false
		}
		for i+1 < len(rs) && emojiTrailer(rs[i+1]) {
			i++
		}
		if i+1 == len(rs) {
			return true
		}
		if i++; rs[i] != 0x200D {
			return false
		}
	}
}

func regionalIndicator(r rune) bool { return r >= 0x1F1E6 && r <= 0x1F1FF }

// emojiTrailer: what follows an emoji within it (a variation selector, a
// skin-tone modifier, a tag character).
func emojiTrailer(r rune) bool {
	return r == 0xFE0F || r >= 0x1F3FB && r <= 0x1F3FF || r >= 0xE0020 && r <= 0xE007F
}

// emojiBase: the blocks emoji come from, less what only follows or pairs.
func emojiBase(r rune) bool {
	switch {
	case regionalIndicator(r), emojiTrailer(r):
		return false
	case r >= 0x2190 && r <= 0x2BFF, r >= 0x1F000 && r <= 0x1FAFF:
		return true
	}
	switch r {
	case 0x00A9, 0x00AE, 0x203C, 0x2049, 0x2122, 0x2139, 0x3030, 0x303D:
		return true
	}
	return false
}
