package journal

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/messemu/messemu/validator"
)

// The journal's vocabulary: what an event is, its kinds, the API families
// and actions it names, and one Detail type per kind. The web UI, testkit,
// scenarios and outside tools read these through the journal (Go) or
// GET /_messemu/v1/journal (JSON, the JournalEvent schema of openapi.yaml);
// nothing else is shared between writers and readers.

// EventKind says what an event records.
type EventKind string

const (
	// KindRequest is a Graph API call by the bot, accepted or refused.
	// API is its family (APISend, APIProfile, ...).
	KindRequest EventKind = "request"
	// KindUserAction is something a test user did (wrote, tapped, read,
	// reacted, opted in, ...) or the platform did to the user's thread
	// (policy enforcement). API is the webhook field it fires; Detail is a
	// UserActionDetail.
	KindUserAction EventKind = "user_action"
	// KindReceipt is a platform fact that follows an accepted send: its
	// echo (FieldMessageEchoes) or its delivery (FieldDeliveries), whatever
	// the webhook. Detail is a ReceiptDetail.
	KindReceipt EventKind = "receipt"
	// KindHandover is a change of thread control or of the Page's app
	// roles (FieldHandovers), as the bot's app is told of it. Detail is a
	// HandoverDetail.
	KindHandover EventKind = "handover"
	// KindLabel is a custom label added to or removed from a user
	// (FieldInboxLabels). Detail is a LabelDetail.
	KindLabel EventKind = "label"
	// KindWebhook is one webhook delivery attempt or handshake. API is the
	// field posted (or APIWebhookVerify); Detail is a WebhookAttemptDetail
	// or, for a handshake, a VerifyDetail.
	KindWebhook EventKind = "webhook"
	// KindFault is a fault rule acting on a request. Detail is a
	// FaultDetail.
	KindFault EventKind = "fault"
	// KindControl is a change made through the control API or its Go
	// methods (users, faults, webhook, rate limits, reset, clock, roles).
	// API is the change (ChangeUserCreated, ...); Detail is a
	// ControlDetail.
	KindControl EventKind = "control"
	// KindAlert is something the platform would tell the developer about
	// (a failing or disabled webhook, a failed handshake). Detail is an
	// AlertDetail.
	KindAlert EventKind = "alert"
)

// EventKinds lists every kind, in the order the documentation gives them.
func EventKinds() []EventKind {
	return []EventKind{KindRequest, KindUserAction, KindReceipt, KindHandover, KindLabel, KindWebhook, KindFault, KindControl, KindAlert}
}

// The API families of Graph requests (Event.API of KindRequest events and
// FaultRule.API). The webhook fields (FieldMessages, ...) name the API of
// the events that fire them.
const (
	APISend          = "send"           // POST /{page}/messages
	APINode          = "node"           // GET and DELETE /{id}, GET /me
	APIUserProfile   = "user_profile"   // GET /{psid}
	APIProfile       = "profile"        // messenger_profile, custom_user_settings
	APIPersonas      = "personas"       // /{page}/personas, /{persona}
	APILabels        = "labels"         // custom_labels, /{label}/label
	APIAttachments   = "attachments"    // /{page}/message_attachments
	APIHandover      = "handover"       // *_thread_control, thread_owner, secondary_receivers
	APIBatch         = "batch"          // POST / (batch requests)
	APISubscriptions = "subscriptions"  // subscribed_apps, /{app}/subscriptions
	APIDebugToken    = "debug_token"    // GET /debug_token
	APIFeatureReview = "feature_review" // /{page}/messaging_feature_review
	// APIAccountLinking is POST /{page}/unlink_accounts (linking.go); the
	// PSID lookup of GET /me is a node call.
	APIAccountLinking = "account_linking"
	// APIIDMatching is GET /{id}/ids_for_pages and /{id}/ids_for_apps
	// (idmatching.go).
	APIIDMatching = "id_matching"
	// APIInsights is GET /{page}/insights (insights.go).
	APIInsights = "insights"
	// APINotEmulated is a real endpoint messemu does not model
	// (unmodelled.go, decision D28).
	APINotEmulated = "not_emulated"
	// APIWebhookVerify is the API of a webhook handshake (KindWebhook or
	// KindAlert).
	APIWebhookVerify = "webhook_verify"
)

// Webhook fields: the API of the events that fire them
// (Event.API) and the Field of their Hook. The Page starts subscribed to
// every field the emulator sends.
const (
	FieldMessages          = "messages"
	FieldMessageEchoes     = "message_echoes"
	FieldPostbacks         = "messaging_postbacks"
	FieldDeliveries        = "message_deliveries"
	FieldReads             = "message_reads"
	FieldReactions         = "message_reactions"
	FieldEdits             = "message_edits"
	FieldOptins            = "messaging_optins"
	FieldReferrals         = "messaging_referrals"
	FieldHandovers         = "messaging_handovers"
	FieldAccountLinking    = "messaging_account_linking"
	FieldPolicyEnforcement = "messaging_policy_enforcement"
	FieldFeedback          = "messaging_feedback"
	FieldInboxLabels       = "inbox_labels"
	FieldStandby           = "standby"
)

