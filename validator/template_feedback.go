package validator

import (
	"math"
	"regexp"
	"strconv"
)

// The customer feedback template (PLATFORM.md §2.7).

var (
	ruleFeedbackTitle     = Rule{Name: "template.customer_feedback.title.length", Limit: 65, Source: "MP/send-messages/templates/customer-feedback-template"}
	ruleFeedbackSubtitle  = Rule{Name: "template.customer_feedback.subtitle.length", Limit: 80, Source: "MP/send-messages/templates/customer-feedback-template"}
	ruleFeedbackButton    = Rule{Name: "template.customer_feedback.button_title.length", Limit: 20, Source: "MP/send-messages/templates/customer-feedback-template"}
	ruleFeedbackNoURL     = Rule{Name: "template.customer_feedback.no-url", Source: "MP/send-messages/templates/customer-feedback-template"}
	ruleFeedbackScreens   = Rule{Name: "template.customer_feedback.feedback_screens.exactly-one", Limit: 1, Source: "MP/send-messages/templates/customer-feedback-template"}
	ruleFeedbackQuestions = Rule{Name: "template.customer_feedback.questions.exactly-one", Limit: 1, Source: "MP/send-messages/templates/customer-feedback-template"}
	ruleFeedbackObject    = Rule{Name: "template.customer_feedback.object", Source: "MP/send-messages/templates/customer-feedback-template"}
	ruleQuestionID        = Rule{Name: "template.customer_feedback.question.id", Limit: 80, Source: "MP/send-messages/templates/customer-feedback-template"}
	ruleQuestionType      = Rule{Name: "template.customer_feedback.question.type", Source: "MP/send-messages/templates/customer-feedback-template"}
	ruleQuestionTitleMin  = Rule{Name: "template.customer_feedback.question.title.min", Limit: 5, Source: "MP/send-messages/templates/customer-feedback-template"}
	ruleQuestionTitleMax  = Rule{Name: "template.customer_feedback.question.title.length", Limit: 85, Source: "MP/send-messages/templates/customer-feedback-template"}
	ruleScoreLabel        = Rule{Name: "template.customer_feedback.question.score_label", Source: "MP/send-messages/templates/customer-feedback-template"}
	ruleScoreOption       = Rule{Name: "template.customer_feedback.question.score_option", Source: "MP/send-messages/templates/customer-feedback-template"}
	ruleFollowUpType      = Rule{Name: "template.customer_feedback.follow_up.type", Source: "MP/send-messages/templates/customer-feedback-template"}
	ruleFollowUpHolder    = Rule{Name: "template.customer_feedback.follow_up.placeholder.length", Limit: 65, Source: "MP/send-messages/templates/customer-feedback-template"}
	rulePrivacyURL        = Rule{Name: "template.customer_feedback.business_privacy.url", Source: "MP/send-messages/templates/customer-feedback-template"}
	ruleExpiresMin        = Rule{Name: "template.customer_feedback.expires_in_days.min", Limit: 1, Source: "MP/send-messages/templates/customer-feedback-template"}
	ruleExpiresMax        = Rule{Name: "template.customer_feedback.expires_in_days.max", Limit: 7, Source: "MP/send-messages/templates/customer-feedback-template"}
	feedbackKeys          = set("template_type", "title", "subtitle", "button_title", "feedback_screens", "business_privacy", "expires_in_days")
	feedbackScreenKeys    = set("questions")
	feedbackQuestionKeys  = set("id", "type", "title", "score_label", "score_option", "follow_up")
	feedbackFollowUpKeys  = set("type", "placeholder")
	feedbackPrivacyKeys   = set("url")
	questionTypes         = []string{"csat", "nps", "ces", "free_form"}
	scoreLabels           = []string{"neg_pos", "hard_easy", "dis_sat", "unlike_like", "poor_great", "none"}
	scoreOptionsByType    = map[string][]string{"csat": {"five_stars", "one_to_five", "five_emojis"}, "nps": {"zero_to_ten"}, "ces": {"one_to_seven"}}
	questionIDPattern     = regexp.MustCompile(`^[A-Za-z0-9_]+$`) // at most ruleQuestionID.Limit
	urlInText             = regexp.MustCompile(`(?i)(https?://|www\.)\S`)
)

// feedbackExpiresDefault is the survey life when expires_in_days is absent.
const feedbackExpiresDefault = 1

func (s *sendChecker) feedbackTemplate(pl map[string]any, p Path) {
	if !s.checkKeys(pl, feedbackKeys, p, ruleTemplateKeys) {
		return
	}
	for _, f := range []struct {
		key  string
		rule Rule
	}{{"title", ruleFeedbackTitle}, {"subtitle", ruleFeedbackSubtitle}, {"button_title", ruleFeedbackButton}} {
		v, ok := s.requiredText(pl, f.key, p, f.rule)
		if !ok {
			return
		}
		if urlInText.MatchString(v) {
			s.fail(p.Key(f.key), ruleFeedbackNoURL, Err(KeyInvalid), f.key+" may not hold a URL")
			return
		}
	}
	screens, present, ok := s.optArray(pl, "feedback_screens", p, ruleFeedbackObject)
	if !ok {
		return
	}
	sp := p.Key("feedback_screens")
	if !present {
		s.fail(sp, ruleFeedbackScreens, Err(KeyRequired, sp.Param()), "")
		return
	}
	if !s.count(len(screens), sp, ruleFeedbackScreens, ruleFeedbackScreens) || !s.feedbackScreen(screens[0], sp.Index(0)) {
		return
	}
	bp, present, ok := s.optObject(pl, "business_privacy", p, ruleFeedbackObject)
	if !ok {
		return
	}
	if !present {
		s.fail(p.Key("business_privacy"), rulePrivacyURL, Err(KeyRequired, p.Key("business_privacy").Param()), "")
		return
	}
	pp := p.Key("business_privacy")
	if !s.checkKeys(bp, feedbackPrivacyKeys, pp, ruleTemplateKeys) {
		return
	}
	u, ok := s.requiredText(bp, "url", pp, rulePrivacyURL)
	if !ok {
		return
	}
	if _, ok := httpURL(u); !ok {
		s.fail(pp.Key("url"), rulePrivacyURL, Err(KeyURL, pp.Key("url").Param()), "not an absolute http(s) URL")
		return
	}
	s.expiresInDays(pl, p)
}

