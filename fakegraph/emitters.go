package fakegraph

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"time"
	"unicode/utf8"
)

// Events that come from plugins, links, the platform or other apps rather
// than from a tap in the thread: opt-ins, referrals, account linking,
// policy enforcement, handover, labels, feedback; and the automatic
// receipts of the bot's own sends.

// Values the emitters write into webhook bodies (PLATFORM.md §10).
const (
	maxMessageEdits        = 5
	referralRefMaxLength   = 2083
	defaultReferralSource  = "SHORTLINK"
	defaultReferralType    = "OPEN_THREAD"
	otnOptinType           = "one_time_notif_req"
	accountLinkingLinked   = "linked"
	accountLinkingUnlinked = "unlinked"
	policyActionUnblock    = "unblock"
)

// OptIn types for UserOptsIn.
const (
	// OptInSendToMessenger is the Send-to-Messenger plugin (Type "").
	OptInSendToMessenger = ""
	// OptInCheckbox is the checkbox plugin: the event names a user_ref, not
	// the user, and the Send API then accepts recipient.user_ref.
	OptInCheckbox = "checkbox"
	// OptInOneTimeNotification is a one-time-notification opt-in.
	OptInOneTimeNotification = otnOptinType
)

// UserOptsIn makes a test user opt in: through the Send-to-Messenger
// plugin (Type ""; opens the window), the checkbox plugin (Type
// "checkbox"; opens the window, and gives a user_ref the Send API then
// accepts), or a one-time
// notification request (Type "one_time_notif_req"; a single-use token the
// Send API accepts once as recipient.one_time_notif_token, with the
// payload given or that of the bot's newest one_time_notif_req template).
// It returns the optin object the webhook carries.
func (s *Server) UserOptsIn(pageID, psid string, in OptIn) (OptIn, error) {
	s.mu.Lock()
	p, u, err := s.user(pageID, psid)
	if err != nil {
		s.mu.Unlock()
		return OptIn{}, err
	}
	now := s.clock.Now()
	ev := userEvent(pageID, psid, now)
	out := OptIn{Ref: in.Ref}
	if in.UserRef != "" && in.Type != OptInCheckbox {
		s.mu.Unlock()
		return OptIn{}, invalid(`a user_ref comes from the checkbox plugin: give "type":"checkbox" with it`)
	}
	switch in.Type {
	case OptInSendToMessenger, "send_to_messenger":
		touch(u, now, false)
	case OptInCheckbox:
		out.UserRef = in.UserRef
		if out.UserRef == "" {
			out.UserRef = "ref_" + s.ids.Number(16)
		}
		p.userRefs[out.UserRef] = psid
		// The checkbox plugin opens the window too (PLATFORM.md §2.2), but
		// begins no conversation: the person has not written (insights.go).
		u.LastInteraction = now
		ev.Sender = nil // no sender for the checkbox (PLATFORM.md §10)
	case OptInOneTimeNotification:
		payload := in.Payload
		if payload == "" {
			payload = p.otnRequestPayload(psid)
		}
		if payload == "" {
			s.mu.Unlock()
			return OptIn{}, invalid("a one-time notification opt-in needs a payload, or a one_time_notif_req template the bot sent")
		}
		token := base64.RawURLEncoding.EncodeToString(s.ids.bytes(48))
		p.otn[token] = &otnToken{psid: psid, payload: payload, created: now}
		out = OptIn{Type: otnOptinType, Payload: payload, OneTimeNotifToken: token}
	default:
		s.mu.Unlock()
		return OptIn{}, invalid(`optin type must be "" (Send to Messenger), "checkbox" or "one_time_notif_req", not ` + strconv.Quote(in.Type))
	}
	s.mu.Unlock()
	ev.Optin = &out
	if _, err := s.journalUserAction(now, pageID, psid, ActionOptin, FieldOptins, "", in, ev); err != nil {
		return OptIn{}, err
	}
	return out, nil
}

// otnRequestPayload is the payload of the bot's newest one-time
// notification request to psid (kept by the retention however old).
func (p *pageState) otnRequestPayload(psid string) string {
	th := p.threads[psid]
	if th == nil || th.lastOTN == 0 {
		return ""
	}
	var req struct {
		Attachment struct {
			Payload struct {
				Payload any `json:"payload"`
			} `json:"payload"`
		} `json:"attachment"`
	}
	if json.Unmarshal(p.store.body(th.lastOTN-1), &req) != nil {
		return ""
	}
	return textOf(req.Attachment.Payload.Payload)
}

