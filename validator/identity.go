package validator

// The rules of the identity calls: personas (PLATFORM.md §5), custom labels
// (§6) and the User Profile API (§7). Whether an id exists is the server's
// question; these judge the request alone.

var (
	rulePersonaName    = Rule{Name: "persona.name.length", Limit: 50, Source: "MP/send-messages/personas"}
	rulePersonaPicture = Rule{Name: "persona.profile_picture_url", Source: "MP/send-messages/personas"}
	rulePersonaParam   = Rule{Name: "persona.unknown-parameter", Source: "note §1.3"}
	ruleLabelName      = Rule{Name: "custom_label.name", Source: "MP/identity/custom-labels (decision D2)"}
	ruleLabelParam     = Rule{Name: "custom_label.unknown-parameter", Source: "note §1.3"}
	ruleProfileField   = Rule{Name: "user_profile.fields", Source: "MP/identity/user-profile"}
)

// UserProfileFields are the fields the User Profile API answers.
var UserProfileFields = []string{"id", "name", "first_name", "last_name", "profile_pic", "locale", "timezone", "gender"}

var (
	userProfileFieldSet = set(UserProfileFields...)
	personaParams       = set("name", "profile_picture_url")
	labelParams         = set("page_label_name", "name")
)

// PersonaCheck is the verdict on a persona creation and, when accepted,
// the persona's name and picture.
type PersonaCheck struct {
	Result
	Name       string
	PictureURL string
}

// CreatePersona judges a POST /{page}/personas body: name required, at most
// 50; profile_picture_url required and absolute.
func (v *Validator) CreatePersona(body map[string]any) PersonaCheck {
	r := &report{}
	out := PersonaCheck{}
	r.unknownParams(body, personaParams, rulePersonaParam)
	name, ok := r.profileString(body, "name", Path{}, rulePersonaName, rulePersonaName.Limit)
	if !ok {
		out.Violations = r.out
		return out
	}
	pic, ok := r.profileString(body, "profile_picture_url", Path{}, rulePersonaPicture, 0)
	if ok && !profileAbsoluteURL(pic) {
		r.fail(Root("profile_picture_url"), rulePersonaPicture, Err(KeyURL, "profile_picture_url"), "not an absolute http(s) URL")
	}
	v.backstop("PersonaCreateRequest", body, r)
	out.Violations = r.out
	out.Name, out.PictureURL = name, pic
	return out
}

// LabelCheck is the verdict on a label creation and, when accepted, its name.
type LabelCheck struct {
	Result
	Name string
}

// CreateLabel judges a POST /{page}/custom_labels body: page_label_name, or
// the legacy name, required and non-empty; no count or length limit (D2).
func (v *Validator) CreateLabel(body map[string]any) LabelCheck {
	r := &report{}
	out := LabelCheck{}
	r.unknownParams(body, labelParams, ruleLabelParam)
	key := "page_label_name"
	if lookup(body, key).absent(true) {
		if _, legacy := body["name"]; legacy {
			r.optional(body, key, Path{}, true) // null or "" beside name is absent (D22)
			key = "name"
		}
	}
	out.Name, _ = r.profileString(body, key, Path{}, ruleLabelName, 0)
	v.backstop("LabelCreateRequest", body, r)
	out.Violations = r.out
	return out
}

// UserProfileFieldsParam judges the fields of a User Profile request: each
// one of UserProfileFields, else E no-field on node type User.
func UserProfileFieldsParam(fields []string) Result {
	r := &report{}
	for i, f := range fields {
		if !userProfileFieldSet[f] {
			r.fail(Root("fields").Index(i), ruleProfileField, Err(KeyNoField, f, "User"), "the User Profile API has no field "+f)
			break
		}
	}
	return Result{Violations: r.out}
}

// unknownParams warns about top-level parameters a call does not take
// (Graph ignores them, PLATFORM.md §1.3).
func (r *report) unknownParams(body map[string]any, allowed map[string]bool, rule Rule) {
	for _, k := range sortedKeys(body) {
		if !allowed[k] && !graphCallParams[k] {
			r.unknownParam(k, rule)
		}
	}
}

// unknownParam warns of the top-level parameter k that a call does not
// take: Graph ignores it, unless it is one of Graph's own (GraphParam).
func (r *report) unknownParam(k string, rule Rule) {
	if GraphParam(k) {
		r.warn(Root(k), rule, "one of Graph's own parameters, which messemu does not emulate: the answer is as without it")
		return
	}
	r.warn(Root(k), rule, "unknown top-level parameter, ignored by Graph")
}

// graphParams are the parameters every Graph call takes that change its
// answer's form or status (Graph/guides: pretty, suppress_http_code,
// method, …); messemu answers as without them.
var graphParams = set("method", "suppress_http_code", "pretty", "format", "locale", "debug", "callback", "date_format")

// GraphParam reports one of Graph's own parameters that messemu does not
// emulate (a call that sends one is warned, not told it is unknown).
func GraphParam(k string) bool { return graphParams[k] }
