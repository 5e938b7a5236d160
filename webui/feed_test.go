package webui

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/messemu/messemu/fakegraph"
)

func appendControl(j *fakegraph.Journal, n int, detail string) {
	for range n {
		j.Append(fakegraph.Event{Kind: fakegraph.KindControl, API: "test", Accepted: true, Detail: json.RawMessage(detail)})
	}
}

// waitFeed waits until the feed holds the journal's newest event.
func waitFeed(t *testing.T, f *feed, j *fakegraph.Journal) {
	t.Helper()
	require.Eventually(t, func() bool {
		f.mu.Lock()
		defer f.mu.Unlock()
		return f.last == j.Last()
	}, 5*time.Second, 5*time.Millisecond)
}

func TestPagesAtTheLiveEdgeShareOneFrame(t *testing.T) {
	t.Parallel()
	j := fakegraph.NewJournal(0)
	appendControl(j, 3, `{}`) // before the feed: catch-up
	f := startFeed(j)
	defer f.stop()
	assert.True(t, f.next(0).behind, "events before the feed come from the journal")
	edge := f.next(3)
	require.NotNil(t, edge.grew, "nothing new yet")
	appendControl(j, 5, `{"n":1}`)
	select {
	case <-edge.grew:
	case <-time.After(5 * time.Second):
		t.Fatal("the feed never woke the pages")
	}
	waitFeed(t, f, j)
	f.mu.Lock()
	newest := f.runs[len(f.runs)-1].first - 1 // the five may have come in more than one run
	f.mu.Unlock()
	a, b := f.next(newest), f.next(newest)
	require.NotNil(t, a.frame, "a page at the start of the newest run gets its prepared frame")
	assert.Same(t, &a.frame[0], &b.frame[0], "every such page writes the same frame")
	assert.Equal(t, consecutiveSeqs(newest+1, 8), seqsOf(t, a.frame), "the newest run's events")
	assert.Equal(t, uint64(8), a.upTo)

	// A page behind by more than a run gets each run's shared frame in
	// turn; one in the middle of a run gets its own frame of the rest of
	// that run, then the shared ones: never an event twice or missed.
	appendControl(j, 2, `{"n":2}`)
	waitFeed(t, f, j)
	f.mu.Lock()
	starts := map[uint64]bool{}
	for _, r := range f.runs {
		starts[r.first-1] = true
	}
	f.mu.Unlock()
	for after := uint64(3); after < 10; after++ {
		var got []uint64
		for at, frames := after, 0; at < 10; frames++ {
			require.Less(t, frames, 10, "after %d: no progress at %d", after, at)
			st := f.next(at)
			require.Nil(t, st.grew, "after %d: the feed holds up to 10", after)
			data := st.frame
			if starts[at] {
				require.NotNil(t, data, "after %d: %d starts a run: its shared frame", after, at)
				assert.Same(t, &data[0], &f.next(at).frame[0], "after %d: the same bytes for every page", after)
			} else {
				require.Nil(t, data, "after %d: %d is inside a run", after, at)
				data = appendFrame(nil, st.events, st.upTo, false)
			}
			seqs := seqsOf(t, data)
			require.NotEmpty(t, seqs)
			assert.Equal(t, st.upTo, seqs[len(seqs)-1], "after %d", after)
			got = append(got, seqs...)
			at = st.upTo
		}
		assert.Equal(t, consecutiveSeqs(after+1, 10), got, "after %d", after)
	}
}

func consecutiveSeqs(from, to uint64) []uint64 {
	var out []uint64
	for s := from; s <= to; s++ {
		out = append(out, s)
	}
	return out
}

func TestCatchUpBlocksAreBuiltOnceAndShared(t *testing.T) {
	t.Parallel()
	j := fakegraph.NewJournal(0)
	appendControl(j, frameEvents+10, `{}`)
	c := newBlockCache()
	ev1, upTo1, trimmed := c.catchUp(j, 0)
	require.False(t, trimmed)
	assert.Equal(t, uint64(frameEvents), upTo1, "one block")
	ev2, _, _ := c.catchUp(j, 0)
	assert.Same(t, &ev1[0], &ev2[0], "the second page reads the first one's encoding")
	mid, _, _ := c.catchUp(j, 500)
	assert.Equal(t, seqsOf(t, appendFrame(nil, mid, 0, false))[0], uint64(501))
	rest, upTo, _ := c.catchUp(j, frameEvents)
	assert.Len(t, seqsOf(t, appendFrame(nil, rest, 0, false)), 10)
	assert.Equal(t, uint64(frameEvents+10), upTo)
	assert.Len(t, c.blocks, 1, "an incomplete block is not kept")
}

