package fakegraph

import "sync"

// A request body's objects are maps, and a map's first member allocates
// its group of eight slots (288 bytes for map[string]any) in memory the
// cache has not seen: a 10-element generic template is fifty of them,
// about a tenth of its send. A send keeps none of its tree once it is
// done (the store, the journal and the receipts keep bytes, and the few
// strings that outlive it are copies), so it gives its small maps back,
// emptied, and the next body is decoded into them.

// treeMaps lends a decoder the maps a finished send gave back (free), and
// notes the small ones it decodes into (kept), to give back in turn.
type treeMaps struct {
	free []map[string]any
	kept []map[string]any
}

// maxFreeMaps bounds the maps one set holds for the next body: a body of
// hundreds of objects gives back no more than a template needs.
const maxFreeMaps = 256

var treeMapSets = sync.Pool{New: func() any { return new(treeMaps) }}

func getTreeMaps() *treeMaps { return treeMapSets.Get().(*treeMaps) }

// get is an empty map for an object; a nil set makes a new one.
func (tm *treeMaps) get() map[string]any {
	if tm != nil {
		if n := len(tm.free); n > 0 {
			m := tm.free[n-1]
			tm.free[n-1] = nil
			tm.free = tm.free[:n-1]
			return m
		}
	}
	return make(map[string]any, 4)
}

// made notes m, a decoded object of n members, to give back with the
// tree. A map of more than eight grew past its first group, and is left
// to the collector rather than kept at its size.
func (tm *treeMaps) made(m map[string]any, n int) {
	if tm != nil && n <= 8 {
		tm.kept = append(tm.kept, m)
	}
}

// release returns the set to the pool. With reuse, the tree's small maps
// are emptied and kept for the next body, and nothing may read the tree
// after; without, they are left to the collector with the tree, and the
// set keeps only the maps it had not lent.
func (tm *treeMaps) release(reuse bool) {
	for i, m := range tm.kept {
		if reuse && len(tm.free) < maxFreeMaps {
			clear(m)
			tm.free = append(tm.free, m)
		}
		tm.kept[i] = nil
	}
	tm.kept = tm.kept[:0]
	if cap(tm.kept) > 4*maxFreeMaps {
		tm.kept = nil // a body of thousands of objects: its list is not kept
	}
	treeMapSets.Put(tm)
}

// releaseTree gives back what the decoder lent a request, once it is
// answered and journalled: the message buffer a send did not take (a
// refused send, an upload) and the set of maps. Only the Send API's sends
// give back the maps of their tree: they are the hot path, and nothing of
// their tree is kept (a multipart send, which uploads, is left out all
// the same). Other requests leave their maps to the collector: none is
// hot, and giving back would need each to be shown to keep no part of
// what it was sent.
func (c *call) releaseTree() {
	if msg := c.decoded.message; msg != nil {
		c.decoded.message = nil
		putTreeBuffer(msg, *msg)
	}
	maps := c.decoded.maps
	c.decoded.maps = nil
	if maps == nil {
		return
	}
	reuse := c.route != nil && c.route.op == "sendMessage" && len(c.files) == 0
	if reuse {
		c.params = nil
	}
	maps.release(reuse)
}
