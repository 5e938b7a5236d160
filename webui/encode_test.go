package webui

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/messemu/messemu/fakegraph"
	"github.com/messemu/messemu/validator"
)

// sendEvents journals n text sends (with their receipts) on a fresh
// emulator and answers the journal's events.
func sendEvents(t testing.TB, n int) []fakegraph.Event {
	srv := fakegraph.New(fakegraph.WithIDSeed(3))
	t.Cleanup(func() { _ = srv.Close() })
	users, err := srv.Users(fakegraph.DefaultPageID)
	require.NoError(t, err)
	psid := users[0].PSID
	_, err = srv.UserSends(fakegraph.DefaultPageID, psid, fakegraph.UserMessageRequest{Text: "hi"})
	require.NoError(t, err)
	c := srv.Client()
	for i := range n {
		resp, err := c.Post("http://"+fakegraph.InProcessHost+"/v26.0/me/messages?access_token="+fakegraph.DefaultPageToken, "application/json",
			strings.NewReader(fmt.Sprintf(`{"recipient":{"id":%q},"messaging_type":"RESPONSE","message":{"text":"reply %d"}}`, psid, i)))
		require.NoError(t, err)
		require.NoError(t, resp.Body.Close())
		require.Equal(t, 200, resp.StatusCode)
	}
	return srv.Journal().After(0, 0)
}

func BenchmarkFeedRun(b *testing.B) {
	evs := sendEvents(b, 300)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		r := newRun(evs)
		b.SetBytes(int64(len(r.data)))
	}
}

// TestStreamEventIsTheJournalsJSONLessWhatThePageFetches checks the hand
// encoder against encoding/json: every field the same, the slim events
// without exactly what the page fetches on expand.
func TestStreamEventIsTheJournalsJSONLessWhatThePageFetches(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 12, 6, 3, 4, 5, 600700800, time.UTC)
	evs := append(sendEvents(t, 2),
		fakegraph.Event{Seq: 100, Time: at, Kind: fakegraph.KindRequest, PageID: "1", PSID: "2", API: "send", Method: "POST",
			Path: "/v26.0/me/messages?q=\"a\\b\"\x01é\xff", Status: 400, Request: json.RawMessage(`{"message":{"text":"x"}}`),
			Response:   json.RawMessage(`{"error":{"code":100}}`),
			Violations: []validator.Violation{{Path: "message.quick_replies", Rule: "count", Severity: "error", Detail: "14 > 13 <&>"}},
			Thread:     &fakegraph.ThreadState{OwnerAppID: "263902037430900", Standby: true, Window: "closed", HumanAgentEnds: at}},
		fakegraph.Event{Seq: 101, Time: time.Time{}, Kind: fakegraph.KindControl, API: "clock\n\t\u2028", Accepted: true, Detail: json.RawMessage(` {"x": [1, 2]} `)},
	)
	slimmed := 0
	for i := range evs {
		ev := &evs[i]
		want := decodeObject(t, must(t, func() ([]byte, error) { return json.Marshal(ev) }))
		got := pageReads(decodeObject(t, must(t, func() ([]byte, error) { return appendEvent(nil, ev, false, nil) })))
		switch {
		case ev.Kind == fakegraph.KindReceipt:
			var d fakegraph.ReceiptDetail
			require.NoError(t, json.Unmarshal(ev.Detail, &d))
			want = map[string]any{"seq": want["seq"], "kind": "receipt", "api": want["api"], "request_seq": float64(d.RequestSeq), "slim": true}
		case ev.Kind == fakegraph.KindRequest && ev.Accepted:
			delete(want, "response")
			want["slim"] = true
		}
		if th, ok := want["thread"].(map[string]any); ok {
			for k := range th {
				if k != "owner_app_id" && k != "standby" {
					delete(th, k)
				}
			}
			want["slim"] = true
		}
		if want["slim"] == true {
			slimmed++
		}
		assert.Equal(t, want, got, "event %d (%s)", ev.Seq, ev.Kind)
	}
	assert.Equal(t, 8, slimmed, "the user's message, two accepted sends, their four receipts and the refused send (its thread) are slim")

	bare := decodeObject(t, appendBareEvent(nil, &evs[len(evs)-2]))
	assert.Equal(t, map[string]any{"seq": 100.0, "time": "2026-12-06T03:04:05.6007008Z", "kind": "request", "page_id": "1", "psid": "2",
		"api": "send", "method": "POST", "path": "/v26.0/me/messages?q=\"a\\b\"\x01é\uFFFD", "status": 400.0, "accepted": false,
		"thread": map[string]any{"owner_app_id": "263902037430900", "standby": true},
		"slim":   true}, bare, "a bare event: no bodies, no violations")
}

