package fakegraph

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The control API, under a reserved prefix no Graph path uses: tests and
// tools drive the emulator through it (users, clock, journal, reset).
const controlPrefix = "/_messemu/v1/"

// controlLimit bounds control API bodies.
const controlLimit = 1 << 20

// controlRoute is one control API operation. Patterns use "{psid}" for a
// path parameter.
type controlRoute struct {
	method  string
	pattern string
	handle  func(*controlCall) (any, error)
}

// controlCall is one control API request.
type controlCall struct {
	s      *Server
	r      *http.Request
	vars   map[string]string
	body   []byte
	pageID string
}

// ControlError is a control API refusal: HTTP status and message, written
// in the Graph error envelope so clients parse one shape.
type ControlError struct {
	Status  int
	Message string
}

func (e *ControlError) Error() string { return e.Message }

func badRequest(format string) *ControlError { return &ControlError{http.StatusBadRequest, format} }
func notFound(format string) *ControlError   { return &ControlError{http.StatusNotFound, format} }

// controlRoutes lists the control API.
func (s *Server) controlRoutes() []controlRoute {
	return []controlRoute{
		{"GET", "users", s.ctlListUsers},
		{"POST", "users", s.ctlCreateUser},
		{"GET", "users/{psid}", s.ctlGetUser},
		{"PATCH", "users/{psid}", s.ctlUpdateUser},
		{"POST", "users/{psid}/messages", s.ctlUserMessage},
		{"GET", "users/{psid}/thread", s.ctlThread},
		{"GET", "clock", s.ctlClock},
		{"POST", "clock/advance", s.ctlAdvance},
		{"GET", "journal", s.ctlJournal},
		{"GET", "journal/{seq}", s.ctlJournalEvent},
		{"POST", "reset", s.ctlReset},
		{"GET", "pages", s.ctlPages},
		{"POST", "rate_limits", s.ctlRateLimits},
		{"GET", "profile", s.ctlProfile},                     // profile_read.go
		{"GET", "personas", s.ctlPersonas},                   // personas.go
		{"GET", "labels", s.ctlLabels},                       // labels.go
		{"GET", "handover/roles", s.ctlGetRoles},             // handover_control.go
		{"PUT", "handover/roles", s.ctlSetRoles},             // handover_control.go
		{"GET", "handover/threads/{psid}", s.ctlThreadOwner}, // handover_control.go
		{"POST", "handover/act", s.ctlHandoverAct},           // handover_control.go
		{"POST", "faults", s.ctlAddFault},                    // faults.go
		{"GET", "faults", s.ctlListFaults},
		{"DELETE", "faults", s.ctlClearFaults},
		{"DELETE", "faults/{id}", s.ctlRemoveFault},
		{"PUT", "webhook", s.ctlSetWebhook}, // control_webhook.go
		{"GET", "webhook", s.ctlWebhook},
		{"POST", "webhook/verify", s.ctlVerifyWebhook},
		{"POST", "users/{psid}/quick_replies", s.ctlQuickReply},
		{"POST", "users/{psid}/postbacks", s.ctlPostback},
		{"POST", "users/{psid}/reactions", s.ctlReaction},
		{"POST", "users/{psid}/read", s.ctlRead},
		{"POST", "users/{psid}/referrals", s.ctlReferral},
		{"POST", "users/{psid}/optins", s.ctlOptIn},
		{"POST", "users/{psid}/edits", s.ctlEdit},
		{"POST", "users/{psid}/account_linking", s.ctlAccountLinking},
		{"POST", "users/{psid}/feedback", s.ctlFeedback},
		{"POST", "policy_enforcement", s.ctlPolicyEnforcement},
	}
}

