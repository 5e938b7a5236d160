package journal

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/messemu/messemu/validator"
)

// Ids in the platform's shapes, for events as the emulator writes them.
const (
	pageID = "109876543210987"
	appID  = "1517776481860111"
	alice  = "5275811702471834"
)

// longBody is a Send API body over maxMarkedBody bytes.
func longBody() string {
	el := `{"title":"Classic T-shirt","subtitle":"Soft cotton","image_url":"https://example.com/shirt.png","buttons":[{"type":"postback","title":"Details","payload":"DETAILS"}]}`
	return `{"recipient":{"id":"` + alice + `"},"message":{"attachment":{"type":"template","payload":{"template_type":"generic","elements":[` +
		strings.TrimSuffix(strings.Repeat(el+",", 10), ",") + `]}}}}`
}

// TestJournalKeepsEventsAsAppended: what a reader gets back from the
// encoded journal is the event as it was appended, whatever its shape.
func TestJournalKeepsEventsAsAppended(t *testing.T) {
	t.Parallel()
	paris, err := time.LoadLocation("Europe/Paris")
	require.NoError(t, err)
	at := time.Date(2026, 12, 2, 13, 0, 0, 123456789, time.UTC)
	mid := "m_" + "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCdEfGh"
	events := []Event{
		{Time: at, Kind: KindRequest, PageID: pageID, PSID: alice, API: APISend, Method: "POST",
			Path: "/v26.0/me/messages", Status: 200, Accepted: true, MID: mid,
			Request:  json.RawMessage(`{"recipient":{"id":"` + alice + `"},"messaging_type":"RESPONSE","message":{"text":"hello"}}`),
			Response: json.RawMessage(`{"recipient_id":"` + alice + `","message_id":"` + mid + `"}`),
			Thread:   &ThreadState{OwnerAppID: appID, Window: WindowOpen, WindowEnds: at.Add(24 * time.Hour), HumanAgentEnds: at.Add(7 * 24 * time.Hour)}},
		// The same texts again: kept as references to the first.
		{Time: at, Kind: KindReceipt, PageID: pageID, PSID: alice, API: FieldMessageEchoes, Accepted: true, MID: mid,
			Detail: json.RawMessage(`{"request_seq":1,"field":"message_echoes","event":{"sender":{"id":"` + pageID + `"},"recipient":{"id":"` + alice + `"},"timestamp":1,"message":{"mid":"` + mid + `","is_echo":true,"app_id":1,"text":"hello"}}}`),
			Thread: &ThreadState{Standby: true, OwnerAppID: "263902037430900", Window: WindowClosed}},
		// Empty and nil bodies differ; tabs and new lines stay; a body
		// holding a marker's byte is kept as it came.
		{Time: at.In(paris), Kind: KindUserAction, PSID: alice, Request: json.RawMessage{}, Response: json.RawMessage("{\n\t\"text\": \"" + alice + "\"\r\n}"),
			Detail: json.RawMessage("\x01\x05not json\x1f")},
		{Kind: "a kind from a newer writer", Time: at.Local(), Violations: []validator.Violation{{Path: "message.text", Rule: "text.length", Severity: validator.SeverityError}},
			Thread: &ThreadState{Window: "someday"}},
		{Time: at, Kind: KindControl, API: ChangeClock, Detail: json.RawMessage(`{"change":"clock"}`)},
		// A long body is kept as it came.
		{Time: at, Kind: KindRequest, PSID: alice, Request: json.RawMessage(longBody())},
		// The event's time in milliseconds, where a webhook item has it,
		// as the start of a longer number, and in a string; the zero time.
		{Time: at, Kind: KindReceipt, PageID: pageID, PSID: alice, MID: mid,
			Detail: json.RawMessage(fmt.Sprintf(`{"timestamp":%[1]d,"delivery":{"mids":["%[2]s"],"watermark":%[1]d},"n":%[1]d7,"s":"%[1]d","neg":-%[1]d}`, at.UnixMilli(), mid))},
		{Kind: KindReceipt, Detail: json.RawMessage(fmt.Sprintf(`{"timestamp":%d,"zero":0}`, time.Time{}.UnixMilli()))},
		{Time: at, Kind: KindReceipt, Detail: json.RawMessage("{\"timestamp\":" + fmt.Sprint(at.UnixMilli()) + ",\"raw\":\"\x00\"}")},
		// The delivery of the first event's send, as the emulator writes
		// it (kept as a distance back), and ones it does not write so.
		{Time: at, Kind: KindReceipt, PageID: pageID, PSID: alice, API: FieldDeliveries, Accepted: true, MID: mid,
			Detail: json.RawMessage(fmt.Sprintf(`{"request_seq":1,"field":"message_deliveries","event":{"sender":{"id":"%s"},"recipient":{"id":"%s"},"timestamp":%d,"delivery":{"mids":["%s"],"watermark":%[3]d}}}`, alice, pageID, at.UnixMilli(), mid))},
		{Time: at, Kind: KindReceipt, PageID: pageID, PSID: alice, API: FieldDeliveries, MID: mid,
			Detail: json.RawMessage(fmt.Sprintf(`{"request_seq":1,"field":"message_deliveries","event":{"sender":{"id":"%s"},"recipient":{"id":"%s"},"timestamp":%d,"delivery":{"mids":["%s"],"watermark":%[3]d}}} `, alice, pageID, at.UnixMilli(), mid))},
		{Time: at, Kind: KindReceipt, PageID: pageID, PSID: alice, API: FieldDeliveries, MID: mid,
			Detail: json.RawMessage(fmt.Sprintf(`{"request_seq":99,"field":"message_deliveries","event":{"sender":{"id":"%s"},"recipient":{"id":"%s"},"timestamp":%d,"delivery":{"mids":["%s"],"watermark":%[3]d}}}`, alice, pageID, at.UnixMilli(), mid))},
		{Time: at, Kind: KindReceipt, PageID: pageID, PSID: alice, API: FieldDeliveries, MID: mid, Detail: json.RawMessage(`{"request_seq":`)},
	}
	j := NewJournal(0)
	for i := range events {
		got := j.Append(events[i])
		events[i].Seq = got.Seq
	}
	for _, want := range events {
		got, ok := j.Get(want.Seq)
		require.True(t, ok, "event %d", want.Seq)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("event %d (-appended +read):\n%s", want.Seq, diff)
		}
		require.Equal(t, want.Time.Location().String(), got.Time.Location().String(), "zone of event %d", want.Seq)
	}
}

