package fakegraph

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
)

// The journal is the complete, typed record readers share: these tests
// pin what it must hold and how it is read.

// kindsAfter lists the kind and API of the events after seq.
func kindsAfter(s *Server, seq uint64) []string {
	var out []string
	for _, e := range s.Journal().After(seq, 0) {
		out = append(out, string(e.Kind)+" "+e.API)
	}
	return out
}

// An accepted send is followed by its echo and its delivery, platform
// facts journalled whether or not a webhook is set.
func TestReceiptsWithoutWebhook(t *testing.T) {
	t.Parallel()
	s := New()
	require.Equal(t, "none", s.Webhook().State)
	_, err := s.UserSends(DefaultPageID, alice, UserMessageRequest{Text: "hi"})
	require.NoError(t, err)
	start := s.Journal().Last()
	res := apiJSON(t, s, "POST", "/me/messages", sendBody(alice, map[string]any{"text": "hello"}))
	require.Equal(t, 200, res.status, string(res.raw))
	mid := res.body["message_id"].(string)

	evs := s.Journal().After(start, 0)
	require.Equal(t, []string{"request send", "receipt message_echoes", "receipt message_deliveries"}, kindsAfter(s, start))
	for i, field := range []string{FieldMessageEchoes, FieldDeliveries} {
		e := evs[i+1]
		require.Equal(t, mid, e.MID)
		require.Equal(t, alice, e.PSID)
		d, err := e.DecodeDetail()
		require.NoError(t, err)
		rd, ok := d.(ReceiptDetail)
		require.True(t, ok, "detail %T", d)
		require.Equal(t, evs[0].Seq, rd.RequestSeq)
		require.Equal(t, field, rd.Field)
		var item MessagingEvent
		require.NoError(t, json.Unmarshal(rd.Event, &item))
		if field == FieldMessageEchoes {
			require.NotNil(t, item.Message)
			require.True(t, item.Message.IsEcho)
			require.Equal(t, "hello", item.Message.Text)
		} else {
			require.NotNil(t, item.Delivery)
			require.Equal(t, []string{mid}, item.Delivery.MIDs)
		}
	}

	// Receipts off: the send alone, and the switch itself is journalled.
	s.SetReceipts(false)
	start = s.Journal().Last()
	res = apiJSON(t, s, "POST", "/me/messages", sendBody(alice, map[string]any{"text": "again"}))
	require.Equal(t, 200, res.status)
	require.Equal(t, []string{"request send"}, kindsAfter(s, start))
}

// Every change made through the control API is a control event, with
// the change as its API and its data in the detail.
func TestEveryControlChangeIsJournalled(t *testing.T) {
	t.Parallel()
	s := New()
	bot := httptest.NewServer(webhookAnswerer())
	t.Cleanup(bot.Close)
	steps := []struct {
		method, path, body string
		want               []string // kind and API of what it journals
	}{
		{"POST", "users", `{"name":"Dana Li"}`, []string{"control user_created"}},
		{"PATCH", "users/" + alice, `{"locale":"fr_FR"}`, []string{"control user_updated"}},
		{"POST", "faults", `{"api":"send","error":"unavailable"}`, []string{"control fault_added"}},
		{"DELETE", "faults/f1", ``, []string{"control fault_removed"}},
		{"DELETE", "faults", ``, []string{"control faults_cleared"}},
		{"POST", "rate_limits", `{"enabled":true}`, []string{"control rate_limits"}},
		{"POST", "receipts", `{"enabled":false}`, []string{"control receipts"}},
		{"POST", "receipts", `{"enabled":true}`, []string{"control receipts"}},
		{"POST", "clock/advance", `{"duration":"1h"}`, []string{"control clock"}},
		{"PUT", "handover/roles", `{"app_roles":{"` + DefaultAppID + `":["primary_receiver"],"` + PageInboxAppID + `":["secondary_receiver"]}}`, []string{"control app_roles", "handover messaging_handovers"}},
		{"POST", "handover/act", `{"action":"request_thread_control","psid":"` + alice + `","metadata":"a human"}`, []string{"control handover_act"}},
		// The handshake first: the setting changes only once it passed.
		{"PUT", "webhook", `{"url":"` + bot.URL + `","receipts":false}`, []string{"webhook webhook_verify", "control receipts", "control webhook"}},
		{"POST", "reset", ``, []string{"control reset"}},
	}
	for _, st := range steps {
		start := s.Journal().Last()
		status, body := controlDo(t, s, st.method, st.path, st.body)
		require.Equal(t, 200, status, "%s %s: %v", st.method, st.path, body)
		if diff := cmp.Diff(st.want, kindsAfter(s, start)); diff != "" {
			t.Errorf("%s %s journalled (-want +got):\n%s", st.method, st.path, diff)
		}
		for _, e := range s.Journal().After(start, 0) {
			if e.Kind != KindControl {
				continue
			}
			d, err := e.DecodeDetail()
			require.NoError(t, err)
			require.Equal(t, e.API, d.(ControlDetail).Change)
		}
	}
	// The created user's PSID is on its event.
	created := s.Journal().Find(0, func(e *Event) bool { return e.API == ChangeUserCreated })
	require.Len(t, created, 1)
	require.NotEmpty(t, created[0].PSID)
}

