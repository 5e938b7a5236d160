package fakegraph

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"hash"
	"io"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/messemu/messemu/validator"
)

// Request bodies the emulator refuses: a body over the cap is read to its
// end (up to a bound) before the answer, and the journal keeps a summary of
// a large refused body rather than the body.

// overCapDrain bounds how much of a body the emulator reads and discards
// after refusing it. A client that sends its whole body before it reads the
// answer (Python's urllib, many others) would otherwise see a connection
// reset instead of the Graph error: closing a socket with unread data makes
// the kernel send RST. Past the bound the connection is closed all the same.
const overCapDrain = 512 << 20

// journalBodyMax is the largest refused request the journal keeps whole;
// a larger one is kept as journalBodyPrefix bytes, its size and its
// SHA-256, so ten refused 25 MB bodies do not cost 250 MB of journal.
const (
	journalBodyMax    = 64 << 10
	journalBodyPrefix = 1 << 10
)

// bodyTap keeps what the journal's summary of a refused body needs: its
// size, first bytes and SHA-256. It starts from the body as read (tapOf),
// hashed only if a summary is asked for; an over-cap body it reads on to
// its end (drain) is hashed as it goes, keeping only its first bytes.
type bodyTap struct {
	r    io.Reader
	n    int64
	kept []byte    // the body so far, until it is hashed as it goes
	h    hash.Hash // once read on past journalBodyMax; nil before
	// drained: the body was over the cap and read on to its end (or to
	// overCapDrain); complete: that end was reached.
	drained, complete bool
}

// tapOf is the tap of body, read so far from r (the rest, if drained,
// comes from r): the body is not copied.
func tapOf(r io.Reader, body []byte) *bodyTap {
	return &bodyTap{r: r, n: int64(len(body)), kept: body[:len(body):len(body)]} // what it appends goes elsewhere
}

func (t *bodyTap) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	if n > 0 {
		t.n += int64(n)
		switch {
		case t.h != nil:
			t.h.Write(p[:n])
		case t.n > journalBodyMax:
			t.h = sha256.New()
			t.h.Write(t.kept)
			t.h.Write(p[:n])
			t.kept = t.kept[:min(len(t.kept), journalBodyPrefix):min(len(t.kept), journalBodyPrefix)]
			if len(t.kept) < journalBodyPrefix {
				t.kept = append(t.kept, p[:min(n, journalBodyPrefix-len(t.kept))]...)
			}
		default:
			t.kept = append(t.kept, p[:n]...)
		}
	}
	return n, err
}

// drain reads the rest of an over-cap body, up to overCapDrain bytes.
func (t *bodyTap) drain() {
	t.drained = true
	_, err := io.CopyN(io.Discard, t, overCapDrain)
	t.complete = errors.Is(err, io.EOF)
}

// BodySummaryKey is the one key of a journalled request that stands for
// a body the journal keeps as a summary (BodySummary).
const BodySummaryKey = "_body"

// RefusedUnread reports the violations of a request refused for its body
// as a whole (not one JSON object, too large, not read): its journalled
// request is no body to judge again.
func RefusedUnread(vs []validator.Violation) bool {
	v, ok := firstError(vs)
	return ok && v.Rule == ruleRequestShape.Name
}

// BodySummary is how the journal records a large refused request body.
type BodySummary struct {
	// Prefix is the body's first bytes (1 KiB), as text.
	Prefix string `json:"prefix"`
	// Size is the body's length in bytes; when Complete is false the body
	// was longer still and the emulator stopped reading it there.
	Size     int64  `json:"size"`
	SHA256   string `json:"sha256"`
	Complete bool   `json:"complete"`
}

// summary is the journal's record of the body read through t.
func (t *bodyTap) summary() json.RawMessage {
	complete := t.complete || !t.drained
	var sum []byte
	if t.h != nil {
		sum = t.h.Sum(nil)
	} else {
		whole := sha256.Sum256(t.kept)
		sum = whole[:]
	}
	b, err := json.Marshal(map[string]BodySummary{BodySummaryKey: {
		Prefix:   strings.ToValidUTF8(string(t.kept[:min(len(t.kept), journalBodyPrefix)]), string(utf8.RuneError)),
		Size:     t.n,
		SHA256:   hex.EncodeToString(sum),
		Complete: complete,
	}})
	if err != nil {
		return json.RawMessage(`{}`)
	}
	return b
}

// drainFirst wraps w so that, before the answer's first byte, whatever the
// handler left unread of r's body is read and discarded (up to
// overCapDrain) and the connection marked for closing: the client that is
// still sending gets the answer, not a reset.
func drainFirst(w http.ResponseWriter, r *http.Request) http.ResponseWriter {
	if r.Body == nil || r.Body == http.NoBody {
		return w
	}
	return &drainingWriter{ResponseWriter: w, body: r.Body}
}

type drainingWriter struct {
	http.ResponseWriter
	body io.Reader
	done bool
}

func (d *drainingWriter) drain() {
	if d.done {
		return
	}
	d.done = true
	// Most handlers read the body to its end: one read says so, without
	// CopyN's reader and buffer.
	var one [1]byte
	n0, err := d.body.Read(one[:])
	if n0 == 0 && errors.Is(err, io.EOF) {
		return
	}
	n, err := io.CopyN(io.Discard, d.body, overCapDrain)
	n += int64(n0)
	if n > 0 || !errors.Is(err, io.EOF) {
		d.ResponseWriter.Header().Set("Connection", "close")
	}
}

func (d *drainingWriter) WriteHeader(code int) {
	d.drain()
	d.ResponseWriter.WriteHeader(code)
}

func (d *drainingWriter) Write(b []byte) (int, error) {
	d.drain()
	return d.ResponseWriter.Write(b)
}

// Unwrap gives http.ResponseController the underlying writer.
func (d *drainingWriter) Unwrap() http.ResponseWriter { return d.ResponseWriter }

// refusedRecord is what the journal keeps of a refused request: req, or,
// for a body over the cap or a record over journalBodyMax, the body's
// summary.
func (c *call) refusedRecord(req json.RawMessage) json.RawMessage {
	t := c.decoded.tap
	if t == nil || (!t.drained && len(req) <= journalBodyMax) {
		return req
	}
	return t.summary()
}