// RequestAPIs lists the Graph API families.
func RequestAPIs() []string {
	return []string{APISend, APINode, APIUserProfile, APIProfile, APIPersonas, APILabels, APIAttachments,
		APIHandover, APIBatch, APISubscriptions, APIDebugToken, APIFeatureReview, APIAccountLinking,
		APIIDMatching, APIInsights, APINotEmulated}
}

// Action says what a user (or the platform, on the user's thread) did:
// the Action of a UserActionDetail or a HandoverDetail.
type Action string

// User actions.
const (
	ActionMessage           Action = "message"     // wrote text or sent attachments
	ActionQuickReply        Action = "quick_reply" // tapped a quick reply
	ActionPostback          Action = "postback"    // tapped a postback button
	ActionGetStarted        Action = "get_started"
	ActionMenu              Action = "menu"        // tapped a persistent-menu item
	ActionIceBreaker        Action = "ice_breaker" // tapped an ice breaker
	ActionReaction          Action = "reaction"    // reacted or unreacted
	ActionRead              Action = "read"
	ActionEdit              Action = "edit"
	ActionOptin             Action = "optin"
	ActionReferral          Action = "referral"
	ActionAccountLinking    Action = "account_linking"
	ActionLogIn             Action = "log_in" // tapped a Log In button: account linking starts (linking.go)
	ActionFeedback          Action = "feedback"
	ActionPolicyEnforcement Action = "policy_enforcement"
)

// Handover actions (HandoverDetail.Action).
const (
	ActionPassThreadControl    Action = "pass_thread_control"
	ActionTakeThreadControl    Action = "take_thread_control"
	ActionRequestThreadControl Action = "request_thread_control"
	ActionAppRoles             Action = "app_roles"
)

// Control changes (Event.API of KindControl events).
const (
	ChangeUserCreated   = "user_created"
	ChangeUserUpdated   = "user_updated"
	ChangeFaultAdded    = "fault_added"
	ChangeFaultRemoved  = "fault_removed"
	ChangeFaultsCleared = "faults_cleared"
	ChangeWebhook       = "webhook"
	ChangeRateLimits    = "rate_limits"
	ChangeReceipts      = "receipts"
	ChangeReset         = "reset"
	ChangeClock         = "clock"
	ChangeAppRoles      = "app_roles"
	// ChangeHandoverAct: another app of the Page passed, took, requested
	// or released a thread through the control API (the data is the act;
	// the event's thread state is the thread after it). What the bot's app
	// is told of follows as handover events; a release tells it nothing.
	ChangeHandoverAct = "handover_act"
	// ChangePageSettings: the Page's News flag or the app's Human Agent
	// permission changed (the data is the change).
	ChangePageSettings = "page_settings"
	// ChangeToken: a Page token expired, was revoked or restored (the
	// data is its new state, never the token).
	ChangeToken = "token"
)

// Changes lists the control changes (the API of KindControl events).
func Changes() []string {
	return []string{ChangeUserCreated, ChangeUserUpdated, ChangeFaultAdded, ChangeFaultRemoved, ChangeFaultsCleared,
		ChangeWebhook, ChangeRateLimits, ChangeReceipts, ChangeReset, ChangeClock, ChangeAppRoles, ChangeHandoverAct,
		ChangePageSettings, ChangeToken}
}

// Alerts lists the alerts (the API of KindAlert events).
func Alerts() []string {
	return []string{AlertWebhookFailing, AlertWebhookDisabled, AlertWebhookDropped, APIWebhookVerify}
}

// Alerts (Event.API of KindAlert events).
const (
	AlertWebhookFailing  = "webhook_failing"
	AlertWebhookDisabled = "webhook_disabled"
	// AlertWebhookDropped: webhook events were dropped unsent, the journal
	// events that fired them let go under the retention before the
	// dispatcher, behind a slow bot, could read them (AlertDetail.Dropped).
	AlertWebhookDropped = "webhook_dropped"
	// A failed handshake is an alert with API APIWebhookVerify.
)

