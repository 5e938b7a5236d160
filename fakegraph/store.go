package fakegraph

import (
	"encoding/json"
	"iter"
	"net/url"
	"sort"
	"time"

	"github.com/messemu/messemu/validator"
)

// Page is a Facebook Page the emulator hosts, with the token that acts for it.
type Page struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Token string `json:"token"`
	// News marks a News Page (NON_PROMOTIONAL_SUBSCRIPTION).
	News bool `json:"news,omitempty"`
}

// User is a test user: a person who writes to the Page. PSIDs are scoped to
// one Page, as on the platform.
type User struct {
	PSID       string  `json:"psid"`
	PageID     string  `json:"page_id"`
	Name       string  `json:"name"`
	FirstName  string  `json:"first_name"`
	LastName   string  `json:"last_name"`
	ProfilePic string  `json:"profile_pic,omitempty"`
	Locale     string  `json:"locale,omitempty"`
	Timezone   float64 `json:"timezone"`
	Gender     string  `json:"gender,omitempty"`
	Email      string  `json:"email,omitempty"`
	Phone      string  `json:"phone,omitempty"`
	// Blocked: the user blocked the Page; sends get 551.
	Blocked bool `json:"blocked,omitempty"`
	// PhoneAccount and Private shape the User Profile API's answer.
	PhoneAccount bool `json:"phone_account,omitempty"`
	Private      bool `json:"private,omitempty"`
	// LastInteraction opened or refreshed the 24-hour window; LastMessage
	// is the user's last message (7-day tags). Zero: never.
	LastInteraction time.Time `json:"last_interaction,omitzero"`
	LastMessage     time.Time `json:"last_message,omitzero"`
	// FirstInteraction began the conversation: the user's first message
	// or tap (Messaging Insights, insights.go). Zero: never.
	FirstInteraction time.Time `json:"first_interaction,omitzero"`
	// Person names the person behind the test user: test users of
	// different Pages with the same Person are one person to ID matching
	// (ids_for_pages, idmatching.go). Empty: a person of their own.
	Person string `json:"person,omitempty"`
	// ASID is the person's app-scoped ID, as if they had logged in to the
	// bot's app with Facebook Login; empty: they never did, and
	// ids_for_apps answers no IDs.
	ASID string `json:"asid,omitempty"`
	// Scenario names the scenario `messemu replay` made this user for; a
	// recording (`messemu record`) leaves such users out.
	Scenario string `json:"scenario,omitempty"`
	// blockedAt is when Blocked was last turned on (insights.go).
	blockedAt time.Time
}

// Message is one message of a thread, from the Page or from the user. The
// store keeps it in pointer-free blocks and builds it on read
// (store_blocks.go).
type Message struct {
	MID      string    `json:"mid"`
	PageID   string    `json:"page_id"`
	PSID     string    `json:"psid"`
	FromPage bool      `json:"from_page"`
	Time     time.Time `json:"time"`
	// Body is the message object as sent (normalised), for the Page's
	// messages; for the user's, the webhook's message object.
	Body      json.RawMessage `json:"body"`
	PersonaID string          `json:"persona_id,omitempty"`
	Seq       uint64          `json:"seq"` // the journal event that carried it
}

// pageState is everything the emulator keeps for one Page. It is guarded
// by Server.mu.
type pageState struct {
	Page
	humanAgent bool
	users      map[string]*User
	// store keeps the messages of threads (by PSID) in blocks, found by
	// mid through mids (store_blocks.go).
	store     *messageStore
	threads   map[string]*thread
	mids      midIndex
	userRefs  map[string]string // a checkbox opt-in's user_ref → the PSID who opted in
	otn       map[string]*otnToken
	linking   map[string]string  // account_linking_token → PSID, linking.go
	products  map[string]Product // products.go
	domains   []string
	orders    map[string]bool
	reactions map[string]string    // mid → the user's reaction (emoji), actions.go
	edits     map[string]int       // mid → edits made by the user, actions.go
	referrals map[string]*Referral // PSID → a referral waiting for Get Started, emitters.go
	profile   *profileState        // profile.go
	personas  *personaStore        // personas.go
	labels    *labelStore          // labels.go

	attachments  map[string]*Attachment // attachments.go
	handover     *handoverState         // handover.go
	subscription *subscription          // subscriptions.go; nil: every sent field
}

type otnToken struct {
	psid    string
	payload string
	created time.Time
	used    bool
}

