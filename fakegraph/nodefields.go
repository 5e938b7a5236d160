package fakegraph

import (
	"slices"
	"strings"

	"github.com/messemu/messemu/validator"
)

// Node fields (PLATFORM.md D25): a node answers only the fields asked for
// (plus id). A field its type does not have on the platform is refused
// with no-field, naming the type; a real field messemu does not model is
// left out of the answer with a warning.

// nodeType is one Graph node type as `fields` sees it.
type nodeType struct {
	// name is the type as Graph names it in no-field ("Page"); "" when the
	// platform's name is not documented: an unknown field then gets the
	// generic error (D16).
	name string
	// fields are the fields messemu answers.
	fields []string
	// unmodelled are real fields of the type that messemu leaves out.
	unmodelled []string
}

// nodeFields reads `fields` for a node of type t: the modelled fields
// asked for, in the order asked and without repeats; nil means none were
// asked for (the node's default answer). A field the type lacks is
// refused under rule, a real one messemu does not model warned of under
// notModelled.
func (c *call) nodeFields(t nodeType, rule, notModelled validator.Rule) ([]string, *validator.GraphError) {
	list, _ := c.listParam("fields")
	if len(list) == 0 {
		return nil, nil
	}
	out := []string{}
	seen := map[string]bool{}
	for _, f := range list {
		switch {
		case seen[f]:
			continue
		case slices.Contains(t.unmodelled, f):
			c.warn("fields", notModelled, "field "+f+" exists on the platform but messemu does not model it; left out of the answer")
		case !slices.Contains(t.fields, f) && t.name == "":
			return nil, c.fail("fields", rule, validator.Err(validator.KeyInvalid), "no field "+f+"; this node answers "+strings.Join(t.fields, ", "))
		case !slices.Contains(t.fields, f):
			return nil, c.fail("fields", rule, validator.Err(validator.KeyNoField, f, t.name), "this node answers "+strings.Join(t.fields, ", "))
		default:
			out = append(out, f)
		}
		seen[f] = true
	}
	return out, nil
}

// asked reports whether a node answer includes field f: every default
// field when fields is nil, else the ones asked.
func asked(fields []string, f string) bool {
	return fields == nil || slices.Contains(fields, f)
}
