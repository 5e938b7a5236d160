package fakegraph

import (
	"encoding/json"
	"strings"
)

// Read access to the Messenger Profile for the rest of messemu: the web UI
// draws the Get Started button, greeting, menu and ice breakers; the
// webhook side turns taps into postbacks; testkit asserts on settings.

// ProfileSettings is a Page's Messenger Profile in Go form. Ice breakers
// set in the old form appear as one "default" locale.
type ProfileSettings struct {
	GetStarted         *GetStarted                `json:"get_started,omitempty"`
	Greeting           []Greeting                 `json:"greeting,omitempty"`
	PersistentMenu     []MenuLocale               `json:"persistent_menu,omitempty"`
	IceBreakers        []IceBreakerLocale         `json:"ice_breakers,omitempty"`
	WhitelistedDomains []string                   `json:"whitelisted_domains,omitempty"`
	AccountLinkingURL  string                     `json:"account_linking_url,omitempty"`
	Commands           []CommandLocale            `json:"commands,omitempty"`
	Legacy             map[string]json.RawMessage `json:"legacy,omitempty"` // payment_settings, target_audience, home_url
}

// GetStarted is the Get Started button.
type GetStarted struct {
	Payload string `json:"payload"`
}

// Greeting is the greeting text of one locale.
type Greeting struct {
	Locale string `json:"locale"`
	Text   string `json:"text"`
}

// MenuLocale is the persistent menu of one locale.
type MenuLocale struct {
	Locale                string     `json:"locale"`
	ComposerInputDisabled bool       `json:"composer_input_disabled"`
	DisabledSurfaces      []string   `json:"disabled_surfaces,omitempty"` // decision D24
	CallToActions         []MenuItem `json:"call_to_actions,omitempty"`
}

// MenuItem is one persistent menu item: a web_url or a postback.
type MenuItem struct {
	Type                string `json:"type"`
	Title               string `json:"title"`
	Payload             string `json:"payload,omitempty"`
	URL                 string `json:"url,omitempty"`
	WebviewHeightRatio  string `json:"webview_height_ratio,omitempty"`
	MessengerExtensions bool   `json:"messenger_extensions,omitempty"`
	FallbackURL         string `json:"fallback_url,omitempty"`
	WebviewShareButton  string `json:"webview_share_button,omitempty"`
}

// IceBreakerLocale is the ice breakers of one locale.
type IceBreakerLocale struct {
	Locale        string       `json:"locale"`
	CallToActions []IceBreaker `json:"call_to_actions"`
}

// IceBreaker is one ice-breaker question.
type IceBreaker struct {
	Question string `json:"question"`
	Payload  string `json:"payload"`
}

// CommandLocale is the commands of one locale.
type CommandLocale struct {
	Locale   string    `json:"locale"`
	Commands []Command `json:"commands"`
}

// Command is one bot command.
type Command struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

// ProfileSnapshot is a Page's Messenger Profile as the bot set it: each
// field in its stored form, and each user's own menu.
type ProfileSnapshot struct {
	Fields             map[string]json.RawMessage `json:"fields"`
	CustomUserSettings map[string]json.RawMessage `json:"custom_user_settings"`
}

// ProfileJSON returns the Page's profile fields and user menus as stored.
func (s *Server) ProfileJSON(pageID string) (ProfileSnapshot, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	p, err := s.page(pageID)
	if err != nil {
		return ProfileSnapshot{}, err
	}
	out := ProfileSnapshot{Fields: map[string]json.RawMessage{}, CustomUserSettings: map[string]json.RawMessage{}}
	for k, v := range p.profile.fields {
		out.Fields[k] = v
	}
	for k, v := range p.profile.userMenus {
		out.CustomUserSettings[k] = v
	}
	return out, nil
}

// MessengerProfile returns the Page's Messenger Profile.
func (s *Server) MessengerProfile(pageID string) (ProfileSettings, error) {
	snap, err := s.ProfileJSON(pageID)
	if err != nil {
		return ProfileSettings{}, err
	}
	var out ProfileSettings
	f := snap.Fields
	decode := func(key string, v any) {
		if b, ok := f[key]; ok {
			if err := json.Unmarshal(b, v); err != nil {
				s.log.Debug("profile field in an unexpected form", "field", key, "err", err)
			}
		}
	}
	decode("get_started", &out.GetStarted)
	decode("greeting", &out.Greeting)
	decode("persistent_menu", &out.PersistentMenu)
	decode("whitelisted_domains", &out.WhitelistedDomains)
	decode("account_linking_url", &out.AccountLinkingURL)
	decode("commands", &out.Commands)
	out.IceBreakers = iceBreakerLocales(f["ice_breakers"])
	for _, k := range []string{"payment_settings", "target_audience", "home_url"} {
		if b, ok := f[k]; ok {
			if out.Legacy == nil {
				out.Legacy = map[string]json.RawMessage{}
			}
			out.Legacy[k] = b
		}
	}
	return out, nil
}

