package fakegraph

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/messemu/messemu/validator"
)

// call is one Graph API request on its way through the emulator: what the
// pipeline learned (version, token, Page, parameters) and what the handler
// adds for the journal (the conversation, violations).
type call struct {
	s       *Server
	r       *http.Request
	method  string
	version string // the version the call is served as
	segs    []string
	segBuf  [6]string // where segs is split, for the paths the platform has
	params  map[string]any
	files   []File
	decoded decoded // the body as it came, for the journal
	token   string
	page    *pageState // the token's Page
	// appToken: the call came with the app access token (app_id|secret),
	// which serves only the app's own routes (subscriptions.go).
	appToken bool
	route    *route
	now      time.Time
	start    time.Time // wall clock, for the log line's latency

	header http.Header // where the answer's headers go
	// headerValues are the values of the answer's own headers
	// (graphHeaders), kept here rather than in an allocation of their own.
	headerValues [4]string

	// Set by handlers, for the journal.
	psid string
	mid  string
	// messageBody is the message a send sent, and stored is where the
	// store keeps it, to learn its journal Seq.
	messageBody json.RawMessage
	// echoURLs are the URLs its echo gives for the saved assets it named
	// by attachment_id.
	echoURLs assetURLs
	stored   storedRef
	// paramsFromQuery: params are the query's alone, the body not decoded
	// (authenticateBesideBody).
	paramsFromQuery bool
	// noEcho: the platform echoes no send to a user_ref (PLATFORM.md §2.8).
	noEcho     bool
	violations []validator.Violation
	// requestJSON overrides what the journal records as the request.
	requestJSON json.RawMessage
	// api overrides the route's family in the journal (node.go: GET /{id}
	// of a user is "user_profile", of a persona "personas", ...).
	api string
}

// response is a finished answer, kept apart from the http.ResponseWriter so
// batch requests can run items through the same pipeline.
type response struct {
	status int
	header http.Header
	body   []byte
	// timedOut: a fault rule made this batch item time out (no answer).
	timedOut bool
}

// warn records a warning violation on the call.
func (c *call) warn(path string, rule validator.Rule, detail string) {
	c.violations = append(c.violations, validator.Violation{
		Path: path, Rule: rule.Name, Limit: rule.LimitText(), Source: rule.Source,
		Severity: validator.SeverityWarning, Detail: detail,
	})
}

// fail records an error violation and returns its Graph error, for
// handlers that refuse a request outside the validator.
func (c *call) fail(path string, rule validator.Rule, err *validator.GraphError, detail string) *validator.GraphError {
	c.violations = append(c.violations, validator.Violation{
		Path: path, Rule: rule.Name, Limit: rule.LimitText(), Source: rule.Source,
		Severity: validator.SeverityError, Detail: detail, Error: err,
	})
	return err
}

// str is a text parameter ("" when absent or not text).
func (c *call) str(key string) string {
	s, _ := paramString(c.params[key])
	return s
}

// textParam is the text of param key, or E string (with detail) when it
// is an object, a list or a boolean, where the platform wants text
// (PLATFORM.md §1.3: numbers are coerced to text). A missing key is "" and
// no error.
func (c *call) textParam(key string, rule validator.Rule, detail string) (string, *validator.GraphError) {
	switch c.params[key].(type) {
	case map[string]any, []any, bool:
		return "", c.fail(key, rule, validator.Err(validator.KeyString, key), detail)
	}
	return c.str(key), nil
}

// warnUnknownParams warns of the top-level parameters a call does not take
// (Graph ignores them, PLATFORM.md §1.3): allowed, and the token and proof
// every call takes. One of Graph's own parameters (validator.GraphParam)
// is said to be so.
func (c *call) warnUnknownParams(rule validator.Rule, allowed ...string) {
	for _, k := range sortedKeys(c.params) {
		switch {
		case authParam(k) || containsString(allowed, k):
		case validator.GraphParam(k):
			c.warn(k, rule, "one of Graph's own parameters, which messemu does not emulate: the answer is as without it")
		default:
			c.warn(k, rule, "unknown top-level parameter, ignored by Graph")
		}
	}
}

