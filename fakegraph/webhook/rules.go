package webhook

import "github.com/messemu/messemu/validator"

//go:generate go run ../../cmd/messemu/internal/rulegen/gen .

// Rules lists the rules webhook delivery checks itself (the handshake's),
// sorted by name. The table is generated from the source by
// internal/rulegen.
func Rules() []validator.RuleDoc { return validator.SortRules(ruleTable) }
