package fakegraph

import (
	"bytes"
	"encoding/json"
	"sort"
)

// Graph answers keep an order people and some clients' deep-equal checks
// rely on: a node's fields in the order asked, then "id"; a profile setting
// in the order the documentation writes it. Go maps sort their keys, so
// these answers are built here.

// field is one key and value of an ordered JSON object.
type field struct {
	key   string
	value any
}

// orderedObject is a JSON object that keeps its keys in order.
type orderedObject []field

// MarshalJSON writes the keys in order.
func (o orderedObject) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, f := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := json.Marshal(f.key)
		if err != nil {
			return nil, err
		}
		v, err := json.Marshal(f.value)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// profileKeyOrder is the documentation's key order inside Messenger Profile
// settings (menu entries and items, greetings, ice breakers, commands);
// other keys follow, sorted.
var profileKeyOrder = map[string]int{
	"locale": 1, "composer_input_disabled": 2, "type": 3, "title": 4, "url": 5, "question": 6,
	"payload": 7, "text": 8, "name": 9, "description": 10, "webview_height_ratio": 11,
	"messenger_extensions": 12, "fallback_url": 13, "webview_share_button": 14,
	"call_to_actions": 15, "commands": 16,
}

// profileOrder rebuilds a decoded JSON value with its objects' keys in the
// documentation's order, for storing and answering a profile field.
func profileOrder(v any) any {
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool {
			a, b := profileKeyOrder[keys[i]], profileKeyOrder[keys[j]]
			switch {
			case a != 0 && b != 0:
				return a < b
			case a != 0 || b != 0:
				return a != 0
			}
			return keys[i] < keys[j]
		})
		out := make(orderedObject, 0, len(keys))
		for _, k := range keys {
			out = append(out, field{k, profileOrder(x[k])})
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = profileOrder(e)
		}
		return out
	}
	return v
}