// ruleReadParam: a parameter a read (GET) does not take is W, as on the
// other families (PLATFORM.md §1.3).
var ruleReadParam = validator.Rule{Name: "read.unknown-parameter", Source: "note §1.3"}

// ruleReadFields: fields, which Graph reads on every node and edge, on an
// edge where messemu answers every field: messemu's gap, not the bot's
// (as D25's not-emulated fields).
var ruleReadFields = validator.Rule{Name: "read.fields.not-emulated", Source: "decision D25"}

// readParams warns of the parameters of a GET other than own, the route's.
// fields, which Graph reads on every node and edge, is warned of as not
// modelled where messemu answers every field.
func (c *call) readParams(own []string) {
	if _, ok := c.params["fields"]; ok && !slices.Contains(own, "fields") {
		c.warn("fields", ruleReadFields, "messemu does not model fields on this edge: the answer has all its fields")
		own = append(own[:len(own):len(own)], "fields")
	}
	c.warnUnknownParams(ruleReadParam, own...)
}

func paramString(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case json.Number:
		return x.String(), true
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true
	case bool:
		return strconv.FormatBool(x), true
	}
	return "", false
}

var (
	versionPattern = regexp.MustCompile(`^v([0-9]+)\.([0-9]+)$`)
	ruleOldVersion = validator.Rule{Name: "version.expired", Source: "Graph/guides/versioning"}
	// ruleVersion: a version Graph has never had, or a newer one
	// (PLATFORM.md §1.1, D21).
	ruleVersion = validator.Rule{Name: "version", Source: "Graph/guides/versioning"}
	// ruleGetMessages: the Send API read with GET (§2).
	ruleGetMessages = validator.Rule{Name: "send.method", Source: "SendRef"}
	// rulePageNode: another Page's node, which a Page token does not
	// reach (§1.2).
	rulePageNode = validator.Rule{Name: "page.other", Source: "Graph/guides/access-tokens"}
	ruleFilePart = validator.Rule{Name: "upload.filedata", Source: "MP/send-messages/saving-assets"}
	// ruleMultipartClose: a multipart body without its closing boundary
	// is read to its end (W, PLATFORM.md D27).
	ruleMultipartClose = validator.Rule{Name: "multipart.closing-boundary", Source: "decision D27"}
	ruleRequestShape   = validator.Rule{Name: "request", Source: "Graph/guides/error-handling"}
)

// serveGraph runs a Graph API request through the whole pipeline: version,
// body, token, route, rate limits, handler; then it journals the call.
func (s *Server) serveGraph(r *http.Request) response {
	return s.serveGraphInto(r, make(http.Header, 14))
}

// serveGraphInto is serveGraph writing the answer's headers into h (the
// ResponseWriter's own, for a plain request: no copy on the hot path).
func (s *Server) serveGraphInto(r *http.Request, h http.Header) (resp response) {
	c := &call{s: s, r: r, method: r.Method, version: LatestVersion, now: s.clock.Now(), start: time.Now(), header: h}
	if c.method == http.MethodHead {
		c.method = http.MethodGet
	}
	var result any
	var gerr *validator.GraphError
	defer func() {
		if p := recover(); p != nil {
			s.log.Error("panic serving request", "path", r.URL.Path, "panic", fmt.Sprint(p))
			gerr = c.fail("", ruleRequestShape, validator.Err(validator.KeyUnknownError), fmt.Sprint("internal error: ", p))
			result = nil
		}
		if gerr == errTimedOut {
			resp = response{timedOut: true}
		} else {
			resp = s.finish(c, result, gerr)
		}
		c.releaseTree()
	}()
	result, gerr = s.pipeline(c)
	return resp
}

