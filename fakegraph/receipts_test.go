package fakegraph

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/messemu/messemu/fakegraph/journal"
)

// The echo and delivery items of a send are written by hand on the hot
// path; they must be byte for byte what json.Marshal writes for the same
// MessagingEvent, which is what the webhook golden files pin.
func TestReceiptItemsMatchMarshal(t *testing.T) {
	s := New()
	at := time.Date(2026, 12, 6, 3, 4, 5, 678_000_000, time.UTC)
	req := &Event{PageID: DefaultPageID, PSID: "5275811702471834", MID: "m_AbC-12_x", Time: at}
	messages := []string{
		`{"text":"hello"}`,
		`{"text":"héllo wörld 👋"}`,
		`{"text":"<b>\"quoted\" & \\ back</b>\nline\ttab"}`,
		`{"text":"sep\u2028line\u2029"}`,
		`{"text":"hi","metadata":"from <bot>"}`,
		`{"metadata":"only metadata","text":""}`,
		`{"text":"hi","quick_replies":[{"content_type":"text","title":"A","payload":"A"}]}`,
		`{"text":null}`,
		`{"text":12}`,
		`{"attachment":{"type":"image","payload":{"url":"https://example.com/a.png","is_reusable":true}}}`,
		`{"attachment":{"type":"image","payload":{"url":"https://example.com/a.png","is_reusable":true,"n":1.50}}}`,
		`{"attachment":{"type":"template","payload":{"template_type":"generic","elements":[{"title":"<T>","subtitle":"é","buttons":[{"type":"postback","title":"B","payload":"is_reusable"}]}]}}}`,
		`{"attachment":{"type":"file","payload":null},"metadata":"m"}`,
		`{"attachment":{"type":"file"}}`,
		`{"attachment":{"type":"file","payload":"text"}}`,
		`{"attachment":null,"text":"t"}`,
		`{"attachments":[{"type":"image","payload":{"attachment_id":"1"}},{"type":"video","payload":{"url":"u","is_reusable":false}}]}`,
		`{"attachment":{"type":"audio","payload":{"url":"a"}},"attachments":[{"type":"image","payload":{"url":"i"}}]}`,
		`{"attachments":[]}`,
		`{"attachments":{"type":"image"}}`,
		`{"attachments":[1]}`,
		`{"attachment":{"type":7,"payload":{}}}`,
		`{"attachment":"x","text":"t"}`,
	}
	// Saved assets named by attachment_id, given as their URLs.
	urls := assetURLs{"1": "https://example.com/saved.png", "2": "http://127.0.0.1:8765/_messemu/v1/attachments/2?page_id=1"}
	messages = append(messages,
		`{"attachment":{"type":"image","payload":{"attachment_id":"2"}}}`,
		`{"attachment":{"type":"image","payload":{"attachment_id":"2","is_reusable":true}},"metadata":"m"}`,
		`{"attachment":{"type":"image","payload":{"attachment_id":"3"}}}`,
		`{"attachment":{"type":"image","payload":{"attachment_id":3}}}`)
	for _, raw := range messages {
		msg, ok := decodeObject([]byte(raw)) // as the server decodes a body
		require.True(t, ok, raw)
		body, err := json.Marshal(msg) // the message as send() stores it
		require.NoError(t, err)
		for _, urls := range []assetURLs{nil, urls} {
			want, err := json.Marshal(&MessagingEvent{Sender: &Party{ID: req.PageID}, Recipient: Party{ID: req.PSID},
				Timestamp: millis(at), Message: echoMessage(req.MID, s.opts.appID, body, urls)})
			require.NoError(t, err)
			require.Equal(t, string(want), string(s.appendEchoItem(nil, req, body, msg, urls)), raw)
		}
	}

	del := userEvent(req.PageID, req.PSID, at)
	del.Delivery = &Delivery{MIDs: []string{req.MID}, Watermark: millis(at)}
	want, err := json.Marshal(del)
	require.NoError(t, err)
	require.Equal(t, string(want), string(appendDeliveryItem([]byte("x"), req)[1:]))
}

// TestEchoKeepsAttachmentPayloads: an echo carries each attachment's
// payload as the stored message has it, without is_reusable.
func TestEchoKeepsAttachmentPayloads(t *testing.T) {
	cases := map[string]string{
		`{"attachment":{"type":"template","payload":{"template_type":"generic","elements":[{"title":"T","buttons":[{"type":"postback","title":"B","payload":"P"}]}]}}}`: `{"mid":"m_1","is_echo":true,"app_id":7,"attachments":[{"type":"template","payload":{"elements":[{"buttons":[{"payload":"P","title":"B","type":"postback"}],"title":"T"}],"template_type":"generic"}}]}`,
		`{"attachment":{"type":"image","payload":{"url":"https://example.com/a.png","is_reusable":true}}}`:                                                              `{"mid":"m_1","is_echo":true,"app_id":7,"attachments":[{"type":"image","payload":{"url":"https://example.com/a.png"}}]}`,
		`{"text":"hi","metadata":"m"}`:                  `{"mid":"m_1","is_echo":true,"app_id":7,"metadata":"m","text":"hi"}`,
		`{"attachment":{"type":"file","payload":null}}`: `{"mid":"m_1","is_echo":true,"app_id":7,"attachments":[{"type":"file","payload":null}]}`,
	}
	for in, want := range cases {
		var msg any
		require.NoError(t, json.Unmarshal([]byte(in), &msg))
		body, err := json.Marshal(msg)
		require.NoError(t, err)
		got, err := json.Marshal(echoMessage("m_1", "7", body, nil))
		require.NoError(t, err)
		require.JSONEq(t, want, string(got), in)
		require.Equal(t, want, string(got), in)
	}
}

