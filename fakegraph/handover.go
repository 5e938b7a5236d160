package fakegraph

import (
	"encoding/json"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/messemu/messemu/validator"
)

// The handover protocol (PLATFORM.md §8). The bot's app is the primary
// receiver and the Page Inbox a secondary one unless the control API sets
// other roles. Each user's thread has an owner app, or none (idle); the
// thread goes idle after 24 hours without activity. A send by the bot
// while another app owns the thread is refused (10/2018300).
func (s *Server) handoverRoutes() []route {
	return []route{
		{method: "POST", pattern: "{page}/pass_thread_control", op: "passThreadControl", api: APIHandover, handle: s.handoverPost(actPass)},
		{method: "POST", pattern: "{page}/take_thread_control", op: "takeThreadControl", api: APIHandover, handle: s.handoverPost(actTake)},
		{method: "POST", pattern: "{page}/request_thread_control", op: "requestThreadControl", api: APIHandover, handle: s.handoverPost(actRequest)},
		{method: "POST", pattern: "{page}/release_thread_control", op: "releaseThreadControl", api: APIHandover, handle: s.handoverPost(actRelease)},
		{method: "GET", pattern: "{page}/thread_owner", op: "getThreadOwner", api: APIHandover, handle: s.threadOwner, query: []string{"recipient"}},
		{method: "GET", pattern: "{page}/secondary_receivers", op: "getSecondaryReceivers", api: APIHandover, handle: s.secondaryReceivers, query: []string{"fields"}},
		{method: "POST", pattern: "{page}/extend_thread_control", op: "extendThreadControl", api: APIHandover, handle: s.handoverNotEmulated("extend_thread_control")},
		{method: "POST", pattern: "{page}/pass_thread_metadata", op: "passThreadMetadata", api: APIHandover, handle: s.handoverNotEmulated("pass_thread_metadata")},
	}
}

// Handover roles and actions as the platform names them.
const (
	// RolePrimary is the primary receiver: it may take the thread.
	RolePrimary = "primary_receiver"
	// RoleSecondary is a secondary receiver, such as the Page Inbox.
	RoleSecondary = "secondary_receiver"

	actPass    = "pass_thread_control"
	actTake    = "take_thread_control"
	actRequest = "request_thread_control"
	actRelease = "release_thread_control"

	// ThreadIdleAfter is how long a thread keeps its owner without
	// activity, on the virtual clock.
	ThreadIdleAfter = 24 * time.Hour
)

var (
	ruleReceiversOnly    = validator.Rule{Name: "handover.receivers-only", Source: "MP/error-codes 2018171"}
	ruleHandoverRecip    = validator.Rule{Name: "handover.recipient", Source: "handover-protocol"}
	ruleHandoverTarget   = validator.Rule{Name: "handover.target_app_id", Source: "handover-protocol"}
	ruleHandoverParam    = validator.Rule{Name: "handover.unknown-parameter", Source: "note §1.3"}
	ruleHandoverNull     = validator.Rule{Name: "handover.metadata.null", Source: "decision D22"}
	ruleHandoverOwner    = validator.Rule{Name: "handover.owner", Source: "handover-protocol"}
	ruleHandoverTake     = validator.Rule{Name: "handover.take.primary-only", Source: "graph reference page/take_thread_control"}
	ruleHandoverFields   = validator.Rule{Name: "handover.secondary_receivers.fields", Source: "handover-protocol"}
	ruleHandoverMetadata = validator.Rule{Name: "handover.metadata", Source: "note §1.3"}
	ruleHandoverExtra    = validator.Rule{Name: "handover.not-emulated", Source: "handover-protocol"}
)

// handoverState is a Page's handover state; it is guarded by Server.mu.
type handoverState struct {
	roles   map[string]string // app id → role; nil: the defaults
	names   map[string]string // app id → name, for secondary_receivers
	threads map[string]*threadControl
	botApp  string // the bot's app id, set with the first owner
}

// threadControl is one user's thread: its owner, last handover and last
// activity, kept up to date as messages arrive so that asking who owns a
// thread costs the same however long the thread is.
type threadControl struct {
	owner string // app id; "" idle
	since time.Time
	last  time.Time // the handover or the latest message since
	ended bool      // a 24-hour gap since the handover ended the tenure
}

