package h1

import (
	"fmt"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// keepBuffer is the largest body or answer buffer a connection keeps for
// its next request; a larger one is let go.
const keepBuffer = 16 << 10

// response is the short road's http.ResponseWriter: it holds the answer
// and writes it, headers and body in one write, when the handler returns.
type response struct {
	c        *conn
	req      *http.Request
	header   http.Header
	status   int
	wrote    bool
	sent     []keyValues // the headers as they stood at WriteHeader, by key
	declared int64       // the handler's Content-Length, -1 without
	written  int64       // what the handler wrote, refused writes included
	body     []byte
	interim  []byte // a 1xx answer being written
	werr     error  // a failed write of a 1xx answer
	out      []byte
	// closeAfter ends the connection after the answer, which says so
	// (Connection: close); closeQuietly ends it without saying so, where
	// net/http finds out only after writing.
	closeAfter, closeQuietly bool
}

type keyValues struct {
	key    string
	values []string
}

func (w *response) reset(req *http.Request) {
	w.req = req
	clear(w.header)
	w.status, w.wrote, w.declared, w.written = 0, false, -1, 0
	w.sent = w.sent[:0]
	w.body = w.body[:0]
	w.interim, w.werr = w.interim[:0], nil
	w.closeAfter, w.closeQuietly = wantsClose(req), false
}

func (w *response) Header() http.Header { return w.header }

// WriteHeader takes the status and a copy of the headers, as net/http's
// does: what the handler changes afterwards is not sent. An interim (1xx)
// status is sent at once with the headers as they stand.
func (w *response) WriteHeader(code int) {
	if w.wrote {
		w.c.s.logf("http: superfluous response.WriteHeader call (status %d after %d)", code, w.status)
		return
	}
	if code < 100 || code > 999 {
		panic(fmt.Sprintf("invalid WriteHeader code %v", code))
	}
	w.snapshot()
	if code < 200 && code != http.StatusSwitchingProtocols {
		w.interim = appendStatusLine(w.interim, code)
		for _, kv := range w.sent {
			if kv.key != "Content-Length" && kv.key != "Transfer-Encoding" {
				w.interim = appendField(w.interim, kv)
			}
		}
		w.interim = append(w.interim, "\r\n"...)
		// Sent at once, as net/http flushes it: a 1xx is news for the
		// client while the handler works (103 Early Hints) or waits for
		// the body.
		if _, err := w.c.rwc.Write(w.interim); err != nil && w.werr == nil {
			w.werr = err
		}
		w.interim = w.interim[:0]
		w.sent = w.sent[:0]
		return
	}
	w.wrote, w.status = true, code
	if cl := w.get("Content-Length"); cl != "" {
		if v, err := strconv.ParseInt(cl, 10, 64); err == nil && v >= 0 {
			w.declared = v
		} else {
			w.c.s.logf("http: invalid Content-Length of %q", cl)
			w.drop("Content-Length")
		}
	}
}

// snapshot takes the handler's headers, sorted by key.
func (w *response) snapshot() {
	w.sent = w.sent[:0]
	for k, v := range w.header {
		w.sent = append(w.sent, keyValues{k, v})
	}
	sortByKey(w.sent)
}

// Write keeps p for the answer, as net/http's Write would send it: a call
// that would go past a declared Content-Length is refused whole.
func (w *response) Write(p []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	if len(p) == 0 {
		return 0, nil
	}
	if !bodyAllowedForStatus(w.status) {
		return 0, http.ErrBodyNotAllowed
	}
	w.written += int64(len(p))
	if w.declared >= 0 && w.written > w.declared {
		return 0, http.ErrContentLength
	}
	w.body = append(w.body, p...)
	return len(p), nil
}

// get is the first value of a sent header.
func (w *response) get(key string) string {
	if i := w.index(key); i >= 0 && len(w.sent[i].values) > 0 {
		return w.sent[i].values[0]
	}
	return ""
}

func (w *response) has(key string) bool { return w.index(key) >= 0 }

func (w *response) index(key string) int {
	for i := range w.sent {
		if w.sent[i].key == key {
			return i
		}
	}
	return -1
}

// drop leaves a header out of the answer.
func (w *response) drop(key string) {
	if i := w.index(key); i >= 0 {
		w.sent = slices.Delete(w.sent, i, i+1)
	}
}

// finish writes the answer with what net/http adds to it (Date,
// Content-Length, a sniffed Content-Type, Connection: close when the
// connection ends after it), decided as net/http decides them.
func (w *response) finish(now time.Time) error {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	c := w.c
	allowed := bodyAllowedForStatus(w.status)
	// The handler's Connection: close (or a shutdown) is taken before the
	// body: net/http leaves the rest of a body unread on a connection it
	// closes anyway, and refuses none.
	closing, connHeader := c.s.closing.Load(), w.get("Connection")
	if connHeader == "close" || closing {
		w.closeAfter = true
	}
	tooBig := false
	if w.req.ContentLength != 0 && !w.closeAfter {
		var ok bool
		ok, tooBig = c.body.discardRest()
		if !ok {
			w.closeAfter = true
		}
		if tooBig {
			c.lingerClose = true
		}
	}
	if c.body.earlyClose {
		w.closeQuietly, c.lingerClose = true, true
	}
	te := w.get("Transfer-Encoding")
	var contentType string
	if allowed {
		if !w.has("Content-Type") && w.get("Content-Encoding") == "" && te == "" && len(w.body) > 0 {
			contentType = http.DetectContentType(w.body)
		}
	} else {
		if w.status == http.StatusNotModified {
			w.drop("Content-Type")
		}
		w.drop("Content-Length")
	}
	// Framing, as net/http decides it for a handler that has returned.
	length := -1 // Content-Length to add
	if allowed && te == "" && !w.has("Content-Length") {
		length = len(w.body)
	}
	hasLength := length >= 0 || w.declared >= 0
	if hasLength && te != "" && te != "identity" {
		c.s.logf("http: WriteHeader called with both Transfer-Encoding of %q and a Content-Length of %d", te, w.declared)
		w.drop("Content-Length")
		w.declared, hasLength = -1, false
	}
	chunked := false
	switch {
	case !allowed || w.status == http.StatusNoContent, hasLength:
		w.drop("Transfer-Encoding")
	case te == "identity":
		w.closeAfter = true // the body ends with the connection
		w.drop("Transfer-Encoding")
	default: // a Transfer-Encoding, or an empty Content-Length
		chunked = true
		if te == "chunked" {
			w.drop("Transfer-Encoding")
		}
		w.drop("Content-Length")
	}
	if allowed && w.declared >= 0 && w.written != w.declared {
		w.closeQuietly = true // the body is not what the answer promised
	}
	connection := ""
	// A refused body replaces the handler's Connection header with net/http's
	// own, whatever the handler's says.
	if w.closeAfter && (tooBig || closing || !hasToken(connHeader, "close")) {
		w.drop("Connection")
		connection = "close"
	}

	out := w.out[:0]
	out = appendStatusLine(out, w.status)
	for _, kv := range w.sent {
		out = appendField(out, kv)
	}
	if !w.has("Date") {
		out = append(out, "Date: "...)
		out = c.appendDate(out, now)
		out = append(out, "\r\n"...)
	}
	if length >= 0 {
		out = append(out, "Content-Length: "...)
		out = strconv.AppendInt(out, int64(length), 10)
		out = append(out, "\r\n"...)
	}
	if contentType != "" {
		out = append(out, "Content-Type: "...)
		out = append(out, contentType...)
		out = append(out, "\r\n"...)
	}
	if connection != "" {
		out = append(out, "Connection: close\r\n"...)
	}
	if chunked {
		out = append(out, "Transfer-Encoding: chunked\r\n"...)
	}
	out = append(out, "\r\n"...)
	body := w.body
	if !allowed {
		body = nil
	}
	var tail []byte
	if chunked {
		if len(body) > 0 {
			out = strconv.AppendInt(out, int64(len(body)), 16)
			out = append(out, "\r\n"...)
			tail = []byte("\r\n0\r\n\r\n")
		} else {
			out = append(out, "0\r\n\r\n"...)
		}
	}

	var err error
	if len(body) <= keepBuffer/4 {
		out = append(append(out, body...), tail...)
		_, err = c.rwc.Write(out)
	} else {
		bufs := net.Buffers{out, body, tail}
		_, err = bufs.WriteTo(c.rwc)
	}
	w.out = out
	if cap(w.out) > keepBuffer {
		w.out = nil
	}
	if cap(w.body) > keepBuffer {
		w.body = nil
	}
	w.req = nil
	if w.closeQuietly {
		w.closeAfter = true
	}
	if err == nil {
		err = w.werr // as net/http, which keeps no connection a write failed on
	}
	return err
}

// appendStatusLine appends an HTTP/1.1 status line as net/http writes it.
func appendStatusLine(out []byte, code int) []byte {
	out = append(out, "HTTP/1.1 "...)
	out = strconv.AppendInt(out, int64(code), 10)
	out = append(out, ' ')
	if text := http.StatusText(code); text != "" {
		out = append(out, text...)
	} else {
		out = append(out, "status code "...)
		out = strconv.AppendInt(out, int64(code), 10)
	}
	return append(out, "\r\n"...)
}

// appendField appends a header's lines; a key net/http cannot write is
// dropped, as net/http drops it.
func appendField(out []byte, kv keyValues) []byte {
	if !validFieldName(kv.key) {
		return out
	}
	for _, v := range kv.values {
		out = append(out, kv.key...)
		out = append(out, ": "...)
		out = appendFieldValue(out, v)
		out = append(out, "\r\n"...)
	}
	return out
}

// sortByKey sorts a handful of headers in net/http's order (by key) by
// insertion, which for the dozen of a Graph answer beats a general sort.
func sortByKey(kvs []keyValues) {
	for i := 1; i < len(kvs); i++ {
		for j := i; j > 0 && kvs[j].key < kvs[j-1].key; j-- {
			kvs[j], kvs[j-1] = kvs[j-1], kvs[j]
		}
	}
}

// appendFieldValue appends a header value as net/http writes it: line
// breaks made spaces, surrounding white space trimmed.
func appendFieldValue(dst []byte, v string) []byte {
	if plainFieldValue(v) {
		return append(dst, v...)
	}
	v = strings.NewReplacer("\r", " ", "\n", " ").Replace(v)
	return append(dst, strings.Trim(v, " \t\r\n")...)
}

// plainFieldValue reports whether net/http would write v as it is.
func plainFieldValue(v string) bool {
	if v == "" {
		return true
	}
	if isTrimmed(v[0]) || isTrimmed(v[len(v)-1]) {
		return false
	}
	for i := 0; i < len(v); i++ {
		if v[i] == '\r' || v[i] == '\n' {
			return false
		}
	}
	return true
}

func isTrimmed(b byte) bool { return b == ' ' || b == '\t' || b == '\r' || b == '\n' }

func bodyAllowedForStatus(status int) bool {
	switch {
	case status >= 100 && status <= 199, status == http.StatusNoContent, status == http.StatusNotModified:
		return false
	}
	return true
}
