package h1

import (
	"bytes"
	"net/http"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
)

// parseRequest reads a request from head (its request line and headers,
// the empty line included) as net/http would, or reports false for any
// request the short road leaves to net/http: another method or protocol,
// a target that is not a path, a header net/http refuses or treats
// specially (Transfer-Encoding, Expect, Upgrade, a second Host or
// Content-Length), a folded line.
func parseRequest(head []byte, c *conn) (*http.Request, bool) {
	return parseHead(head, c, false)
}

// takesSoFar reports whether the short road would still take a head whose
// start, buf, has come: its whole lines are ones parseRequest takes,
// but for a Host yet to come. A line it refuses hands the connection
// over at once rather than at the head's end, since net/http may answer
// it first (a malformed request line, a line without a colon) and a
// client may wait for that answer before it sends any more.
func takesSoFar(buf []byte, c *conn) bool {
	i := bytes.LastIndex(buf, []byte("\r\n"))
	if i < 0 {
		return true // not even the request line yet: net/http waits too
	}
	head := make([]byte, 0, i+4)
	head = append(append(head, buf[:i+2]...), "\r\n"...)
	_, ok := parseHead(head, c, true)
	return ok
}

// parseHead is parseRequest; partial takes a head without its Host, the
// start of one still coming.
func parseHead(head []byte, c *conn, partial bool) (*http.Request, bool) {
	s := string(head[:len(head)-2]) // every string below shares this one
	line, rest, _ := strings.Cut(s, "\r\n")
	method, line, ok1 := strings.Cut(line, " ")
	target, proto, ok2 := strings.Cut(line, " ")
	if !ok1 || !ok2 || proto != "HTTP/1.1" || len(target) == 0 || target[0] != '/' {
		return nil, false
	}
	switch method {
	case http.MethodGet:
		method = http.MethodGet
	case http.MethodPost:
		method = http.MethodPost
	case http.MethodDelete:
		method = http.MethodDelete
	default:
		return nil, false // HEAD, OPTIONS, PUT and the rest: net/http
	}

	n := strings.Count(rest, "\r\n")
	h := make(http.Header, n)
	values := make([]string, 0, n)
	var host string
	hosts, lengths := 0, 0
	contentLength := int64(0)
	closeToken := false
	for rest != "" {
		var l string
		l, rest, _ = strings.Cut(rest, "\r\n")
		if l == "" || l[0] == ' ' || l[0] == '\t' {
			return nil, false // a folded line
		}
		name, value, ok := strings.Cut(l, ":")
		if !ok || !validFieldName(name) {
			return nil, false
		}
		value = trimOWS(value)
		if !validFieldValue(value) {
			return nil, false
		}
		key := textproto.CanonicalMIMEHeaderKey(name)
		switch key {
		case "Host":
			hosts++
			if !validHost(value) {
				return nil, false
			}
			host = value
		case "Content-Length":
			lengths++
			v, err := strconv.ParseInt(value, 10, 64)
			if err != nil || v < 0 || value[0] == '+' || value[0] == '-' {
				return nil, false
			}
			contentLength = v
		case "Transfer-Encoding", "Expect", "Upgrade", "Te", "Trailer":
			return nil, false
		case "Connection":
			closeToken = closeToken || listHasToken(value, "close")
		}
		if key == "Host" {
			continue // net/http takes it out of the header into r.Host
		}
		values = append(values, value)
		i := len(values) - 1
		if vv, ok := h[key]; ok {
			h[key] = append(vv, value)
		} else {
			h[key] = values[i : i+1 : i+1]
		}
	}
	if hosts > 1 || (hosts == 0 && !partial) || lengths > 1 {
		return nil, false // net/http answers both
	}
	u, err := url.ParseRequestURI(target)
	if err != nil {
		return nil, false
	}
	// As net/http does: a Pragma: no-cache without Cache-Control means it.
	if p := h["Pragma"]; len(p) > 0 && p[0] == "no-cache" {
		if _, ok := h["Cache-Control"]; !ok {
			h["Cache-Control"] = []string{"no-cache"}
		}
	}
	r := new(http.Request)
	*r = c.blank // a request carrying the connection's context
	r.Method, r.URL = method, u
	r.Proto, r.ProtoMajor, r.ProtoMinor = "HTTP/1.1", 1, 1
	r.Header, r.Body, r.ContentLength = h, http.NoBody, contentLength
	r.Close, r.Host, r.RemoteAddr, r.RequestURI = closeToken, host, c.remote, target
	if contentLength > 0 {
		r.Body = &c.body
	}
	return r, true
}

