package fakegraph

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	msgReceiversOnly = "(#100) Only available to Primary and Secondary Receivers."
	msgControlled    = "(#10) Message failed to send because another app is controlling this thread now."
	msgNoUser        = "(#100) No matching user found"
)

func recipient(psid string) map[string]any { return map[string]any{"id": psid} }

// controlDo calls the control API and returns the status and body.
func controlDo(t testing.TB, s *Server, method, path, body string) (int, map[string]any) {
	t.Helper()
	r := httptest.NewRequest(method, "/_messemu/v1/"+path, strings.NewReader(body))
	res := apiDo(t, s, r)
	return res.status, res.body
}

// inboxActs makes the Page Inbox act through the control API.
func inboxActs(t testing.TB, s *Server, action, psid, target string) {
	t.Helper()
	b, err := json.Marshal(HandoverActRequest{Action: action, PSID: psid, TargetAppID: target, Metadata: "from inbox"})
	if err != nil {
		t.Fatal(err)
	}
	if st, body := controlDo(t, s, "POST", "handover/act", string(b)); st != 200 {
		t.Fatalf("handover/act %s: %d %v", action, st, body)
	}
}

func handoverEvents(s *Server, after uint64) []map[string]any {
	var out []map[string]any
	for _, e := range s.Journal().Find(after, func(e *Event) bool { return e.Kind == KindHandover }) {
		var m map[string]any
		if h, ok := e.Hook(); ok && json.Unmarshal(h.Event, &m) == nil {
			delete(m, "timestamp")
			out = append(out, m)
		}
	}
	return out
}