// webhookAnswerer is a bot that passes the handshake and takes every POST.
func webhookAnswerer() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, r.URL.Query().Get("hub.challenge"))
	})
}

// The thread of a scripted conversation lists every step, both ways, in
// the order it happened, built from the journal.
func TestThreadListsTheWholeConversation(t *testing.T) {
	t.Parallel()
	s := New()
	act := func(path, body string) map[string]any {
		t.Helper()
		status, out := controlDo(t, s, "POST", "users/"+alice+"/"+path, body)
		require.Equal(t, 200, status, "%s: %v", path, out)
		return out
	}
	send := func(msg map[string]any) string {
		t.Helper()
		res := apiJSON(t, s, "POST", "/me/messages", sendBody(alice, msg))
		require.Equal(t, 200, res.status, string(res.raw))
		return res.body["message_id"].(string)
	}
	act("messages", `{"text":"hi"}`)
	send(map[string]any{"text": "Pick one", "quick_replies": []any{
		map[string]any{"content_type": "text", "title": "Red", "payload": "RED"}}})
	act("quick_replies", `{"title":"Red"}`)
	card := send(map[string]any{"attachment": map[string]any{"type": "template", "payload": map[string]any{
		"template_type": "button", "text": "Sure?", "buttons": []any{
			map[string]any{"type": "postback", "title": "Buy", "payload": "BUY"}}}}})
	act("postbacks", `{"title":"Buy"}`)
	act("reactions", `{"mid":"`+card+`","reaction":"love"}`)
	act("read", ``)
	mine := act("messages", `{"text":"thx"}`)["mid"].(string)
	act("edits", `{"mid":"`+mine+`","text":"thanks!"}`)

	status, out := controlDo(t, s, "GET", "users/"+alice+"/thread", "")
	require.Equal(t, 200, status)
	var conv Conversation
	raw, err := json.Marshal(out)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(raw, &conv))
	require.True(t, conv.Complete)
	var got []string
	var seqs []uint64
	for _, it := range conv.Items {
		got = append(got, it.From+" "+string(it.Action)+" "+it.Text)
		seqs = append(seqs, it.Seq)
	}
	want := []string{
		"user message hi",
		"page message Pick one",
		"user quick_reply Red",
		"page message ",
		"user postback Buy",
		"user reaction \u2764\ufe0f",
		"user read ",
		"user message thx",
		"user edit thanks!",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("thread (-want +got):\n%s", diff)
	}
	for i := 1; i < len(seqs); i++ {
		require.Less(t, seqs[i-1], seqs[i], "thread out of order")
	}
	// The bot's message carries what it sent.
	require.JSONEq(t, `{"text":"Pick one","quick_replies":[{"content_type":"text","title":"Red","payload":"RED"}]}`, string(conv.Items[1].Message))
}

