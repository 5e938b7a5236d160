package fakegraph

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestAppendJSONTreeMatchesMarshal: the stored message is written byte
// for byte as json.Marshal writes the same decoded value.
func TestAppendJSONTreeMatchesMarshal(t *testing.T) {
	docs := []string{
		`{"text":"hello"}`,
		`{"text":"<b>\"q\" & \\ é 👋 \u2028 \u0001</b>","metadata":"m","quick_replies":[{"content_type":"text","title":"A","payload":"A"},{"content_type":"user_email"}]}`,
		`{"attachment":{"type":"template","payload":{"template_type":"receipt","summary":{"total_cost":56.14,"subtotal":-1e3,"shipping":0,"tax":1.5E+2},"elements":[{"quantity":2,"price":0.5}],"zz":null,"aa":true,"b":false}}}`,
		`{"z":{},"a":[],"m":[[1,[2,{"k":"v"}]],{}],"": "empty key","ключ":"non-ascii key"}`,
		`{"n":12345678901234567890123,"f":-0.0,"e":1e-7}`,
	}
	for _, doc := range docs {
		dec := json.NewDecoder(bytes.NewReader([]byte(doc)))
		dec.UseNumber()
		var v any
		require.NoError(t, dec.Decode(&v), doc)
		want, err := json.Marshal(v)
		require.NoError(t, err)
		got, err := appendJSONTree(nil, v)
		require.NoError(t, err)
		require.Equal(t, string(want), string(got), doc)
	}
	// What the validator writes back: float64 amounts, []string lists.
	v := map[string]any{"amount": 29.95, "tiny": 1e-9, "big": 1e21, "list": []string{"a", "<b>"}, "n": json.Number("007")}
	want, err := json.Marshal(map[string]any{"amount": 29.95, "tiny": 1e-9, "big": 1e21, "list": []string{"a", "<b>"}})
	require.NoError(t, err)
	delete(v, "n")
	got, err := appendJSONTree(nil, v)
	require.NoError(t, err)
	require.Equal(t, string(want), string(got))

	// What json.Marshal refuses is refused too.
	_, err = appendJSONTree(nil, map[string]any{"n": json.Number("007")})
	require.Error(t, err)
	_, err = appendJSONTree(nil, []any{math.NaN()})
	require.Error(t, err)
}