func TestHandoverErrors(t *testing.T) {
	t.Parallel()
	noBot := `{"app_roles":{"` + PageInboxAppID + `":["primary_receiver"]}}`
	botSecondary := `{"app_roles":{"` + PageInboxAppID + `":["primary_receiver"],"` + DefaultAppID + `":["secondary_receiver"]}}`
	tests := []struct {
		name    string
		roles   string // control API roles first ("" keeps the defaults)
		inbox   string // the Page Inbox takes this action first (pass to itself)
		method  string
		path    string
		body    map[string]any
		code    int
		subcode int
		message string
	}{
		{"pass not receiver", noBot, "", "POST", "/me/pass_thread_control", map[string]any{"recipient": recipient(alice), "target_app_id": PageInboxAppID}, 100, 2018171, msgReceiversOnly},
		{"take not receiver", noBot, "", "POST", "/me/take_thread_control", map[string]any{"recipient": recipient(alice)}, 100, 2018171, msgReceiversOnly},
		{"request not receiver", noBot, "", "POST", "/me/request_thread_control", map[string]any{"recipient": recipient(alice)}, 100, 2018171, msgReceiversOnly},
		{"release not receiver", noBot, "", "POST", "/me/release_thread_control", map[string]any{"recipient": recipient(alice)}, 100, 2018171, msgReceiversOnly},
		{"owner not receiver", noBot, "", "GET", "/me/thread_owner?recipient=" + alice, nil, 100, 2018171, msgReceiversOnly},
		{"secondaries not receiver", noBot, "", "GET", "/me/secondary_receivers", nil, 100, 2018171, msgReceiversOnly},
		{"secondaries by a secondary", botSecondary, "", "GET", "/me/secondary_receivers", nil, 100, 0, msgInvalid},
		{"take by a secondary", botSecondary, "", "POST", "/me/take_thread_control", map[string]any{"recipient": recipient(alice)}, 100, 0, msgInvalid},
		{"pass no target", "", "", "POST", "/me/pass_thread_control", map[string]any{"recipient": recipient(alice)}, 100, 0, "(#100) The parameter target_app_id is required"},
		{"pass target an object", "", "", "POST", "/me/pass_thread_control", map[string]any{"recipient": recipient(alice), "target_app_id": map[string]any{"id": PageInboxAppID}}, 100, 0, "(#100) Param target_app_id must be a non-empty UTF-8 encoded string"},
		{"pass metadata a boolean", "", "", "POST", "/me/pass_thread_control", map[string]any{"recipient": recipient(alice), "target_app_id": PageInboxAppID, "metadata": true}, 100, 0, "(#100) Param metadata must be a non-empty UTF-8 encoded string"},
		{"request metadata a boolean", "", actPass, "POST", "/me/request_thread_control", map[string]any{"recipient": recipient(alice), "metadata": false}, 100, 0, "(#100) Param metadata must be a non-empty UTF-8 encoded string"},
		{"pass target a boolean", "", "", "POST", "/me/pass_thread_control", map[string]any{"recipient": recipient(alice), "target_app_id": true}, 100, 0, "(#100) Param target_app_id must be a non-empty UTF-8 encoded string"},
		{"pass target a list", "", "", "POST", "/me/pass_thread_control", map[string]any{"recipient": recipient(alice), "target_app_id": []any{PageInboxAppID}}, 100, 0, "(#100) Param target_app_id must be a non-empty UTF-8 encoded string"},
		// The calls that change control take recipient as the Send API does.
		{"pass to a bare PSID", "", "", "POST", "/me/pass_thread_control", map[string]any{"recipient": alice, "target_app_id": PageInboxAppID}, 100, 0, msgInvalid},
		{"take from a bare PSID", "", "", "POST", "/me/take_thread_control", map[string]any{"recipient": alice}, 100, 0, msgInvalid},
		{"pass target not receiver", "", "", "POST", "/me/pass_thread_control", map[string]any{"recipient": recipient(alice), "target_app_id": "123456789012345"}, 100, 0, msgInvalid},
		{"pass by non-owner", "", actPass, "POST", "/me/pass_thread_control", map[string]any{"recipient": recipient(alice), "target_app_id": PageInboxAppID}, 100, 0, msgInvalid},
		{"release by non-owner", "", actPass, "POST", "/me/release_thread_control", map[string]any{"recipient": recipient(alice)}, 100, 0, msgInvalid},
		{"release idle", "", "", "POST", "/me/release_thread_control", map[string]any{"recipient": recipient(alice)}, 100, 0, msgInvalid},
		{"no recipient", "", "", "POST", "/me/take_thread_control", map[string]any{}, 100, 0, "(#100) The parameter recipient is required"},
		{"recipient without id", "", "", "POST", "/me/take_thread_control", map[string]any{"recipient": map[string]any{}}, 100, 0, "(#100) The parameter recipient[id] is required"},
		{"bad psid", "", "", "POST", "/me/take_thread_control", map[string]any{"recipient": recipient("abc")}, 100, 0, `(#100) Param recipient[id] must be a valid ID string (e.g., "123")`},
		{"unknown psid", "", "", "POST", "/me/take_thread_control", map[string]any{"recipient": recipient("1234567890123456")}, 100, 2018001, msgNoUser},
		{"owner no recipient", "", "", "GET", "/me/thread_owner", nil, 100, 0, "(#100) The parameter recipient is required"},
		{"owner unknown psid", "", "", "GET", "/me/thread_owner?recipient=1234567890123456", nil, 100, 2018001, msgNoUser},
		{"secondaries bad field", "", "", "GET", "/me/secondary_receivers?fields=id,email", nil, 100, 0, "(#100) Tried accessing nonexisting field (email) on node type (Application)"},
		{"extend", "", "", "POST", "/me/extend_thread_control", map[string]any{"recipient": recipient(alice)}, 100, 0, "(#100) extend_thread_control is not emulated by messemu"},
		{"metadata", "", "", "POST", "/me/pass_thread_metadata", map[string]any{"recipient": recipient(alice)}, 100, 0, "(#100) pass_thread_metadata is not emulated by messemu"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newTestServer(t)
			userWrites(t, s, alice)
			if tt.roles != "" {
				if st, body := controlDo(t, s, "PUT", "handover/roles", tt.roles); st != 200 {
					t.Fatalf("roles: %d %v", st, body)
				}
			}
			if tt.inbox != "" {
				inboxActs(t, s, tt.inbox, alice, PageInboxAppID)
			}
			res := apiJSON(t, s, tt.method, tt.path, tt.body)
			wantError(t, res, tt.code, tt.subcode, tt.message)
		})
	}
}

func TestHandoverIdleBoundary(t *testing.T) {
	t.Parallel()
	s := newTestServer(t)
	userWrites(t, s, alice)
	inboxActs(t, s, actPass, alice, PageInboxAppID)
	text := sendBody(alice, map[string]any{"text": "hi"})
	wantError(t, apiJSON(t, s, "POST", "/me/messages", text), 10, 2018300, msgControlled)
	s.Clock().Advance(ThreadIdleAfter - time.Second)
	wantError(t, apiJSON(t, s, "POST", "/me/messages", text), 10, 2018300, msgControlled)
	wantOK(t, apiJSON(t, s, "GET", "/me/thread_owner?recipient="+alice, nil),
		map[string]any{"data": []any{map[string]any{"thread_owner": map[string]any{"app_id": PageInboxAppID}}}})
	s.Clock().Advance(time.Second)
	wantOK(t, apiJSON(t, s, "GET", "/me/thread_owner?recipient="+alice, nil), map[string]any{"data": []any{}})
	// A user message after the owner went idle does not bring it back.
	userWrites(t, s, alice)
	wantOK(t, apiJSON(t, s, "POST", "/me/messages", text), nil)
	// The first receiver to send after idle becomes the owner.
	wantOK(t, apiJSON(t, s, "GET", "/me/thread_owner?recipient="+alice, nil),
		map[string]any{"data": []any{map[string]any{"thread_owner": map[string]any{"app_id": DefaultAppID}}}})
}