// TestJournalTrimsBlocks: a bounded journal lets go of its old blocks and
// of the violations only they had, and reads stay right across blocks.
func TestJournalTrimsBlocks(t *testing.T) {
	t.Parallel()
	j := NewJournal(1000)
	for i := range 20000 {
		e := Event{Kind: KindRequest, PSID: fmt.Sprint(i % 7), Request: json.RawMessage(fmt.Sprintf(`{"n":%d}`, i))}
		if i%100 == 0 {
			e.Violations = []validator.Violation{{Rule: fmt.Sprint(i)}}
		}
		j.Append(e)
	}
	first := j.First()
	require.GreaterOrEqual(t, first, uint64(20000-1250+1))
	evs := j.After(0, 0)
	require.Len(t, evs, int(20000-first+1))
	for _, e := range evs {
		n := int(e.Seq - 1)
		require.Equal(t, fmt.Sprintf(`{"n":%d}`, n), string(e.Request))
		require.Equal(t, fmt.Sprint(n%7), e.PSID)
		require.Equal(t, n%100 == 0, len(e.Violations) == 1, "violations of %d", e.Seq)
		if len(e.Violations) == 1 {
			require.Equal(t, fmt.Sprint(n), e.Violations[0].Rule)
		}
	}
	require.LessOrEqual(t, len(j.events.lists), 13)
	require.Less(t, j.events.bytes, 200<<10, "bytes held after trimming")
}

