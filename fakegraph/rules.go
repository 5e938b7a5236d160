package fakegraph

import "github.com/messemu/messemu/validator"

//go:generate go run ../cmd/messemu/internal/rulegen/gen .

// Rules lists the rules the server checks itself (tokens, batches,
// uploads, handover, rate limits, ...), beside validator.Rules, sorted by
// name. The table is generated from the source by internal/rulegen.
func Rules() []validator.RuleDoc { return validator.SortRules(ruleTable) }
