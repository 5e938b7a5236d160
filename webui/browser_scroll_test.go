package webui_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/messemu/messemu/fakegraph"
)

// gapBelow is how far the end of a scrolling element is below its view.
func gapBelow(id string) string {
	return fmt.Sprintf(`(() => { const m = document.getElementById(%q); return m.scrollHeight - m.scrollTop - m.clientHeight; })()`, id)
}

// newestInView: the last child of a scrolling element is inside its view.
func newestInView(id, child string) string {
	return fmt.Sprintf(`(() => { const m = document.getElementById(%q); const rows = m.querySelectorAll(%q);
		const n = rows[rows.length - 1]; if (!n) return false;
		return n.getBoundingClientRect().bottom <= m.getBoundingClientRect().bottom + 1; })()`, id, child)
}

// fillThread gives alice a conversation taller than the pane.
func fillThread(t *testing.T, e *emulator, n int) {
	t.Helper()
	_, err := e.srv.UserSends(fakegraph.DefaultPageID, alice, fakegraph.UserMessageRequest{Text: "hello"})
	require.NoError(t, err)
	for i := range n {
		status, body := e.send(t, alice, map[string]any{"text": fmt.Sprintf("answer %d\nwith a second line", i)}, nil)
		require.Equal(t, http.StatusOK, status, "%v", body)
	}
}

func TestConversationOpensAtTheNewestAndFollowsIt(t *testing.T) {
	e := startEmulator(t, false)
	fillThread(t, e, 40)
	b := openBrowser(t, e)
	b.open("/")
	// The lists load beside the journal (personas, products redraw the
	// thread): the view is at the end once a draw has shown them.
	b.waitFor("a draw after the lists loaded", `window.messemu.loadedAt !== undefined && window.messemu.draws > window.messemu.loadedAt`, 5*time.Second)
	b.settle()
	assert.Less(t, eval[float64](b, gapBelow("messages")), 2.0, "the conversation opens at its newest message")

	for i := range 6 {
		status, body := e.send(t, alice, map[string]any{"text": fmt.Sprintf("live %d\nsecond line\nthird line", i)}, nil)
		require.Equal(t, http.StatusOK, status, "%v", body)
	}
	b.waitFor("the sixth live message drawn", `[...document.querySelectorAll('#messages .bubble')].some(n => n.textContent.startsWith('live 5'))`, 5*time.Second)
	b.waitFor("the newest message in view", newestInView("messages", ".row"), 2*time.Second)

	// A reader who scrolled up stays where they are.
	b.scrollTo("messages", 100)
	for i := range 3 {
		status, _ := e.send(t, alice, map[string]any{"text": fmt.Sprintf("while reading %d", i)}, nil)
		require.Equal(t, http.StatusOK, status)
	}
	b.waitFor("the messages drawn", `[...document.querySelectorAll('#messages .bubble')].some(n => n.textContent === 'while reading 2')`, 5*time.Second)
	b.settle()
	assert.Equal(t, 100.0, eval[float64](b, `document.getElementById('messages').scrollTop`), "the view stays where the reader scrolled")
	assert.Empty(t, b.consoleErrors())
}

func TestInspectorOpensAtTheNewestEventAndFollowsIt(t *testing.T) {
	e := startEmulator(t, false)
	fillThread(t, e, 40)
	b := openBrowser(t, e)
	b.open("/")
	b.waitFor("the inspector at its newest event", newestInView("events", "li.ev"), 2*time.Second)
	assert.Less(t, eval[float64](b, gapBelow("events")), 2.0, "the inspector opens at its newest event")

	for i := range 6 {
		status, _ := e.send(t, alice, map[string]any{"text": fmt.Sprintf("live %d", i)}, nil)
		require.Equal(t, http.StatusOK, status)
	}
	status, _ := e.send(t, alice, map[string]any{"text": ""}, nil) // refused: empty text
	require.Equal(t, http.StatusBadRequest, status)
	last := e.srv.Journal().Last()
	b.waitFor("the refusal listed", fmt.Sprintf(`document.querySelector('#events li.ev:last-of-type')?.dataset.seq === '%d'`, last), 5*time.Second)
	b.waitFor("the refusal in view", newestInView("events", "li.ev"), 2*time.Second)

	// Scrolled up to read an event, the list stays.
	b.scrollTo("events", 50)
	status, _ = e.send(t, alice, map[string]any{"text": "while reading"}, nil)
	require.Equal(t, http.StatusOK, status)
	b.waitFor("the new events listed", fmt.Sprintf(`+document.querySelector('#events li.ev:last-of-type')?.dataset.seq > %d`, last), 5*time.Second)
	b.settle()
	assert.Equal(t, 50.0, eval[float64](b, `document.getElementById('events').scrollTop`), "the list stays where the reader scrolled")
	assert.Empty(t, b.consoleErrors())
}