// TestJournalSharesRepeatedViolations: consecutive events with the same
// violations (every send of a load test carries the rate warning) share
// one list; each event still reads its own, and trimming lets lists go.
func TestJournalSharesRepeatedViolations(t *testing.T) {
	t.Parallel()
	warn := func(detail string) []validator.Violation {
		return []validator.Violation{{Rule: "rate.high-volume", Severity: validator.SeverityWarning, Detail: detail}}
	}
	refused := []validator.Violation{{Path: "message", Rule: "r", Severity: validator.SeverityError,
		Error: &validator.GraphError{Message: "(#100) x", Type: "OAuthException", Code: 100}}}
	refused2 := []validator.Violation{{Path: "message", Rule: "r", Severity: validator.SeverityError,
		Error: &validator.GraphError{Message: "(#100) y", Type: "OAuthException", Code: 100}}}
	j := NewJournal(0)
	pattern := [][]validator.Violation{warn("a"), warn("a"), nil, warn("a"), warn("b"), refused, refused, refused2, warn("a")}
	for _, v := range pattern {
		j.Append(Event{Kind: KindRequest, Violations: v})
	}
	require.Len(t, j.events.lists, 5, "a, b, refused, refused2, a")
	for i, e := range j.After(0, 0) {
		require.Equal(t, pattern[i], e.Violations, "event %d", e.Seq)
	}

	j = NewJournal(1000)
	for i := range 50000 {
		j.Append(Event{Kind: KindRequest, Violations: warn(fmt.Sprint(i / 10000))})
	}
	require.Len(t, j.events.lists, 1, "the lists of trimmed events are gone")
	last, ok := j.Get(j.Last())
	require.True(t, ok)
	require.Equal(t, "4", last.Violations[0].Detail)
}

// A webhook item's timestamp and watermark, the event's own time, are kept
// as a marker byte each.
func TestJournalMarksTheEventsTime(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 12, 6, 6, 0, 0, 0, time.UTC)
	size := func(ms int64) int {
		j := NewJournal(0)
		j.Append(Event{Time: at, Kind: KindReceipt, PageID: pageID, PSID: alice,
			Detail: json.RawMessage(fmt.Sprintf(`{"request_seq":1,"field":"message_deliveries","event":{"sender":{"id":"%s"},"recipient":{"id":"%s"},"timestamp":%d,"delivery":{"mids":["m_1"],"watermark":%[3]d}}}`, alice, pageID, ms))})
		return j.Bytes()
	}
	own, other := size(at.UnixMilli()), size(at.UnixMilli()+1)
	require.LessOrEqual(t, own, other-2*(len(fmt.Sprint(at.UnixMilli()))-1), "own time %d B, another %d B", own, other)
}

// The delivery receipt of a send, which the journal can write again from
// the event's own fields, is kept as a few bytes.
func TestJournalKeepsADeliveryAsItsDistance(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 12, 6, 6, 0, 0, 0, time.UTC)
	j := NewJournal(0)
	req := j.Append(Event{Time: at, Kind: KindRequest, PageID: pageID, PSID: alice, API: APISend})
	want := Event{Time: at, Kind: KindReceipt, PageID: pageID, PSID: alice, API: FieldDeliveries, Accepted: true, MID: "m_1",
		Detail: AppendDeliveryDetail(nil, &Event{Time: at, PageID: pageID, PSID: alice, MID: "m_1"}, req.Seq)}
	other := want
	other.Detail = append(slices.Clone(want.Detail), ' ') // not as the emulator writes it
	j.Append(other)                                       // its texts written out: the next two refer to them
	before := j.Bytes()
	j.Append(other)
	written := j.Bytes() - before
	before = j.Bytes()
	got := j.Append(want)
	derived := j.Bytes() - before
	require.Less(t, derived, written-10, "a delivery's bytes, and another's")
	read, ok := j.Get(got.Seq)
	require.True(t, ok)
	require.Equal(t, string(want.Detail), string(read.Detail))
	require.JSONEq(t, fmt.Sprintf(`{"request_seq":%d,"field":"message_deliveries","event":{"sender":{"id":"%s"},"recipient":{"id":"%s"},"timestamp":%d,"delivery":{"mids":["m_1"],"watermark":%[4]d}}}`,
		req.Seq, alice, pageID, at.UnixMilli()), string(read.Detail))
}

