package fakegraph

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// messageFromTape decodes body as a request body and reports the message
// the decoder wrote from it (nil for none) and the tree's.
func messageFromTape(t *testing.T, body string) (fromBody, fromTree []byte, ok bool) {
	t.Helper()
	obj, message, _, ok := decodeBody([]byte(body))
	if !ok {
		return nil, nil, false
	}
	if msg, isObject := obj["message"].(map[string]any); isObject {
		b, err := appendJSONTree(nil, msg)
		require.NoError(t, err)
		fromTree = b
	}
	if message != nil {
		fromBody = append([]byte(nil), *message...)
		putTreeBuffer(message, *message)
	}
	return fromBody, fromTree, true
}

// TestMessageFromTapeIsTree: the message the decoder writes from the body
// is the tree's, byte for byte, whatever the body's order, spacing and
// escapes; the cases it leaves to the tree are those it cannot sort.
func TestMessageFromTapeIsTree(t *testing.T) {
	t.Parallel()
	written := []string{
		textSend,
		generic10(),
		generic10Unicode(),
		`{"message":{}}`,
		`{"message":{"text":"a","text":"b"}}`, // the last of a key wins
		`{"message":{"b":1,"a":{"z":[1,2,{"y":null,"x":true}],"a":false}}}`, // sorted at every level
		` { "message" : { "text" : "x" , "quick_replies" : [ ] } } `,
		"{\"message\":{\"text\":\"line\\nbreak \\u00e9 \\ud83d\\ude00 \\ud800 <b> & \\u2028\"}}",
		`{"message":{"text":"é 👋 <>& ` + "\u2028\u2029" + `"}}`,
		`{"message":{"metadata":"-1.5e+10","n":-0.0,"m":12E-3}}`,
		`{"message":{"ab":1,"a":2,"b":3,"":4,"aa":5,"B":6}}`,
		`{"mess\u0061ge":{"text":"escaped key"}}`,
		`{"message":{"text":"first"},"mess\u0061ge":{"text":"second wins"}}`,
		`{"mess\u0061ge":{"text":"first"},"message":{"text":"second wins"}}`,
		`{"message":{"k":{"13":1,"12":1,"11":1,"10":1,"9":1,"8":1,"7":1,"6":1,"5":1,"4":1,"3":1,"2":1,"1":1,"1":2}}}`,
	}
	for _, body := range written {
		fromBody, fromTree, ok := messageFromTape(t, body)
		require.True(t, ok, body)
		require.NotNil(t, fromBody, "the decoder writes the message of %s", body)
		assert.Equal(t, string(fromTree), string(fromBody), body)
	}
	left := []string{
		`{"message":"{\"text\":\"a JSON text\"}"}`, // a string: the tree has it decoded (setJSON)
		`{"message":[1]}`,
		`{"text":"no message"}`,
		`{"message":{"t\u0065xt":"an escaped key"}}`,
		`{"message":{"a":{"\u0062":1}}}`,
	}
	for _, body := range left {
		fromBody, _, ok := messageFromTape(t, body)
		require.True(t, ok, body)
		assert.Nil(t, fromBody, "the decoder leaves %s to the tree", body)
	}
}

// TestSendWritesTheMessageFromTheBody: an accepted send stores its
// message as the rules read it, whether they leave it as it came or
// rewrite its lenient forms in place (an empty or null optional value
// dropped, a number as text, "true" as a boolean). A rewrite the tape
// were not told of would store the body's form (and, in a test binary,
// panic: send.go's messageJSON).
func TestSendWritesTheMessageFromTheBody(t *testing.T) {
	s := New()
	_, err := s.UserSends(DefaultPageID, alice, UserMessageRequest{Text: "hi"})
	require.NoError(t, err)
	h := s.Handler()
	for _, tc := range []struct{ message, stored string }{
		{`{"text":"b <&>","metadata":"z"}`, `{"metadata":"z","text":"b \u003c\u0026\u003e"}`},
		{`{"text":"dropped","metadata":""}`, `{"text":"dropped"}`},
		{`{"text":"dropped","metadata":null}`, `{"text":"dropped"}`},
		{`{"text":42}`, `{"text":"42"}`},
		{`{"text":"x","metadata":7}`, `{"metadata":"7","text":"x"}`},
		{`{"text":"x","quick_replies":[{"content_type":"text","title":1,"payload":2}]}`,
			`{"quick_replies":[{"content_type":"text","payload":"2","title":"1"}],"text":"x"}`},
		{`{"attachment":{"type":"image","payload":{"url":"https://example.com/a.png","is_reusable":"true"}}}`,
			`{"attachment":{"payload":{"is_reusable":true,"url":"https://example.com/a.png"},"type":"image"}}`},
		{`{"attachment":{"type":"template","payload":{"template_type":"generic","sharable":"true","elements":[{"title":"t","buttons":[{"type":"postback","title":5,"payload":6}]}]}}}`,
			`{"attachment":{"payload":{"elements":[{"buttons":[{"payload":"6","title":"5","type":"postback"}],"title":"t"}],"sharable":true,"template_type":"generic"},"type":"template"}}`},
		{`{"attachment":{"type":"template","payload":{"template_type":"button","text":"t","buttons":[{"type":"web_url","url":"https://example.com","title":"b","messenger_extensions":"false"}]}}}`,
			`{"attachment":{"payload":{"buttons":[{"messenger_extensions":false,"title":"b","type":"web_url","url":"https://example.com"}],"template_type":"button","text":"t"},"type":"template"}}`},
	} {
		body := `{"recipient":{"id":"` + alice + `"},"messaging_type":"RESPONSE","message":` + tc.message + `}`
		r := httptest.NewRequest("POST", "/v26.0/me/messages?access_token="+DefaultPageToken, strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		require.Equal(t, 200, rec.Code, "%s: %s", tc.message, rec.Body.String())
		msgs, err := s.Thread(DefaultPageID, alice)
		require.NoError(t, err)
		assert.Equal(t, tc.stored, string(msgs[len(msgs)-1].Body), tc.message)
	}
}

// FuzzMessageFromTape holds the decoder's message to the tree's for any
// message member.
func FuzzMessageFromTape(f *testing.F) {
	for _, s := range decodeSeeds {
		f.Add(`{"message":` + s + `}`)
	}
	f.Add(generic10())
	f.Add(`{"message":{"b":[{"d":1,"c":"<\u00e9>"}],"a":"x","a":"y"}}`)
	f.Fuzz(func(t *testing.T, body string) {
		fromBody, fromTree, ok := messageFromTape(t, body)
		if !ok || fromBody == nil {
			return
		}
		if string(fromBody) != string(fromTree) {
			t.Fatalf("body %q:\n from the body %s\n from the tree %s", body, fromBody, fromTree)
		}
		if !strings.HasPrefix(string(fromBody), "{") {
			t.Fatalf("body %q: the message %s is not an object", body, fromBody)
		}
	})
}
