package fakegraph

import "github.com/messemu/messemu/validator"

// Nodes: GET /me, and GET or DELETE of any id the emulator knows. One id
// space: an id resolves to whatever it is (PLATFORM.md §5–§7).
func (s *Server) nodeRoutes() []route {
	return []route{
		{method: "GET", pattern: "{id}", api: "node", handle: s.getNode},
		{method: "DELETE", pattern: "{id}", api: "node", handle: s.deleteNode},
	}
}

// PageNode is the answer to GET /me with a Page token.
type PageNode struct {
	Name string `json:"name"`
	ID   string `json:"id"`
}

func (s *Server) getNode(c *call) (any, error) {
	id := c.segs[0]
	if id == "me" || id == c.page.ID {
		return PageNode{Name: c.page.Name, ID: c.page.ID}, nil
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if m, ok := c.page.mids[id]; ok {
		return map[string]any{"id": m.MID, "created_time": m.Time.UTC().Format("2006-01-02T15:04:05-0700")}, nil
	}
	if v, ok := s.getAttachmentNode(c, id); ok {
		return v, nil
	}
	return nil, validator.UnsupportedError(c.method, id)
}

func (s *Server) deleteNode(c *call) (any, error) {
	if v, ok := s.deleteAttachmentNode(c, c.segs[0]); ok {
		return v, nil
	}
	return nil, validator.UnsupportedError(c.method, c.segs[0])
}