func TestHandoverFlow(t *testing.T) {
	t.Parallel()
	s := newTestServer(t)
	userWrites(t, s, alice)
	start := s.Journal().Last()
	ownerIs := func(app string) {
		t.Helper()
		want := map[string]any{"data": []any{}}
		if app != "" {
			want = map[string]any{"data": []any{map[string]any{"thread_owner": map[string]any{"app_id": app}}}}
		}
		wantOK(t, apiJSON(t, s, "GET", "/v26.0/me/thread_owner?recipient="+alice, nil), want)
		if got := s.ThreadOwner(DefaultPageID, alice); got != app {
			t.Fatalf("ThreadOwner = %q, want %q", got, app)
		}
	}
	ownerIs("")
	wantOK(t, apiJSON(t, s, "GET", "/me/secondary_receivers?fields=id,name", nil),
		map[string]any{"data": []any{map[string]any{"id": PageInboxAppID, "name": "Page Inbox"}}})

	// The bot sends first and owns the thread, then passes it to the inbox
	// (form-encoded, as some clients do).
	wantOK(t, apiJSON(t, s, "POST", "/me/messages", sendBody(alice, map[string]any{"text": "hello"})), nil)
	ownerIs(DefaultAppID)
	res := apiForm(t, s, "POST", "/me/pass_thread_control", map[string][]string{
		"recipient": {`{"id":"` + alice + `"}`}, "target_app_id": {PageInboxAppID}, "metadata": {"a human please"}, "access_token": {DefaultPageToken}})
	wantOK(t, res, map[string]any{"success": true})
	ownerIs(PageInboxAppID)
	wantError(t, apiJSON(t, s, "POST", "/me/messages", sendBody(alice, map[string]any{"text": "still me"})), 10, 2018300, msgControlled)
	// Sender actions are refused the same way.
	wantError(t, apiJSON(t, s, "POST", "/me/messages", map[string]any{"recipient": recipient(alice), "sender_action": "typing_on"}), 10, 2018300, msgControlled)

	// The bot asks for the thread back; the inbox passes it back.
	wantOK(t, apiJSON(t, s, "POST", "/me/request_thread_control", map[string]any{"recipient": recipient(alice), "metadata": "may I"}), map[string]any{"success": true})
	inboxActs(t, s, actPass, alice, DefaultAppID)
	ownerIs(DefaultAppID)
	wantOK(t, apiJSON(t, s, "POST", "/me/messages", sendBody(alice, map[string]any{"text": "back"})), nil)

	// The inbox requests; the bot releases; the inbox passes to itself
	// while idle; the bot (primary) takes it.
	inboxActs(t, s, actRequest, alice, "")
	wantOK(t, apiJSON(t, s, "POST", "/me/release_thread_control", map[string]any{"recipient": recipient(alice)}), map[string]any{"success": true})
	ownerIs("")
	inboxActs(t, s, actPass, alice, PageInboxAppID)
	ownerIs(PageInboxAppID)
	wantOK(t, apiJSON(t, s, "POST", "/me/take_thread_control", map[string]any{"recipient": recipient(alice), "metadata": "mine"}), map[string]any{"success": true})
	ownerIs(DefaultAppID)
	// The owner cannot request what it has.
	wantError(t, apiJSON(t, s, "POST", "/me/request_thread_control", map[string]any{"recipient": recipient(alice)}), 100, 0, msgInvalid)
	// The inbox takes from the bot: it is secondary, so it is refused.
	if st, _ := controlDo(t, s, "POST", "handover/act", `{"action":"take_thread_control","psid":"`+alice+`"}`); st != 409 {
		t.Fatalf("a take by the inbox answered %d, want 409", st)
	}

	// Only the events for the bot's app are journalled, in order.
	inbox, bot := PageInboxAppID, DefaultAppID
	want := []map[string]any{
		{"sender": map[string]any{"id": alice}, "recipient": map[string]any{"id": DefaultPageID},
			"pass_thread_control": map[string]any{"previous_owner_app_id": inbox, "new_owner_app_id": bot, "metadata": "from inbox"}},
		{"sender": map[string]any{"id": alice}, "recipient": map[string]any{"id": DefaultPageID},
			"request_thread_control": map[string]any{"requested_owner_app_id": inbox, "metadata": "from inbox"}},
	}
	if d := cmp.Diff(want, handoverEvents(s, start)); d != "" {
		t.Fatalf("handover events (-want +got):\n%s", d)
	}

	// Roles: app_roles is journalled, and a pass from idle names null.
	after := s.Journal().Last()
	if st, body := controlDo(t, s, "PUT", "handover/roles", `{"app_roles":{"`+bot+`":["primary_receiver"],"`+inbox+`":["secondary_receiver"],"111111111111111":["secondary_receiver"]},"names":{"111111111111111":"Helpdesk"}}`); st != 200 {
		t.Fatalf("roles: %d %v", st, body)
	}
	wantOK(t, apiJSON(t, s, "GET", "/me/secondary_receivers?fields=name", nil),
		map[string]any{"data": []any{map[string]any{"name": "Helpdesk"}, map[string]any{"name": "Page Inbox"}}})
	wantOK(t, apiJSON(t, s, "POST", "/me/release_thread_control", map[string]any{"recipient": recipient(alice)}), nil)
	inboxActs(t, s, actPass, alice, bot)
	want = []map[string]any{
		{"recipient": map[string]any{"id": DefaultPageID}, "app_roles": map[string]any{
			bot: []any{RolePrimary}, inbox: []any{RoleSecondary}, "111111111111111": []any{RoleSecondary}}},
		{"sender": map[string]any{"id": alice}, "recipient": map[string]any{"id": DefaultPageID},
			"pass_thread_control": map[string]any{"previous_owner_app_id": nil, "new_owner_app_id": bot, "metadata": "from inbox"}},
	}
	if d := cmp.Diff(want, handoverEvents(s, after)); d != "" {
		t.Fatalf("handover events (-want +got):\n%s", d)
	}
}

