package fakegraph

import (
	"encoding/json"
	"strconv"
)

// The control API of test users: who they are, their conversation, and
// everything they do (PLATFORM.md §10 names the webhooks each fires).

func (s *Server) userControlRoutes() []controlRoute {
	return []controlRoute{
		{"GET", "users", "listUsers", s.ctlListUsers},
		{"POST", "users", "createUser", s.ctlCreateUser},
		{"GET", "users/{psid}", "getUser", s.ctlGetUser},
		{"PATCH", "users/{psid}", "updateUser", s.ctlUpdateUser},
		{"GET", "users/{psid}/thread", "getThread", s.ctlThread},
		{"POST", "users/{psid}/messages", "userSays", s.ctlUserMessage},
		{"POST", "users/{psid}/quick_replies", "userTapsQuickReply", s.ctlQuickReply},
		{"POST", "users/{psid}/postbacks", "userTapsPostback", s.ctlPostback},
		{"POST", "users/{psid}/reactions", "userReacts", s.ctlReaction},
		{"POST", "users/{psid}/read", "userReads", s.ctlRead},
		{"POST", "users/{psid}/referrals", "userArrivesFrom", s.ctlReferral},
		{"POST", "users/{psid}/optins", "userOptsIn", s.ctlOptIn},
		{"POST", "users/{psid}/edits", "userEdits", s.ctlEdit},
		{"POST", "users/{psid}/account_linking", "userLinksAccount", s.ctlAccountLinking},
		{"POST", "users/{psid}/feedback", "userSubmitsFeedback", s.ctlFeedback},
	}
}

func (c *controlCall) psid() string { return c.r.PathValue("psid") }

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
	return s.GetUser(c.pageID, c.psid())
}

func (s *Server) ctlUpdateUser(c *controlCall) (any, error) {
	var patch map[string]json.RawMessage
	if err := c.decode(&patch); err != nil {
		return nil, err
	}
	return s.UpdateUser(c.pageID, c.psid(), patch)
}

func (s *Server) ctlThread(c *controlCall) (any, error) {
	return s.Conversation(c.pageID, c.psid())
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

// messageResult is the control API's answer to a user message.
func messageResult(m Message) map[string]any {
	return map[string]any{"mid": m.MID, "timestamp": m.Time.UnixMilli(), "seq": m.Seq}
}

func (s *Server) ctlUserMessage(c *controlCall) (any, error) {
	var req UserMessageRequest
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	m, err := s.UserSends(c.pageID, c.psid(), req)
	if err != nil {
		return nil, err
	}
	return messageResult(m), nil
}

func (s *Server) ctlQuickReply(c *controlCall) (any, error) {
	var req struct {
		Title   string `json:"title"`
		Index   *int   `json:"index"`
		Payload string `json:"payload"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	pick := quickReplyPick{key: req.Title, payload: req.Payload}
	given := 0
	for _, set := range []bool{req.Title != "", req.Index != nil, req.Payload != ""} {
		if set {
			given++
		}
	}
	switch {
	case given != 1:
		return nil, invalid(`give one of the quick reply's "title", its 0-based "index" or its "payload"`)
	case req.Index != nil:
		pick.key = strconv.Itoa(*req.Index)
	}
	m, err := s.userTapsQuickReply(c.pageID, c.psid(), pick)
	if err != nil {
		return nil, err
	}
	return messageResult(m), nil
}

func (s *Server) ctlPostback(c *controlCall) (any, error) {
	var req struct {
		Title      string `json:"title"`
		MID        string `json:"mid"`
		Payload    string `json:"payload"`
		Menu       string `json:"menu"`
		IceBreaker string `json:"ice_breaker"`
		GetStarted bool   `json:"get_started"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	given := 0
	button := req.Title != "" || req.Payload != "" // by title, by payload, or both where titles repeat
	for _, set := range []bool{button, req.Menu != "", req.IceBreaker != "", req.GetStarted} {
		if set {
			given++
		}
	}
	if given != 1 {
		return nil, invalid(`give one of {"title": button title} (or {"payload": button payload}), {"menu": menu item title}, {"ice_breaker": question} or {"get_started": true}`)
	}
	psid := c.psid()
	before := s.journal.Last()
	var pb Postback
	var err error
	switch {
	case req.GetStarted:
		pb, err = s.UserTapsGetStarted(c.pageID, psid)
	case req.Menu != "":
		pb, err = s.UserTapsMenu(c.pageID, psid, req.Menu)
	case req.IceBreaker != "":
		pb, err = s.UserTapsIceBreaker(c.pageID, psid, req.IceBreaker)
	default:
		pb, err = s.UserTapsButtonOf(c.pageID, psid, ButtonTap{Title: req.Title, MID: req.MID, Payload: req.Payload})
	}
	if err != nil {
		return nil, err
	}
	// The postback, with the seq and time of its journal event, as a
	// user's message is answered: a script reads on after that seq.
	out := postbackResult{Postback: pb}
	for _, ev := range s.journal.Find(before, func(e *Event) bool { return e.Kind == KindUserAction && e.MID == pb.MID }) {
		out.Seq, out.Timestamp = ev.Seq, ev.Time.UnixMilli()
	}
	return out, nil
}

// postbackResult is the control API's answer to a tap.
type postbackResult struct {
	Postback
	Seq       uint64 `json:"seq"`
	Timestamp int64  `json:"timestamp"`
}

func (s *Server) ctlReaction(c *controlCall) (any, error) {
	var req struct {
		MID      string `json:"mid"`
		Reaction string `json:"reaction"`
		Action   string `json:"action"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	switch req.Action {
	case "", "react":
		return s.UserReacts(c.pageID, c.psid(), req.MID, req.Reaction)
	case "unreact":
		return s.UserUnreacts(c.pageID, c.psid(), req.MID)
	}
	return nil, invalid(`action must be "react" or "unreact"`)
}

func (s *Server) ctlRead(c *controlCall) (any, error) {
	if err := c.decode(&struct{}{}); err != nil { // takes no body ({} or nothing)
		return nil, err
	}
	return s.UserReads(c.pageID, c.psid())
}

func (s *Server) ctlReferral(c *controlCall) (any, error) {
	var req Referral
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	return s.UserArrivesFrom(c.pageID, c.psid(), req)
}

func (s *Server) ctlOptIn(c *controlCall) (any, error) {
	var req OptIn
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	return s.UserOptsIn(c.pageID, c.psid(), req)
}

func (s *Server) ctlEdit(c *controlCall) (any, error) {
	var req struct {
		MID  string `json:"mid"`
		Text string `json:"text"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	return s.UserEdits(c.pageID, c.psid(), req.MID, req.Text)
}

func (s *Server) ctlAccountLinking(c *controlCall) (any, error) {
	var req AccountLinking
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if err := s.EmitAccountLinking(c.pageID, c.psid(), req); err != nil {
		return nil, err
	}
	return ok, nil
}

func (s *Server) ctlFeedback(c *controlCall) (any, error) {
	var req MessagingFeedback
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if err := s.UserSubmitsFeedback(c.pageID, c.psid(), req); err != nil {
		return nil, err
	}
	return ok, nil
}