// A send's receipts have its time: each refers to the time written out
// for the send rather than writing it again, and reads it back.
func TestJournalRefersToTheTimeBefore(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 12, 6, 6, 0, 0, 123456789, time.UTC)
	j := NewJournal(0)
	j.Append(Event{Time: at, Kind: KindRequest})
	size := func(e Event) int {
		before := j.Bytes()
		j.Append(e)
		return j.Bytes() - before
	}
	same := size(Event{Time: at, Kind: KindReceipt})
	later := size(Event{Time: at.Add(time.Nanosecond), Kind: KindReceipt})
	require.Less(t, same, later-3, "same time %d B, another %d B", same, later)
	for _, e := range j.After(0, 0) {
		want := at
		if e.Seq == 3 {
			want = at.Add(time.Nanosecond)
		}
		require.True(t, e.Time.Equal(want), "event %d at %v", e.Seq, e.Time)
		require.Equal(t, time.UTC, e.Time.Location())
	}
}

// A send's receipts have its thread state: each refers to the one written
// out for the send, and reads back its own (standby included).
func TestJournalRefersToTheThreadBefore(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 12, 6, 6, 0, 0, 123456789, time.UTC)
	paris, err := time.LoadLocation("Europe/Paris")
	require.NoError(t, err)
	th := ThreadState{OwnerAppID: appID, Window: WindowOpen, WindowEnds: at.Add(24 * time.Hour), HumanAgentEnds: at.Add(7 * 24 * time.Hour)}
	with := func(mod func(*ThreadState)) *ThreadState {
		c := th
		mod(&c)
		return &c
	}
	events := []Event{
		{Time: at, Kind: KindRequest, Thread: &th},
		{Time: at, Kind: KindReceipt, Thread: with(func(*ThreadState) {})},
		{Time: at, Kind: KindReceipt, Thread: with(func(t *ThreadState) { t.Standby = true })},
		{Time: at, Kind: KindReceipt, Thread: with(func(t *ThreadState) { t.HumanAgentEnds = time.Time{} })},
		{Time: at.Add(time.Second), Kind: KindReceipt, Thread: with(func(*ThreadState) {})},
		{Time: at.Add(time.Second), Kind: KindReceipt, Thread: with(func(t *ThreadState) { t.WindowEnds = t.WindowEnds.In(paris) })},
		{Time: at.Add(time.Second), Kind: KindReceipt, Thread: with(func(t *ThreadState) { t.Window = WindowClosed })},
		{Time: at.Add(time.Second), Kind: KindReceipt},
	}
	j := NewJournal(0)
	var sizes []int
	for i := range events {
		before := j.Bytes()
		events[i].Seq = j.Append(events[i]).Seq
		sizes = append(sizes, j.Bytes()-before)
	}
	for _, want := range events {
		got, _ := j.Get(want.Seq)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("event %d (-appended +read):\n%s", want.Seq, diff)
		}
		if want.Thread != nil {
			require.Equal(t, want.Thread.WindowEnds.Location().String(), got.Thread.WindowEnds.Location().String(), "event %d", want.Seq)
		}
	}
	require.Less(t, sizes[1], sizes[3]-5, "a receipt with the send's thread (%d B), one with another (%d B)", sizes[1], sizes[3])
}

// The age limit reads each event's time, violations or not: events that
// carry warnings (every send under load) are kept for the age, and
// timeAt reads what Get reads.
func TestAgeRetentionReadsTheTimeOfWarnedEvents(t *testing.T) {
	t.Parallel()
	warned := []validator.Violation{{Rule: "rate.high-volume", Severity: validator.SeverityWarning}}
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	j := NewRetainingJournal(Retention{Age: time.Hour})
	for i := range 600 {
		j.Append(Event{Time: at.Add(time.Duration(i) * time.Millisecond), Kind: KindRequest, Violations: warned})
		j.Append(Event{Time: at.Add(time.Duration(i) * time.Millisecond), Kind: "custom_kind", Violations: warned})
	}
	require.Equal(t, uint64(1), j.First(), "every event is within the hour")
	for i := range j.events.locs {
		e, ok := j.Get(uint64(i) + j.First())
		require.True(t, ok)
		require.Equal(t, e.Time, j.events.timeAt(i), "event %d", e.Seq)
	}
}
