package webui_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// contrastOf answers the WCAG contrast ratio of an element's text on the
// colour behind it (the nearest ancestor with an opaque background).
const contrastOf = `(sel => {
	const el = document.querySelector(sel); if (!el) return -1;
	const rgb = s => s.match(/[\d.]+/g).map(Number);
	const lum = c => { const [r, g, b] = c.slice(0, 3).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; }); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
	let bg = null;
	for (let n = el; n && !bg; n = n.parentElement) { const c = rgb(getComputedStyle(n).backgroundColor); if (c.length < 4 || c[3] === 1) bg = c; if (c.length === 4 && c[3] === 0) bg = null; }
	const fg = rgb(getComputedStyle(el).color);
	const op = Number(getComputedStyle(el).opacity);
	const mix = fg.slice(0, 3).map((v, i) => v * op + (bg || [255, 255, 255])[i] * (1 - op));
	const [a, b] = [lum(mix), lum(bg || [255, 255, 255])].sort((x, y) => y - x);
	return Math.round((a + 0.05) / (b + 0.05) * 100) / 100;
})`

func TestKeyboardAndScreenReaderUse(t *testing.T) {
	e, b := openAfterHello(t)
	assert.NotEqual(t, "polite", eval[string](b, `document.getElementById('messages').getAttribute('aria-live') || ''`), "the whole thread is not announced")
	assert.Equal(t, "", eval[string](b, `document.getElementById('announce').textContent`), "nor is the thread opened whole")

	// A quick reply tapped with the keyboard leaves focus in the composer.
	qrs := []any{map[string]any{"content_type": "text", "title": "Yes", "payload": "Y"}}
	status, _ := e.send(t, alice, map[string]any{"text": "Shall we?", "quick_replies": qrs}, nil)
	require.Equal(t, http.StatusOK, status)
	b.waitFor("the chip", `document.querySelector('#footer .chip') !== null`, 5*time.Second)
	b.waitFor("the new message announced", `document.getElementById('announce').textContent.includes('Shall we?')`, 5*time.Second)
	require.True(t, eval[bool](b, `(document.querySelector('#footer .chip').focus(), true)`))
	b.do("Enter on the chip", chromedp.KeyEvent(kb.Enter))
	b.waitFor("the chip gone", `document.querySelector('#footer .chip') === null`, 5*time.Second)
	assert.Equal(t, "text", eval[string](b, `document.activeElement.id`), "focus in the composer")

	// A card with a default_action is a link for the keyboard.
	status, body := e.send(t, alice, map[string]any{"attachment": map[string]any{"type": "template", "payload": map[string]any{"template_type": "generic", "elements": []any{
		map[string]any{"title": "Mug", "default_action": map[string]any{"type": "web_url", "url": "https://example.com/mug"}, "buttons": []any{map[string]any{"type": "postback", "title": "Buy", "payload": "B"}}},
	}}}}, nil)
	require.Equal(t, http.StatusOK, status, "%v", body)
	b.waitFor("the card", `document.querySelector('#messages .card-body[role=link][tabindex="0"]') !== null`, 5*time.Second)
	require.True(t, eval[bool](b, `(() => { window.opened = []; window.open = u => { window.opened.push(u); return null; }; document.querySelector('#messages .card-body[role=link]').focus(); return true; })()`))
	b.do("Enter on the card", chromedp.KeyEvent(kb.Enter))
	assert.Equal(t, []string{"https://example.com/mug"}, eval[[]string](b, `window.opened`))

	// Escape closes the attach popover.
	b.click("#attach-btn")
	b.waitFor("the popover", `!document.getElementById('attach-pop').hidden`, 2*time.Second)
	require.True(t, eval[bool](b, `(document.getElementById('attach-url').focus(), true)`))
	b.do("Escape", chromedp.KeyEvent(kb.Escape))
	b.waitFor("the popover closed", `document.getElementById('attach-pop').hidden`, 2*time.Second)

	// Text at 4.5:1 at least on its background.
	status, _ = e.send(t, alice, map[string]any{"text": ""}, nil) // refused: its error in red
	require.Equal(t, http.StatusBadRequest, status)
	b.say("mine")
	b.waitFor("the refusal and the user's message", `document.querySelector('#messages .err-text') !== null && document.querySelector('#messages .from-user .bubble.text') !== null`, 5*time.Second)
	b.click("#tab-controls") // the Reset button
	b.waitFor("the controls", `document.querySelector('button.danger') !== null`, 5*time.Second)
	contrasted := []string{"#messages .from-user .bubble.text", "#messages .meta .tag", "#messages .err-text", "#events .k-request", "#count-refused", "#messages .btn-card", "button.danger"}
	for _, sel := range contrasted {
		assert.GreaterOrEqual(t, eval[float64](b, contrastOf+`(`+"`"+sel+"`"+`)`), 4.5, "contrast of %s", sel)
	}
	// And so in the dark theme.
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "dark"}}})
	require.NoError(t, err, "the dark theme")
	require.True(t, eval[bool](b, `matchMedia('(prefers-color-scheme: dark)').matches`))
	for _, sel := range contrasted {
		assert.GreaterOrEqual(t, eval[float64](b, contrastOf+`(`+"`"+sel+"`"+`)`), 4.5, "contrast of %s in the dark theme", sel)
	}
	assert.Empty(t, b.consoleErrors())
}
