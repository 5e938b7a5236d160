package testkit

import (
	"slices"

	"github.com/messemu/messemu/fakegraph"
)

// firesWebhook reports whether journal event ev goes out to the bot as a
// webhook, whose delivery attempts the journal then records: it carries
// one (a user action, receipt, handover or label change) and its field
// is subscribed, or the Page is not subscribed at all (the event is then
// journalled as failed, saying so).
func (e *Emulator) firesWebhook(ev *fakegraph.Event) bool {
	h, ok := ev.Hook()
	if !ok {
		return false
	}
	st := e.srv.Webhook()
	if st.URL == "" {
		return false
	}
	pageFields := e.srv.SubscribedFields(ev.PageID)
	if pageFields == nil {
		return true
	}
	field := h.Field
	if h.Standby {
		field = fakegraph.FieldStandby
	}
	return slices.Contains(st.Fields, field) && slices.Contains(pageFields, field)
}