func (s *Server) pipeline(c *call) (any, *validator.GraphError) {
	segs, ok := c.parseVersion(strings.Trim(c.r.URL.Path, "/"))
	if !ok {
		// Authentication still comes first (PLATFORM.md §2: auth, route, …).
		if d, derr, _ := decodeRequest(c.r, s.opts.bodyLimit, false); derr == nil {
			c.params, c.decoded = d.params, d
			if aerr := s.authenticate(c); aerr != nil {
				return nil, aerr
			}
		} else if aerr := s.authenticateBesideBody(c); aerr != nil {
			return nil, aerr
		}
		return nil, c.fail("", ruleVersion, validator.Err(validator.KeyUnknownPath, "/"+strings.Join(segs[1:], "/")),
			segs[0]+" is no Graph API version, or newer than "+LatestVersion)
	}
	c.segs = segs
	// Only a send's generic template is judged as it is read.
	sendLike := c.method == http.MethodPost && segs[len(segs)-1] == "messages" && !s.opts.wholeTrees
	d, gerr, detail := decodeRequest(c.r, s.opts.bodyLimit, sendLike)
	c.decoded = d // a refused body is journalled from it too (body.go)
	if gerr != nil {
		// The token and the route still come first (§2) where they can be
		// judged without the body.
		if aerr := s.authenticateBesideBody(c); aerr != nil {
			return nil, aerr
		}
		if c.token != "" {
			m := s.lookup(c.method, c.segs)
			if m.found == nil {
				return nil, c.refuseRoute(m)
			}
			c.route = m.found
			if c.page != nil { // another Page's node (§1.2)
				if perr := c.resolvePage(); perr != nil {
					return nil, perr
				}
			}
		}
		return nil, c.fail("", ruleRequestShape, gerr, detail)
	}
	c.params, c.decoded = d.params, d
	if d.unclosed {
		c.warn("", ruleMultipartClose, "the multipart body has no closing boundary; its parts were read to the end of the body")
	}
	for _, f := range d.files {
		// The platform reads the file from the part named filedata (§3);
		// a lone file part named otherwise is not the upload. Two or more
		// file parts, whatever their names, are file-count where a file
		// is read (attachments.go).
		if f.Field != "filedata" && len(d.files) == 1 {
			c.warn(f.Field, ruleFilePart, "a file part named "+f.Field+" is ignored; the platform reads filedata")
			continue
		}
		c.files = append(c.files, f)
	}
	if gerr := s.authenticate(c); gerr != nil {
		if m := s.lookup(c.method, c.segs); m.found != nil {
			c.api = m.found.api // the journal files a refused token under the call's family too
		} else if m.other != nil {
			c.api = m.other.api
		}
		return nil, gerr
	}
	m := s.lookup(c.method, c.segs)
	rt := m.found
	if rt == nil {
		return nil, c.refuseRoute(m)
	}
	c.route = rt
	if rt.op != "sendMessage" {
		c.wholeTree() // only a send reads a tree without its elements
	}
	if gerr := c.checkAppToken(); gerr != nil {
		return nil, gerr
	}
	if gerr := c.resolvePage(); gerr != nil {
		return nil, gerr
	}
	if d.hasBadText && rt.op != "sendMessage" {
		// Only the Send API judges such a body's text in its place
		// (send.go); elsewhere it is refused once the route is known.
		return nil, c.refuseBadText()
	}
	if gerr := s.applyFaults(c); gerr != nil {
		return nil, gerr
	}
	if gerr := s.limits.admit(c); gerr != nil {
		return nil, gerr
	}
	if rt.query != nil {
		c.readParams(rt.query)
	}
	v, err := rt.handle(c)
	if err != nil {
		ge, ok := err.(*validator.GraphError)
		if !ok {
			s.log.Error("handler error", "path", c.r.URL.Path, "err", err)
			ge = validator.Err(validator.KeyUnknownError)
		}
		return nil, ge
	}
	return v, nil
}

// parseVersion strips a /vX.Y prefix (PLATFORM.md §1.1, D21).
// On a version Graph does not have, ok is false and segs are the whole
// path's.
func (c *call) parseVersion(path string) (segs []string, ok bool) {
	segs = splitPath(c.segBuf[:0], path)
	first := segs[0]
	if len(first) < 2 || first[0] != 'v' || first[1] < '0' || first[1] > '9' {
		return segs, true
	}
	if !graphVersion(first) || compareVersion(first, LatestVersion) > 0 {
		return segs, false
	}
	c.version = first
	if compareVersion(first, c.s.opts.oldestVersion) < 0 {
		c.version = c.s.opts.oldestVersion
		c.warn("", ruleOldVersion, first+" has expired; served as "+c.version)
	}
	if len(segs) == 1 {
		return []string{""}, true // /vX.Y/ is the root, as / is (batch requests)
	}
	return segs[1:], true
}

