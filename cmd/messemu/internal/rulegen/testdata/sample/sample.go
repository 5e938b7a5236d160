// Package sample holds every way a rule reaches a violation, for the
// generator's test.
package sample

type Rule struct {
	Name  string
	Limit int
}

type Key string

const (
	KeyInvalid Key = "invalid"
	KeyLength  Key = "length"
	KeyEnum    Key = "enum"
)

type GraphError struct{ Key Key }

func Err(k Key, _ ...any) *GraphError { return &GraphError{Key: k} }

func EnumError(string, []string, string) *GraphError { return Err(KeyEnum) }

var (
	ruleDirect  = Rule{Name: "direct"}
	ruleHelper  = Rule{Name: "helper", Limit: 3}
	ruleAlias   = Rule{Name: "alias"}
	ruleField   = Rule{Name: "field"}
	ruleWarn    = Rule{Name: "warn"}
	ruleBoth    = Rule{Name: "both"}
	ruleLimit   = Rule{Name: "limit-only", Limit: 7}
	ruleTable   = Rule{Name: "table"}
	ruleLiteral = Rule{Name: "literal"}
	ruleDecoded = Rule{Name: "decoded"}
)

type report struct{}

func (r *report) fail(path string, rule Rule, err *GraphError, detail string) {}
func (r *report) warn(path string, rule Rule, detail string)                  {}

// maxLen is a helper: its own detail is generic.
func (r *report) maxLen(s string, rule Rule) {
	if len(s) > rule.Limit {
		r.fail("", rule, Err(KeyLength), "too long")
	}
}

// pass hands the error and the detail through.
func (r *report) pass(rule Rule, err *GraphError, detail string) { r.fail("", rule, err, detail) }

type limits struct{ many Rule }

type Violation struct {
	Rule     string
	Severity string
	Error    *GraphError
}

const SeverityWarning = "warning"

func (r *report) check(s string) []Violation {
	r.fail("x", ruleDirect, Err(KeyInvalid), "x is "+s+" and wrong")
	r.maxLen(s, ruleHelper)
	rule := ruleAlias
	r.fail("", rule, EnumError("", nil, s), "")
	lim := limits{many: ruleField}
	r.fail("", lim.many, Err(KeyLength), "")
	r.warn("", ruleWarn, "only a warning")
	r.warn("", ruleBoth, "lenient")
	r.pass(ruleBoth, Err(KeyEnum), "strict")
	if len(s) > ruleLimit.Limit {
		return nil
	}
	for _, f := range []struct {
		key  string
		rule Rule
	}{{"t", ruleTable}} {
		r.fail(f.key, f.rule, Err(KeyInvalid), "")
	}
	return []Violation{{Rule: ruleLiteral.Name, Severity: SeverityWarning}}
}

// decode returns its errors; readPart's come through a variable, and
// the error before the call to fail (from parse) is not decode's.
func decode(s string) (*GraphError, string) {
	if s == "" {
		return Err(KeyInvalid), "empty"
	}
	if err, detail := readPart(s); err != nil {
		return err, detail
	}
	return nil, ""
}

func readPart(s string) (*GraphError, string) { return Err(KeyLength), s }

func parse(string) *GraphError { return Err(KeyEnum) }

func (r *report) body(s string) *GraphError {
	gerr := parse(s)
	if gerr != nil {
		return gerr
	}
	gerr, detail := decode(s)
	if gerr != nil {
		r.fail("", ruleDecoded, gerr, detail)
	}
	return nil
}
