package fakegraph

import (
	"flag"
	"fmt"
	"reflect"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/messemu/messemu/validator"
)

var ruleOTNOnce = validator.Rule{Name: "recipient.one_time_notif_token", Source: "MP/send-messages/one-time-notification"}

// The Send API (PLATFORM.md §2).
func (s *Server) sendRoutes() []route {
	return []route{
		{method: "POST", pattern: "{page}/messages", op: "sendMessage", api: APISend, handle: s.send},
	}
}

// SendResponse is the Send API's answer to a message.
type SendResponse struct {
	RecipientID  string `json:"recipient_id,omitempty"`
	MessageID    string `json:"message_id"`
	AttachmentID string `json:"attachment_id,omitempty"`
}

// appendJSON writes r as json.Marshal would, without reflection: the
// answer of every send.
func (r SendResponse) appendJSON(b []byte) []byte {
	b = append(b, '{')
	if r.RecipientID != "" {
		b = appendJSONString(append(b, `"recipient_id":`...), r.RecipientID)
		b = append(b, ',')
	}
	b = appendJSONString(append(b, `"message_id":`...), r.MessageID)
	if r.AttachmentID != "" {
		b = appendJSONString(append(b, `,"attachment_id":`...), r.AttachmentID)
	}
	return append(b, '}')
}

