package fakegraph

import (
	"fmt"
	"net/http/httptest"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// pointerFree reports a type whose values hold no pointers, so that the
// collector never scans memory holding only such values.
func pointerFree(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128:
		return true
	case reflect.Array:
		return pointerFree(t.Elem())
	case reflect.Struct:
		for i := range t.NumField() {
			if !pointerFree(t.Field(i).Type) {
				return false
			}
		}
		return true
	}
	return false
}

// TestStoredMessagesHoldNoPointers: what the store keeps per message (its
// record, its bytes, its place in the queue and in its thread, its entry
// in the mid index) is memory the collector does not scan.
func TestStoredMessagesHoldNoPointers(t *testing.T) {
	t.Parallel()
	store := reflect.TypeFor[messageStore]()
	field := func(typ reflect.Type, name string) reflect.Type {
		f, ok := typ.FieldByName(name)
		require.True(t, ok, "%s has a field %s", typ, name)
		return f.Type
	}
	perMessage := map[string]reflect.Type{
		"a record (messageStore.recs)":           field(store, "recs").Elem(),
		"a free slot (messageStore.free)":        field(store, "free").Elem(),
		"a queue entry (messageStore.queue)":     field(store, "queue").Elem(),
		"a block's bytes (storeBlock.buf)":       field(reflect.TypeFor[storeBlock](), "buf").Elem(),
		"a thread's entry (thread.slots)":        field(reflect.TypeFor[thread](), "slots").Elem(),
		"a mid index key (midIndex.byHash)":      field(reflect.TypeFor[midIndex](), "byHash").Key(),
		"a mid index value (midIndex.byHash)":    field(reflect.TypeFor[midIndex](), "byHash").Elem(),
		"the store's reference (storedRef.slot)": field(reflect.TypeFor[storedRef](), "slot"),
	}
	for what, typ := range perMessage {
		assert.True(t, pointerFree(typ), "%s is a %s, which holds pointers", what, typ)
	}
	assert.False(t, pointerFree(reflect.TypeFor[Message]()), "the check tells a type with pointers")
}

// newTestStore is a store with one Page.
func newTestStore() (*messageStore, *pageState) {
	st := newMessageStore()
	return st, newPageState(Page{ID: DefaultPageID, Name: DefaultPageName, Token: DefaultPageToken}, st)
}

// addTestMessage stores a message journalled as seq.
func addTestMessage(st *messageStore, p *pageState, m Message, seq uint64) uint32 {
	ref := st.add(p, &m, false)
	ref.setSeq(seq)
	return ref.slot
}

// TestStoreFollowFreesBlocks: as the retention passes, the store lets the
// old messages and their blocks go, while the message a thread keeps
// (the bot's last one to alice, with its quick replies) is written again
// in a newer block and reads back as it was stored.
func TestStoreFollowFreesBlocks(t *testing.T) {
	t.Parallel()
	st, p := newTestStore()
	ids := NewIDSource(7)
	start := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
	kept := Message{MID: ids.MID(), PageID: p.ID, PSID: alice, FromPage: true, Time: start,
		Body: []byte(`{"quick_replies":[{"content_type":"text","payload":"RED","title":"Red"}],"text":"pick"}`), Seq: 1}
	addTestMessage(st, p, kept, 1)
	const sends, window = 60000, 500
	var mids []string
	for i := range sends {
		seq := uint64(i + 2)
		m := Message{MID: ids.MID(), PageID: p.ID, PSID: bob, FromPage: true, Time: start.Add(time.Duration(i) * time.Second),
			Body: []byte(`{"text":"hello ` + fmt.Sprint(i) + `"}`)}
		addTestMessage(st, p, m, seq)
		mids = append(mids, m.MID)
		if seq > window {
			st.follow(seq-window, 0)
		}
	}

	require.Greater(t, st.firstBlock, uint32(5), "the old blocks went")
	assert.LessOrEqual(t, len(st.blocks), 2, "the blocks held are the newest")
	held := 0
	for _, b := range st.blocks {
		held += cap(b.buf)
	}
	assert.LessOrEqual(t, held, 2*maxStoreBlock)
	assert.Less(t, len(st.queue), 2*window, "the queue holds the window")
	assert.Less(t, len(st.recs)-len(st.free), 2*window, "the records in use are the window's")
	assert.Less(t, len(st.recs), 3*window, "the slots of those let go are used again")

	slots := p.threadSlots(alice)
	require.Len(t, slots, 1, "alice's thread keeps the bot's last message")
	assert.Equal(t, kept, st.message(slots[0]), "it reads back as stored")
	assert.GreaterOrEqual(t, uint32(st.recs[slots[0]].at>>32), st.firstBlock, "it lives in a block still held")
	_, _, found := p.message(mids[0])
	assert.False(t, found, "an old message is gone from the mid index")
	slot, th, found := p.message(mids[len(mids)-1])
	require.True(t, found, "the newest is found by mid")
	assert.Equal(t, bob, th.psid)
	assert.Equal(t, `{"text":"hello 59999"}`, string(st.body(slot)))
	assert.Less(t, len(p.threadSlots(bob)), 2*window)
	assert.Less(t, len(p.mids.byHash)+len(p.mids.clash), 2*window, "the mid index holds the window")
}

