package fakegraph

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
	"unsafe"

	"github.com/messemu/messemu/validator"
)

// File is an uploaded file part (multipart "filedata").
type File struct {
	Field       string `json:"field"`
	Name        string `json:"filename"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	Data        []byte `json:"-"`
}

// decoded is a request's parameters: the query and the body (JSON, form or
// multipart) as one JSON object. Object-valued form fields arrive as JSON
// strings (the platform's own curl examples send them so) and are parsed.
type decoded struct {
	params map[string]any
	files  []File
	// fromJSON is true when the body was a JSON document.
	fromJSON bool
	// raw is that document, as it came.
	raw []byte
	// message is the canonical form of its message member, an object,
	// written from the body as it came (decodeBody); nil if it has none.
	message *[]byte
	// maps are the document's small objects, to give back once the
	// request is done with them (jsonmaps.go).
	maps *treeMaps
	// queryKeys are the parameters that came from the query string;
	// query is the query string read once.
	queryKeys []string
	query     url.Values
	// tap read the body: its size, hash and prefix for the journal of a
	// refused request (body.go).
	tap *bodyTap
	// unclosed: a multipart body without its closing boundary, read to
	// its end (PLATFORM.md D27).
	unclosed bool
	// badText names a value of the body that is not UTF-8 (hasBadText):
	// a JSON body's first (keys sorted), a form's least path. The body is
	// read all the same, its strings holding the bytes as they came, so
	// that the Send API judges them where its check order puts them
	// (PLATFORM.md §2: auth, route, recipient, …); anywhere else the body
	// is refused once the route is known.
	badText    validator.Path
	hasBadText bool
	// judged: the body is a send of a generic template whose elements
	// passed validator.ElementsPass, and params hold the rest of it
	// (jsonelements.go); whole decodes all of it.
	judged bool
	// sendLike: the call may be a send (POST …/messages), whose body
	// decodeBodyJudged reads.
	sendLike bool
}

// refuseBadText refuses, and journals why, a call whose body's badText is
// set: the string the platform says a value not in UTF-8 is not.
func (c *call) refuseBadText() *validator.GraphError {
	p := c.decoded.badText
	return c.fail(p.JSON(), ruleRequestShape, validator.Err(validator.KeyString, p.Param()), "invalid UTF-8 in "+p.JSON())
}

// maxMultipartParts bounds the parts of a multipart body. It is not a
// platform limit (a Graph call has a dozen parameters at most) but the
// resource bound Go's own ParseMultipartForm applies, so that a body of
// 200,000 tiny parts is refused before it costs hundreds of megabytes.
const maxMultipartParts = 1000

// errTooLarge marks a body over the limit.
var errTooLarge = errors.New("request body too large")

// decodeRequest reads r's query and body within limit bytes.
// A sendLike request, one that may be a send, has its generic template's
// elements judged as they are read (jsonelements.go).
func decodeRequest(r *http.Request, limit int64, sendLike bool) (decoded, *validator.GraphError, string) {
	d := decoded{sendLike: sendLike} // a JSON body's object becomes params itself
	if r.Body != nil && r.Method != http.MethodGet && r.Method != http.MethodHead {
		if ge, detail := d.readBody(r, limit); ge != nil {
			if d.params == nil {
				d.params = map[string]any{}
			}
			return d, ge, detail
		}
	}
	// Query parameters apply too; the body wins on a clash.
	var qerr error
	d.query, qerr = parseParams(r.URL.RawQuery)
	if qerr != nil {
		if d.params == nil {
			d.params = map[string]any{}
		}
		return d, validator.Err(validator.KeyInvalid), "the query string does not parse: " + qerr.Error()
	}
	if d.params == nil {
		d.params = make(map[string]any, len(d.query))
	}
	ge, detail := d.readPairs(d.query, true)
	return d, ge, detail
}

// readPairs reads a form's or the query's pairs into params, each name and
// value judged as text (formText, bodyValue), the last value of a repeated
// key standing. The query's do not replace the body's (the body wins on a
// clash), and are noted in queryKeys.
func (d *decoded) readPairs(vals url.Values, fromQuery bool) (*validator.GraphError, string) {
	for k, vs := range vals {
		if len(vs) == 0 {
			continue
		}
		if ge, detail := d.formText(k, vs); ge != nil {
			return ge, detail
		}
		if _, set := d.params[k]; set && fromQuery {
			continue
		}
		v, ge, detail := d.bodyValue(k, vs[len(vs)-1])
		if ge != nil {
			return ge, detail
		}
		d.params[k] = v
		if fromQuery {
			d.queryKeys = append(d.queryKeys, k)
		}
	}
	return nil, ""
}

// maxParams bounds the parameters of a query string or a form body. It is
// not a platform limit but the resource bound Go's own query parser
// applies, so that a body of a million empty pairs is refused before it
// costs a map of a million entries.
const maxParams = 10000

// parseParams reads a query string or a form body: pairs split at "&",
// each at its first "=", percent-decoded with "+" as a space. It differs
// from url.ParseQuery where the platform does: a ";" is a character of
// its pair, not a separator Go refuses the pair for (a form's
// message={"text":"a;b"} is the text "a;b"), and a pair that does not
// decode is kept as it came rather than dropped, beside the error, so that
// a caller refusing the request for the error still reads what was given
// (a token with a bad escape is a garbled token, PLATFORM.md §1.2).
func parseParams(s string) (url.Values, error) {
	vals := url.Values{}
	if n := strings.Count(s, "&") + 1; n > maxParams {
		return vals, errors.New("more than " + strconv.Itoa(maxParams) + " parameters")
	}
	var first error
	for s != "" {
		var pair string
		pair, s, _ = strings.Cut(s, "&")
		if pair == "" {
			continue
		}
		rawKey, rawValue, _ := strings.Cut(pair, "=")
		key, err := url.QueryUnescape(rawKey)
		if err != nil {
			key = rawKey
		}
		value, verr := url.QueryUnescape(rawValue)
		if verr != nil {
			value = rawValue
			if err == nil {
				err = verr
			}
		}
		if err != nil && first == nil {
			first = err
		}
		vals[key] = append(vals[key], value)
	}
	return vals, first
}

// readAll reads up to limit+1 bytes of body, in one allocation when the
// request says its length (n). On an error it returns what it read too.
func readAll(body io.Reader, n, limit int64) ([]byte, error) {
	if n > 0 && n <= limit {
		buf := make([]byte, n, n+1)
		if m, err := io.ReadFull(body, buf); err != nil {
			return buf[:m], err
		}
		// A body longer than it said is read on, as io.ReadAll would.
		for {
			m, err := body.Read(buf[n : n+1])
			if m > 0 {
				rest, err := io.ReadAll(io.LimitReader(body, limit-n))
				return append(buf[:n+1], rest...), err
			}
			if err == io.EOF {
				return buf, nil
			}
			if err != nil {
				return buf, err
			}
		}
	}
	return io.ReadAll(io.LimitReader(body, limit+1))
}

func (d *decoded) readBody(r *http.Request, limit int64) (*validator.GraphError, string) {
	ct := r.Header.Get("Content-Type")
	switch {
	case ct == "application/json": // what most clients send
	case jsonWithParameters(ct): // "application/json; charset=utf-8", as many Java and Kotlin clients send it
		ct = "application/json"
	default:
		var ctParams map[string]string
		ct, ctParams, _ = mime.ParseMediaType(ct)
		if ct == "multipart/form-data" {
			return d.readMultipart(r, ctParams["boundary"], limit)
		}
	}
	body, err := readAll(r.Body, r.ContentLength, limit)
	d.tap = tapOf(r.Body, body)
	if err != nil {
		return validator.Err(validator.KeyInvalid), "reading the body: " + err.Error()
	}
	if int64(len(body)) > limit {
		d.tap.drain()
		return validator.Err(validator.KeyInvalid), "request body over " + strconv.FormatInt(limit, 10) + " bytes"
	}
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return nil, ""
	}
	switch {
	case ct == "application/json" || ct == "text/json" || (ct != "application/x-www-form-urlencoded" && trimmed[0] == '{'):
		d.fromJSON = true
		return d.readJSON(body)
	default:
		vals, err := parseParams(string(body))
		if err != nil {
			return validator.Err(validator.KeyInvalid), "the form body does not parse: " + err.Error()
		}
		d.params = make(map[string]any, len(vals))
		return d.readPairs(vals, false)
	}
}

// objectParams are the top-level parameters whose value is an object or a
// list, sent in a form as JSON text (PLATFORM.md §2), by the families that
// write: the Send API, the Messenger Profile, custom_user_settings,
// subscribed_apps, handover and batch.
var objectParams = map[string]bool{
	"recipient": true, "message": true, "reply_to": true, "payload": true,
	"get_started": true, "persistent_menu": true, "greeting": true, "ice_breakers": true,
	"whitelisted_domains": true, "commands": true, "target_audience": true, "home_url": true,
	"payment_settings": true, "fields": true, "params": true, "subscribed_fields": true, "batch": true,
}

// bodyValue is formValue for a form or multipart body's parameter. The
// text null of an object parameter (objectParams) is JSON's null. A value
// that is not UTF-8 is kept with its bytes as they came and noted in
// badText, as a JSON body's text is; the token and the proof, which come
// first, are still refused at once.
func (d *decoded) bodyValue(key, v string) (any, *validator.GraphError, string) {
	if authParam(key) {
		return formValue(key, v)
	}
	if objectParams[key] && strings.TrimSpace(v) == "null" {
		// JSON's null, as an object value is JSON text in a form (§2):
		// what a client that writes every value as JSON sends for none,
		// absent with a warning as in a JSON body (D22). A text
		// parameter's "null" is its text (a label may be named so).
		return nil, nil, ""
	}
	if utf8.ValidString(v) {
		return formValue(key, v)
	}
	var x any = v
	p := validator.Path{}.Key(key)
	if t := strings.TrimSpace(v); t != "" && t[0] == '{' {
		obj, ok := decodeObjectText(t)
		if !ok {
			return formValue(key, v) // refused as before: not one JSON object
		}
		q, inKey := textPath(obj, p, notUTF8)
		if inKey {
			ge, detail := invalidTextAt(q)
			return nil, ge, detail
		}
		x, p = obj, q
	}
	d.noteBadText(p)
	return x, nil, ""
}

// noteBadText notes p as text that is not UTF-8, keeping the least path of
// the body's (so that the answer does not hang on the order of a map).
func (d *decoded) noteBadText(p validator.Path) {
	if !d.hasBadText || p.JSON() < d.badText.JSON() {
		d.badText, d.hasBadText = p, true
	}
}

// formText refuses a form or query parameter whose name is not UTF-8, and
// notes an earlier value of a repeated one that is not (the last value is
// the one read: bodyValue judges it); a token's or a proof's is refused at
// once, as bodyValue refuses the one read.
func (d *decoded) formText(key string, values []string) (*validator.GraphError, string) {
	if !utf8.ValidString(key) {
		return validator.Err(validator.KeyInvalid), "invalid UTF-8 in a parameter's name"
	}
	for _, v := range values[:max(len(values)-1, 0)] {
		switch {
		case utf8.ValidString(v):
		case authParam(key):
			return validator.Err(validator.KeyString, key), "invalid UTF-8 in " + key
		default:
			d.noteBadText(validator.Path{}.Key(key))
		}
	}
	return nil, ""
}

// jsonWithParameters reports a Content-Type whose media type is
// application/json in any case of ASCII letters, with one parameter at
// most: what mime.ParseMediaType names "application/json", read without
// its map of parameters (a charset changes nothing: a body is UTF-8). Two
// or more go to ParseMediaType, which names none for a name given twice
// with two values (FuzzJSONWithParameters found it).
func jsonWithParameters(ct string) bool {
	const json = "application/json"
	base, params, _ := strings.Cut(ct, ";")
	if strings.Contains(params, ";") {
		return false
	}
	base = strings.TrimSpace(base)
	if len(base) != len(json) {
		return false
	}
	for i := 0; i < len(json); i++ {
		if c := base[i]; c != json[i] && !('A' <= c && c <= 'Z' && c+'a'-'A' == json[i]) {
			return false
		}
	}
	return true
}

func (d *decoded) readJSON(body []byte) (*validator.GraphError, string) {
	if utf8.Valid(body) {
		// jsondecode.go: the same values, without reflection, and the
		// syntax check; anything else is left to encoding/json below.
		if obj, message, maps, judged, ok := decodeBodyJudged(body, d.sendLike); ok {
			d.setJSON(obj, body)
			d.message, d.maps, d.judged = message, maps, judged
			return nil, ""
		}
	}
	if obj, message, maps, ok := decodeBody(body); ok {
		// Not UTF-8, but JSON: the tree's strings hold the bytes as
		// they came (the decoder copies what is between the quotes).
		if message != nil {
			putTreeBuffer(message, (*message)[:0]) // written from bytes that are not text
		}
		for _, k := range []string{"access_token", "appsecret_proof"} { // the token first
			if s, isText := obj[k].(string); isText && notUTF8(s) {
				maps.release(false)
				return invalidTextAt(validator.Path{}.Key(k)) // at once, as in a form or the query (§1.3)
			}
		}
		p, inKey := textPath(obj, validator.Path{}, notUTF8)
		if !inKey && p.JSON() == "" {
			maps.release(false) // in a value a later duplicate key replaced
			return validator.Err(validator.KeyInvalid), "invalid UTF-8 in a value a repeated key replaced"
		}
		if inKey {
			maps.release(false)
			return invalidTextAt(p)
		}
		// The journal and the web page read the body as text: they get
		// it with U+FFFD for the bytes that were not.
		d.setJSON(obj, bytes.ToValidUTF8(body, []byte(string(utf8.RuneError))))
		d.maps = maps
		d.badText, d.hasBadText = p, true
		return nil, ""
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return validator.Err(validator.KeyInvalid), "the JSON body does not parse: " + err.Error()
	}
	// Anything after the value but space is trailing data: More alone
	// reports false before a stray } or ].
	if len(bytes.TrimSpace(body[dec.InputOffset():])) > 0 {
		return validator.Err(validator.KeyInvalid), "the JSON body has trailing data"
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return validator.Err(validator.KeyInvalid), "the JSON body is not an object"
	}
	if !utf8.Valid(body) {
		// encoding/json turned the bad bytes into U+FFFD; name the value.
		p, _ := textPath(obj, validator.Path{}, hasReplacement)
		return invalidTextAt(p)
	}
	d.setJSON(obj, body)
	return nil, ""
}

// setJSON takes a decoded JSON body as the parameters.
func (d *decoded) setJSON(obj map[string]any, body []byte) {
	// Graph reads a JSON body's top-level keys as parameters, so an object
	// or array sent as JSON text (message="{\"text\":…}", batch="[…]")
	// counts as that object, as it does in a form.
	for k, v := range obj {
		if str, ok := v.(string); ok {
			if t := strings.TrimSpace(str); t != "" && (t[0] == '{' || t[0] == '[') {
				if x, err := parseJSONValue(t); err == nil {
					obj[k] = x
				}
			}
		}
	}
	d.params = obj
	d.raw = body
}

// whole makes params the whole body's, decoded again with the query's
// parameters as before, for a call whose body was judged (judged).
func (d *decoded) whole() {
	d.judged = false
	obj, _ := decodeWith(unsafe.String(unsafe.SliceData(d.raw), len(d.raw)), nil, d.maps) // decoded once already: it is one object
	d.setJSON(obj, d.raw)
	queryKeys := d.queryKeys
	d.readPairs(d.query, true) // read once already: no error
	d.queryKeys = queryKeys
}

// wholeCopy is the whole body's parameters, for a call whose body was
// judged, decoded apart from params: the message a send stores when the
// decoder could not write it (a key with escapes), and the test binary's
// checks.
func (d *decoded) wholeCopy() map[string]any {
	whole := decoded{raw: d.raw, query: d.query}
	whole.whole()
	return whole.params
}

// readMultipart reads a multipart body. A body whose closing boundary is
// missing is read to its end, as the platform evidently does (PLATFORM.md
// D27: paked/messenger never closes its writer): every complete part
// counts, the last part ending where the body ends; a part whose headers
// are cut short cannot be read and is refused.
func (d *decoded) readMultipart(r *http.Request, boundary string, limit int64) (*validator.GraphError, string) {
	d.params = map[string]any{}
	if boundary == "" {
		return validator.Err(validator.KeyInvalid), "multipart body without a boundary"
	}
	body, err := readAll(r.Body, r.ContentLength, limit)
	d.tap = tapOf(r.Body, body)
	if err != nil {
		return validator.Err(validator.KeyInvalid), "reading the body: " + err.Error()
	}
	if int64(len(body)) > limit {
		d.tap.drain()
		return validator.Err(validator.KeyTooLarge), "request body over " + strconv.FormatInt(limit, 10) + " bytes"
	}
	closed, unclosed := closeMultipart(body, boundary)
	if d.unclosed = unclosed; unclosed && headersCut(body, boundary) {
		// The closing delimiter's line break would end them (D27: a part
		// cut short is E invalid).
		return validator.Err(validator.KeyInvalid), "the multipart body stops within a part's headers"
	}
	mr := multipart.NewReader(bytes.NewReader(closed), boundary)
	var lastField, lastValue string // the last part, when it is a text field
	for parts := 0; ; parts++ {
		part, err := mr.NextPart()
		if err == io.EOF {
			if v, cut := strings.CutSuffix(lastValue, "\r\n"); d.unclosed && cut {
				// The body stopped after the line break that starts a
				// delimiter: a text value's line break is the
				// delimiter's, not the value's (a file's may be its own,
				// and stays).
				x, ge, detail := d.bodyValue(lastField, v)
				if ge != nil {
					return ge, detail
				}
				d.params[lastField] = x
			}
			return nil, ""
		}
		if err != nil {
			return validator.Err(validator.KeyInvalid), "the multipart body does not parse: " + err.Error()
		}
		if parts == maxMultipartParts {
			return validator.Err(validator.KeyInvalid), "a multipart body of more than " + strconv.Itoa(maxMultipartParts) + " parts"
		}
		data, err := io.ReadAll(part)
		if err != nil {
			return validator.Err(validator.KeyInvalid), "the multipart body does not parse: " + err.Error()
		}
		name := part.FormName()
		if !utf8.ValidString(name) {
			return validator.Err(validator.KeyInvalid), "invalid UTF-8 in a parameter's name"
		}
		// A file part has a file name; a filedata part without one is a
		// file still when it says its type (Node's form-data sends a Buffer
		// so), but a bare text field of that name (curl -F filedata=hello)
		// is no file.
		if part.FileName() != "" || (name == "filedata" && part.Header.Get("Content-Type") != "") {
			ct := part.Header.Get("Content-Type")
			if ct == "" {
				ct = "application/octet-stream"
			}
			d.files = append(d.files, File{Field: name, Name: part.FileName(), ContentType: ct, Size: int64(len(data)), Data: data})
			lastField, lastValue = "", ""
			continue
		}
		lastField, lastValue = name, string(data)
		v, ge, detail := d.bodyValue(name, lastValue)
		if ge != nil {
			return ge, detail
		}
		d.params[name] = v
	}
}

// closeMultipart returns body ending with its closing delimiter, adding
// one when it is missing (added true). A trailing start of a delimiter
// (from "\r\n-" to "\r\n--b-") is completed rather than left to read as
// the last value's; a trailing "\r\n" alone may be a file's own, and is
// left to readMultipart.
func closeMultipart(body []byte, boundary string) (_ []byte, added bool) {
	delim := []byte("\r\n--" + boundary)
	closing := append(delim[:len(delim):len(delim)], "--"...)
	if bytes.Contains(body, closing) || bytes.HasPrefix(body, closing[2:]) {
		return body, false
	}
	out := body
	for n := min(len(closing)-1, len(body)); n >= len("\r\n-"); n-- {
		if bytes.HasSuffix(body, closing[:n]) {
			out = body[:len(body)-n] // the delimiter's start: its line break is not the value's
			break
		}
	}
	out = append(out[:len(out):len(out)], closing...)
	return append(out, "\r\n"...), true
}

// headersCut reports a body whose last part stops within its headers: a
// delimiter line, at the body's start or after a line break, then header
// lines with no empty line after them. A body that stops within the
// delimiter line itself is a delimiter's start (closeMultipart), not a part.
func headersCut(body []byte, boundary string) bool {
	delim := "--" + boundary
	for end := len(body); ; {
		i := bytes.LastIndex(body[:end], []byte(delim))
		if i < 0 {
			return false
		}
		if i != 0 && !bytes.HasSuffix(body[:i], []byte("\r\n")) {
			end = i // the boundary's text within a value, not a delimiter
			continue
		}
		rest := body[i+len(delim):]
		line := bytes.Index(rest, []byte("\r\n"))
		if line < 0 || bytes.HasPrefix(rest, []byte("--")) {
			return false // a delimiter's start, or the closing one
		}
		headers := rest[line+2:]
		return !bytes.HasPrefix(headers, []byte("\r\n")) && !bytes.Contains(headers, []byte("\r\n\r\n"))
	}
}

// formValue turns a form value into a JSON value: objects and arrays are
// parsed (also in the single-quoted form the docs show,
// recipient={'id':'…'}), anything else stays text.
func formValue(key, v string) (any, *validator.GraphError, string) {
	if !utf8.ValidString(v) {
		return nil, validator.Err(validator.KeyString, key), "invalid UTF-8 in " + key
	}
	t := strings.TrimSpace(v)
	if t == "" || (t[0] != '{' && t[0] != '[') {
		return v, nil, ""
	}
	if x, err := parseJSONValue(t); err == nil {
		return x, nil, ""
	}
	if x, err := parseJSONValue(singleToDoubleQuotes(t)); err == nil {
		return x, nil, ""
	}
	return nil, validator.Err(validator.KeyInvalid), "param " + key + " is not valid JSON"
}

// parseJSONValue reads a parameter's JSON text (an object or array sent as
// a form field or as a JSON string): one value, and nothing after it but
// JSON's white space. An object goes through decodeObject, the body's own
// decoder, when it can: it gives the same values without reflection.
func parseJSONValue(s string) (any, error) {
	if s != "" && s[0] == '{' && utf8.ValidString(s) {
		if obj, ok := decodeObjectText(s); ok {
			return obj, nil
		}
	}
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	// Not dec.More(): it reads a stray } or ] after the value as the end
	// of an enclosing one, and `{"text":"x"}}` would pass.
	if strings.Trim(s[dec.InputOffset():], " \t\r\n") != "" {
		return nil, errors.New("trailing data")
	}
	return v, nil
}

// singleToDoubleQuotes rewrites a single-quoted JSON-like text with double
// quotes, leaving quotes inside strings alone.
func singleToDoubleQuotes(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	var quote rune
	escaped := false
	for _, r := range s {
		switch {
		case escaped:
			escaped = false
		case r == '\\':
			escaped = true
		case quote == 0 && (r == '\'' || r == '"'):
			quote = r
			r = '"'
		case quote != 0 && r == quote:
			quote = 0
			r = '"'
		case quote == '\'' && r == '"':
			b.WriteString(`\"`)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// invalidTextAt refuses a body whose text at p is not UTF-8 (the whole
