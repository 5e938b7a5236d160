package fakegraph

import (
	"bytes"
	"encoding/json"
)

// followRetentionLocked lets the stored messages go whose journal events
// the journal's retention forgot, so the store is bounded with the
// journal. Each thread keeps what the platform's rules still read however
// old: the bot's last message and what came after it (its quick replies
// are tapped from it, PLATFORM.md §2.5), and the bot's newest one-time
// notification request (a user's opt-in answers it). Window times, tokens,
// handover state and labels live outside the messages and stay. s.mu must
// be held for writing.
//
// The stored messages are queued in the order they came, so following
// the journal costs the messages it lets go, not a walk over every thread
// (a send used to pay for the whole store).
func (s *Server) followRetentionLocked() {
	first := s.journal.First()
	if first <= s.storeFirst {
		return
	}
	s.storeFirst = first
	var lastPage *pageState
	lastPSID := ""
	for s.storedHead < len(s.stored) {
		m := s.stored[s.storedHead]
		if m.Seq == 0 && len(s.stored)-s.storedHead < maxUnjournalled {
			break // not journalled yet: new, and what follows is newer
		}
		if m.Seq >= first {
			break
		}
		s.stored[s.storedHead] = nil
		s.storedHead++
		p := s.pages[m.PageID]
		if p == nil || (p == lastPage && m.PSID == lastPSID) {
			continue
		}
		lastPage, lastPSID = p, m.PSID
		p.trimThread(m.PSID, first)
	}
	if s.storedHead > len(s.stored)/2 && s.storedHead > 1024 {
		s.stored = append(s.stored[:0], s.stored[s.storedHead:]...)
		s.storedHead = 0
	}
}

// maxUnjournalled: a message whose journal event never came (its event
// failed to encode) stops the queue only while it is among the newest.
const maxUnjournalled = 4096

// storeMessageLocked stores m in its thread and queues it for the
// retention. s.mu must be held for writing.
func (s *Server) storeMessageLocked(p *pageState, m *Message) {
	p.addMessage(m)
	s.stored = append(s.stored, m)
}

// trimThread lets psid's messages journalled before first go, keeping
// those the rules need, in place: the cost is the messages let go.
// A message not journalled yet (Seq 0) is new and stays.
func (p *pageState) trimThread(psid string, first uint64) {
	th := p.threads[psid]
	cut := 0
	for cut < len(th) && th[cut].Seq != 0 && th[cut].Seq < first {
		cut++
	}
	if cut == 0 {
		return
	}
	// The bot's last message and all after it stay; so does its newest
	// one-time notification request.
	keepFrom := cut
	if last := p.lastFromPage[psid]; last != nil && last.Seq != 0 && last.Seq < first {
		for i := cut - 1; i >= 0; i-- {
			if th[i] == last {
				keepFrom = i
				break
			}
		}
	}
	otn := p.lastOTN[psid]
	w := cut // the kept ones move to the end of th[:cut], in order
	for i := cut - 1; i >= 0; i-- {
		m := th[i]
		if i >= keepFrom || m == otn {
			w--
			th[w] = m
			continue
		}
		delete(p.mids, m.MID)
		delete(p.reactions, m.MID)
		delete(p.edits, m.MID)
	}
	clear(th[:w]) // the array's head no longer holds them
	p.threads[psid] = th[w:]
}

// isOTNRequest reports a one-time notification request template.
func isOTNRequest(body json.RawMessage) bool {
	if !bytes.Contains(body, []byte(otnOptinType)) {
		return false
	}
	var m struct {
		Attachment struct {
			Payload struct {
				TemplateType string `json:"template_type"`
			} `json:"payload"`
		} `json:"attachment"`
	}
	return json.Unmarshal(body, &m) == nil && m.Attachment.Payload.TemplateType == otnOptinType
}