// TestStoreEditWritesAgain: an edited message is written again at the end
// of the queue; its old entry is passed over, and the message goes when
// its new one comes.
func TestStoreEditWritesAgain(t *testing.T) {
	t.Parallel()
	st, p := newTestStore()
	ids := NewIDSource(8)
	at := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
	user := Message{MID: ids.MID(), PageID: p.ID, PSID: bob, Time: at, Body: []byte(`{"text":"helo"}`)}
	edited := addTestMessage(st, p, user, 1)
	for seq := uint64(2); seq <= 10; seq++ {
		addTestMessage(st, p, Message{MID: ids.MID(), PageID: p.ID, PSID: alice, Time: at, Body: []byte(`{"text":"x"}`)}, seq)
	}
	st.edit(edited, []byte(`{"text":"hello"}`))
	st.follow(5, 0) // passes the edited message's old entry
	got := st.message(edited)
	assert.Equal(t, `{"text":"hello"}`, string(got.Body))
	assert.Equal(t, user.MID, got.MID)
	assert.Equal(t, uint64(1), got.Seq)
	assert.Equal(t, []uint32{edited}, p.threadSlots(bob), "its thread still has it: its new entry has not come")

	for seq := uint64(11); seq <= 20; seq++ {
		addTestMessage(st, p, Message{MID: ids.MID(), PageID: p.ID, PSID: alice, Time: at, Body: []byte(`{"text":"y"}`)}, seq)
	}
	st.follow(15, 0)
	assert.Empty(t, p.threadSlots(bob), "its new entry came: it went")
	_, _, found := p.message(user.MID)
	assert.False(t, found)
}