// storedEchoParts decodes raw, a message, and gives what the echo is
// written from: the message, its stored body and its attachments.
func storedEchoParts(t *testing.T, raw string) (map[string]any, []byte, []echoPart) {
	t.Helper()
	msg, ok := decodeObject([]byte(raw))
	require.True(t, ok, raw)
	body, err := appendJSONTree(nil, msg)
	require.NoError(t, err)
	atts, ok := echoAttachments(msg, nil)
	require.True(t, ok, raw)
	return msg, body, atts
}

// The echo of a one-attachment message copies the payload's bytes from
// the stored body rather than writing the tree again; storedPayload must
// find exactly what appendJSONTree writes for it.
func TestEchoCopiesTheStoredPayload(t *testing.T) {
	for _, raw := range []string{
		`{"attachment":{"type":"template","payload":{"template_type":"generic","elements":[{"title":"a \"}\" b","buttons":[{"type":"postback","title":"]","payload":"{["}]}]}}}`,
		`{"attachment":{"type":"template","payload":{"template_type":"button","text":"\\","buttons":[]}},"quick_replies":[{"content_type":"text","title":"x","payload":"y"}]}`,
		`{"attachment":{"payload":{"url":"https://example.com/a.png"},"type":"image"},"metadata":"m"}`,
	} {
		msg, body, atts := storedEchoParts(t, raw)
		want, err := appendJSONTree(nil, msg["attachment"].(map[string]any)["payload"])
		require.NoError(t, err)
		require.Equal(t, string(want), string(storedPayload(body, atts)), raw)
	}
	// A payload with is_reusable is cut, so it is not copied.
	msg, _ := decodeObject([]byte(`{"attachment":{"type":"image","payload":{"url":"u","is_reusable":true}}}`))
	body, _ := appendJSONTree(nil, msg)
	atts, _ := echoAttachments(msg, nil)
	require.Nil(t, storedPayload(body, atts))
}

func TestSkipJSONValue(t *testing.T) {
	cases := map[string]int{
		`{"a":"}"},`: 9, `["]",{"x":[1]}]x`: 15, `"a\"b",`: 6, `12,`: 2, `true}`: 4, `{"a":1`: -1, `"abc`: -1, `"ab\`: -1, `[[]]`: 4,
	}
	for in, want := range cases {
		require.Equal(t, want, skipJSONValue([]byte(in), 0), in)
	}
}

// messagePayload finds what storedPayload finds, at once for a message of
// one attachment and nothing else.
func TestMessagePayloadIsStoredPayload(t *testing.T) {
	el := `{"title":"T","subtitle":"S \"}\" ,\"type\":","buttons":[{"type":"postback","title":"]","payload":"{["}]}`
	for _, raw := range []string{
		`{"attachment":{"type":"template","payload":{"template_type":"generic","elements":[` + el + `,` + el + `]}}}`,
		`{"attachment":{"type":"template","payload":{"template_type":"button","text":"\\","buttons":[]}},"quick_replies":[{"content_type":"text","title":"x","payload":"y"}]}`,
		`{"attachment":{"payload":{"url":"https://example.com/a.png"},"type":"image"},"metadata":"m"}`,
		`{"attachment":{"payload":{"url":"https://example.com/a.png"},"type":"ima\"ge<>"}}`,
		`{"attachment":{"payload":{"url":"u","is_reusable":true},"type":"image"}}`,
		`{"attachment":{"payload":{},"type":"image"}}`,
		`{"attachment":{"payload":null,"type":"image"}}`,
		`{"attachment":{"payload":"text","type":"image"}}`,
		`{"attachment":{"payload":{"a":1},"type":"image","extra":{"type":"image"}}}`,
	} {
		msg, body, atts := storedEchoParts(t, raw)
		want := storedPayload(body, atts)
		got := messagePayload(body, msg, atts)
		require.Equal(t, want == nil, got == nil, raw)
		require.Equal(t, string(want), string(got), raw)
	}
}

// The emulator's delivery writer and the journal's, which a delivery
// with plain ids takes, write the same Detail: a field added to one and
// not the other fails here rather than changing what the journal keeps.
func TestDeliveryWritersAgree(t *testing.T) {
	t.Parallel()
	for _, req := range []Event{
		{Seq: 7, Time: time.UnixMilli(1764979200123), PageID: DefaultPageID, PSID: alice, MID: "m_AbC-d_E"},
		{Seq: 1 << 40, Time: time.Date(2026, 12, 6, 9, 0, 0, 0, time.FixedZone("x", 3600)), PageID: "1", PSID: "2", MID: "m_1"},
	} {
		require.True(t, plainID(req.PageID) && plainID(req.PSID) && plainID(req.MID))
		emulator := append(appendDeliveryItem(receiptHead(nil, &req, FieldDeliveries), &req), '}')
		assert.Equal(t, string(emulator), string(journal.AppendDeliveryDetail(nil, &req, req.Seq)))
	}
	assert.False(t, plainID(`a"b`) || plainID("") || plainID("é"), "ids that JSON escapes, or none")
}
