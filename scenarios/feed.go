package scenarios

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"time"

	"github.com/messemu/messemu/fakegraph"
)

// feed reads the emulator's journal once for the whole run, with long
// polls, and hands each event to the inbox of the user it concerns, so
// that hundreds of scenarios in parallel cost one reader.
type feed struct {
	c *client

	mu      sync.Mutex
	inboxes map[string]*inbox
	stray   []fakegraph.Event // refused or warned requests of no scenario's user
	own     map[uint64]bool   // requests the runner made itself (setup:), reported in their scenario
	err     error             // the reader stopped on this error
	after   uint64
	// subs reads what the journal says about the webhook subscriptions.
	subs *subscriptions
}

// inbox is one user's events, in journal order.
type inbox struct {
	mu      sync.Mutex
	events  []fakegraph.Event
	changed chan struct{} // closed and replaced on every append
	err     error
}

func newInbox() *inbox { return &inbox{changed: make(chan struct{})} }

// snapshot returns the events so far and a channel closed at the next.
func (in *inbox) snapshot() ([]fakegraph.Event, <-chan struct{}, error) {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.events, in.changed, in.err
}

func (in *inbox) add(e fakegraph.Event) {
	in.mu.Lock()
	in.events = append(in.events, e)
	ch := in.changed
	in.changed = make(chan struct{})
	in.mu.Unlock()
	close(ch)
}

func (in *inbox) fail(err error) {
	in.mu.Lock()
	in.err = err
	ch := in.changed
	in.changed = make(chan struct{})
	in.mu.Unlock()
	close(ch)
}

// start begins reading after seq, or after the journal's current end
// when seq is nil.
func (f *feed) start(ctx context.Context, seq *uint64) error {
	f.inboxes = map[string]*inbox{}
	if seq != nil {
		f.after = *seq
		go f.run(ctx)
		return nil
	}
	last, err := lastSeq(ctx, f.c)
	if err != nil {
		return err
	}
	f.after = last
	go f.run(ctx)
	return nil
}

// subscribe returns psid's inbox; events of psid from now on land in it.
func (f *feed) subscribe(psid string) *inbox {
	f.mu.Lock()
	defer f.mu.Unlock()
	in := newInbox()
	if f.err != nil {
		in.err = f.err
	}
	f.inboxes[psid] = in
	return in
}

func (f *feed) unsubscribe(psid string) {
	f.mu.Lock()
	delete(f.inboxes, psid)
	f.mu.Unlock()
}

// position is the newest journal sequence number the feed has read.
func (f *feed) position() uint64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.after
}

// strays returns the refused or warned requests no scenario's user owns.
func (f *feed) strays() []fakegraph.Event {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []fakegraph.Event
	for _, e := range f.stray {
		if !f.own[e.Seq] {
			out = append(out, e)
		}
	}
	return out
}

// ownRequest marks the request at seq as the runner's own: a scenario's
// setup reports it, so it is no stray.
func (f *feed) ownRequest(seq uint64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.own == nil {
		f.own = map[uint64]bool{}
	}
	f.own[seq] = true
}

func (f *feed) run(ctx context.Context) {
	for ctx.Err() == nil {
		var page struct {
			Events []fakegraph.Event `json:"events"`
		}
		err := f.c.control(ctx, "GET", "journal?wait=2s&limit=1000&after="+strconv.FormatUint(f.after, 10), nil, &page)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			var ce *controlError
			if errors.As(err, &ce) && ce.Status == 410 { // trimmed: events were lost, say so
				f.stop(errors.New("the emulator's journal dropped events this run had not read (its journal limit is too small): " + err.Error()))
				return
			}
			select { // the emulator may be restarting: retry a little later
			case <-ctx.Done():
				return
			case <-time.After(100 * time.Millisecond):
			}
			continue
		}
		f.dispatch(page.Events)
	}
}

func (f *feed) dispatch(events []fakegraph.Event) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, e := range events {
		f.after = max(f.after, e.Seq)
		if in, ok := f.inboxes[userOf(e)]; ok { // no inbox is keyed ""
			in.add(e)
			continue
		}
		if e.Kind == fakegraph.KindRequest && len(e.Violations) > 0 {
			f.stray = append(f.stray, e)
		}
	}
}

func (f *feed) stop(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.err = err
	for _, in := range f.inboxes {
		in.fail(err)
	}
}

// lastSeq asks the emulator for its journal's newest sequence number.
func lastSeq(ctx context.Context, c *client) (uint64, error) {
	var first struct {
		LastSeq uint64 `json:"last_seq"`
	}
	err := c.control(ctx, "GET", "journal?limit=1&after="+strconv.FormatUint(^uint64(0)>>1, 10), nil, &first)
	return first.LastSeq, err
}

// userOf is the PSID of the user an event concerns: the journal's, or,
// for a Send API call refused before the platform read its recipient (a
// wrong token: the journal files it under no user), the recipient.id its
// request names.
func userOf(e fakegraph.Event) string {
	if e.PSID != "" || e.Kind != fakegraph.KindRequest || e.API != fakegraph.APISend || e.Accepted {
		return e.PSID
	}
	return fakegraph.RequestRecipient(&e)
}