// referralRef is the alphabet of an m.me ref (PLATFORM.md §10).
var referralRef = regexp.MustCompile(`^[A-Za-z0-9_=-]*$`)

// UserArrivesFrom makes a test user open the thread from an m.me link
// (Source "SHORTLINK", the default) or an ad (Source "ADS", with AdID):
// a messaging_referrals event; it opens the window. A user new to the Page
// sees the Get Started button first (when the Page has one): the referral
// then comes inside the Get Started postback, as on the platform, and
// nothing fires until the tap.
func (s *Server) UserArrivesFrom(pageID, psid string, r Referral) (Referral, error) {
	if r.Source == "" {
		r.Source = defaultReferralSource
	}
	if r.Type == "" {
		r.Type = defaultReferralType
	}
	switch {
	case r.Source != "SHORTLINK" && r.Source != "ADS":
		return Referral{}, invalid(`referral source must be "SHORTLINK" or "ADS", not ` + strconv.Quote(r.Source))
	case r.Type != defaultReferralType:
		return Referral{}, invalid(`referral type must be "OPEN_THREAD"`)
	case len([]rune(r.Ref)) > referralRefMaxLength || !referralRef.MatchString(r.Ref):
		return Referral{}, invalid("ref is at most 2083 characters of A-Z, a-z, 0-9, _, = and -")
	case r.Source != "ADS" && (r.AdID != "" || len(r.AdsContextData) > 0):
		return Referral{}, invalid("ad_id and ads_context_data come only with source ADS")
	}
	_, hasGetStarted := s.GetStarted(pageID)
	s.mu.Lock()
	p, u, err := s.user(pageID, psid)
	if err != nil {
		s.mu.Unlock()
		return Referral{}, err
	}
	now := s.clock.Now()
	if hasGetStarted && len(p.threadSlots(psid)) == 0 && u.LastInteraction.IsZero() {
		rc := r
		p.referrals[psid] = &rc
		s.mu.Unlock()
		_, err := s.journalUserAction(now, pageID, psid, ActionReferral, "", "", r, nil) // fires with Get Started
		return r, err
	}
	touch(u, now, false)
	s.mu.Unlock()
	ev := userEvent(pageID, psid, now)
	ev.Referral = &r
	if _, err := s.journalUserAction(now, pageID, psid, ActionReferral, FieldReferrals, "", r, ev); err != nil {
		return Referral{}, err
	}
	return r, nil
}

// EmitAccountLinking tells the bot a user linked ("linked", with the
// authorization code) or unlinked their account.
func (s *Server) EmitAccountLinking(pageID, psid string, a AccountLinking) error {
	if a.Status != accountLinkingLinked && a.Status != accountLinkingUnlinked {
		return invalid(`account linking status must be "linked" or "unlinked"`)
	}
	if a.Status == accountLinkingUnlinked {
		a.AuthorizationCode = ""
	} else if a.AuthorizationCode == "" { // the event carries it (PLATFORM.md §10)
		return invalid("a linked account_linking event needs the authorization_code your linking page issued")
	}
	return s.emit(pageID, psid, ActionAccountLinking, a, FieldAccountLinking, func(ev *MessagingEvent) { ev.AccountLinking = &a })
}

// EmitPolicyEnforcement tells the bot the platform warned, blocked or
// unblocked the Page. The event has no sender; psid ("" allowed) only
// places it in the journal.
func (s *Server) EmitPolicyEnforcement(pageID, psid string, pe PolicyEnforcement) error {
	switch pe.Action {
	case "warning", "block":
		if pe.Reason == "" { // the event carries it but for unblock (PLATFORM.md §10)
			return invalid("a " + pe.Action + " policy_enforcement event needs a reason")
		}
	case policyActionUnblock:
		pe.Reason = ""
	default:
		return invalid(`policy enforcement action must be "warning", "block" or "unblock"`)
	}
	return s.emit(pageID, psid, ActionPolicyEnforcement, pe, FieldPolicyEnforcement, func(ev *MessagingEvent) {
		ev.Sender = nil
		ev.PolicyEnforcement = &pe
	})
}