// pageReads is a stream event as the page takes it (model.js apply): a
// send's receipt in its few bytes made the receipt it stands for.
func pageReads(ev map[string]any) map[string]any {
	rcpt, ok := ev["rcpt"].(string)
	if !ok {
		return ev
	}
	api := map[string]string{"e": "message_echoes", "d": "message_deliveries"}[rcpt]
	seq, of := ev["seq"].(float64), ev["of"].(float64)
	return map[string]any{"seq": seq, "kind": "receipt", "api": api, "request_seq": seq - of, "slim": true}
}

// TestReceiptNotWrittenByTheEmulatorKeepsItsOwnPlace: a receipt whose
// Detail does not name its send first (appended from Go) keeps its time,
// Page and user on the stream.
func TestReceiptNotWrittenByTheEmulatorKeepsItsOwnPlace(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 12, 6, 3, 4, 5, 0, time.UTC)
	for _, detail := range []string{`{"field":"message_deliveries","request_seq":3}`, `{"request_seq":"3"}`, `{"request_seq":9}`, `{"request_seq":}`} {
		ev := fakegraph.Event{Seq: 9, Time: at, Kind: fakegraph.KindReceipt, PageID: "1", PSID: "2", API: "message_deliveries",
			Accepted: true, MID: "m_1", Detail: json.RawMessage(detail), Thread: &fakegraph.ThreadState{Window: "open"}}
		got := decodeObject(t, must(t, func() ([]byte, error) { return appendEvent(nil, &ev, false, nil) }))
		assert.Equal(t, map[string]any{"seq": 9.0, "time": "2026-12-06T03:04:05Z", "kind": "receipt", "page_id": "1", "psid": "2",
			"api": "message_deliveries", "accepted": true, "slim": true}, got, detail)
	}
}

func TestRunSlicesAfterAnyEvent(t *testing.T) {
	t.Parallel()
	evs := []fakegraph.Event{
		{Seq: 7, Kind: fakegraph.KindControl, Accepted: true, Detail: json.RawMessage(`{"ok":true}`)},
		{Seq: 8, Kind: fakegraph.KindControl, Accepted: true, Detail: json.RawMessage(`"a,b"`)},
		{Seq: 9, Kind: fakegraph.KindControl, Accepted: true, Detail: json.RawMessage(`[1]`)},
	}
	r := newRun(evs)
	for after := uint64(5); after <= 9; after++ {
		var f struct {
			Events []fakegraph.Event `json:"events"`
		}
		require.NoError(t, json.Unmarshal(appendFrame(nil, r.after(after), 9, false), &f), "after %d", after)
		var seqs []uint64
		for _, ev := range f.Events {
			seqs = append(seqs, ev.Seq)
		}
		var want []uint64
		for s := max(after+1, 7); s <= 9; s++ {
			want = append(want, s)
		}
		assert.Equal(t, want, seqs, "after %d", after)
	}
}

