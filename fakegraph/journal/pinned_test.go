package journal

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Kept is the oldest event the retention alone would keep: a pin behind
// it holds the rest, and an unbounded journal keeps everything.
func TestKeptIgnoresPins(t *testing.T) {
	t.Parallel()
	j := NewJournal(4)
	p := j.Pin(0)
	defer p.Release()
	for range 20 {
		j.Append(Event{Kind: KindControl})
	}
	require.Equal(t, uint64(1), j.First(), "the pin holds every event")
	require.Equal(t, uint64(17), j.Kept(), "the newest 4 are what the retention keeps")
	p.Move(20)
	j.Append(Event{Kind: KindControl})
	require.Equal(t, uint64(18), j.Kept())
	require.Equal(t, j.First(), j.Kept())

	at := time.Date(2026, 1, 2, 3, 0, 0, 0, time.UTC)
	aged := NewRetainingJournal(Retention{Age: time.Hour})
	q := aged.Pin(0)
	defer q.Release()
	for i := range 5 {
		aged.Append(Event{Kind: KindControl, Time: at.Add(time.Duration(i) * 30 * time.Minute)})
	}
	require.Equal(t, uint64(3), aged.Kept(), "the hour before the newest event (5:00) starts with seq 3 (4:00)")

	all := NewJournal(0)
	all.Append(Event{Kind: KindControl})
	require.Equal(t, uint64(1), all.Kept())
}