// Event is one entry of the journal. Events are immutable once appended:
// readers share them, so nothing may modify an event it was given.
type Event struct {
	Seq  uint64    `json:"seq"`
	Time time.Time `json:"time"` // virtual clock
	Kind EventKind `json:"kind"`
	// PageID and PSID place the event in a conversation ("" when none).
	PageID string `json:"page_id,omitempty"`
	PSID   string `json:"psid,omitempty"`
	// API is the family of a request (APISend, ...), the webhook field an
	// event fires (FieldMessages, ...), a control change (ChangeReset,
	// ...) or an alert (AlertWebhookFailing, ...).
	API    string `json:"api,omitempty"`
	Method string `json:"method,omitempty"`
	Path   string `json:"path,omitempty"`
	Status int    `json:"status,omitempty"`
	// Accepted is true for a request the platform would accept, an action
	// that happened, a delivered webhook.
	Accepted bool `json:"accepted"`
	// Request and Response are the bodies as JSON (requests are decoded
	// from JSON, form or multipart into one JSON object).
	Request    json.RawMessage       `json:"request,omitempty"`
	Response   json.RawMessage       `json:"response,omitempty"`
	Violations []validator.Violation `json:"violations,omitempty"`
	// MID is the message id an accepted send or a user message produced,
	// or the message an action or receipt is about.
	MID string `json:"mid,omitempty"`
	// Thread is the state of the user's thread when the event happened.
	Thread *ThreadState `json:"thread,omitempty"`
	// Detail is the kind's Detail type as JSON; DecodeDetail reads it.
	Detail json.RawMessage `json:"detail,omitempty"`
}

// ThreadState is a thread as the platform's rules saw it at an event.
type ThreadState struct {
	// OwnerAppID is the app that owns the thread ("" when idle).
	OwnerAppID string `json:"owner_app_id,omitempty"`
	// Standby: another app owns the thread, or the thread is idle and
	// another app is the primary receiver, so the bot's app gets the
	// event as `standby`.
	Standby bool `json:"standby,omitempty"`
	// Window is "open" while the 24-hour standard messaging window is,
	// else "closed".
	Window string `json:"window"`
	// WindowEnds is when the 24-hour window closes (zero: never opened).
	WindowEnds time.Time `json:"window_ends,omitzero"`
	// HumanAgentEnds is when the 7-day HUMAN_AGENT window closes.
	HumanAgentEnds time.Time `json:"human_agent_ends,omitzero"`
}

// Window states.
const (
	WindowOpen   = "open"
	WindowClosed = "closed"
)

// Hook is the webhook event an event fires, as the platform would post
// it: the field and one messaging item, or a `changes` value.
type Hook struct {
	Field string `json:"field"`
	// Event is the `messaging` (or `standby`) item; Change the value of a
	// `changes` item (inbox_labels). One of them is set.
	Event  json.RawMessage `json:"event,omitempty"`
	Change json.RawMessage `json:"change,omitempty"`
	// Standby: the item goes out under `standby`, not `messaging`.
	Standby bool `json:"standby,omitempty"`
}

// SentField is the field the item goes out under, and the one a webhook
// and a Page must be subscribed to for it to be sent: standby, or its own.
func (h Hook) SentField() string {
	if h.Standby {
		return FieldStandby
	}
	return h.Field
}

// UserActionDetail is the Detail of a KindUserAction event.
type UserActionDetail struct {
	Action Action `json:"action"`
	// Hook is what the action fires; Field is "" for an action that fires
	// nothing by itself (a referral held for Get Started).
	Hook
}

// ReceiptDetail is the Detail of a KindReceipt event: the echo or the
// delivery of the send journalled at RequestSeq.
type ReceiptDetail struct {
	RequestSeq uint64 `json:"request_seq"`
	Hook
}

// HandoverDetail is the Detail of a KindHandover event.
type HandoverDetail struct {
	Action Action `json:"action"`
	Hook
}

// LabelDetail is the Detail of a KindLabel event.
type LabelDetail struct {
	// Action is "add" or "remove".
	Action  string `json:"action"`
	LabelID string `json:"label_id"`
	Hook
}

// WebhookAttemptDetail is the Detail of a KindWebhook delivery attempt.
type WebhookAttemptDetail struct {
	// EventID numbers the webhook event; EventSeq is the journal event it
	// delivers.
	EventID  uint64 `json:"event_id"`
	EventSeq uint64 `json:"event_seq"`
	Attempt  int    `json:"attempt"` // attempts made so far
	// Dropped marks an entry that is not an attempt: the event failed
	// without a POST (webhook unverified, disabled, removed or closed).
	Dropped bool `json:"dropped,omitempty"`
	// Batch is the number of events the POST carried, when more than one.
	Batch     int        `json:"batch,omitempty"`
	Outcome   string     `json:"outcome"` // OutcomeDelivered, OutcomeRetry or OutcomeFailed
	LatencyMS float64    `json:"latency_ms"`
	URL       string     `json:"url,omitempty"`
	Error     string     `json:"error,omitempty"`
	Answer    string     `json:"answer,omitempty"`
	NextRetry *time.Time `json:"next_retry,omitempty"`
}

