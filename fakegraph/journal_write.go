package fakegraph

import (
	"bytes"
	"encoding/json"
	"strconv"
	"sync"
	"time"

	"github.com/messemu/messemu/fakegraph/journal"
	"github.com/messemu/messemu/validator"
)

// The journal's writers: one function per kind of event, so each Detail
// type is written in one place. Requests are journalled by record
// (call.go), webhook attempts, handshakes and alerts by the dispatcher
// (package webhook); the rest come through here.

// threadState is psid's thread as the rules see it at now: its owner,
// whether the bot's app is on standby, and the messaging windows. s.mu must
// not be held.
func (s *Server) threadState(pageID, psid string, now time.Time) *ThreadState {
	if psid == "" {
		return nil
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	p, ok := s.pages[pageID]
	if !ok {
		return nil
	}
	return s.threadStateLocked(p, psid, now)
}

// threadStateLocked is threadState with s.mu held.
func (s *Server) threadStateLocked(p *pageState, psid string, now time.Time) *ThreadState {
	u, ok := p.users[psid]
	if !ok {
		return nil
	}
	st := &ThreadState{OwnerAppID: owner(p, psid, now), Window: WindowClosed}
	if st.OwnerAppID != "" {
		st.Standby = st.OwnerAppID != s.opts.appID
	} else { // idle: events go to the primary receiver (PLATFORM.md §8); the bot gets standby when that is another app
		st.Standby = s.otherPrimary(p)
	}
	if !u.LastInteraction.IsZero() {
		st.WindowEnds = u.LastInteraction.Add(validator.StandardWindow)
		if now.Before(st.WindowEnds) {
			st.Window = WindowOpen
		}
	}
	if !u.LastMessage.IsZero() {
		st.HumanAgentEnds = u.LastMessage.Add(validator.HumanAgentSpan)
	}
	return st
}

// marshalDetail renders a Detail; a Detail that cannot be rendered is a
// bug, logged, and the event keeps no detail rather than being lost.
func (s *Server) marshalDetail(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		s.log.Error("journal detail", "err", err)
		return nil
	}
	return b
}

// hookOf builds the Hook of a messaging item for field, with standby
// decided from the thread state now.
func (s *Server) hookOf(field string, ev *MessagingEvent, st *ThreadState) (Hook, error) {
	h := Hook{Field: field}
	if ev != nil {
		raw, err := json.Marshal(ev)
		if err != nil {
			return Hook{}, err
		}
		h.Event = raw
	}
	h.Standby = standbyItem(field, st)
	return h, nil
}

// standbyItem says whether an item of field goes out as standby in the
// thread st: handover events and `changes` always go to the app they
// name; the rest go out as standby while another app owns the thread, or
// the thread is idle and another app is the primary receiver.
func standbyItem(field string, st *ThreadState) bool {
	return st != nil && st.Standby && field != FieldHandovers && field != FieldInboxLabels
}

// journalUserAction journals what a user did, with the webhook item it
// fires on field ("" for an action that fires nothing itself).
func (s *Server) journalUserAction(now time.Time, pageID, psid string, action Action, field, mid string, request any, ev *MessagingEvent) (Event, error) {
	req, err := json.Marshal(request)
	if err != nil {
		return Event{}, err
	}
	st := s.threadState(pageID, psid, now)
	h, err := s.hookOf(field, ev, st)
	if err != nil {
		return Event{}, err
	}
	api := field
	if api == "" {
		api = actionField[action]
	}
	return s.journal.Append(Event{Time: now, Kind: KindUserAction, PageID: pageID, PSID: psid, API: api,
		Accepted: true, Request: req, MID: mid, Thread: st,
		Detail: s.marshalDetail(UserActionDetail{Action: action, Hook: h})}), nil
}

// actionField is the field of an action that fires nothing itself.
var actionField = map[Action]string{ActionReferral: FieldReferrals, ActionLogIn: FieldAccountLinking}

