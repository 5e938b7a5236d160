package fakegraph

import (
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
)

// gif is the smallest GIF, a file part of type image.
var gif = []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;")

// TestNullOrEmptyIsAbsentEverywhere: JSON null or "" on an optional field
// is treated as absent with a warning (PLATFORM.md D22), in the places the
// server reads itself or where a field's presence picks a form.
func TestNullOrEmptyIsAbsentEverywhere(t *testing.T) {
	t.Parallel()
	s := newTestServer(t)
	userWrites(t, s, alice)
	mustGraph(t, s, "POST", "/me/messenger_profile", `{"get_started":{"payload":"GO"}}`)
	menu := `{"persistent_menu":[{"locale":"default","composer_input_disabled":false,"call_to_actions":%s}]}`
	oldIce := `{"ice_breakers":[{"question":"Where are you?","payload":"WHERE","call_to_actions":%s}]}`
	image := `{"attachment":{"type":"image","payload":{"is_reusable":true,"attachment_id":%s}}}`
	upload := `{"message":{"text":%s,"attachment":{"type":"image","payload":{"url":"https://example.com/x.png","is_reusable":true}}}}`
	for _, blank := range []string{"null", `""`} {
		cases := []struct {
			name string
			call func() apiResult
		}{
			{"menu call_to_actions", func() apiResult {
				return apiJSONText(t, s, "POST", "/v26.0/me/messenger_profile", fmt.Sprintf(menu, blank))
			}},
			{"old-form ice breaker call_to_actions", func() apiResult {
				return apiJSONText(t, s, "POST", "/v26.0/me/messenger_profile", fmt.Sprintf(oldIce, blank))
			}},
			{"a file's send with attachment_id", func() apiResult {
				return apiMultipart(t, s, "/v26.0/me/messages",
					part{name: "recipient", data: []byte(`{"id":"` + alice + `"}`)}, part{name: "messaging_type", data: []byte("RESPONSE")},
					part{name: "message", data: fmt.Appendf(nil, image, blank)}, part{name: "filedata", fileName: "x.gif", contentType: "image/gif", data: gif})
			}},
			{"an upload's message.text", func() apiResult {
				return apiJSONText(t, s, "POST", "/v26.0/me/message_attachments", fmt.Sprintf(upload, blank))
			}},
			{"an upload's payload.url beside a file", func() apiResult {
				return apiMultipart(t, s, "/v26.0/me/message_attachments",
					part{name: "message", data: fmt.Appendf(nil, `{"attachment":{"type":"image","payload":{"is_reusable":true,"url":%s}}}`, blank)},
					part{name: "filedata", fileName: "x.gif", contentType: "image/gif", data: gif})
			}},
			{"a label's page_label_name beside name", func() apiResult {
				return apiJSONText(t, s, "POST", "/v26.0/me/custom_labels", fmt.Sprintf(`{"page_label_name":%s,"name":"vip%d"}`, blank, len(blank)))
			}},
		}
		for _, c := range cases {
			res := c.call()
			if res.status != 200 {
				t.Errorf("%s %s: status %d, want 200 with a warning: %s", c.name, blank, res.status, res.raw)
				continue
			}
			if rules := violationRules(lastRequest(t, s)); !containsString(rules, "lenient.null-or-empty") {
				t.Errorf("%s %s: accepted with %v, want D22's warning", c.name, blank, rules)
			}
		}
	}
	if labels := mustGraph(t, s, "GET", "/me/custom_labels?fields=page_label_name", "")["data"].([]any); len(labels) != 2 {
		t.Errorf("labels made from name: %v, want vip4 and vip2", labels)
	}
}

// apiJSONText sends body, JSON text as written, to path with the default token.
func apiJSONText(t testing.TB, s *Server, method, path, body string) apiResult {
	t.Helper()
	r := httptest.NewRequest(method, withToken(path), strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	return apiDo(t, s, r)
}
