package fakegraph

import (
	"strings"
	"testing"
)

// TestUnmodelledEndpoints: real endpoints messemu does not model answer
// "(#100) … is not emulated by messemu", never 2500 (PLATFORM.md D28).
// Each request is shaped as the client that sends it does.
func TestUnmodelledEndpoints(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, method, path, body, want string
	}{
		{"message_creatives", "POST", "/me/message_creatives", `{"messages":[{"text":"hi"}]}`, "(#100) The Broadcast API (message_creatives, retired on the platform) is not emulated by messemu"},
		{"broadcast_messages", "POST", "/me/broadcast_messages", `{"message_creative_id":"123","notification_type":"REGULAR","messaging_type":"MESSAGE_TAG","tag":"NON_PROMOTIONAL_SUBSCRIPTION"}`, "(#100) The Broadcast API (broadcast_messages, retired on the platform) is not emulated by messemu"},
		{"messenger_codes", "POST", "/me/messenger_codes", `{"type":"standard","image_size":1000}`, "(#100) Messenger Codes (messenger_codes, retired on the platform) is not emulated by messemu"},
		// remixz/messenger-bot setGetStartedButton, on the old thread settings.
		{"thread_settings", "POST", "/me/thread_settings", `{"setting_type":"call_to_actions","thread_state":"new_thread","call_to_actions":[{"payload":"GET_STARTED"}]}`, "(#100) The Thread Settings API (thread_settings, replaced on the platform by messenger_profile) is not emulated by messemu"},
		{"thread_settings delete", "DELETE", "/me/thread_settings", `{"setting_type":"call_to_actions","thread_state":"new_thread"}`, "(#100) The Thread Settings API (thread_settings, replaced on the platform by messenger_profile) is not emulated by messemu"},
		{"nlp_configs", "POST", "/me/nlp_configs?nlp_enabled=true", "", "(#100) Built-in NLP (nlp_configs, retired on the platform) is not emulated by messemu"},
		// @warriorteam/messenger-sdk conversations.list and moderation.block.
		{"conversations", "GET", "/" + DefaultPageID + "/conversations?platform=messenger&fields=id,updated_time", "", "(#100) The Conversations API (conversations) is not emulated by messemu"},
		{"conversations of me", "GET", "/me/conversations?platform=messenger&user_id=" + alice, "", "(#100) The Conversations API (conversations) is not emulated by messemu"},
		{"moderate_conversations", "POST", "/" + DefaultPageID + "/moderate_conversations", `{"user_ids":[{"id":"` + alice + `"}],"actions":["block_user"]}`, "(#100) Conversation moderation (moderate_conversations) is not emulated by messemu"},
		// The Page's other edges, in any method.
		{"feed", "POST", "/me/feed", `{"message":"New in store"}`, "(#100) The Page's feed edge is not emulated by messemu"},
		{"photos by the Page's ID", "GET", "/v26.0/" + DefaultPageID + "/photos?type=uploaded", "", "(#100) The Page's photos edge is not emulated by messemu"},
		{"blocked", "DELETE", "/me/blocked?uid=" + alice, "", "(#100) The Page's blocked edge is not emulated by messemu"},
		{"welcome_message_flows", "GET", "/me/welcome_message_flows", "", "(#100) The Page's welcome_message_flows edge is not emulated by messemu"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := New()
			code, out := graph(t, s, tc.method, tc.path, tc.body)
			wantGraphError(t, code, out, oauth100(tc.want))
			if e := lastEvent(t, s); len(e.Violations) != 1 || e.Violations[0].Rule != ruleNotEmulated.Name {
				t.Errorf("journal violations %+v, want one %s", e.Violations, ruleNotEmulated.Name)
			}
		})
	}
}

// TestNotificationMessagesTemplate: the recurring-notification opt-in
// template, as the platform documents it, is not emulated.
func TestNotificationMessagesTemplate(t *testing.T) {
	t.Parallel()
	s := New()
	userWrites(t, s, alice)
	body := `{"recipient":{"id":"` + alice + `"},"message":{"attachment":{"type":"template","payload":{"template_type":"notification_messages","title":"Daily deals","image_url":"https://www.example.com/deals.png","payload":"DEALS","notification_messages_frequency":"DAILY"}}}}`
	code, out := graph(t, s, "POST", "/me/messages", body)
	wantGraphError(t, code, out, oauth100("(#100) The notification_messages template (recurring notifications) is not emulated by messemu"))
}

// TestPageEdgesNotModelledStayNarrow: only the Page's own node has them; a
// misspelt edge, or one under a user's node, is still a path the platform
// does not have (2500).
func TestPageEdgesNotModelledStayNarrow(t *testing.T) {
	t.Parallel()
	s := New()
	label := createLabel(t, s, `{"page_label_name":"vip"}`)
	for _, path := range []string{"/me/feeds", "/" + alice + "/feed", "/me/feed/comments", "/" + label + "/feed"} {
		code, out := graph(t, s, "GET", path, "")
		if e, _ := out["error"].(map[string]any); code != 400 || e["code"] != float64(2500) {
			t.Errorf("GET %s: %d %v, want 2500", path, code, out)
		}
	}
}

// TestOtherPagesEdges: another Page's node is one a Page token may not
// reach (unsupported, PLATFORM.md §1.2), whichever of its edges a call
// names, the ones messemu does not model included (never 2500, D28).
func TestOtherPagesEdges(t *testing.T) {
	t.Parallel()
	s := New()
	const other = "123456789012345"
	for _, tc := range []struct{ method, edge string }{
		{"GET", "feed"}, {"POST", "feed"}, {"GET", "roles"}, {"DELETE", "photos"}, {"GET", "insights"}, {"GET", "personas"},
	} {
		code, out := graph(t, s, tc.method, "/"+other+"/"+tc.edge, "")
		wantGraphError(t, code, out, unsupportedBody(strings.ToLower(tc.method), other))
	}
}

// TestMultiNodeRead: GET /?ids=a,b, Graph's read of several nodes at once,
// is a real endpoint messemu does not model (D28), alone and as the batch
// item that Graph's batch docs chain after a list.
func TestMultiNodeRead(t *testing.T) {
	t.Parallel()
	s := New()
	want := oauth100("(#100) Reading several nodes at once (the ids parameter) is not emulated by messemu")
	for _, path := range []string{"/?ids=" + alice + "," + bob + "&fields=first_name", "/v26.0/?ids=" + alice} {
		code, out := graph(t, s, "GET", path, "")
		wantGraphError(t, code, out, want)
		if e := lastEvent(t, s); e.API != APINotEmulated {
			t.Errorf("GET %s journalled under %q, want %q", path, e.API, APINotEmulated)
		}
	}
	mustGraph(t, s, "POST", "/me/custom_labels", `{"page_label_name":"vip"}`)
	got := decodeBatch(t, batchForm(t, s, "/", []map[string]any{
		{"method": "GET", "relative_url": "me/custom_labels", "name": "labels"},
		{"method": "GET", "relative_url": "?ids={result=labels:$.data.*.id}"},
	}, nil))
	if got[0].Code != 200 {
		t.Fatalf("item 1: %+v", got[0])
	}
	itemError(t, got[1], 100, 0, "(#100) Reading several nodes at once (the ids parameter) is not emulated by messemu")
}
