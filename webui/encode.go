package webui

import (
	"encoding/json"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/messemu/messemu/fakegraph"
	"github.com/messemu/messemu/validator"
)

// The stream carries each event in a slim form: what the page draws at
// once. What it shows only when a row of the inspector is expanded (a
// receipt's webhook item, mid and thread, an accepted request's answer, a
// thread's messaging windows) stays in the journal; the page fetches it
// through GET /_messemu/v1/journal/{seq} when asked. The bot's sends,
// their receipts and the user's messages are most of the journal, so
// this cuts what every open page costs by more than half. What an
// earlier event of the same run carried is named, not repeated (runMemo).

// appendEvent writes ev as the stream sends it, in the JSON form of
// GET /_messemu/v1/journal less the parts named above, with "slim":true
// when it left some out. It is written by hand: the feed encodes every
// event of a busy emulator, and reflection cost it three times as much.
// The bodies go as the journal keeps them: JSON the emulator wrote (a
// body that does not parse is never journalled; GET journal relies on
// the same).
// m, when not nil, is what the run wrote so far (runMemo).
func appendEvent(b []byte, ev *fakegraph.Event, bare bool, m *runMemo) ([]byte, error) {
	receipt := ev.Kind == fakegraph.KindReceipt
	if receipt && !bare {
		if req, ok := receiptOf(ev); ok {
			// Two of a send's three events: only what is not the send's,
			// in a few bytes (at saturation each page reads some 40,000
			// receipts a second): "rcpt" is e for an echo, d for a
			// delivery, "of" how far back the send is; the page makes
			// it the receipt it stands for (model.js).
			b = strconv.AppendUint(append(b, `{"seq":`...), ev.Seq, 10)
			switch ev.API {
			case fakegraph.FieldMessageEchoes:
				b = append(b, `,"rcpt":"e"`...)
			case fakegraph.FieldDeliveries:
				b = append(b, `,"rcpt":"d"`...)
			default:
				b = appendString(append(b, `,"kind":"receipt","api":`...), ev.API)
				b = strconv.AppendUint(append(b, `,"request_seq":`...), req, 10)
				return append(b, `,"slim":true}`...), nil
			}
			b = strconv.AppendUint(append(b, `,"of":`...), ev.Seq-req, 10)
			return append(b, '}'), nil
		}
	}
	// A receipt's echo repeats the send, its delivery's watermark is the
	// event's time, and its mid and thread are the send's; an accepted
	// answer is ids the event already carries (mid).
	dropAnswer := ev.Kind == fakegraph.KindRequest && ev.Accepted && ev.Response != nil
	b = strconv.AppendUint(append(b, `{"seq":`...), ev.Seq, 10)
	b = appendTime(append(b, `,"time":`...), ev.Time)
	var like uint64
	if !receipt && !bare {
		like = m.like(ev)
	}
	if like != 0 {
		b = strconv.AppendUint(append(b, `,"like":`...), like, 10)
	} else {
		b = appendString(append(b, `,"kind":`...), string(ev.Kind))
		b = appendField(b, `,"page_id":`, ev.PageID)
		b = appendField(b, `,"psid":`, ev.PSID)
		b = appendField(b, `,"api":`, ev.API)
		b = appendField(b, `,"method":`, ev.Method)
		b = appendField(b, `,"path":`, ev.Path)
		if ev.Status != 0 {
			b = strconv.AppendInt(append(b, `,"status":`...), int64(ev.Status), 10)
		}
		b = strconv.AppendBool(append(b, `,"accepted":`...), ev.Accepted)
	}
	b = appendRaw(b, `,"request":`, ev.Request)
	if !dropAnswer {
		b = appendRaw(b, `,"response":`, ev.Response)
	}
	if len(ev.Violations) > 0 {
		var err error
		if b, err = m.appendViolations(b, ev); err != nil {
			return nil, err
		}
	}
	if !receipt {
		b = appendField(b, `,"mid":`, ev.MID)
	}
	// Of the thread the page draws who owns it; the messaging window
	// comes from the users' list.
	thread := ev.Thread != nil && !receipt
	if thread && like == 0 {
		b = append(b, `,"thread":{`...)
		if t := ev.Thread; t.OwnerAppID != "" {
			b = appendString(append(b, `"owner_app_id":`...), t.OwnerAppID)
			if t.Standby {
				b = append(b, ',')
			}
		}
		if ev.Thread.Standby {
			b = append(b, `"standby":true`...)
		}
		b = append(b, '}')
	}
	if !receipt {
		b = appendRaw(b, `,"detail":`, ev.Detail)
	}
	if receipt || dropAnswer || thread || bare {
		b = append(b, `,"slim":true`...)
	}
	return append(b, '}'), nil
}

// receiptPrefix starts a receipt's Detail as the emulator writes it.
const receiptPrefix = `{"request_seq":`

// receiptOf answers the send a receipt follows when its Detail names it
// first, as the emulator writes it. The page takes the receipt's time,
// Page and user from that send (the emulator journals a receipt with its
// send's), and fetches the rest on expand.
func receiptOf(ev *fakegraph.Event) (uint64, bool) {
	d := ev.Detail
	if !ev.Accepted || ev.PSID == "" || len(d) <= len(receiptPrefix) || string(d[:len(receiptPrefix)]) != receiptPrefix {
		return 0, false
	}
	d = d[len(receiptPrefix):]
	n := 0
	for n < len(d) && n < 20 && d[n] >= '0' && d[n] <= '9' {
		n++
	}
	if n == 0 || n == len(d) || (d[n] != ',' && d[n] != '}') {
		return 0, false
	}
	seq, err := strconv.ParseUint(string(d[:n]), 10, 64)
	return seq, err == nil && seq < ev.Seq
}

