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
const keepBuffer = 64 << 10

// response is the short road's http.ResponseWriter: it holds the answer
// and writes it, headers and body in one write, when the handler returns.
type response struct {
	c          *conn
	req        *http.Request
	header     http.Header
	status     int
	wrote      bool
	sent       []keyValues // the headers as they stood at WriteHeader, by key
	declared   int64       // the handler's Content-Length, -1 without
	body       []byte
	out        []byte
	closeAfter bool
}

type keyValues struct {
	key    string
	values []string
}

func (w *response) reset(req *http.Request) {
	w.req = req
	clear(w.header)
	w.status, w.wrote, w.declared = 0, false, -1
	w.sent = w.sent[:0]
	w.body = w.body[:0]
	w.closeAfter = req.Close
}

func (w *response) Header() http.Header { return w.header }

// WriteHeader takes the status and a copy of the headers, as net/http's
// does: what the handler changes afterwards is not sent.
func (w *response) WriteHeader(code int) {
	if w.wrote {
		w.c.s.logf("http: superfluous response.WriteHeader call (status %d after %d)", code, w.status)
		return
	}
	if code < 100 || code > 999 {
		panic(fmt.Sprintf("invalid WriteHeader code %v", code))
	}
	if code < 200 && code != http.StatusSwitchingProtocols {
		return // an interim answer: the Graph API sends none
	}
	w.wrote, w.status = true, code
	for k, v := range w.header {
		w.sent = append(w.sent, keyValues{k, v})
	}
	sortByKey(w.sent)
	if cl := w.get("Content-Length"); cl != "" {
		if v, err := strconv.ParseInt(cl, 10, 64); err == nil && v >= 0 {
			w.declared = v
		} else {
			w.c.s.logf("http: invalid Content-Length of %q", cl)
			w.drop("Content-Length")
		}
	}
}

func (w *response) Write(p []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	if !bodyAllowedForStatus(w.status) {
		return 0, http.ErrBodyNotAllowed
	}
	if w.declared >= 0 && int64(len(w.body))+int64(len(p)) > w.declared {
		n := int(w.declared - int64(len(w.body)))
		w.body = append(w.body, p[:n]...)
		return n, http.ErrContentLength
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

// finish writes the answer with what net/http adds to it: Date,
// Content-Length, a sniffed Content-Type, Connection: close when the
// connection ends after it.
func (w *response) finish(now time.Time) error {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	c := w.c
	if w.req.ContentLength != 0 && !w.closeAfter && !c.body.discardRest() {
		w.closeAfter = true
	}
	if w.get("Connection") == "close" || c.s.closing.Load() {
		w.closeAfter = true
	}
	allowed := bodyAllowedForStatus(w.status)
	w.drop("Transfer-Encoding") // the answer is always sent with its length
	var contentType string
	if allowed {
		if !w.has("Content-Type") && w.get("Content-Encoding") == "" && len(w.body) > 0 {
			contentType = http.DetectContentType(w.body)
		}
	} else {
		if w.status == http.StatusNotModified {
			w.drop("Content-Type")
		}
		w.drop("Content-Length")
		w.body = w.body[:0]
	}
	length := -1
	if allowed && w.declared < 0 {
		length = len(w.body)
	}
	if w.declared >= 0 && int64(len(w.body)) != w.declared {
		w.closeAfter = true // a short answer: the client must not wait on
	}
	connection := ""
	if w.closeAfter && (c.s.closing.Load() || !hasToken(w.get("Connection"), "close")) {
		w.drop("Connection")
		connection = "close"
	}

	out := append(w.out[:0], "HTTP/1.1 "...)
	out = strconv.AppendInt(out, int64(w.status), 10)
	out = append(out, ' ')
	if text := http.StatusText(w.status); text != "" {
		out = append(out, text...)
	} else {
		out = append(out, "status code "...)
		out = strconv.AppendInt(out, int64(w.status), 10)
	}
	out = append(out, "\r\n"...)
	for _, kv := range w.sent {
		if !validFieldName(kv.key) {
			continue // as net/http drops a header it cannot write
		}
		for _, v := range kv.values {
			out = append(out, kv.key...)
			out = append(out, ": "...)
			out = appendFieldValue(out, v)
			out = append(out, "\r\n"...)
		}
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
	out = append(out, "\r\n"...)

	var err error
	if len(w.body) <= keepBuffer/4 {
		out = append(out, w.body...)
		_, err = c.rwc.Write(out)
	} else {
		bufs := net.Buffers{out, w.body}
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
	return err
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
