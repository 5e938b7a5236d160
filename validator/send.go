package validator

import (
	"math/bits"
	"strings"
	"time"
)

// The Send API's top-level rules (PLATFORM.md §2.1–§2.3). Checks run in the
// platform's order: recipient, message or action, window and tag, content.
// The first error wins; warnings are all kept.

var (
	ruleRecipientRequired = Rule{Name: "recipient.required", Source: "SendRef"}
	ruleRecipientKeys     = Rule{Name: "recipient.one-key", Source: "SendRef"}
	ruleRecipientID       = Rule{Name: "recipient.id.format", Source: "SendRef"}
	ruleRecipientKnown    = Rule{Name: "recipient.id.known", Source: "MP/error-codes 2018001"}
	ruleRecipientRef      = Rule{Name: "recipient.user_ref.known", Source: "SendRef"}
	ruleRecipientOTN      = Rule{Name: "recipient.one_time_notif_token", Source: "MP/send-messages/one-time-notification"}
	ruleRecipientOther    = Rule{Name: "recipient.not-emulated", Source: "SendRef"}
	ruleUnavailable       = Rule{Name: "recipient.blocked", Source: "MP/error-codes 551"}
	ruleThreadControlled  = Rule{Name: "handover.thread-controlled", Source: "handover-protocol"}
	ruleMessagingType     = Rule{Name: "messaging_type.enum", Source: "SendRef"}
	ruleMessagingTypeMiss = Rule{Name: "messaging_type.missing", Source: "decision D1"}
	ruleUtility           = Rule{Name: "messaging_type.utility", Source: "SendRef"}
	ruleTagRequired       = Rule{Name: "tag.required", Source: "SendRef"}
	ruleTagIgnored        = Rule{Name: "tag.ignored", Source: "SendRef"}
	ruleTagEnum           = Rule{Name: "tag.enum", Source: "MP/send-messages (message tags)"}
	ruleTagNews           = Rule{Name: "tag.news-only", Source: "MP/error-codes 2018065"}
	ruleTagFeedback       = Rule{Name: "tag.customer-feedback-template", Source: "SendRef (decision D20)"}
	ruleNotificationType  = Rule{Name: "notification_type.enum", Source: "SendRef"}
	rulePersona           = Rule{Name: "persona_id.live", Source: "MP/send-messages/personas"}
	ruleReplyTo           = Rule{Name: "reply_to.mid", Source: "SendRef"}
	ruleReplyToWindow     = Rule{Name: "reply_to.window", Source: "SendRef"}
	ruleMsgAndState       = Rule{Name: "message-and-sender_action", Source: "MP/error-codes 2018014"}
	ruleMsgOrState        = Rule{Name: "message-or-sender_action", Source: "MP/error-codes 2018015"}
	ruleWindow            = Rule{Name: "window.24h", Limit: int(StandardWindow / time.Hour), Source: "MP/send-messages (24-hour window)"}
	ruleWindow7d          = Rule{Name: "window.7d", Limit: int(HumanAgentSpan / (24 * time.Hour)), Source: "MP/send-messages (message tags)"}
	ruleActionWindow      = Rule{Name: "sender_action.window", Source: "decision D18"}
	ruleSenderAction      = Rule{Name: "sender_action.enum", Source: "MP/send-messages/sender-actions"}
	ruleSenderActionAlone = Rule{Name: "sender_action.alone", Source: "MP/send-messages/sender-actions"}
	ruleReactPayload      = Rule{Name: "sender_action.react.payload", Source: "MP/send-messages/sender-actions"}
	ruleReactEmoji        = Rule{Name: "sender_action.react.emoji", Source: "MP/send-messages/sender-actions"}
	ruleUnknownParam      = Rule{Name: "unknown-parameter", Source: "decision D19"}
	ruleAuthParam         = Rule{Name: "auth.param", Source: "Graph/guides/secure-requests"}
	rulePayloadIgnored    = Rule{Name: "payload.ignored", Source: "SendRef"}
	ruleSchema            = Rule{Name: "schema", Source: "openapi.yaml"}
)

// Window and tag periods.
const (
	StandardWindow = 24 * time.Hour
	HumanAgentSpan = 7 * 24 * time.Hour
)

// TagCutoff is when ACCOUNT_UPDATE, CONFIRMED_EVENT_UPDATE and
// POST_PURCHASE_UPDATE stop being accepted (decision D10).
var TagCutoff = time.Date(2026, 4, 27, 0, 0, 0, 0, time.UTC)

