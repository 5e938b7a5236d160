package fakegraph

import (
	"slices"

	"github.com/messemu/messemu/validator"
)

// The Page node: GET /me (or /{PAGE_ID}) with the Page token. messemu
// models its id and name, and its recipient field, the account-linking
// lookup (linking.go); the Page's other real fields are left out with a
// warning, and a field no Page has is no-field (PLATFORM.md D25).

var pageType = nodeType{
	name:   "Page",
	fields: []string{"id", "name", "recipient"},
	unmodelled: []string{
		"about", "access_token", "affiliation", "app_id", "artists_we_like", "attire", "awards", "band_interests",
		"band_members", "best_page", "bio", "birthday", "booking_agent", "built", "business", "can_checkin", "can_post",
		"category", "category_list", "checkins", "company_overview", "connected_instagram_account", "contact_address",
		"country_page_likes", "cover", "culinary_team", "current_location", "description", "description_html",
		"directed_by", "display_subtext", "displayed_message_response_time", "emails", "engagement", "fan_count",
		"featured_video", "features", "followers_count", "food_styles", "founded", "general_info", "general_manager",
		"genre", "global_brand_page_name", "global_brand_root_id", "has_added_app", "has_transitioned_to_new_page_experience",
		"has_whatsapp_business_number", "has_whatsapp_number", "hometown", "hours", "impressum", "influences",
		"instagram_business_account", "is_always_open", "is_chain", "is_community_page", "is_eligible_for_branded_content",
		"is_messenger_bot_get_started_enabled", "is_messenger_platform_bot", "is_owned", "is_permanently_closed",
		"is_published", "is_unclaimed", "is_verified", "is_webhooks_subscribed", "leadgen_tos_accepted", "link",
		"location", "members", "merchant_id", "messenger_ads_default_icebreakers", "messenger_ads_default_quick_replies",
		"messenger_ads_quick_replies_type", "mission", "mpg", "name_with_location_descriptor", "network", "new_like_count",
		"overall_star_rating", "page_token", "parent_page", "parking", "payment_options", "personal_info",
		"personal_interests", "phone", "picture", "place_type", "plot_outline", "press_contact", "price_range",
		"privacy_info_url", "produced_by", "products", "public_transit", "rating_count", "record_label", "release_date",
		"restaurant_services", "restaurant_specialties", "schedule", "screenplay_by", "season", "single_line_address",
		"starring", "store_code", "store_location_descriptor", "store_number", "studio", "talking_about_count",
		"temporary_status", "unread_message_count", "unread_notif_count", "unseen_message_count", "username",
		"verification_status", "voip_info", "website", "were_here_count", "whatsapp_number", "written_by",
	},
}

var (
	rulePageFields            = validator.Rule{Name: "page.fields", Source: "Graph/reference/page (decision D25)"}
	rulePageFieldsNotModelled = validator.Rule{Name: "page.fields.not-emulated", Source: "Graph/reference/page (decision D25)"}
)

// getPageNode answers GET /me: the asked fields in the order asked, then
// id; without fields, name and id.
func (s *Server) getPageNode(c *call) (any, error) {
	fields, gerr := c.nodeFields(pageType, rulePageFields, rulePageFieldsNotModelled)
	if gerr != nil {
		return nil, gerr
	}
	if _, ok := c.params["account_linking_token"]; ok || slices.Contains(fields, "recipient") {
		if !slices.Contains(fields, "recipient") {
			c.warn("account_linking_token", ruleLinkingToken, "account_linking_token is read only with fields=recipient")
		} else if !ok {
			return nil, c.fail("fields", ruleLinkingToken, validator.Err(validator.KeyInvalid), "the recipient field needs an account_linking_token")
		} else {
			return s.accountLinkingRecipient(c, fields)
		}
	}
	if fields == nil {
		fields = []string{"name"}
	}
	return pageAnswer(c.page.Page, fields, ""), nil
}

// pageAnswer is the Page node with the asked fields, then id.
func pageAnswer(p Page, fields []string, recipient string) orderedObject {
	out := make(orderedObject, 0, len(fields)+1)
	for _, f := range fields {
		switch f {
		case "name":
			out = append(out, field{f, p.Name})
		case "recipient":
			out = append(out, field{f, recipient})
		}
	}
	return append(out, field{"id", p.ID})
}
