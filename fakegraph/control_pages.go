package fakegraph

import "net/http"

// The control API of the Pages: what the bot set (Messenger Profile,
// personas, labels), the handover protocol as other apps play it, and
// the platform's policy enforcement.

func (s *Server) pageControlRoutes() []controlRoute {
	return []controlRoute{
		{"GET", "pages", "listPages", s.ctlPages},
		{"GET", "profile", "controlProfile", s.ctlProfile},
		{"GET", "personas", "controlPersonas", s.ctlPersonas},
		{"GET", "labels", "controlLabels", s.ctlLabels},
		{"GET", "handover/roles", "getAppRoles", s.ctlGetRoles},
		{"PUT", "handover/roles", "setAppRoles", s.ctlSetRoles},
		{"POST", "handover/act", "actAsApp", s.ctlHandoverAct},
		{"GET", "handover/threads/{psid}", "getThreadControl", s.ctlThreadOwner},
		{"POST", "policy_enforcement", "policyEnforcement", s.ctlPolicyEnforcement},
		{"GET", "attachments/{id}", "getAttachmentFile", s.ctlAttachmentFile},
	}
}

// ctlAttachmentFile serves a saved asset, where an echo's url points: an
// uploaded file's bytes, or a redirect to the URL it was uploaded from
// (messemu itself never fetches it).
func (s *Server) ctlAttachmentFile(c *controlCall) (any, error) {
	id := c.r.PathValue("id")
	a, ok := s.Attachment(c.pageID, id)
	switch {
	case !ok:
		return nil, &controlStatus{http.StatusNotFound, "no saved attachment " + id + " on Page " + c.pageID}
	case a.File == nil:
		return fileAnswer{redirect: a.URL}, nil
	}
	return fileAnswer{name: a.File.Name, contentType: a.File.ContentType, data: a.File.Data}, nil
}

func (s *Server) ctlPages(c *controlCall) (any, error) {
	return map[string]any{"data": s.Pages()}, nil
}

func (s *Server) ctlProfile(c *controlCall) (any, error) {
	snap, err := s.ProfileJSON(c.pageID)
	if err != nil {
		return nil, err
	}
	settings, err := s.MessengerProfile(c.pageID)
	if err != nil {
		return nil, err
	}
	return map[string]any{"fields": snap.Fields, "custom_user_settings": snap.CustomUserSettings, "settings": settings}, nil
}

func (s *Server) ctlPersonas(c *controlCall) (any, error) {
	all, err := s.allPersonas(c.pageID)
	if err != nil {
		return nil, err
	}
	return map[string]any{"data": all}, nil
}

func (s *Server) ctlLabels(c *controlCall) (any, error) {
	labels, err := s.Labels(c.pageID)
	if err != nil {
		return nil, err
	}
	return map[string]any{"data": labels}, nil
}

func (s *Server) ctlGetRoles(c *controlCall) (any, error) {
	roles := s.AppRoles(c.pageID)
	if roles == nil {
		return nil, fail(ErrNoPage, "no page "+c.pageID)
	}
	return map[string]any{"app_roles": roles}, nil
}

func (s *Server) ctlSetRoles(c *controlCall) (any, error) {
	var req AppRolesRequest
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if err := s.SetAppRoles(c.pageID, req); err != nil {
		return nil, err
	}
	return map[string]any{"app_roles": s.AppRoles(c.pageID)}, nil
}

func (s *Server) ctlThreadOwner(c *controlCall) (any, error) {
	return s.ThreadControl(c.pageID, c.psid())
}

func (s *Server) ctlHandoverAct(c *controlCall) (any, error) {
	var req HandoverActRequest
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if err := s.ActAsApp(c.pageID, req); err != nil {
		return nil, err
	}
	return s.ThreadControl(c.pageID, req.PSID)
}

func (s *Server) ctlPolicyEnforcement(c *controlCall) (any, error) {
	var req PolicyEnforcement
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if err := s.EmitPolicyEnforcement(c.pageID, "", req); err != nil {
		return nil, err
	}
	return ok, nil
}
