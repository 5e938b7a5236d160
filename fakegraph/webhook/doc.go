// Package webhook delivers the emulator's webhooks the way the platform
// does: it follows the journal, turns the Hook of every
// event into the exact bytes the platform would post (envelope, escaping,
// X-Hub-Signature-256), queues them per user so that one user's events
// keep their order, posts them from a bounded pool of workers, retries on
// the virtual clock (three at once, then +1, +2, +5, +10 min, then every
// 10 min), raises the alert after 15 min of failure and disables the
// webhook after 1 h. Every attempt, handshake and alert is journalled.
// What it holds is bounded whatever the load: a few thousand events in
// memory, the rest unread in the journal, whose retention it holds back
// by a bounded number of events; past that, webhook events are dropped
// unsent, counted, and reported by an alert once per episode.
//
// It also holds the webhook event bodies (MessagingEvent and the types it
// carries), which the emulator's emitters build and journal.
//
// A Dispatcher reaches the emulator only through Host: the journal, the
// logger, the app secret, the virtual clock and the Pages' subscriptions.
// It imports package journal and never fakegraph, which holds one
// Dispatcher per Server and re-exports these names.
package webhook
