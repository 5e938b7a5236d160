package fakegraph

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/messemu/messemu/validator"
)

// The Messaging Insights API: GET /{page}/insights?metric=a,b and
// GET /{page}/insights/{metric}, counted from the store on the virtual
// clock. The facts come from the Messaging Insights API guide and
// reference (developers.facebook.com/documentation/business-messaging/
// messenger-platform/analytics/messaging-insights, and …/reference/
// messaging-insights-api):
//
//   - `metric` is required, a comma-separated list; `period` is day,
//     week, month, days_28 or total_over_range (one value over the range);
//     `since` and `until` bound the range: `since` includes its day from
//     midnight, `until` excludes its own day; both are UNIX timestamps in
//     the reference and YYYY-MM-DD dates in the guide, so both are read.
//     `date_preset` and `breakdown` exist too (not emulated here).
//   - The metrics and their descriptions are the reference's table; the
//     answer is {"data":[{"name","period","values":[{"value","end_time"}],
//     "title","description","id":"<page>/insights/<metric>/<period>"}],
//     "paging":{"previous","next"}}, as messaging-apis (Yoctol) quotes a
//     real answer; value is an int ("Response properties").
//   - A conversation counts once the person has acted (written, tapped),
//     not when only the Page wrote ("Limitations").
//
// messemu's days are UTC days; without since and until it answers the
// last two whole days, as Graph's insights do.
func (s *Server) insightsRoutes() []route {
	return []route{
		{method: "GET", pattern: "{id}/insights", op: "getInsights", api: APIInsights, handle: s.getInsights, query: []string{"metric", "period", "since", "until", "date_preset", "breakdown", "breakdowns"}},
		{method: "GET", pattern: "{id}/insights/{id}", op: "getInsightsMetric", api: APIInsights, handle: s.getInsights, query: []string{"period", "since", "until", "date_preset", "breakdown", "breakdowns"}},
	}
}

var (
	ruleInsightsMetric     = validator.Rule{Name: "insights.metric", Source: "MP/analytics/messaging-insights"}
	ruleInsightsNotCounted = validator.Rule{Name: "insights.metric.not-counted", Source: "MP/analytics/messaging-insights"}
	ruleInsightsPeriod     = validator.Rule{Name: "insights.period", Source: "MP/analytics/messaging-insights"}
	ruleInsightsRange      = validator.Rule{Name: "insights.range", Source: "MP/analytics/messaging-insights"}
)

// insightsMetric is one documented Messaging Insights metric.
type insightsMetric struct {
	name string
	// title is the answer's title: as real answers word it where one was
	// seen, else composed the same way (≈).
	title, description string
	// count counts the metric for one Page over [from, to) (a level at
	// to, for connections); nil: messemu does not model what it counts
	// (the marketing-message metrics).
	count func(p *pageState, from, to time.Time) int
	// unknowable: nothing in messemu can raise it; it answers 0 with a
	// warning rather than refuse a bot that asks for the usual four.
	unknowable bool
}

// insightsMetrics is the reference's table of metrics.
var insightsMetrics = []insightsMetric{
	{name: "page_messages_total_messaging_connections", title: "Messaging connections",
		description: "The number of people who have sent a message to your business, not including people who have blocked or reported your business on Messenger. (This number only includes connections made since October 2016.)",
		count:       countConnections},
	{name: "page_messages_new_conversations_unique", title: "Daily unique new conversations count",
		description: "The number of messaging conversations on Facebook Messenger that began with people who had never messaged with your business before.",
		count:       countNewConversations},
	{name: "page_messages_blocked_conversations_unique", title: "Daily unique blocked conversations count",
		description: "The number of conversations with the Page that have been blocked.",
		count:       countBlocked},
	{name: "page_messages_reported_conversations_unique", title: "Daily unique reported conversations count",
		description: "The number of conversations from your Page that have been reported by people for reasons such as spam, or containing inappropriate content.",
		count:       func(*pageState, time.Time, time.Time) int { return 0 }, unknowable: true},
	{name: "page_messages_engagement"},
	{name: "page_messages_order_count"},
	{name: "page_messages_paid_order_earnings"},
	{name: "page_messages_read_ratio"},
	{name: "page_messages_sent"},
	{name: "page_messages_with_business_outcomes"},
	{name: "recurring_notifications_tokens"},
}

func lookupInsightsMetric(name string) (insightsMetric, bool) {
	for _, m := range insightsMetrics {
		if m.name == name {
			return m, true
		}
	}
	return insightsMetric{}, false
}

// countConnections: people who have ever acted toward the Page by to,
// less those who had blocked it by then.
func countConnections(p *pageState, _, to time.Time) int {
	n := 0
	for _, u := range p.users {
		if began(u, to) && !(u.Blocked && u.blockedAt.Before(to)) {
			n++
		}
	}
	return n
}

