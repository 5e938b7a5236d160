package webhook

import (
	"encoding/json"
	"time"

	"github.com/messemu/messemu/fakegraph/journal"
)

// The webhook events of PLATFORM.md §10, as one set of Go types. User
// actions build a MessagingEvent from the store and journal it (the
// event's Detail); the dispatcher wraps it in the envelope and posts it.

// What a POST carries and how long it may take.
const (
	webhookUserAgent         = "facebookexternalua"
	webhookContentType       = "application/json"
	defaultWebhookTimeout    = 5 * time.Second
	webhookDefaultWorkerPool = 8
)

// Fields lists every field the emulator sends, in the order the platform documents them:
// the default subscription of a webhook and of a Page.
func Fields() []string {
	return []string{
		journal.FieldMessages, journal.FieldMessageEchoes, journal.FieldPostbacks, journal.FieldDeliveries,
		journal.FieldReads, journal.FieldReactions, journal.FieldEdits, journal.FieldOptins,
		journal.FieldReferrals, journal.FieldHandovers, journal.FieldAccountLinking,
		journal.FieldPolicyEnforcement, journal.FieldFeedback, journal.FieldInboxLabels, journal.FieldStandby,
	}
}

// StoredOnlyFields may be subscribed to (with a warning) but are never sent.
func StoredOnlyFields() []string {
	return []string{
		"messaging_game_plays", "messenger_template_status_update", "response_feedback", "send_cart", "group_feed", "messaging_seen",
	}
}

// WebhookPayload is the body of one webhook POST.
type WebhookPayload struct {
	Object string         `json:"object"`
	Entry  []WebhookEntry `json:"entry"`
}

// WebhookEntry is one Page's events; the emulator sends one entry with one
// event per POST.
type WebhookEntry struct {
	ID        string            `json:"id"`
	Time      int64             `json:"time"`
	Messaging []json.RawMessage `json:"messaging,omitempty"`
	Standby   []json.RawMessage `json:"standby,omitempty"`
	Changes   []WebhookChange   `json:"changes,omitempty"`
}

// WebhookChange is a `changes` item (inbox_labels).
type WebhookChange struct {
	Field string          `json:"field"`
	Value json.RawMessage `json:"value"`
}

// Party is a sender or recipient: a PSID or Page id, or a plugin user_ref.
type Party struct {
	ID      string `json:"id,omitempty"`
	UserRef string `json:"user_ref,omitempty"`
}

// MessagingEvent is one item of `messaging` (or `standby`): the sender,
// the recipient, the time in ms and exactly one body.
type MessagingEvent struct {
	Sender               *Party                `json:"sender,omitempty"`
	Recipient            Party                 `json:"recipient"`
	Timestamp            int64                 `json:"timestamp"`
	Message              *WebhookMessage       `json:"message,omitempty"`
	Delivery             *Delivery             `json:"delivery,omitempty"`
	Read                 *Read                 `json:"read,omitempty"`
	Reaction             *Reaction             `json:"reaction,omitempty"`
	Postback             *Postback             `json:"postback,omitempty"`
	MessageEdit          *MessageEdit          `json:"message_edit,omitempty"`
	Optin                *OptIn                `json:"optin,omitempty"`
	Referral             *Referral             `json:"referral,omitempty"`
	PassThreadControl    *ThreadControl        `json:"pass_thread_control,omitempty"`
	TakeThreadControl    *ThreadControl        `json:"take_thread_control,omitempty"`
	RequestThreadControl *RequestThreadControl `json:"request_thread_control,omitempty"`
	AppRoles             map[string][]string   `json:"app_roles,omitempty"`
	AccountLinking       *AccountLinking       `json:"account_linking,omitempty"`
	PolicyEnforcement    *PolicyEnforcement    `json:"policy_enforcement,omitempty"`
	MessagingFeedback    *MessagingFeedback    `json:"messaging_feedback,omitempty"`
}

// WebhookMessage is the `message` of a messages or message_echoes event.
type WebhookMessage struct {
	MID         string              `json:"mid"`
	IsEcho      bool                `json:"is_echo,omitempty"`
	AppID       int64               `json:"app_id,omitempty"` // a number in echoes
	Metadata    string              `json:"metadata,omitempty"`
	Text        string              `json:"text,omitempty"`
	QuickReply  *QuickReplyPayload  `json:"quick_reply,omitempty"`
	ReplyTo     *ReplyTo            `json:"reply_to,omitempty"`
	Attachments []WebhookAttachment `json:"attachments,omitempty"`
	Commands    []MessageCommand    `json:"commands,omitempty"`
}

