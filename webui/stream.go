package webui

import (
	"context"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// The stream: a page opens StreamPath?after=N and receives, as JSON text
// frames, every journal event with a sequence number above N, in order,
// then each new one as it is appended. A page that reconnects gives the
// last sequence number it drew, so it misses nothing and sees nothing
// twice. A frame is
//
//	{"events":[...], "last_seq":N, "trimmed":true}
//
// events: the next events, oldest first; last_seq: the journal's newest
// sequence number when the frame was made (the page has caught up once it
// has drawn it); trimmed: events between the page's number and events[0]
// were forgotten (a journal limit), so the page starts again from what is
// kept. The first frame of a connection has no events and says "first":
// the oldest event the journal keeps, and "instance": the journal's name,
// which changes when serve restarts.

// frameEvents is the size of the blocks a page catching up on a long
// journal reads (catchup.go), a frame each, so that it draws as it goes.
const frameEvents = 1000

// readLimit bounds what a page may send; it sends nothing but pongs.
const readLimit = 4 << 10

// frameInterval spaces the feed's runs, and so a page's frames: under a
// burst of sends a page gets a frame every 100 ms carrying all that came,
// not one per event, so open pages cost the emulator ten writes a second
// each, of bytes the feed encoded once for all of them.
const frameInterval = 100 * time.Millisecond

// client is one connected page.
type client struct {
	conn  *websocket.Conn
	feed  *feed
	after uint64 // the newest event it was sent
	// sent is after once written, for whoever waits for the page (the
	// benchmark).
	sent atomic.Uint64
}

func (u *UI) serveStream(w http.ResponseWriter, r *http.Request) {
	// The journal goes to the peers the control API answers: this
	// machine, or a bearer of the control token, which a browser's
	// websocket cannot put in a header and so gives as ?token=. The
	// page's Origin is the upgrader's to judge (originAllowed).
	if tok := r.URL.Query().Get("token"); tok != "" && r.Header.Get("Authorization") == "" {
		r = r.Clone(r.Context())
		r.Header.Set("Authorization", "Bearer "+tok)
	}
	if err := u.srv.CheckControlPeer(r); err != nil {
		u.log.Warn("web UI stream refused", "remote", r.RemoteAddr, "reason", err.Error())
		http.Error(w, err.Error(), http.StatusForbidden)
		return
	}
	var after uint64
	if v := r.URL.Query().Get("after"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			http.Error(w, "after must be a journal sequence number", http.StatusBadRequest)
			return
		}
		after = n
	}
	up := websocket.Upgrader{
		CheckOrigin:       u.originAllowed,
		EnableCompression: false,
		Error: func(w http.ResponseWriter, r *http.Request, status int, reason error) {
			u.log.Warn("web UI websocket refused", "origin", r.Header.Get("Origin"), "status", status, "err", reason)
			http.Error(w, reason.Error(), status)
		},
	}
	conn, err := up.Upgrade(w, r, nil)
	if err != nil {
		return // the Upgrader answered
	}
	c := &client{conn: conn, after: after}
	ctx, cancel := context.WithCancel(context.Background())
	c.feed = u.hub.add(c, cancel)
	defer func() {
		cancel()
		u.hub.remove(c)
		_ = conn.Close()
	}()
	go u.readPump(ctx, cancel, c)
	go u.pingPump(ctx, cancel, c)
	if err := u.writePump(ctx, c); err != nil && ctx.Err() == nil {
		u.log.Info("web UI client dropped", "remote", r.RemoteAddr, "after", c.after, "err", err)
	}
}

// writePump sends the page its events as the journal grows, from the
// shared feed (feed.go) or, while the page is behind what the feed holds,
// from the journal (catchup.go). Only this goroutine writes data frames
// (gorilla allows one writer).
func (u *UI) writePump(ctx context.Context, c *client) error {
	j := u.srv.Journal()
	write := func(data []byte) error {
		if err := c.conn.SetWriteDeadline(time.Now().Add(u.timing.writeWait)); err != nil {
			return err
		}
		// A server's unmasked frame goes out with the data as it is (no
		// copy), so every page can write the feed's shared frame.
		return c.conn.WriteMessage(websocket.TextMessage, data)
	}
	// The first frame says where the journal stands and names it: a page
	// that drew another's (an emulator since restarted) starts afresh
	// instead of waiting for this journal to pass its number.
	if err := write(helloFrame(j.Last(), j.First(), u.instance)); err != nil {
		return err
	}
	for {
		var data []byte
		idle := false // nothing to catch up on: wait a frame's time
		for data == nil {
			st := c.feed.next(c.after)
			switch {
			case st.behind:
				events, upTo, trimmed := u.blocks.catchUp(j, c.after)
				data, c.after, idle = appendFrame(nil, events, max(upTo, j.Last()), trimmed), upTo, len(events) == 0
			case st.frame != nil:
				data, c.after = st.frame, st.upTo // shared: written, never changed
			case st.events != nil:
				data, c.after = appendFrame(nil, st.events, st.upTo, false), st.upTo
			default:
				select {
				case <-st.grew:
				case <-ctx.Done():
					return ctx.Err()
				}
			}
		}
		if err := write(data); err != nil {
			return err // stopped reading, or gone
		}
		c.sent.Store(c.after)
		if idle {
			select {
			case <-time.After(frameInterval):
			case <-ctx.Done():
				return ctx.Err()
			}
		}
	}
}

// readPump reads (and drops) what the page sends, so pongs and the close
// handshake are seen; a page silent past pongWait is gone.
func (u *UI) readPump(ctx context.Context, cancel context.CancelFunc, c *client) {
	defer cancel()
	c.conn.SetReadLimit(readLimit)
	extend := func(string) error { return c.conn.SetReadDeadline(time.Now().Add(u.timing.pongWait)) }
	if extend("") != nil {
		return
	}
	c.conn.SetPongHandler(extend)
	for ctx.Err() == nil {
		if _, _, err := c.conn.NextReader(); err != nil {
			return
		}
	}
}

// pingPump pings the page; WriteControl may run beside the write pump.
func (u *UI) pingPump(ctx context.Context, cancel context.CancelFunc, c *client) {
	t := time.NewTicker(u.timing.pingPeriod)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			_ = c.conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseGoingAway, ""), time.Now().Add(time.Second))
			return
		case <-t.C:
			if err := c.conn.WriteControl(websocket.PingMessage, nil, time.Now().Add(u.timing.writeWait)); err != nil {
				cancel()
				return
			}
		}
	}
}
