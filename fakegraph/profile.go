package fakegraph

import (
	"encoding/json"
	"strings"

	"github.com/messemu/messemu/validator"
)

// The Messenger Profile API (PLATFORM.md §4): the Page's Get Started
// button, greeting, persistent menu, ice breakers, whitelisted domains,
// account linking URL, commands and the legacy fields; and
// custom_user_settings, a user's own persistent menu. Changes apply at once.
// The rules are validator.MessengerProfile; this file keeps the state.
func (s *Server) profileRoutes() []route {
	return []route{
		{method: "POST", pattern: "{page}/messenger_profile", op: "setMessengerProfile", api: APIProfile, handle: s.setProfile},
		{method: "GET", pattern: "{page}/messenger_profile", op: "getMessengerProfile", api: APIProfile, handle: s.getProfile, query: []string{"fields"}},
		{method: "DELETE", pattern: "{page}/messenger_profile", op: "deleteMessengerProfile", api: APIProfile, handle: s.deleteProfile},
		{method: "POST", pattern: "{page}/custom_user_settings", op: "setCustomUserSettings", api: APIProfile, handle: s.setUserSettings},
		{method: "GET", pattern: "{page}/custom_user_settings", op: "getCustomUserSettings", api: APIProfile, handle: s.getUserSettings, query: []string{"psid"}},
		{method: "DELETE", pattern: "{page}/custom_user_settings", op: "deleteCustomUserSettings", api: APIProfile, handle: s.deleteUserSettings},
	}
}

// profileState is a Page's Messenger Profile, each field as the bot set it
// (normalised), and the users' own menus; guarded by Server.mu.
type profileState struct {
	fields    map[string]json.RawMessage
	userMenus map[string]json.RawMessage // by PSID
}

func newProfileState() *profileState {
	return &profileState{fields: map[string]json.RawMessage{}, userMenus: map[string]json.RawMessage{}}
}

// ProfileResult is the answer {"result":"success"}.
type ProfileResult struct {
	Result string `json:"result"`
}

var (
	profileSuccess           = ProfileResult{Result: "success"}
	ruleUserUnknown          = validator.Rule{Name: "custom_user_settings.psid.known", Source: "MP/error-codes 2018001"}
	ruleProfileDeleteParam   = validator.Rule{Name: "profile.delete.unknown-parameter", Source: "note §1.3"}
	ruleUserSettingsDelParam = validator.Rule{Name: "custom_user_settings.delete.unknown-parameter", Source: "note §1.3"}
)

// ProfileData is the answer to a profile GET: one object of the set
// fields, or none (decision D9).
type ProfileData struct {
	Data []map[string]json.RawMessage `json:"data"`
}

func (s *Server) setProfile(c *call) (any, error) {
	if gerr := s.limits.admitProfile(c, ""); gerr != nil {
		return nil, gerr
	}
	c.requestJSON = c.requestRecord()
	s.mu.Lock()
	defer s.mu.Unlock()
	ps := c.page.profile
	chk := s.validator.MessengerProfile(c.params, profilePage(c.page))
	c.violations = append(c.violations, chk.Violations...)
	if gerr := chk.Err(); gerr != nil {
		return nil, gerr
	}
	stored := make(map[string]json.RawMessage, len(chk.Fields))
	for k, v := range chk.Fields {
		b, err := json.Marshal(profileOrder(v))
		if err != nil {
			return nil, err
		}
		stored[k] = b
	}
	for k, b := range stored {
		ps.fields[k] = b
	}
	if _, ok := stored["whitelisted_domains"]; ok {
		domains := validator.FieldList(chk.Fields["whitelisted_domains"])
		for i, d := range domains {
			domains[i] = strings.Clone(d) // kept: not a slice of the body (decodeObjectText)
		}
		c.page.domains = domains
	}
	return profileSuccess, nil
}

// profilePage is what the Messenger Profile checks need of p, read under
// Server.mu.
func profilePage(p *pageState) validator.ProfilePage {
	_, hasGS := p.profile.fields["get_started"]
	return validator.ProfilePage{GetStarted: hasGS, WhitelistedDomain: stateView{p: p}.WhitelistedDomain}
}