func (s *Server) serveControl(w http.ResponseWriter, r *http.Request) {
	if !s.allowControl(w, r) { // control_guard.go
		return
	}
	path := strings.Trim(strings.TrimPrefix(r.URL.Path, strings.TrimSuffix(controlPrefix, "/")), "/")
	segs := strings.Split(path, "/")
	var found *controlRoute
	var vars map[string]string
	methodKnown := false
	for _, rt := range s.controlRoutes() {
		v, ok := matchControl(rt.pattern, segs)
		if !ok {
			continue
		}
		methodKnown = true
		if rt.method == r.Method {
			rt := rt
			found, vars = &rt, v
			break
		}
	}
	if found == nil {
		if methodKnown {
			writeControl(w, nil, &ControlError{http.StatusMethodNotAllowed, r.Method + " is not allowed on " + r.URL.Path})
			return
		}
		writeControl(w, nil, notFound("unknown control endpoint "+r.URL.Path+"; see the README's control API section"))
		return
	}
	c := &controlCall{s: s, r: r, vars: vars, pageID: r.URL.Query().Get("page_id")}
	if c.pageID == "" {
		c.pageID = s.opts.pages[0].ID
	}
	if r.Body != nil {
		b, err := io.ReadAll(io.LimitReader(r.Body, controlLimit+1))
		if err != nil {
			writeControl(w, nil, badRequest("reading the body: "+err.Error()))
			return
		}
		if len(b) > controlLimit {
			writeControl(w, nil, badRequest("control API bodies are limited to 1 MiB"))
			return
		}
		c.body = b
	}
	v, err := found.handle(c)
	writeControl(w, v, err)
}

func matchControl(pattern string, segs []string) (map[string]string, bool) {
	ps := strings.Split(pattern, "/")
	if len(ps) != len(segs) {
		return nil, false
	}
	var vars map[string]string
	for i, p := range ps {
		if strings.HasPrefix(p, "{") {
			if segs[i] == "" {
				return nil, false
			}
			if vars == nil {
				vars = map[string]string{}
			}
			vars[strings.Trim(p, "{}")] = segs[i]
			continue
		}
		if p != segs[i] {
			return nil, false
		}
	}
	return vars, true
}

func writeControl(w http.ResponseWriter, v any, err error) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.Header().Set("Cache-Control", "no-store")
	if err != nil {
		ce, ok := err.(*ControlError)
		if !ok {
			ce = badRequest(err.Error())
		}
		w.WriteHeader(ce.Status)
		b, _ := json.Marshal(map[string]any{"error": map[string]any{"message": ce.Message, "type": "MessemuControlError", "code": 100}})
		_, _ = w.Write(b)
		return
	}
	b, merr := json.Marshal(v)
	if merr != nil {
		w.WriteHeader(http.StatusInternalServerError)
		return
	}
	_, _ = w.Write(b)
}

// decode reads the JSON body into v (an empty body leaves v alone).
func (c *controlCall) decode(v any) error {
	if len(strings.TrimSpace(string(c.body))) == 0 {
		return nil
	}
	if err := json.Unmarshal(c.body, v); err != nil {
		return badRequest("the body is not the expected JSON: " + err.Error())
	}
	return nil
}

func (s *Server) ctlPages(c *controlCall) (any, error) {
	return map[string]any{"data": s.Pages()}, nil
}

func (s *Server) ctlListUsers(c *controlCall) (any, error) {
	users, err := s.Users(c.pageID)
	if err != nil {
		return nil, err
	}
	return map[string]any{"data": users}, nil
}

func (s *Server) ctlCreateUser(c *controlCall) (any, error) {
	var u User
	if err := c.decode(&u); err != nil {
		return nil, err
	}
	u.PageID = c.pageID
	return s.AddUser(u)
}

func (s *Server) ctlGetUser(c *controlCall) (any, error) {
	return s.GetUser(c.pageID, c.vars["psid"])
}

func (s *Server) ctlUpdateUser(c *controlCall) (any, error) {
	var patch map[string]json.RawMessage
	if err := c.decode(&patch); err != nil {
		return nil, err
	}
	return s.UpdateUser(c.pageID, c.vars["psid"], patch)
}

