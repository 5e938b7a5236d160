package fakegraph

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// What test users do besides writing: tap quick replies and buttons, react,
// read, edit. Each action updates the store, opens or refreshes the
// messaging window where PLATFORM.md §2.2 says so, is journalled as a
// user_action event carrying its webhook event, and so reaches the bot
// when its field is subscribed.

// userEvent is an event from the user to the Page.
func userEvent(pageID, psid string, now time.Time) *MessagingEvent {
	return &MessagingEvent{Sender: &Party{ID: psid}, Recipient: Party{ID: pageID}, Timestamp: millis(now)}
}

// touch opens or refreshes the messaging window (PLATFORM.md §2.2); a
// message also counts for the 7-day tags. The first touch begins the
// conversation (insights.go).
func touch(u *User, now time.Time, message bool) {
	if u.FirstInteraction.IsZero() {
		u.FirstInteraction = now
	}
	u.LastInteraction = now
	if message {
		u.LastMessage = now
	}
}

// lastPageMessage is the slot of the bot's newest message to psid, and
// whether it is the thread's newest message.
func (p *pageState) lastPageMessage(psid string) (slot uint32, newest, ok bool) {
	th := p.threads[psid]
	if th == nil || th.lastPage < 0 {
		return 0, false, false
	}
	return th.slots[th.lastPage], !th.answered, true
}

// sentQuickReply is a quick reply as the bot sent it.
type sentQuickReply struct {
	ContentType string `json:"content_type"`
	Title       any    `json:"title"`
	Payload     any    `json:"payload"`
}

// UserTapsQuickReply makes a test user tap a quick reply of the bot's last
// message to them, by title (or content type, for the phone and email
// chips) or by 0-based index. The webhook carries the payload the bot
// offered, with the title as text; the phone and email chips send the
// user's phone or email.
func (s *Server) UserTapsQuickReply(pageID, psid, titleOrIndex string) (Message, error) {
	return s.userTapsQuickReply(pageID, psid, quickReplyPick{key: titleOrIndex})
}

// quickReplyPick names the quick reply a tap picks: by title, content
// type or index (key), or by payload.
type quickReplyPick struct{ key, payload string }

func (k quickReplyPick) String() string {
	if k.payload != "" {
		return "with payload " + strconv.Quote(k.payload)
	}
	return strconv.Quote(k.key)
}

func (s *Server) userTapsQuickReply(pageID, psid string, pick quickReplyPick) (Message, error) {
	s.mu.Lock()
	p, u, err := s.user(pageID, psid)
	if err != nil {
		s.mu.Unlock()
		return Message{}, err
	}
	last, newest, ok := p.lastPageMessage(psid)
	if !ok {
		s.mu.Unlock()
		return Message{}, fail(ErrNoQuickReply, "the bot has sent "+u.Name+" nothing, so there is no quick reply to tap")
	}
	if !newest {
		// Quick replies go away once the user taps one or writes.
		s.mu.Unlock()
		return Message{}, fail(ErrNoQuickReply, "the quick replies of the bot's last message to "+u.Name+" are gone: the user has answered or written since")
	}
	var body struct {
		QuickReplies []sentQuickReply `json:"quick_replies"`
	}
	if err := json.Unmarshal(p.store.body(last), &body); err != nil || len(body.QuickReplies) == 0 {
		s.mu.Unlock()
		return Message{}, fail(ErrNoQuickReply, "the bot's last message to "+u.Name+" ("+p.store.mid(last)+") has no quick replies")
	}
	qr, ok := pickQuickReply(body.QuickReplies, pick)
	if !ok {
		s.mu.Unlock()
		return Message{}, fail(ErrNoQuickReply, "no quick reply "+pick.String()+" in the bot's last message; it offers "+quickReplyList(body.QuickReplies))
	}
	text, payload := textOf(qr.Title), textOf(qr.Payload)
	switch qr.ContentType {
	case "user_email":
		text, payload = u.Email, u.Email
	case "user_phone_number":
		text, payload = u.Phone, u.Phone
	}
	if text == "" {
		text = payload // an image-only quick reply: the platform sends its payload
	}
	now := s.clock.Now()
	msg := WebhookMessage{MID: s.ids.MID(), Text: text, QuickReply: &QuickReplyPayload{Payload: payload}}
	m, ref, err := s.storeUserMessage(p, u, now, &msg)
	s.mu.Unlock()
	if err != nil {
		return Message{}, err
	}
	ev := userEvent(pageID, psid, now)
	ev.Message = &msg
	req := map[string]string{"quick_reply": pick.key}
	if pick.payload != "" {
		req = map[string]string{"payload": pick.payload}
	}
	return s.finishUserMessage(m, ref, now, ActionQuickReply, req, ev)
}

