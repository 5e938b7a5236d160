package journal

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Retention bounds what the emulator remembers: the journal forgets its
// oldest events once any bound is passed, and the conversation store lets
// a message go with the journal event that carried it (each thread keeps
// what the platform's rules still need, however old: the window times,
// the bot's last message and its quick replies, the last one-time
// notification request, unused tokens, the handover state). Readers are
// told what is gone: a *TrimmedError (410 over HTTP) for a journal
// position, Conversation.Complete false for a thread. The zero Retention
// keeps everything.
type Retention struct {
	// Events keeps at most this many journal events (0: no bound).
	Events int
	// Bytes keeps at most about this many bytes of encoded journal
	// events (0: no bound); the store it carries costs about half as
	// much again (a text send: about 280 B of events, 150 B stored).
	Bytes int
	// Age keeps the events of this span of the virtual clock before the
	// newest (0: no bound).
	Age time.Duration
}

// DefaultServeRetention is what `messemu serve` keeps unless told: about
// 110,000 text sends with their receipts (a developer's working day
// many times over), the process staying well under 300 MB however long it
// runs, with room for the collector to run seldom under load.
var DefaultServeRetention = Retention{Bytes: 32 << 20}

func (r Retention) bounded() bool { return r.Events > 0 || r.Bytes > 0 || r.Age > 0 }

// String writes r as ParseRetention reads it.
func (r Retention) String() string {
	if !r.bounded() {
		return "unlimited"
	}
	var parts []string
	if r.Events > 0 {
		parts = append(parts, strconv.Itoa(r.Events))
	}
	if r.Bytes > 0 {
		switch {
		case r.Bytes%(1<<30) == 0:
			parts = append(parts, strconv.Itoa(r.Bytes>>30)+"GB")
		case r.Bytes%(1<<20) == 0:
			parts = append(parts, strconv.Itoa(r.Bytes>>20)+"MB")
		default:
			parts = append(parts, strconv.Itoa(r.Bytes)+"B")
		}
	}
	if r.Age > 0 {
		parts = append(parts, r.Age.String())
	}
	return strings.Join(parts, ",")
}

// ParseRetention reads a retention: "unlimited" (or "0"), or bounds
// joined by commas, each a number of events ("500000"), a size ("200MB",
// "1GB", "64KB", "4096B"; units of 1024) or an age on the virtual clock
// ("24h", "90m").
func ParseRetention(text string) (Retention, error) {
	var r Retention
	text = strings.TrimSpace(text)
	if text == "" || text == "0" || strings.EqualFold(text, "unlimited") {
		return r, nil
	}
	for _, part := range strings.Split(text, ",") {
		part = strings.TrimSpace(part)
		upper := strings.ToUpper(part)
		switch {
		case part == "":
			return Retention{}, fmt.Errorf("retention %q: an empty bound", text)
		case strings.HasSuffix(upper, "B"):
			n, err := parseSize(upper)
			if err != nil {
				return Retention{}, fmt.Errorf("retention %q: %w", text, err)
			}
			r.Bytes = n
		case strings.IndexFunc(part, func(c rune) bool { return c < '0' || c > '9' }) < 0:
			n, err := strconv.Atoi(part)
			if err != nil || n <= 0 {
				return Retention{}, fmt.Errorf("retention %q: %q is no number of events", text, part)
			}
			r.Events = n
		default:
			d, err := time.ParseDuration(part)
			if err != nil || d <= 0 {
				return Retention{}, fmt.Errorf("retention %q: %q is no number of events, size (MB, GB) or age (24h)", text, part)
			}
			r.Age = d
		}
	}
	return r, nil
}

func parseSize(s string) (int, error) {
	units := []struct {
		suffix string
		shift  uint
	}{{"GB", 30}, {"MB", 20}, {"KB", 10}, {"B", 0}}
	for _, u := range units {
		if num, ok := strings.CutSuffix(s, u.suffix); ok {
			n, err := strconv.Atoi(strings.TrimSpace(num))
			if err != nil || n <= 0 || n > 1<<(62-u.shift) {
				return 0, fmt.Errorf("%q is no size", s)
			}
			return n << u.shift, nil
		}
	}
	return 0, fmt.Errorf("%q is no size", s)
}

// trimLocked forgets the oldest events beyond the retention, in batches so
// that a full journal costs O(1) per append; a pinned reader behind (the
// webhook dispatcher) holds its events until it moves on. now is the
// newest event's time.
func (j *Journal) trimLocked(now time.Time) {
	drop := j.excessLocked(now, true)
	if drop == 0 {
		return
	}
	for _, seq := range j.pins {
		drop = min(drop, int(max(seq+1, j.first)-j.first))
	}
	if drop == 0 {
		return
	}
	j.first += uint64(drop)
	j.events.trim(drop)
	j.oldest.Store(j.first)
}

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

// excessLocked is how many of the oldest events the retention lets go,
// pins aside; now is the newest event's time. In batches (trimming), a
// bound counts once it is passed by a quarter and the age is looked at
// every 256 events; otherwise every event beyond a bound counts.
func (j *Journal) excessLocked(now time.Time, batches bool) int {
	n := j.len()
	drop := 0
	events, bytes := j.keep.Events, j.keep.Bytes
	if batches {
		events, bytes = events+max(events/4, 1), bytes+bytes/4
	} else {
		events, bytes = events+1, bytes+1
	}
	if k := j.keep.Events; k > 0 && n >= events {
		drop = n - k
	}
	if b := j.keep.Bytes; b > 0 && j.events.bytes >= bytes {
		drop = max(drop, j.events.dropForBytes(b))
	}
	if a := j.keep.Age; a > 0 && (!batches || j.next%256 == 0) {
		cut := now.Add(-a)
		drop = max(drop, sort.Search(n, func(i int) bool { return !j.events.timeAt(i).Before(cut) }))
	}
	return drop
}

// dropForBytes is how many of the oldest events go so that at most limit
// bytes stay: whole blocks, oldest first.
func (b *eventBlocks) dropForBytes(limit int) int {
	held := b.bytes
	keepFrom := b.firstBlock
	for i := 0; i < len(b.blocks)-1 && held > limit; i++ {
		held -= len(b.blocks[i])
		keepFrom++
	}
	return sort.Search(len(b.locs), func(i int) bool { return uint32(b.locs[i]>>32) >= keepFrom })
}

// timeAt decodes only the time of the event at index i.
func (b *eventBlocks) timeAt(i int) time.Time {
	loc := b.locs[i]
	d := decoder{blk: b.blocks[uint32(loc>>32)-b.firstBlock], at: int(uint32(loc)), locations: b.locations}
	d.head()
	return d.time(time.Time{})
}
