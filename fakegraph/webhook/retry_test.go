package webhook

import (
	"strings"
	"testing"
	"time"
)

func TestRetryLadder(t *testing.T) {
	t.Parallel()
	var at time.Duration
	var got []string
	for step := 0; step < 7; step++ {
		at += retryDelay(step)
		got = append(got, at.String())
	}
	want := "1m0s 3m0s 8m0s 18m0s 28m0s 38m0s 48m0s"
	if strings.Join(got, " ") != want {
		t.Errorf("delayed retries at %v, want %s", got, want)
	}
}
