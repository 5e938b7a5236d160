package fakegraph

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// Test users and what they do. Each action is journalled as a user_action
// event; the webhook dispatcher reads those events and tells the bot.

// page returns the state of pageID; s.mu must be held.
func (s *Server) page(pageID string) (*pageState, error) {
	p, ok := s.pages[pageID]
	if !ok {
		return nil, fail(ErrNoPage, "no page "+pageID)
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
		return nil, nil, fail(ErrNoUser, "no test user "+psid+" on page "+pageID)
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
	u, err := s.addUser(u)
	if err != nil {
		return User{}, err
	}
	s.journalControl(ChangeUserCreated, u.PageID, u.PSID, u)
	return u, nil
}

func (s *Server) addUser(u User) (User, error) {
	if u.PageID == "" {
		u.PageID = s.opts.pages[0].ID
	}
	if strings.TrimSpace(u.Name) == "" && u.FirstName == "" && u.LastName == "" {
		return User{}, invalid("a test user needs a name (or first_name and last_name)")
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
		return User{}, invalid("a PSID is digits only")
	} else if p.users[u.PSID] != nil {
		return User{}, invalid("PSID " + u.PSID + " is taken")
	}
	u.LastInteraction, u.LastMessage, u.FirstInteraction = time.Time{}, time.Time{}, time.Time{}
	if u.Blocked {
		u.blockedAt = s.clock.Now()
	}
	if err := checkProfile(u); err != nil {
		return User{}, err
	}
	if err := s.checkPerson(u); err != nil {
		return User{}, err
	}
	fillUser(&u)
	p.users[u.PSID] = &u
	return u, nil
}

// checkProfile refuses profile values no person has: the User Profile
// API answers them to the bot as they are.
func checkProfile(u User) error {
	if u.Timezone < -12 || u.Timezone > 14 {
		return invalid(fmt.Sprintf("timezone is hours from UTC, -12 to 14, not %v", u.Timezone))
	}
	return nil
}

// userFields are the JSON names of User's fields, for checking patches.
var userFields = func() map[string]bool {
	m := map[string]bool{}
	t := reflect.TypeFor[User]()
	for i := range t.NumField() {
		if !t.Field(i).IsExported() {
			continue
		}
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		m[name] = true
	}
	return m
}()

// UpdateUser changes profile fields of a test user from a JSON patch of
// User fields (first_name, locale, blocked, ...).
func (s *Server) UpdateUser(pageID, psid string, patch map[string]json.RawMessage) (User, error) {
	u, err := s.updateUser(pageID, psid, patch)
	if err != nil {
		return User{}, err
	}
	s.journalControl(ChangeUserUpdated, pageID, psid, patch)
	return u, nil
}

func (s *Server) updateUser(pageID, psid string, patch map[string]json.RawMessage) (User, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, u, err := s.user(pageID, psid)
	if err != nil {
		return User{}, err
	}
	for _, k := range []string{"psid", "page_id", "last_interaction", "last_message", "first_interaction"} {
		if _, ok := patch[k]; ok {
			return User{}, invalid(k + " cannot be changed")
		}
	}
	for k := range patch {
		if !userFields[k] {
			return User{}, invalid("a test user has no field " + strconv.Quote(k))
		}
	}
	b, err := json.Marshal(patch)
	if err != nil {
		return User{}, invalid(err.Error())
	}
	next := *u
	if err := json.Unmarshal(b, &next); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return User{}, invalid(typeErrorText(te))
		}
		return User{}, invalid("the patch does not fit a user: " + strings.TrimPrefix(err.Error(), "json: "))
	}
	if _, ok := patch["name"]; !ok {
		if _, f := patch["first_name"]; f {
			next.Name = ""
		}
		if _, l := patch["last_name"]; l {
			next.Name = ""
		}
	}
	if next.Blocked && !u.Blocked {
		next.blockedAt = s.clock.Now()
	}
	if err := checkProfile(next); err != nil {
		return User{}, err
	}
	if err := s.checkPerson(next); err != nil {
		return User{}, err
	}
	fillUser(&next)
	*u = next
	return next, nil
}

