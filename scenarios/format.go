package scenarios

import (
	"errors"
	"regexp"
	"strings"
	"time"
)

// Scenario is one conversation: a test user, optional setup and the steps.
type Scenario struct {
	Name  string   `yaml:"name" json:"name"`
	Tags  []string `yaml:"tags" json:"tags,omitempty"`
	User  UserSpec `yaml:"user" json:"user,omitzero"`
	Setup Setup    `yaml:"setup" json:"setup,omitzero"`
	Steps []Step   `yaml:"steps" json:"steps"`

	// File and Line place the scenario (its name) in its file.
	File string `yaml:"-" json:"-"`
	Line int    `yaml:"-" json:"-"`

	// at places the values a failure outside the steps points at.
	at valuePlaces
}

// valuePlaces are where some of a scenario's values sit in its file, so
// that a failure of its setup points at the value (a zero place: not
// written, or not found).
type valuePlaces struct {
	clock, profile, referral place
}

// place is a line and a column (0: unknown).
type place struct{ line, col int }

// UserSpec is the scenario's test user. Each scenario gets a user of its
// own, created with these fields; what is left empty takes a default.
type UserSpec struct {
	Name       string   `yaml:"name" json:"name,omitempty"`
	FirstName  string   `yaml:"first_name" json:"first_name,omitempty"`
	LastName   string   `yaml:"last_name" json:"last_name,omitempty"`
	Locale     string   `yaml:"locale" json:"locale,omitempty"`
	Timezone   *float64 `yaml:"timezone" json:"timezone,omitempty"`
	Gender     string   `yaml:"gender" json:"gender,omitempty"`
	ProfilePic string   `yaml:"profile_pic" json:"profile_pic,omitempty"`
	Email      string   `yaml:"email" json:"email,omitempty"`
	Phone      string   `yaml:"phone" json:"phone,omitempty"`
	// Referral is the m.me link or ad the user arrives from before the
	// first step.
	Referral *ReferralStep `yaml:"referral" json:"referral,omitempty"`
}

// Setup prepares the emulator before the first step.
type Setup struct {
	// Profile is a Messenger Profile API body the runner POSTs with the
	// Page token, as the bot would (get_started, greeting, ...). Once the
	// scenario ends, each field it set is put back as it was before (or
	// deleted), so it does not reach into the scenarios after it.
	Profile map[string]any `yaml:"profile" json:"profile,omitempty"`
	// Clock moves the virtual clock to this instant (RFC 3339) first. A
	// scenario that moves the clock runs alone, after the others.
	Clock string `yaml:"clock" json:"clock,omitempty"`
}

// StartsAt is the scenario's setup: clock, if it has one (the loader has
// checked it is RFC 3339).
func (s *Scenario) StartsAt() (time.Time, bool) {
	if s.Setup.Clock == "" {
		return time.Time{}, false
	}
	t, err := parseClock(s.Setup.Clock)
	return t, err == nil
}

// clockOffset is the offset a date-time ends with, other than Z.
var clockOffset = regexp.MustCompile(`[+-]([0-9]{2}):([0-9]{2})$`)

// parseClock reads a setup: clock, an RFC 3339 date-time as schema.json
// takes it: its T and Z in either case, its offset at most 23:59.
func parseClock(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, strings.ToUpper(s))
	if err != nil {
		return t, err
	}
	if m := clockOffset.FindStringSubmatch(s); m != nil && (m[1] > "23" || m[2] > "59") {
		return time.Time{}, errors.New("the offset is out of range")
	}
	return t, nil
}

// ClockStart is where an emulator started for these scenarios sets its
// virtual clock, and false to leave it at the present: a minute before
// the earliest setup: clock, when that date has passed. The clock only
// moves forward, and runs on meanwhile; each setup then moves it to its
// date exactly.
func ClockStart(all []*Scenario) (time.Time, bool) {
	var first time.Time
	for _, s := range all {
		if t, ok := s.StartsAt(); ok && (first.IsZero() || t.Before(first)) {
			first = t
		}
	}
	if first.IsZero() || !first.Before(time.Now()) {
		return time.Time{}, false
	}
	return first.Add(-time.Minute), true
}

// MovesClock reports whether the scenario moves the virtual clock, so it
// must run alone.
func (s *Scenario) MovesClock() bool {
	if s.Setup.Clock != "" {
		return true
	}
	for _, st := range s.Steps {
		if st.AdvancesClock != nil {
			return true
		}
	}
	return false
}

