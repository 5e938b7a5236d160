package fakegraph

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTreeMapsGiveBackSmallObjects: a decoded body notes its objects of at
// most eight members; giving them back empties them for the next body,
// which is decoded into them; a larger object is left to the collector.
func TestTreeMapsGiveBackSmallObjects(t *testing.T) {
	t.Parallel()
	wide := `{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7,"h":8,"i":9}`
	obj, _, maps, ok := decodeBody([]byte(`{"recipient":{"id":"1"},"message":{"text":"hi","quick_replies":[{},` + wide + `]}}`))
	require.True(t, ok)
	require.NotNil(t, maps)
	assert.Len(t, maps.kept, 4, "the body, recipient, message and the empty object; not the nine-member one")
	msg := obj["message"].(map[string]any)
	replies := msg["quick_replies"].([]any)
	maps.free = maps.free[:0] // as a set fresh from its pool
	maps.release(true)
	assert.Empty(t, obj, "the body's map is emptied")
	assert.Empty(t, msg, "the message's map is emptied")
	assert.Len(t, replies[1], 9, "the nine-member object is not taken back")
	assert.Len(t, maps.free, 4)
	assert.Empty(t, maps.kept)

	// The next body is decoded into the maps given back.
	before := append([]map[string]any(nil), maps.free...)
	obj2, ok := decodeWith(`{"a":{"b":{}}}`, nil, maps)
	require.True(t, ok)
	assert.Len(t, maps.free, 1, "three of the four maps taken")
	assert.Equal(t, map[string]any{"a": map[string]any{"b": map[string]any{}}}, obj2)
	reused := 0
	for _, m := range before {
		if len(m) > 0 {
			reused++
		}
	}
	assert.Equal(t, 2, reused, "the body and its member a are maps given back (b is empty)")
}

// TestTreeMapsFreeListIsBounded: a body of many objects gives back no
// more than maxFreeMaps for the next.
func TestTreeMapsFreeListIsBounded(t *testing.T) {
	t.Parallel()
	body := `{"a":[` + strings.TrimSuffix(strings.Repeat(`{"x":1},`, 2*maxFreeMaps), ",") + `]}`
	_, _, maps, ok := decodeBody([]byte(body))
	require.True(t, ok)
	maps.free = maps.free[:0]
	maps.release(true)
	assert.Len(t, maps.free, maxFreeMaps)
}

// TestOnlySendsGiveBackTheirTree: a send's tree is emptied once it is
// answered; another request's, which may keep part of it, is not.
func TestOnlySendsGiveBackTheirTree(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		op    string
		files []File
		given bool
	}{
		{"sendMessage", nil, true},
		{"sendMessage", []File{{Field: "filedata"}}, false},
		{"setMessengerProfile", nil, false},
	} {
		obj, _, maps, ok := decodeBody([]byte(`{"recipient":{"id":"1"},"message":{"text":"hi"}}`))
		require.True(t, ok)
		msg := obj["message"].(map[string]any)
		c := &call{route: &route{op: tc.op}, params: obj, files: tc.files}
		c.decoded.maps = maps
		c.releaseTree()
		assert.Nil(t, c.decoded.maps, tc.op)
		if tc.given {
			assert.Empty(t, msg, "%s gives its maps back", tc.op)
		} else {
			assert.Equal(t, "hi", msg["text"], "%s (%d files) keeps its tree", tc.op, len(tc.files))
		}
	}
}