// TestStoreMIDsAndTimes: mids of the emulator's form are kept compact,
// any other as it came, and all read back and are found; times keep their
// zone, however late.
func TestStoreMIDsAndTimes(t *testing.T) {
	t.Parallel()
	st, p := newTestStore()
	made := NewIDSource(9).MID()
	var raw [compactMIDLen]byte
	require.True(t, compactMID(made, &raw), "the emulator's mid is compact")
	// The same length and alphabet, but its last character carries bits
	// past the 64 bytes: it must not be written back differently.
	notCanonical := made[:midLen-1] + "B"
	assert.False(t, compactMID(notCanonical, &raw))
	withBreak := made[:40] + "\n" + made[41:]
	assert.False(t, compactMID(withBreak, &raw))

	paris, err := time.LoadLocation("Europe/Paris")
	require.NoError(t, err)
	cases := []struct {
		mid string
		at  time.Time
	}{
		{made, time.Date(2026, 12, 6, 9, 0, 0, 123456789, time.UTC)},
		{notCanonical, time.Date(2026, 12, 6, 10, 0, 0, 0, paris)},
		{withBreak, time.Date(2026, 12, 6, 11, 0, 0, 0, time.FixedZone("X", -3*3600))},
		{"mid.1457764197618:41d102a3e1ae206a38", time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)},
		{"m_short", time.Date(2026, 12, 6, 12, 0, 0, 0, time.Local)},
		{strings.Repeat("é", 300), time.Time{}},
	}
	var slots []uint32
	for i, c := range cases {
		m := Message{MID: c.mid, PageID: p.ID, PSID: alice, Time: c.at, Body: []byte(`{"text":"t"}`), PersonaID: fmt.Sprint(i)}
		slots = append(slots, addTestMessage(st, p, m, uint64(i+1)))
	}
	for i, c := range cases {
		got := st.message(slots[i])
		assert.Equal(t, c.mid, got.MID)
		assert.True(t, c.at.Equal(got.Time), "%v read back as %v", c.at, got.Time)
		assert.Equal(t, c.at.Location().String(), got.Time.Location().String())
		assert.Equal(t, fmt.Sprint(i), got.PersonaID)
		slot, _, ok := p.message(c.mid)
		assert.True(t, ok && slot == slots[i], "mid %q is found", c.mid)
	}
	_, _, ok := p.message(made[:midLen-1] + "A")
	assert.False(t, ok, "a mid one character off is not found")
}

// TestStoreMIDHashClash: a mid whose hash another mid holds is still found,
// and each goes from the index on its own.
func TestStoreMIDHashClash(t *testing.T) {
	t.Parallel()
	st, p := newTestStore()
	ids := NewIDSource(10)
	at := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
	first := Message{MID: ids.MID(), PageID: p.ID, PSID: alice, Time: at, Body: []byte(`{}`)}
	second := Message{MID: "mid.user-written", PageID: p.ID, PSID: bob, Time: at, Body: []byte(`{}`)}
	a := addTestMessage(st, p, first, 1)
	p.mids.byHash[st.midHash(second.MID)] = a // as if first's hash were second's too
	b := addTestMessage(st, p, second, 2)
	require.Len(t, p.mids.clash, 1, "second is indexed by its text")

	for mid, want := range map[string]uint32{first.MID: a, second.MID: b} {
		slot, _, ok := p.message(mid)
		assert.True(t, ok && slot == want, "mid %q is found", mid)
	}
	st.drop(p, b)
	_, _, ok := p.message(second.MID)
	assert.False(t, ok, "second went")
	assert.Empty(t, p.mids.clash)
	slot, _, ok := p.message(first.MID)
	assert.True(t, ok && slot == a, "first stays")
}

