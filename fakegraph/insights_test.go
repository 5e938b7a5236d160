package fakegraph

import (
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

const (
	metricConnections = "page_messages_total_messaging_connections"
	metricNew         = "page_messages_new_conversations_unique"
	metricBlocked     = "page_messages_blocked_conversations_unique"
	metricReported    = "page_messages_reported_conversations_unique"
)

// insightsOf answers metric's values (value per end_time) from a 200
// insights answer.
func insightsOf(t *testing.T, s *Server, path string) map[string][]any {
	t.Helper()
	out := mustGraph(t, s, "GET", path, "")
	data, _ := out["data"].([]any)
	got := map[string][]any{}
	for _, d := range data {
		m := d.(map[string]any)
		var vs []any
		for _, v := range m["values"].([]any) {
			vv := v.(map[string]any)
			vs = append(vs, vv["end_time"].(string)+"="+strconv.Itoa(int(vv["value"].(float64))))
		}
		got[m["name"].(string)] = vs
	}
	return got
}

// The whole answer, exactly: a fresh Page, the last two whole days.
func TestInsightsAnswer(t *testing.T) {
	t.Parallel()
	s := newTestServer(t) // 2026-09-01 12:00 UTC
	out := mustGraph(t, s, "GET", "/v26.0/me/insights/?metric="+metricConnections, "")
	since, until := time.Date(2026, 8, 30, 0, 0, 0, 0, time.UTC).Unix(), time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC).Unix()
	span := until - since
	link := func(from, to int64) string {
		q := url.Values{"access_token": {DefaultPageToken}, "metric": {metricConnections},
			"since": {strconv.FormatInt(from, 10)}, "until": {strconv.FormatInt(to, 10)}}
		return "http://example.com/v26.0/me/insights?" + q.Encode()
	}
	want := map[string]any{
		"data": []any{map[string]any{
			"name":   metricConnections,
			"period": "day",
			"values": []any{
				map[string]any{"value": 0.0, "end_time": "2026-08-31T00:00:00+0000"},
				map[string]any{"value": 0.0, "end_time": "2026-09-01T00:00:00+0000"},
			},
			"title":       "Messaging connections",
			"description": "Daily: The number of people who have sent a message to your business, not including people who have blocked or reported your business on Messenger. (This number only includes connections made since October 2016.)",
			"id":          DefaultPageID + "/insights/" + metricConnections + "/day",
		}},
		"paging": map[string]any{"previous": link(since-span, since), "next": link(until, until+span)},
	}
	require.Equal(t, want, out)
	e := lastEvent(t, s)
	require.Equal(t, APIInsights, e.API)
	require.Empty(t, e.Violations)
}