var (
	messagingTypes    = []string{"RESPONSE", "UPDATE", "MESSAGE_TAG", "UTILITY"}
	notificationTypes = []string{"REGULAR", "SILENT_PUSH", "NO_PUSH"}
	senderActions     = []string{"typing_on", "typing_off", "mark_seen", "react", "unreact"}
	tagsBeforeCutoff  = []string{"ACCOUNT_UPDATE", "CONFIRMED_EVENT_UPDATE", "CUSTOMER_FEEDBACK", "HUMAN_AGENT", "NON_PROMOTIONAL_SUBSCRIPTION", "POST_PURCHASE_UPDATE"}
	tagsAfterCutoff   = []string{"CUSTOMER_FEEDBACK", "HUMAN_AGENT", "NON_PROMOTIONAL_SUBSCRIPTION"}
	sendParams        = sendTable.keys(sendTable...)
	recipientKeys     = recipientTable.keys(recipientTable...)
	recipientFuture   = map[string]string{
		"comment_id":                  "Private replies (recipient.comment_id)",
		"post_id":                     "Private replies (recipient.post_id)",
		"notification_messages_token": "Marketing messages (recipient.notification_messages_token)",
		"phone_number":                "Customer matching (recipient.phone_number)",
	}
)

// The top-level parameters of a send, by their slot in sendTable: those
// of a text send first, as fields reads a table in its order and stops
// once it has found as many keys as the body holds.
const (
	sendRecipient = iota
	sendMessagingType
	sendMessage
	sendTag
	sendNotificationType
	sendPersonaID
	sendReplyTo
	sendSenderAction
	sendPayload
	sendAccessToken
	sendAppsecretProof
	sendFiledata
)

var sendTable = keyTable{
	sendRecipient: "recipient", sendMessagingType: "messaging_type", sendMessage: "message", sendTag: "tag",
	sendNotificationType: "notification_type", sendPersonaID: "persona_id", sendReplyTo: "reply_to",
	sendSenderAction: "sender_action", sendPayload: "payload", sendAccessToken: "access_token",
	sendAppsecretProof: "appsecret_proof", sendFiledata: "filedata",
}

// recipientTable lists the keys that name a recipient, in the order a
// refusal of more than one names them.
var recipientTable = keyTable{"id", "user_ref", "one_time_notif_token", "comment_id", "post_id", "notification_messages_token", "phone_number"}

// Recipient is who a send is for, as the request names them.
type Recipient struct {
	PSID    string // recipient.id
	UserRef string // recipient.user_ref
	OTN     string // recipient.one_time_notif_token
}

// SendCheck is the verdict on a Send API request plus what the checks
// learned on the way, so the server need not parse the request twice.
type SendCheck struct {
	Result
	Recipient     Recipient
	SenderAction  string // "" for a message
	MessagingType string // after D1 defaulting
	Tag           string
	// Reusable is the media type ("image", "audio", "video", "file") of a
	// message.attachment sent with is_reusable:true: the server saves the
	// asset and answers its attachment_id.
	Reusable string
	// Rewritten: the checks normalised the body in place (a null or empty
	// optional value dropped, an amount given as a string read as a
	// number, an ignored key removed), so it no longer reads as it came.
	Rewritten bool
}

// Validator judges requests against openapi.yaml and the platform rules.
// It is safe for concurrent use.
type Validator struct {
	schemas *Schemas
	// envelopes are the Send API envelopes the schema passed
	// (sendBackstop).
	envelopes envelopeMemo
}

// New returns a validator over compiled schemas; nil skips schema checks.
func New(schemas *Schemas) *Validator { return &Validator{schemas: schemas} }

// SendEnvelope runs the checks that come before the message content
// (recipient, message or action, messaging type, tag and window), for a
// server that must do content work of its own, such as storing an uploaded
// file, only once those pass. Send runs them again with the content.
func (v *Validator) SendEnvelope(body map[string]any, st State) SendCheck {
	s := sendChecker{st: st, now: st.Now(), envelopeOnly: true}
	out := SendCheck{}
	s.run(body, &out)
	out.Violations, out.Rewritten = s.out, s.rewrote
	return out
}

// Send judges a Send API request body, decoded as JSON values with object
// form values already parsed. It normalises lenient forms in body in place.
func (v *Validator) Send(body map[string]any, st State) SendCheck {
	s := sendChecker{st: st, now: st.Now()}
	out := v.judge(body, &s)
	if s.failed() {
		// The first error answers; the warnings past it are kept too
		// (PLATFORM.md §2: "The first E wins; all W are kept").
		out.Violations = append(out.Violations, v.warningsPastError(body, st)...)
	}
	return out
}

