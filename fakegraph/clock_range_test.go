package fakegraph

import (
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestClockRefusesOverflowAndMovesBack(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name  string
		clock *Clock
	}{{"running", NewClock(start)}, {"frozen", NewFrozenClock(start)}} {
		t.Run(c.name, func(t *testing.T) {
			clk := c.clock
			_, err := clk.TryAdvance(-time.Second)
			require.Error(t, err, "backwards")
			_, err = clk.TrySet(start.Add(-time.Hour))
			require.Error(t, err, "set backwards")

			// The largest duration, twice: the second would overflow a
			// running clock's offset (and pass year 9999 on any clock).
			first, err := clk.TryAdvance(math.MaxInt64)
			require.NoError(t, err)
			assert.True(t, first.After(start.Add(290*365*24*time.Hour)), "the first advance moved ~292 years: %v", first)
			for i := 0; i < 40; i++ {
				if _, err = clk.TryAdvance(math.MaxInt64); err != nil {
					break
				}
			}
			require.Error(t, err, "the clock ran past its range")
			after := clk.Now()
			assert.False(t, after.Before(first), "the clock went back before %v: %v", first, after)
			assert.False(t, after.After(maxClockTime), "past year 9999: %v", after)

			// Advance keeps its signature and refuses the same way.
			assert.False(t, clk.Advance(math.MaxInt64).Before(after))
			assert.False(t, clk.Advance(-time.Hour).Before(after))
		})
	}
}

func TestControlClockAdvanceRefusesOverflow(t *testing.T) {
	t.Parallel()
	s := New(WithClock(NewFrozenClock(time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC))))
	advance := func(body string) (int, string) {
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/_messemu/v1/clock/advance", strings.NewReader(body)))
		return rec.Code, rec.Body.String()
	}
	const huge = `{"duration":"2562047h"}` // just under time.Duration's maximum
	var code int
	var body string
	var good time.Time
	for i := 0; i < 40; i++ {
		good = s.Clock().Now()
		if code, body = advance(huge); code != 200 {
			break
		}
	}
	assert.Equal(t, 400, code, body)
	assert.Contains(t, body, "past 9999-12-31")
	assert.Equal(t, good, s.Clock().Now(), "a refused advance leaves the clock at its last good time")
	code, body = advance(`{"to":"2026-01-01T00:00:00Z"}`)
	assert.Equal(t, 400, code, body)
	assert.Contains(t, body, "only moves forward")
	events := s.Journal().After(0, 100)
	require.NotEmpty(t, events)
	last := events[len(events)-1]
	assert.False(t, last.Time.After(maxClockTime), "journalled time %v", last.Time)
}
