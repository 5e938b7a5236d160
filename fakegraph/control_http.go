package fakegraph

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"path"
	"reflect"
	"slices"
	"strings"
	"unicode/utf8"
)

// The control API is a thin HTTP layer over the Server's exported
// methods: each route decodes its body, calls one method and writes what
// it returns; the domain errors (errors.go) become statuses here and
// nowhere else. Tests and tools, the web UI and the scenario runner reach
// the same methods, over HTTP or in Go.

// ControlPrefix is the reserved path prefix of the control API; no Graph
// path uses it.
const ControlPrefix = "/_messemu/v1/"

// controlLimit bounds control API bodies.
const controlLimit = 1 << 20

// controlRoute is one control API operation: its method, its path after
// ControlPrefix in net/http pattern syntax, and its openapi.yaml
// operationId.
type controlRoute struct {
	method string
	path   string
	op     string
	handle func(*controlCall) (any, error)
}

// controlCall is one control API request.
type controlCall struct {
	s      *Server
	r      *http.Request
	body   []byte
	pageID string
}

// controlRoutes lists the control API, one group per concern; each
// group's handlers are in the file named beside it.
func (s *Server) controlRoutes() []controlRoute {
	return slices.Concat(
		s.userControlRoutes(),     // control_users.go: test users, their threads and what they do
		s.emulatorControlRoutes(), // control_emulator.go: journal, clock, reset, faults, webhook, rate limits
		s.pageControlRoutes(),     // control_pages.go: pages, profile, personas, labels, handover
		s.productControlRoutes(),  // products.go: the Page's catalogue
		s.linkingControlRoutes(),  // linking.go: a Log In tap (account linking)
		s.settingsControlRoutes(), // control_settings.go: the Page's News flag, Human Agent, its tokens
	)
}

// controlHandler routes the control API once, with net/http patterns. A
// path that exists with another method answers 405, any other path under
// the prefix 404, both as control errors.
func (s *Server) controlHandler() http.Handler {
	mux := http.NewServeMux()
	methods := map[string][]string{}
	for _, rt := range s.controlRoutes() {
		path := ControlPrefix + rt.path
		methods[path] = append(methods[path], rt.method)
		mux.HandleFunc(rt.method+" "+path, s.controlEndpoint(rt))
	}
	for path, allowed := range methods {
		allow := strings.Join(allowed, ", ")
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Allow", allow)
			writeControl(w, nil, &controlStatus{http.StatusMethodNotAllowed, r.Method + " is not allowed on " + r.URL.Path + " (allowed: " + allow + ")"})
		})
	}
	mux.HandleFunc(ControlPrefix, unknownEndpoint)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The mux redirects a path it would clean ("/_messemu/v1/.") with
		// an HTML body: under the prefix every answer is a control one.
		if p := r.URL.Path; path.Clean(p) != p && path.Clean(p)+"/" != p {
			unknownEndpoint(w, r)
			return
		}
		mux.ServeHTTP(w, r)
	})
}

// unknownEndpoint answers a path under the prefix that no route serves.
func unknownEndpoint(w http.ResponseWriter, r *http.Request) {
	writeControl(w, nil, &controlStatus{http.StatusNotFound, "unknown control endpoint " + r.URL.Path + "; see the README's control API section"})
}

// controlEndpoint adapts one route: page, body, call, answer.
func (s *Server) controlEndpoint(rt controlRoute) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c := &controlCall{s: s, r: r, pageID: r.URL.Query().Get("page_id")}
		if c.pageID == "" {
			c.pageID = s.opts.pages[0].ID
		}
		if r.Body != nil {
			b, err := io.ReadAll(io.LimitReader(r.Body, controlLimit+1))
			if err != nil {
				writeControl(w, nil, invalid("reading the body: "+err.Error()))
				return
			}
			if len(b) > controlLimit {
				writeControl(w, nil, &controlStatus{http.StatusRequestEntityTooLarge, "control API bodies are limited to 1 MiB"})
				return
			}
			c.body = b
		}
		v, err := rt.handle(c)
		writeControl(w, v, err)
	}
}

// controlStatus is an error of the HTTP layer itself (unknown endpoint,
// wrong method).
type controlStatus struct {
	status int
	msg    string
}

func (e *controlStatus) Error() string { return e.msg }

// controlErrorStatus maps an error of the Go API to its HTTP status.
func controlErrorStatus(err error) int {
	var cs *controlStatus
	switch {
	case errors.As(err, &cs):
		return cs.status
	case errors.Is(err, ErrNoPage), errors.Is(err, ErrNoUser), errors.Is(err, ErrNoFault), errors.Is(err, ErrNoEvent):
		return http.StatusNotFound
	case errors.Is(err, ErrRefused):
		return http.StatusConflict
	case errors.Is(err, ErrTrimmed):
		return http.StatusGone
	}
	// ErrInvalid, ErrNoMessage, ErrNoQuickReply, ErrNoButton (the body
	// names what is not there), a failed handshake and anything else the
	// caller asked: the request cannot be done.
	return http.StatusBadRequest
}