func newHandoverState() *handoverState {
	return &handoverState{threads: map[string]*threadControl{}}
}

// otherPrimary reports whether an app other than the bot's is p's primary
// receiver: an idle thread's events go to it, and the bot gets standby.
func (s *Server) otherPrimary(p *pageState) bool {
	for app, role := range s.roles(p) {
		if role == RolePrimary && app != s.opts.appID {
			return true
		}
	}
	return false
}

// roles returns the Page's app roles (the defaults unless set).
func (s *Server) roles(p *pageState) map[string]string {
	if p.handover.roles != nil {
		return p.handover.roles
	}
	return map[string]string{s.opts.appID: RolePrimary, PageInboxAppID: RoleSecondary}
}

// appName names an app for secondary_receivers.
func (s *Server) appName(p *pageState, app string) string {
	if n := p.handover.names[app]; n != "" {
		return n
	}
	switch app {
	case PageInboxAppID:
		return "Page Inbox"
	case s.opts.appID:
		return appDisplayName
	}
	return "App " + app
}

// lastActivity is the last activity of an owned thread: the handover, or
// a later message. ok is false when the thread went idle on the way: a
// gap of 24 hours ends the owner's tenure even if messages came after.
func lastActivity(p *pageState, psid string, now time.Time) (last time.Time, ok bool) {
	tc := p.handover.threads[psid]
	if tc == nil {
		return time.Time{}, false
	}
	if tc.ended {
		return tc.last, false
	}
	return tc.last, now.Before(tc.last.Add(ThreadIdleAfter))
}

// noteMessage moves a thread's last activity to m, or ends the owner's
// tenure when m comes after 24 idle hours. s.mu must be held for writing.
func (h *handoverState) noteMessage(m *Message) {
	tc := h.threads[m.PSID]
	if tc == nil || tc.ended || m.Time.Before(tc.since) {
		return
	}
	if !m.Time.Before(tc.last.Add(ThreadIdleAfter)) {
		tc.ended = true
		return
	}
	tc.last = m.Time
}

// owner is the app owning psid's thread at now ("" when idle).
func owner(p *pageState, psid string, now time.Time) string {
	tc := p.handover.threads[psid]
	if tc == nil || tc.owner == "" {
		return ""
	}
	if _, live := lastActivity(p, psid, now); !live {
		return ""
	}
	return tc.owner
}

// controlledByOther reports whether an app other than the bot owns psid's
// thread (the validator's UserInfo.ControlledByOther).
func controlledByOther(p *pageState, psid string, now time.Time) bool {
	o := owner(p, psid, now)
	return o != "" && o != p.handover.botApp
}

// setOwner gives psid's thread to app ("" makes it idle).
func (s *Server) setOwner(p *pageState, psid, app string, now time.Time) {
	p.handover.botApp = s.opts.appID
	// psid and app may be slices of the request's body (decodeObjectText).
	p.handover.threads[strings.Clone(psid)] = &threadControl{owner: strings.Clone(app), since: now, last: now}
}

// claimIdleThread makes the bot the owner of an idle thread it sends to,
// when it is a receiver: "the first receiver to send becomes owner".
// s.mu must be held for writing.
func (s *Server) claimIdleThread(p *pageState, psid string, now time.Time) {
	if psid == "" || owner(p, psid, now) != "" || s.roles(p)[s.opts.appID] == "" {
		return
	}
	s.setOwner(p, psid, s.opts.appID, now)
}

// ThreadOwner returns the app that owns a user's thread ("" when idle), so
// the webhook dispatcher can send standby to the other receivers.
func (s *Server) ThreadOwner(pageID, psid string) string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	p, ok := s.pages[pageID]
	if !ok {
		return ""
	}
	return owner(p, psid, s.clock.Now())
}

// AppRoles returns a Page's app roles as the app_roles event writes them.
func (s *Server) AppRoles(pageID string) map[string][]string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	p, ok := s.pages[pageID]
	if !ok {
		return nil
	}
	return rolesEvent(s.roles(p))
}

