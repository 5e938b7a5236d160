package webui

import (
	"context"
	"sync"

	"github.com/messemu/messemu/fakegraph"
)

// hub knows the connected pages so that Close can end them and tests can
// count them, and runs the feed (feed.go) while there is one. It never
// sits on the emulator's send path: the feed reads the journal after the
// fact and each page takes its frames from the feed at its own pace
// (stream.go), so a page that stops reading costs nothing but its own
// connection, which its write deadline then ends.
type hub struct {
	j       *fakegraph.Journal
	mu      sync.Mutex
	clients map[*client]context.CancelFunc
	feed    *feed // nil while no page is connected
}

func newHub(j *fakegraph.Journal) *hub {
	return &hub{j: j, clients: map[*client]context.CancelFunc{}}
}

// add counts c in and answers the feed it reads.
func (h *hub) add(c *client, cancel context.CancelFunc) *feed {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.feed == nil {
		h.feed = startFeed(h.j)
	}
	h.clients[c] = cancel
	return h.feed
}

// remove counts c out; the last page out stops the feed, so a UI with no
// page open costs the emulator nothing.
func (h *hub) remove(c *client) {
	h.mu.Lock()
	delete(h.clients, c)
	f := h.feed
	if len(h.clients) > 0 {
		f = nil
	} else {
		h.feed = nil
	}
	h.mu.Unlock()
	if f != nil {
		f.stop()
	}
}

func (h *hub) count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.clients)
}

func (h *hub) closeAll() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, cancel := range h.clients {
		cancel()
	}
}
