package journal

// Kept is the sequence number of the oldest event the journal's retention
// alone keeps: a pinned reader behind it holds older events in the journal
// only through its pin (an unbounded journal keeps them all: Kept is then
// the oldest event kept). The webhook dispatcher bounds how far its pin may
// hold the journal past its retention with it.
func (j *Journal) Kept() uint64 {
	j.mu.RLock()
	defer j.mu.RUnlock()
	n := j.len()
	if !j.keep.bounded() || n == 0 {
		return j.first
	}
	return j.first + uint64(j.excessLocked(j.events.timeAt(n-1), false))
}