// GET journal filters by psid, kind, api and accepted.
func TestJournalFilters(t *testing.T) {
	t.Parallel()
	s := New()
	const bob = "6283749102837465"
	_, err := s.UserSends(DefaultPageID, alice, UserMessageRequest{Text: "hi"})
	require.NoError(t, err)
	_, err = s.UserSends(DefaultPageID, bob, UserMessageRequest{Text: "hey"})
	require.NoError(t, err)
	require.Equal(t, 200, apiJSON(t, s, "POST", "/me/messages", sendBody(alice, map[string]any{"text": "ok"})).status)
	require.Equal(t, 400, apiJSON(t, s, "POST", "/me/messages", sendBody(bob, map[string]any{"text": ""})).status)

	read := func(query string) []Event {
		t.Helper()
		r := httptest.NewRequest("GET", "/_messemu/v1/journal?"+query, nil)
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, r)
		require.Equal(t, 200, rec.Code, rec.Body.String())
		var page journalAnswer
		require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &page))
		return page.Events
	}
	summary := func(evs []Event) []string {
		var out []string
		for _, e := range evs {
			out = append(out, fmt.Sprintf("%s %s %s %v", e.Kind, e.API, e.PSID, e.Accepted))
		}
		return out
	}
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"psid=" + bob, []string{"user_action messages " + bob + " true", "request send " + bob + " false"}},
		{"kind=receipt", []string{"receipt message_echoes " + alice + " true", "receipt message_deliveries " + alice + " true"}},
		{"api=send", []string{"request send " + alice + " true", "request send " + bob + " false"}},
		{"accepted=false", []string{"request send " + bob + " false"}},
		{"kind=request&accepted=true&psid=" + alice, []string{"request send " + alice + " true"}},
		{"kind=user_action&limit=1", []string{"user_action messages " + alice + " true"}},
	} {
		if diff := cmp.Diff(tc.want, summary(read(tc.query))); diff != "" {
			t.Errorf("journal?%s (-want +got):\n%s", tc.query, diff)
		}
	}
	// A bad filter is a 400 that names the choices.
	status, body := controlDo(t, s, "GET", "journal?kind=nope", "")
	require.Equal(t, 400, status)
	require.Contains(t, fmt.Sprint(body), "user_action")
	status, body = controlDo(t, s, "GET", "journal?api=sned", "")
	require.Equal(t, 400, status, "a misspelt api would read as an empty journal")
	require.Contains(t, fmt.Sprint(body), "send, node")
	status, body = controlDo(t, s, "GET", "journal?api=SEND", "")
	require.Equal(t, 400, status)
	require.Contains(t, fmt.Sprint(body), `api "SEND" is written "send"`)

	// A filtered long poll waits for a matching event, not any event.
	last := s.Journal().Last()
	done := make(chan []Event, 1)
	go func() {
		r := httptest.NewRequest("GET", fmt.Sprintf("/_messemu/v1/journal?after=%d&kind=request&wait=10s", last), nil)
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, r)
		var page journalAnswer
		_ = json.Unmarshal(rec.Body.Bytes(), &page)
		done <- page.Events
	}()
	_, err = s.UserSends(DefaultPageID, alice, UserMessageRequest{Text: "not a request"})
	require.NoError(t, err)
	require.Equal(t, 200, apiJSON(t, s, "POST", "/me/messages", sendBody(alice, map[string]any{"text": "a request"})).status)
	select {
	case evs := <-done:
		require.Len(t, evs, 1)
		require.Equal(t, KindRequest, evs[0].Kind)
	case <-time.After(10 * time.Second):
		t.Fatal("the filtered long poll did not answer")
	}
}

