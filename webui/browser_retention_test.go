package webui_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/messemu/messemu/fakegraph"
)

// aliceWrites has alice write n messages, in process.
func aliceWrites(t *testing.T, e *emulator, prefix string, n int) {
	t.Helper()
	for i := range n {
		_, err := e.srv.UserSends(fakegraph.DefaultPageID, alice, fakegraph.UserMessageRequest{Text: fmt.Sprintf("%s %d", prefix, i)})
		require.NoError(t, err)
	}
}

func TestPageSaysWhatTheRetentionDropped(t *testing.T) {
	e := startEmulator(t, false, fakegraph.WithJournalLimit(60))
	aliceWrites(t, e, "early", 100)
	first := e.srv.Journal().First()
	require.Greater(t, first, uint64(1), "the journal dropped its oldest events")

	b := openBrowser(t, e)
	b.open("/")
	marker := fmt.Sprintf("Earlier history was dropped by the retention setting: the journal keeps events from #%d on.", first)
	b.waitFor("the marker at the top of the thread", fmt.Sprintf(`document.querySelector('#messages > :first-child')?.textContent === %q`, marker), 5*time.Second)
	b.waitFor("and of the inspector", fmt.Sprintf(`document.querySelector('#events > li:first-child')?.textContent === %q`, marker), 5*time.Second)

	// Away while the journal drops events the page never drew: the page
	// says so when it is back. (The page's sockets stay shut until the
	// test lets them open again.)
	require.True(t, eval[bool](b, `(() => { window.RealWS = WebSocket; window.WebSocket = class { close() {} }; window.messemu.ws.close(); return true; })()`))
	b.waitFor("the page away", `!(window.messemu.ws instanceof window.RealWS)`, 5*time.Second)
	had := eval[float64](b, `window.messemu.model.lastSeq`)
	aliceWrites(t, e, "while away", 100)
	require.True(t, eval[bool](b, `(() => { window.WebSocket = window.RealWS; window.messemu.ws.onclose(); return true; })()`))
	last := e.srv.Journal().Last()
	b.waitFor("the page back at the journal's end", fmt.Sprintf(`window.messemu.model.lastSeq === %d`, last), 10*time.Second)
	first = e.srv.Journal().First()
	want := fmt.Sprintf("While the page was away, the journal dropped events #%d–#%d (the retention setting): this page starts again from the oldest kept, #%d.", int(had)+1, first-1, first)
	b.waitFor("a notice of the lost events", fmt.Sprintf(`document.querySelector('.banner')?.textContent.startsWith(%q)`, want), 5*time.Second)
	b.waitFor("the marker with the new start", fmt.Sprintf(`document.querySelector('#messages > :first-child')?.textContent.includes('from #%d on')`, first), 5*time.Second)
	assert.Empty(t, b.consoleErrors())
}

// TestShowEarlierCountFollowsWhatThePageKeeps: the reader scrolled up,
// new messages make the page let go of the thread's oldest items; the
// "Show earlier" button's count goes down with them.
func TestShowEarlierCountFollowsWhatThePageKeeps(t *testing.T) {
	e := startEmulator(t, false)
	aliceWrites(t, e, "early", 2150) // under the page's 2,000 kept and its slack
	b := openBrowser(t, e)
	b.open("/")
	b.scrollTo("messages", 0)
	aliceWrites(t, e, "late", 60) // past the slack: the oldest go
	b.drawnUpTo(e)
	b.settle()
	count := `(() => { const m = window.messemu, t = m.model.thread(m.pageId, m.psid);
		return t.dropped > 0 ? t.items.length - document.querySelectorAll('#messages > [data-seq]').length : -1; })()`
	n := eval[float64](b, count)
	require.Greater(t, n, 0.0, "the page let go of items and has rows not drawn")
	assert.Equal(t, fmt.Sprintf("Show earlier messages (%s not drawn)", commas(int(n))), eval[string](b, `document.querySelector('#messages > .earlier button')?.textContent`))
	assert.Empty(t, b.consoleErrors())
}

// commas writes n as JavaScript's toLocaleString('en') does.
func commas(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
