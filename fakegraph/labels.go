package fakegraph

import (
	"sort"
	"strings"
	"time"

	"github.com/messemu/messemu/validator"
)

// Custom labels (PLATFORM.md §6): create, list with paging, get and delete
// by id (node.go), put on and take off a user, and a user's labels. Every
// change to a user's labels fires inbox_labels.
func (s *Server) labelRoutes() []route {
	return []route{
		{method: "POST", pattern: "{page}/custom_labels", op: "createLabel", api: APILabels, handle: s.createLabel},
		// {id}: the Page (its labels) or a PSID (that user's labels).
		{method: "GET", pattern: "{id}/custom_labels", op: "listLabels", api: APILabels, handle: s.listLabels, query: []string{"fields", "limit", "after", "before"}},
		{method: "POST", pattern: "{id}/label", op: "labelUser", api: APILabels, handle: s.labelUser},
		{method: "DELETE", pattern: "{id}/label", op: "unlabelUser", api: APILabels, handle: s.unlabelUser},
	}
}

// Label is a custom label of a Page and the users that carry it.
type Label struct {
	ID      string    `json:"id"`
	Name    string    `json:"page_label_name"`
	Created time.Time `json:"created"`
	// Users are the PSIDs labelled, sorted.
	Users []string `json:"users"`
}

type labelState struct {
	id      string
	name    string
	created time.Time
	place   uint64
	users   map[string]bool
}

// labelStore holds a Page's labels; guarded by Server.mu. Deleted labels
// are gone (unlike personas), but their places are never reused, so old
// cursors stay valid.
type labelStore struct {
	byID  map[string]*labelState
	place uint64
}

func newLabelStore() *labelStore { return &labelStore{byID: map[string]*labelState{}} }

func hasLabel(p *pageState, id string) bool { return p.labels.byID[id] != nil }

var (
	// labelType is the custom label node type's fields (nodefields.go).
	labelType                  = nodeType{name: "PageUserMessageThreadLabel", fields: []string{"id", "name", "page_label_name"}}
	ruleLabelFields            = validator.Rule{Name: "custom_label.fields", Source: "MP/identity/custom-labels (decision D25)"}
	ruleLabelFieldsNotModelled = validator.Rule{Name: "custom_label.fields.not-emulated", Source: "MP/identity/custom-labels (decision D25)"}
	ruleLabelUser              = validator.Rule{Name: "custom_label.user", Source: "MP/identity/custom-labels"}
	ruleLabelUserParam         = validator.Rule{Name: "custom_label.user.unknown-parameter", Source: "note §1.3"}
	ruleLabelDelParam          = validator.Rule{Name: "custom_label.delete.unknown-parameter", Source: "note §1.3"}
)

// Inbox label actions, the `action` of an inbox_labels change.
const (
	InboxLabelAdd    = "add"
	InboxLabelRemove = "remove"
)

func (s *Server) createLabel(c *call) (any, error) {
	chk := s.validator.CreateLabel(c.params)
	c.violations = append(c.violations, chk.Violations...)
	if gerr := chk.Err(); gerr != nil {
		return nil, gerr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ls := c.page.labels
	ls.place++
	// chk.Name is a slice of the body (decodeObjectText): the label keeps a copy.
	l := &labelState{id: s.newObjectID(c.page), name: strings.Clone(chk.Name), created: c.now, place: ls.place, users: map[string]bool{}}
	ls.byID[l.id] = l
	return map[string]string{"id": l.id}, nil
}

// labelNode answers the asked fields (default page_label_name), then id.
func labelNode(l *labelState, fields []string) orderedObject {
	if fields == nil {
		fields = []string{"page_label_name"}
	}
	n := make(orderedObject, 0, len(fields)+1)
	for _, f := range fields {
		if f != "id" {
			n = append(n, field{f, l.name})
		}
	}
	return append(n, field{"id", l.id})
}

func (s *Server) listLabels(c *call) (any, error) {
	id := c.segs[0]
	s.mu.RLock()
	ls := c.page.labels
	psid := ""
	if !c.isPage(id) {
		if c.page.users[id] == nil {
			s.mu.RUnlock()
			return nil, c.unknownNode(id)
		}
		psid = id
		c.psid = psid
	}
	fields, gerr := c.nodeFields(labelType, ruleLabelFields, ruleLabelFieldsNotModelled)
	if gerr != nil {
		s.mu.RUnlock()
		return nil, gerr
	}
	items := make([]pagedItem, 0, len(ls.byID))
	for _, l := range ls.byID {
		if psid == "" || l.users[psid] {
			items = append(items, pagedItem{place: l.place, value: labelNode(l, fields)})
		}
	}
	collection := "labels:" + c.page.ID
	if psid != "" {
		collection += ":" + psid
	}
	cc := cursorCodec{collection: collection, issued: ls.place}
	s.mu.RUnlock()
	return c.paginate(items, cc)
}

func (s *Server) getLabel(c *call, id string) (any, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	l, ok := c.page.labels.byID[id]
	if !ok {
		return nil, c.unknownNode(id)
	}
	fields, gerr := c.nodeFields(labelType, ruleLabelFields, ruleLabelFieldsNotModelled)
	if gerr != nil {
		return nil, gerr
	}
	return labelNode(l, fields), nil
}

func (s *Server) deleteLabel(c *call, id string) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := c.page.labels.byID[id]; !ok {
		return nil, c.unknownNode(id)
	}
	c.warnUnknownParams(ruleLabelDelParam)
	delete(c.page.labels.byID, id)
	return Success{Success: true}, nil
}

