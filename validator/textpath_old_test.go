package validator

// The Send API checks of the message path as they were before they read
// objects by key tables (fields), kept to hold the new reads to the old:
// TestTextPathSameAsOld and FuzzTextPathSameAsOld run each body through
// both and compare verdicts and the rewritten bodies. Only the functions
// that read objects differently are copied; the rest is shared.
//
// It holds a refactoring to what it replaced, not the rules to the
// platform (the Send API's tests do that): a change to a rule on this
// path made on purpose is made here too, or these files go, their
// bodies moved to the Send API's tables.

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
)

var oldSendParams = set("recipient", "messaging_type", "tag", "notification_type", "persona_id",
	"reply_to", "message", "sender_action", "payload", "access_token", "appsecret_proof", "filedata")

var oldRecipientKeys = []string{"id", "user_ref", "one_time_notif_token", "comment_id", "post_id", "notification_messages_token", "phone_number"}

var oldMessageKeys = set("text", "attachment", "attachments", "quick_replies", "metadata")

func (v *Validator) oldSendEnvelope(body map[string]any, st State) SendCheck {
	s := sendChecker{st: st, now: st.Now(), envelopeOnly: true}
	out := SendCheck{}
	s.oldRun(body, &out)
	out.Violations, out.Rewritten = s.out, s.rewrote
	return out
}

func (v *Validator) oldSend(body map[string]any, st State) SendCheck {
	s := sendChecker{st: st, now: st.Now()}
	_, s.upload = body["filedata"]
	out := SendCheck{}
	s.oldRun(body, &out)
	v.oldSendBackstop(body, &s)
	out.Violations, out.Rewritten = s.out, s.rewrote
	if s.failed() {
		// The first error answers; the warnings past it are kept too
		// (PLATFORM.md §2: "The first E wins; all W are kept").
		out.Violations = append(out.Violations, v.oldWarningsPastError(body, st)...)
	}
	return out
}

func (v *Validator) oldWarningsPastError(body map[string]any, st State) []Violation {
	all := v.oldSendAll(body, st).Violations
	var out []Violation
	past := false
	for _, vi := range all {
		switch {
		case vi.Severity == SeverityError:
			past = true
		case past:
			out = append(out, vi)
		}
	}
	return out
}

func (v *Validator) oldSendBackstop(body map[string]any, s *sendChecker) {
	if s.failed() || v.schemas == nil {
		return
	}
	msg, hasMsg := body["message"]
	delete(body, "message")
	defer func() {
		if hasMsg {
			body["message"] = msg
		}
	}()
	buf := memoKeys.Get().(*[]byte)
	defer memoKeys.Put(buf)
	key, keyed := oldAppendMemoKey((*buf)[:0], body)
	*buf = key[:0]
	if keyed = keyed && len(key) <= maxMemoKey; keyed && v.envelopes.passed(key) {
		return
	}
	v.backstop("SendRequest", body, &s.report)
	if keyed && !s.failed() {
		v.envelopes.pass(key)
	}
}

func (s *sendChecker) oldRun(body map[string]any, out *SendCheck) {
	for _, k := range unknownKeys(body, oldSendParams) {
		s.unknownParam(k, ruleUnknownParam)
	}
	// The token and proof were read by the server; here only their type.
	for _, k := range []string{"access_token", "appsecret_proof"} {
		if _, _, ok := s.optText(body, k, Path{}, ruleAuthParam); !ok {
			return
		}
	}
	user, ok := s.oldRecipient(body, out)
	if !ok {
		if !s.all {
			return
		}
		user = UserInfo{LastInteraction: s.now, LastMessage: s.now} // judge the rest as if reachable
	}
	msg, hasMsg := s.optional(body, "message", Path{}, true)
	action, hasAction := s.optional(body, "sender_action", Path{}, true)
	switch {
	case hasMsg && hasAction:
		s.fail(Path{}, ruleMsgAndState, Err(KeyMsgAndState), "message and sender_action in one request")
		return
	case !hasMsg && !hasAction:
		s.fail(Path{}, ruleMsgOrState, Err(KeyMsgOrState), "neither message nor sender_action")
		return
	}
	if hasAction {
		s.senderAction(body, action, user, out)
		return
	}
	if _, ok := body["payload"]; ok {
		s.drop(body, "payload")
		s.warn(Root("payload"), rulePayloadIgnored, "payload goes with the react and unreact sender actions; ignored on a message")
	}
	envelopeOK := s.oldEnvelope(body, out)
	if !envelopeOK && !s.all {
		return
	}
	m, ok := asObject(msg)
	if !ok {
		s.fail(Root("message"), ruleMessageObject, Err(KeyInvalid), "message must be an object")
		return
	}
	if envelopeOK && !s.window(out, user, m) && !s.all || s.envelopeOnly {
		return
	}
	s.oldMessage(m, Root("message"), out)
}

