package fakegraph

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// RequestAndTraceID draws what RequestID and then HeaderTraceID draw.
func TestRequestAndTraceIDDrawsAsTheTwo(t *testing.T) {
	t.Parallel()
	a, b := NewIDSource(7), NewIDSource(7)
	for range 3 {
		req, trace := a.RequestAndTraceID()
		assert.Equal(t, b.RequestID(), req)
		assert.Equal(t, b.HeaderTraceID(), trace)
		assert.Len(t, trace, 11)
	}
}
