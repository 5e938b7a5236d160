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
	if out.Recipient.PSID != "" && !s.st.ThreadMessage(out.Recipient.PSID, mid) {
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

// singleEmoji is a loose test: one grapheme-ish cluster made of emoji code
// points, variation selectors, joiners and skin-tone modifiers.
func singleEmoji(s string) bool {
	n := 0
	prevJoiner := true
	for _, r := range s {
		switch {
		case r == 0x200D:
			prevJoiner = true
			continue
		case r == 0xFE0F || (r >= 0x1F3FB && r <= 0x1F3FF) || (r >= 0xE0020 && r <= 0xE007F):
			continue
		case r >= 0x1F1E6 && r <= 0x1F1FF: // regional indicators come in pairs
			n++
			continue
		case r >= 0x2190 && r <= 0x2BFF, r >= 0x1F000 && r <= 0x1FAFF, r == 0x00A9, r == 0x00AE, r == 0x3030, r == 0x303D:
			if !prevJoiner {
				return false
			}
			prevJoiner = false
		default:
			return false
		}
	}
	return !prevJoiner || n == 2
}
