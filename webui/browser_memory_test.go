package webui_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/messemu/messemu/fakegraph"
)

// pageFigures is what a page costs the browser, as the tab measures it.
const pageFigures = `JSON.stringify({
	heapMB: performance.memory ? Math.round(performance.memory.usedJSHeapSize / 1e5) / 10 : -1,
	nodes: document.getElementsByTagName('*').length,
	rows: document.querySelectorAll('#messages .row').length,
	events: window.messemu.model.events.length,
	items: [...window.messemu.model.threads.values()].reduce((n, t) => n + t.items.length, 0),
	longest: Math.round(Math.max(0, ...(window.longTasks || []))),
	long: (window.longTasks || []).length,
	longTotal: Math.round((window.longTasks || []).reduce((a, b) => a + b, 0)),
})`

// watchLongTasks records every long task (over 50 ms) of the tab from now on.
const watchLongTasks = `(() => { window.longTasks = []; new PerformanceObserver(l => { for (const e of l.getEntries()) window.longTasks.push(e.duration); }).observe({ type: 'longtask' }); return true; })()`

type figures struct {
	HeapMB                   float64
	Nodes, Rows, Events      int
	Items                    int
	Longest, Long, LongTotal int
}

// TestFloodLeavesThePageBounded floods a thread while the page is open,
// then reloads it: the page keeps a bounded number of events and draws a
// bounded number of rows however long the journal grows, so it can stay
// open all day. The figures (heap, DOM nodes, long tasks, time to ready)
// are logged for BENCHMARKS.md, not asserted.
func TestFloodLeavesThePageBounded(t *testing.T) {
	e, b := openAfterHello(t)
	require.True(t, eval[bool](b, watchLongTasks))

	const sends, workers = 6000, 25
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < sends; i += workers {
				status, body := e.send(t, alice, map[string]any{"text": fmt.Sprintf("flood %d", i)}, nil)
				if status != http.StatusOK {
					t.Errorf("send %d: %d %v", i, status, body)
					return
				}
			}
		}()
	}
	wg.Wait()
	last := e.srv.Journal().Last()
	b.waitFor("the page at the journal's end", fmt.Sprintf(`window.messemu.model.lastSeq === %d`, last), 60*time.Second)
	b.waitFor("the newest message drawn", fmt.Sprintf(`document.querySelector('#messages .row:last-of-type')?.dataset.seq === '%d'`, lastSend(t, e)), 10*time.Second)
	b.settle() // the last draw's frame ends
	live := figuresOf(t, b)
	t.Logf("open during a flood of %d sends (%d journal events): %+v", sends, last, live)

	start := time.Now()
	b.open("/")
	ready := time.Since(start)
	loaded := figuresOf(t, b)
	start = time.Now()
	b.click(`#user-list .user:not(.active)`)
	b.waitFor("another user's empty thread", `document.querySelectorAll('#messages .row').length === 0`, 10*time.Second)
	b.click(fmt.Sprintf(`#user-list .user[data-psid="%s"]`, alice))
	b.waitFor("the flooded thread again", `document.querySelectorAll('#messages .row').length > 0`, 10*time.Second)
	switched := time.Since(start)
	t.Logf("reloaded: ready in %v, %+v; switching users and back %v", ready.Round(time.Millisecond), loaded, switched.Round(time.Millisecond))

	for name, f := range map[string]figures{"open during the flood": live, "reloaded": loaded} {
		assert.LessOrEqual(t, f.Rows, 400, "%s: message rows drawn", name)
		assert.LessOrEqual(t, f.Events, 12000, "%s: events the page keeps", name)
		assert.LessOrEqual(t, f.Items, 2200, "%s: messages the page keeps", name)
		assert.Less(t, f.Nodes, 15000, "%s: DOM nodes", name)
	}
	b.waitFor("the way to earlier messages", `document.querySelector('#messages .earlier button') !== null`, 5*time.Second)
	assert.Empty(t, b.consoleErrors())
}

// lastSend answers the sequence number of the bot's newest send.
func lastSend(t *testing.T, e *emulator) uint64 {
	t.Helper()
	evs := e.srv.Journal().Find(0, func(ev *fakegraph.Event) bool { return ev.Kind == fakegraph.KindRequest && ev.API == "send" })
	require.NotEmpty(t, evs)
	return evs[len(evs)-1].Seq
}

func figuresOf(t *testing.T, b *browser) figures {
	t.Helper()
	var f figures
	s := eval[string](b, pageFigures)
	require.NoError(t, json.Unmarshal([]byte(s), &f), s)
	return f
}
