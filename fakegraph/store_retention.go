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
func (s *Server) followRetentionLocked() {
	first := s.journal.First()
	if first <= s.storeFirst {
		return
	}
	s.storeFirst = first
	for _, p := range s.pages {
		for psid, th := range p.threads {
			if next := p.trimThread(th, first); len(next) != len(th) {
				p.threads[psid] = next
			}
		}
	}
}

// trimThread returns th without the messages journalled before first,
// keeping those the rules need. A message not journalled yet (Seq 0) is
// new and stays.
func (p *pageState) trimThread(th []*Message, first uint64) []*Message {
	cut := 0
	for cut < len(th) && th[cut].Seq != 0 && th[cut].Seq < first {
		cut++
	}
	if cut == 0 {
		return th
	}
	lastPage, otn := -1, -1
	for i := len(th) - 1; i >= 0 && (lastPage < 0 || otn < 0); i-- {
		if !th[i].FromPage {
			continue
		}
		if lastPage < 0 {
			lastPage = i
		}
		if otn < 0 && isOTNRequest(th[i].Body) {
			otn = i
		}
	}
	out := make([]*Message, 0, len(th)-cut+2)
	for i, m := range th[:cut] {
		if i == otn || i >= lastPage && lastPage >= 0 {
			out = append(out, m)
			continue
		}
		delete(p.mids, m.MID)
		delete(p.reactions, m.MID)
		delete(p.edits, m.MID)
	}
	return append(out, th[cut:]...)
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
