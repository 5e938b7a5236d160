// Package fakegraph is messemu's emulated Graph API: the HTTP server a bot
// talks to, the in-memory state (pages, test users, threads), the journal,
// the virtual clock and the control API.
//
// A Server is a value; every test may have its own:
//
//	s := fakegraph.New()
//	srv := httptest.NewServer(s.Handler())
//	// point the bot at srv.URL with fakegraph.DefaultPageToken
//
// # Layers
//
// Packages depend one way; nothing imports what sits above it:
//
//	cmd/messemu ─▶ webui, scenarios, testkit ─▶ fakegraph ─▶ validator
//	fakegraph ─▶ fakegraph/webhook ─▶ fakegraph/journal ─▶ validator
//	fakegraph ─────────────────────▶ fakegraph/journal
//
// Package journal is the record and its vocabulary and imports no other
// messemu package but validator (an event carries violations). Package
// webhook delivers what the journal holds; it imports journal, never
// fakegraph, and reaches the emulator through webhook.Host (the journal,
// the virtual clock, the Pages' subscriptions), which webhook_host.go
// implements. The compiler keeps these arrows: fakegraph imports both, so
// neither can import it back. fakegraph re-exports their names
// (journal_names.go, webhook_names.go): callers import fakegraph alone.
//
// State lives in three places, each behind its own lock: the store
// (store.go, guarded by Server.mu; its messages in pointer-free blocks,
// store_blocks.go), the journal, and the dispatcher's
// queues (derived from the journal; only its Status reads them). The
// journal is the only thing readers share: the webhook dispatcher,
// testkit, the web UI, the scenario runner and GET /_messemu/v1/journal
// all read events, never the store.
//
// Inside fakegraph:
//
//	HTTP:    http.go splits the Graph API (call.go: token, route, faults,
//	         rate limits, handler, journal) from the control API
//	         (control_http.go: a thin layer over exported Server methods,
//	         routed once; domain errors in errors.go become statuses there).
//	Domain:  one file per Graph API family (send.go, profile.go, ...),
//	         their routes at the top and bound to openapi.yaml by
//	         operationId (spec_binding.go); user actions (actions.go,
//	         emitters.go, users.go).
//	Journal: journal/event.go is the vocabulary (kinds, API families,
//	         webhook fields, actions, one Detail type per kind),
//	         journal_write.go writes every kind but requests (call.go) and
//	         webhook attempts, handshakes and alerts (package webhook),
//	         journal/journal.go keeps and serves them, encoded in
//	         pointer-free blocks (journal/codec.go) under a Retention
//	         (journal/retention.go) that the store follows
//	         (store_retention.go).
//	Webhooks: package webhook follows the journal and posts the Hook of
//	         every event that has one: dispatch.go (per-user queues,
//	         workers), post.go (a POST and its attempts), retry.go
//	         (retries on the virtual clock, alert, Webhooks Disabled),
//	         sign.go (the bytes and their signatures), webhook.go
//	         (configuration and handshake), events.go (the body types).
//
// # Adding a webhook event type
//
// A new event a user (or the platform) causes touches:
//
//   - webhook/events.go: its body type, and its field on MessagingEvent
//     (a new field also goes in Fields there);
//   - journal/event.go: its Action constant (and a Field constant if the
//     field is new), each with its line in journal_names.go;
//   - its emitter: a UserXxx or EmitXxx method (emitters.go) that calls
//     journalUserAction, and a control route for it (control_users.go);
//   - openapi.yaml: the route's operation, and the action in the
//     UserActionDetail and ConversationItem enums (a new field in
//     WebhookField);
//   - testdata/webhooks/<field>.json, its golden body, and a row in
//     webhook_test.go.
//
// The dispatcher, the journal, testkit's transcript and the thread view
// need nothing: they read the event's Hook and Action. A new body type
// needs no alias in webhook_names.go: the emitter writes webhook.Xxx.
package fakegraph