// UserMessageRequest is what a test user writes: text, or attachments.
type UserMessageRequest struct {
	Text        string           `json:"text,omitempty"`
	Attachments []UserAttachment `json:"attachments,omitempty"`
	// ReplyTo quotes an earlier message of the thread.
	ReplyTo string `json:"reply_to,omitempty"`
}

// UserAttachment is a file a test user sends: image, audio, video, file,
// sticker (with StickerID) or fallback.
type UserAttachment struct {
	Type      string `json:"type"`
	URL       string `json:"url,omitempty"`
	StickerID int64  `json:"sticker_id,omitempty"`
	Title     string `json:"title,omitempty"`
}

func (s *Server) ctlUserMessage(c *controlCall) (any, error) {
	var req UserMessageRequest
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	m, err := s.UserSends(c.pageID, c.vars["psid"], req)
	if err != nil {
		return nil, err
	}
	return map[string]any{"mid": m.MID, "timestamp": m.Time.UnixMilli(), "seq": m.Seq}, nil
}

func (s *Server) ctlThread(c *controlCall) (any, error) {
	msgs, err := s.Thread(c.pageID, c.vars["psid"])
	if err != nil {
		return nil, err
	}
	return map[string]any{"data": msgs}, nil
}

func (s *Server) ctlClock(c *controlCall) (any, error) {
	return map[string]any{"now": s.clock.Now().UTC()}, nil
}

func (s *Server) ctlAdvance(c *controlCall) (any, error) {
	var req struct {
		Duration string    `json:"duration"`
		To       time.Time `json:"to"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	var now time.Time
	var err error
	switch {
	case req.Duration != "":
		var d time.Duration
		d, err = time.ParseDuration(req.Duration)
		if err != nil || d < 0 {
			return nil, badRequest("duration must be a positive Go duration such as \"25h\" or \"90m\"")
		}
		now, err = s.AdvanceClock(d) // clock.go
	case !req.To.IsZero():
		now, err = s.AdvanceClockTo(req.To)
	default:
		return nil, badRequest(`give {"duration":"25h"} or {"to":"2026-12-01T00:00:00Z"}`)
	}
	if err != nil {
		return nil, badRequest(err.Error())
	}
	return map[string]any{"now": now.UTC()}, nil
}

// maxJournalWait bounds a long poll.
const maxJournalWait = 60 * time.Second

func (s *Server) ctlJournal(c *controlCall) (any, error) {
	q := c.r.URL.Query()
	var after uint64
	if v := q.Get("after"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return nil, badRequest("after must be a sequence number")
		}
		after = n
	}
	limit := 1000
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			return nil, badRequest("limit must be a positive number")
		}
		limit = n
	}
	var events []Event
	if v := q.Get("wait"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			return nil, badRequest(`wait must be a duration such as "5s"`)
		}
		ctx, cancel := context.WithTimeout(c.r.Context(), min(d, maxJournalWait))
		defer cancel()
		events, _ = s.journal.Wait(ctx, after, limit) // a timeout answers what there is: nothing
	} else {
		events = s.journal.After(after, limit)
	}
	if events == nil {
		events = []Event{}
	}
	return map[string]any{"events": events, "last_seq": s.journal.Last()}, nil
}

func (s *Server) ctlJournalEvent(c *controlCall) (any, error) {
	n, err := strconv.ParseUint(c.vars["seq"], 10, 64)
	if err != nil {
		return nil, badRequest("not a sequence number")
	}
	e, ok := s.journal.Get(n)
	if !ok {
		return nil, notFound("no journal event " + c.vars["seq"])
	}
	return e, nil
}

func (s *Server) ctlReset(c *controlCall) (any, error) {
	s.Reset()
	return map[string]any{"ok": true}, nil
}

func (s *Server) ctlRateLimits(c *controlCall) (any, error) {
	var req struct {
		Enabled bool `json:"enabled"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	s.limits.setEnabled(req.Enabled)
	return map[string]any{"enabled": req.Enabled}, nil
}