// storeUserMessage stores a user's message; s.mu must be held.
func (s *Server) storeUserMessage(p *pageState, u *User, now time.Time, msg *WebhookMessage) (Message, storedRef, error) {
	raw, err := json.Marshal(msg)
	if err != nil {
		return Message{}, storedRef{}, err
	}
	m := Message{MID: msg.MID, PageID: p.ID, PSID: u.PSID, Time: now, Body: raw}
	s.followRetentionLocked() // store_retention.go
	ref := s.storeMessageLocked(p, &m, false)
	touch(u, now, true)
	return m, ref, nil
}

// finishUserMessage journals a stored user message and returns it.
func (s *Server) finishUserMessage(m Message, ref storedRef, now time.Time, action Action, req any, ev *MessagingEvent) (Message, error) {
	je, err := s.journalUserAction(now, m.PageID, m.PSID, action, FieldMessages, m.MID, req, ev)
	if err != nil {
		return Message{}, err
	}
	s.mu.Lock()
	ref.setSeq(je.Seq)
	s.mu.Unlock()
	m.Seq = je.Seq
	return m, nil
}

func pickQuickReply(qrs []sentQuickReply, pick quickReplyPick) (sentQuickReply, bool) {
	if pick.payload != "" {
		for _, q := range qrs {
			if textOf(q.Payload) == pick.payload {
				return q, true
			}
		}
		return sentQuickReply{}, false
	}
	key := pick.key
	for _, q := range qrs {
		if textOf(q.Title) == key && key != "" {
			return q, true
		}
	}
	for _, q := range qrs {
		if q.ContentType == key && q.ContentType != "text" {
			return q, true
		}
	}
	if i, err := strconv.Atoi(key); err == nil && i >= 0 && i < len(qrs) {
		return qrs[i], true
	}
	return sentQuickReply{}, false
}

func quickReplyList(qrs []sentQuickReply) string {
	var names []string
	for i, q := range qrs {
		n := textOf(q.Title)
		if q.ContentType != "" && q.ContentType != "text" {
			n = q.ContentType
		}
		names = append(names, strconv.Itoa(i)+": "+strconv.Quote(n))
	}
	return strings.Join(names, ", ")
}

// textOf renders a JSON scalar as text (numbers become strings, as the
// platform does with payloads).
func textOf(v any) string {
	s, _ := paramString(v)
	return s
}

// UserTapsButton makes a test user tap a postback button, by title, in a
// message the bot sent them (the newest first). The webhook carries the
// title and payload the bot gave the button, and a new mid.
func (s *Server) UserTapsButton(pageID, psid, title string) (Postback, error) {
	return s.UserTapsButtonOf(pageID, psid, ButtonTap{Title: title})
}

// ButtonTap names the postback button a test user taps: by its title, in
// the bot's newest message that has one, or, where titles repeat (a "Buy"
// on every card of a carousel), in the message MID and with the payload
// Payload; or by its Payload alone.
type ButtonTap struct {
	Title   string `json:"title"`
	MID     string `json:"mid,omitempty"`
	Payload string `json:"payload,omitempty"`
}