// Step is one step: exactly one of its action keys is set.
type Step struct {
	// User steps.
	Says           *string       `yaml:"says" json:"says,omitempty"`
	Sends          *SendStep     `yaml:"sends" json:"sends,omitempty"`
	TapsQuickReply *TapStep      `yaml:"taps_quick_reply" json:"taps_quick_reply,omitempty"`
	TapsButton     *TapStep      `yaml:"taps_button" json:"taps_button,omitempty"`
	TapsGetStarted *bool         `yaml:"taps_get_started" json:"taps_get_started,omitempty"`
	TapsMenu       *string       `yaml:"taps_menu" json:"taps_menu,omitempty"`
	TapsIceBreaker *string       `yaml:"taps_ice_breaker" json:"taps_ice_breaker,omitempty"`
	Reacts         *ReactStep    `yaml:"reacts" json:"reacts,omitempty"`
	Reads          *bool         `yaml:"reads" json:"reads,omitempty"`
	OptsIn         *OptInStep    `yaml:"opts_in" json:"opts_in,omitempty"`
	Edits          *string       `yaml:"edits" json:"edits,omitempty"`
	ArrivesFrom    *ReferralStep `yaml:"arrives_from" json:"arrives_from,omitempty"`
	Waits          *Duration     `yaml:"waits" json:"waits,omitempty"`
	AdvancesClock  *Duration     `yaml:"advances_clock" json:"advances_clock,omitempty"`

	// Platform steps.
	Fault             *FaultStep    `yaml:"fault" json:"fault,omitempty"`
	Handover          *HandoverStep `yaml:"handover" json:"handover,omitempty"`
	PolicyEnforcement *PolicyStep   `yaml:"policy_enforcement" json:"policy_enforcement,omitempty"`

	// Expect steps.
	Expect         *Expect     `yaml:"expect" json:"expect,omitempty"`
	ExpectAnyOrder []Expect    `yaml:"expect_any_order" json:"expect_any_order,omitempty"`
	NoMessage      *Duration   `yaml:"no_message" json:"no_message,omitempty"`
	ExpectUser     *UserExpect `yaml:"expect_user" json:"expect_user,omitempty"`

	// Line and Column place the step in its file.
	Line   int `yaml:"-" json:"-"`
	Column int `yaml:"-" json:"-"`
}

// SendStep is an attachment the user sends: by URL, or a local file
// (a path relative to the scenario file) that the runner serves on
// loopback as the platform's CDN would; a sticker by its id.
type SendStep struct {
	Type      string `yaml:"type" json:"type"`
	URL       string `yaml:"url" json:"url,omitempty"`
	File      string `yaml:"file" json:"file,omitempty"`
	StickerID int64  `yaml:"sticker_id" json:"sticker_id,omitempty"`
	Title     string `yaml:"title" json:"title,omitempty"`
}

// TapStep taps a quick reply or a button by title, or by payload. A
// plain string is a title.
type TapStep struct {
	Title   string `yaml:"title" json:"title,omitempty"`
	Payload string `yaml:"payload" json:"payload,omitempty"`
}

// ReactStep reacts to the bot's last message (a name such as love, or an
// emoji); Unreact removes the reaction.
type ReactStep struct {
	Reaction string `yaml:"reaction" json:"reaction,omitempty"`
	Unreact  bool   `yaml:"unreact" json:"unreact,omitempty"`
}

// OptInStep is a plugin opt-in: Send to Messenger (Ref), or the checkbox
// plugin (Checkbox, or a UserRef of the scenario's choosing; without one
// the emulator makes a new user_ref each run); or a one-time notification
// opt-in (OneTimeNotif: its payload).
type OptInStep struct {
	Ref          string `yaml:"ref" json:"ref,omitempty"`
	Checkbox     bool   `yaml:"checkbox" json:"checkbox,omitempty"`
	UserRef      string `yaml:"user_ref" json:"user_ref,omitempty"`
	OneTimeNotif string `yaml:"one_time_notif" json:"one_time_notif,omitempty"`
}

// ReferralStep is an m.me link (source SHORTLINK, the default) or an ad.
type ReferralStep struct {
	Ref    string `yaml:"ref" json:"ref,omitempty"`
	Source string `yaml:"source" json:"source,omitempty"`
	AdID   string `yaml:"ad_id" json:"ad_id,omitempty"`
}