// Outcomes of a delivery attempt.
const (
	OutcomeDelivered = "delivered"
	OutcomeRetry     = "retry"
	OutcomeFailed    = "failed"
)

// VerifyDetail is the Detail of a webhook handshake (KindWebhook when it
// passed, KindAlert when it failed).
type VerifyDetail struct {
	URL       string  `json:"url"`
	Challenge string  `json:"challenge"`
	Status    int     `json:"status,omitempty"`
	Answer    string  `json:"answer,omitempty"`
	Error     string  `json:"error,omitempty"`
	LatencyMS float64 `json:"latency_ms"`
}

// FaultDetail is the Detail of a KindFault event: the rule that acted on
// the request journalled right after it, and what it did.
type FaultDetail struct {
	// Rules are the rules that acted (their latencies add up); RuleID is
	// the one whose error answers, if any.
	Rules     []string      `json:"rules"`
	RuleID    string        `json:"rule_id,omitempty"`
	Error     validator.Key `json:"error,omitempty"`
	LatencyMS float64       `json:"latency_ms,omitempty"`
	// TimedOut: the rule made a batch item time out (null in the batch).
	TimedOut bool `json:"timed_out,omitempty"`
}

// ControlDetail is the Detail of a KindControl event: the change (also
// the event's API) and its data (the user created, the rule added, the
// webhook's new settings, the clock's move).
type ControlDetail struct {
	Change string          `json:"change"`
	Data   json.RawMessage `json:"data,omitempty"`
}

// AlertDetail is the Detail of a KindAlert event.
type AlertDetail struct {
	Alert        string     `json:"alert"` // the text the developer reads
	URL          string     `json:"url,omitempty"`
	LastError    string     `json:"last_error,omitempty"`
	FailingSince *time.Time `json:"failing_since,omitempty"`
	// Verify is set for a failed handshake.
	Verify *VerifyDetail `json:"verify,omitempty"`
	// Dropped counts the webhook events an AlertWebhookDropped reports,
	// fired by journal events FromSeq to ToSeq.
	Dropped int    `json:"dropped,omitempty"`
	FromSeq uint64 `json:"from_seq,omitempty"`
	ToSeq   uint64 `json:"to_seq,omitempty"`
}

// DecodeDetail returns the event's Detail as its kind's type (a value,
// such as UserActionDetail), or nil when the event has none.
func (e *Event) DecodeDetail() (any, error) {
	if len(e.Detail) == 0 {
		return nil, nil
	}
	switch e.Kind {
	case KindUserAction:
		return decodeDetail[UserActionDetail](e)
	case KindReceipt:
		return decodeDetail[ReceiptDetail](e)
	case KindHandover:
		return decodeDetail[HandoverDetail](e)
	case KindLabel:
		return decodeDetail[LabelDetail](e)
	case KindWebhook:
		if e.API == APIWebhookVerify {
			return decodeDetail[VerifyDetail](e)
		}
		return decodeDetail[WebhookAttemptDetail](e)
	case KindFault:
		return decodeDetail[FaultDetail](e)
	case KindControl:
		return decodeDetail[ControlDetail](e)
	case KindAlert:
		return decodeDetail[AlertDetail](e)
	}
	return nil, fmt.Errorf("journal event %d: kind %q has no detail", e.Seq, e.Kind)
}

// decodeDetail reads e's Detail as a T (a value, not a pointer).
func decodeDetail[T any](e *Event) (any, error) {
	var d T
	if err := json.Unmarshal(e.Detail, &d); err != nil {
		return nil, fmt.Errorf("journal event %d: %s detail: %w", e.Seq, e.Kind, err)
	}
	return d, nil
}

// Hook returns the webhook event the event fires, if it fires one: user
// actions, receipts, handovers and label changes do. The webhook
// dispatcher delivers exactly these.
func (e *Event) Hook() (Hook, bool) {
	switch e.Kind {
	case KindUserAction, KindReceipt, KindHandover, KindLabel:
	default:
		return Hook{}, false
	}
	var h Hook
	if len(e.Detail) == 0 || json.Unmarshal(e.Detail, &h) != nil || h.Field == "" {
		return Hook{}, false
	}
	return h, true
}

// UserAction returns a KindUserAction event's detail.
func (e *Event) UserAction() (UserActionDetail, bool) {
	var d UserActionDetail
	if e.Kind != KindUserAction || json.Unmarshal(e.Detail, &d) != nil {
		return UserActionDetail{}, false
	}
	return d, true
}

// Attempt returns a KindWebhook delivery attempt's detail.
func (e *Event) Attempt() (WebhookAttemptDetail, bool) {
	var d WebhookAttemptDetail
	if e.Kind != KindWebhook || e.API == APIWebhookVerify || json.Unmarshal(e.Detail, &d) != nil {
		return WebhookAttemptDetail{}, false
	}
	return d, true
}
