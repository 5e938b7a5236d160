package fakegraph

import "github.com/messemu/messemu/fakegraph/journal"

// The journal and its vocabulary live in package journal; these names
// keep fakegraph's API whole, so that callers need one import. Each means
// exactly what its journal namesake does.

// Event is one entry of the journal (journal.Event).
type Event = journal.Event

// EventKind says what an event records (journal.EventKind).
type EventKind = journal.EventKind

// Action says what a user or the platform did (journal.Action).
type Action = journal.Action

// ThreadState is a thread as the rules saw it at an event (journal.ThreadState).
type ThreadState = journal.ThreadState

// Hook is the webhook event an event fires (journal.Hook).
type Hook = journal.Hook

// UserActionDetail is the Detail of a KindUserAction event.
type UserActionDetail = journal.UserActionDetail

// ReceiptDetail is the Detail of a KindReceipt event.
type ReceiptDetail = journal.ReceiptDetail

// HandoverDetail is the Detail of a KindHandover event.
type HandoverDetail = journal.HandoverDetail

// LabelDetail is the Detail of a KindLabel event.
type LabelDetail = journal.LabelDetail

// WebhookAttemptDetail is the Detail of a KindWebhook delivery attempt.
type WebhookAttemptDetail = journal.WebhookAttemptDetail

// VerifyDetail is the Detail of a webhook handshake.
type VerifyDetail = journal.VerifyDetail

// FaultDetail is the Detail of a KindFault event.
type FaultDetail = journal.FaultDetail

// ControlDetail is the Detail of a KindControl event.
type ControlDetail = journal.ControlDetail

// AlertDetail is the Detail of a KindAlert event.
type AlertDetail = journal.AlertDetail

// Journal is the append-only, sequenced log of everything that happened (journal.Journal).
type Journal = journal.Journal

// Pin holds events in the journal until a reader has seen them (journal.Pin).
type Pin = journal.Pin

// TrimmedError says which events a reader missed (journal.TrimmedError).
type TrimmedError = journal.TrimmedError

// Event kinds.
const (
	KindRequest    = journal.KindRequest
	KindUserAction = journal.KindUserAction
	KindReceipt    = journal.KindReceipt
	KindHandover   = journal.KindHandover
	KindLabel      = journal.KindLabel
	KindWebhook    = journal.KindWebhook
	KindFault      = journal.KindFault
	KindControl    = journal.KindControl
	KindAlert      = journal.KindAlert
)

// API families of Graph requests.
const (
	APISend           = journal.APISend
	APINode           = journal.APINode
	APIUserProfile    = journal.APIUserProfile
	APIProfile        = journal.APIProfile
	APIPersonas       = journal.APIPersonas
	APILabels         = journal.APILabels
	APIAttachments    = journal.APIAttachments
	APIHandover       = journal.APIHandover
	APIBatch          = journal.APIBatch
	APISubscriptions  = journal.APISubscriptions
	APIDebugToken     = journal.APIDebugToken
	APIFeatureReview  = journal.APIFeatureReview
	APIAccountLinking = journal.APIAccountLinking
	APIIDMatching     = journal.APIIDMatching
	APIInsights       = journal.APIInsights
	APINotEmulated    = journal.APINotEmulated
	APIWebhookVerify  = journal.APIWebhookVerify
)

// Webhook fields.
const (
	FieldMessages          = journal.FieldMessages
	FieldMessageEchoes     = journal.FieldMessageEchoes
	FieldPostbacks         = journal.FieldPostbacks
	FieldDeliveries        = journal.FieldDeliveries
	FieldReads             = journal.FieldReads
	FieldReactions         = journal.FieldReactions
	FieldEdits             = journal.FieldEdits
	FieldOptins            = journal.FieldOptins
	FieldReferrals         = journal.FieldReferrals
	FieldHandovers         = journal.FieldHandovers
	FieldAccountLinking    = journal.FieldAccountLinking
	FieldPolicyEnforcement = journal.FieldPolicyEnforcement
	FieldFeedback          = journal.FieldFeedback
	FieldInboxLabels       = journal.FieldInboxLabels
	FieldStandby           = journal.FieldStandby
)

