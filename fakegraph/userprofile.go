package fakegraph

import "github.com/messemu/messemu/validator"

// The User Profile API (PLATFORM.md §7): GET /{PSID}?fields=… answers the
// requested fields of the test user that are set, plus id. It is reached
// through the one id space (node.go); test users' profiles are set with
// the control API (PATCH users/{psid}).

var ruleNoProfile = validator.Rule{Name: "user_profile.phone-number-account", Source: "MP/error-codes 2018218"}

// defaultProfileFields answer a request without fields (≈, PLATFORM.md §7).
var defaultProfileFields = []string{"name", "id"}

func (s *Server) getUserProfile(c *call, psid string) (any, error) {
	fields, _ := c.listParam("fields")
	res := validator.UserProfileFieldsParam(fields)
	c.violations = append(c.violations, res.Violations...)
	s.mu.RLock()
	u, ok := c.page.users[psid]
	var user User
	if ok {
		user = *u
	}
	s.mu.RUnlock()
	if !ok {
		return nil, c.unknownNode(psid)
	}
	c.psid = psid
	if gerr := res.Err(); gerr != nil {
		return nil, gerr
	}
	if user.PhoneAccount {
		return nil, c.fail("", ruleNoProfile, validator.Err(validator.KeyNoProfile), "the user is flagged as a phone-number account")
	}
	if user.Private {
		return map[string]any{}, nil
	}
	if len(fields) == 0 {
		fields = defaultProfileFields
	}
	return userProfile(user, fields), nil
}

// userProfile answers the asked fields that are set, in the order asked,
// then id.
func userProfile(u User, fields []string) orderedObject {
	text := map[string]string{
		"name": u.Name, "first_name": u.FirstName, "last_name": u.LastName,
		"profile_pic": u.ProfilePic, "locale": u.Locale, "gender": u.Gender,
	}
	out := make(orderedObject, 0, len(fields)+1)
	seen := map[string]bool{"id": true}
	for _, f := range fields {
		if seen[f] {
			continue
		}
		seen[f] = true
		switch {
		case f == "timezone":
			out = append(out, field{f, u.Timezone})
		case text[f] != "":
			out = append(out, field{f, text[f]})
		}
	}
	return append(out, field{"id", u.PSID})
}