// TestARunWritesRepeatedViolationsOnce: events of a run that carry the
// list the journal shares (the rate warning of a load) name the event
// that wrote it; another list, even equal, is written again.
func TestARunWritesRepeatedViolationsOnce(t *testing.T) {
	t.Parallel()
	warn := []validator.Violation{{Rule: "rate.high-volume", Severity: "warning", Detail: "more than 40 messages per second"}}
	other := []validator.Violation{{Rule: "text.length", Severity: "error"}}
	evs := []fakegraph.Event{
		{Seq: 1, Kind: fakegraph.KindRequest, Violations: warn},
		{Seq: 2, Kind: fakegraph.KindRequest, Violations: warn},
		{Seq: 3, Kind: fakegraph.KindControl},
		{Seq: 4, Kind: fakegraph.KindRequest, Violations: other},
		{Seq: 5, Kind: fakegraph.KindRequest, Violations: append([]validator.Violation(nil), warn...)},
	}
	evs = append(evs, fakegraph.Event{Seq: 6, Kind: fakegraph.KindRequest, Violations: evs[4].Violations})
	var f struct {
		Events []map[string]any `json:"events"`
	}
	require.NoError(t, json.Unmarshal(newRun(evs).frame, &f))
	var got []any
	for _, ev := range f.Events {
		if v, ok := ev["violations"].([]any); ok {
			got = append(got, v[0].(map[string]any)["rule"])
		} else {
			got = append(got, ev["violations_of"])
		}
	}
	assert.Equal(t, []any{"rate.high-volume", 1.0, nil, "text.length", "rate.high-volume", 5.0}, got)
}

// TestARunResolvedAsThePageDoesIsItsEventsAlone: a run names what its
// earlier events carried ("like", "violations_of"); taking the fields from
// the events named, as model.js does, gives every event as it is encoded
// alone, whatever event of the run a page starts after.
func TestARunResolvedAsThePageDoesIsItsEventsAlone(t *testing.T) {
	t.Parallel()
	evs := sendEvents(t, 4)
	warn := []validator.Violation{{Rule: "rate.high-volume", Severity: "warning"}}
	next := evs[len(evs)-1].Seq
	for i, th := range []*fakegraph.ThreadState{{OwnerAppID: "1"}, {OwnerAppID: "1"}, {OwnerAppID: "2"}, {OwnerAppID: "2", Standby: true}, nil} {
		ev := evs[1] // a send
		ev.Seq, ev.Thread, ev.Violations, ev.Status = next+uint64(i)+1, th, warn, 200+i/4
		evs = append(evs, ev)
	}
	alone := map[uint64]map[string]any{}
	for i := range evs {
		alone[evs[i].Seq] = decodeObject(t, must(t, func() ([]byte, error) { return appendEvent(nil, &evs[i], false, nil) }))
	}
	r := newRun(evs)
	likes, refs := 0, 0
	for after := r.first - 1; after < r.last; after++ {
		page := map[float64]map[string]any{} // what the page drew before: the events alone
		for seq := r.first; seq <= after; seq++ {
			page[float64(seq)] = alone[seq]
		}
		var f struct {
			Events []map[string]any `json:"events"`
		}
		require.NoError(t, json.Unmarshal(appendFrame(nil, r.after(after), r.last, false), &f))
		for _, ev := range f.Events {
			if of, ok := ev["violations_of"].(float64); ok {
				ev["violations"] = page[of]["violations"]
				delete(ev, "violations_of")
				refs++
			}
			if of, ok := ev["like"].(float64); ok {
				for _, k := range []string{"kind", "page_id", "psid", "api", "method", "path", "status", "accepted", "thread"} {
					if v, ok := page[of][k]; ok {
						ev[k] = v
					}
				}
				delete(ev, "like")
				likes++
			}
			seq := ev["seq"].(float64)
			page[seq] = ev
			assert.Equal(t, alone[uint64(seq)], ev, "event %v after %d", seq, after)
		}
	}
	assert.Positive(t, likes, "sends to one user name the first")
	assert.Positive(t, refs, "the shared warning is written once")
}

func decodeObject(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m), "%s", b)
	return m
}

func must(t *testing.T, f func() ([]byte, error)) []byte {
	t.Helper()
	b, err := f()
	require.NoError(t, err)
	return b
}

// newRun encodes evs (consecutive) into their frame; no events, nil.
func newRun(evs []fakegraph.Event) *run {
	var rb runBuilder
	rb.start(512*len(evs), len(evs))
	for i := range evs {
		rb.add(&evs[i])
	}
	return rb.finish()
}
