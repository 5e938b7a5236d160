package fakegraph

import (
	"net/http"
	"strconv"
	"time"
)

// The control API of the webhook and of what test users do besides
// writing (PLATFORM.md §10). Routes are listed in controlRoutes.

// webhookRequest is the body of PUT /_messemu/v1/webhook.
type webhookRequest struct {
	URL         string   `json:"url"`
	VerifyToken string   `json:"verify_token"`
	Fields      []string `json:"fields"`
	Timeout     string   `json:"timeout"`
	Receipts    *bool    `json:"receipts"`
	Batch       int      `json:"batch"`
}

func (s *Server) ctlSetWebhook(c *controlCall) (any, error) {
	var req webhookRequest
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if req.Batch < 0 {
		return nil, badRequest("batch must be 0 or more")
	}
	cfg := WebhookConfig{URL: req.URL, VerifyToken: req.VerifyToken, Fields: req.Fields, Receipts: req.Receipts, Batch: req.Batch}
	if req.Timeout != "" {
		d, err := time.ParseDuration(req.Timeout)
		if err != nil || d <= 0 {
			return nil, badRequest(`timeout must be a positive duration such as "5s"`)
		}
		cfg.Timeout = d
	}
	if err := s.SetWebhook(cfg); err != nil {
		return nil, &ControlError{http.StatusBadRequest, err.Error() + " (GET /_messemu/v1/webhook shows the status)"}
	}
	return s.Webhook(), nil
}

func (s *Server) ctlWebhook(c *controlCall) (any, error) { return s.Webhook(), nil }

func (s *Server) ctlVerifyWebhook(c *controlCall) (any, error) {
	if err := s.VerifyWebhook(); err != nil {
		return nil, badRequest(err.Error())
	}
	return s.Webhook(), nil
}

// messageResult is the control API's answer to a user message.
func messageResult(m Message) map[string]any {
	return map[string]any{"mid": m.MID, "timestamp": m.Time.UnixMilli(), "seq": m.Seq}
}

func (s *Server) ctlQuickReply(c *controlCall) (any, error) {
	var req struct {
		Title string `json:"title"`
		Index *int   `json:"index"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	key := req.Title
	switch {
	case req.Index != nil && req.Title != "":
		return nil, badRequest("give title or index, not both")
	case req.Index != nil:
		key = strconv.Itoa(*req.Index)
	case req.Title == "":
		return nil, badRequest(`give the quick reply's "title" or its 0-based "index"`)
	}
	m, err := s.UserTapsQuickReply(c.pageID, c.vars["psid"], key)
	if err != nil {
		return nil, err
	}
	return messageResult(m), nil
}

func (s *Server) ctlPostback(c *controlCall) (any, error) {
	var req struct {
		Title      string `json:"title"`
		Menu       string `json:"menu"`
		GetStarted bool   `json:"get_started"`
		IceBreaker string `json:"ice_breaker"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	psid := c.vars["psid"]
	if req.IceBreaker != "" {
		if req.Title != "" || req.Menu != "" || req.GetStarted {
			return nil, badRequest("give ice_breaker alone")
		}
		return s.UserTapsIceBreaker(c.pageID, psid, req.IceBreaker)
	}
	switch {
	case req.GetStarted && req.Title == "" && req.Menu == "":
		return s.UserTapsGetStarted(c.pageID, psid)
	case req.Menu != "" && req.Title == "" && !req.GetStarted:
		return s.UserTapsMenu(c.pageID, psid, req.Menu)
	case req.Title != "" && req.Menu == "" && !req.GetStarted:
		return s.UserTapsButton(c.pageID, psid, req.Title)
	}
	return nil, badRequest(`give one of {"title": button title}, {"menu": menu item title}, {"ice_breaker": question} or {"get_started": true}`)
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
		return s.UserReacts(c.pageID, c.vars["psid"], req.MID, req.Reaction)
	case "unreact":
		return s.UserUnreacts(c.pageID, c.vars["psid"], req.MID)
	}
	return nil, badRequest(`action must be "react" or "unreact"`)
}

func (s *Server) ctlRead(c *controlCall) (any, error) {
	return s.UserReads(c.pageID, c.vars["psid"])
}

func (s *Server) ctlReferral(c *controlCall) (any, error) {
	var req Referral
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	return s.UserArrivesFrom(c.pageID, c.vars["psid"], req)
}

func (s *Server) ctlOptIn(c *controlCall) (any, error) {
	var req OptIn
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	return s.UserOptsIn(c.pageID, c.vars["psid"], req)
}

func (s *Server) ctlEdit(c *controlCall) (any, error) {
	var req struct {
		MID  string `json:"mid"`
		Text string `json:"text"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	return s.UserEdits(c.pageID, c.vars["psid"], req.MID, req.Text)
}

func (s *Server) ctlAccountLinking(c *controlCall) (any, error) {
	var req AccountLinking
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if err := s.EmitAccountLinking(c.pageID, c.vars["psid"], req); err != nil {
		return nil, err
	}
	return map[string]any{"ok": true}, nil
}

func (s *Server) ctlFeedback(c *controlCall) (any, error) {
	var req MessagingFeedback
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if err := s.UserSubmitsFeedback(c.pageID, c.vars["psid"], req); err != nil {
		return nil, err
	}
	return map[string]any{"ok": true}, nil
}

func (s *Server) ctlPolicyEnforcement(c *controlCall) (any, error) {
	var req PolicyEnforcement
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if err := s.EmitPolicyEnforcement(c.pageID, "", req); err != nil {
		return nil, err
	}
	return map[string]any{"ok": true}, nil
}
