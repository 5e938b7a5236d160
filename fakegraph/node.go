package fakegraph

import (
	"net/http"

	"github.com/messemu/messemu/validator"
)

// Nodes: GET /me, and GET or DELETE of any id the emulator knows. One id
// space: an id resolves to whatever it is (PLATFORM.md §5–§7), and an id
// that is nothing, or a node that does not take the method, answers 100/33.
func (s *Server) nodeRoutes() []route {
	return []route{
		{method: "GET", pattern: "{id}", op: "getNode", api: APINode, handle: s.getNode, query: []string{"fields", "account_linking_token"}},
		{method: "DELETE", pattern: "{id}", op: "deleteNode", api: APINode, handle: s.deleteNode},
	}
}

// nodeKind is one kind of Graph node in the id space.
type nodeKind struct {
	name string
	// api is the family the journal records a call on the node under.
	api string
	// has reports whether id is a node of this kind on p; s.mu is held.
	has func(p *pageState, id string) bool
	// get and del answer GET and DELETE /{id} for a node of this kind;
	// they take s.mu themselves. nil: the node does not take the method.
	get func(c *call, id string) (any, error)
	del func(c *call, id string) (any, error)
}

// handler is the kind's answer to method (GET or DELETE), nil when it
// takes no such call.
func (k nodeKind) handler(method string) func(c *call, id string) (any, error) {
	switch method {
	case http.MethodGet:
		return k.get
	case http.MethodDelete:
		return k.del
	}
	return nil
}

// nodeHandler is what answers method on the node id of the call's Page,
// with the node's family; nil when id is none, or takes no such call.
func (s *Server) nodeHandler(c *call, method, id string) (func(c *call, id string) (any, error), string) {
	if k, ok := s.nodeKindOf(c, id); ok {
		if h := k.handler(method); h != nil {
			return h, k.api
		}
	}
	return nil, ""
}

// nodeKinds lists every kind of node, one line per family.
func (s *Server) nodeKinds() []nodeKind {
	return []nodeKind{
		{name: "user", api: APIUserProfile, has: hasUser, get: s.getUserProfile},                                     // userprofile.go
		{name: "persona", api: APIPersonas, has: hasPersona, get: s.getPersona, del: s.deletePersona},                // personas.go
		{name: "label", api: APILabels, has: hasLabel, get: s.getLabel, del: s.deleteLabel},                          // labels.go
		{name: "message", api: APINode, has: hasMessage, get: s.getMessage},                                          // below
		{name: "attachment", api: APIAttachments, has: hasAttachment, get: s.getAttachment, del: s.deleteAttachment}, // attachments.go, adapted below
	}
}

// nodeKindOf finds what id is on the call's Page.
func (s *Server) nodeKindOf(c *call, id string) (nodeKind, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, k := range s.nodeKinds() {
		if k.has(c.page, id) {
			return k, true
		}
	}
	return nodeKind{}, false
}

// resolveNodeFamily files a call to a node of the Page (a user, a
// persona, a label, an attachment) under that node's family, as its
// handler will: for what runs before the handler (fault rules).
func (s *Server) resolveNodeFamily(c *call) {
	if c.api != "" || c.route == nil || c.route.api != APINode || len(c.segs) != 1 || c.page == nil || c.isPage(c.segs[0]) {
		return
	}
	if h, api := s.nodeHandler(c, c.method, c.segs[0]); h != nil {
		c.api = api
	}
}

func (s *Server) getNode(c *call) (any, error) {
	id := c.segs[0]
	if c.isPage(id) {
		return s.getPageNode(c) // pagenode.go
	}
	if _, ok := c.params["account_linking_token"]; ok {
		c.warn("account_linking_token", ruleReadParam, "account_linking_token is read on the Page's node only (fields=recipient)")
	}
	if h, api := s.nodeHandler(c, http.MethodGet, id); h != nil {
		c.api = api
		return h(c, id)
	}
	return nil, c.unknownNode(id)
}

func (s *Server) deleteNode(c *call) (any, error) {
	id := c.segs[0]
	if h, api := s.nodeHandler(c, http.MethodDelete, id); h != nil {
		c.api = api
		return h(c, id)
	}
	return nil, c.unknownNode(id)
}

// idTaken reports whether id already names a node of p; s.mu is held.
func (s *Server) idTaken(p *pageState, id string) bool {
	if id == p.ID {
		return true
	}
	for _, k := range s.nodeKinds() {
		if k.has(p, id) {
			return true
		}
	}
	return false
}

// newObjectID draws a persona, label or attachment id that names nothing
// else on p; s.mu is held for writing.
func (s *Server) newObjectID(p *pageState) string {
	for {
		if id := s.ids.ObjectID(); !s.idTaken(p, id) {
			return id
		}
	}
}

// Success is the answer {"success":true}.
type Success struct {
	Success bool `json:"success"`
}

func hasUser(p *pageState, id string) bool { return p.users[id] != nil }

func hasMessage(p *pageState, id string) bool {
	_, _, ok := p.message(id)
	return ok
}

// MessageNode is the answer to GET /{message-id}.
type MessageNode struct {
	ID          string `json:"id"`
	CreatedTime string `json:"created_time,omitempty"`
}

// messageType is the Message node's fields (nodefields.go): messemu
// answers id and created_time.
// ruleNodeUnknown: an id that names no node the Page token reaches (a
// user, label, persona, message or attachment of another Page, or none at
// all) is 100/33, as Graph answers it (PLATFORM.md §1.2, D14).
var ruleNodeUnknown = validator.Rule{Name: "node.unknown", Source: "decision D14"}

// unknownNode refuses a call on id, a node the token does not reach.
func (c *call) unknownNode(id string) *validator.GraphError {
	return c.fail("", ruleNodeUnknown, validator.UnsupportedError(c.method, id), "no node "+id+" that the token reaches")
}

var messageType = nodeType{name: "Message", fields: []string{"id", "created_time"},
	unmodelled: []string{"attachments", "from", "message", "reactions", "shares", "sticker", "story", "tags", "to", "is_unsupported"}}

var (
	ruleMessageFields            = validator.Rule{Name: "message.fields", Source: "Graph/reference/message (decision D25)"}
	ruleMessageFieldsNotModelled = validator.Rule{Name: "message.fields.not-emulated", Source: "Graph/reference/message (decision D25)"}
)

func (s *Server) getMessage(c *call, id string) (any, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	slot, _, ok := c.page.message(id)
	if !ok {
		return nil, c.unknownNode(id)
	}
	fields, gerr := c.nodeFields(messageType, ruleMessageFields, ruleMessageFieldsNotModelled)
	if gerr != nil {
		return nil, gerr
	}
	n := MessageNode{ID: id}
	if asked(fields, "created_time") {
		n.CreatedTime = graphTime(c.page.store.time(slot))
	}
	return n, nil
}

func hasAttachment(p *pageState, id string) bool { return p.attachments[id] != nil }

// getAttachment and deleteAttachment adapt attachments.go's node answers.
func (s *Server) getAttachment(c *call, id string) (any, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if v, ok := s.getAttachmentNode(c, id); ok {
		return v, nil
	}
	return nil, c.unknownNode(id)
}

func (s *Server) deleteAttachment(c *call, id string) (any, error) {
	if v, ok := s.deleteAttachmentNode(c, id); ok {
		return v, nil
	}
	return nil, c.unknownNode(id)
}