// appendJSONString writes s as a JSON string exactly as json.Marshal
// writes it, without reflection (FuzzAppendJSONString holds it to
// json.Marshal): valid UTF-8 as it is but U+2028 and U+2029, an invalid
// byte as \ufffd, and the HTML-sensitive <, > and & escaped like the
// control characters. Text in any language is the common case, not ids
// alone: a stored message and its echo write every string of a send.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	from := 0 // the start of what is copied as it is
	for i := 0; i < len(s); {
		c := s[i]
		if plainJSON[c] {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			b = appendEscapedASCII(append(b, s[from:i]...), c)
			i++
			from = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(append(b, s[from:i]...), `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(append(b, s[from:i]...), `\u202`...)
			b = append(b, lowerHex[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		from = i
	}
	return append(append(b, s[from:]...), '"')
}

// appendEscapedASCII writes an ASCII byte that plainJSON does not pass as
// json.Marshal does: the quote and backslash and five control characters
// by their short escapes, DEL as it is, the rest as \u00XX.
func appendEscapedASCII(b []byte, c byte) []byte {
	switch c {
	case '"', '\\':
		return append(b, '\\', c)
	case '\b':
		return append(b, '\\', 'b')
	case '\f':
		return append(b, '\\', 'f')
	case '\n':
		return append(b, '\\', 'n')
	case '\r':
		return append(b, '\\', 'r')
	case '\t':
		return append(b, '\\', 't')
	case 0x7f:
		return append(b, c)
	}
	return append(b, '\\', 'u', '0', '0', lowerHex[c>>4], lowerHex[c&0xf])
}

const lowerHex = "0123456789abcdef"

// SenderActionResponse is the answer to a sender action: the user's PSID,
// none for a user_ref.
type SenderActionResponse struct {
	RecipientID string `json:"recipient_id,omitempty"`
}

// mergeViolations is a multipart send's violations: the envelope check's,
// then the full check's that it did not already give (both judge the
// recipient and the window; the envelope check takes out what it warns of).
func mergeViolations(envelope, full []validator.Violation) []validator.Violation {
	if len(envelope) == 0 {
		return full
	}
	out := slices.Clone(envelope)
	for _, v := range full {
		if !slices.ContainsFunc(envelope, func(e validator.Violation) bool { return e.Rule == v.Rule && e.Path == v.Path }) {
			out = append(out, v)
		}
	}
	return out
}

// What send holds of Server.mu.
const (
	heldNone = iota
	heldRead
	heldWrite
)

func (s *Server) send(c *call) (any, error) {
	// The journal keeps the request as it came, before normalisation.
	c.requestJSON = c.requestRecord()
	// Sends are judged under the read lock, so they validate in parallel,
	// and committed under the write lock. An uploaded file changes the
	// store before validation, so such a send holds the write lock throughout.
	exclusive := len(c.files) > 0
	held := heldRead
	if exclusive {
		s.mu.Lock()
		held = heldWrite
	} else {
		s.mu.RLock()
	}
	// Whatever it holds is let go however the send ends: a panic in the
	// rules (a bug) is recovered by serveGraphInto, whose answer takes the
	// read lock again, and the server goes on serving.
	defer func() {
		switch held {
		case heldRead:
			s.mu.RUnlock()
		case heldWrite:
			s.mu.Unlock()
		}
	}()
	var chk validator.SendCheck
	var gerr *validator.GraphError
	if exclusive || isMultipart(c.r) {
		// The recipient, the window and the tag come before the file
		// (PLATFORM.md §2: the first error wins in that order).
		chk = s.validator.SendEnvelope(c.params, stateView{p: c.page, now: c.now})
		gerr = chk.Err()
	}
	rewritten := chk.Rewritten
	var media *sendMedia
	if gerr == nil {
		media, gerr = s.prepareSendMedia(c) // attachment_send.go: filedata, is_reusable
	}
	view := stateView{p: c.page, now: c.now, pages: s.pages}
	if gerr == nil {
		envelope := chk.Violations // warnings on what the envelope check took out (a null, an ignored tag)
		chk = s.judgeSend(c, view)
		chk.Violations = mergeViolations(envelope, chk.Violations)
		rewritten = rewritten || chk.Rewritten
	}
	if !exclusive {
		judged := s.mu.changes
		held = heldNone
		s.mu.RUnlock()
		if s.sendGapHook != nil {
			s.sendGapHook() // tests: a change between verdict and commit
		}
		s.mu.lockQuiet()
		held = heldWrite
		if s.mu.changes != judged && gerr == nil && chk.Err() == nil {
			// The state changed between the verdict and the commit: a
			// refusal it now earns wins (the first verdict's warnings
			// stand).
			if again := s.judgeSend(c, view); again.Err() != nil {
				for _, v := range again.Violations {
					if v.Severity == validator.SeverityError {
						chk.Violations = append(chk.Violations, v) // chk.Err() answers it below
					}
				}
			}
		}
	}
	s.followRetentionLocked() // store_retention.go
	c.psid = chk.Recipient.PSID
	if ref := chk.Recipient.UserRef; ref != "" {
		// The person who opted in: the thread and the journal are theirs,
		// though the answer names no one and no echo follows (§2.1, §2.8).
		c.psid, c.noEcho = c.page.userRefs[ref], true
	}
	if t := c.page.otn[chk.Recipient.OTN]; chk.Recipient.OTN != "" && t != nil {
		// A one-time token's user is the one it was issued by: the thread
		// and the journal are theirs, a refused send's too.
		c.psid = t.psid
	}
	if gerr != nil {
		c.violations = append(c.violations, chk.Violations...)
		return nil, gerr
	}
	defer media.rollback(c.page)
	c.violations = append(c.violations, chk.Violations...)
	if gerr := chk.Err(); gerr != nil {
		return nil, gerr
	}
	if c.decoded.hasBadText {
		// Text that is not UTF-8 where the rules did not read it (they
		// refuse it where they do, in their order: §2).
		return nil, c.refuseBadText()
	}
	if chk.Recipient.OTN != "" && !oneTimeTokenValid(c.page, c.now, chk.Recipient.OTN) {
		// Spent by a concurrent send between the two locks: a token serves once.
		return nil, c.fail("recipient.one_time_notif_token", ruleOTNOnce, validator.Err(validator.KeyInvalid), "one-time notification token already used")
	}
	if chk.SenderAction != "" {
		if chk.SenderAction == "react" || chk.SenderAction == "unreact" {
			if gerr := s.limits.admitSend(c, countsAsReaction); gerr != nil {
				return nil, gerr
			}
		}
		// An action does not spend a one-time token.
		if c.noEcho {
			return SenderActionResponse{}, nil // a user_ref's action names no one
		}
		return SenderActionResponse{RecipientID: c.psid}, nil
	}
	kind := countsAsMessage
	if isMediaMessage(c.params["message"]) {
		kind = countsAsAudioVideo
	}
	if gerr := s.limits.admitSend(c, kind); gerr != nil {
		return nil, gerr
	}
	p := c.page
	psid := c.psid
	if chk.Recipient.OTN != "" {
		t := p.otn[chk.Recipient.OTN]
		t.used = true
		psid = t.psid
		c.psid = psid
	}
	// The message as json.Marshal writes it, in a pooled buffer the store
	// copies from: written by the decoder from the body (jsontape.go)
	// unless the checks or an upload changed it since.
	tree, body, err := s.messageJSON(c, rewritten || (media != nil && media.saved != nil))
	if err != nil {
		return nil, err
	}
	m := Message{MID: s.ids.MID(), PageID: p.ID, PSID: psid, FromPage: true, Time: c.now, Body: body}
	m.PersonaID = c.str("persona_id")
	c.mid = m.MID
	pl, tt := templatePayload(c.params["message"])
	if psid != "" {
		s.claimIdleThread(p, psid, c.now) // handover.go
		c.stored = s.storeMessageLocked(p, &m, tt == otnOptinType)
		c.messageBody = p.store.body(c.stored.slot) // the store's bytes never change
		c.echoURLs = c.echoAssetURLs(p)
	}
	putTreeBuffer(tree, m.Body)
	if tt == "receipt" { // a reused order_number is W (PLATFORM.md §2.7): remember this one
		if n, _ := paramString(pl["order_number"]); n != "" {
			p.orders[strings.Clone(n)] = true // n is a slice of the body (decodeObjectText)
		}
	}
	resp := SendResponse{RecipientID: psid, // for a one-time token, the user it was issued by
		MessageID: m.MID, AttachmentID: media.commit(s, c)}
	if chk.Recipient.UserRef != "" {
		resp.RecipientID = "" // user_ref sends answer no recipient_id (PLATFORM.md §2.1)
	}
	return resp, nil
}

// judgeSend is the Send API's verdict on the call's body. A body whose
// generic template's elements passed as they were read (decoded.judged)
// is judged without them, when that finds nothing to refuse or rewrite;
// else on its whole tree, decoded again, so that a refusal, its warnings
// and any rewrite are the rules' on every element (jsonelements.go). A
// test binary judges the whole tree too, and panics if the two differ.
func (s *Server) judgeSend(c *call, view stateView) validator.SendCheck {
	if c.decoded.judged {
		chk := s.validator.SendJudged(c.params, view)
		if chk.Err() == nil && !chk.Rewritten {
			if checkMessageJSON() {
				if want := s.validator.Send(c.decoded.wholeCopy(), view); !reflect.DeepEqual(want, chk) {
					panic(fmt.Sprintf("fakegraph: a send judged without its elements is judged otherwise whole:\n judged: %+v\n whole:  %+v\n body: %s", chk, want, c.decoded.raw))
				}
			}
			return chk
		}
		c.wholeTree()
	}
	return s.validator.Send(c.params, view)
}

// messageJSON is the canonical form of the send's message, in a buffer
// to give back with putTreeBuffer: the decoder's (decoded.message), or
// when there is none or the message changed since (changed), written
// from the tree. A test binary writes both and panics if they differ.
func (s *Server) messageJSON(c *call, changed bool) (*[]byte, []byte, error) {
	fromBody := c.decoded.message
	c.decoded.message = nil
	if fromBody != nil && !changed && !checkMessageJSON() {
		return fromBody, *fromBody, nil
	}
	msg := c.params["message"]
	if c.decoded.judged {
		msg = c.decoded.wholeCopy()["message"] // the tree has not the elements
	}
	tree := getTreeBuffer()
	body, err := appendJSONTree((*tree)[:0], msg)
	if err != nil {
		putTreeBuffer(tree, *tree)
		return nil, nil, err
	}
	if fromBody != nil {
		if !changed && string(*fromBody) != string(body) {
			panic(fmt.Sprintf("fakegraph: the message written from the body differs from the tree's:\n body: %s\n tree: %s", *fromBody, body))
		}
		putTreeBuffer(fromBody, *fromBody)
	}
	return tree, body, nil
}

// checkMessageJSON: in a test binary of this module, every send's message
// written from the body is checked against the tree's (messageJSON), so
// that all of messemu's tests that send, in every package, hold the two
// together; but not when it runs benchmarks, which measure the server as
// it serves, nor in the tests of a bot that embeds fakegraph or testkit,
// which would see the check's panic as a refused send.
var checkMessageJSON = sync.OnceValue(func() bool {
	if !testing.Testing() {
		return false
	}
	if info, ok := debug.ReadBuildInfo(); !ok || info.Main.Path != "github.com/messemu/messemu" {
		return false
	}
	bench := flag.Lookup("test.bench")
	return bench == nil || bench.Value.String() == ""
})

// isMediaMessage reports an audio or video attachment (10/s, PLATFORM.md §11).
func isMediaMessage(v any) bool {
	m, _ := v.(map[string]any)
	a, _ := m["attachment"].(map[string]any)
	t, _ := a["type"].(string)
	return t == "audio" || t == "video"
}

// templatePayload is the payload of message v's attachment and its
// template type ("" for none).
func templatePayload(v any) (pl map[string]any, templateType string) {
	m, _ := v.(map[string]any)
	a, _ := m["attachment"].(map[string]any)
	pl, _ = a["payload"].(map[string]any)
	templateType, _ = pl["template_type"].(string)
	return pl, templateType
}

// oneTimeTokenValid reports whether token can still serve a send; s.mu is
// held.
func oneTimeTokenValid(p *pageState, now time.Time, token string) bool {
	_, st := (stateView{p: p, now: now}).OneTimeToken(token)
	return st == validator.TokenValid
}
