package fakegraph

import "errors"

// The domain errors of the Go API. Methods that act on the emulator
// (AddUser, UserTapsQuickReply, AddFault, ...) return an error that
// errors.Is one of these, with a message that says what to do; the
// control API maps them to HTTP statuses (control_http.go), the web UI
// and the scenario runner show the message.
var (
	// ErrInvalid: the call itself is malformed or asks for something
	// impossible (a user without a name, an edit without text).
	ErrInvalid = errors.New("invalid")
	// ErrNoPage: no hosted Page has that id.
	ErrNoPage = errors.New("no such page")
	// ErrNoUser: the Page has no test user with that PSID.
	ErrNoUser = errors.New("no such test user")
	// ErrNoMessage: no message with that mid in the user's thread.
	ErrNoMessage = errors.New("no such message")
	// ErrNoQuickReply: the bot offered no such quick reply, or it is gone
	// (the user tapped one or wrote since).
	ErrNoQuickReply = errors.New("no such quick reply")
	// ErrNoButton: no postback button, Get Started, menu item or ice
	// breaker with that title to tap.
	ErrNoButton = errors.New("no such button")
	// ErrNoFault: no fault rule with that id.
	ErrNoFault = errors.New("no such fault rule")
	// ErrNoEvent: no journal event with that sequence number.
	ErrNoEvent = errors.New("no such journal event")
	// ErrRefused: the platform refuses the action (another app acting on
	// the handover protocol against its rules).
	ErrRefused = errors.New("refused")
)

// domainError is a domain error with the message a person reads.
type domainError struct {
	kind error
	msg  string
}

func (e *domainError) Error() string { return e.msg }
func (e *domainError) Unwrap() error { return e.kind }

// fail returns an error that is kind, saying msg.
func fail(kind error, msg string) error { return &domainError{kind, msg} }

// invalid returns an ErrInvalid saying msg.
func invalid(msg string) error { return &domainError{ErrInvalid, msg} }