// User actions.
const (
	ActionMessage           = journal.ActionMessage
	ActionQuickReply        = journal.ActionQuickReply
	ActionPostback          = journal.ActionPostback
	ActionGetStarted        = journal.ActionGetStarted
	ActionMenu              = journal.ActionMenu
	ActionIceBreaker        = journal.ActionIceBreaker
	ActionReaction          = journal.ActionReaction
	ActionRead              = journal.ActionRead
	ActionEdit              = journal.ActionEdit
	ActionOptin             = journal.ActionOptin
	ActionReferral          = journal.ActionReferral
	ActionAccountLinking    = journal.ActionAccountLinking
	ActionLogIn             = journal.ActionLogIn
	ActionFeedback          = journal.ActionFeedback
	ActionPolicyEnforcement = journal.ActionPolicyEnforcement
)

// Handover actions.
const (
	ActionPassThreadControl    = journal.ActionPassThreadControl
	ActionTakeThreadControl    = journal.ActionTakeThreadControl
	ActionRequestThreadControl = journal.ActionRequestThreadControl
	ActionAppRoles             = journal.ActionAppRoles
)

// Control changes.
const (
	ChangeUserCreated   = journal.ChangeUserCreated
	ChangeUserUpdated   = journal.ChangeUserUpdated
	ChangeFaultAdded    = journal.ChangeFaultAdded
	ChangeFaultRemoved  = journal.ChangeFaultRemoved
	ChangeFaultsCleared = journal.ChangeFaultsCleared
	ChangeWebhook       = journal.ChangeWebhook
	ChangeRateLimits    = journal.ChangeRateLimits
	ChangeReceipts      = journal.ChangeReceipts
	ChangeReset         = journal.ChangeReset
	ChangeClock         = journal.ChangeClock
	ChangeAppRoles      = journal.ChangeAppRoles
	ChangeHandoverAct   = journal.ChangeHandoverAct
	ChangePageSettings  = journal.ChangePageSettings
	ChangeToken         = journal.ChangeToken
)

// Alerts.
const (
	AlertWebhookFailing  = journal.AlertWebhookFailing
	AlertWebhookDisabled = journal.AlertWebhookDisabled
	AlertWebhookDropped  = journal.AlertWebhookDropped
)

// Window states.
const (
	WindowOpen   = journal.WindowOpen
	WindowClosed = journal.WindowClosed
)

// Outcomes of a delivery attempt.
const (
	OutcomeDelivered = journal.OutcomeDelivered
	OutcomeRetry     = journal.OutcomeRetry
	OutcomeFailed    = journal.OutcomeFailed
)

// ErrTrimmed is what a reader gets when events after its position were
// forgotten under the journal's limit.
var ErrTrimmed = journal.ErrTrimmed

// NewJournal returns an empty journal keeping at most about limit events
// (0: all of them); see journal.NewJournal.
func NewJournal(limit int) *Journal { return journal.NewJournal(limit) }

// EventKinds lists every kind, in the order the documentation gives them.
func EventKinds() []EventKind { return journal.EventKinds() }

// RequestAPIs lists the Graph API families.
func RequestAPIs() []string { return journal.RequestAPIs() }

// Retention bounds the journal and the conversation store together
// (journal.Retention).
type Retention = journal.Retention

// DefaultServeRetention is what `messemu serve` keeps unless told
// (journal.DefaultServeRetention).
var DefaultServeRetention = journal.DefaultServeRetention

// ParseRetention reads a retention: "unlimited", or events, a size and/or
// an age joined by commas (journal.ParseRetention).
func ParseRetention(text string) (Retention, error) { return journal.ParseRetention(text) }
