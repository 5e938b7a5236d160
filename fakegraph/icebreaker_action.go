package fakegraph

import "strconv"

// UserTapsIceBreaker makes a test user tap an ice-breaker question of a
// new thread (the ones they see, in their locale): a postback with the
// question as title and its payload, as Messenger sends it (PLATFORM.md §10).
func (s *Server) UserTapsIceBreaker(pageID, psid, question string) (Postback, error) {
	var found *IceBreaker
	breakers := s.IceBreakers(pageID, psid)
	for i := range breakers {
		if breakers[i].Question == question {
			found = &breakers[i]
			break
		}
	}
	if found == nil {
		return Postback{}, badRequest("user " + psid + " sees no ice breaker " + strconv.Quote(question) + ": the bot sets them with the Messenger Profile API")
	}
	s.mu.Lock()
	p, u, err := s.user(pageID, psid)
	if err != nil {
		s.mu.Unlock()
		return Postback{}, err
	}
	pb := Postback{MID: s.ids.MID(), Title: found.Question, Payload: found.Payload}
	return s.postback(p, u, pb, "ice_breaker", map[string]string{"ice_breaker": question})
}