func TestHandoverControlErrors(t *testing.T) {
	t.Parallel()
	s := newTestServer(t)
	for _, tt := range []struct{ method, path, body string }{
		{"PUT", "handover/roles", `{"app_roles":{"1":["primary_receiver"],"2":["primary_receiver"]}}`},
		{"PUT", "handover/roles", `{"app_roles":{"1":["owner"]}}`},
		{"PUT", "handover/roles", `{"app_roles":{"x":["primary_receiver"]}}`},
		{"POST", "handover/act", `{"action":"steal","psid":"` + alice + `"}`},
		{"POST", "handover/act", `{"action":"take_thread_control","psid":"1"}`},
		{"GET", "handover/threads/1", ``},
	} {
		if st, _ := controlDo(t, s, tt.method, tt.path, tt.body); st < 400 {
			t.Errorf("%s %s %s: status %d, want an error", tt.method, tt.path, tt.body, st)
		}
	}
	if st, body := controlDo(t, s, "GET", "handover/threads/"+alice, ""); st != 200 || body["idle"] != true {
		t.Fatalf("thread state: %d %v", st, body)
	}
}

// Another app's act through the control API is journalled as a control
// event with the thread after it, also when the bot's app is told nothing
// (a release): a reader of the journal (the web page) learns the thread
// went idle.
func TestAnotherAppsActIsJournalled(t *testing.T) {
	t.Parallel()
	s := newTestServer(t)
	userWrites(t, s, alice)
	res := apiJSON(t, s, "POST", "/me/pass_thread_control", map[string]any{"recipient": recipient(alice), "target_app_id": PageInboxAppID})
	wantOK(t, res, nil)
	before := s.Journal().Last()
	inboxActs(t, s, actRelease, alice, "")
	evs := s.Journal().Find(before, func(e *Event) bool { return true })
	if len(evs) != 1 || evs[0].Kind != KindControl || evs[0].API != ChangeHandoverAct || evs[0].PSID != alice {
		t.Fatalf("journalled %+v, want one %s control event for alice", evs, ChangeHandoverAct)
	}
	if th := evs[0].Thread; th == nil || th.OwnerAppID != "" {
		t.Fatalf("thread %+v, want idle", th)
	}
	d, err := evs[0].DecodeDetail()
	if err != nil {
		t.Fatal(err)
	}
	var act HandoverActRequest
	if cd, ok := d.(ControlDetail); !ok || json.Unmarshal(cd.Data, &act) != nil || act.Action != actRelease {
		t.Fatalf("detail %+v, want the release", d)
	}
}