func rolesEvent(roles map[string]string) map[string][]string {
	out := make(map[string][]string, len(roles))
	for app, r := range roles {
		out[app] = []string{r}
	}
	return out
}

// handoverAct is one handover action by an app.
type handoverAct struct {
	action   string
	app      string // the acting app
	psid     string
	target   string // pass: target_app_id
	metadata string
}

// ThreadControlEvent is the body of pass_thread_control and
// take_thread_control webhook events.
type ThreadControlEvent struct {
	PreviousOwnerAppID *string `json:"previous_owner_app_id"`
	NewOwnerAppID      string  `json:"new_owner_app_id"`
	Metadata           string  `json:"metadata,omitempty"`
}

// RequestThreadControlEvent is the body of request_thread_control.
type RequestThreadControlEvent struct {
	RequestedOwnerAppID string `json:"requested_owner_app_id"`
	Metadata            string `json:"metadata,omitempty"`
}

// handoverEvent is a webhook event for one app, to journal.
type handoverEvent struct {
	toApp string
	psid  string
	key   string // pass_thread_control, take_thread_control, ...
	body  any
}

// apply runs a handover action with s.mu held for writing. It returns the
// events the platform sends, or the refusal with its rule and detail.
func (s *Server) apply(p *pageState, a handoverAct, now time.Time) ([]handoverEvent, *handoverRefusal) {
	roles := s.roles(p)
	role := roles[a.app]
	if role == "" {
		return nil, refuse("", ruleReceiversOnly, validator.Err(validator.KeyReceiversOnly), "app "+a.app+" is neither primary nor secondary receiver")
	}
	cur := owner(p, a.psid, now)
	var prev *string
	if cur != "" {
		c := cur
		prev = &c
	}
	switch a.action {
	case actPass:
		if a.target == "" {
			return nil, refuse("target_app_id", ruleHandoverTarget, validator.Err(validator.KeyRequired, "target_app_id"), "")
		}
		if roles[a.target] == "" {
			return nil, refuse("target_app_id", ruleHandoverTarget, validator.Err(validator.KeyInvalid), "target app "+a.target+" is not a receiver of this Page")
		}
		if cur != "" && cur != a.app {
			return nil, refuse("", ruleHandoverOwner, validator.Err(validator.KeyInvalid), "app "+cur+" owns the thread; only the owner may pass it")
		}
		s.setOwner(p, a.psid, a.target, now)
		return []handoverEvent{{toApp: a.target, psid: a.psid, key: actPass,
			body: ThreadControlEvent{PreviousOwnerAppID: prev, NewOwnerAppID: a.target, Metadata: a.metadata}}}, nil
	case actTake:
		if role != RolePrimary {
			return nil, refuse("", ruleHandoverTake, validator.Err(validator.KeyInvalid), "only the primary receiver may take the thread")
		}
		s.setOwner(p, a.psid, a.app, now)
		if cur == "" || cur == a.app {
			return nil, nil
		}
		return []handoverEvent{{toApp: cur, psid: a.psid, key: actTake,
			body: ThreadControlEvent{PreviousOwnerAppID: prev, NewOwnerAppID: a.app, Metadata: a.metadata}}}, nil
	case actRequest:
		if cur == a.app {
			return nil, refuse("", ruleHandoverOwner, validator.Err(validator.KeyInvalid), "the app already owns the thread")
		}
		if cur == "" {
			return nil, nil // an idle thread has no owner to ask
		}
		return []handoverEvent{{toApp: cur, psid: a.psid, key: actRequest,
			body: RequestThreadControlEvent{RequestedOwnerAppID: a.app, Metadata: a.metadata}}}, nil
	case actRelease:
		if cur != a.app {
			return nil, refuse("", ruleHandoverOwner, validator.Err(validator.KeyInvalid), "only the owner may release the thread")
		}
		s.setOwner(p, a.psid, "", now)
		return nil, nil
	}
	return nil, refuse("", ruleHandoverOwner, validator.Err(validator.KeyInvalid), "unknown handover action "+a.action)
}

// handoverRefusal is a refused handover action.
type handoverRefusal struct {
	path   string
	rule   validator.Rule
	err    *validator.GraphError
	detail string
}

