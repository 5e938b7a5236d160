package fakegraph

// followRetentionLocked lets the stored messages go whose journal events
// the journal's retention forgot, so the store is bounded with the
// journal. Each thread keeps what the platform's rules still read however
// old: the bot's last message and what came after it (its quick replies
// are tapped from it, PLATFORM.md §2.5), and the bot's newest one-time
// notification request (a user's opt-in answers it). Window times, tokens,
// handover state and labels live outside the messages and stay. s.mu must
// be held for writing.
//
// The stored messages are queued in the order they came (store_blocks.go),
// so following the journal costs the messages it lets go, not a walk over
// every thread (a send used to pay for the whole store). A send lets go of
// followBudget of them at most: the journal trims in batches (a quarter of
// its bound), and following a batch at once held one send, and every send
// queued behind s.mu, for 10 to 15 ms under the default retention (an
// execution trace of a fixed-rate load showed it). The messages it has not
// reached yet go at the next sends; a reader that shows a thread catches up
// first (catchUpRetentionLocked).
func (s *Server) followRetentionLocked() { s.followRetention(followBudget) }

// catchUpRetentionLocked is followRetentionLocked with no budget, for a
// reader that must not show a message its journal event outlived.
func (s *Server) catchUpRetentionLocked() { s.followRetention(0) }

// followBudget is the work one send may do following the journal: a
// message let go or a queue entry passed counts one. Following a batch of
// 33,000 messages took 8.9 ms in all; at 128 a send it took 264 sends,
// 34 µs each on average and 0.14 ms at most, where there are thousands of
// sends between two batches.
const followBudget = 128

func (s *Server) followRetention(budget int) {
	first := s.journal.First()
	if first <= s.storeFirst {
		return
	}
	if s.msgs.follow(first, budget) {
		s.storeFirst = first
	}
}

// follow takes the queue's entries off while their messages were
// journalled before first: a message its thread still needs is written
// again at the end, the others go. Entries queued by this pass wait for
// the next. budget bounds the work (0: none); follow reports whether it
// reached the messages the journal still holds.
func (st *messageStore) follow(first uint64, budget int) bool {
	end := st.qbase + uint64(len(st.queue))
	work := 0
	for st.qbase < end {
		if budget > 0 && work >= budget {
			return false
		}
		work++
		slot := st.queue[0]
		if rec := &st.recs[slot]; rec.tf != 0 && rec.qpos == uint32(st.qbase) {
			if rec.seq == 0 && len(st.queue) < maxUnjournalled {
				break // not journalled yet: new, and what follows is newer
			}
			if rec.seq >= first {
				break
			}
			if th := st.threadOf(slot); th.trimmedFor != first {
				limit := 0
				if budget > 0 {
					limit = max(budget-work, 1)
				}
				dropped, done := th.trim(st, first, limit)
				work += dropped
				if !done && budget > 0 {
					return false // this entry again, at the next send
				}
				th.trimmedFor = first // a second trim for the same first finds nothing more
			}
			if st.recs[slot].tf != 0 {
				st.rewrite(slot) // kept: it holds no old block
			}
		}
		st.pop()
	}
	return true
}

// maxUnjournalled: a message whose journal event never came (its event
// failed to encode) stops the queue only while it is among the newest.
const maxUnjournalled = 4096

// storeMessageLocked stores m in its thread and queues it for the
// retention; otn says m is the bot's one-time notification request.
// s.mu must be held for writing.
func (s *Server) storeMessageLocked(p *pageState, m *Message, otn bool) storedRef {
	ref := p.store.add(p, m, otn)
	p.handover.noteMessage(m) // handover.go: the owner's tenure
	return ref
}

// trim lets th's messages journalled before first go, from the oldest,
// keeping those the rules need: the cost is the messages let go, at most
// limit of them (0: no limit). It reports how many went and whether it
// reached the last that first lets go. The bot's newest message stays, and
// so does its newest one-time notification request, and a message not
// journalled yet (seq 0).
// Concurrent sends reach the store and the journal in different orders,
// so a message journalled later can come before one journalled earlier:
// the trim looks past up to maxPassed messages it keeps.
func (th *thread) trim(st *messageStore, first uint64, limit int) (dropped int, done bool) {
	end, passed := 0, 0
	done = true
	for ; end < len(th.slots); end++ {
		if !th.droppable(st, end, first) {
			if passed == maxPassed {
				break
			}
			passed++
		} else if limit > 0 && dropped == limit {
			done = false
			break
		} else {
			dropped++
		}
	}
	// The kept ones of slots[:end] move to its end, in order.
	w, lastPage := end, th.lastPage
	for i := end - 1; i >= 0; i-- {
		if slot := th.slots[i]; th.droppable(st, i, first) {
			st.drop(th.page, slot)
		} else {
			w--
			th.slots[w] = slot
			if i == th.lastPage {
				lastPage = w
			}
		}
	}
	th.slots = th.slots[w:]
	if th.lastPage >= 0 {
		th.lastPage = lastPage - w
	}
	return dropped, done
}

// maxPassed bounds how many kept messages a trim looks past.
const maxPassed = 64

// droppable reports the message at index i of th the retention may let
// go: journalled before first, and neither the bot's newest message nor
// its newest one-time notification request.
func (th *thread) droppable(st *messageStore, i int, first uint64) bool {
	slot := th.slots[i]
	seq := st.recs[slot].seq
	return seq != 0 && seq < first && i != th.lastPage && slot+1 != th.lastOTN
}