// TestStoreUnderConcurrentSends: sends to two users from many goroutines,
// with user messages between, under a small retention: the store follows
// the journal while the receipts read the stored bytes, and what stays
// reads back whole.
func TestStoreUnderConcurrentSends(t *testing.T) {
	t.Parallel()
	s := New(WithRetention(Retention{Events: 60}))
	for _, psid := range []string{alice, bob} {
		_, err := s.UserSends(DefaultPageID, psid, UserMessageRequest{Text: "hi"}) // opens the window
		require.NoError(t, err)
	}
	h := s.Handler()
	var wg sync.WaitGroup
	codes := make(chan int, 8*150)
	for g := range 8 {
		psid := []string{alice, bob}[g%2]
		wg.Go(func() {
			for i := range 150 {
				body := `{"recipient":{"id":"` + psid + `"},"messaging_type":"RESPONSE","message":{"text":"n` + fmt.Sprint(i) + `"}}`
				req := httptest.NewRequest("POST", "/v26.0/me/messages?access_token="+DefaultPageToken, strings.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				codes <- rec.Code
				if i%30 == 0 {
					if _, err := s.UserSends(DefaultPageID, psid, UserMessageRequest{Text: "hi"}); err != nil {
						codes <- 0
					}
				}
			}
		})
	}
	wg.Wait()
	close(codes)
	for code := range codes {
		require.Equal(t, 200, code)
	}
	first := s.Journal().First()
	require.Greater(t, first, uint64(1000), "the journal forgot its oldest events")
	for _, psid := range []string{alice, bob} {
		th, err := s.Thread(DefaultPageID, psid)
		require.NoError(t, err)
		require.NotEmpty(t, th)
		assert.Less(t, len(th), 100, "the thread follows the journal")
		lastBot := -1
		for i, m := range th {
			if m.FromPage {
				lastBot = i
			}
		}
		for i, m := range th {
			assert.Equal(t, psid, m.PSID)
			assert.True(t, strings.HasPrefix(string(m.Body), `{"text":"`), "body %s", m.Body)
			assert.True(t, m.Seq >= first || i >= lastBot, "message %s (seq %d) kept past its journal event (first %d)", m.MID, m.Seq, first)
		}
		last := th[len(th)-1]
		code, _, answer := do(t, s, "GET", "/v26.0/"+last.MID+"?access_token="+DefaultPageToken, "", "")
		assert.Equal(t, 200, code, "the newest message is found by mid: %v", answer)
	}
}

// TestThreadKeepsNoSliceOfTheBody: the decoder gives a body's plain
// strings as slices of it (decodeObjectText), so a thread that a send
// makes keys itself by a copy of the PSID: a slice would keep the whole
// body, here 4 KB, as long as the thread lives.
func TestThreadKeepsNoSliceOfTheBody(t *testing.T) {
	t.Parallel()
	body := `{"recipient":{"id":"` + alice + `"},"message":{"text":"` + strings.Repeat("x", 4000) + `"}}`
	obj, ok := decodeObjectText(body)
	require.True(t, ok)
	psid := obj["recipient"].(map[string]any)["id"].(string)
	start := uintptr(unsafe.Pointer(unsafe.StringData(body)))
	inBody := func(s string) bool {
		at := uintptr(unsafe.Pointer(unsafe.StringData(s)))
		return at >= start && at < start+uintptr(len(body))
	}
	require.True(t, inBody(psid), "the decoder gives the PSID as a slice of the body")

	st, p := newTestStore()
	addTestMessage(st, p, Message{MID: NewIDSource(3).MID(), PageID: p.ID, PSID: psid, FromPage: true,
		Time: time.Unix(1_700_000_000, 0), Body: []byte(`{"text":"x"}`)}, 1)
	require.Len(t, p.threads, 1)
	for key, th := range p.threads {
		assert.Equal(t, alice, key)
		assert.False(t, inBody(key), "the thread's key is a slice of the send's body")
		assert.False(t, inBody(th.psid), "the thread's psid is a slice of the send's body")
	}
	runtime.KeepAlive(body)
}

// A Page's subscription keeps its webhook fields as copies, not as slices
// of the body that named them, whether a list or a comma string.
func TestSubscribedFieldsKeepNoSliceOfTheBody(t *testing.T) {
	t.Parallel()
	for _, body := range []string{
		`{"subscribed_fields":["messages","message_reads"],"pad":"` + strings.Repeat("x", 4000) + `"}`,
		`{"subscribed_fields":"messages, message_reads","pad":"` + strings.Repeat("x", 4000) + `"}`,
	} {
		obj, ok := decodeObjectText(body)
		require.True(t, ok)
		start := uintptr(unsafe.Pointer(unsafe.StringData(body)))
		c := &call{params: obj}
		fields, ok := c.readFields("subscribed_fields")
		require.True(t, ok)
		assert.Equal(t, []string{"messages", "message_reads"}, fields)
		for _, f := range fields {
			at := uintptr(unsafe.Pointer(unsafe.StringData(f)))
			assert.False(t, at >= start && at < start+uintptr(len(body)), "%q is a slice of the body", f)
		}
		runtime.KeepAlive(body)
	}
}
