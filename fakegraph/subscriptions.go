package fakegraph

import (
	"strings"
	"sync"

	"github.com/messemu/messemu/fakegraph/webhook"
	"github.com/messemu/messemu/validator"
)

// Webhook subscriptions (PLATFORM.md §10, "Subscribing"): the Page's
// subscribed_apps edge, which decides which fields the webhook dispatcher
// sends, and the app's /{app-id}/subscriptions, which the emulator records
// (the callback URL and verify token are messemu settings).
func (s *Server) subscriptionRoutes() []route {
	return []route{
		{method: "POST", pattern: "{page}/subscribed_apps", op: "subscribeApp", api: APISubscriptions, handle: s.subscribePage},
		{method: "DELETE", pattern: "{page}/subscribed_apps", op: "unsubscribeApp", api: APISubscriptions, handle: s.unsubscribePage},
		{method: "GET", pattern: "{page}/subscribed_apps", op: "getSubscribedApps", api: APISubscriptions, handle: s.getSubscribedApps, query: []string{}},
		{method: "GET", pattern: "{id}/subscriptions", op: "getAppSubscriptions", api: APISubscriptions, handle: s.getAppSubscriptions, query: []string{}},
		{method: "POST", pattern: "{id}/subscriptions", op: "postAppSubscription", api: APISubscriptions, handle: s.postAppSubscription},
		{method: "GET", pattern: "debug_token", op: "debugToken", api: APIDebugToken, handle: s.debugToken, query: []string{"input_token"}},
		{method: "GET", pattern: "{page}/messaging_feature_review", op: "messagingFeatureReview", api: APIFeatureReview, handle: s.featureReview, query: []string{}},
	}
}

// sentFields are the webhook fields the emulator sends, in PLATFORM.md
// §10's order; a Page starts subscribed to all of them. storedOnlyFields
// may be subscribed to (with a warning) but are never sent. Both are
// webhook delivery's lists; nothing modifies them.
var (
	sentFields       = webhook.Fields()
	storedOnlyFields = webhook.StoredOnlyFields()
)

var (
	ruleSubscribedFields = validator.Rule{Name: "subscribed_apps.subscribed_fields", Source: "Graph/webhooks/getting-started"}
	ruleFieldNeverSent   = validator.Rule{Name: "subscribed_apps.field-not-sent", Source: "note §10"}
	ruleSubscribeParam   = validator.Rule{Name: "subscribed_apps.unknown-parameter", Source: "note §1.3"}
	ruleAppSubscription  = validator.Rule{Name: "app.subscriptions", Source: "Graph/webhooks/getting-started"}
	ruleAppToken         = validator.Rule{Name: "app.access_token", Source: "Graph/guides/access-tokens"}
)

// subscription is a Page's subscribed_apps state; guarded by Server.mu.
// A nil *subscription is the initial state: every sent field.
type subscription struct {
	active bool
	fields []string
}

// pageSubscription returns the Page's current subscription.
func pageSubscription(p *pageState) subscription {
	if p.subscription == nil {
		return subscription{active: true, fields: append([]string(nil), sentFields...)}
	}
	return *p.subscription
}

// SubscribedFields lists the webhook fields a Page is subscribed to (nil
// when the app is unsubscribed), for the webhook dispatcher. It includes
// stored-only fields, which the dispatcher never sends.
func (s *Server) SubscribedFields(pageID string) []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	p, ok := s.pages[pageID]
	if !ok {
		return nil
	}
	sub := pageSubscription(p)
	if !sub.active {
		return nil
	}
	return append([]string(nil), sub.fields...)
}

// Unsubscribe removes the app from a Page's subscribed_apps, as the
// platform does when it disables a failing webhook.
func (s *Server) Unsubscribe(pageID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p, ok := s.pages[pageID]; ok {
		p.subscription = &subscription{}
	}
}

// readFields reads a comma list or JSON array of webhook fields, each a
// copy: a Page's subscription keeps them, and a slice of the body would
// keep the whole body with it (decodeObjectText).
func (c *call) readFields(key string) ([]string, bool) {
	raw, ok := c.params[key]
	if !ok || raw == nil {
		return nil, false
	}
	var out []string
	switch v := raw.(type) {
	case []any:
		for _, x := range v {
			f, _ := paramString(x)
			out = append(out, strings.Clone(strings.TrimSpace(f)))
		}
	default:
		text, _ := paramString(v)
		for _, f := range strings.Split(text, ",") {
			if f = strings.TrimSpace(f); f != "" {
				out = append(out, strings.Clone(f))
			}
		}
	}
	return out, len(out) > 0
}

// checkFields refuses an unknown field and warns about stored-only ones.
func (c *call) checkFields(key string, fields []string) *validator.GraphError {
	all := append(append([]string(nil), sentFields...), storedOnlyFields...)
	for i, f := range fields {
		p := validator.Root(key).Index(i) // Graph names the element: subscribed_fields[1]
		switch {
		case containsString(storedOnlyFields, f):
			c.warn(p.JSON(), ruleFieldNeverSent, f+" is stored but messemu never sends it")
		case !containsString(sentFields, f):
			return c.fail(p.JSON(), ruleSubscribedFields, validator.EnumError(p.Param(), all, f), "")
		}
	}
	return nil
}

