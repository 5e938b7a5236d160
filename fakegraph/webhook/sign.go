package webhook

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"unicode/utf8"

	"github.com/messemu/messemu/fakegraph/journal"
)

// The bytes a webhook POST carries and their signatures (PLATFORM.md §10, D8).

// The envelope around the entries of a POST.
const (
	envelopeHead = `{"object":"page","entry":[`
	envelopeTail = `]}`
)

// webhookBody renders the envelope around one event, with non-ASCII
// escaped as \uXXXX (PLATFORM.md D8).
func webhookBody(pageID string, ms int64, rec journal.Hook) []byte {
	b := make([]byte, 0, 96+len(rec.Event)+len(rec.Change))
	b = append(b, envelopeHead+`{"id":`...)
	b = strconv.AppendQuote(b, pageID)
	b = append(b, `,"time":`...)
	b = strconv.AppendInt(b, ms, 10)
	switch {
	case rec.Change != nil:
		b = append(b, `,"changes":[{"field":`...)
		b = strconv.AppendQuote(b, rec.Field)
		b = append(b, `,"value":`...)
		b = append(b, rec.Change...)
		b = append(b, `}]}]}`...)
	case rec.Standby:
		b = append(b, `,"standby":[`...)
		b = append(b, standbyEvent(rec.Event)...)
		b = append(b, `]}]}`...)
	default:
		b = append(b, `,"messaging":[`...)
		b = append(b, rec.Event...)
		b = append(b, `]}]}`...)
	}
	return escapeNonASCII(unescapeHTML(b))
}

// unescapeHTML undoes encoding/json's escaping of <, > and & as \u003c,
// \u003e and \u0026, which the platform does not do: only non-ASCII is
// escaped in the bytes it signs (PLATFORM.md D8).
func unescapeHTML(b []byte) []byte {
	if !bytes.Contains(b, []byte(`\u00`)) {
		return b
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		if b[i] != '\\' || i+1 >= len(b) {
			out = append(out, b[i])
			continue
		}
		if b[i+1] == 'u' && i+6 <= len(b) {
			switch string(b[i+2 : i+6]) {
			case "003c":
				out, i = append(out, '<'), i+5
				continue
			case "003e":
				out, i = append(out, '>'), i+5
				continue
			case "0026":
				out, i = append(out, '&'), i+5
				continue
			}
		}
		out = append(out, b[i], b[i+1]) // any other escape, \\ included, stays
		i++
	}
	return out
}

// batchBody is the body of a POST carrying batch, one entry per event,
// and its signatures.
func batchBody(secret string, batch []*webhookEvent) ([]byte, string, string) {
	if len(batch) == 1 {
		return batch[0].body, batch[0].sig256, batch[0].sig1
	}
	b := []byte(envelopeHead)
	for i, we := range batch {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, we.body[len(envelopeHead):len(we.body)-len(envelopeTail)]...)
	}
	b = append(b, envelopeTail...)
	s256, s1 := signatures(secret, b)
	return b, s256, s1
}

// standbyEvent drops a postback's payload: non-owners don't get it
// (PLATFORM.md §8).
func standbyEvent(raw json.RawMessage) json.RawMessage {
	var ev MessagingEvent
	if err := json.Unmarshal(raw, &ev); err != nil || ev.Postback == nil {
		return raw
	}
	ev.Postback.Payload = ""
	out, err := json.Marshal(ev)
	if err != nil {
		return raw
	}
	return out
}

// escapeNonASCII writes every non-ASCII code point of a JSON text as
// \uXXXX, with surrogate pairs above U+FFFF. JSON holds non-ASCII only
// inside strings, so the text stays equivalent.
func escapeNonASCII(b []byte) []byte {
	i := 0
	for i < len(b) && b[i] < utf8.RuneSelf {
		i++
	}
	if i == len(b) {
		return b
	}
	const hexd = "0123456789abcdef"
	out := make([]byte, i, len(b)+len(b)/2)
	copy(out, b[:i])
	u := func(r rune) {
		out = append(out, '\\', 'u', hexd[r>>12&0xf], hexd[r>>8&0xf], hexd[r>>4&0xf], hexd[r&0xf])
	}
	for i < len(b) {
		c := b[i]
		if c < utf8.RuneSelf {
			out = append(out, c)
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		i += n
		if r >= 0x10000 {
			r -= 0x10000
			u(0xd800 + (r>>10)&0x3ff)
			u(0xdc00 + r&0x3ff)
			continue
		}
		u(r)
	}
	return out
}

// signatures are the X-Hub-Signature-256 and X-Hub-Signature values of body.
func signatures(secret string, body []byte) (string, string) {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	s256 := "sha256=" + hex.EncodeToString(m.Sum(nil))
	m1 := hmac.New(sha1.New, []byte(secret))
	m1.Write(body)
	return s256, "sha1=" + hex.EncodeToString(m1.Sum(nil))
}
