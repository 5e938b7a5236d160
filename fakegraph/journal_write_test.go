package fakegraph

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReceiptDetailIsMarshalled: the receipts' Detail, written by hand on
// the hot path, is byte for byte what json.Marshal makes of it.
func TestReceiptDetailIsMarshalled(t *testing.T) {
	t.Parallel()
	s := New()
	_, err := s.UserSends(DefaultPageID, alice, UserMessageRequest{Text: "hi"})
	require.NoError(t, err)
	sendOK(t, s, textSend)
	receipts := s.Journal().Find(0, func(e *Event) bool { return e.Kind == KindReceipt })
	require.Len(t, receipts, 2)
	for _, e := range receipts {
		d, err := e.DecodeDetail()
		require.NoError(t, err)
		rd, ok := d.(ReceiptDetail)
		require.True(t, ok, "%T", d)
		want, err := json.Marshal(rd)
		require.NoError(t, err)
		assert.JSONEq(t, string(want), string(e.Detail))
		assert.Equal(t, string(want), string(e.Detail), "byte for byte")
		require.NotNil(t, e.Thread)
	}
}

// TestSendResponseJSON: the send's answer, written without reflection, is
// what json.Marshal makes of it, escapes included.
func TestSendResponseJSON(t *testing.T) {
	t.Parallel()
	for _, r := range []SendResponse{
		{RecipientID: alice, MessageID: "m_abc-_09"},
		{MessageID: "m_x"},
		{RecipientID: "<a&b>\"\\\n é", MessageID: "m_y", AttachmentID: "1234"},
	} {
		want, err := json.Marshal(r)
		require.NoError(t, err)
		assert.Equal(t, string(want), string(r.appendJSON(nil)))
	}
}