// trimOWS trims the spaces and tabs around a header value.
func trimOWS(s string) string {
	for s != "" && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	for s != "" && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t') {
		s = s[:len(s)-1]
	}
	return s
}

// validFieldName reports whether s is an HTTP token.
func validFieldName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !tokenBytes[s[i]] {
			return false
		}
	}
	return true
}

// tokenBytes are the bytes of an HTTP token (RFC 9110, section 5.6.2).
var tokenBytes = func() (t [256]bool) {
	for b := '0'; b <= '9'; b++ {
		t[b] = true
	}
	for b := 'a'; b <= 'z'; b++ {
		t[b], t[b-'a'+'A'] = true, true
	}
	for _, b := range "!#$%&'*+-.^_`|~" {
		t[b] = true
	}
	return t
}()

// validFieldValue reports whether s has no control byte but tab.
func validFieldValue(s string) bool {
	for i := 0; i < len(s); i++ {
		if b := s[i]; (b < ' ' && b != '\t') || b == 0x7f {
			return false
		}
	}
	return true
}

// validHost is a strict subset of what net/http takes in a Host header:
// a name, an IPv4 or a bracketed IPv6 address, and a port.
func validHost(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		b := s[i]
		switch {
		case 'a' <= b && b <= 'z', 'A' <= b && b <= 'Z', '0' <= b && b <= '9':
		case b == '.' || b == '-' || b == ':' || b == '[' || b == ']' || b == '_':
		default:
			return false
		}
	}
	return true
}

// listHasToken reports whether the comma-separated list v holds token
// (lower case), ASCII letters in any case, as net/http sets Request.Close
// from Connection.
func listHasToken(v, token string) bool {
	for v != "" {
		var t string
		t, v, _ = strings.Cut(v, ",")
		if asciiEqualFold(strings.Trim(t, " \t"), token) {
			return true
		}
	}
	return false
}

// hasToken reports whether token (lower case) appears in v between
// spaces, tabs or commas, ASCII letters in any case: net/http's test of a
// Connection header when it decides to close.
func hasToken(v, token string) bool {
	for sp := 0; sp+len(token) <= len(v); sp++ {
		if sp > 0 && !isTokenBoundary(v[sp-1]) {
			continue
		}
		if end := sp + len(token); end != len(v) && !isTokenBoundary(v[end]) {
			continue
		}
		if asciiEqualFold(v[sp:sp+len(token)], token) {
			return true
		}
	}
	return false
}

func isTokenBoundary(b byte) bool { return b == ' ' || b == ',' || b == '\t' }

// asciiEqualFold compares s with lower, ASCII letters in any case and
// nothing else folded (not the Unicode folds strings.EqualFold makes).
func asciiEqualFold(s, lower string) bool {
	if len(s) != len(lower) {
		return false
	}
	for i := 0; i < len(s); i++ {
		b := s[i]
		if 'A' <= b && b <= 'Z' {
			b += 'a' - 'A'
		}
		if b != lower[i] {
			return false
		}
	}
	return true
}

// wantsClose reports whether the client asked for the connection to end
// after this answer, as net/http reads it.
func wantsClose(r *http.Request) bool {
	if r.Close {
		return true
	}
	v := r.Header["Connection"]
	return len(v) > 0 && hasToken(v[0], "close")
}
