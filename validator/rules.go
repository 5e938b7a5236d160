package validator

import (
	"slices"
	"strings"
)

//go:generate go run ../cmd/messemu/internal/rulegen/gen .

// RuleDoc is a rule as a person looks it up (messemu rules, docs/rules.md):
// the rule and what the checks do with it. The table of every rule
// (rules_table.go) is generated from the source by internal/rulegen, so it
// cannot drift from the checks.
type RuleDoc struct {
	Rule
	// Severities says whether the checks refuse (error), warn, or, for a
	// rule with a strict and a lenient form, both. Empty for a limit that
	// other checks read and that is never reported on its own.
	Severities []Severity
	// Answers are the catalogue errors an error of this rule answers with.
	Answers []Key
	// LimitAnswers are the size errors (length, too-many, too-few) that a
	// shared check answers by comparing with the rule's Limit: answered
	// only when the rule has one.
	LimitAnswers []Key
	// Checks is the check's own description of a violation, where it has
	// one ("…" stands for what is known only at run time).
	Checks string
}

// Rules lists every rule the validator checks, sorted by name.
func Rules() []RuleDoc { return SortRules(ruleTable) }

// SortRules returns a copy of docs sorted by rule name.
func SortRules(docs []RuleDoc) []RuleDoc {
	out := slices.Clone(docs)
	slices.SortStableFunc(out, func(a, b RuleDoc) int { return strings.Compare(a.Name, b.Name) })
	return out
}