// EmitPassThreadControl tells the bot it was passed the thread. Handover
// code calls the Emit functions when the bot's app is the one the platform
// tells (the target of a pass, the previous owner of a take, the owner
// asked by a request).
func (s *Server) EmitPassThreadControl(pageID, psid string, tc ThreadControl) error {
	return s.emit(pageID, psid, ActionPassThreadControl, tc, FieldHandovers, func(ev *MessagingEvent) { ev.PassThreadControl = &tc })
}

// EmitTakeThreadControl tells the bot the primary receiver took the thread.
func (s *Server) EmitTakeThreadControl(pageID, psid string, tc ThreadControl) error {
	return s.emit(pageID, psid, ActionTakeThreadControl, tc, FieldHandovers, func(ev *MessagingEvent) { ev.TakeThreadControl = &tc })
}

// EmitRequestThreadControl tells the owning bot another app asks for the
// thread.
func (s *Server) EmitRequestThreadControl(pageID, psid string, rc RequestThreadControl) error {
	return s.emit(pageID, psid, ActionRequestThreadControl, rc, FieldHandovers, func(ev *MessagingEvent) { ev.RequestThreadControl = &rc })
}

// EmitAppRoles tells the bot the Page's handover roles changed.
func (s *Server) EmitAppRoles(pageID string, roles map[string][]string) error {
	return s.emit(pageID, "", ActionAppRoles, roles, FieldHandovers, func(ev *MessagingEvent) {
		ev.Sender = nil
		ev.AppRoles = roles
	})
}

// UserSubmitsFeedback makes a test user submit a customer feedback form.
func (s *Server) UserSubmitsFeedback(pageID, psid string, f MessagingFeedback) error {
	if len(f.FeedbackScreens) == 0 {
		return invalid("feedback needs at least one screen")
	}
	for _, sc := range f.FeedbackScreens {
		for id, q := range sc.Questions {
			if err := feedbackAnswer(id, q); err != nil {
				return err
			}
		}
	}
	return s.emit(pageID, psid, ActionFeedback, f, FieldFeedback, func(ev *MessagingEvent) { ev.MessagingFeedback = &f })
}

// feedbackScores are the scores a person can give, by question type
// (PLATFORM.md §2.7: csat's options are five stars, 1–5 or five emojis;
// nps is 0–10; ces is 1–7).
var feedbackScores = map[string][2]int{"csat": {1, 5}, "nps": {0, 10}, "ces": {1, 7}}

// feedbackFreeText is the longest free-text answer (PLATFORM.md §2.7).
const feedbackFreeText = 400

// feedbackAnswer refuses an answer the feedback form cannot give: a score
// off its type's scale, free text over 400 characters.
func feedbackAnswer(id string, q FeedbackQuestion) error {
	text := func(what, s string) error {
		if n := utf8.RuneCountInString(s); n > feedbackFreeText {
			return invalid(fmt.Sprintf("question %q: the %s has %d characters; the form takes at most %d", id, what, n, feedbackFreeText))
		}
		return nil
	}
	switch scale, scored := feedbackScores[q.Type]; {
	case q.Type == "free_form":
		if err := text("free-text answer", q.Payload); err != nil {
			return err
		}
	case scored:
		n, err := strconv.Atoi(q.Payload)
		if err != nil || n < scale[0] || n > scale[1] {
			article := "a"
			if q.Type == "nps" {
				article = "an"
			}
			return invalid(fmt.Sprintf("question %q: %s %s score is a whole number from %d to %d, got %q", id, article, q.Type, scale[0], scale[1], q.Payload))
		}
	default:
		return invalid(fmt.Sprintf("question %q: type must be csat, nps, ces or free_form, got %q", id, q.Type))
	}
	if f := q.FollowUp; f != nil {
		if f.Type != "free_form" {
			return invalid(fmt.Sprintf("question %q: a follow-up is free_form, got %q", id, f.Type))
		}
		return text("follow-up", f.Payload)
	}
	return nil
}