// Counts follow a scripted conversation on the virtual clock: days are
// UTC days, since includes its day, until excludes its own.
func TestInsightsCountConversations(t *testing.T) {
	t.Parallel()
	s := newTestServer(t) // 2026-09-01 12:00 UTC
	userWrites(t, s, alice)
	s.Advance(11*time.Hour + 59*time.Minute + 59*time.Second) // 23:59:59, still 1 September
	userWrites(t, s, psidBob)
	s.Advance(time.Second) // 2 September, 00:00:00
	mustGraph(t, s, "POST", "/me/messenger_profile", `{"get_started":{"payload":"GO"}}`)
	_, err := s.UserTapsGetStarted(DefaultPageID, psidCarla) // a tap begins a conversation too
	require.NoError(t, err)
	userWrites(t, s, alice) // no new conversation: Alice wrote before
	s.Advance(10 * time.Hour)
	st, body := controlDo(t, s, "PATCH", "users/"+psidBob, `{"blocked":true}`)
	require.Equal(t, 200, st, "%v", body)
	// A user who never wrote and blocks the Page ends no conversation.
	st, body = controlDo(t, s, "POST", "users", `{"name":"Eve Never","blocked":true}`)
	require.Equal(t, 200, st, "%v", body)
	s.Advance(15 * time.Hour) // 3 September, 01:00

	all := "metric=" + metricConnections + "," + metricNew + "," + metricBlocked
	require.Equal(t, map[string][]any{
		metricConnections: {"2026-09-02T00:00:00+0000=2", "2026-09-03T00:00:00+0000=2"},
		metricNew:         {"2026-09-02T00:00:00+0000=2", "2026-09-03T00:00:00+0000=1"},
		metricBlocked:     {"2026-09-02T00:00:00+0000=0", "2026-09-03T00:00:00+0000=1"},
	}, insightsOf(t, s, "/me/insights?"+all))

	// since and until as dates: 1 September only.
	require.Equal(t, map[string][]any{
		metricNew: {"2026-09-02T00:00:00+0000=2"},
	}, insightsOf(t, s, "/"+DefaultPageID+"/insights/"+metricNew+"?since=2026-09-01&until=2026-09-02"))

	// total_over_range: connections are a level at the end, the others sums.
	require.Equal(t, map[string][]any{
		metricConnections: {"2026-09-03T00:00:00+0000=2"},
		metricNew:         {"2026-09-03T00:00:00+0000=3"},
		metricBlocked:     {"2026-09-03T00:00:00+0000=1"},
	}, insightsOf(t, s, "/me/insights?period=total_over_range&since=2026-08-25&until=2026-09-03&"+all))

	// UNIX timestamps; an until past today brings today so far, and no day
	// after it.
	since := strconv.FormatInt(time.Date(2026, 9, 2, 13, 0, 0, 0, time.UTC).Unix(), 10)
	until := strconv.FormatInt(time.Date(2026, 9, 10, 0, 0, 0, 0, time.UTC).Unix(), 10)
	userWrites(t, s, alice)
	_, err = s.AddUser(User{Name: "Dan Late"})
	require.NoError(t, err)
	users, err := s.Users(DefaultPageID)
	require.NoError(t, err)
	for _, u := range users {
		if u.Name == "Dan Late" {
			userWrites(t, s, u.PSID)
		}
	}
	require.Equal(t, map[string][]any{
		metricNew:         {"2026-09-03T00:00:00+0000=1", "2026-09-04T00:00:00+0000=1"},
		metricConnections: {"2026-09-03T00:00:00+0000=2", "2026-09-04T00:00:00+0000=3"},
	}, insightsOf(t, s, "/me/insights?metric="+metricNew+","+metricConnections+"&since="+since+"&until="+until))
}

// A conversation the person has not acted in is not counted: the
// checkbox plugin opens the window, yet the person has written nothing.
func TestInsightsCheckboxIsNoConversation(t *testing.T) {
	t.Parallel()
	s := newTestServer(t)
	_, err := s.UserOptsIn(DefaultPageID, alice, OptIn{Type: OptInCheckbox})
	require.NoError(t, err)
	s.Advance(24 * time.Hour)
	require.Equal(t, map[string][]any{
		metricNew: {"2026-09-01T00:00:00+0000=0", "2026-09-02T00:00:00+0000=0"},
	}, insightsOf(t, s, "/me/insights?metric="+metricNew))
	userWrites(t, s, alice)
	s.Advance(24 * time.Hour)
	require.Equal(t, map[string][]any{
		metricNew: {"2026-09-02T00:00:00+0000=0", "2026-09-03T00:00:00+0000=1"},
	}, insightsOf(t, s, "/me/insights?metric="+metricNew))
}

// Reported conversations answer 0 with a warning: nothing reports one.
func TestInsightsReportedWarns(t *testing.T) {
	t.Parallel()
	s := newTestServer(t)
	require.Equal(t, map[string][]any{
		metricReported: {"2026-08-31T00:00:00+0000=0", "2026-09-01T00:00:00+0000=0"},
	}, insightsOf(t, s, "/me/insights?metric="+metricReported))
	e := lastEvent(t, s)
	require.Len(t, e.Violations, 1)
	require.Equal(t, ruleInsightsNotCounted.Name, e.Violations[0].Rule)
	require.Equal(t, "warning", string(e.Violations[0].Severity))
}