// journalReceipts journals the echo and the delivery of an accepted send
// (PLATFORM.md §2.8, §10): platform facts, whatever the webhook, while
// automatic receipts are on. body is the message as stored, msg as the
// request decoded it.
// The thread is as the send left it: its state is the request's.
func (s *Server) journalReceipts(req *Event, body json.RawMessage, msg any, urls assetURLs) {
	if !s.receipts.Load() || body == nil {
		return
	}
	buf := receiptBuffers.Get().(*[]byte)
	d := receiptHead(*buf, req, FieldMessageEchoes)
	d = s.appendEchoItem(d, req, body, msg, urls)
	s.journalReceipt(req, FieldMessageEchoes, d)
	if plainID(req.PageID) && plainID(req.PSID) && plainID(req.MID) && !standbyItem(FieldDeliveries, req.Thread) {
		// The journal's own writer: the Detail it keeps as a distance.
		d = journal.AppendDeliveryDetail(d[:0], req, req.Seq)
		s.journal.Append(Event{Time: req.Time, Kind: KindReceipt, PageID: req.PageID, PSID: req.PSID, API: FieldDeliveries,
			Accepted: true, MID: req.MID, Thread: req.Thread, Detail: d})
	} else {
		d = receiptHead(d[:0], req, FieldDeliveries)
		d = appendDeliveryItem(d, req)
		s.journalReceipt(req, FieldDeliveries, d)
	}
	*buf = d[:0]
	receiptBuffers.Put(buf)
}

// plainID reports an id that is not empty and that JSON writes as it is.
func plainID(id string) bool {
	for i := 0; i < len(id); i++ {
		if !plainJSON[id[i]] {
			return false
		}
	}
	return id != ""
}

// receiptBuffers hold a receipt's Detail while the journal copies it into
// its blocks: the hot path builds two a send.
var receiptBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

// receiptHead opens a receipt's Detail, written around its webhook item
// rather than marshalled.
func receiptHead(d []byte, req *Event, field string) []byte {
	d = strconv.AppendUint(append(d, `{"request_seq":`...), req.Seq, 10)
	return append(append(append(d, `,"field":"`...), field...), `","event":`...)
}

// appendEchoItem appends the message_echoes item of the send req, written
// directly from the decoded message as json.Marshal would write the
// MessagingEvent (receipts_test.go holds the two together). A message of
// an unusual shape (a text that is not a string, an attachment that is
// not an object) goes through echoMessage and json.Marshal instead.
func (s *Server) appendEchoItem(b []byte, req *Event, body json.RawMessage, msg any, urls assetURLs) []byte {
	m, _ := msg.(map[string]any)
	text, textOK := m["text"].(string)
	meta, metaOK := m["metadata"].(string)
	atts, attsOK := echoAttachments(m, urls)
	if m == nil || (!textOK && m["text"] != nil) || (!metaOK && m["metadata"] != nil) || !attsOK ||
		req.PageID == "" || req.PSID == "" {
		ev := &MessagingEvent{Sender: &Party{ID: req.PageID}, Recipient: Party{ID: req.PSID}, Timestamp: millis(req.Time),
			Message: echoMessage(req.MID, s.opts.appID, body, urls)}
		raw, err := json.Marshal(ev)
		if err != nil {
			s.log.Error("receipt", "field", FieldMessageEchoes, "err", err)
			return append(b, "null"...)
		}
		return append(b, raw...)
	}
	mark := len(b)
	b = appendParties(b, req.PageID, req.PSID, req.Time)
	b = appendJSONString(append(b, `,"message":{"mid":`...), req.MID)
	b = append(b, `,"is_echo":true`...)
	if id := appIDNumber(s.opts.appID); id != 0 {
		b = strconv.AppendInt(append(b, `,"app_id":`...), id, 10)
	}
	if meta != "" {
		b = appendJSONString(append(b, `,"metadata":`...), meta)
	}
	if text != "" {
		b = appendJSONString(append(b, `,"text":`...), text)
	}
	stored := messagePayload(body, m, atts)
	for i, a := range atts {
		if i == 0 {
			b = append(b, `,"attachments":[`...)
		} else {
			b = append(b, ',')
		}
		b = appendJSONString(append(b, `{"type":`...), a.typ)
		b = append(b, `,"payload":`...)
		if stored != nil {
			b = append(append(b, stored...), '}')
			continue
		}
		var err error
		if b, err = appendJSONTree(b, a.payload); err != nil {
			// Not a value json.Marshal writes either: the slow path
			// says so the same way.
			return s.appendEchoItem(b[:mark], req, body, nil, urls)
		}
		b = append(b, '}')
	}
	if len(atts) > 0 {
		b = append(b, ']')
	}
	return append(b, "}}"...)
}

