package testkit

import (
	"encoding/json"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/messemu/messemu/fakegraph"
)

// User is a test user of the emulator's Page: a person who writes to the
// bot. Its actions reach the bot as webhooks; NextMessage waits for what
// the bot sends back.
type User struct {
	emu  *Emulator
	info fakegraph.User
	t    TB // the test its actions report to (nil: the emulator's)
	st   *userState
}

// userState is what every view of one user shares (In).
type userState struct {
	mu     sync.Mutex
	cursor uint64 // the journal sequence NextMessage reads after
	// settled: every webhook of the user's thread up to this journal
	// sequence was answered (WaitForBot looks after it).
	settled atomic.Uint64
}

// In returns the user acting for t: its actions report their failures to
// t, so a user made in a test can act inside t.Run subtests. The views
// share one conversation and one NextMessage position.
//
//	t.Run("shop", func(t *testing.T) { alice.In(t).Says("shop") })
func (u *User) In(t TB) *User {
	v := *u
	v.t = t
	return &v
}

// tb is the test the user's actions report to.
func (u *User) tb() TB {
	if u.t != nil {
		return u.t
	}
	return u.emu.t
}

// fatalf fails the test the user acts for.
func (u *User) fatalf(format string, args ...any) {
	u.tb().Helper()
	u.tb().Fatalf("testkit: "+format, args...)
}

// UserOption shapes a test user's profile.
type UserOption func(*fakegraph.User)

// Locale sets the user's locale ("fr_FR"); the default is en_US.
func Locale(l string) UserOption { return func(u *fakegraph.User) { u.Locale = l } }

// Timezone sets the user's UTC offset in hours.
func Timezone(hours float64) UserOption { return func(u *fakegraph.User) { u.Timezone = hours } }

// Gender sets the user's gender as the User Profile API reports it.
func Gender(g string) UserOption { return func(u *fakegraph.User) { u.Gender = g } }

// Email sets the address the email quick reply sends.
func Email(addr string) UserOption { return func(u *fakegraph.User) { u.Email = addr } }

// Phone sets the number the phone quick reply sends.
func Phone(number string) UserOption { return func(u *fakegraph.User) { u.Phone = number } }

// PSID gives the user a chosen PSID (16 digits) instead of a generated one.
func PSID(id string) UserOption { return func(u *fakegraph.User) { u.PSID = id } }

// Person names the person behind the user: users of different Pages with
// the same person are one person to ID matching (ids_for_pages).
func Person(key string) UserOption { return func(u *fakegraph.User) { u.Person = key } }

// AppScopedID gives the person an app-scoped ID, as if they had logged in
// to the bot's app with Facebook Login (ids_for_apps answers it).
func AppScopedID(asid string) UserOption { return func(u *fakegraph.User) { u.ASID = asid } }

// User creates a test user on the emulator's Page. name is the full name
// ("Alice" or "Alice Martin"); the PSID is new unless PSID is given.
func (e *Emulator) User(name string, opts ...UserOption) *User {
	e.t.Helper()
	u := fakegraph.User{Name: name, PageID: e.page.ID}
	for _, opt := range opts {
		opt(&u)
	}
	got, err := e.srv.AddUser(u)
	if err != nil {
		e.fatalf("creating user %q: %v", name, err)
		return &User{emu: e, info: u, st: &userState{}}
	}
	st := &userState{cursor: e.srv.Journal().Last()}
	st.settled.Store(st.cursor)
	tu := &User{emu: e, info: got, st: st}
	e.mu.Lock()
	e.users[got.PSID] = tu
	e.mu.Unlock()
	return tu
}

// PSID is the user's page-scoped id, the recipient.id the bot sends to.
func (u *User) PSID() string { return u.info.PSID }

// Name is the user's full name.
func (u *User) Name() string { return u.info.Name }

// FirstName is the user's first name, as the conversation shows them.
func (u *User) FirstName() string { return u.info.FirstName }

// Profile is the user as the emulator stores it.
func (u *User) Profile() fakegraph.User {
	p, err := u.emu.srv.GetUser(u.emu.page.ID, u.info.PSID)
	if err != nil {
		return u.info
	}
	return p
}

// Block makes the user block the Page (sends to them then get 551), or
// unblocks with false.
func (u *User) Block(blocked bool) {
	u.tb().Helper()
	patch := map[string]json.RawMessage{"blocked": json.RawMessage(strconv.FormatBool(blocked))}
	if _, err := u.emu.srv.UpdateUser(u.emu.page.ID, u.info.PSID, patch); err != nil {
		u.fatalf("%s: %v", u.info.FirstName, err)
	}
}

// Labels are the names of the Page's custom labels the user carries,
// oldest label first: what the bot's POST /{label-id}/label calls left.
func (u *User) Labels() []string {
	u.tb().Helper()
	ls, err := u.emu.srv.UserLabels(u.emu.page.ID, u.info.PSID)
	if err != nil {
		u.fatalf("%s's labels: %v", u.info.FirstName, err)
		return nil
	}
	names := make([]string, len(ls))
	for i, l := range ls {
		names[i] = l.Name
	}
	return names
}
