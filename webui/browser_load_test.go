package webui_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/messemu/messemu/fakegraph"
)

// TestLongConversationRenders loads a 2,000-message conversation and
// reports how long the page takes to draw it
// (reported, not asserted: BENCHMARKS.md keeps the figure).
func TestLongConversationRenders(t *testing.T) {
	e := startEmulator(t, false)
	for i := range 1000 {
		_, err := e.srv.UserSends(fakegraph.DefaultPageID, alice, fakegraph.UserMessageRequest{Text: fmt.Sprintf("question %d", i)})
		require.NoError(t, err)
		status, body := e.send(t, alice, map[string]any{"text": fmt.Sprintf("answer %d\nwith a second line and a link https://example.com/%d", i, i)}, nil)
		require.Equal(t, http.StatusOK, status, "%v", body)
	}
	b := openBrowser(t, e)
	b.do("starting the browser", chromedp.Navigate("about:blank"))
	start := time.Now()
	b.open("/")
	b.waitFor("the newest 100 of 2,000 messages", `document.querySelectorAll('#messages .row').length === 100 && document.querySelector('#messages .row:last-of-type').textContent.includes('answer 999')`, 60*time.Second)
	drawn := time.Since(start)
	inPage := eval[float64](b, `window.messemu.readyAt`)
	t.Logf("2,000-message conversation (%d journal events): drawn %v after navigation (%.0f ms after the page started)",
		e.srv.Journal().Last(), drawn.Round(time.Millisecond), inPage)
	// Earlier messages on demand, the reader kept where they were.
	b.click("#messages .earlier button")
	b.waitFor("600 messages drawn", `document.querySelectorAll('#messages .row').length === 600`, 10*time.Second)
	require.True(t, eval[bool](b, `(() => { const m = document.getElementById('messages'); m.scrollTop = m.scrollHeight; return true; })()`))
	b.say("still responsive")
	b.waitFor("a new message drawn", `[...document.querySelectorAll('#messages .from-user .bubble')].some(n => n.textContent === 'still responsive')`, 10*time.Second)
}
