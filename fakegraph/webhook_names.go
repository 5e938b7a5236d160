package fakegraph

import "github.com/messemu/messemu/fakegraph/webhook"

// Webhook delivery and the webhook event bodies live in package webhook;
// these names keep fakegraph's API whole, so that emitters and callers
// need one import. A new body type needs no name here: emitters write
// webhook.Xxx.

// WebhookConfig points the emulator at a bot (webhook.WebhookConfig).
type WebhookConfig = webhook.WebhookConfig

// WebhookStatus is what the emulator knows of the webhook (webhook.WebhookStatus).
type WebhookStatus = webhook.WebhookStatus

// WebhookPayload is the body of one webhook POST.
type WebhookPayload = webhook.WebhookPayload

// WebhookEntry is one Page's events in a POST.
type WebhookEntry = webhook.WebhookEntry

// WebhookChange is a `changes` item (inbox_labels).
type WebhookChange = webhook.WebhookChange

// Party is a sender or recipient.
type Party = webhook.Party

// MessagingEvent is one item of `messaging` (or `standby`).
type MessagingEvent = webhook.MessagingEvent

// WebhookMessage is the `message` of a messages or message_echoes event.
type WebhookMessage = webhook.WebhookMessage

// QuickReplyPayload is the payload of a tapped quick reply.
type QuickReplyPayload = webhook.QuickReplyPayload

// ReplyTo names the message a user's message quotes.
type ReplyTo = webhook.ReplyTo

// MessageCommand is a bot command the user picked from the composer menu.
type MessageCommand = webhook.MessageCommand

// WebhookAttachment is an attachment of a user's message or an echo.
type WebhookAttachment = webhook.WebhookAttachment

// Delivery says which Page messages reached the user.
type Delivery = webhook.Delivery

// Read says the user read every Page message up to the watermark.
type Read = webhook.Read

// Reaction is a reaction to a message, or its removal.
type Reaction = webhook.Reaction

// Postback is a tapped postback button, Get Started or menu item.
type Postback = webhook.Postback

// MessageEdit is a user's edit of their message.
type MessageEdit = webhook.MessageEdit

// OptIn is a plugin or one-time-notification opt-in.
type OptIn = webhook.OptIn

// Referral is how a user came to the thread.
type Referral = webhook.Referral

// ThreadControl is a pass_thread_control or take_thread_control event.
type ThreadControl = webhook.ThreadControl

// RequestThreadControl is a request_thread_control event.
type RequestThreadControl = webhook.RequestThreadControl

// AccountLinking is a messaging_account_linking event.
type AccountLinking = webhook.AccountLinking

// PolicyEnforcement is a messaging_policy_enforcement event.
type PolicyEnforcement = webhook.PolicyEnforcement

// MessagingFeedback is a customer feedback form submission.
type MessagingFeedback = webhook.MessagingFeedback

// FeedbackScreen is one screen of a feedback submission.
type FeedbackScreen = webhook.FeedbackScreen

// FeedbackQuestion is one answered question.
type FeedbackQuestion = webhook.FeedbackQuestion

// FeedbackFollowUp is the free-text follow-up of a question.
type FeedbackFollowUp = webhook.FeedbackFollowUp

// InboxLabel is the value of an inbox_labels change.
type InboxLabel = webhook.InboxLabel

// InboxLabelLabel names the label of an inbox_labels change.
type InboxLabelLabel = webhook.InboxLabelLabel

// ErrWebhookVerification wraps a failed handshake (errors.Is), as against
// a configuration SetWebhook refuses outright.
var ErrWebhookVerification = webhook.ErrWebhookVerification

// WebhookFields lists every field the emulator sends, the default
// subscription.
func WebhookFields() []string { return webhook.Fields() }