// splitPath appends path's segments to dst, as strings.Split(path, "/")
// returns them.
func splitPath(dst []string, path string) []string {
	for {
		i := strings.IndexByte(path, '/')
		if i < 0 {
			return append(dst, path)
		}
		dst = append(dst, path[:i])
		path = path[i+1:]
	}
}

// graphVersion reports whether v names a version the Graph API has had:
// written without leading zeros, v1.0, v2.0 to v2.12, v3.0 to v3.3 (2018
// and 2019), and since v4.0 only vX.0 (PLATFORM.md D21: anything else is
// malformed).
func graphVersion(v string) bool {
	major, minor, ok := versionNumbers(v)
	if !ok {
		return false
	}
	dot := strings.IndexByte(v, '.')
	if (dot > 2 && v[1] == '0') || (len(v)-dot > 2 && v[dot+1] == '0') {
		return false // v026.0, v26.00
	}
	switch {
	case major >= 4:
		return minor == 0
	case major == 3:
		return minor <= 3
	case major == 2:
		return minor <= 12
	default:
		return major == 1 && minor == 0
	}
}

// versionNumbers reads "vX.Y"; ok is false for anything else.
func versionNumbers(v string) (major, minor int, ok bool) {
	if len(v) < 4 || v[0] != 'v' {
		return 0, 0, false
	}
	dot := strings.IndexByte(v, '.')
	if dot < 2 || !isDigits(v[1:dot]) || !isDigits(v[dot+1:]) || dot > 6 || len(v)-dot > 6 {
		return 0, 0, false
	}
	major, err1 := strconv.Atoi(v[1:dot])
	minor, err2 := strconv.Atoi(v[dot+1:])
	return major, minor, err1 == nil && err2 == nil
}

// compareVersion orders "vX.Y" strings (malformed ones by text).
func compareVersion(a, b string) int {
	amaj, amin, aok := versionNumbers(a)
	bmaj, bmin, bok := versionNumbers(b)
	switch {
	case !aok || !bok:
		return strings.Compare(a, b)
	case amaj != bmaj:
		return cmpInt(amaj, bmaj)
	}
	return cmpInt(amin, bmin)
}

func cmpInt(x, y int) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

// isPage reports whether seg names the token's Page: me or its ID.
func (c *call) isPage(seg string) bool { return seg == "me" || seg == c.page.ID }

// resolvePage checks a {page} segment against the token's Page: "me" and
// the Page's own id are it; another Page's id is 100/33 (PLATFORM.md §1.2).
func (c *call) resolvePage() *validator.GraphError {
	for i, p := range c.route.segs {
		if p != "{page}" {
			continue
		}
		seg := c.segs[i]
		if c.isPage(seg) {
			c.segs[i] = c.page.ID
			continue
		}
		return c.fail("", rulePageNode, validator.UnsupportedError(c.method, seg), "another Page's node")
	}
	return nil
}

// unnamedRefusal is, in a test binary, the last refusal that named no
// rule: journalled under its catalogue key instead.
var unnamedRefusal atomic.Pointer[string]

// finish turns a handler's result or error into the response and journals it.
func (s *Server) finish(c *call, result any, gerr *validator.GraphError) response {
	h := s.graphHeaders(c)
	status := http.StatusOK
	var body []byte
	if gerr != nil {
		status = http.StatusBadRequest
		body = s.errorBody(gerr, h)
		if !hasErrorViolation(c.violations) {
			if testing.Testing() {
				// Every refusal names a rule of its own (docs/rules.md
				// says so); fakegraph's TestMain fails on one that does not.
				note := string(gerr.Key) + " on " + c.r.Method + " " + c.r.URL.Path
				unnamedRefusal.Store(&note)
			}
			c.violations = append(c.violations, validator.Violation{
				Rule: string(gerr.Key), Severity: validator.SeverityError, Error: gerr,
			})
		}
	} else if r, ok := result.(SendResponse); ok {
		body = r.appendJSON(make([]byte, 0, 160))
	} else {
		var err error
		body, err = json.Marshal(result)
		if err != nil {
			s.log.Error("encode response", "err", err)
			status = http.StatusBadRequest
			body = s.errorBody(validator.Err(validator.KeyUnknownError), h)
		}
	}
	s.record(c, status, body, gerr == nil)
	return response{status: status, header: h, body: body}
}

