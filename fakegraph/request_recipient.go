package fakegraph

import "encoding/json"

// RequestRecipient is the recipient.id a journalled Send API request names (""
// when it names none): the request's own word, read when the platform
// refused the call before it read the recipient (a wrong token).
func RequestRecipient(ev *Event) string {
	var body struct {
		Recipient json.RawMessage `json:"recipient"`
	}
	if json.Unmarshal(ev.Request, &body) != nil || len(body.Recipient) == 0 {
		return ""
	}
	var r struct {
		ID json.RawMessage `json:"id"`
	}
	if json.Unmarshal(body.Recipient, &r) != nil {
		var s string // a form-encoded call: recipient is JSON in a text
		if json.Unmarshal(body.Recipient, &s) != nil || json.Unmarshal([]byte(s), &r) != nil {
			return ""
		}
	}
	var id string
	if json.Unmarshal(r.ID, &id) == nil {
		return id
	}
	var n json.Number
	if json.Unmarshal(r.ID, &n) == nil {
		return n.String()
	}
	return ""
}