// UserTapsButtonOf makes a test user tap the postback button tap names.
func (s *Server) UserTapsButtonOf(pageID, psid string, tap ButtonTap) (Postback, error) {
	title := tap.Title
	if title == "" && tap.Payload == "" {
		return Postback{}, fail(ErrNoButton, "name the button by its title or its payload")
	}
	s.mu.Lock()
	p, u, err := s.user(pageID, psid)
	if err != nil {
		s.mu.Unlock()
		return Postback{}, err
	}
	messages := p.botMessages(psid)
	if tap.MID != "" {
		slot, th, ok := p.message(tap.MID)
		if !ok || th.psid != psid || !p.store.fromPage(slot) {
			s.mu.Unlock()
			return Postback{}, fail(ErrNoButton, "no message "+tap.MID+" of the bot's to "+u.Name)
		}
		messages = func(yield func(json.RawMessage) bool) { yield(p.store.body(slot)) }
	}
	var found *sentButton
	var other string
	for body := range messages {
		for _, b := range messageButtons(body) {
			if title != "" && textOf(b.Title) != title {
				continue
			}
			if b.Type == "postback" && (tap.Payload == "" || textOf(b.Payload) == tap.Payload) {
				b := b
				found = &b
				break
			}
			if other == "" && title != "" && b.Type != "postback" {
				other = b.Type
			}
		}
		if found != nil {
			break
		}
	}
	if found == nil {
		s.mu.Unlock()
		switch {
		case other != "":
			return Postback{}, fail(ErrNoButton, "the button "+strconv.Quote(title)+" is a "+other+" button: tapping it sends no postback")
		case title == "":
			return Postback{}, fail(ErrNoButton, "no postback button with payload "+strconv.Quote(tap.Payload)+" in the bot's messages to "+u.Name)
		case tap.Payload != "":
			return Postback{}, fail(ErrNoButton, "no postback button "+strconv.Quote(title)+" with payload "+strconv.Quote(tap.Payload)+" in the bot's messages to "+u.Name)
		}
		return Postback{}, fail(ErrNoButton, "no postback button "+strconv.Quote(title)+" in the bot's messages to "+u.Name)
	}
	title = textOf(found.Title)
	pb := Postback{MID: s.ids.MID(), Title: title, Payload: textOf(found.Payload)}
	return s.postback(p, u, pb, ActionPostback, map[string]string{"button": title})
}

// postback touches the window and journals a postback; s.mu is held and
// released.
func (s *Server) postback(p *pageState, u *User, pb Postback, action Action, req any) (Postback, error) {
	now := s.clock.Now()
	touch(u, now, false)
	s.mu.Unlock()
	ev := userEvent(p.ID, u.PSID, now)
	ev.Postback = &pb
	if _, err := s.journalUserAction(now, p.ID, u.PSID, action, FieldPostbacks, pb.MID, req, ev); err != nil {
		return Postback{}, err
	}
	return pb, nil
}

// sentButton is a button as the bot sent it.
type sentButton struct {
	Type    string `json:"type"`
	Title   any    `json:"title"`
	Payload any    `json:"payload"`
	URL     string `json:"url"` // web_url and account_link (linking.go)
}

// messageButtons lists the buttons of a message the bot sent: a button
// template's, and each element's of a generic or media template.
func messageButtons(body json.RawMessage) []sentButton {
	var m struct {
		Attachment struct {
			Payload struct {
				Buttons  []sentButton `json:"buttons"`
				Elements []struct {
					Buttons []sentButton `json:"buttons"`
				} `json:"elements"`
			} `json:"payload"`
		} `json:"attachment"`
	}
	if err := json.Unmarshal(body, &m); err != nil {
		return nil
	}
	out := m.Attachment.Payload.Buttons
	for _, e := range m.Attachment.Payload.Elements {
		out = append(out, e.Buttons...)
	}
	return out
}

// UserTapsGetStarted makes a test user tap Get Started: a postback with
// the payload of the Page's get_started (Messenger Profile API). A Page
// without one shows no Get Started button: an error for the caller.
func (s *Server) UserTapsGetStarted(pageID, psid string) (Postback, error) {
	payload, ok := s.GetStarted(pageID)
	if !ok {
		return Postback{}, fail(ErrNoButton, "the Page has no Get Started button: the bot sets one with POST /me/messenger_profile {\"get_started\":{\"payload\":…}}")
	}
	s.mu.Lock()
	p, u, err := s.user(pageID, psid)
	if err != nil {
		s.mu.Unlock()
		return Postback{}, err
	}
	pb := Postback{MID: s.ids.MID(), Title: "Get Started", Payload: payload, Referral: p.referrals[psid]}
	delete(p.referrals, psid)
	return s.postback(p, u, pb, ActionGetStarted, map[string]string{"get_started": payload})
}

