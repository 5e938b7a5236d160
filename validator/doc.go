// Package validator answers one question: would the Messenger Platform
// accept this request, and if not, why? Validator.Send judges a Send API
// body in the platform's order (recipient, message or action, window and
// tag, content), MessengerProfile, UserSettings, CreatePersona and
// CreateLabel the other families' bodies; SendAll goes on past the first
// error as `messemu validate` does. Each verdict is a list of Violations,
// each with its JSON path, the rule broken (Rules lists them all), the
// documented limit and source, and for an error the Graph error the
// platform answers (the first error is the one answered; every warning is
// kept). The package knows nothing of HTTP servers: what it needs of the
// emulator's state it reads through State (OfflineState when there is no
// emulator).
package validator