// QuickReplyPayload is the payload of a tapped quick reply.
type QuickReplyPayload struct {
	Payload string `json:"payload"`
}

// ReplyTo names the message a user's message quotes.
type ReplyTo struct {
	MID         string `json:"mid"`
	IsSelfReply bool   `json:"is_self_reply"`
}

// MessageCommand is a bot command the user picked from the composer menu.
type MessageCommand struct {
	Name string `json:"name"`
}

// WebhookAttachment is an attachment of a user's message or an echo.
type WebhookAttachment struct {
	Type    string          `json:"type"`
	Title   string          `json:"title,omitempty"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

// Delivery says which Page messages reached the user.
type Delivery struct {
	MIDs      []string `json:"mids,omitempty"`
	Watermark int64    `json:"watermark"`
}

// Read says the user read every Page message up to the watermark.
type Read struct {
	Watermark int64 `json:"watermark"`
}

// Reaction is a reaction to a message, or its removal.
type Reaction struct {
	Reaction string `json:"reaction"`
	Emoji    string `json:"emoji"`
	Action   string `json:"action"`
	MID      string `json:"mid"`
}

// Postback is a tapped postback button, Get Started or menu item.
type Postback struct {
	MID      string    `json:"mid,omitempty"`
	Title    string    `json:"title"`
	Payload  string    `json:"payload,omitempty"`
	Referral *Referral `json:"referral,omitempty"`
}

// MessageEdit is a user's edit of their message (at most 5 per message).
type MessageEdit struct {
	MID     string `json:"mid"`
	Text    string `json:"text"`
	NumEdit int    `json:"num_edit"`
}

// OptIn is a plugin opt-in (Ref, with UserRef for the checkbox plugin) or
// a one-time-notification opt-in (Type "one_time_notif_req", Payload and
// the single-use token).
type OptIn struct {
	Type              string `json:"type,omitempty"`
	Ref               string `json:"ref,omitempty"`
	UserRef           string `json:"user_ref,omitempty"`
	Payload           string `json:"payload,omitempty"`
	OneTimeNotifToken string `json:"one_time_notif_token,omitempty"`
}

// Referral is how a user came to the thread: an m.me link or an ad.
type Referral struct {
	Ref            string          `json:"ref,omitempty"`
	Source         string          `json:"source"`
	Type           string          `json:"type"`
	AdID           string          `json:"ad_id,omitempty"`
	AdsContextData json.RawMessage `json:"ads_context_data,omitempty"`
}

// ThreadControl is a pass_thread_control or take_thread_control event.
// A nil PreviousOwnerAppID means the thread was idle.
type ThreadControl struct {
	PreviousOwnerAppID *string `json:"previous_owner_app_id"`
	NewOwnerAppID      string  `json:"new_owner_app_id"`
	Metadata           string  `json:"metadata"`
}

// RequestThreadControl is a request_thread_control event.
type RequestThreadControl struct {
	RequestedOwnerAppID string `json:"requested_owner_app_id"`
	Metadata            string `json:"metadata"`
}

// AccountLinking is a messaging_account_linking event.
type AccountLinking struct {
	Status            string `json:"status"`
	AuthorizationCode string `json:"authorization_code,omitempty"`
}

// PolicyEnforcement is a messaging_policy_enforcement event; Reason is
// omitted for unblock.
type PolicyEnforcement struct {
	Action string `json:"action"`
	Reason string `json:"reason,omitempty"`
}

// MessagingFeedback is a customer feedback form submission.
type MessagingFeedback struct {
	FeedbackScreens []FeedbackScreen `json:"feedback_screens"`
}

// FeedbackScreen is one screen of a feedback submission.
type FeedbackScreen struct {
	ScreenID  int                         `json:"screen_id"`
	Questions map[string]FeedbackQuestion `json:"questions"`
}

// FeedbackQuestion is one answered question.
type FeedbackQuestion struct {
	Type     string            `json:"type"`
	Payload  string            `json:"payload"`
	FollowUp *FeedbackFollowUp `json:"follow_up,omitempty"`
}

// FeedbackFollowUp is the free-text follow-up of a question.
type FeedbackFollowUp struct {
	Type    string `json:"type"`
	Payload string `json:"payload"`
}

// InboxLabel is the value of an inbox_labels change.
type InboxLabel struct {
	User   Party           `json:"user"`
	Action string          `json:"action"`
	Label  InboxLabelLabel `json:"label"`
}

// InboxLabelLabel names the label of an inbox_labels change.
type InboxLabelLabel struct {
	ID            string `json:"id"`
	PageLabelName string `json:"page_label_name"`
}