// UserTapsMenu makes a test user tap a postback item of the persistent
// menu they see (their own menu over the Page's, in their locale).
func (s *Server) UserTapsMenu(pageID, psid, title string) (Postback, error) {
	if title == "" {
		return Postback{}, invalid("a menu item needs its title")
	}
	menu, ok := s.PersistentMenu(pageID, psid)
	if !ok || len(menu.CallToActions) == 0 {
		return Postback{}, fail(ErrNoButton, "user "+psid+" sees no persistent menu: the bot sets one with the Messenger Profile API")
	}
	var item *MenuItem
	var titles []string
	for i := range menu.CallToActions {
		it := &menu.CallToActions[i]
		titles = append(titles, strconv.Quote(it.Title))
		if it.Title == title && item == nil {
			item = it
		}
	}
	switch {
	case item == nil:
		return Postback{}, fail(ErrNoButton, "no menu item "+strconv.Quote(title)+"; the menu has "+strings.Join(titles, ", "))
	case item.Type != "postback":
		return Postback{}, fail(ErrNoButton, "the menu item "+strconv.Quote(title)+" is a "+item.Type+" item: tapping it sends no postback")
	}
	s.mu.Lock()
	p, u, err := s.user(pageID, psid)
	if err != nil {
		s.mu.Unlock()
		return Postback{}, err
	}
	pb := Postback{MID: s.ids.MID(), Title: title, Payload: item.Payload}
	return s.postback(p, u, pb, ActionMenu, map[string]string{"menu": title})
}

// UserTapsIceBreaker makes a test user tap one of the ice breakers the
// Page shows them (Messenger Profile API, in their locale): a postback
// with the question as title and its payload.
func (s *Server) UserTapsIceBreaker(pageID, psid, question string) (Postback, error) {
	var found *IceBreaker
	var questions []string
	ibs := s.IceBreakers(pageID, psid)
	for i := range ibs {
		questions = append(questions, strconv.Quote(ibs[i].Question))
		if ibs[i].Question == question && found == nil {
			found = &ibs[i]
		}
	}
	switch {
	case len(ibs) == 0:
		return Postback{}, fail(ErrNoButton, "user "+psid+" sees no ice breakers: the bot sets them with the Messenger Profile API")
	case found == nil:
		return Postback{}, fail(ErrNoButton, "no ice breaker "+strconv.Quote(question)+"; the Page shows "+strings.Join(questions, ", "))
	}
	s.mu.Lock()
	p, u, err := s.user(pageID, psid)
	if err != nil {
		s.mu.Unlock()
		return Postback{}, err
	}
	pb := Postback{MID: s.ids.MID(), Title: found.Question, Payload: found.Payload}
	return s.postback(p, u, pb, ActionIceBreaker, map[string]string{"ice_breaker": question})
}

// Reactions the platform names (PLATFORM.md §10); any other emoji is
// "other".
var reactionEmoji = []struct{ name, emoji string }{
	{"smile", "\U0001F606"}, {"angry", "\U0001F620"}, {"sad", "\U0001F622"}, {"wow", "\U0001F62E"},
	{"love", "\u2764\ufe0f"}, {"like", "\U0001F44D"}, {"dislike", "\U0001F44E"},
}

// reactionOf turns a reaction name or an emoji into both.
func reactionOf(r string) (name, emoji string, ok bool) {
	for _, e := range reactionEmoji {
		if r == e.name || r == e.emoji || (e.name == "love" && r == "\u2764") {
			return e.name, e.emoji, true
		}
	}
	if r == "" || r == "other" || strings.IndexFunc(r, func(c rune) bool { return c < 0x80 }) >= 0 {
		return "", "", false
	}
	return "other", r, true
}

// ValidReaction reports whether UserReacts takes r: a reaction's name
// (ReactionNames) or an emoji.
func ValidReaction(r string) bool {
	_, _, ok := reactionOf(r)
	return ok
}

// ReactionNames are the reactions the platform names (PLATFORM.md §10);
// any other emoji is "other".
func ReactionNames() []string {
	names := make([]string, 0, len(reactionEmoji))
	for _, e := range reactionEmoji {
		names = append(names, e.name)
	}
	return names
}

