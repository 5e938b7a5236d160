package webui_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A bot can send anything, refused or not: the page opens http(s) links
// (and tel: for a phone button) and nothing else.
func TestOnlyWebAndPhoneLinksAreLive(t *testing.T) {
	e, b := openAfterHello(t)
	tpl := func(payload map[string]any) map[string]any {
		return map[string]any{"attachment": map[string]any{"type": "template", "payload": payload}}
	}
	for _, m := range []map[string]any{
		tpl(map[string]any{"template_type": "button", "text": "Pick", "buttons": []any{
			map[string]any{"type": "web_url", "url": "javascript:alert(1)", "title": "Evil"},
			map[string]any{"type": "web_url", "url": "https://example.com/ok", "title": "Good"},
			map[string]any{"type": "phone_number", "payload": "+15105551234", "title": "Call"},
		}}),
		tpl(map[string]any{"template_type": "generic", "elements": []any{
			map[string]any{"title": "Evil card", "default_action": map[string]any{"type": "web_url", "url": "javascript:alert(2)"}},
		}}),
		{"attachment": map[string]any{"type": "file", "payload": map[string]any{"url": "javascript:alert(3)"}}},
	} {
		e.send(t, alice, m, nil) // accepted or refused, it is drawn
	}
	b.waitFor("the three messages", `document.querySelectorAll('#messages .row.from-page').length === 3`, 5*time.Second)
	hrefs := eval[[]string](b, `[...document.querySelectorAll('#messages a[href]')].map(a => a.getAttribute('href'))`)
	assert.ElementsMatch(t, []string{"https://example.com/ok", "tel:+15105551234"}, hrefs, "the only live links")
	assert.Equal(t, 2, eval[int](b, `document.querySelectorAll('#messages .inert').length`), "the javascript: button and file, inert")

	require.True(t, eval[bool](b, `(() => { window.opened = []; window.open = u => { window.opened.push(u); return null; }; return true; })()`))
	b.click(`#messages .carousel .card-body`) // its click handler has run when click returns
	assert.Equal(t, 0, eval[int](b, `window.opened.length`), "a javascript: default_action is never opened")
}
