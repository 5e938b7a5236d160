package validator

import "time"

// The 24-hour window and the message tags (PLATFORM.md §2.2), on the
// virtual clock (D11).

// window applies the 24-hour window and the message tags (PLATFORM.md §2.2).
func (s *sendChecker) window(out *SendCheck, u UserInfo, msg map[string]any) bool {
	p := Root("tag")
	switch out.MessagingType {
	case "UTILITY":
		return true
	case "RESPONSE", "UPDATE":
		return s.within(u.LastInteraction, StandardWindow, ruleWindow)
	}
	allowed := tagsBeforeCutoff
	if !s.now.Before(TagCutoff) {
		allowed = tagsAfterCutoff
	}
	if !contains(allowed, out.Tag) {
		s.fail(p, ruleTagEnum, EnumError("tag", allowed, out.Tag), "not a current message tag")
		return false
	}
	switch out.Tag {
	case "HUMAN_AGENT":
		if !s.st.Page().HumanAgent {
			s.fail(p, ruleWindow7d, Err(KeyOutsideWindow), "HUMAN_AGENT and CUSTOMER_FEEDBACK reach a user up to 7 days after their last message; HUMAN_AGENT also needs the Human Agent permission, which the control API took from this app (human_agent false)")
			return false
		}
		return s.within(u.LastMessage, HumanAgentSpan, ruleWindow7d)
	case "CUSTOMER_FEEDBACK":
		if !isTemplate(msg, "customer_feedback") {
			s.fail(p, ruleTagFeedback, Err(KeyInvalid), "CUSTOMER_FEEDBACK serves only the customer feedback template")
			return false
		}
		return s.within(u.LastMessage, HumanAgentSpan, ruleWindow7d)
	case "NON_PROMOTIONAL_SUBSCRIPTION":
		if !s.st.Page().News {
			s.fail(p, ruleTagNews, Err(KeyNewsOnly), "only News Pages may use NON_PROMOTIONAL_SUBSCRIPTION")
			return false
		}
	}
	return true
}

// within checks now < last + span on the virtual clock.
func (s *sendChecker) within(last time.Time, span time.Duration, rule Rule) bool {
	if !last.IsZero() && s.now.Before(last.Add(span)) {
		return true
	}
	detail := "the user has never written"
	if !last.IsZero() {
		detail = "last user interaction " + s.now.Sub(last).Round(time.Minute).String() + " ago"
	}
	s.fail(Root("messaging_type"), rule, Err(KeyOutsideWindow), detail)
	return false
}
