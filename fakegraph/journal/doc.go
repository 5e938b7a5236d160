// Package journal is messemu's record of what happened: an append-only,
// sequenced log of events (Journal) and its vocabulary (event kinds, API
// families, webhook fields, actions and one Detail type per kind).
//
// Writers append; readers (the webhook dispatcher, testkit, the web UI,
// the scenario runner, the control API) ask for the events after a
// sequence number and may wait for new ones. A reader whose position was
// trimmed under the journal's limit gets a *TrimmedError, never a silent
// gap; a reader that must see every event holds a Pin. The same events
// are served as JSON by GET /_messemu/v1/journal (the JournalEvent schema
// of openapi.yaml).
//
// The package imports no other messemu package but validator: fakegraph
// and package webhook write to it, and fakegraph re-exports its names.
package journal