// writeControl writes a control answer: v as JSON, or err in the Graph
// error envelope so clients parse one shape.
func writeControl(w http.ResponseWriter, v any, err error) {
	if f, ok := v.(fileAnswer); ok && err == nil {
		f.write(w)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.Header().Set("Cache-Control", "no-store")
	if err == nil {
		b, merr := json.Marshal(v)
		if merr == nil {
			_, _ = w.Write(b)
			return
		}
		err = merr
	}
	w.WriteHeader(controlErrorStatus(err))
	b, merr := json.Marshal(map[string]any{"error": map[string]any{"message": err.Error(), "type": "MessemuControlError", "code": 100}})
	if merr != nil {
		b = []byte(`{"error":{"message":"the error could not be encoded","type":"MessemuControlError","code":100}}`)
	}
	_, _ = w.Write(b)
}

// fileAnswer is a control answer that is a file, not JSON: a saved
// asset's bytes, or a redirect to where it was uploaded from.
type fileAnswer struct {
	name, contentType string
	data              []byte
	redirect          string
}

// write serves the file so that it cannot act in the web page's origin:
// what a bot uploaded is any bytes under any type, so the browser is told
// not to sniff it, to run nothing in it, and to download what is not
// media.
func (f fileAnswer) write(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	if f.redirect != "" {
		h.Set("Location", f.redirect)
		w.WriteHeader(http.StatusFound)
		return
	}
	h.Set("Content-Type", f.contentType)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	media, _, _ := strings.Cut(f.contentType, "/")
	if media != "image" && media != "audio" && media != "video" {
		disposition := "attachment"
		if named := mime.FormatMediaType("attachment", map[string]string{"filename": f.name}); f.name != "" && named != "" {
			disposition = named
		}
		h.Set("Content-Disposition", disposition)
	}
	_, _ = w.Write(f.data)
}

// decode reads the JSON body into v (an empty body leaves v alone).
func (c *controlCall) decode(v any) error {
	body := bytes.TrimSpace(c.body)
	if len(body) == 0 {
		return nil
	}
	if formLike(c.r.Header.Get("Content-Type"), body) {
		// curl -d 'text=hi', or a client's form encoding (Python's
		// requests with data=).
		return invalid(`the control API takes a JSON body, not a form: send {"text":"hi"}, not text=hi (curl -d '{"text":"hi"}'; Python requests: json=, not data=)`)
	}
	if !utf8.Valid(body) {
		return invalid("the body is not UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	// A field this endpoint does not take is a mistake to say, not to
	// drop: {"approles":…} must not read as no roles at all.
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		if _, end := dec.Token(); end != io.EOF {
			return invalid("the body holds more after its JSON value")
		}
		return nil
	}
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &te) && te.Field != "":
		return invalid(typeErrorText(te))
	case errors.As(err, &te):
		return invalid(fmt.Sprintf("the body must be %s, not a JSON %s", jsonKind(reflect.TypeOf(v)), te.Value))
	case errors.Is(err, io.ErrUnexpectedEOF):
		return invalid("the body is not valid JSON: it ends before its value does")
	case errors.As(err, &se):
		return invalid(fmt.Sprintf("the body is not valid JSON (at byte %d): %s", se.Offset, strings.TrimPrefix(se.Error(), "json: ")))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return invalid("this endpoint takes no field " + strings.TrimPrefix(err.Error(), "json: unknown field ") + " (see the README's control API section)")
	}
	return invalid("the body is not the expected JSON: " + strings.TrimPrefix(err.Error(), "json: "))
}

// typeErrorText says a field's wrong type in JSON's words, not Go's.
func typeErrorText(te *json.UnmarshalTypeError) string {
	return fmt.Sprintf("%q must be %s, not a JSON %s", te.Field, jsonKind(te.Type), te.Value)
}

// knownPage refuses a call for a Page the emulator does not have.
func (c *controlCall) knownPage() error {
	c.s.mu.RLock()
	defer c.s.mu.RUnlock()
	_, err := c.s.page(c.pageID)
	return err
}

// formLike reports a body (trimmed of space) sent as a form: said so, or
// key=value text. A body that starts as JSON does is read as JSON whatever
// the Content-Type says (curl -d sends every body as a form).
func formLike(contentType string, body []byte) bool {
	if len(body) > 0 && (body[0] == '{' || body[0] == '[' || body[0] == '"') {
		return false
	}
	return strings.HasPrefix(contentType, "application/x-www-form-urlencoded") || bytes.IndexByte(body, '=') > 0
}

// jsonKind names the JSON value a Go type reads.
func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Bool:
		return "true or false"
	case reflect.String:
		return "a string"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Map, reflect.Struct:
		return "an object"
	case reflect.Pointer:
		return jsonKind(t.Elem())
	}
	return "another kind of value"
}

// ok is the answer of a call that has nothing else to say.
var ok = map[string]bool{"ok": true}