func TestInsightsErrors(t *testing.T) {
	t.Parallel()
	s := newTestServer(t)
	notEmulated := func(what string) map[string]any { return oauth100("(#100) " + what + " is not emulated by messemu") }
	for _, tc := range []struct {
		name, path string
		want       map[string]any
	}{
		{"no metric", "/me/insights", requiredBody("metric")},
		{"unknown metric", "/me/insights?metric=page_messages_bogus", invalidBody},
		{"unknown metric in the path", "/me/insights/page_impressions_bogus", invalidBody},
		{"a Page Insights metric (D28)", "/me/insights?metric=page_impressions", oauth100("(#100) The Page Insights metric page_impressions is not emulated by messemu")},
		{"a post metric in the path (D28)", "/me/insights/post_clicks", oauth100("(#100) The Page Insights metric post_clicks is not emulated by messemu")},
		{"one unknown among known", "/me/insights?metric=" + metricNew + ",nope", invalidBody},
		{"marketing metric", "/me/insights?metric=page_messages_sent", notEmulated("The Messaging Insights metric page_messages_sent")},
		{"period week", "/me/insights?metric=" + metricNew + "&period=week", notEmulated("The Messaging Insights period week")},
		{"period unknown", "/me/insights?metric=" + metricNew + "&period=hour", invalidBody},
		{"date_preset", "/me/insights?metric=" + metricNew + "&date_preset=last_week", notEmulated("The Messaging Insights parameter date_preset")},
		{"since not a time", "/me/insights?metric=" + metricNew + "&since=yesterday", invalidBody},
		{"since negative", "/me/insights?metric=" + metricNew + "&since=-5", invalidBody},
		{"since after until", "/me/insights?metric=" + metricNew + "&since=2026-09-01&until=2026-08-01", invalidBody},
		{"another Page", "/209876543210987/insights?metric=" + metricNew, unsupportedBody("get", "209876543210987")},
		{"a user", "/" + alice + "/insights?metric=" + metricNew, unsupportedBody("get", alice)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out := graph(t, s, "GET", tc.path, "")
			wantGraphError(t, code, out, tc.want)
		})
	}
	// The app access token has no Page to count.
	res := apiDo(t, s, httptest.NewRequest("GET", "/me/insights?metric="+metricNew+"&access_token="+url.QueryEscape(testAppToken), nil))
	wantGraphError(t, res.status, res.body, unsupportedBody("get", "me"))
}

// FuzzInsightsAndIDMatchingQueries throws arbitrary queries at the insights
// and ID matching edges: every answer is a 200 or a Graph error, and no
// handler panics.
func FuzzInsightsAndIDMatchingQueries(f *testing.F) {
	proof := AppSecretProof(DefaultAppSecret, DefaultPageToken)
	for _, seed := range []struct{ path, query string }{
		{"/me/insights", "metric=" + metricConnections + "," + metricNew + "&since=0&until=2026-09-03"},
		{"/me/insights/" + metricBlocked, "period=total_over_range&since=2026-09-01&until=1788000000"},
		{"/me/insights", "metric[0]=" + metricReported + "&metric[1]=" + metricNew + "&period=day"},
		{"/" + alice + "/ids_for_pages", "appsecret_proof=" + proof + "&limit=1&after=aWRzX2Zvcl9wYWdlczo1Mjc1ODExNzAyNDcxODM0OjE"},
		{"/" + alice + "/ids_for_apps", "appsecret_proof=" + proof + "&app=1&before=x"},
	} {
		f.Add(seed.path, seed.query)
	}
	s := New(WithIDSeed(3), WithJournalLimit(1000))
	if _, err := s.UserSends(DefaultPageID, alice, UserMessageRequest{Text: "hi"}); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, path, query string) {
		if !strings.HasPrefix(path, "/") || strings.HasPrefix(path, "/_messemu") || strings.Contains(query, "access_token") {
			return
		}
		before := s.Journal().Last()
		req := httptest.NewRequest("GET", "http://graph.test/", nil)
		req.URL.Path, req.URL.RawPath = path, ""
		req.URL.RawQuery = query + "&access_token=" + DefaultPageToken
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		if rec.Code != 200 && rec.Code != 400 {
			t.Fatalf("status %d for %q %q", rec.Code, path, query)
		}
		for _, e := range s.Journal().After(before, 0) {
			for _, v := range e.Violations {
				if strings.HasPrefix(v.Detail, "internal error") {
					t.Fatalf("a handler panicked: %s for %q %q", v.Detail, path, query)
				}
			}
		}
	})
}