func (s *sendChecker) oldRecipient(body map[string]any, out *SendCheck) (UserInfo, bool) {
	p := Root("recipient")
	raw, ok := body["recipient"]
	if !ok || raw == nil {
		s.fail(p, ruleRecipientRequired, Err(KeyRequired, "recipient"), "no recipient")
		return UserInfo{}, false
	}
	rec, ok := asObject(raw)
	if !ok {
		s.fail(p, ruleRecipientRequired, Err(KeyInvalid), "recipient must be an object")
		return UserInfo{}, false
	}
	var named, given []string
	for _, k := range oldRecipientKeys {
		if v, ok := rec[k]; ok {
			named = append(named, k)
			if v != nil && v != "" {
				given = append(given, k)
			}
		}
	}
	if len(given) < len(named) && (len(given) > 0 || len(named) > 1) {
		// Beside a real recipient, or beside each other, null or "" keys
		// count as absent (D22).
		for _, k := range named {
			s.optional(rec, k, p, true)
		}
		named = given
	}
	switch len(named) {
	case 0:
		s.fail(p, ruleRecipientKeys, Err(KeyNonEmpty, "recipient"), "recipient names no one")
		return UserInfo{}, false
	case 1:
	default:
		s.fail(p, ruleRecipientKeys, Err(KeyInvalid), "recipient names more than one of "+strings.Join(named, ", "))
		return UserInfo{}, false
	}
	key := named[0]
	if feature, ok := recipientFuture[key]; ok {
		s.fail(p.Key(key), ruleRecipientOther, Err(KeyNotEmulated, feature), "")
		return UserInfo{}, false
	}
	if rec[key] == nil {
		s.fail(p.Key(key), ruleRecipientRequired, Err(KeyRequired, p.Key(key).Param()), "recipient."+key+" is null")
		return UserInfo{}, false
	}
	val, _, ok := s.str(rec, key, p, ruleRecipientRequired)
	if !ok {
		return UserInfo{}, false
	}
	switch key {
	case "id":
		out.Recipient.PSID, s.thread = val, val
		if !allDigits(val) {
			s.fail(p.Key("id"), ruleRecipientID, Err(KeyID, p.Key("id").Param()), "recipient.id must be digits")
			return UserInfo{}, false
		}
		u, known := s.st.User(val)
		if !known {
			s.fail(p.Key("id"), ruleRecipientKnown, Err(KeyNoUser), "no test user "+val+" on this Page")
			return UserInfo{}, false
		}
		return s.reachable(u, p, "id")
	case "user_ref":
		out.Recipient.UserRef = val
		u, known := s.st.UserRef(val)
		s.thread = u.PSID
		if !known {
			s.fail(p.Key("user_ref"), ruleRecipientRef, Err(KeyNoUser), "user_ref comes only from a plugin opt-in")
			return UserInfo{}, false
		}
		// The person who opted in: the checkbox opened their window (§2.2),
		// which the rules below judge as any other; a block or another
		// app's thread control stops these sends too.
		return s.reachable(u, p, "user_ref")
	default: // one_time_notif_token
		out.Recipient.OTN = val
		s.warn(p.Key(key), ruleRecipientOTN, "one-time notification is a legacy beta")
		u, status := s.st.OneTimeToken(val)
		s.thread = u.PSID
		switch status {
		case TokenValid:
			// Window-free (§2.1), but not free of a block or of another
			// app's thread control.
			u.LastInteraction, u.LastMessage = s.now, s.now
			return s.reachable(u, p, key)
		case TokenUsed:
			s.fail(p.Key(key), ruleRecipientOTN, Err(KeyInvalid), "one-time notification token already used")
		case TokenExpired:
			s.fail(p.Key(key), ruleRecipientOTN, Err(KeyInvalid), "one-time notification token older than a year")
		default:
			s.fail(p.Key(key), ruleRecipientOTN, Err(KeyInvalid), "unknown one-time notification token")
		}
		return UserInfo{}, false
	}
}

