package main

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type lockedBuffer struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	writes int
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.writes++
	return l.buf.Write(p)
}

func (l *lockedBuffer) state() (string, int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String(), l.writes
}

// TestLineBatcher: lines arrive in order, within the flush delay, in far
// fewer writes than lines; a full batch goes at once; Close writes the rest.
func TestLineBatcher(t *testing.T) {
	t.Parallel()
	out := &lockedBuffer{}
	b := newLineBatcher(out, 20*time.Millisecond)
	var want strings.Builder
	for i := range 1000 {
		line := strings.Repeat("x", i%7) + " line\n"
		want.WriteString(line)
		_, err := b.Write([]byte(line))
		require.NoError(t, err)
	}
	require.Eventually(t, func() bool { s, _ := out.state(); return s == want.String() }, 2*time.Second, 5*time.Millisecond,
		"every line arrives, in order, without a flush by hand")
	_, writes := out.state()
	assert.Less(t, writes, 10, "1000 lines in a few writes")

	big := strings.Repeat("y", maxBatch) + "\n"
	_, _ = b.Write([]byte(big))
	s, _ := out.state()
	assert.True(t, strings.HasSuffix(s, big), "a full batch is written at once")

	_, _ = b.Write([]byte("last\n"))
	b.Close()
	s, _ = out.state()
	assert.True(t, strings.HasSuffix(s, "last\n"), "Close writes what waits")
}