func refuse(path string, rule validator.Rule, err *validator.GraphError, detail string) *handoverRefusal {
	return &handoverRefusal{path, rule, err, detail}
}

// journalHandover journals the events the bot's app receives; events for
// other apps (the Page Inbox) have no webhook in messemu.
func (s *Server) journalHandover(pageID string, now time.Time, evs []handoverEvent) {
	for _, e := range evs {
		if e.toApp != s.opts.appID {
			continue
		}
		// Through MessagingEvent, so the item has the one shape and order
		// of every webhook item.
		raw, err := json.Marshal(map[string]any{
			"sender":    map[string]string{"id": e.psid},
			"recipient": map[string]string{"id": pageID},
			"timestamp": now.UnixMilli(),
			e.key:       e.body,
		})
		var me MessagingEvent
		if err == nil {
			err = json.Unmarshal(raw, &me)
		}
		var item []byte
		if err == nil {
			item, err = json.Marshal(me)
		}
		if err != nil {
			s.log.Error("encode handover event", "err", err)
			continue
		}
		s.journalHandoverEvent(now, pageID, e.psid, Action(e.key), item)
	}
}

// journalAppRoles journals an app_roles event after a change of roles.
func (s *Server) journalAppRoles(pageID string, now time.Time, roles map[string]string) {
	item, err := json.Marshal(MessagingEvent{Recipient: Party{ID: pageID}, Timestamp: now.UnixMilli(), AppRoles: rolesEvent(roles)})
	if err != nil {
		s.log.Error("encode app_roles event", "err", err)
		return
	}
	s.journalHandoverEvent(now, pageID, "", ActionAppRoles, item)
}

// handoverPost serves the four POST actions for the bot's app.
func (s *Server) handoverPost(action string) func(*call) (any, error) {
	return func(c *call) (any, error) {
		s.mu.Lock()
		if s.roles(c.page)[s.opts.appID] == "" {
			s.mu.Unlock()
			return nil, c.fail("", ruleReceiversOnly, validator.Err(validator.KeyReceiversOnly), "the bot's app is not a receiver of this Page")
		}
		psid, gerr := c.handoverRecipient()
		if gerr != nil {
			s.mu.Unlock()
			return nil, gerr
		}
		takes := handoverParams[action]
		c.warnUnknownParams(ruleHandoverParam, takes...)
		var target, metadata string
		if v, ok := c.params["metadata"]; ok && (v == nil || v == "") && slices.Contains(takes, "metadata") {
			c.warn("metadata", ruleHandoverNull, "null or empty metadata is taken as none")
		} else if slices.Contains(takes, "metadata") {
			if metadata, gerr = c.textParam("metadata", ruleHandoverMetadata, "metadata must be text"); gerr != nil {
				s.mu.Unlock()
				return nil, gerr
			}
		}
		if slices.Contains(takes, "target_app_id") { // a call that takes none ignores it, with the warning
			if target, gerr = c.textParam("target_app_id", ruleHandoverTarget, "target_app_id must be text"); gerr != nil {
				s.mu.Unlock()
				return nil, gerr
			}
		}
		a := handoverAct{action: action, app: s.opts.appID, psid: psid, target: target, metadata: metadata}
		evs, ref := s.apply(c.page, a, c.now)
		s.mu.Unlock()
		if ref != nil {
			return nil, c.fail(ref.path, ref.rule, ref.err, ref.detail)
		}
		s.journalHandover(c.page.ID, c.now, evs)
		return Success{Success: true}, nil
	}
}

// handoverParams are the parameters each call that changes thread control
// takes (PLATFORM.md §8); Graph ignores the others.
var handoverParams = map[string][]string{
	actPass:    {"recipient", "target_app_id", "metadata"},
	actTake:    {"recipient", "metadata"},
	actRequest: {"recipient", "metadata"},
	actRelease: {"recipient"},
}