// iceBreakerLocales reads ice breakers in either form.
func iceBreakerLocales(b json.RawMessage) []IceBreakerLocale {
	if len(b) == 0 {
		return nil
	}
	var locales []IceBreakerLocale
	if err := json.Unmarshal(b, &locales); err == nil && len(locales) > 0 && locales[0].Locale != "" {
		return locales
	}
	var old []IceBreaker
	if err := json.Unmarshal(b, &old); err != nil || len(old) == 0 {
		return nil
	}
	return []IceBreakerLocale{{Locale: "default", CallToActions: old}}
}

// GetStarted returns the payload of the Page's Get Started button.
func (s *Server) GetStarted(pageID string) (payload string, ok bool) {
	ps, err := s.MessengerProfile(pageID)
	if err != nil || ps.GetStarted == nil {
		return "", false
	}
	return ps.GetStarted.Payload, true
}

// PersistentMenus returns the menu psid sees, every locale: the user's own
// menu (custom_user_settings) over the Page's.
func (s *Server) PersistentMenus(pageID, psid string) []MenuLocale {
	s.mu.RLock()
	p, ok := s.pages[pageID]
	var b json.RawMessage
	if ok {
		b = p.profile.fields["persistent_menu"]
		if um, ok := p.profile.userMenus[psid]; ok && psid != "" {
			b = um
		}
	}
	s.mu.RUnlock()
	var out []MenuLocale
	if len(b) > 0 {
		if err := json.Unmarshal(b, &out); err != nil {
			s.log.Debug("persistent menu in an unexpected form", "err", err)
		}
	}
	return out
}

// PersistentMenu returns the menu psid sees in their locale, or the
// default locale's.
func (s *Server) PersistentMenu(pageID, psid string) (MenuLocale, bool) {
	return pickLocale(s.PersistentMenus(pageID, psid), s.userLocale(pageID, psid), func(m MenuLocale) string { return m.Locale })
}

// IceBreakers returns the ice breakers psid sees, in their locale or the
// default one.
func (s *Server) IceBreakers(pageID, psid string) []IceBreaker {
	ps, err := s.MessengerProfile(pageID)
	if err != nil {
		return nil
	}
	l, ok := pickLocale(ps.IceBreakers, s.userLocale(pageID, psid), func(l IceBreakerLocale) string { return l.Locale })
	if !ok {
		return nil
	}
	return l.CallToActions
}

// GreetingText returns the greeting psid sees, in their locale or the
// default one ("" when none is set).
func (s *Server) GreetingText(pageID, psid string) string {
	ps, err := s.MessengerProfile(pageID)
	if err != nil {
		return ""
	}
	g, _ := pickLocale(ps.Greeting, s.userLocale(pageID, psid), func(g Greeting) string { return g.Locale })
	return g.Text
}

// GreetingShown is the greeting as psid sees it, with the documented
// placeholders {{user_first_name}}, {{user_last_name}} and
// {{user_full_name}} filled in.
func (s *Server) GreetingShown(pageID, psid string) string {
	text := s.GreetingText(pageID, psid)
	if text == "" {
		return ""
	}
	u, err := s.GetUser(pageID, psid)
	if err != nil {
		return text
	}
	return strings.NewReplacer("{{user_first_name}}", u.FirstName, "{{user_last_name}}", u.LastName,
		"{{user_full_name}}", u.Name).Replace(text)
}

// Commands returns the bot commands psid sees, in their locale or the
// default one.
func (s *Server) Commands(pageID, psid string) []Command {
	ps, err := s.MessengerProfile(pageID)
	if err != nil {
		return nil
	}
	l, ok := pickLocale(ps.Commands, s.userLocale(pageID, psid), func(l CommandLocale) string { return l.Locale })
	if !ok {
		return nil
	}
	return l.Commands
}

func (s *Server) userLocale(pageID, psid string) string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if p, ok := s.pages[pageID]; ok {
		if u, ok := p.users[psid]; ok {
			return u.Locale
		}
	}
	return ""
}

// pickLocale finds the entry for locale, else the "default" one.
func pickLocale[T any](entries []T, locale string, key func(T) string) (T, bool) {
	var def T
	found := false
	for _, e := range entries {
		switch key(e) {
		case locale:
			return e, true
		case "default":
			def, found = e, true
		}
	}
	return def, found
}