// countNewConversations: people whose first action fell in [from, to).
func countNewConversations(p *pageState, from, to time.Time) int {
	n := 0
	for _, u := range p.users {
		if began(u, to) && !u.FirstInteraction.Before(from) {
			n++
		}
	}
	return n
}

// countBlocked: people in conversation with the Page who blocked it in
// [from, to) and still do.
func countBlocked(p *pageState, from, to time.Time) int {
	n := 0
	for _, u := range p.users {
		if u.Blocked && began(u, to) && !u.blockedAt.IsZero() && !u.blockedAt.Before(from) && u.blockedAt.Before(to) {
			n++
		}
	}
	return n
}

func began(u *User, by time.Time) bool {
	return !u.FirstInteraction.IsZero() && u.FirstInteraction.Before(by)
}

// InsightsMetric is one metric of an insights answer.
type InsightsMetric struct {
	Name        string          `json:"name"`
	Period      string          `json:"period"`
	Values      []InsightsValue `json:"values"`
	Title       string          `json:"title"`
	Description string          `json:"description"`
	ID          string          `json:"id"`
}

// InsightsValue is a metric's value for the period ending at EndTime.
type InsightsValue struct {
	Value   int    `json:"value"`
	EndTime string `json:"end_time"`
}

// InsightsAnswer is the answer to GET /{page}/insights.
type InsightsAnswer struct {
	Data   []InsightsMetric `json:"data"`
	Paging InsightsPaging   `json:"paging"`
}

// InsightsPaging moves the range back and forth by its own length.
type InsightsPaging struct {
	Previous string `json:"previous"`
	Next     string `json:"next"`
}

const day = 24 * time.Hour

// insightsPeriods are the documented periods; messemu answers day and
// total_over_range.
var insightsPeriods = map[string]bool{"day": true, "total_over_range": true, "week": false, "month": false, "days_28": false}

func (s *Server) getInsights(c *call) (any, error) {
	if id := c.segs[0]; !c.isPage(id) {
		return nil, c.unknownNode(id)
	}
	metrics, gerr := c.insightsMetrics()
	if gerr != nil {
		return nil, gerr
	}
	period := c.str("period")
	if period == "" {
		period = "day"
	}
	answered, known := insightsPeriods[period]
	switch {
	case !known:
		return nil, c.fail("period", ruleInsightsPeriod, validator.Err(validator.KeyInvalid), "period "+strconv.Quote(period)+" is not day, week, month, days_28 or total_over_range")
	case !answered:
		return nil, c.fail("period", ruleNotEmulated, validator.Err(validator.KeyNotEmulated, "The Messaging Insights period "+period), "")
	}
	for _, k := range []string{"date_preset", "breakdown", "breakdowns"} {
		if _, ok := c.params[k]; ok {
			return nil, c.fail(k, ruleNotEmulated, validator.Err(validator.KeyNotEmulated, "The Messaging Insights parameter "+k), "")
		}
	}
	from, to, gerr := c.insightsRange()
	if gerr != nil {
		return nil, gerr
	}
	out := InsightsAnswer{Data: make([]InsightsMetric, 0, len(metrics))}
	s.mu.RLock()
	for _, m := range metrics {
		out.Data = append(out.Data, insightsValues(c.page, m, period, from, to))
	}
	s.mu.RUnlock()
	span := to.Sub(from)
	out.Paging = InsightsPaging{Previous: c.insightsURL(from.Add(-span), from), Next: c.insightsURL(to, to.Add(span))}
	return out, nil
}

// insightsMetrics reads the metrics asked for: the path's, else `metric`.
func (c *call) insightsMetrics() ([]insightsMetric, *validator.GraphError) {
	names, _ := c.listParam("metric")
	if len(c.segs) == 3 {
		names = []string{c.segs[2]}
	}
	if len(names) == 0 {
		return nil, c.fail("metric", ruleInsightsMetric, validator.Err(validator.KeyRequired, "metric"), "")
	}
	var out []insightsMetric
	seen := map[string]bool{}
	for _, n := range names {
		m, ok := lookupInsightsMetric(n)
		switch {
		case seen[n]:
			continue
		case !ok && otherPageInsightsMetric(n):
			// A real metric of the Page's own insights (D28), not a
			// misspelt messaging one.
			return nil, c.fail("metric", ruleNotEmulated, validator.Err(validator.KeyNotEmulated, "The Page Insights metric "+n), "")
		case !ok:
			return nil, c.fail("metric", ruleInsightsMetric, validator.Err(validator.KeyInvalid), strconv.Quote(n)+" is not a Messaging Insights metric (other Page Insights metrics are not emulated)")
		case m.count == nil:
			return nil, c.fail("metric", ruleNotEmulated, validator.Err(validator.KeyNotEmulated, "The Messaging Insights metric "+n), "")
		case m.unknowable:
			c.warn("metric", ruleInsightsNotCounted, n+" answers 0: nothing in messemu reports a conversation")
		}
		seen[n] = true
		out = append(out, m)
	}
	return out, nil
}