// Thread returns the messages between the Page and a user, oldest first:
// under a Retention, from the oldest kept (and the few older ones the
// rules still need, store_retention.go); Conversation says whether the
// history is complete.
func (s *Server) Thread(pageID, psid string) ([]Message, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	// The store follows the journal's trimming at the next send, in the
	// order it stored the messages, which concurrent sends make differ
	// from the journal's: the thread asked for follows it now.
	s.catchUpRetentionLocked() // store_retention.go
	p, _, err := s.user(pageID, psid)
	if err != nil {
		return nil, err
	}
	if th := p.threads[psid]; th != nil {
		th.trim(p.store, s.journal.First(), 0)
	}
	slots := p.threadSlots(psid)
	out := make([]Message, 0, len(slots))
	for _, slot := range slots {
		out = append(out, p.store.message(slot))
	}
	return out, nil
}

// stickerCutoff: stickers come as both image and sticker attachments
// until then, and as sticker only from then on (PLATFORM.md §10).
var stickerCutoff = time.Date(2026, 8, 30, 0, 0, 0, 0, time.UTC)

// UserSends makes a test user write to the Page: it opens or refreshes the
// messaging window, stores the message, journals it and so fires the
// messages webhook.
func (s *Server) UserSends(pageID, psid string, req UserMessageRequest) (Message, error) {
	if req.Text == "" && len(req.Attachments) == 0 {
		return Message{}, invalid("a user message needs text or attachments")
	}
	for _, a := range req.Attachments {
		switch a.Type {
		case "image", "audio", "video", "file":
			if a.URL == "" { // the platform's payload always holds the media's url
				return Message{}, invalid("a user's " + a.Type + " attachment needs a url")
			}
		case "sticker":
			if a.StickerID == 0 {
				return Message{}, invalid("a user's sticker needs a sticker_id")
			}
		case "fallback", "reel", "post", "template":
		default: // PLATFORM.md §10, messages
			return Message{}, invalid("attachment type must be image, audio, video, file, sticker, fallback, reel, post or template")
		}
	}
	command := s.commandIn(pageID, psid, req.Text)
	s.mu.Lock()
	p, u, err := s.user(pageID, psid)
	if err != nil {
		s.mu.Unlock()
		return Message{}, err
	}
	now := s.clock.Now()
	msg := WebhookMessage{MID: s.ids.MID(), Text: req.Text, Attachments: userAttachments(req.Attachments, now)}
	if command != "" {
		msg.Commands = []MessageCommand{{Name: command}}
	}
	if req.ReplyTo != "" {
		slot, th, ok := p.message(req.ReplyTo)
		if !ok || th.psid != psid {
			s.mu.Unlock()
			return Message{}, fail(ErrNoMessage, "reply_to "+req.ReplyTo+" is not a message of this thread")
		}
		msg.ReplyTo = &ReplyTo{MID: req.ReplyTo, IsSelfReply: !p.store.fromPage(slot)}
	}
	m, ref, err := s.storeUserMessage(p, u, now, &msg)
	s.mu.Unlock()
	if err != nil {
		return Message{}, err
	}
	ev := userEvent(pageID, psid, now)
	ev.Message = &msg
	return s.finishUserMessage(m, ref, now, ActionMessage, m.Body, ev)
}

// commandIn finds the bot command a message starts with ("/name"), among
// the commands the bot set for the user's locale (Messenger Profile).
func (s *Server) commandIn(pageID, psid, text string) string {
	if !strings.HasPrefix(text, "/") {
		return ""
	}
	name, _, _ := strings.Cut(text[1:], " ")
	ps, err := s.MessengerProfile(pageID)
	if err != nil || name == "" {
		return ""
	}
	cl, ok := pickLocale(ps.Commands, s.userLocale(pageID, psid), func(c CommandLocale) string { return c.Locale })
	if !ok {
		return ""
	}
	for _, c := range cl.Commands {
		if c.Name == name {
			return name
		}
	}
	return ""
}

// userAttachments renders what a user attaches as the webhook does.
func userAttachments(in []UserAttachment, now time.Time) []WebhookAttachment {
	var out []WebhookAttachment
	for _, a := range in {
		pl := map[string]any{}
		if a.URL != "" {
			pl["url"] = a.URL
		}
		if a.StickerID != 0 {
			pl["sticker_id"] = a.StickerID
		}
		raw, err := json.Marshal(pl)
		if err != nil {
			continue // a map of strings and numbers always encodes
		}
		att := WebhookAttachment{Type: a.Type, Title: a.Title, Payload: raw}
		if a.Type == "sticker" && now.Before(stickerCutoff) {
			img := att
			img.Type = "image"
			out = append(out, img)
		}
		out = append(out, att)
	}
	return out
}