func (s *sendChecker) oldEnvelope(body map[string]any, out *SendCheck) bool {
	mt, present, ok := s.optText(body, "messaging_type", Path{}, ruleMessagingType)
	if !ok {
		return false
	}
	tag, hasTag, ok := s.optText(body, "tag", Path{}, ruleTagEnum)
	if !ok {
		return false
	}
	if !present || mt == "" {
		if hasTag && tag != "" {
			mt = "MESSAGE_TAG"
		} else {
			mt = "RESPONSE"
		}
		s.warn(Root("messaging_type"), ruleMessagingTypeMiss, "messaging_type missing; treated as "+mt)
	} else if !contains(messagingTypes, mt) {
		s.fail(Root("messaging_type"), ruleMessagingType, EnumError("messaging_type", messagingTypes, mt), "")
		return false
	}
	out.MessagingType = mt
	if mt == "UTILITY" {
		s.warn(Root("messaging_type"), ruleUtility, "UTILITY messages are not emulated; no window check")
	}
	if mt == "MESSAGE_TAG" {
		if !hasTag || tag == "" {
			s.fail(Root("tag"), ruleTagRequired, Err(KeyRequired, "tag"), "MESSAGE_TAG needs a tag")
			return false
		}
		out.Tag = tag
	} else if hasTag {
		s.drop(body, "tag")
		s.warn(Root("tag"), ruleTagIgnored, "tag is ignored unless messaging_type is MESSAGE_TAG")
	}
	if nt, present, ok := s.optText(body, "notification_type", Path{}, ruleNotificationType); !ok {
		return false
	} else if present && !contains(notificationTypes, nt) {
		s.fail(Root("notification_type"), ruleNotificationType, EnumError("notification_type", notificationTypes, nt), "")
		return false
	}
	if !s.oldPersona(body) {
		return false
	}
	return s.oldReplyTo(body, out)
}

func (s *sendChecker) oldPersona(body map[string]any) bool {
	id, present, ok := s.optText(body, "persona_id", Path{}, rulePersona)
	if !ok {
		return false
	}
	if present && !s.st.Persona(id) {
		s.fail(Root("persona_id"), rulePersona, Err(KeyInvalid), "persona "+id+" is not a live persona of this Page")
		return false
	}
	return true
}

func (s *sendChecker) oldReplyTo(body map[string]any, out *SendCheck) bool {
	raw, ok := s.optional(body, "reply_to", Path{}, true)
	if !ok {
		return true
	}
	p := Root("reply_to")
	rt, ok := asObject(raw)
	if !ok {
		s.fail(p, ruleReplyTo, Err(KeyInvalid), "reply_to must be an object")
		return false
	}
	mid, present, ok := s.str(rt, "mid", p, ruleReplyTo)
	if !ok {
		return false
	}
	if !present {
		s.fail(p.Key("mid"), ruleReplyTo, Err(KeyRequired, p.Key("mid").Param()), "")
		return false
	}
	thread := s.thread
	if thread != "" && !s.st.ThreadMessage(thread, mid) {
		s.fail(p.Key("mid"), ruleReplyTo, Err(KeyInvalid), "reply_to.mid is not a message of this thread")
		return false
	}
	if u, ok := s.st.User(thread); ok && !s.now.Before(u.LastMessage.Add(StandardWindow)) {
		s.warn(p, ruleReplyToWindow, "no user message in the last 24 hours")
	}
	return true
}