// body when p is empty: a top-level key).
func invalidTextAt(p validator.Path) (*validator.GraphError, string) {
	if p.JSON() == "" {
		return validator.Err(validator.KeyInvalid), "invalid UTF-8 in a top-level key"
	}
	return validator.Err(validator.KeyString, p.Param()), "invalid UTF-8 in " + p.JSON()
}

func notUTF8(s string) bool        { return !utf8.ValidString(s) }
func hasReplacement(s string) bool { return strings.ContainsRune(s, utf8.RuneError) }

// textPath finds the first string (keys sorted) that is bad; inKey is true
// when it is a key, p then naming the object holding it.
func textPath(v any, p validator.Path, bad func(string) bool) (_ validator.Path, inKey bool) {
	switch x := v.(type) {
	case string:
		if bad(x) {
			return p, false
		}
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if bad(k) {
				return p, true // name the object: such a key has no place on the wire
			}
			child := p.Key(k)
			if k == "payload" && p.JSON() == "message.attachment" && x["type"] == "template" {
				child = child.Rebase("name_placeholder") // PLATFORM.md §2.6
			}
			if q, inKey := textPath(x[k], child, bad); q.JSON() != "" || inKey {
				return q, inKey
			}
		}
	case []any:
		for i, e := range x {
			if q, inKey := textPath(e, p.Index(i), bad); q.JSON() != "" || inKey {
				return q, inKey
			}
		}
	}
	return validator.Path{}, false
}