// errorBody writes the one Graph error envelope, adding fbtrace_id and,
// for 104 and 190, WWW-Authenticate (PLATFORM.md §1.3).
func (s *Server) errorBody(e *validator.GraphError, h http.Header) []byte {
	type envelope struct {
		Error struct {
			*validator.GraphError
			TraceID string `json:"fbtrace_id"`
		} `json:"error"`
	}
	var env envelope
	env.Error.GraphError = e
	env.Error.TraceID = s.ids.TraceID()
	if e.Authenticate {
		h.Set("WWW-Authenticate", `OAuth "Facebook Platform" "invalid_token" "`+strings.ReplaceAll(e.Message, `"`, `'`)+`"`)
	}
	b, err := json.Marshal(env)
	if err != nil {
		return []byte(`{"error":{"message":"An unknown error has occurred.","type":"OAuthException","code":1}}`)
	}
	return b
}

func hasErrorViolation(vs []validator.Violation) bool {
	for _, v := range vs {
		if v.Severity == validator.SeverityError {
			return true
		}
	}
	return false
}

// apiFamily is the family the journal files the call under: the one the
// handler settled on (a node's kind), else its route's.
func (c *call) apiFamily() string {
	if c.api != "" {
		return c.api
	}
	if c.route != nil {
		return c.route.api
	}
	return ""
}

// pageID is the Page the call acts for ("" before the token is read).
func (c *call) pageID() string {
	if c.page != nil {
		return c.page.ID
	}
	return ""
}

// record journals a Graph API call.
func (s *Server) record(c *call, status int, body []byte, accepted bool) {
	req := c.requestJSON
	if req == nil {
		req = c.requestRecord()
	}
	if !accepted {
		req = c.refusedRecord(req) // body.go
	}
	api, pageID := c.apiFamily(), c.pageID()
	ev := s.journal.Append(Event{
		Time: c.now, Kind: KindRequest, PageID: pageID, PSID: c.psid, API: api,
		Method: c.r.Method, Path: c.r.URL.Path, Status: status, Accepted: accepted,
		Request: req, Response: redactAnswer(body), Violations: c.violations, MID: c.mid,
		Thread: s.threadState(pageID, c.psid, c.now),
	})
	s.logCall(ev, c.start)
	if c.messageBody != nil && accepted {
		s.mu.lockQuiet() // bookkeeping: no other send's verdict reads it
		c.stored.setSeq(ev.Seq)
		s.mu.Unlock()
		if api == APISend && ev.MID != "" && ev.PSID != "" && !c.noEcho {
			s.journalReceipts(&ev, c.messageBody, c.params["message"], c.echoURLs)
		}
	}
}

// requestRecord is the request as the journal keeps it: the JSON body as
// it came when that says everything (no token in it, nothing else in the
// query but the token and proof), else the parameters rendered as JSON.
// Handlers that normalise parameters call it before they do.
func (c *call) requestRecord() json.RawMessage {
	if d := c.decoded; d.fromJSON && len(d.files) == 0 {
		usable := true
		for _, k := range d.queryKeys {
			usable = usable && authParam(k)
		}
		_, proofInBody := c.params["appsecret_proof"]
		usable = usable && (!proofInBody || slices.Contains(d.queryKeys, "appsecret_proof"))
		// A lone surrogate escape decodes to U+FFFD: the record is written
		// from the values then, so that the journal stays strict UTF-8 JSON.
		usable = usable && !loneSurrogate(d.raw)
		if _, tokenInBody := c.params["access_token"]; usable && (!tokenInBody || slices.Contains(d.queryKeys, "access_token")) {
			return json.RawMessage(d.raw)
		}
	}
	c.wholeTree() // rendered from the values: all of them
	return requestRecord(c.params, c.files)
}

