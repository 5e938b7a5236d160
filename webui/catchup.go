package webui

import (
	"errors"
	"sync"

	"github.com/messemu/messemu/fakegraph"
)

// A page that opens on a journal older than the feed holds (every page
// load starts at after=0) catches up from the journal in blocks of
// frameEvents events aligned on their sequence numbers, so that pages
// catching up together (ten pages opened at once, or reloaded) share one
// reading and one encoding of each block.

// cachedBlocks is how many blocks the UI keeps, newest used last.
const cachedBlocks = 8

type blockCache struct {
	mu     sync.Mutex // also held while a block is built: one build per block
	blocks map[uint64]*run
	order  []uint64 // block numbers, least recently used first
}

func newBlockCache() *blockCache { return &blockCache{blocks: map[uint64]*run{}} }

// catchUp answers the encoded events after seq from the journal (a
// block's worth at most), the newest of them, and whether the journal had
// forgotten events right after seq (a journal limit): the events then
// start at the oldest kept.
func (c *blockCache) catchUp(j *fakegraph.Journal, seq uint64) (events []byte, upTo uint64, trimmed bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	k := seq / frameEvents
	r := c.blocks[k]
	if r == nil {
		// Read as the feed reads (feed.go readRun): a chunk of events to
		// a hold of the journal's lock, bodies written where they are.
		var rb runBuilder
		rb.start(512*frameEvents, frameEvents)
		err := readRun(j, &rb, k*frameEvents, frameEvents)
		var te *fakegraph.TrimmedError
		if errors.As(err, &te) {
			// The block's start is gone: read from seq, or from the oldest
			// kept when seq itself is gone too; such a block is not kept.
			if trimmed = seq+1 < te.First; trimmed {
				seq = te.First - 1
			}
			rb.start(512*frameEvents, frameEvents)
			_ = readRun(j, &rb, seq, frameEvents) // trimmed again meanwhile: what was read
			if r = rb.finish(); r == nil {
				return nil, seq, trimmed
			}
			return r.after(seq), r.last, trimmed
		}
		if r = rb.finish(); r == nil {
			return nil, seq, false
		}
		if len(r.ends) == frameEvents { // complete: it never changes
			c.keep(k, r)
		}
	} else {
		c.touch(k)
	}
	return r.after(seq), max(seq, r.last), false
}

func (c *blockCache) keep(k uint64, r *run) {
	c.blocks[k] = r
	c.order = append(c.order, k)
	if len(c.order) > cachedBlocks {
		delete(c.blocks, c.order[0])
		c.order = c.order[1:]
	}
}

func (c *blockCache) touch(k uint64) {
	for i, x := range c.order {
		if x == k {
			c.order = append(append(c.order[:i:i], c.order[i+1:]...), k)
			return
		}
	}
}
