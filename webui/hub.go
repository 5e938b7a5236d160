package webui

import (
	"context"
	"sync"
)

// hub knows the connected pages so that Close can end them and tests can
// count them. It never sits on the emulator's send path: each client pulls
// its events from the journal at its own pace (stream.go), so a page that
// stops reading costs nothing but its own connection, which its write
// deadline then ends.
type hub struct {
	mu      sync.Mutex
	clients map[*client]context.CancelFunc
}

func newHub() *hub { return &hub{clients: map[*client]context.CancelFunc{}} }

func (h *hub) add(c *client, cancel context.CancelFunc) {
	h.mu.Lock()
	h.clients[c] = cancel
	h.mu.Unlock()
}

func (h *hub) remove(c *client) {
	h.mu.Lock()
	delete(h.clients, c)
	h.mu.Unlock()
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
