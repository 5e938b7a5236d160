package fakegraph

import (
	"encoding/json"
	"strings"
	"time"
)

// Test users and what they do. Each action is journalled as a user_action
// event; the webhook dispatcher reads those events and tells the bot.

// page returns the state of pageID; s.mu must be held.
func (s *Server) page(pageID string) (*pageState, error) {
	p, ok := s.pages[pageID]
	if !ok {
		return nil, notFound("no page " + pageID)
	}
	return p, nil
}

// user returns a user of pageID; s.mu must be held.
func (s *Server) user(pageID, psid string) (*pageState, *User, error) {
	p, err := s.page(pageID)
	if err != nil {
		return nil, nil, err
	}
	u, ok := p.users[psid]
	if !ok {
		return nil, nil, notFound("no test user " + psid + " on page " + pageID)
	}
	return p, u, nil
}

// Users lists a Page's test users.
func (s *Server) Users(pageID string) ([]User, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	p, err := s.page(pageID)
	if err != nil {
		return nil, err
	}
	return p.sortedUsers(), nil
}

// GetUser returns one test user.
func (s *Server) GetUser(pageID, psid string) (User, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	_, u, err := s.user(pageID, psid)
	if err != nil {
		return User{}, err
	}
	return *u, nil
}

// AddUser creates a test user on u.PageID (the first page when empty) and
// returns it with its new PSID (unless one was given).
func (s *Server) AddUser(u User) (User, error) {
	if u.PageID == "" {
		u.PageID = s.opts.pages[0].ID
	}
	if strings.TrimSpace(u.Name) == "" && u.FirstName == "" && u.LastName == "" {
		return User{}, badRequest("a test user needs a name (or first_name and last_name)")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, err := s.page(u.PageID)
	if err != nil {
		return User{}, err
	}
	if u.PSID == "" {
		for u.PSID == "" || p.users[u.PSID] != nil {
			u.PSID = s.ids.PSID()
		}
	} else if !isDigits(u.PSID) {
		return User{}, badRequest("a PSID is digits only")
	} else if p.users[u.PSID] != nil {
		return User{}, badRequest("PSID " + u.PSID + " is taken")
	}
	u.LastInteraction, u.LastMessage = time.Time{}, time.Time{}
	fillUser(&u)
	p.users[u.PSID] = &u
	return u, nil
}

// UpdateUser changes profile fields of a test user from a JSON patch of
// User fields (first_name, locale, blocked, ...).
func (s *Server) UpdateUser(pageID, psid string, patch map[string]json.RawMessage) (User, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, u, err := s.user(pageID, psid)
	if err != nil {
		return User{}, err
	}
	for _, k := range []string{"psid", "page_id", "last_interaction", "last_message"} {
		if _, ok := patch[k]; ok {
			return User{}, badRequest(k + " cannot be changed")
		}
	}
	b, err := json.Marshal(patch)
	if err != nil {
		return User{}, badRequest(err.Error())
	}
	next := *u
	if err := json.Unmarshal(b, &next); err != nil {
		return User{}, badRequest("the patch does not fit a user: " + err.Error())
	}
	if _, ok := patch["name"]; !ok {
		if _, f := patch["first_name"]; f {
			next.Name = ""
		}
		if _, l := patch["last_name"]; l {
			next.Name = ""
		}
	}
	fillUser(&next)
	*u = next
	return next, nil
}

// Thread returns the messages between the Page and a user, oldest first.
func (s *Server) Thread(pageID, psid string) ([]Message, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	p, _, err := s.user(pageID, psid)
	if err != nil {
		return nil, err
	}
	out := make([]Message, 0, len(p.threads[psid]))
	for _, m := range p.threads[psid] {
		out = append(out, *m)
	}
	return out, nil
}

// userMessageBody is the webhook message object of a user's message
// (PLATFORM.md §10, messages).
type userMessageBody struct {
	MID         string           `json:"mid"`
	Text        string           `json:"text,omitempty"`
	Attachments []map[string]any `json:"attachments,omitempty"`
	ReplyTo     *struct {
		MID string `json:"mid"`
	} `json:"reply_to,omitempty"`
}

// UserSends makes a test user write to the Page: it opens or refreshes the
// messaging window, stores the message and journals it.
func (s *Server) UserSends(pageID, psid string, req UserMessageRequest) (Message, error) {
	if req.Text == "" && len(req.Attachments) == 0 {
		return Message{}, badRequest("a user message needs text or attachments")
	}
	for _, a := range req.Attachments {
		switch a.Type {
		case "image", "audio", "video", "file", "sticker", "fallback":
		default:
			return Message{}, badRequest("attachment type must be image, audio, video, file, sticker or fallback")
		}
	}
	s.mu.Lock()
	p, u, err := s.user(pageID, psid)
	if err != nil {
		s.mu.Unlock()
		return Message{}, err
	}
	now := s.clock.Now()
	body := userMessageBody{MID: s.ids.MID(), Text: req.Text}
	for _, a := range req.Attachments {
		pl := map[string]any{}
		if a.URL != "" {
			pl["url"] = a.URL
		}
		if a.StickerID != 0 {
			pl["sticker_id"] = a.StickerID
		}
		att := map[string]any{"type": a.Type, "payload": pl}
		if a.Title != "" {
			att["title"] = a.Title
		}
		body.Attachments = append(body.Attachments, att)
	}
	if req.ReplyTo != "" {
		if m, ok := p.mids[req.ReplyTo]; !ok || m.PSID != psid {
			s.mu.Unlock()
			return Message{}, badRequest("reply_to " + req.ReplyTo + " is not a message of this thread")
		}
		body.ReplyTo = &struct {
			MID string `json:"mid"`
		}{req.ReplyTo}
	}
	raw, err := json.Marshal(body)
	if err != nil {
		s.mu.Unlock()
		return Message{}, err
	}
	m := &Message{MID: body.MID, PageID: p.ID, PSID: psid, Time: now, Body: raw}
	p.addMessage(m)
	u.LastInteraction, u.LastMessage = now, now
	s.mu.Unlock()
	ev := s.journal.Append(Event{Time: now, Kind: KindUserAction, PageID: p.ID, PSID: psid, API: "message", Accepted: true, Request: raw, MID: m.MID})
	s.mu.Lock()
	m.Seq = ev.Seq
	out := *m
	s.mu.Unlock()
	return out, nil
}