// FaultStep installs one of the emulator's fault rules for the next Times
// matching calls by the bot (default 1).
type FaultStep struct {
	Error   string    `yaml:"error" json:"error,omitempty"`
	Args    []string  `yaml:"args" json:"args,omitempty"`
	API     string    `yaml:"api" json:"api,omitempty"`
	Method  string    `yaml:"method" json:"method,omitempty"`
	Path    string    `yaml:"path" json:"path,omitempty"`
	Times   int       `yaml:"times" json:"times,omitempty"`
	After   int       `yaml:"after" json:"after,omitempty"`
	Latency *Duration `yaml:"latency" json:"latency,omitempty"`
	// Timeout makes the bot's matching batch items time out (null in the
	// batch's answer).
	Timeout bool `yaml:"timeout" json:"timeout,omitempty"`
}

// HandoverStep is a handover action by another app of the Page (the Page
// Inbox by default).
type HandoverStep struct {
	Action      string `yaml:"action" json:"action"`
	AppID       string `yaml:"app_id" json:"app_id,omitempty"`
	TargetAppID string `yaml:"target_app_id" json:"target_app_id,omitempty"`
	Metadata    string `yaml:"metadata" json:"metadata,omitempty"`
}

// PolicyStep is a policy enforcement the platform tells the bot about.
type PolicyStep struct {
	Action string `yaml:"action" json:"action"`
	Reason string `yaml:"reason" json:"reason,omitempty"`
}

// Expect describes the bot's next message (or sender action); only the
// keys given are checked.
type Expect struct {
	Text               *string         `yaml:"text" json:"text,omitempty"`
	TextContains       *string         `yaml:"text_contains" json:"text_contains,omitempty"`
	TextMatches        *string         `yaml:"text_matches" json:"text_matches,omitempty"`
	QuickReplies       []string        `yaml:"quick_replies" json:"quick_replies,omitempty"`
	QuickReplyPayloads []string        `yaml:"quick_reply_payloads" json:"quick_reply_payloads,omitempty"`
	QuickReplyCount    *int            `yaml:"quick_reply_count" json:"quick_reply_count,omitempty"`
	Template           *string         `yaml:"template" json:"template,omitempty"`
	Elements           []ElementExpect `yaml:"elements" json:"elements,omitempty"`
	Buttons            []ButtonExpect  `yaml:"buttons" json:"buttons,omitempty"`
	Attachment         *AttachExpect   `yaml:"attachment" json:"attachment,omitempty"`
	SenderAction       *string         `yaml:"sender_action" json:"sender_action,omitempty"`
	// Persona is the persona's id or name.
	Persona       *string `yaml:"persona" json:"persona,omitempty"`
	MessagingType *string `yaml:"messaging_type" json:"messaging_type,omitempty"`
	Tag           *string `yaml:"tag" json:"tag,omitempty"`
	// Within bounds the wait for the message (default: the runner's).
	Within *Duration `yaml:"within" json:"within,omitempty"`
}

// ElementExpect is one element of a generic (or media) template.
type ElementExpect struct {
	Title    *string        `yaml:"title" json:"title,omitempty"`
	Subtitle *string        `yaml:"subtitle" json:"subtitle,omitempty"`
	Buttons  []ButtonExpect `yaml:"buttons" json:"buttons,omitempty"`
}

// ButtonExpect is one button; only the keys given are checked.
type ButtonExpect struct {
	Title   *string `yaml:"title" json:"title,omitempty"`
	Type    *string `yaml:"type" json:"type,omitempty"`
	Payload *string `yaml:"payload" json:"payload,omitempty"`
	URL     *string `yaml:"url" json:"url,omitempty"`
}

// AttachExpect is a media attachment.
type AttachExpect struct {
	Type *string `yaml:"type" json:"type,omitempty"`
	URL  *string `yaml:"url" json:"url,omitempty"`
}

// UserExpect checks the user's state after the steps so far, waiting
// for it as an expect: waits for a message.
type UserExpect struct {
	// Labels are the names of the custom labels on the user, in any order.
	Labels []string `yaml:"labels" json:"labels,omitempty"`
	// ThreadOwner is the app id that controls the thread ("" for idle).
	ThreadOwner *string `yaml:"thread_owner" json:"thread_owner,omitempty"`
	// Profile are fields of the user's profile, as the User Profile API
	// answers them (first_name, locale, ...).
	Profile map[string]any `yaml:"profile" json:"profile,omitempty"`
	// Within bounds the wait for the state (default: the runner's Wait),
	// as an expect: waits for the bot's message: the bot may change it
	// after the message the step before read.
	Within *Duration `yaml:"within" json:"within,omitempty"`
}