func (s *sendChecker) oldMessage(m map[string]any, p Path, out *SendCheck) {
	if !s.checkKeys(m, oldMessageKeys, p, ruleMessageKeys) && !s.all {
		return
	}
	for _, k := range []string{"attachment", "attachments", "quick_replies", "metadata"} {
		s.optional(m, k, p, true)
	}
	if v, has := m["text"]; has && v == nil {
		s.optional(m, "text", p, false)
	}
	text, hasText, ok := s.str(m, "text", p, ruleText)
	if !ok {
		if !s.all {
			return
		}
		hasText, text = true, "…" // judged already; the rest is judged as if it were text
	}
	_, hasAttachment := m["attachment"]
	_, hasAttachments := m["attachments"]
	if hasText && text == "" && (hasAttachment || hasAttachments) {
		// "" beside an attachment is the lenient form of no text (D22).
		s.optional(m, "text", p, true)
		hasText = false
	}
	switch {
	case (!hasText || text == "") && !hasAttachment && !hasAttachments:
		s.fail(p, ruleEmptyMessage, Err(KeyEmptyMessage), "no text, attachment or attachments")
		return
	case hasText && (hasAttachment || hasAttachments):
		s.fail(p, ruleTextXorAttach, Err(KeyTextXorAttachment), "text and an attachment in one message")
		return
	case hasAttachment && hasAttachments:
		s.fail(p, ruleAttachBoth, Err(KeyInvalid), "attachment and attachments in one message")
		return
	}
	if hasText && !s.maxLen(text, p.Key("text"), ruleText) && !s.all {
		return
	}
	if md, present, ok := s.str(m, "metadata", p, ruleMetadata); (!ok || (present && !s.maxLen(md, p.Key("metadata"), ruleMetadata))) && !s.all {
		return
	}
	if hasAttachment {
		s.attachment(m["attachment"], p.Key("attachment"), out)
	}
	if hasAttachments {
		s.attachments(m["attachments"], p.Key("attachments"))
	}
	if _, ok := m["quick_replies"]; ok {
		s.quickReplies(m["quick_replies"], p.Key("quick_replies"))
	}
}

func oldAppendMemoKey(b []byte, v any) (_ []byte, ok bool) {
	if len(b) > maxMemoKey {
		return b, false
	}
	switch x := v.(type) {
	case nil:
		return append(b, 'z'), true
	case bool:
		if x {
			return append(b, 't'), true
		}
		return append(b, 'f'), true
	case string:
		return appendMemoText(append(b, 's'), x), true
	case json.Number:
		return appendMemoText(append(b, 'n'), string(x)), true
	case []any:
		b = strconv.AppendInt(append(b, '['), int64(len(x)), 10)
		for _, e := range x {
			if b, ok = oldAppendMemoKey(b, e); !ok {
				return b, false
			}
		}
		return b, true
	case map[string]any:
		var small [8]string
		keys := small[:0]
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		b = strconv.AppendInt(append(b, '{'), int64(len(x)), 10)
		for _, k := range keys {
			if b, ok = oldAppendMemoKey(appendMemoText(b, k), x[k]); !ok {
				return b, false
			}
		}
		return b, true
	}
	return b, false
}

func (v *Validator) oldSendAll(body map[string]any, st State) SendCheck {
	s := sendChecker{st: st, now: st.Now(), all: true}
	_, s.upload = body["filedata"]
	out := SendCheck{}
	s.oldRun(body, &out)
	v.oldSendBackstop(body, &s)
	out.Violations, out.Rewritten = s.out, s.rewrote
	return out
}
