package fakegraph

import "github.com/messemu/messemu/validator"

// Real Graph endpoints messemu does not model. They exist on the platform
// (some are retired there), so they answer "(#100) <feature> is not
// emulated by messemu", never 2500, which would tell the bot the path does
// not exist (PLATFORM.md D28). PLATFORM.md §13 has no retirement error for
// any of them, so the retired ones say they are retired in the feature name.
func (s *Server) unmodelledRoutes() []route {
	var out []route
	for _, u := range unmodelled {
		for _, m := range u.methods {
			out = append(out, route{method: m.method, pattern: u.pattern, op: m.op, api: APINotEmulated, handle: notEmulated(u.feature)})
		}
	}
	return out
}

// unmodelled lists the endpoints, each with the methods clients call it
// with, so none answers the wrong-method error either.
var unmodelled = []struct {
	pattern string
	methods []methodOp
	feature string
}{
	{"{page}/message_creatives", []methodOp{{"POST", "createMessageCreative"}}, "The Broadcast API (message_creatives, retired on the platform)"},
	{"{page}/broadcast_messages", []methodOp{{"POST", "sendBroadcast"}}, "The Broadcast API (broadcast_messages, retired on the platform)"},
	{"{page}/messenger_codes", []methodOp{{"POST", "createMessengerCode"}}, "Messenger Codes (messenger_codes, retired on the platform)"},
	{"{page}/thread_settings", []methodOp{{"POST", "setThreadSettings"}, {"GET", "getThreadSettings"}, {"DELETE", "deleteThreadSettings"}},
		"The Thread Settings API (thread_settings, replaced on the platform by messenger_profile)"},
	{"{page}/nlp_configs", []methodOp{{"POST", "setNLPConfigs"}}, "Built-in NLP (nlp_configs, retired on the platform)"},
	// Live on the platform: reading a Page's conversations, and blocking,
	// banning or marking them spam (@warriorteam/messenger-sdk calls both).
	{"{page}/conversations", []methodOp{{"GET", "getConversations"}}, "The Conversations API (conversations)"},
	{"{page}/moderate_conversations", []methodOp{{"POST", "moderateConversations"}}, "Conversation moderation (moderate_conversations)"},
}

// methodOp is a method and its operationId in openapi.yaml.
type methodOp struct{ method, op string }

var ruleNotEmulated = validator.Rule{Name: "endpoint.not-emulated", Source: "decision D28"}

func notEmulated(feature string) func(*call) (any, error) {
	return func(c *call) (any, error) {
		return nil, c.fail("", ruleNotEmulated, validator.Err(validator.KeyNotEmulated, feature), "")
	}
}

// pageEdgesNotModelled are the Page's edges on the platform that messemu
// does not model, most of them not Messenger's (the Page node's
// reference): a bot that posts to its Page's feed or reads its roles
// reaches a real endpoint, so
// it is told messemu does not emulate it, in any method, rather than that
// the path does not exist (PLATFORM.md D28). They have no route, so they
// are not in openapi.yaml either.
var pageEdgesNotModelled = func() map[string]bool {
	m := map[string]bool{}
	for _, e := range []string{
		"feed", "posts", "published_posts", "scheduled_posts", "visitor_posts", "tagged", "ratings",
		"photos", "videos", "albums", "picture", "live_videos", "video_lists", "indexed_videos", "events",
		"roles", "assigned_users", "agencies", "blocked", "settings", "tabs", "locations", "call_to_actions",
		"leadgen_forms", "instagram_accounts", "page_backed_instagram_accounts", "product_catalogs",
		"commerce_orders", "image_copyrights", "media_fingerprints", "instant_articles", "likes", "threads",
		"ads_posts", "featured_videos",
		// Messenger's own that messemu does not model either.
		"notification_message_tokens", "welcome_message_flows", "messenger_lead_forms", "saved_message_responses",
	} {
		m[e] = true
	}
	return m
}()

// unmodelledPageEdge reports a call to one of pageEdgesNotModelled: on
// this Page's node (own), or on a node that is nothing of this Page's
// (a user, persona, label, message or attachment): another Page's, which
// a Page token may not reach (PLATFORM.md §1.2: unsupported), and which
// D28 keeps from the 2500 of a path the platform does not have. Under a
// node of this Page's the edge is no Page edge: ok is false, and the path
// stays 2500.
func (c *call) unmodelledPageEdge() (own, ok bool) {
	if len(c.segs) != 2 || c.page == nil || !pageEdgesNotModelled[c.segs[1]] {
		return false, false
	}
	if c.isPage(c.segs[0]) {
		return true, true
	}
	_, mine := c.s.nodeKindOf(c, c.segs[0])
	return false, !mine
}

// multiNodeRead reports GET /?ids=a,b: Graph's read of several nodes at
// once, in one answer keyed by id, which batch clients chain after a list
// ("?ids={result=list:$.data.*.id}"). messemu reads one node a call.
func (c *call) multiNodeRead() bool {
	if c.method != "GET" || len(c.segs) != 1 || c.segs[0] != "" {
		return false
	}
	_, ok := c.params["ids"]
	return ok
}

// multiNodeFeature names it in the not-emulated answer.
const multiNodeFeature = "Reading several nodes at once (the ids parameter)"