// handoverRecipient reads recipient ({"id":…}, or a bare PSID in a GET:
// thread_owner's documented form; the calls that change control take the
// object, as the Send API does) and checks the user; s.mu must be held.
func (c *call) handoverRecipient() (string, *validator.GraphError) {
	raw, ok := c.params["recipient"]
	if !ok || raw == nil || raw == "" {
		return "", c.fail("recipient", ruleHandoverRecip, validator.Err(validator.KeyRequired, "recipient"), "")
	}
	psid, isText := paramString(raw)
	path, jsonPath := "recipient", "recipient"
	if isText && c.method != http.MethodGet {
		return "", c.fail("recipient", ruleHandoverRecip, validator.Err(validator.KeyInvalid), "recipient must be {\"id\":\"<PSID>\"}")
	}
	if !isText {
		obj, isObj := raw.(map[string]any)
		if !isObj {
			return "", c.fail("recipient", ruleHandoverRecip, validator.Err(validator.KeyInvalid), "recipient must be {\"id\":\"<PSID>\"}")
		}
		path, jsonPath = "recipient[id]", "recipient.id"
		psid, _ = paramString(obj["id"])
		if _, has := obj["id"]; !has {
			return "", c.fail("recipient.id", ruleHandoverRecip, validator.Err(validator.KeyRequired, path), "")
		}
	}
	c.psid = psid
	if !isDigits(psid) {
		return "", c.fail(jsonPath, ruleHandoverRecip, validator.Err(validator.KeyID, path), "the recipient is not a PSID")
	}
	if _, ok := c.page.users[psid]; !ok {
		return "", c.fail("recipient", ruleHandoverRecip, validator.Err(validator.KeyNoUser), "no test user "+psid+" on this Page")
	}
	return psid, nil
}

// ThreadOwnerAnswer is GET thread_owner's answer.
type ThreadOwnerAnswer struct {
	Data []ThreadOwnerEntry `json:"data"`
}

// ThreadOwnerEntry names the owning app.
type ThreadOwnerEntry struct {
	ThreadOwner struct {
		AppID string `json:"app_id"`
	} `json:"thread_owner"`
}

func (s *Server) threadOwner(c *call) (any, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.roles(c.page)[s.opts.appID] == "" {
		return nil, c.fail("", ruleReceiversOnly, validator.Err(validator.KeyReceiversOnly), "the bot's app is not a receiver of this Page")
	}
	psid, gerr := c.handoverRecipient()
	if gerr != nil {
		return nil, gerr
	}
	out := ThreadOwnerAnswer{Data: []ThreadOwnerEntry{}}
	if o := owner(c.page, psid, c.now); o != "" {
		var e ThreadOwnerEntry
		e.ThreadOwner.AppID = o
		out.Data = append(out.Data, e)
	}
	return out, nil
}

func (s *Server) secondaryReceivers(c *call) (any, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	roles := s.roles(c.page)
	switch roles[s.opts.appID] {
	case "":
		return nil, c.fail("", ruleReceiversOnly, validator.Err(validator.KeyReceiversOnly), "the bot's app is not a receiver of this Page")
	case RoleSecondary:
		return nil, c.fail("", ruleHandoverOwner, validator.Err(validator.KeyInvalid), "only the primary receiver may list secondary receivers")
	}
	fields := []string{"id", "name"}
	if f := c.str("fields"); f != "" {
		fields = nil
		for _, name := range strings.Split(f, ",") {
			name = strings.TrimSpace(name)
			if name != "id" && name != "name" {
				return nil, c.fail("fields", ruleHandoverFields, validator.Err(validator.KeyNoField, name, "Application"), "")
			}
			fields = append(fields, name)
		}
	}
	apps := make([]string, 0, len(roles))
	for app, r := range roles {
		if r == RoleSecondary {
			apps = append(apps, app)
		}
	}
	sort.Strings(apps)
	data := make([]map[string]string, 0, len(apps))
	for _, app := range apps {
		e := map[string]string{}
		for _, f := range fields {
			if f == "id" {
				e["id"] = app
			} else {
				e["name"] = s.appName(c.page, app)
			}
		}
		data = append(data, e)
	}
	return map[string]any{"data": data}, nil
}

func (s *Server) handoverNotEmulated(feature string) func(*call) (any, error) {
	return func(c *call) (any, error) {
		return nil, c.fail("", ruleHandoverExtra, validator.Err(validator.KeyNotEmulated, feature), "")
	}
}