// wholeTree makes the call's parameters its whole body's, for a call
// whose generic template's elements were judged as they were read and
// left out (decoded.judged, jsonelements.go): what reads them, or judges
// the call otherwise, calls it first.
func (c *call) wholeTree() {
	if c.decoded.judged {
		c.decoded.whole()
		c.params = c.decoded.params
	}
}

// requestRecord renders the parameters as JSON for the journal, with the
// token hidden and files described rather than copied.
func requestRecord(params map[string]any, files []File) json.RawMessage {
	rec := make(map[string]any, len(params)+1)
	for k, v := range params {
		if secretParams[k] {
			v = redact(fmt.Sprint(v))
		}
		if k == "batch" {
			v = redactBatch(v)
		}
		rec[k] = v
	}
	if len(files) > 0 {
		rec["_files"] = files
	}
	b, err := json.Marshal(rec)
	if err != nil {
		return json.RawMessage(`{}`)
	}
	return b
}

// secretParams are the parameters the journal shortens (redact): whoever
// reads the journal (the control API, the web page) sees which token was
// used, not the token.
var secretParams = map[string]bool{"access_token": true, "appsecret_proof": true, "input_token": true, "client_secret": true, "fb_exchange_token": true}

// answerSecrets are how a secret stands in an answer: in a URL's query
// (Graph writes paging links with the call's token and proof), as a JSON
// member, and so inside a batch item's body, a JSON string.
var answerSecrets = [...]string{"access_token=", "appsecret_proof=", "input_token=",
	`"access_token":"`, `\"access_token\":\"`}

// redactAnswer is an answer as the journal keeps it: its secrets
// shortened (redact), in a copy; the bot gets the answer as it is.
func redactAnswer(body []byte) []byte {
	if !bytes.Contains(body, []byte("_token")) && !bytes.Contains(body, []byte("appsecret_proof")) {
		return body
	}
	var out []byte
	from := 0 // body[from:] is not yet in out
	for i := 0; i < len(body); i++ {
		for _, k := range answerSecrets {
			if !bytes.HasPrefix(body[i:], []byte(k)) || (k[0] != '"' && k[0] != '\\' && i > 0 && isNameByte(body[i-1])) {
				continue
			}
			start := i + len(k)
			end := start
			for end < len(body) && strings.IndexByte("&\"\\# \r\n", body[end]) < 0 {
				end++
			}
			out = append(append(out, body[from:start]...), redact(string(body[start:end]))...)
			from, i = end, end-1
			break
		}
	}
	if out == nil {
		return body
	}
	return append(out, body[from:]...)
}

// isNameByte: a byte that, before access_token=, makes it the end of
// another parameter's name (page_access_token=). Not a digit: json.Marshal
// writes a link's & as \u0026.
func isNameByte(b byte) bool {
	return b == '_' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z'
}

// redactBatch shortens the secrets batch items carry in their
// relative_url query or urlencoded body (PLATFORM.md §9), in a copy.
func redactBatch(v any) any {
	items, ok := v.([]any)
	if !ok {
		return v
	}
	out := make([]any, len(items))
	for i, it := range items {
		m, ok := it.(map[string]any)
		if !ok {
			out[i] = it
			continue
		}
		c := make(map[string]any, len(m))
		for k, x := range m {
			c[k] = x
		}
		if u, ok := m["relative_url"].(string); ok {
			if path, query, found := strings.Cut(u, "?"); found {
				c["relative_url"] = path + "?" + redactQuery(query)
			}
		}
		if b, ok := m["body"].(string); ok {
			c["body"] = redactQuery(b)
		}
		out[i] = c
	}
	return out
}

// redactQuery shortens the secret parameters of a query string; one that
// does not parse and names a secret is replaced whole.
func redactQuery(q string) string {
	vals, err := url.ParseQuery(q)
	if err != nil {
		for k := range secretParams {
			if strings.Contains(q, k) {
				return "…"
			}
		}
		return q
	}
	changed := false
	for k, vs := range vals {
		if secretParams[k] {
			for i := range vs {
				vs[i] = redact(vs[i])
			}
			changed = true
		}
	}
	if !changed {
		return q
	}
	return vals.Encode()
}

// redact shortens a secret to its first 6 characters and "…".
func redact(token string) string {
	if len(token) <= 8 {
		return "…"
	}
	return token[:6] + "…"
}