func (s *sendChecker) feedbackScreen(raw any, p Path) bool {
	sc, _, ok := s.object(raw, p, ruleFeedbackObject)
	if !ok || !s.checkKeys(sc, feedbackScreenKeys, p, ruleTemplateKeys) {
		return false
	}
	qs, present, ok := s.optArray(sc, "questions", p, ruleFeedbackObject)
	if !ok {
		return false
	}
	qp := p.Key("questions")
	if !present {
		s.fail(qp, ruleFeedbackQuestions, Err(KeyRequired, qp.Param()), "")
		return false
	}
	return s.count(len(qs), qp, ruleFeedbackQuestions, ruleFeedbackQuestions) && s.feedbackQuestion(qs[0], qp.Index(0))
}

func (s *sendChecker) feedbackQuestion(raw any, p Path) bool {
	q, _, ok := s.object(raw, p, ruleFeedbackObject)
	if !ok || !s.checkKeys(q, feedbackQuestionKeys, p, ruleTemplateKeys) {
		return false
	}
	id, ok := s.requiredText(q, "id", p, ruleQuestionID)
	if !ok {
		return false
	}
	if !questionIDPattern.MatchString(id) {
		s.fail(p.Key("id"), ruleQuestionID, Err(KeyInvalid), "id is made of [A-Za-z0-9_]")
		return false
	}
	typ, ok := s.requiredText(q, "type", p, ruleQuestionType)
	if !ok || !s.enum(typ, questionTypes, p.Key("type"), ruleQuestionType) {
		return false
	}
	title, ok := s.requiredText(q, "title", p, ruleQuestionTitleMax)
	if !ok {
		return false
	}
	if runeLen(title) < ruleQuestionTitleMin.Limit {
		s.fail(p.Key("title"), ruleQuestionTitleMin, Err(KeyInvalid), "a question title is 5 to 85 code points")
		return false
	}
	if label, present, ok := s.optText(q, "score_label", p, ruleScoreLabel); !ok || (present && !s.enum(label, scoreLabels, p.Key("score_label"), ruleScoreLabel)) {
		return false
	}
	opt, present, ok := s.optText(q, "score_option", p, ruleScoreOption)
	if !ok {
		return false
	}
	if present && len(scoreOptionsByType[typ]) == 0 {
		// free_form has no scale: no value list to quote (D16).
		s.fail(p.Key("score_option"), ruleScoreOption, Err(KeyInvalid), typ+" questions take no score_option")
		return false
	}
	if present && !s.enum(opt, scoreOptionsByType[typ], p.Key("score_option"), ruleScoreOption) {
		return false
	}
	fu, present, ok := s.optObject(q, "follow_up", p, ruleFeedbackObject)
	if !ok || !present {
		return ok
	}
	fp := p.Key("follow_up")
	if !s.checkKeys(fu, feedbackFollowUpKeys, fp, ruleTemplateKeys) {
		return false
	}
	ft, ok := s.requiredText(fu, "type", fp, ruleFollowUpType)
	if !ok || !s.enum(ft, []string{"free_form"}, fp.Key("type"), ruleFollowUpType) {
		return false
	}
	holder, present, ok := s.optText(fu, "placeholder", fp, ruleFollowUpHolder)
	return ok && (!present || s.maxLen(holder, fp.Key("placeholder"), ruleFollowUpHolder))
}

// expiresInDays reads the optional expires_in_days, a whole number of days
// from 1 to 7 (numeric strings accepted and written back, D22).
func (s *sendChecker) expiresInDays(pl map[string]any, p Path) {
	v, present := s.optional(pl, "expires_in_days", p, true)
	if !present {
		return
	}
	kp := p.Key("expires_in_days")
	f, ok := asNumber(v)
	if !ok || f != math.Trunc(f) || f < float64(ruleExpiresMin.Limit) || f > float64(ruleExpiresMax.Limit) {
		rule := ruleExpiresMax
		if ok && f < float64(ruleExpiresMin.Limit) {
			rule = ruleExpiresMin
		}
		s.fail(kp, rule, Err(KeyInvalid), "expires_in_days is a whole number from "+
			strconv.Itoa(ruleExpiresMin.Limit)+" to "+strconv.Itoa(ruleExpiresMax.Limit)+" (default "+strconv.Itoa(feedbackExpiresDefault)+")")
		return
	}
	if _, isString := v.(string); isString {
		s.rewrite(pl, "expires_in_days", f)
	}
}