// echoPart is one attachment of an echo on the fast path: its type
// and the payload to write (nil writes null).
type echoPart struct {
	typ     string
	payload any
	// whole: payload is the stored one as it is (nothing cut).
	whole bool
}

// messagePayload is storedPayload, found at once for the usual message
// of one attachment and nothing else: its stored body is then
// {"attachment":{"payload":…,"type":…}} and the payload is what lies
// between, with no need to read through it.
func messagePayload(body []byte, m map[string]any, atts []echoPart) []byte {
	const head = `{"attachment":{"payload":`
	if len(atts) != 1 || !atts[0].whole { // a text, or a payload not stored as it is
		return nil
	}
	// whole: the payload is an object, stored as it came.
	if a, _ := m["attachment"].(map[string]any); len(m) != 1 || len(a) != 2 || !bytes.HasPrefix(body, []byte(head)) {
		return storedPayload(body, atts)
	}
	var buf [64]byte
	tail := append(appendJSONString(append(buf[:0], `,"type":`...), atts[0].typ), "}}"...)
	if !bytes.HasSuffix(body, tail) || len(body) < len(head)+len(tail) {
		return storedPayload(body, atts)
	}
	return body[len(head) : len(body)-len(tail)]
}

// storedPayload finds the payload of a message's one attachment in the
// stored body, which appendJSONTree wrote from the same values with its
// keys sorted, so the echo copies those bytes instead of writing the tree
// again (a 10-element template's payload is most of a send's body). It is
// nil when the body is not of that one shape.
func storedPayload(body []byte, atts []echoPart) []byte {
	const head = `{"attachment":{"payload":{`
	if len(atts) != 1 || !atts[0].whole || !bytes.HasPrefix(body, []byte(head)) {
		return nil
	}
	start := len(head) - 1
	end := skipJSONValue(body, start)
	if end < 0 || !bytes.HasPrefix(body[end:], []byte(`,"type":`)) {
		return nil
	}
	return body[start:end]
}

// echoAttachments lists the attachments an echo of m carries: attachment
// first, then attachments, each payload as stored but without
// is_reusable, which echoes leave out, and a saved asset's attachment_id
// given as its URL (urls); a payload that is not an object is null, as
// echoMessage makes it. ok is false for a shape echoMessage reads
// differently (an attachment that is not an object, a type that is not a
// string), which then takes the slow path.
func echoAttachments(m map[string]any, urls assetURLs) (atts []echoPart, ok bool) {
	one, hasOne := m["attachment"]
	many, hasMany := m["attachments"]
	if !hasOne && !hasMany {
		return nil, true
	}
	add := func(v any) bool {
		a, isObj := v.(map[string]any)
		typ, isText := a["type"].(string)
		if !isObj || !isText {
			return false
		}
		pl, _ := a["payload"].(map[string]any)
		if u, ok := urls.of(pl); ok {
			atts = append(atts, echoPart{typ: typ, payload: map[string]any{"url": u}})
			return true
		}
		_, cut := pl["is_reusable"]
		if cut {
			rest := make(map[string]any, len(pl)-1)
			for k, v := range pl {
				if k != "is_reusable" {
					rest[k] = v
				}
			}
			pl = rest
		}
		if pl == nil {
			atts = append(atts, echoPart{typ: typ})
		} else {
			atts = append(atts, echoPart{typ: typ, payload: pl, whole: !cut})
		}
		return true
	}
	if one != nil && !add(one) {
		return nil, false
	}
	if many != nil {
		list, isList := many.([]any)
		if !isList {
			return nil, false
		}
		for _, v := range list {
			if !add(v) {
				return nil, false
			}
		}
	}
	return atts, true
}

