package journal

import (
	"bytes"
	"encoding/binary"
	"math/rand/v2"
	"testing"
	"time"
)

// appendBodyByWord is appendBody as it was first written, a byte at a
// time and every word tried at each {, , and ": the reference the table
// driven appendBody must write byte for byte.
func appendBodyByWord(blk []byte, body []byte, e *Event) []byte {
	if blk, done := appendUnmarked(blk, body); done {
		return blk
	}
	ids := [...]string{markMID: e.MID, markPSID: e.PSID, markPageID: e.PageID}
	var millis [20]byte
	ms := appendMillis(millis[:0], e)
	var out []byte
	for i := 0; i < len(body); {
		c := body[i]
		m, n := byte(0), 0
		switch {
		case i == 0:
		case body[i-1] == '"':
			for k := markMID; k <= markPageID; k++ {
				if id := ids[k]; len(id) >= 4 && c == id[0] && len(body)-i >= len(id) && string(body[i:i+len(id)]) == id {
					m, n = byte(k), len(id)
					break
				}
			}
		case body[i-1] == ':':
			if c == ms[0] && len(body)-i >= len(ms) && string(body[i:i+len(ms)]) == string(ms) {
				m, n = markMillis, len(ms)
			}
		}
		if n == 0 && (c == '{' || c == ',' || c == '"') && i+1 < len(body) {
			c1 := body[i+1]
			for k := firstWord; k < len(bodyWords); k++ {
				if w := bodyWords[k]; w != "" && w[0] == c && w[1] == c1 && len(body)-i >= len(w) && string(body[i:i+len(w)]) == w {
					m, n = byte(k), len(w)
					break
				}
			}
		}
		if n == 0 {
			out = append(out, c)
			i++
			continue
		}
		out = append(out, m)
		i += n
	}
	blk = binary.AppendUvarint(append(blk, bodyMarked), uint64(len(out)))
	return append(blk, out...)
}

// The table-driven marking writes what the word-by-word one does, for
// the bodies the Send API journals and for random mixes of the words,
// ids, times and stray bytes.
func TestAppendBodyMarksAsWordByWord(t *testing.T) {
	at := time.UnixMilli(1764979200123)
	e := &Event{Time: at, MID: "m_AbCdEfGh", PSID: "5275811702471834", PageID: "1234567890"}
	bodies := []string{
		`{"recipient":{"id":"5275811702471834"},"messaging_type":"RESPONSE","message":{"text":"hello"}}`,
		`{"recipient_id":"5275811702471834","message_id":"m_AbCdEfGh"}`,
		`{"request_seq":12,"field":"message_echoes","event":{"sender":{"id":"1234567890"},"recipient":{"id":"5275811702471834"},"timestamp":1764979200123,"message":{"mid":"m_AbCdEfGh","is_echo":true,"app_id":1,"text":"hello"}}}`,
		`{"recipient":{"id":"5275811702471834"},"messaging_type":"MESSAGE_TAG","tag":"ACCOUNT_UPDATE","message":{"attachment":{"type":"template","payload":{"template_type":"button","text":"x","buttons":[{"type":"postback","title":"a","payload":"b"}]}}}}`,
		`{"recipient":{"id":"5275811702471834"},"messaging_type":"UPDATE","message":{"quick_replies":[{"content_type":"text","title":"a","payload":"b"},{"content_type":"text","title":"c","payload":"d"}],"text":"q"}}`,
		``, `"`, `{`, `,"`, `1764979200123`, `:1764979200123`, `""m_AbCdEfGh"`,
	}
	var parts []string
	for k := firstWord; k < len(bodyWords); k++ {
		if w := bodyWords[k]; w != "" {
			parts = append(parts, w, w[:len(w)-1], w[:2])
		}
	}
	parts = append(parts, e.MID, e.PSID, e.PageID, "1764979200123", `"`, `:`, `{`, `,`, "x", "\t", `\"`, "é")
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		var b []byte
		for range rng.IntN(12) {
			b = append(b, parts[rng.IntN(len(parts))]...)
		}
		bodies = append(bodies, string(b))
	}
	for _, body := range bodies {
		want := appendBodyByWord([]byte{0xAA}, []byte(body), e)
		got := appendBody([]byte{0xAA}, []byte(body), e)
		if !bytes.Equal(want, got) {
			t.Fatalf("body %q:\n got %q\nwant %q", body, got, want)
		}
	}
}

// The three bodies of a text send (request, answer, echo), marked.
func BenchmarkAppendBodyTextSend(b *testing.B) {
	e := &Event{Time: time.UnixMilli(1764979200123), MID: "m_AbCdEfGh", PSID: "5275811702471834", PageID: "1234567890"}
	bodies := [][]byte{
		[]byte(`{"recipient":{"id":"5275811702471834"},"messaging_type":"RESPONSE","message":{"text":"hello from wrk"}}`),
		[]byte(`{"recipient_id":"5275811702471834","message_id":"m_AbCdEfGh"}`),
		[]byte(`{"request_seq":12,"field":"message_echoes","event":{"sender":{"id":"1234567890"},"recipient":{"id":"5275811702471834"},"timestamp":1764979200123,"message":{"mid":"m_AbCdEfGh","is_echo":true,"app_id":1,"text":"hello from wrk"}}}`),
	}
	for _, mark := range []struct {
		name string
		f    func([]byte, []byte, *Event) []byte
	}{{"table", appendBody}, {"word-by-word", appendBodyByWord}} {
		b.Run(mark.name, func(b *testing.B) {
			blk := make([]byte, 0, 4096)
			for b.Loop() {
				blk = blk[:0]
				for _, body := range bodies {
					blk = mark.f(blk, body, e)
				}
			}
		})
	}
}