func TestCatchUpSaysWhenTheJournalForgot(t *testing.T) {
	t.Parallel()
	j := fakegraph.NewJournal(100) // forgets once it holds 125
	appendControl(j, 300, `{}`)
	first := j.First()
	require.Greater(t, first, uint64(1))
	events, upTo, trimmed := newBlockCache().catchUp(j, 10)
	assert.True(t, trimmed)
	seqs := seqsOf(t, appendFrame(nil, events, 0, false))
	assert.Equal(t, first, seqs[0], "from the oldest kept")
	assert.Equal(t, upTo, seqs[len(seqs)-1])
}

func TestFeedStopsWithTheLastPage(t *testing.T) {
	t.Parallel()
	h := newHub(fakegraph.NewJournal(0))
	a, b := &client{}, &client{}
	fa := h.add(a, func() {})
	fb := h.add(b, func() {})
	assert.Same(t, fa, fb, "one feed for every page")
	h.remove(a)
	require.NotNil(t, h.feed)
	h.remove(b)
	assert.Nil(t, h.feed, "no page, no feed")
	select {
	case <-fa.done:
	default:
		t.Fatal("the feed's goroutine still runs")
	}
}

func seqsOf(t *testing.T, frame []byte) []uint64 {
	t.Helper()
	var f struct {
		Events []struct {
			Seq uint64 `json:"seq"`
		} `json:"events"`
	}
	require.NoError(t, json.Unmarshal(frame, &f), "%s", strings.TrimSpace(string(frame[:min(len(frame), 200)])))
	var out []uint64
	for _, e := range f.Events {
		out = append(out, e.Seq)
	}
	return out
}

// TestFeedReadsABurstInChunks: a burst longer than the feed reads under
// one hold of the journal's lock (and than a run) reaches a page whole,
// in order.
func TestFeedReadsABurstInChunks(t *testing.T) {
	t.Parallel()
	j := fakegraph.NewJournal(0)
	f := startFeed(j)
	defer f.stop()
	const n = runEvents + 3*scanChunk + 7
	appendControl(j, n, `{"burst":true}`)
	waitFeed(t, f, j)
	var got []uint64
	for at, frames := uint64(0), 0; at < n; frames++ {
		require.Less(t, frames, n, "no progress at %d", at)
		st := f.next(at)
		require.Nil(t, st.grew, "the feed holds up to %d", n)
		data := st.frame
		if data == nil {
			data = appendFrame(nil, st.events, st.upTo, false)
		}
		got = append(got, seqsOf(t, data)...)
		at = st.upTo
	}
	assert.Equal(t, consecutiveSeqs(1, n), got)
}

// TestFeedSendsNoRunBegunBeforeTheJournal: once the journal has trimmed
// the start of a run the feed holds, a page joining that run in its
// middle (a page that started afresh from the journal's oldest event) is
// sent back to the catch-up, whose run names no event it lacks.
func TestFeedSendsNoRunBegunBeforeTheJournal(t *testing.T) {
	t.Parallel()
	j := fakegraph.NewJournal(3000)
	appendControl(j, 3000, `{}`)
	// The feed's loop, by hand: one run of the 3000.
	f := &feed{j: j, grew: make(chan struct{})}
	var rb runBuilder
	rb.start(64<<10, 256)
	require.NoError(t, readRun(j, &rb, 0, 3000))
	r := rb.finish()
	require.Equal(t, [2]uint64{1, 3000}, [2]uint64{r.first, r.last})
	f.add(r)

	appendControl(j, 1500, `{}`) // the journal keeps 1501..4500 now
	oldest := j.First()
	require.Equal(t, uint64(1501), oldest)
	assert.True(t, f.next(oldest).behind, "the run of 1..3000 began before the journal's oldest")
	assert.NotNil(t, f.next(0).frame, "a page at the run's start still gets its frame")
}
