package validator

import "strconv"

// Severity says what the platform does with a request that breaks a rule.
type Severity string

const (
	// SeverityError: the platform refuses the request.
	SeverityError Severity = "error"
	// SeverityWarning: documented but accepted (or not reliably enforced);
	// messemu accepts the request and shows the warning.
	SeverityWarning Severity = "warning"
)

// Rule is one documented platform rule: a name, the limit it enforces (if
// any) and where the fact comes from. Rules are data: every check names one.
type Rule struct {
	Name   string // e.g. "message.text.length"
	Limit  int    // the documented number, 0 when the rule has none
	Source string // e.g. "SendRef", "MP/send-messages/quick-replies"
}

// LimitText renders the limit for a violation, "" when there is none.
func (r Rule) LimitText() string {
	if r.Limit == 0 {
		return ""
	}
	return strconv.Itoa(r.Limit)
}

// Violation is one broken rule in one request.
type Violation struct {
	// Path is the JSON path of the offending value, e.g.
	// "message.quick_replies[13]" ("" for the request as a whole).
	Path     string   `json:"path"`
	Rule     string   `json:"rule"`
	Limit    string   `json:"limit,omitempty"`
	Source   string   `json:"source,omitempty"`
	Severity Severity `json:"severity"`
	// Detail explains the violation in a sentence, for people.
	Detail string `json:"detail,omitempty"`
	// Error is what the platform answers, for errors only.
	Error *GraphError `json:"error,omitempty"`
}

// Result is the verdict on one request.
type Result struct {
	Violations []Violation
}

// Err is the error the platform answers with: the first error violation,
// or nil when the request is accepted.
func (r Result) Err() *GraphError {
	for i := range r.Violations {
		if r.Violations[i].Severity == SeverityError {
			return r.Violations[i].Error
		}
	}
	return nil
}

// Accepted reports whether the platform accepts the request.
func (r Result) Accepted() bool { return r.Err() == nil }

// Warnings returns the warning violations.
func (r Result) Warnings() []Violation {
	var out []Violation
	for _, v := range r.Violations {
		if v.Severity == SeverityWarning {
			out = append(out, v)
		}
	}
	return out
}

// Errors returns the error violations, first (the one answered) first.
func (r Result) Errors() []Violation {
	var out []Violation
	for _, v := range r.Violations {
		if v.Severity == SeverityError {
			out = append(out, v)
		}
	}
	return out
}

// report collects violations while a request is checked.
type report struct {
	out []Violation
	// rewrote: the checks changed the request's values in place (a null
	// dropped, a number read as text, an amount read from a string). Every
	// such change of an object goes through rewrite or drop, which note it.
	rewrote bool
	// extensionDomain says whether a host is whitelisted for messenger
	// extensions, for the Messenger Profile checks (nil: not checked).
	extensionDomain func(host string) bool
}

// rewrite sets obj[key] to v, a lenient form read as the platform reads
// it, and notes that the request no longer reads as it came.
func (r *report) rewrite(obj map[string]any, key string, v any) {
	obj[key] = v
	r.rewrote = true
}

// drop removes obj[key] (a value treated as absent, or ignored) and notes
// that the request no longer reads as it came.
func (r *report) drop(obj map[string]any, key string) {
	delete(obj, key)
	r.rewrote = true
}

// fail records an error violation answered with err.
func (r *report) fail(p Path, rule Rule, err *GraphError, detail string) {
	r.out = append(r.out, Violation{
		Path: p.JSON(), Rule: rule.Name, Limit: rule.LimitText(), Source: rule.Source,
		Severity: SeverityError, Detail: detail, Error: err,
	})
}

// warn records a warning violation.
func (r *report) warn(p Path, rule Rule, detail string) {
	r.out = append(r.out, Violation{
		Path: p.JSON(), Rule: rule.Name, Limit: rule.LimitText(), Source: rule.Source,
		Severity: SeverityWarning, Detail: detail,
	})
}

// failed reports whether any error has been recorded.
func (r *report) failed() bool {
	for i := range r.out {
		if r.out[i].Severity == SeverityError {
			return true
		}
	}
	return false
}
