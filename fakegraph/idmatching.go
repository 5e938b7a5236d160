package fakegraph

import "github.com/messemu/messemu/validator"

// ID matching: the IDs one person has on the other Pages and apps of the
// same business. The facts come from "Connecting with People Across Apps
// and Bots in Messenger" (developers.facebook.com/docs/messenger-platform/
// identity/id-matching, the ID Matching API):
//
//   - GET /{psid}/ids_for_apps with the Page access token and an
//     appsecret_proof answers the person's app-scoped IDs (ASIDs); `app`
//     narrows the answer to one app. App-scoped IDs exist only for people
//     who logged in to the app with Facebook Login.
//   - GET /{psid}/ids_for_pages with the Page access token, or
//     GET /{asid}/ids_for_pages with the app access token, each with an
//     appsecret_proof, answers the person's Page-scoped IDs; `page` narrows
//     the answer to one Page. ids_for_apps takes an ASID with the app token
//     likewise.
//   - The answers are Graph edges: {"data":[{"id":"<PSID>","page":{"name",
//     "id"}}],"paging":{"cursors":{…}}} and {"data":[{"id":"<ASID>","app":
//     {"category","link","name","id"}}],"paging":{…}}.
//
// messemu hosts its Pages and its one app for a single business. A person
// is the test users that share User.Person, at most one per Page (a user
// with no Person is a person of their own); User.ASID is the person's
// app-scoped ID, set when they "logged in" to the app.
func (s *Server) idMatchingRoutes() []route {
	return []route{
		{method: "GET", pattern: "{id}/ids_for_pages", op: "getIdsForPages", api: APIIDMatching, handle: s.idsForPages, query: []string{"page", "limit", "after", "before"}},
		{method: "GET", pattern: "{id}/ids_for_apps", op: "getIdsForApps", api: APIIDMatching, handle: s.idsForApps, query: []string{"app", "limit", "after", "before"}},
	}
}

// ruleIDMatchingProof: both edges want an appsecret_proof whether or not
// the app requires one ("Requirements: … an appsecret_proof").
var ruleIDMatchingProof = validator.Rule{Name: "id_matching.appsecret_proof", Source: "MP/identity/id-matching"}

// PageScopedID is one item of ids_for_pages.
type PageScopedID struct {
	ID   string  `json:"id"`
	Page PageRef `json:"page"`
}

// PageRef is a Page as ids_for_pages shows it.
type PageRef struct {
	Name string `json:"name"`
	ID   string `json:"id"`
}

// AppScopedID is one item of ids_for_apps.
type AppScopedID struct {
	ID  string     `json:"id"`
	App AppSummary `json:"app"`
}

func (s *Server) idsForPages(c *call) (any, error) {
	person, gerr := s.personOf(c)
	if gerr != nil {
		return nil, gerr
	}
	only := c.str("page")
	var items []pagedItem
	for i, u := range person {
		if only != "" && u.PageID != only {
			continue
		}
		items = append(items, pagedItem{place: uint64(i + 1), value: PageScopedID{ID: u.PSID, Page: PageRef{Name: s.pageName(u.PageID), ID: u.PageID}}})
	}
	return c.paginate(items, cursorCodec{collection: "ids_for_pages:" + c.segs[0], issued: uint64(len(person))})
}

func (s *Server) idsForApps(c *call) (any, error) {
	person, gerr := s.personOf(c)
	if gerr != nil {
		return nil, gerr
	}
	var items []pagedItem
	if asid := personASID(person); asid != "" && (c.str("app") == "" || c.str("app") == s.opts.appID) {
		items = append(items, pagedItem{place: 1, value: AppScopedID{ID: asid, App: s.appSummary()}})
	}
	return c.paginate(items, cursorCodec{collection: "ids_for_apps:" + c.segs[0], issued: 1})
}

// personOf reads the call's node: a PSID of the token's Page (Page token)
// or an app-scoped ID (app token). It answers the person's test users in
// the order the Pages are hosted; an id that names no one is 100/33.
func (s *Server) personOf(c *call) ([]User, *validator.GraphError) {
	if _, given := c.params["appsecret_proof"]; !given {
		return nil, c.fail("appsecret_proof", ruleIDMatchingProof, validator.Err(validator.KeyProofMissing), "ID matching requires an appsecret_proof")
	}
	id := c.segs[0]
	s.mu.RLock()
	defer s.mu.RUnlock()
	var key string
	if c.appToken {
		key = s.personWithASID(id)
	} else if u := c.page.users[id]; u != nil {
		key = personKey(*u)
		c.psid = id
	}
	if key == "" {
		return nil, c.unknownNode(id)
	}
	var out []User
	for _, p := range s.opts.pages {
		if ps := s.pages[p.ID]; ps != nil {
			for _, u := range ps.users { // one a Page at most (checkPerson)
				if personKey(*u) == key {
					out = append(out, *u)
				}
			}
		}
	}
	return out, nil
}

// personKey is what makes test users one person: their Person, or the
// user alone when it has none.
func personKey(u User) string {
	if u.Person != "" {
		return "person:" + u.Person
	}
	return "user:" + u.PageID + "/" + u.PSID
}

// personWithASID is the key of the person whose app-scoped ID is asid
// ("" when none); s.mu is held.
func (s *Server) personWithASID(asid string) string {
	for _, p := range s.pages {
		for _, u := range p.users {
			if u.ASID != "" && u.ASID == asid {
				return personKey(*u)
			}
		}
	}
	return ""
}

// personASID is the person's app-scoped ID ("" when they never logged in).
func personASID(person []User) string {
	for _, u := range person {
		if u.ASID != "" {
			return u.ASID
		}
	}
	return ""
}

// pageName is a hosted Page's name; s.mu is held.
func (s *Server) pageName(pageID string) string {
	if p := s.pages[pageID]; p != nil {
		return p.Name
	}
	return ""
}

// checkPerson refuses a test user whose person would be inconsistent:
// two users of one person on the same Page, or an app-scoped ID that is
// not digits, belongs to another person, or differs from the one the
// person already has. s.mu is held.
func (s *Server) checkPerson(u User) error {
	if u.Person == "" && u.ASID == "" {
		return nil // a person of their own, with no app-scoped ID: no one to clash with
	}
	if u.ASID != "" && !isDigits(u.ASID) {
		return invalid("an app-scoped ID (asid) is digits only")
	}
	key := personKey(u)
	for _, p := range s.pages {
		for _, o := range p.users {
			if o.PageID == u.PageID && o.PSID == u.PSID {
				continue
			}
			same := personKey(*o) == key
			switch {
			case same && o.PageID == u.PageID:
				return invalid("person " + u.Person + " already has a PSID on Page " + u.PageID + ": " + o.PSID)
			case same && o.ASID != "" && u.ASID != "" && o.ASID != u.ASID:
				return invalid("person " + u.Person + " already has the app-scoped ID " + o.ASID)
			case !same && u.ASID != "" && o.ASID == u.ASID:
				return invalid("asid " + u.ASID + " is the app-scoped ID of another person (" + o.Name + " on Page " + o.PageID + ")")
			}
		}
	}
	return nil
}
