package validator

import "time"

// State is the emulator's view of the world that a rule may need: the
// virtual clock, the test users and what the Page owns. The validator knows
// nothing else of the server; fakegraph implements State over its store.
type State interface {
	// Now is the virtual clock.
	Now() time.Time
	// User looks a PSID up among the Page's users.
	User(psid string) (UserInfo, bool)
	// UserRef reports whether ref came from a simulated plugin opt-in,
	// and what the rules need of the user who opted in.
	UserRef(ref string) (UserInfo, bool)
	// OneTimeToken reports the state of a one-time-notification token, and
	// what the rules need of the user it was issued by.
	OneTimeToken(token string) (UserInfo, TokenStatus)
	// Persona reports whether id is a live persona of the Page.
	Persona(id string) bool
	// ThreadMessage reports whether mid is a message of psid's thread.
	ThreadMessage(psid, mid string) bool
	// Attachment looks up a saved attachment id.
	Attachment(id string) (AttachmentInfo, bool)
	// Product reports whether a product id is registered to the Page.
	Product(id string) bool
	// WhitelistedDomain reports whether host is in whitelisted_domains.
	WhitelistedDomain(host string) bool
	// OrderNumberUsed reports whether a receipt already used the number.
	OrderNumberUsed(orderNumber string) bool
	// Page describes the Page's flags.
	Page() PageInfo
}

// UserInfo is what the rules need of one test user.
type UserInfo struct {
	// PSID is the user's, when the state knows it: it names the thread of
	// a send whose recipient is a user_ref or a one-time token.
	PSID string
	// LastInteraction is the last event that opened or refreshed the
	// 24-hour window; zero when there was none.
	LastInteraction time.Time
	// LastMessage is the user's last message, for the 7-day tags.
	LastMessage time.Time
	// Blocked: the user blocked the Page (551).
	Blocked bool
	// ControlledByOther: another app owns the thread (handover, 10/2018300).
	ControlledByOther bool
}

// TokenStatus is the state of a one-time-notification token.
type TokenStatus int

const (
	TokenUnknown TokenStatus = iota
	TokenValid
	TokenUsed
	TokenExpired
)

// AttachmentInfo describes a saved attachment.
type AttachmentInfo struct {
	Type    string    // image, audio, video, file
	Created time.Time // for the 90-day limit
	Foreign bool      // saved by another Page
}

// PageInfo holds the Page's flags set through the control API.
type PageInfo struct {
	News       bool // a News Page may use NON_PROMOTIONAL_SUBSCRIPTION
	HumanAgent bool // the app holds the Human Agent permission
}

// allDigits reports a non-empty string of ASCII digits (the form of IDs).
func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// OfflineState is the State for checking a request with no emulator
// (messemu validate): every well-formed id is taken to exist and every
// window to be open, so only the request itself is judged.
type OfflineState struct {
	Clock time.Time // zero: time.Now()
}

func (o OfflineState) Now() time.Time {
	if o.Clock.IsZero() {
		return time.Now()
	}
	return o.Clock
}

func (o OfflineState) User(psid string) (UserInfo, bool) { return o.reachable(), allDigits(psid) }

func (o OfflineState) UserRef(string) (UserInfo, bool)             { return o.reachable(), true }
func (o OfflineState) OneTimeToken(string) (UserInfo, TokenStatus) { return o.reachable(), TokenValid }

// reachable is every user of an offline check: in both windows, as of now.
func (o OfflineState) reachable() UserInfo {
	now := o.Now()
	return UserInfo{LastInteraction: now, LastMessage: now}
}
func (OfflineState) Persona(string) bool               { return true }
func (OfflineState) ThreadMessage(string, string) bool { return true }
func (OfflineState) Product(string) bool               { return true }
func (OfflineState) WhitelistedDomain(string) bool     { return true }
func (OfflineState) OrderNumberUsed(string) bool       { return false }
func (OfflineState) Page() PageInfo                    { return PageInfo{HumanAgent: true} }
func (o OfflineState) Attachment(string) (AttachmentInfo, bool) {
	return AttachmentInfo{Type: "image", Created: o.Now()}, true
}
