package testkit

import "github.com/messemu/messemu/fakegraph"

// The handover protocol, the user's edits and the platform's policy
// enforcement, as the control API and scenarios have them.

// Handover actions another app of the Page takes on a thread (AppActs).
const (
	PassThread    = "pass_thread_control"
	TakeThread    = "take_thread_control"
	RequestThread = "request_thread_control"
	ReleaseThread = "release_thread_control"
)

// ThreadOwner is the app that controls the user's thread now: the bot's
// (fakegraph.DefaultAppID unless the emulator was told otherwise), the
// Page Inbox's (fakegraph.PageInboxAppID), or "" while the thread is idle.
func (u *User) ThreadOwner() string {
	u.tb().Helper()
	st, err := u.emu.srv.ThreadControl(u.emu.page.ID, u.info.PSID)
	if err != nil {
		u.fatalf("%s's thread owner: %v", u.info.FirstName, err)
	}
	return st.Owner
}

// AppActs makes another app of the Page act on the user's thread, as a
// person in the Page Inbox would: PassThread (to the bot's app unless
// target says another), TakeThread, RequestThread or ReleaseThread. app
// "" is the Page Inbox, a secondary receiver unless the Page's roles say
// otherwise (Server().SetAppRoles): it may request the thread, and pass
// back one it was given, but only a primary receiver takes. What the
// platform tells the bot follows as its handover webhooks; an act the
// handover rules refuse fails the test.
//
//	alice.AppActs(testkit.RequestThread, "", "", "an agent would like to answer")
func (u *User) AppActs(action, app, target, metadata string) {
	u.tb().Helper()
	if app == "" {
		app = fakegraph.PageInboxAppID
	}
	err := u.emu.srv.ActAsApp(u.emu.page.ID, fakegraph.HandoverActRequest{AppID: app, Action: action, PSID: u.info.PSID,
		TargetAppID: target, Metadata: metadata})
	if err != nil {
		who := "app " + app
		if app == fakegraph.PageInboxAppID {
			who = "the Page Inbox"
		}
		u.fatalf("%s: %s on %s's thread: %v", who, action, u.info.FirstName, err)
	}
}

// EditsLast makes the user edit the last message they wrote (message_edits
// fires); the platform allows 5 edits of a message.
func (u *User) EditsLast(text string) {
	u.tb().Helper()
	evs := u.emu.srv.Journal().Find(0, func(e *fakegraph.Event) bool {
		return e.Kind == fakegraph.KindUserAction && e.PSID == u.info.PSID && e.PageID == u.emu.page.ID && e.MID != "" &&
			e.API == fakegraph.FieldMessages
	})
	if len(evs) == 0 {
		u.fatalf("%s edits: %s has written nothing to edit", u.info.FirstName, u.info.FirstName)
		return
	}
	if _, err := u.emu.srv.UserEdits(u.emu.page.ID, u.info.PSID, evs[len(evs)-1].MID, text); err != nil {
		u.fatalf("%s edits their last message: %v", u.info.FirstName, err)
	}
}

// EnforcesPolicy tells the bot the platform acted on the Page
// (messaging_policy_enforcement): action "warning", "block" or
// "unblock", with the reason the event carries (none for unblock).
func (e *Emulator) EnforcesPolicy(action, reason string) {
	e.t.Helper()
	if err := e.srv.EmitPolicyEnforcement(e.page.ID, "", fakegraph.PolicyEnforcement{Action: action, Reason: reason}); err != nil {
		e.fatalf("policy enforcement %s: %v", action, err)
	}
}