// A parameter a handover call does not take is ignored with a warning
// (PLATFORM.md §1.3), a misspelt metadata say.
func TestHandoverWarnsOfUnknownParams(t *testing.T) {
	t.Parallel()
	s := newTestServer(t)
	userWrites(t, s, alice)
	res := apiJSON(t, s, "POST", "/me/pass_thread_control", map[string]any{"recipient": recipient(alice), "target_app_id": PageInboxAppID, "metdata": "agent 7"})
	wantOK(t, res, map[string]any{"success": true})
	e := lastRequest(t, s)
	if len(e.Violations) != 1 || e.Violations[0].Rule != ruleHandoverParam.Name || e.Violations[0].Path != "metdata" {
		t.Fatalf("violations %+v, want one %s on metdata", e.Violations, ruleHandoverParam.Name)
	}
	// A take has no target: one of any type is ignored with the warning,
	// not refused for its type.
	res = apiJSON(t, s, "POST", "/me/take_thread_control", map[string]any{"recipient": recipient(alice), "target_app_id": map[string]any{"id": "1"}})
	wantOK(t, res, map[string]any{"success": true})
	if e := lastRequest(t, s); len(e.Violations) != 1 || e.Violations[0].Path != "target_app_id" {
		t.Fatalf("violations %+v, want target_app_id, which a take does not take", e.Violations)
	}
	// A null metadata is none, with the warning (D22).
	res = apiJSON(t, s, "POST", "/me/pass_thread_control", map[string]any{"recipient": recipient(alice), "target_app_id": PageInboxAppID, "metadata": nil})
	if res.status != 200 {
		t.Fatalf("a null metadata: %d %s", res.status, res.raw)
	}
	if e := lastRequest(t, s); len(e.Violations) != 1 || e.Violations[0].Rule != ruleHandoverNull.Name {
		t.Fatalf("violations %+v, want %s", e.Violations, ruleHandoverNull.Name)
	}
	res = apiJSON(t, s, "POST", "/me/take_thread_control", map[string]any{"recipient": recipient(alice)})
	wantOK(t, res, map[string]any{"success": true})
	res = apiJSON(t, s, "POST", "/me/release_thread_control", map[string]any{"recipient": recipient(alice), "metadata": map[string]any{"x": 1}})
	wantOK(t, res, map[string]any{"success": true})
	if e := lastRequest(t, s); len(e.Violations) != 1 || e.Violations[0].Path != "metadata" {
		t.Fatalf("violations %+v, want metadata, which a release does not take (§8)", e.Violations)
	}
}

// A thread's handovers read in words where they happened: the bot's own
// pass (from the Page) and the Page Inbox's pass back (from the platform).
func TestConversationSaysTheHandovers(t *testing.T) {
	t.Parallel()
	s := New()
	userWrites(t, s, alice)
	res := apiJSON(t, s, "POST", "/v26.0/me/pass_thread_control", map[string]any{"recipient": map[string]any{"id": alice}, "target_app_id": PageInboxAppID})
	require.Equal(t, 200, res.status, string(res.raw))
	// Another app's pass goes to the bot's app unless it names another.
	require.NoError(t, s.ActAsApp(DefaultPageID, HandoverActRequest{Action: "pass_thread_control", PSID: alice}))
	res = apiJSON(t, s, "GET", "/v26.0/me/thread_owner?recipient="+alice, nil) // a read: no step of the thread
	require.Equal(t, 200, res.status, string(res.raw))
	res = apiJSON(t, s, "POST", "/v26.0/me/release_thread_control", map[string]any{"recipient": map[string]any{"id": alice}})
	require.Equal(t, 200, res.status, string(res.raw))
	conv, err := s.Conversation(DefaultPageID, alice)
	require.NoError(t, err)
	var got []string
	for _, it := range conv.Items {
		if it.Kind != KindUserAction {
			got = append(got, it.From+" "+string(it.Action)+": "+it.Text)
		}
	}
	assert.Equal(t, []string{
		"page pass_thread_control: passes the thread to the Page Inbox",
		"platform pass_thread_control: the Page Inbox passes the thread to the bot",
		"page release_thread_control: releases the thread",
	}, got)
}