// otherPageInsightsMetric reports one of the Page Insights API's best-known
// metrics that are not Messaging Insights: a bot asking for one reaches a
// real metric messemu does not count. Any other name stays invalid.
func otherPageInsightsMetric(n string) bool {
	switch n {
	case "page_impressions", "page_impressions_unique", "page_impressions_paid", "page_impressions_organic_v2",
		"page_engaged_users", "page_post_engagements", "page_consumptions", "page_fans", "page_fan_adds",
		"page_fan_removes", "page_follows", "page_daily_follows", "page_views_total", "page_video_views",
		"page_posts_impressions", "page_actions_post_reactions_total", "post_impressions", "post_impressions_unique",
		"post_clicks", "post_engaged_users", "post_reactions_by_type_total", "page_total_actions", "page_fans_online",
		"page_fans_country", "page_fans_city", "page_views_logged_in_total", "page_negative_feedback":
		return true
	}
	return false
}

// insightsRange reads since and until into whole UTC days [from, to):
// since's day is in, until's is out; without them, the last two whole
// days. Days after today are left out; today, so far, is in when until
// reaches past it.
func (c *call) insightsRange() (from, to time.Time, gerr *validator.GraphError) {
	today := c.now.UTC().Truncate(day)
	since, hasSince, gerr := c.insightsTime("since")
	if gerr != nil {
		return from, to, gerr
	}
	until, hasUntil, gerr := c.insightsTime("until")
	if gerr != nil {
		return from, to, gerr
	}
	to = today
	if hasUntil {
		to = until.Truncate(day)
	}
	from = to.Add(-2 * day)
	if hasSince {
		from = since.Truncate(day)
	}
	if hasSince && hasUntil && since.After(until) {
		return from, to, c.fail("since", ruleInsightsRange, validator.Err(validator.KeyInvalid), "since is after until")
	}
	if to.After(today.Add(day)) {
		to = today.Add(day)
	}
	if from.After(to) {
		from = to
	}
	return from, to, nil
}

// insightsTime reads a UNIX timestamp or a YYYY-MM-DD date.
func (c *call) insightsTime(key string) (time.Time, bool, *validator.GraphError) {
	v := strings.TrimSpace(c.str(key))
	if v == "" {
		return time.Time{}, false, nil
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil && n >= 0 && n < maxInsightsTime {
		return time.Unix(n, 0).UTC(), true, nil
	}
	if t, err := time.Parse(time.DateOnly, v); err == nil {
		return t, true, nil
	}
	return time.Time{}, false, c.fail(key, ruleInsightsRange, validator.Err(validator.KeyInvalid), key+" is neither a UNIX timestamp nor a YYYY-MM-DD date")
}

// maxInsightsTime is the first second of the year 10000: timestamps stay
// where dates can be written.
const maxInsightsTime = 253402300800

// insightsValues counts metric m of p over [from, to); s.mu is held.
func insightsValues(p *pageState, m insightsMetric, period string, from, to time.Time) InsightsMetric {
	out := InsightsMetric{Name: m.name, Period: period, Values: []InsightsValue{}, Title: m.title, Description: m.description,
		ID: p.ID + "/insights/" + m.name + "/" + period}
	if period == "day" {
		out.Description = "Daily: " + m.description
		for end := from.Add(day); !end.After(to); end = end.Add(day) {
			out.Values = append(out.Values, InsightsValue{Value: m.count(p, end.Add(-day), end), EndTime: graphTime(end)})
		}
		return out
	}
	v := m.count(p, from, to)
	out.Values = append(out.Values, InsightsValue{Value: v, EndTime: graphTime(to)})
	return out
}

// graphTime is Graph's timestamp form, 2026-09-01T00:00:00+0000 (insights'
// end_time, a message's created_time).
func graphTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05-0700") }

// insightsURL is this call's URL over another range.
func (c *call) insightsURL(since, until time.Time) string {
	q := url.Values{}
	q.Set("access_token", c.token)
	for _, k := range []string{"appsecret_proof", "period"} {
		if v := c.str(k); v != "" {
			q.Set(k, v)
		}
	}
	if list, ok := c.listParam("metric"); ok && len(c.segs) == 2 {
		q.Set("metric", strings.Join(list, ","))
	}
	q.Set("since", strconv.FormatInt(since.Unix(), 10))
	q.Set("until", strconv.FormatInt(until.Unix(), 10))
	return c.selfURL(q)
}
