package fakegraph

import (
	"fmt"
	"slices"
	"strings"
)

// UnsentText says why the webhook of a hook (a user's action, another
// app's handover, …) was never sent: its field is not in both the
// webhook's fields and the Page's subscribed_apps, so the platform sends
// nothing and the journal has no attempt for it. hookFix says how the
// reader adds the field to the webhook's (testkit's WebhookConfig, the
// control API's PUT webhook). "" when both hold the field.
func UnsentText(h Hook, hookFields, pageFields []string, hookFix func(field string) string) string {
	field := h.SentField()
	inHook, inPage := slices.Contains(hookFields, field), slices.Contains(pageFields, field)
	var why []string
	if !inPage {
		why = append(why, fmt.Sprintf("the Page is not subscribed to %s (subscribed: %s); the bot subscribes it with "+
			"POST /me/subscribed_apps?subscribed_fields=%s", field, fieldList(pageFields), strings.Join(append(slices.Clone(pageFields), field), ",")))
	}
	if !inHook {
		why = append(why, fmt.Sprintf("the webhook's fields leave out %s (fields: %s); %s", field, fieldList(hookFields), hookFix(field)))
	}
	s := strings.Join(why, "; and ")
	if s != "" && h.Standby {
		s = "it goes out as standby (another app owns the thread), and " + s
	}
	return s
}

// Attempted lists the journal events evs holds a delivery attempt of
// (their EventSeq), true for those with a final one (delivered or
// failed, not a retry to come).
func Attempted(evs []Event) map[uint64]bool {
	out := map[uint64]bool{}
	for _, e := range evs {
		if a, ok := e.Attempt(); ok {
			out[a.EventSeq] = out[a.EventSeq] || a.Outcome != OutcomeRetry
		}
	}
	return out
}

// fieldList writes a list of webhook fields for a sentence.
func fieldList(fields []string) string {
	if len(fields) == 0 {
		return "none"
	}
	return strings.Join(fields, ", ")
}