// profileFieldsParam counts a GET or DELETE against the Messenger Profile
// rate limit and reads its fields parameter.
func (s *Server) profileFieldsParam(c *call) ([]string, *validator.GraphError) {
	if gerr := s.limits.admitProfile(c, ""); gerr != nil {
		return nil, gerr
	}
	fields, _ := c.listParam("fields")
	res := validator.ProfileFieldsParam(fields)
	c.violations = append(c.violations, res.Violations...)
	return fields, res.Err()
}

// profileData is a profile GET's answer: one object of the set fields, or
// an empty list when none is set (PLATFORM.md D9).
func profileData(obj map[string]json.RawMessage) ProfileData {
	out := ProfileData{Data: []map[string]json.RawMessage{}}
	if len(obj) > 0 {
		out.Data = append(out.Data, obj)
	}
	return out
}

func (s *Server) getProfile(c *call) (any, error) {
	fields, gerr := s.profileFieldsParam(c)
	if gerr != nil {
		return nil, gerr
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	obj := map[string]json.RawMessage{}
	for _, f := range fields {
		if b, ok := c.page.profile.fields[f]; ok {
			obj[f] = b
		}
	}
	return profileData(obj), nil
}

func (s *Server) deleteProfile(c *call) (any, error) {
	fields, gerr := s.profileFieldsParam(c)
	if gerr != nil {
		return nil, gerr
	}
	c.warnUnknownParams(ruleProfileDeleteParam, "fields")
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range fields {
		delete(c.page.profile.fields, f)
		if f == "whitelisted_domains" {
			c.page.domains = nil
		}
	}
	return profileSuccess, nil
}

func (s *Server) setUserSettings(c *call) (any, error) {
	if gerr := s.limits.admitUserSettings(c, c.str("psid")); gerr != nil {
		return nil, gerr
	}
	c.requestJSON = c.requestRecord()
	s.mu.Lock()
	defer s.mu.Unlock()
	ps := c.page.profile
	res, psid := s.validator.UserSettings(c.params, profilePage(c.page))
	if psid != "" && c.page.users[psid] == nil {
		// An unknown user is refused before the menu is judged.
		return nil, c.fail("psid", ruleUserUnknown, validator.Err(validator.KeyNoUser), "no test user "+psid+" on this Page")
	}
	c.violations = append(c.violations, res.Violations...)
	c.psid = psid
	if gerr := res.Err(); gerr != nil {
		return nil, gerr
	}
	b, err := json.Marshal(profileOrder(c.params["persistent_menu"]))
	if err != nil {
		return nil, err
	}
	ps.userMenus[strings.Clone(psid)] = b // psid may be a slice of the body (decodeObjectText)
	return profileSuccess, nil
}

// userSettingsPSID reads and checks the psid of a custom_user_settings GET
// or DELETE; s.mu is held.
func (c *call) userSettingsPSID() (string, *validator.GraphError) {
	psid := c.str("psid")
	if psid == "" {
		return "", c.fail("psid", ruleUserUnknown, validator.Err(validator.KeyRequired, "psid"), "psid names the user")
	}
	if c.page.users[psid] == nil {
		return "", c.fail("psid", ruleUserUnknown, validator.Err(validator.KeyNoUser), "no test user "+psid+" on this Page")
	}
	c.psid = psid
	return psid, nil
}

func (s *Server) getUserSettings(c *call) (any, error) {
	if gerr := s.limits.admitUserSettings(c, c.str("psid")); gerr != nil {
		return nil, gerr
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	psid, gerr := c.userSettingsPSID()
	if gerr != nil {
		return nil, gerr
	}
	obj := map[string]json.RawMessage{}
	if b, ok := c.page.profile.userMenus[psid]; ok {
		obj["user_level_persistent_menu"] = b
	}
	if b, ok := c.page.profile.fields["persistent_menu"]; ok {
		obj["page_level_persistent_menu"] = b
	}
	return profileData(obj), nil
}

func (s *Server) deleteUserSettings(c *call) (any, error) {
	if gerr := s.limits.admitUserSettings(c, c.str("psid")); gerr != nil {
		return nil, gerr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	psid, gerr := c.userSettingsPSID()
	if gerr != nil {
		return nil, gerr
	}
	c.warnUnknownParams(ruleUserSettingsDelParam, "psid", "params")
	params, _ := c.listParam("params")
	res := validator.UserSettingsDeleteParams(params)
	c.violations = append(c.violations, res.Violations...)
	if gerr := res.Err(); gerr != nil {
		return nil, gerr
	}
	delete(c.page.profile.userMenus, psid)
	return profileSuccess, nil
}