// appendDeliveryItem appends the message_deliveries item of the send req,
// written as json.Marshal would write the MessagingEvent.
func appendDeliveryItem(b []byte, req *Event) []byte {
	if req.PageID == "" || req.PSID == "" {
		del := userEvent(req.PageID, req.PSID, req.Time)
		del.Delivery = &Delivery{MIDs: []string{req.MID}, Watermark: millis(req.Time)}
		raw, _ := json.Marshal(del) // plain strings and numbers always marshal
		return append(b, raw...)
	}
	b = appendParties(b, req.PSID, req.PageID, req.Time)
	b = appendJSONString(append(b, `,"delivery":{"mids":[`...), req.MID)
	b = strconv.AppendInt(append(b, `],"watermark":`...), millis(req.Time), 10)
	return append(b, "}}"...)
}

// appendParties opens a messaging item: its sender, recipient and time.
func appendParties(b []byte, sender, recipient string, t time.Time) []byte {
	b = appendJSONString(append(b, `{"sender":{"id":`...), sender)
	b = appendJSONString(append(b, `},"recipient":{"id":`...), recipient)
	return strconv.AppendInt(append(b, `},"timestamp":`...), millis(t), 10)
}

// journalReceipt closes a receipt's Detail d and journals it (the journal
// copies d). It happens with the send, so it carries the send's thread
// state.
func (s *Server) journalReceipt(req *Event, field string, d []byte) {
	st := req.Thread
	if standbyItem(field, st) {
		d = append(d, `,"standby":true`...)
	}
	d = append(d, '}')
	s.journal.Append(Event{Time: req.Time, Kind: KindReceipt, PageID: req.PageID, PSID: req.PSID, API: field,
		Accepted: true, MID: req.MID, Thread: st, Detail: d})
}

// journalHandoverEvent journals a handover event for the bot's app.
func (s *Server) journalHandoverEvent(now time.Time, pageID, psid string, action Action, item json.RawMessage) {
	st := s.threadState(pageID, psid, now)
	h := Hook{Field: FieldHandovers, Event: item}
	s.journal.Append(Event{Time: now, Kind: KindHandover, PageID: pageID, PSID: psid, API: FieldHandovers,
		Accepted: true, Thread: st, Detail: s.marshalDetail(HandoverDetail{Action: action, Hook: h})})
}

// journalLabel journals an inbox_labels change.
func (s *Server) journalLabel(now time.Time, pageID string, v InboxLabel) {
	value, err := json.Marshal(v)
	if err != nil {
		s.log.Error("inbox_labels", "err", err)
		return
	}
	d := LabelDetail{Action: v.Action, LabelID: v.Label.ID, Hook: Hook{Field: FieldInboxLabels, Change: value}}
	s.journal.Append(Event{Time: now, Kind: KindLabel, PageID: pageID, PSID: v.User.ID, API: FieldInboxLabels,
		Accepted: true, Request: value, Thread: s.threadState(pageID, v.User.ID, now), Detail: s.marshalDetail(d)})
}

// journalControl journals a change made through the control API or its
// Go methods.
func (s *Server) journalControl(change, pageID, psid string, data any) Event {
	d := ControlDetail{Change: change}
	if data != nil {
		d.Data = s.marshalDetail(data)
	}
	return s.journal.Append(Event{Time: s.clock.Now(), Kind: KindControl, PageID: pageID, PSID: psid, API: change,
		Accepted: true, Detail: s.marshalDetail(d)})
}

// journalFault journals a fault rule acting on a request.
func (s *Server) journalFault(now time.Time, pageID, psid, api string, d FaultDetail) {
	s.journal.Append(Event{Time: now, Kind: KindFault, PageID: pageID, PSID: psid, API: api, Accepted: true,
		Detail: s.marshalDetail(d)})
}