func (s *Server) subscribePage(c *call) (any, error) {
	c.warnUnknownParams(ruleSubscribeParam, "subscribed_fields")
	fields, ok := c.readFields("subscribed_fields")
	if !ok {
		return nil, c.fail("subscribed_fields", ruleSubscribedFields, validator.Err(validator.KeyRequired, "subscribed_fields"), "")
	}
	if gerr := c.checkFields("subscribed_fields", fields); gerr != nil {
		return nil, gerr
	}
	sub := &subscription{active: true, fields: dedupe(fields)}
	s.mu.Lock()
	c.page.subscription = sub
	s.mu.Unlock()
	s.hooks.Subscribed(c.page.ID, sub.fields) // a disabled webhook comes back (PLATFORM.md §10)
	return Success{Success: true}, nil
}

func (s *Server) unsubscribePage(c *call) (any, error) {
	c.warnUnknownParams(ruleSubscribeParam)
	s.mu.Lock()
	defer s.mu.Unlock()
	c.page.subscription = &subscription{}
	return Success{Success: true}, nil
}

// SubscribedApp is one entry of GET /{page}/subscribed_apps.
type SubscribedApp struct {
	AppSummary
	SubscribedFields []string `json:"subscribed_fields"`
}

// AppSummary is the bot's app as Graph shows it inside other answers
// (subscribed_apps, ids_for_apps).
type AppSummary struct {
	Category string `json:"category"`
	Link     string `json:"link"`
	Name     string `json:"name"`
	ID       string `json:"id"`
}

// appSummary is the bot's app.
func (s *Server) appSummary() AppSummary {
	return AppSummary{Category: "Business", Link: "https://messemu.example/", Name: appDisplayName, ID: s.opts.appID}
}

func (s *Server) getSubscribedApps(c *call) (any, error) {
	s.mu.RLock()
	sub := pageSubscription(c.page)
	s.mu.RUnlock()
	data := []SubscribedApp{}
	if sub.active {
		data = append(data, SubscribedApp{AppSummary: s.appSummary(), SubscribedFields: sub.fields})
	}
	return map[string]any{"data": data}, nil
}

func dedupe(fields []string) []string {
	out := make([]string, 0, len(fields))
	for _, f := range fields {
		if !containsString(out, f) {
			out = append(out, f)
		}
	}
	return out
}

// appDisplayName is the bot app's name in answers that show it.
const appDisplayName = "messemu Test App"

// AppSubscription is one object's subscription of the app, as recorded
// from POST /{app-id}/subscriptions.
type AppSubscription struct {
	Object      string                 `json:"object"`
	CallbackURL string                 `json:"callback_url"`
	Active      bool                   `json:"active"`
	Fields      []AppSubscriptionField `json:"fields"`
}

// AppSubscriptionField is one subscribed field with its version.
type AppSubscriptionField struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// appSubscriptions holds the app's recorded subscriptions by object.
type appSubscriptions struct {
	mu   sync.Mutex
	subs map[string]AppSubscription
}

func newAppSubscriptions() *appSubscriptions {
	return &appSubscriptions{subs: map[string]AppSubscription{}}
}

func (a *appSubscriptions) reset() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.subs = map[string]AppSubscription{}
}

// checkAppNode refuses an {id}/subscriptions call on another app's id.
func (s *Server) checkAppNode(c *call) *validator.GraphError {
	if c.segs[0] != s.opts.appID {
		return c.unknownNode(c.segs[0])
	}
	if !c.appToken {
		c.warn("access_token", ruleAppToken, "the platform wants an app access token (app_id|app_secret) here")
	}
	return nil
}

func (s *Server) getAppSubscriptions(c *call) (any, error) {
	if gerr := s.checkAppNode(c); gerr != nil {
		return nil, gerr
	}
	s.appSubs.mu.Lock()
	defer s.appSubs.mu.Unlock()
	data := []AppSubscription{}
	for _, obj := range []string{"page", "user", "permissions", "application"} {
		if sub, ok := s.appSubs.subs[obj]; ok {
			data = append(data, sub)
		}
	}
	return map[string]any{"data": data}, nil
}

func (s *Server) postAppSubscription(c *call) (any, error) {
	if gerr := s.checkAppNode(c); gerr != nil {
		return nil, gerr
	}
	object := c.str("object")
	switch object {
	case "":
		return nil, c.fail("object", ruleAppSubscription, validator.Err(validator.KeyRequired, "object"), "")
	case "page":
		object = "page" // the key kept, not a slice of the body
	default:
		return nil, c.fail("object", ruleAppSubscription, validator.Err(validator.KeyNotEmulated, "Webhooks for object "+object), "")
	}
	cb := strings.Clone(c.str("callback_url")) // kept: a copy, not a slice of the body
	if cb == "" {
		return nil, c.fail("callback_url", ruleAppSubscription, validator.Err(validator.KeyRequired, "callback_url"), "")
	}
	if !absoluteHTTP(cb) {
		return nil, c.fail("callback_url", ruleAppSubscription, validator.Err(validator.KeyURL, "callback_url"), "")
	}
	fields, _ := c.readFields("fields")
	if gerr := c.checkFields("fields", fields); gerr != nil {
		return nil, gerr
	}
	c.warn("callback_url", ruleAppSubscription, "recorded only: the webhook URL and verify token are messemu settings (serve --webhook, PUT /_messemu/v1/webhook)")
	sub := AppSubscription{Object: object, CallbackURL: cb, Active: true}
	for _, f := range dedupe(fields) {
		sub.Fields = append(sub.Fields, AppSubscriptionField{Name: f, Version: c.version})
	}
	if sub.Fields == nil {
		sub.Fields = []AppSubscriptionField{}
	}
	s.appSubs.mu.Lock()
	defer s.appSubs.mu.Unlock()
	s.appSubs.subs[object] = sub
	return Success{Success: true}, nil
}