func newPageState(p Page, store *messageStore) *pageState {
	return &pageState{
		Page:       p,
		humanAgent: true,
		users:      map[string]*User{},
		store:      store,
		threads:    map[string]*thread{},

		userRefs:  map[string]string{},
		otn:       map[string]*otnToken{},
		linking:   map[string]string{},
		products:  map[string]Product{},
		orders:    map[string]bool{},
		reactions: map[string]string{},
		edits:     map[string]int{},
		referrals: map[string]*Referral{},
		profile:   newProfileState(),
		personas:  newPersonaStore(),
		labels:    newLabelStore(),

		attachments: map[string]*Attachment{},
		handover:    newHandoverState(),
	}
}

// sortedUsers lists the Page's users by name, then PSID.
func (p *pageState) sortedUsers() []User {
	out := make([]User, 0, len(p.users))
	for _, u := range p.users {
		out = append(out, *u)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		return out[i].PSID < out[j].PSID
	})
	return out
}

// threadSlots are psid's stored messages, oldest first, as slots of the
// store (not to be written to).
func (p *pageState) threadSlots(psid string) []uint32 {
	if th := p.threads[psid]; th != nil {
		return th.slots
	}
	return nil
}

// botMessages yields the bodies of the bot's stored messages to psid,
// newest first (read in place, not to be written to or kept).
func (p *pageState) botMessages(psid string) iter.Seq[json.RawMessage] {
	return func(yield func(json.RawMessage) bool) {
		slots := p.threadSlots(psid)
		for i := len(slots) - 1; i >= 0; i-- {
			if p.store.fromPage(slots[i]) && !yield(p.store.body(slots[i])) {
				return
			}
		}
	}
}

// message finds a stored message of the Page by mid: its slot and thread.
func (p *pageState) message(mid string) (uint32, *thread, bool) {
	slot, ok := p.store.findMID(&p.mids, mid)
	if !ok {
		return 0, nil, false
	}
	return slot, p.store.threadOf(slot), true
}

// stateView shows a Page to the validator. It is used with Server.mu held.
type stateView struct {
	p   *pageState
	now time.Time
	// pages are all hosted Pages, so an attachment id of another Page can
	// be told from a made-up one (nil: not told apart).
	pages map[string]*pageState
}

var _ validator.State = stateView{}

func (v stateView) Now() time.Time { return v.now }

func (v stateView) User(psid string) (validator.UserInfo, bool) {
	u, ok := v.p.users[psid]
	if !ok {
		return validator.UserInfo{}, false
	}
	return validator.UserInfo{PSID: psid, LastInteraction: u.LastInteraction, LastMessage: u.LastMessage, Blocked: u.Blocked,
		ControlledByOther: controlledByOther(v.p, psid, v.now)}, true
}

// UserRef: a checkbox opt-in's user_ref stands for the user who opted in.
func (v stateView) UserRef(ref string) (validator.UserInfo, bool) {
	psid, ok := v.p.userRefs[ref]
	if !ok {
		return validator.UserInfo{}, false
	}
	u, _ := v.User(psid)
	return u, true
}

// OneTimeTokenLife is how long a one-time-notification token stays valid.
const OneTimeTokenLife = 365 * 24 * time.Hour

func (v stateView) OneTimeToken(token string) (validator.UserInfo, validator.TokenStatus) {
	t, ok := v.p.otn[token]
	if !ok {
		return validator.UserInfo{}, validator.TokenUnknown
	}
	u, _ := v.User(t.psid)
	switch {
	case t.used:
		return u, validator.TokenUsed
	case !v.now.Before(t.created.Add(OneTimeTokenLife)):
		return u, validator.TokenExpired
	}
	return u, validator.TokenValid
}

// Persona reports a live persona of the Page (personas.go).
func (v stateView) Persona(id string) bool {
	_, ok := v.p.personas.live(id)
	return ok
}

func (v stateView) ThreadMessage(psid, mid string) bool {
	_, th, ok := v.p.message(mid)
	return ok && th.psid == psid
}

func (v stateView) Attachment(id string) (validator.AttachmentInfo, bool) {
	return attachmentInfo(v.p, v.pages, id)
}

func (v stateView) Product(id string) bool {
	_, ok := v.p.products[id]
	return ok
}

func (v stateView) WhitelistedDomain(host string) bool {
	key := validator.DomainKey(host) // bücher.example is xn--bcher-kva.example
	for _, d := range v.p.domains {
		u, err := url.Parse(d)
		if err == nil && validator.DomainKey(u.Hostname()) == key {
			return true
		}
	}
	return false
}

func (v stateView) OrderNumberUsed(n string) bool { return v.p.orders[n] }

func (v stateView) Page() validator.PageInfo {
	return validator.PageInfo{News: v.p.News, HumanAgent: v.p.humanAgent}
}