// appendBareEvent writes ev without its bodies and violations, marked
// slim: what the page gets of an event whose violations do not marshal.
func appendBareEvent(b []byte, ev *fakegraph.Event) []byte {
	e := *ev
	e.Request, e.Response, e.Detail, e.Violations = nil, nil, nil, nil
	b, err := appendEvent(b, &e, true, nil)
	if err != nil { // only violations can fail, and there are none
		panic("webui: " + err.Error())
	}
	return b
}

// runMemo is what a run wrote that its later events may name instead of
// repeating: a page has the event named whatever part of the run it is
// sent (the run's events before its own it drew already), and takes the
// fields from it (model.js).
//
// The journal gives the events that carry the same violations one list
// (under load every send carries the same rate warning): the run writes
// it once, and a later event with that list says "violations_of":seq.
// An event whose kind, Page, user, api, method, path, status, acceptance
// and thread owner are those of the last event written whole (a bot's
// sends to one user) says "like":seq instead of them.
type runMemo struct {
	list    *validator.Violation // the last list written: its first element (it never changes)
	n       int
	listAt  uint64 // the event that wrote it
	whole   place  // the last event written whole
	wholeAt uint64 // its seq (0: none)
}

// place is what "like" stands for.
type place struct {
	kind, pageID, psid, api, method, at string
	status                              int
	accepted, thread, standby           bool
	owner                               string
}

func placeOf(ev *fakegraph.Event) place {
	p := place{kind: string(ev.Kind), pageID: ev.PageID, psid: ev.PSID, api: ev.API, method: ev.Method, at: ev.Path,
		status: ev.Status, accepted: ev.Accepted, thread: ev.Thread != nil}
	if p.thread {
		p.owner, p.standby = ev.Thread.OwnerAppID, ev.Thread.Standby
	}
	return p
}

// like answers the event whose place ev shares (0: none) and remembers
// ev's when it has none; m may be nil (no run: nothing is named).
func (m *runMemo) like(ev *fakegraph.Event) uint64 {
	if m == nil {
		return 0
	}
	p := placeOf(ev)
	if m.wholeAt != 0 && p == m.whole {
		return m.wholeAt
	}
	m.whole, m.wholeAt = p, ev.Seq
	return 0
}

func (m *runMemo) appendViolations(b []byte, ev *fakegraph.Event) ([]byte, error) {
	v := ev.Violations
	if m != nil && m.list == &v[0] && m.n == len(v) {
		return strconv.AppendUint(append(b, `,"violations_of":`...), m.listAt, 10), nil
	}
	j, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	if m != nil {
		m.list, m.n, m.listAt = &v[0], len(v), ev.Seq
	}
	return append(append(b, `,"violations":`...), j...), nil
}

func appendTime(b []byte, t time.Time) []byte {
	return append(t.AppendFormat(append(b, '"'), time.RFC3339Nano), '"')
}

// appendField writes an omitempty string field.
func appendField(b []byte, key, v string) []byte {
	if v == "" {
		return b
	}
	return appendString(append(b, key...), v)
}

// appendRaw writes an omitempty raw JSON field.
func appendRaw(b []byte, key string, v json.RawMessage) []byte {
	if len(v) == 0 {
		return b
	}
	return append(append(b, key...), v...)
}

// appendString writes s as a JSON string (invalid UTF-8 as U+FFFD, as
// encoding/json does), copying the plain stretches whole.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c >= utf8.RuneSelf {
			r, n := utf8.DecodeRuneInString(s[i:])
			if r != utf8.RuneError || n != 1 {
				i += n
				continue
			}
		}
		b = append(b, s[start:i]...)
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		default: // a byte that is not UTF-8
			b = append(b, `\ufffd`...)
		}
		i++
		start = i
	}
	return append(append(b, s[start:]...), '"')
}

const hex = "0123456789abcdef"

// appendFrame writes one frame around events already joined by commas.
func appendFrame(b, events []byte, lastSeq uint64, trimmed bool) []byte {
	b = append(b, make([]byte, 0, len(framePrefix)+len(events)+48)...)[:len(b)]
	return appendFrameEnd(append(append(b, framePrefix...), events...), lastSeq, trimmed)
}

// helloFrame is a page's first frame: no events yet, where the journal
// stands, the oldest event it keeps (a page tells its reader what the
// retention dropped) and the name of this emulator's journal.
func helloFrame(lastSeq, first uint64, instance string) []byte {
	b := appendFrameEnd(append([]byte(nil), framePrefix...), lastSeq, false)
	b = strconv.AppendUint(append(b[:len(b)-1], `,"first":`...), first, 10)
	b = append(b, `,"instance":`...)
	b = strconv.AppendQuote(b, instance)
	return append(b, '}')
}

// appendFrameEnd closes a frame whose events b holds.
func appendFrameEnd(b []byte, lastSeq uint64, trimmed bool) []byte {
	b = append(b, `],"last_seq":`...)
	b = strconv.AppendUint(b, lastSeq, 10)
	if trimmed {
		b = append(b, `,"trimmed":true`...)
	}
	return append(b, '}')
}