// A reader whose position the journal limit trimmed is told so, in Go
// and over HTTP, never handed a silent gap.
func TestTrimmedReaderIsTold(t *testing.T) {
	t.Parallel()
	s := New(WithJournalLimit(8))
	for i := range 40 {
		_, err := s.UserSends(DefaultPageID, alice, UserMessageRequest{Text: fmt.Sprint("m", i)})
		require.NoError(t, err)
	}
	first := s.Journal().First()
	require.Greater(t, first, uint64(2), "nothing was trimmed")

	_, err := s.Journal().Read(0, 0, nil)
	var te *TrimmedError
	require.ErrorAs(t, err, &te)
	require.True(t, errors.Is(err, ErrTrimmed))
	require.Equal(t, first, te.First)
	_, err = s.Journal().Wait(t.Context(), 1, 0)
	require.ErrorIs(t, err, ErrTrimmed)

	// Reading from just before the oldest kept is fine.
	evs, err := s.Journal().Read(first-1, 0, nil)
	require.NoError(t, err)
	require.Equal(t, first, evs[0].Seq)

	status, body := controlDo(t, s, "GET", "journal?after=0", "")
	require.Equal(t, 410, status)
	require.Contains(t, fmt.Sprint(body), fmt.Sprintf("the oldest kept is %d", first))
	status, body = controlDo(t, s, "GET", "journal/1", "")
	require.Equal(t, 410, status)
	require.Contains(t, fmt.Sprint(body), "journal event 1 was trimmed", "one event: no range, no read again after")
	// Without after, the reader starts at the oldest kept.
	status, body = controlDo(t, s, "GET", "journal", "")
	require.Equal(t, 200, status)
	require.EqualValues(t, first, body["first_seq"])

	// The thread says it is incomplete.
	conv, err := s.Conversation(DefaultPageID, alice)
	require.NoError(t, err)
	require.False(t, conv.Complete)
	require.Equal(t, first, conv.FirstSeq)
}

// Standby is decided when the event happens: a message while the Page
// Inbox owns the thread goes out as standby even after the bot takes the
// thread back.
func TestStandbyDecidedWhenTheEventHappens(t *testing.T) {
	t.Parallel()
	s := New()
	status, out := controlDo(t, s, "POST", "handover/act", `{"action":"pass_thread_control","psid":"`+alice+`","target_app_id":"`+PageInboxAppID+`"}`)
	require.Equal(t, 200, status, "%v", out)
	m, err := s.UserSends(DefaultPageID, alice, UserMessageRequest{Text: "to the inbox"})
	require.NoError(t, err)
	require.Equal(t, 200, apiJSON(t, s, "POST", "/me/take_thread_control", map[string]any{"recipient": recipient(alice)}).status)

	e, err := s.JournalEvent(m.Seq)
	require.NoError(t, err)
	h, ok := e.Hook()
	require.True(t, ok)
	require.True(t, h.Standby)
	require.NotNil(t, e.Thread)
	require.Equal(t, PageInboxAppID, e.Thread.OwnerAppID)
	require.Equal(t, WindowOpen, e.Thread.Window)
	require.Equal(t, "bot", ownerNow(t, s))
}

func ownerNow(t *testing.T, s *Server) string {
	t.Helper()
	if s.ThreadOwner(DefaultPageID, alice) == DefaultAppID {
		return "bot"
	}
	return s.ThreadOwner(DefaultPageID, alice)
}

// An idle thread's events go to the primary receiver: when that is
// another app (the bot a secondary receiver), the bot gets them as
// standby (PLATFORM.md §8).
func TestIdleThreadIsStandbyForASecondaryBot(t *testing.T) {
	t.Parallel()
	s := New()
	require.NoError(t, s.SetAppRoles(DefaultPageID, AppRolesRequest{AppRoles: map[string][]string{
		PageInboxAppID: {RolePrimary}, DefaultAppID: {RoleSecondary}}}))
	s.Advance(25 * time.Hour) // any owner's hold has lapsed: idle
	require.Equal(t, "", s.ThreadOwner(DefaultPageID, alice))
	require.True(t, sentAsStandby(t, s, "idle, the inbox primary"))

	// No app primary (the bot without a role): no one else gets the
	// events, so the bot does not get them as standby.
	n := New()
	require.NoError(t, n.SetAppRoles(DefaultPageID, AppRolesRequest{AppRoles: map[string][]string{PageInboxAppID: {RoleSecondary}}}))
	require.False(t, sentAsStandby(t, n, "no primary"))

	// With the default roles (the bot primary) an idle thread is the bot's.
	d := New()
	d.Advance(25 * time.Hour)
	require.False(t, sentAsStandby(t, d, "idle, the bot primary"))
}

// sentAsStandby makes alice write text and says whether the bot gets it
// as standby.
func sentAsStandby(t *testing.T, s *Server, text string) bool {
	t.Helper()
	m, err := s.UserSends(DefaultPageID, alice, UserMessageRequest{Text: text})
	require.NoError(t, err)
	e, err := s.JournalEvent(m.Seq)
	require.NoError(t, err)
	h, ok := e.Hook()
	require.True(t, ok)
	return h.Standby
}