// emit journals an event from psid (or from no one, psid "") to pageID:
// a handover event for FieldHandovers, else a user action.
func (s *Server) emit(pageID, psid string, action Action, req any, field string, set func(*MessagingEvent)) error {
	s.mu.RLock()
	var err error
	if psid == "" {
		_, err = s.page(pageID)
	} else {
		_, _, err = s.user(pageID, psid)
	}
	now := s.clock.Now()
	s.mu.RUnlock()
	if err != nil {
		return err
	}
	ev := userEvent(pageID, psid, now)
	if psid == "" {
		ev.Sender = nil
	}
	set(ev)
	if field == FieldHandovers {
		item, err := json.Marshal(ev)
		if err != nil {
			return err
		}
		s.journalHandoverEvent(now, pageID, psid, action, item)
		return nil
	}
	_, err = s.journalUserAction(now, pageID, psid, action, field, "", req, ev)
	return err
}

// EmitInboxLabel tells the bot a label was added to ("add") or removed
// from ("remove") a user: an inbox_labels change.
func (s *Server) EmitInboxLabel(pageID, psid, action, labelID, labelName string) error {
	if action != InboxLabelAdd && action != InboxLabelRemove {
		return invalid(`label action must be "add" or "remove"`)
	}
	s.mu.RLock()
	_, _, err := s.user(pageID, psid)
	now := s.clock.Now()
	s.mu.RUnlock()
	if err != nil {
		return err
	}
	s.journalLabel(now, pageID, InboxLabel{User: Party{ID: psid}, Action: action, Label: InboxLabelLabel{ID: labelID, PageLabelName: labelName}})
	return nil
}

// echoMessage is the echo of a message the bot sent.
func echoMessage(mid, appID string, body json.RawMessage, urls assetURLs) *WebhookMessage {
	out := &WebhookMessage{MID: mid, IsEcho: true, AppID: appIDNumber(appID)}
	var m struct {
		Text        any              `json:"text"`
		Metadata    any              `json:"metadata"`
		Attachment  *echoAttachment  `json:"attachment"`
		Attachments []echoAttachment `json:"attachments"`
	}
	if err := json.Unmarshal(body, &m); err != nil {
		return out
	}
	out.Text, out.Metadata = textOf(m.Text), textOf(m.Metadata)
	atts := m.Attachments
	if m.Attachment != nil {
		atts = append([]echoAttachment{*m.Attachment}, atts...)
	}
	for _, a := range atts {
		// The body is the message as json.Marshal wrote it, so a payload
		// is kept as its bytes (a template's carousel is not decoded and
		// encoded again); only is_reusable, which echoes leave out, is cut.
		pl := a.Payload
		switch {
		case len(pl) == 0 || pl[0] != '{':
			pl = json.RawMessage("null")
		case bytes.Contains(pl, []byte(`"is_reusable"`)) || (urls != nil && bytes.Contains(pl, []byte(`"attachment_id"`))):
			var obj map[string]any
			dec := json.NewDecoder(bytes.NewReader(pl))
			dec.UseNumber() // numbers stay as stored, as on the fast path
			if dec.Decode(&obj) != nil {
				continue
			}
			delete(obj, "is_reusable")
			if u, ok := urls.of(obj); ok { // a saved asset named by id: its URL
				obj = map[string]any{"url": u}
			}
			raw, err := json.Marshal(obj)
			if err != nil {
				continue
			}
			pl = raw
		}
		out.Attachments = append(out.Attachments, WebhookAttachment{Type: textOf(a.Type), Payload: pl})
	}
	return out
}

// echoAttachment is an attachment of a stored Page message, as an echo
// reads it.
type echoAttachment struct {
	Type    any             `json:"type"`
	Payload json.RawMessage `json:"payload"`
}

// resubscribe subscribes the app to a Page's fields again (after a
// webhook was disabled and set again).
func (s *Server) resubscribe(pageID string, fields []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p, ok := s.pages[pageID]; ok {
		p.subscription = &subscription{active: true, fields: append([]string(nil), fields...)}
	}
}

// millis is a virtual time in ms, as webhooks write times.
func millis(t time.Time) int64 { return t.UnixMilli() }

// appIDNumber is the app id as the number echoes carry.
func appIDNumber(id string) int64 {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return 0
	}
	return n
}
