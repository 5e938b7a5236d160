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
			out = append(out, route{method: m, pattern: u.pattern, api: "not_emulated", handle: notEmulated(u.feature)})
		}
	}
	return out
}

// unmodelled lists the endpoints, each with the methods clients call it
// with, so none answers the wrong-method error either.
var unmodelled = []struct {
	pattern string
	methods []string
	feature string
}{
	{"{id}/insights", []string{"GET"}, "The Messaging Insights API (insights)"},
	{"{id}/insights/{id}", []string{"GET"}, "The Messaging Insights API (insights)"},
	{"{id}/ids_for_pages", []string{"GET"}, "ID matching across Pages (ids_for_pages)"},
	{"{id}/ids_for_apps", []string{"GET"}, "ID matching across apps (ids_for_apps)"},
	{"{page}/message_creatives", []string{"POST"}, "The Broadcast API (message_creatives, retired on the platform)"},
	{"{page}/broadcast_messages", []string{"POST", "GET"}, "The Broadcast API (broadcast_messages, retired on the platform)"},
	{"{page}/messenger_codes", []string{"POST"}, "Messenger Codes (messenger_codes, retired on the platform)"},
	{"{page}/thread_settings", []string{"POST", "GET", "DELETE"}, "The Thread Settings API (thread_settings, replaced on the platform by messenger_profile)"},
	{"{page}/nlp_configs", []string{"POST", "GET"}, "Built-in NLP (nlp_configs, retired on the platform)"},
}

var ruleNotEmulated = validator.Rule{Name: "endpoint.not-emulated", Source: "PLATFORM.md D28"}

func notEmulated(feature string) func(*call) (any, error) {
	return func(c *call) (any, error) {
		return nil, c.fail("", ruleNotEmulated, validator.Err(validator.KeyNotEmulated, feature), "")
	}
}
