package webui_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/messemu/messemu/fakegraph"
)

// TestEveryMessageKindIsDrawn sends one message of each kind the Send API
// carries and checks each has its drawing (not the raw JSON fallback).
func TestEveryMessageKindIsDrawn(t *testing.T) {
	e := startEmulator(t, false, fakegraph.WithProducts(fakegraph.Product{ID: "1234567890123456", Name: "Blue mug", Price: "$12.00"}))
	_, err := e.srv.UserSends(fakegraph.DefaultPageID, alice, fakegraph.UserMessageRequest{Text: "show me everything"})
	require.NoError(t, err)
	b := openBrowser(t, e)
	b.open("/")
	tpl := func(payload string) map[string]any {
		var p any
		require.NoError(t, json.Unmarshal([]byte(payload), &p))
		return map[string]any{"attachment": map[string]any{"type": "template", "payload": p}}
	}
	att := func(typ, url string) map[string]any {
		return map[string]any{"attachment": map[string]any{"type": typ, "payload": map[string]any{"url": url}}}
	}
	kinds := []struct {
		name     string
		message  map[string]any
		selector string
	}{
		{"text with a link", map[string]any{"text": "Line one\nsee https://example.com/a"}, `.bubble.text a[href="https://example.com/a"]`},
		{"image", att("image", "https://example.com/a.png"), `a.media[href="https://example.com/a.png"]`},
		{"audio", att("audio", "https://example.com/a.mp3"), `audio.media`},
		{"video", att("video", "https://example.com/a.mp4"), `video.media`},
		{"file", att("file", "https://example.com/report.pdf"), `.bubble.file`},
		{"square carousel", tpl(`{"template_type":"generic","image_aspect_ratio":"square","elements":[{"title":"One","image_url":"https://example.com/1.png","default_action":{"type":"web_url","url":"https://example.com/1"}},{"title":"Two","subtitle":"Second"}]}`), `.carousel .card-img.ratio-square`},
		{"button", tpl(`{"template_type":"button","text":"Pick","buttons":[{"type":"postback","title":"A very long button title here","payload":"P"},{"type":"phone_number","title":"Call","payload":"+15555550100"}]}`), `.button-template a[href="tel:+15555550100"]`},
		{"media", tpl(`{"template_type":"media","elements":[{"media_type":"image","url":"https://www.facebook.com/photo.php?fbid=1","buttons":[{"type":"web_url","url":"https://example.com","title":"View"}]}]}`), `.media-template`},
		{"receipt", tpl(`{"template_type":"receipt","recipient_name":"A","order_number":"42","currency":"EUR","payment_method":"Visa","elements":[{"title":"Tea","price":3}],"summary":{"total_cost":3}}`), `.receipt`},
		{"product", tpl(`{"template_type":"product","elements":[{"id":"1234567890123456"}]}`), `.card.product`},
		{"one-time notification", tpl(`{"template_type":"one_time_notif_req","title":"Tell me when it is back","payload":"BACK_IN_STOCK"}`), `.card.otn`},
		{"customer feedback", tpl(`{"template_type":"customer_feedback","title":"Rate your experience","subtitle":"Let us know how we did","button_title":"Rate","feedback_screens":[{"questions":[{"id":"myquestion1","type":"csat","title":"How would you rate our service?","score_label":"neg_pos","score_option":"five_stars"}]}],"business_privacy":{"url":"https://www.example.com"},"expires_in_days":3}`), `.card.feedback`},
	}
	for _, k := range kinds {
		status, body := e.send(t, alice, k.message, nil)
		require.Equal(t, http.StatusOK, status, "%s: %v", k.name, body)
	}
	for _, k := range kinds {
		b.waitFor(k.name, `document.querySelector('#messages `+k.selector+`') !== null`, 5*time.Second)
	}
	assert.False(t, eval[bool](b, `document.querySelector('#messages .raw') !== null`), "a message fell back to its JSON")
	assert.Equal(t, "audio: a.mp3,video: a.mp4", eval[string](b, `[...document.querySelectorAll('#messages audio, #messages video')].map(m => m.getAttribute('aria-label')).join()`), "players have accessible names")
	assert.Equal(t, "Blue mug", eval[string](b, `document.querySelector('#messages .card.product .card-title').textContent`), "the product as the catalogue names it")
	assert.Equal(t, "A very long button t…", eval[string](b, `document.querySelector('#messages .button-template .btn-card').textContent`), "button titles cut at 20 (PLATFORM.md D6)")

	// The one-time notification's "Notify Me" opts the user in.
	b.click("#messages .card.otn .btn-card")
	b.waitFor("the opt-in", `[...document.querySelectorAll('#messages .notice')].some(n => n.textContent.startsWith('Asked to be notified'))`, 5*time.Second)
	assert.Empty(t, b.consoleErrors())
}
