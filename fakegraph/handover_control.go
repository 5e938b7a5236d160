package fakegraph

import (
	"strings"
	"time"
)

// The handover side of the control API: set the Page's app roles (fires
// app_roles), read a thread's owner, and act as another app, such as the
// Page Inbox, taking or passing a thread.

// AppRolesRequest sets the Page's app roles: app id → ["primary_receiver"]
// or ["secondary_receiver"], and optional display names.
type AppRolesRequest struct {
	AppRoles map[string][]string `json:"app_roles"`
	Names    map[string]string   `json:"names,omitempty"`
}

// HandoverActRequest is one handover action by another app (the Page
// Inbox by default); a pass goes to the bot's app unless TargetAppID says
// another.
type HandoverActRequest struct {
	AppID       string `json:"app_id"`
	Action      string `json:"action"` // pass_thread_control, take_thread_control, request_thread_control, release_thread_control
	PSID        string `json:"psid"`
	TargetAppID string `json:"target_app_id,omitempty"`
	Metadata    string `json:"metadata,omitempty"`
}

// SetAppRoles replaces a Page's app roles: at most one primary receiver,
// every role primary_receiver or secondary_receiver. It journals app_roles.
func (s *Server) SetAppRoles(pageID string, req AppRolesRequest) error {
	roles := make(map[string]string, len(req.AppRoles))
	primaries := 0
	for app, rs := range req.AppRoles {
		if !isDigits(app) {
			return invalid("app ids are digits: " + app)
		}
		if len(rs) != 1 || (rs[0] != RolePrimary && rs[0] != RoleSecondary) {
			return invalid(`each app takes one role: ["primary_receiver"] or ["secondary_receiver"]`)
		}
		if rs[0] == RolePrimary {
			primaries++
		}
		roles[app] = rs[0]
	}
	if primaries > 1 {
		return invalid("a Page has at most one primary receiver")
	}
	now := s.clock.Now()
	s.mu.Lock()
	p, err := s.page(pageID)
	if err != nil {
		s.mu.Unlock()
		return err
	}
	p.handover.roles = roles
	if len(req.Names) > 0 {
		p.handover.names = req.Names
	}
	s.mu.Unlock()
	s.journalControl(ChangeAppRoles, pageID, "", req)
	s.journalAppRoles(pageID, now, roles)
	return nil
}

// ActAsApp performs a handover action as another app of the Page, as the
// Page Inbox does when a person takes a conversation. A refusal comes back
// as a control error carrying the Graph error's message.
func (s *Server) ActAsApp(pageID string, req HandoverActRequest) error {
	if req.AppID == "" {
		req.AppID = PageInboxAppID
	}
	if req.Action == actPass && req.TargetAppID == "" && req.AppID != s.opts.appID {
		req.TargetAppID = s.opts.appID // another app passes to the bot
	}
	switch req.Action {
	case actPass, actTake, actRequest, actRelease:
	default:
		return invalid("action must be one of " + strings.Join([]string{actPass, actTake, actRequest, actRelease}, ", "))
	}
	now := s.clock.Now()
	s.mu.Lock()
	p, _, err := s.user(pageID, req.PSID)
	if err != nil {
		s.mu.Unlock()
		return err
	}
	evs, ref := s.apply(p, handoverAct{action: req.Action, app: req.AppID, psid: req.PSID, target: req.TargetAppID, metadata: req.Metadata}, now)
	after := s.threadStateLocked(p, req.PSID, now) // the thread this act left, before another call moves it
	s.mu.Unlock()
	if ref != nil {
		msg := ref.err.Message
		if ref.detail != "" {
			msg += " (" + ref.detail + ")"
		}
		return fail(ErrRefused, msg)
	}
	s.journal.Append(Event{Time: now, Kind: KindControl, PageID: pageID, PSID: req.PSID, API: ChangeHandoverAct, Accepted: true,
		Thread: after, Detail: s.marshalDetail(ControlDetail{Change: ChangeHandoverAct, Data: s.marshalDetail(req)})})
	s.journalHandover(pageID, now, evs)
	return nil
}

// ThreadControlState is a thread's handover state for the control API.
type ThreadControlState struct {
	PSID  string `json:"psid"`
	Owner string `json:"owner_app_id"` // "" when idle
	Idle  bool   `json:"idle"`
	// IdleAt is when the thread goes idle without activity (zero when idle).
	IdleAt time.Time `json:"idle_at,omitzero"`
}

// ThreadControl reports a thread's owner.
func (s *Server) ThreadControl(pageID, psid string) (ThreadControlState, error) {
	now := s.clock.Now()
	s.mu.RLock()
	defer s.mu.RUnlock()
	p, _, err := s.user(pageID, psid)
	if err != nil {
		return ThreadControlState{}, err
	}
	st := ThreadControlState{PSID: psid, Owner: owner(p, psid, now)}
	st.Idle = st.Owner == ""
	if !st.Idle {
		last, _ := lastActivity(p, psid, now)
		st.IdleAt = last.Add(ThreadIdleAfter)
	}
	return st, nil
}
