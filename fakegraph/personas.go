package fakegraph

import (
	"sort"
	"strings"
	"time"

	"github.com/messemu/messemu/validator"
)

// Personas (PLATFORM.md §5): create, list with paging, get and delete by id
// (node.go). Deletion is soft: messages already sent keep their persona,
// and later sends with it are refused (stateView.Persona).
func (s *Server) personaRoutes() []route {
	return []route{
		{method: "POST", pattern: "{page}/personas", op: "createPersona", api: APIPersonas, handle: s.createPersona},
		{method: "GET", pattern: "{page}/personas", op: "listPersonas", api: APIPersonas, handle: s.listPersonas, query: []string{"fields", "limit", "after", "before"}},
	}
}

// Persona is a name and picture a Page's messages can be sent as.
type Persona struct {
	ID                string    `json:"id"`
	Name              string    `json:"name"`
	ProfilePictureURL string    `json:"profile_picture_url"`
	Created           time.Time `json:"created"`
	// Deleted is set by DELETE /{persona-id}; the persona stays known so
	// past messages still show it.
	Deleted bool `json:"deleted,omitempty"`
	place   uint64
}

// PersonaNode is a persona as the Graph API answers it.
type PersonaNode struct {
	Name              string `json:"name,omitempty"`
	ProfilePictureURL string `json:"profile_picture_url,omitempty"`
	ID                string `json:"id"`
}

// personaType is the persona node's fields (nodefields.go); the
// platform's name for the node type is not documented (D16).
var (
	personaType                  = nodeType{fields: []string{"id", "name", "profile_picture_url"}}
	rulePersonaFields            = validator.Rule{Name: "persona.fields", Source: "MP/send-messages/personas (decision D25)"}
	rulePersonaFieldsNotModelled = validator.Rule{Name: "persona.fields.not-emulated", Source: "MP/send-messages/personas (decision D25)"}
)

// personaStore holds a Page's personas; guarded by Server.mu.
type personaStore struct {
	byID  map[string]*Persona
	place uint64
}

func newPersonaStore() *personaStore { return &personaStore{byID: map[string]*Persona{}} }

func (ps *personaStore) live(id string) (*Persona, bool) {
	p, ok := ps.byID[id]
	return p, ok && !p.Deleted
}

func hasPersona(p *pageState, id string) bool { return p.personas.byID[id] != nil }

func (s *Server) createPersona(c *call) (any, error) {
	chk := s.validator.CreatePersona(c.params)
	c.violations = append(c.violations, chk.Violations...)
	if gerr := chk.Err(); gerr != nil {
		return nil, gerr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ps := c.page.personas
	ps.place++
	// The strings are slices of the body (decodeObjectText): a persona keeps copies.
	p := &Persona{ID: s.newObjectID(c.page), Name: strings.Clone(chk.Name), ProfilePictureURL: strings.Clone(chk.PictureURL), Created: c.now, place: ps.place}
	ps.byID[p.ID] = p
	return map[string]string{"id": p.ID}, nil
}

func (s *Server) listPersonas(c *call) (any, error) {
	fields, gerr := c.nodeFields(personaType, rulePersonaFields, rulePersonaFieldsNotModelled)
	if gerr != nil {
		return nil, gerr
	}
	s.mu.RLock()
	ps := c.page.personas
	items := make([]pagedItem, 0, len(ps.byID))
	for _, p := range ps.byID {
		if !p.Deleted {
			items = append(items, pagedItem{place: p.place, value: personaNode(p, fields)})
		}
	}
	cc := cursorCodec{collection: "personas:" + c.page.ID, issued: ps.place}
	s.mu.RUnlock()
	return c.paginate(items, cc)
}

func (s *Server) getPersona(c *call, id string) (any, error) {
	fields, gerr := c.nodeFields(personaType, rulePersonaFields, rulePersonaFieldsNotModelled)
	if gerr != nil {
		return nil, gerr
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	p, ok := c.page.personas.live(id)
	if !ok {
		return nil, c.unknownNode(id)
	}
	return personaNode(p, fields), nil
}

func (s *Server) deletePersona(c *call, id string) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := c.page.personas.live(id)
	if !ok {
		return nil, c.unknownNode(id)
	}
	c.warnUnknownParams(rulePersonaDelParam)
	p.Deleted = true
	return Success{Success: true}, nil
}

var rulePersonaDelParam = validator.Rule{Name: "persona.delete.unknown-parameter", Source: "note §1.3"}

func personaNode(p *Persona, fields []string) PersonaNode {
	n := PersonaNode{ID: p.ID}
	if asked(fields, "name") {
		n.Name = p.Name
	}
	if asked(fields, "profile_picture_url") {
		n.ProfilePictureURL = p.ProfilePictureURL
	}
	return n
}

// Personas lists a Page's live personas, oldest first.
func (s *Server) Personas(pageID string) ([]Persona, error) {
	all, err := s.allPersonas(pageID)
	if err != nil {
		return nil, err
	}
	live := all[:0]
	for _, p := range all {
		if !p.Deleted {
			live = append(live, p)
		}
	}
	return live, nil
}

// allPersonas lists every persona of a Page, deleted ones too, oldest first.
func (s *Server) allPersonas(pageID string) ([]Persona, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	pg, err := s.page(pageID)
	if err != nil {
		return nil, err
	}
	out := make([]Persona, 0, len(pg.personas.byID))
	for _, p := range pg.personas.byID {
		out = append(out, *p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].place < out[j].place })
	return out, nil
}

// PersonaByID looks up a persona of a Page, deleted or not, so a past
// message can show the persona it was sent as.
func (s *Server) PersonaByID(pageID, id string) (Persona, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	pg, ok := s.pages[pageID]
	if !ok {
		return Persona{}, false
	}
	p, ok := pg.personas.byID[id]
	if !ok {
		return Persona{}, false
	}
	return *p, true
}
