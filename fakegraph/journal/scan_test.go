package journal

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/messemu/messemu/validator"
)

// scanAll answers what Scan gives after seq, each event with its bodies
// appended back from Bodies (and a copy of its thread).
func scanAll(t *testing.T, j *Journal, seq uint64, limit int) ([]Event, uint64) {
	t.Helper()
	var out []Event
	last, err := j.Scan(seq, limit, func(e *Event, b *Bodies) {
		got := *e
		for k, body := range []*json.RawMessage{&got.Request, &got.Response, &got.Detail} {
			require.Nil(t, *body, "Scan leaves the bodies to Bodies")
			if b.Has(k) {
				*body = b.Append([]byte{}, k)
			}
		}
		if e.Thread != nil {
			th := *e.Thread
			got.Thread = &th
		}
		out = append(out, got)
	})
	require.NoError(t, err)
	return out, last
}

// TestScanReadsWhatGetReads: Scan gives every event as Get does, whatever
// its bodies (marked, as they came, empty, none), thread and violations.
func TestScanReadsWhatGetReads(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 12, 6, 6, 0, 0, 987654321, time.UTC)
	mid := "m_" + strings.Repeat("AbCdEfGh0123-_", 6)
	warn := []validator.Violation{{Path: "", Rule: "rate.high-volume", Severity: validator.SeverityWarning}}
	events := []Event{
		{Time: at, Kind: KindRequest, PageID: pageID, PSID: alice, API: APISend, Method: "POST",
			Path: "/v26.0/me/messages", Status: 200, Accepted: true, MID: mid, Violations: warn,
			Request:  json.RawMessage(`{"recipient":{"id":"` + alice + `"},"messaging_type":"RESPONSE","message":{"text":"hello"}}`),
			Response: json.RawMessage(`{"recipient_id":"` + alice + `","message_id":"` + mid + `"}`),
			Thread:   &ThreadState{OwnerAppID: appID, Window: WindowOpen, WindowEnds: at.Add(24 * time.Hour)}},
		{Time: at, Kind: KindReceipt, PageID: pageID, PSID: alice, API: "message_deliveries", Accepted: true, MID: mid,
			Detail: json.RawMessage(`{"request_seq":1,"field":"message_deliveries","event":{"sender":{"id":"` + alice + `"},"recipient":{"id":"` + pageID + `"},"timestamp":1,"delivery":{"mids":["` + mid + `"],"watermark":1}}}`),
			Thread: &ThreadState{Standby: true, Window: WindowClosed}},
		{Time: at.Local(), Kind: KindUserAction, PSID: alice, Request: json.RawMessage{},
			Response: json.RawMessage("{\n\t\"text\": \"" + alice + "\"\r\n}"), Detail: json.RawMessage("\x01\x05not json\x1f")},
		{Kind: "a kind from a newer writer", Violations: warn, Thread: &ThreadState{Window: "someday"}},
		{Time: at, Kind: KindRequest, PSID: alice, Request: json.RawMessage(longBody())},
	}
	j := NewJournal(0)
	for i := range events {
		events[i] = j.Append(events[i])
	}
	got, last := scanAll(t, j, 0, 0)
	assert.Equal(t, uint64(len(events)), last)
	want := j.After(0, 0)
	require.Len(t, got, len(want))
	for i := range want {
		if diff := cmp.Diff(want[i], got[i]); diff != "" {
			t.Errorf("event %d (-Get +Scan):\n%s", want[i].Seq, diff)
		}
	}

	// A limit, a start in the middle, the end.
	got, last = scanAll(t, j, 1, 2)
	assert.Equal(t, uint64(3), last)
	assert.Equal(t, []uint64{2, 3}, seqs(got))
	got, last = scanAll(t, j, 5, 0)
	assert.Empty(t, got)
	assert.Equal(t, uint64(5), last, "nothing new: the position it was given")
}

func TestScanReportsTrimming(t *testing.T) {
	t.Parallel()
	j := NewJournal(10) // forgets once it holds 13
	for range 30 {
		j.Append(Event{Kind: KindControl, API: "test"})
	}
	_, err := j.Scan(1, 0, func(*Event, *Bodies) { t.Fatal("no event past a gap") })
	var te *TrimmedError
	require.True(t, errors.As(err, &te), "%v", err)
	got, last := scanAll(t, j, te.First-1, 0)
	assert.Equal(t, j.Last(), last)
	assert.Equal(t, te.First, got[0].Seq, "from the oldest kept")
}

func seqs(evs []Event) []uint64 {
	out := make([]uint64, len(evs))
	for i, e := range evs {
		out[i] = e.Seq
	}
	return out
}

// A position at the largest seq is past every event, not before the
// oldest kept (seq+1 wrapped to 0 once).
func TestReadAtTheLargestSeq(t *testing.T) {
	t.Parallel()
	j := NewJournal(10)
	for range 30 {
		j.Append(Event{Kind: KindControl, API: "test"})
	}
	evs, err := j.Read(math.MaxUint64, 0, nil)
	require.NoError(t, err)
	assert.Empty(t, evs)
	_, err = j.Read(2, 0, nil)
	var te *TrimmedError
	assert.True(t, errors.As(err, &te), "a position before the oldest kept is still trimmed: %v", err)
}