// UserReacts makes a test user react to a message of their thread, with a
// reaction name (love, like, ...) or an emoji.
func (s *Server) UserReacts(pageID, psid, mid, reaction string) (Reaction, error) {
	name, emoji, ok := reactionOf(reaction)
	if !ok {
		return Reaction{}, invalid("reaction must be smile, angry, sad, wow, love, like, dislike or an emoji, not " + strconv.Quote(reaction))
	}
	return s.react(pageID, psid, mid, name, emoji, "react")
}

// UserUnreacts removes a test user's reaction to a message.
func (s *Server) UserUnreacts(pageID, psid, mid string) (Reaction, error) {
	return s.react(pageID, psid, mid, "", "", "unreact")
}

func (s *Server) react(pageID, psid, mid, name, emoji, action string) (Reaction, error) {
	s.mu.Lock()
	p, u, err := s.user(pageID, psid)
	if err != nil {
		s.mu.Unlock()
		return Reaction{}, err
	}
	if _, th, ok := p.message(mid); !ok || th.psid != psid {
		s.mu.Unlock()
		return Reaction{}, fail(ErrNoMessage, "mid "+strconv.Quote(mid)+" is not a message of "+u.Name+"'s thread")
	}
	now := s.clock.Now()
	if action == "unreact" {
		prev, ok := p.reactions[mid]
		if !ok {
			s.mu.Unlock()
			return Reaction{}, invalid(u.Name + " has no reaction on " + mid + " to remove")
		}
		name, emoji, _ = reactionOf(prev)
		delete(p.reactions, mid)
	} else {
		p.reactions[mid] = emoji
		touch(u, now, false)
	}
	s.mu.Unlock()
	r := Reaction{Reaction: name, Emoji: emoji, Action: action, MID: mid}
	ev := userEvent(pageID, psid, now)
	ev.Reaction = &r
	if _, err := s.journalUserAction(now, pageID, psid, ActionReaction, FieldReactions, mid, r, ev); err != nil {
		return Reaction{}, err
	}
	return r, nil
}

// UserReads makes a test user read the thread: a read watermark of now.
// Reading does not open the window.
func (s *Server) UserReads(pageID, psid string) (Read, error) {
	s.mu.RLock()
	_, _, err := s.user(pageID, psid)
	now := s.clock.Now()
	s.mu.RUnlock()
	if err != nil {
		return Read{}, err
	}
	r := Read{Watermark: millis(now)}
	ev := userEvent(pageID, psid, now)
	ev.Read = &r
	if _, err := s.journalUserAction(now, pageID, psid, ActionRead, FieldReads, "", r, ev); err != nil {
		return Read{}, err
	}
	return r, nil
}

// UserEdits makes a test user edit one of their messages (at most 5 times).
func (s *Server) UserEdits(pageID, psid, mid, text string) (MessageEdit, error) {
	if text == "" {
		return MessageEdit{}, invalid("an edit needs the new text")
	}
	s.mu.Lock()
	p, u, err := s.user(pageID, psid)
	if err != nil {
		s.mu.Unlock()
		return MessageEdit{}, err
	}
	slot, th, ok := p.message(mid)
	if !ok || th.psid != psid || p.store.fromPage(slot) {
		s.mu.Unlock()
		return MessageEdit{}, fail(ErrNoMessage, "mid "+strconv.Quote(mid)+" is not a message "+u.Name+" wrote")
	}
	if p.edits[mid] >= maxMessageEdits {
		s.mu.Unlock()
		return MessageEdit{}, invalid("a message can be edited at most 5 times")
	}
	var body WebhookMessage
	if err := json.Unmarshal(p.store.body(slot), &body); err != nil {
		s.mu.Unlock()
		return MessageEdit{}, err
	}
	body.Text = text
	raw, err := json.Marshal(body)
	if err != nil {
		s.mu.Unlock()
		return MessageEdit{}, err
	}
	p.store.edit(slot, raw)
	p.edits[mid]++
	e := MessageEdit{MID: mid, Text: text, NumEdit: p.edits[mid]}
	now := s.clock.Now()
	s.mu.Unlock()
	ev := userEvent(pageID, psid, now)
	ev.MessageEdit = &e
	if _, err := s.journalUserAction(now, pageID, psid, ActionEdit, FieldEdits, mid, e, ev); err != nil {
		return MessageEdit{}, err
	}
	return e, nil
}