func (s *Server) labelUser(c *call) (any, error)   { return s.setUserLabel(c, true) }
func (s *Server) unlabelUser(c *call) (any, error) { return s.setUserLabel(c, false) }

// setUserLabel puts the label c.segs[0] on the user of the `user` param,
// or takes it off, and fires inbox_labels.
func (s *Server) setUserLabel(c *call, on bool) (any, error) {
	id := c.segs[0]
	s.mu.Lock()
	l, ok := c.page.labels.byID[id]
	if !ok {
		s.mu.Unlock()
		return nil, c.unknownNode(id)
	}
	c.warnUnknownParams(ruleLabelUserParam, "user")
	psid, gerr := c.textParam("user", ruleLabelUser, "user names the PSID to label")
	if gerr != nil {
		s.mu.Unlock()
		return nil, gerr
	}
	if psid == "" {
		s.mu.Unlock()
		return nil, c.fail("user", ruleLabelUser, validator.Err(validator.KeyRequired, "user"), "user names the PSID to label")
	}
	if c.page.users[psid] == nil {
		s.mu.Unlock()
		return nil, c.fail("user", ruleLabelUser, validator.Err(validator.KeyNoUser), "no test user "+psid+" on this Page")
	}
	c.psid = psid
	action := InboxLabelAdd
	if on {
		l.users[strings.Clone(psid)] = true // psid may be a slice of the body (decodeObjectText)
	} else {
		delete(l.users, psid)
		action = InboxLabelRemove
	}
	value := InboxLabel{User: Party{ID: psid}, Action: action, Label: InboxLabelLabel{ID: l.id, PageLabelName: l.name}}
	s.mu.Unlock()
	s.journalLabel(c.now, c.page.ID, value)
	return Success{Success: true}, nil
}

// Labels lists a Page's custom labels, oldest first, with their users.
func (s *Server) Labels(pageID string) ([]Label, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	pg, err := s.page(pageID)
	if err != nil {
		return nil, err
	}
	ls := make([]*labelState, 0, len(pg.labels.byID))
	for _, l := range pg.labels.byID {
		ls = append(ls, l)
	}
	sort.Slice(ls, func(i, j int) bool { return ls[i].place < ls[j].place })
	out := make([]Label, 0, len(ls))
	for _, l := range ls {
		users := make([]string, 0, len(l.users))
		for u := range l.users {
			users = append(users, u)
		}
		sort.Strings(users)
		out = append(out, Label{ID: l.id, Name: l.name, Created: l.created, Users: users})
	}
	return out, nil
}

// UserLabels lists the labels a user carries, oldest first.
func (s *Server) UserLabels(pageID, psid string) ([]Label, error) {
	all, err := s.Labels(pageID)
	if err != nil {
		return nil, err
	}
	out := []Label{}
	for _, l := range all {
		if i := sort.SearchStrings(l.Users, psid); i < len(l.Users) && l.Users[i] == psid {
			out = append(out, l)
		}
	}
	return out, nil
}
