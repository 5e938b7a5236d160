package webui_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/messemu/messemu/fakegraph"
)

// A message, the virtual clock a day on, another: each sits under its
// day, and times of another day than the clock's say their date.
func TestTimesSayTheirDayOnceTheClockMoves(t *testing.T) {
	e := startEmulator(t, false)
	_, err := e.srv.UserSends(fakegraph.DefaultPageID, alice, fakegraph.UserMessageRequest{Text: "before"})
	require.NoError(t, err)
	b := openBrowser(t, e)
	b.open("/")
	b.waitFor("the first message", `document.getElementById('messages').textContent.includes('before')`, 5*time.Second)
	ev, ok := e.srv.Journal().Get(1)
	require.True(t, ok)
	firstDay := ev.Time.UTC()

	_, err = e.srv.AdvanceClock(25 * time.Hour)
	require.NoError(t, err)
	_, err = e.srv.UserSends(fakegraph.DefaultPageID, alice, fakegraph.UserMessageRequest{Text: "after"})
	require.NoError(t, err)
	b.waitFor("the second message", `document.getElementById('messages').textContent.includes('after')`, 5*time.Second)

	days := eval[[]string](b, `[...document.querySelectorAll('#messages .day time')].map(n => n.getAttribute('datetime'))`)
	assert.Equal(t, []string{firstDay.Format(time.DateOnly), firstDay.Add(25 * time.Hour).Format(time.DateOnly)}, days, "a separator for each day")
	order := eval[string](b, `[...document.querySelectorAll('#messages .day, #messages .row')].map(n => n.classList.contains('day') ? 'day' : n.querySelector('.bubble').textContent).join()`)
	assert.Equal(t, "day,before,day,after", order)
	assert.Contains(t, eval[string](b, `document.querySelector('#messages .day').textContent`), "(UTC)")

	// The inspector's older rows now say their date.
	b.waitFor("the first event's time with its date", `document.querySelector('#events li.ev time').textContent === '`+firstDay.Format("01-02 15:04")+`'`, 5*time.Second)
	assert.Empty(t, b.consoleErrors())
}