// SendJudged is Send of a body whose message is a generic template
// whose elements the server read and ElementsPass passed, and which it
// decoded without them (template_generic_read.go). A verdict with an
// error, or a body the checks rewrote, may owe something to the elements
// taken out: the server judges the whole body with Send then.
func (v *Validator) SendJudged(body map[string]any, st State) SendCheck {
	return v.judge(body, &sendChecker{st: st, now: st.Now(), elementsJudged: true})
}

// judge runs s's checks and the schema's backstop on body.
func (v *Validator) judge(body map[string]any, s *sendChecker) SendCheck {
	out := SendCheck{}
	s.run(body, &out)
	v.sendBackstop(body, s)
	out.Violations, out.Rewritten = s.out, s.rewrote
	return out
}

// warningsPastError judges a refused request again as SendAll does, going
// on past its first error, and returns the warnings found after it. Send
// has recorded everything up to that error already.
func (v *Validator) warningsPastError(body map[string]any, st State) []Violation {
	all := v.SendAll(body, st).Violations
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

// sendBackstop checks the envelope of a request the rules accept against
// the schema. The rules check every key and type of the message object,
// which TestRulesRefuseWhatTheSchemaRefuses and FuzzSend hold them to, and
// the schema of a 10-element generic template costs more than all the
// rules together. The schema's verdict on an envelope depends on nothing
// else, and a bot sends the same few envelopes again and again, so an
// envelope the schema passed is remembered (envelopeMemo) and not checked
// again.
func (v *Validator) sendBackstop(body map[string]any, s *sendChecker) {
	if s.failed() || v.schemas == nil {
		return
	}
	buf := memoKeys.Get().(*[]byte)
	defer memoKeys.Put(buf)
	// The key is written leaving the message out; it is taken out of the
	// body only for the schema.
	key, keyed := appendEnvelopeKey((*buf)[:0], body)
	*buf = key[:0]
	if keyed = keyed && len(key) <= maxMemoKey; keyed && v.envelopes.passed(key) {
		return
	}
	msg, hasMsg := body["message"]
	delete(body, "message")
	defer func() {
		if hasMsg {
			body["message"] = msg
		}
	}()
	v.backstop("SendRequest", body, &s.report)
	if keyed && !s.failed() {
		v.envelopes.pass(key)
	}
}

type sendChecker struct {
	report
	st  State
	now time.Time
	// envelopeOnly stops before the message content (SendEnvelope).
	envelopeOnly bool
	// upload: the request carries a file part (multipart "filedata"), so
	// a media payload names neither url nor attachment_id (PLATFORM.md §3).
	// Only the message content reads it, which SendEnvelope does not judge.
	upload bool
	// all: go on after an error with the parts that do not depend on it
	// (SendAll, send_all.go).
	all bool
	// elementsJudged: the body's generic template has no elements, which
	// ElementsPass passed (SendJudged).
	elementsJudged bool
	// thread is the PSID of the thread the send goes to, as recipient read
	// it: recipient.id, or the user a user_ref or a one-time token stands
	// for; "" when the state does not say (OfflineState), and the checks
	// that need it (reply_to, a reaction's message) pass.
	thread string
}

// run reads the body by sendTable, each parameter once, before any check
// rewrites it: a check that drops or rewrites a parameter does not read
// it again, and senderAction, which drops some, reads persona_id anew.
func (s *sendChecker) run(body map[string]any, out *SendCheck) {
	var f fields
	sendTable.fields(body, &f)
	for _, k := range f.unknown(sendParams) {
		s.unknownParam(k, ruleUnknownParam)
	}
	s.upload = f.field(sendFiledata).has
	// The token and proof were read by the server; here only their type.
	for _, i := range [...]int{sendAccessToken, sendAppsecretProof} {
		if _, _, ok := s.optTextField(f.field(i), Path{}, ruleAuthParam); !ok {
			return
		}
	}
	user, ok := s.recipient(f.field(sendRecipient), out)
	if !ok {
		if !s.all {
			return
		}
		user = UserInfo{LastInteraction: s.now, LastMessage: s.now} // judge the rest as if reachable
	}
	msg, hasMsg := s.optionalField(f.field(sendMessage), Path{}, true)
	action, hasAction := s.optionalField(f.field(sendSenderAction), Path{}, true)
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
	if f.field(sendPayload).has {
		s.drop(body, "payload")
		s.warn(Root("payload"), rulePayloadIgnored, "payload goes with the react and unreact sender actions; ignored on a message")
	}
	envelopeOK := s.envelope(&f, out)
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
	s.message(m, Root("message"), out)
}

// recipient checks the recipient, f, and returns the user it names.
func (s *sendChecker) recipient(f field, out *SendCheck) (UserInfo, bool) {
	p := Root("recipient")
	if !f.has || f.v == nil {
		s.fail(p, ruleRecipientRequired, Err(KeyRequired, "recipient"), "no recipient")
		return UserInfo{}, false
	}
	rec, ok := asObject(f.v)
	if !ok {
		s.fail(p, ruleRecipientRequired, Err(KeyInvalid), "recipient must be an object")
		return UserInfo{}, false
	}
	// Other keys are the schema's to refuse: only those of the table count.
	var rf fields
	recipientTable.fields(rec, &rf)
	rf.scan(recipientKeys)
	named, given := rf.has, uint16(0) // by slot in recipientTable
	for m := named; m != 0; m &= m - 1 {
		if v := rf.vals[bits.TrailingZeros16(m)]; v != nil && v != "" {
			given |= m & -m
		}
	}
	if given != named && (given != 0 || bits.OnesCount16(named) > 1) {
		// Beside a real recipient, or beside each other, null or "" keys
		// count as absent (D22).
		for m := named; m != 0; m &= m - 1 {
			s.optionalField(rf.field(bits.TrailingZeros16(m)), p, true)
		}
		named = given
	}
	switch bits.OnesCount16(named) {
	case 0:
		s.fail(p, ruleRecipientKeys, Err(KeyNonEmpty, "recipient"), "recipient names no one")
		return UserInfo{}, false
	case 1:
	default:
		s.fail(p, ruleRecipientKeys, Err(KeyInvalid), "recipient names more than one of "+strings.Join(recipientTable.names(named), ", "))
		return UserInfo{}, false
	}
	slot := bits.TrailingZeros16(named)
	key, v := recipientTable[slot], rf.vals[slot] // not dropped: given, or nothing was
	if feature, ok := recipientFuture[key]; ok {
		s.fail(p.Key(key), ruleRecipientOther, Err(KeyNotEmulated, feature), "")
		return UserInfo{}, false
	}
	if v == nil {
		s.fail(p.Key(key), ruleRecipientRequired, Err(KeyRequired, p.Key(key).Param()), "recipient."+key+" is null")
		return UserInfo{}, false
	}
	val, _, ok := s.strOf(rec, key, v, p, ruleRecipientRequired)
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

// reachable refuses users who blocked the Page or whose thread another app
// owns; key of the recipient p named the user (its path is made only for
// a refusal: a send that passes allocates none).
func (s *sendChecker) reachable(u UserInfo, p Path, key string) (UserInfo, bool) {
	if u.Blocked {
		s.fail(p.Key(key), ruleUnavailable, Err(KeyUnavailable), "the user blocked the Page")
		return u, false
	}
	if u.ControlledByOther {
		s.fail(p.Key(key), ruleThreadControlled, Err(KeyThreadControlled), "another app owns the thread")
		return u, false
	}
	return u, true
}

// envelope checks messaging_type, tag, notification_type, persona_id and
// reply_to of a message, from the body read by f.
func (s *sendChecker) envelope(f *fields, out *SendCheck) bool {
	mt, present, ok := s.optTextField(f.field(sendMessagingType), Path{}, ruleMessagingType)
	if !ok {
		return false
	}
	tag, hasTag, ok := s.optTextField(f.field(sendTag), Path{}, ruleTagEnum)
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
		s.drop(f.obj, "tag")
		s.warn(Root("tag"), ruleTagIgnored, "tag is ignored unless messaging_type is MESSAGE_TAG")
	}
	if nt, present, ok := s.optTextField(f.field(sendNotificationType), Path{}, ruleNotificationType); !ok {
		return false
	} else if present && !contains(notificationTypes, nt) {
		s.fail(Root("notification_type"), ruleNotificationType, EnumError("notification_type", notificationTypes, nt), "")
		return false
	}
	if !s.persona(f.field(sendPersonaID)) {
		return false
	}
	return s.replyTo(f.field(sendReplyTo), out)
}

// persona checks f, a persona_id.
func (s *sendChecker) persona(f field) bool {
	id, present, ok := s.optTextField(f, Path{}, rulePersona)
	if !ok {
		return false
	}
	if present && !s.st.Persona(id) {
		s.fail(Root("persona_id"), rulePersona, Err(KeyInvalid), "persona "+id+" is not a live persona of this Page")
		return false
	}
	return true
}

// replyTo checks f, a reply_to.
func (s *sendChecker) replyTo(f field, out *SendCheck) bool {
	raw, ok := s.optionalField(f, Path{}, true)
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

func isTemplate(msg map[string]any, kind string) bool {
	att, _ := asObject(msg["attachment"])
	if t, _ := asString(att["type"]); t != "template" {
		return false
	}
	pl, _ := asObject(att["payload"])
	tt, _ := asString(pl["template_type"])
	return tt == kind
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
