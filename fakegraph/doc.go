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
//	         emitters.go, users.go). State lives in the store (store.go),
//	         guarded by Server.mu, and nowhere else.
//	Journal: event.go is the vocabulary (kinds, API families, actions, one
//	         Detail type per kind), journal_write.go writes every kind but
//	         requests (call.go) and delivery attempts (webhook_post.go),
//	         journal.go keeps and serves them. The journal is the only thing
//	         readers share: the webhook dispatcher, testkit, the web UI, the
//	         scenario runner and GET /_messemu/v1/journal all read events,
//	         never the store.
//	Webhooks: the dispatcher (dispatch.go, webhook_post.go,
//	         webhook_retry.go, webhook_sign.go, webhook.go) follows the
//	         journal and posts the Hook of every event that has one.
//
// # Adding a webhook event type
//
// A new event a user (or the platform) causes touches:
//
//   - events.go: its body type, and its field on MessagingEvent;
//   - event.go: its Action constant (and a Field constant if the field is
//     new, listed in the subscription fields in webhook.go);
//   - its emitter: a UserXxx or EmitXxx method (emitters.go) that calls
//     journalUserAction, and a control route for it (control_users.go,
//     with its operation in openapi.yaml);
//   - testdata/webhooks/<field>.json, its golden body, and a row in
//     webhook_test.go.
//
// The dispatcher, the journal, testkit's transcript and the thread view
// need nothing: they read the event's Hook and Action.
package fakegraph
