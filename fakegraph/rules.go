package fakegraph

import (
	"github.com/messemu/messemu/fakegraph/webhook"
	"github.com/messemu/messemu/validator"
)

//go:generate go run ../cmd/messemu/internal/rulegen/gen .

// Rules lists the rules the server checks itself (tokens, batches,
// uploads, handover, rate limits, ...), beside validator.Rules, sorted by
// name, with those of webhook delivery (webhook.Rules). The tables are
// generated from the source by internal/rulegen.
func Rules() []validator.RuleDoc {
	return validator.SortRules(append(append([]validator.RuleDoc(nil), ruleTable...), webhook.Rules()...))
}
