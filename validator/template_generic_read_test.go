package validator

import (
	"encoding/json"
	"strings"
	"testing"
)

// readElements fills es from decoded elements as a server reads them
// from a body: false for what it leaves to the rules (a value of another
// kind, a key Elements does not take).
func readElements(list []any, es *Elements) bool {
	for _, raw := range list {
		obj, ok := raw.(map[string]any)
		e := es.Add()
		if !ok || e == nil {
			return false
		}
		for k, v := range obj {
			switch v := v.(type) {
			case string:
				ok = e.SetText(k, v)
			case map[string]any:
				b := (*Button)(nil)
				if k == "default_action" {
					b = e.DefaultAction()
				}
				ok = b != nil && readButton(v, b)
			case []any:
				ok = k == "buttons" && e.Buttons()
				for _, item := range v {
					m, isObj := item.(map[string]any)
					b := e.AddButton()
					ok = ok && isObj && b != nil && readButton(m, b)
				}
			default:
				ok = false
			}
			if !ok {
				return false
			}
		}
	}
	return true
}

func readButton(obj map[string]any, b *Button) bool {
	for k, v := range obj {
		ok := false
		switch v := v.(type) {
		case string:
			ok = b.SetText(k, v)
		case bool:
			ok = b.SetBool(k, v)
		}
		if !ok {
			return false
		}
	}
	return true
}

// elementsBody is a send to alice of a generic template of elements.
func elementsBody(elements string) string {
	return templateSend(`{"template_type":"generic","elements":` + elements + `}`)
}

// judgeElements reads elements and answers ElementsPass (read false when
// the reader left them to the rules), and the rules' verdict on the body:
// clean when they find nothing to refuse, warn of or rewrite.
func judgeElements(t testing.TB, elements string) (read, pass, clean bool, rules SendCheck) {
	t.Helper()
	body := decodeSchemaBody(t, elementsBody(elements), true)
	list, _ := body["message"].(map[string]any)["attachment"].(map[string]any)["payload"].(map[string]any)["elements"].([]any)
	var es Elements
	if readElements(list, &es) {
		read, pass = true, ElementsPass(&es)
	}
	rules = testValidator.Send(body, newFakeState())
	return read, pass, len(rules.Violations) == 0 && !rules.Rewritten, rules
}

const (
	fullElement = `{"title":"Classic T-shirt","subtitle":"Soft cotton","image_url":"https://example.com/shirt.png",` +
		`"default_action":{"type":"web_url","url":"https://example.com/shirt","webview_height_ratio":"tall"},` +
		`"buttons":[{"type":"web_url","url":"https://example.com/buy","title":"Buy"},{"type":"postback","title":"Details","payload":"DETAILS"},{"type":"phone_number","title":"Call","payload":"+15555550101"}]}`
)

// TestElementsPassAgreesWithTheRules: ElementsPass passes only what the
// rules pass cleanly, and passes the elements bots send (else the
// server's short road is never taken).
func TestElementsPassAgreesWithTheRules(t *testing.T) {
	t.Parallel()
	ten := strings.Repeat(fullElement+",", 9) + fullElement
	cases := []struct {
		name, elements string
		pass           bool
	}{
		{"ten full elements", `[` + ten + `]`, true},
		{"title and subtitle", `[{"title":"T","subtitle":"S"}]`, true},
		{"title and image", `[{"title":"T","image_url":"http://example.com/a.png"}]`, true},
		{"title at 80 code points", `[{"title":"` + strings.Repeat("é", 80) + `","subtitle":"S"}]`, true},
		{"emoji title", `[{"title":"🧢 Caps","subtitle":"S"}]`, true},
		{"default action alone", `[{"title":"T","default_action":{"type":"web_url","url":"https://example.com"}}]`, true},
		{"share hidden", `[{"title":"T","default_action":{"type":"web_url","url":"https://example.com","webview_share_button":"hide"}}]`, true},
		{"extensions off", `[{"title":"T","buttons":[{"type":"web_url","title":"Go","url":"https://example.com","messenger_extensions":false}]}]`, true},
		{"payload at 1000", `[{"title":"T","buttons":[{"type":"postback","title":"Go","payload":"` + strings.Repeat("p", 1000) + `"}]}]`, true},
		{"button title at 20", `[{"title":"T","buttons":[{"type":"postback","title":"` + strings.Repeat("b", 20) + `","payload":"P"}]}]`, true},

		{"no elements", `[]`, false},
		{"eleven elements", `[` + ten + `,` + fullElement + `]`, false},
		{"title alone", `[{"title":"T"}]`, false},
		{"no title", `[{"subtitle":"S"}]`, false},
		{"empty title", `[{"title":"","subtitle":"S"}]`, false},
		{"title at 81 code points", `[{"title":"` + strings.Repeat("é", 81) + `","subtitle":"S"}]`, false},
		{"subtitle at 81", `[{"title":"T","subtitle":"` + strings.Repeat("s", 81) + `"}]`, false},
		{"empty subtitle", `[{"title":"T","subtitle":"","image_url":"https://example.com/a.png"}]`, false},
		{"null subtitle", `[{"title":"T","subtitle":null,"image_url":"https://example.com/a.png"}]`, false},
		{"number title", `[{"title":12,"subtitle":"S"}]`, false},
		{"relative image", `[{"title":"T","image_url":"/a.png"}]`, false},
		{"ftp image", `[{"title":"T","image_url":"ftp://example.com/a.png"}]`, false},
		{"unknown key", `[{"title":"T","subtitle":"S","colour":"red"}]`, false},
		{"default action title", `[{"title":"T","default_action":{"type":"web_url","url":"https://example.com","title":"x"}}]`, false},
		{"default action postback", `[{"title":"T","default_action":{"type":"postback","payload":"P"}}]`, false},
		{"default action no url", `[{"title":"T","default_action":{"type":"web_url"}}]`, false},
		{"bad height ratio", `[{"title":"T","default_action":{"type":"web_url","url":"https://example.com","webview_height_ratio":"huge"}}]`, false},
		{"share shown", `[{"title":"T","default_action":{"type":"web_url","url":"https://example.com","webview_share_button":"show"}}]`, false},
		{"extensions on", `[{"title":"T","buttons":[{"type":"web_url","title":"Go","url":"https://example.com","messenger_extensions":true}]}]`, false},
		{"fallback url", `[{"title":"T","buttons":[{"type":"web_url","title":"Go","url":"https://example.com","fallback_url":"https://example.com/f"}]}]`, false},
		{"no buttons", `[{"title":"T","buttons":[]}]`, false},
		{"four buttons", `[{"title":"T","buttons":[{"type":"postback","title":"1","payload":"1"},{"type":"postback","title":"2","payload":"2"},{"type":"postback","title":"3","payload":"3"},{"type":"postback","title":"4","payload":"4"}]}]`, false},
		{"button title at 21", `[{"title":"T","buttons":[{"type":"postback","title":"` + strings.Repeat("b", 21) + `","payload":"P"}]}]`, false},
		{"button without title", `[{"title":"T","buttons":[{"type":"postback","payload":"P"}]}]`, false},
		{"payload at 1001", `[{"title":"T","buttons":[{"type":"postback","title":"Go","payload":"` + strings.Repeat("p", 1001) + `"}]}]`, false},
		{"empty payload", `[{"title":"T","buttons":[{"type":"postback","title":"Go","payload":""}]}]`, false},
		{"phone not digits", `[{"title":"T","buttons":[{"type":"phone_number","title":"Call","payload":"555-0101"}]}]`, false},
		{"phone without payload", `[{"title":"T","buttons":[{"type":"phone_number","title":"Call"}]}]`, false},
		{"url on a postback", `[{"title":"T","buttons":[{"type":"postback","title":"Go","payload":"P","url":"https://example.com"}]}]`, false},
		{"account link", `[{"title":"T","buttons":[{"type":"account_link","url":"https://example.com/login"}]}]`, false},
		{"removed type", `[{"title":"T","buttons":[{"type":"element_share"}]}]`, false},
		{"unknown type", `[{"title":"T","buttons":[{"type":"nope","title":"x"}]}]`, false},
	}
	for _, tc := range cases {
		read, pass, clean, rules := judgeElements(t, tc.elements)
		if pass && !clean {
			t.Errorf("%s: ElementsPass passes what the rules do not: %+v", tc.name, rules.Violations)
		}
		if read && pass != tc.pass {
			t.Errorf("%s: ElementsPass = %v, want %v (rules clean: %v)", tc.name, pass, tc.pass, clean)
		}
		if tc.pass && !read {
			t.Errorf("%s: the reader left elements the short road takes to the rules", tc.name)
		}
	}
}

// TestSendJudgedIsSendWithoutTheElements: a body whose elements passed,
// judged without them, gets the verdict the whole body gets.
func TestSendJudgedIsSendWithoutTheElements(t *testing.T) {
	t.Parallel()
	for _, payload := range []string{
		`{"template_type":"generic","elements":[` + fullElement + `]}`,
		`{"template_type":"generic","sharable":true,"image_aspect_ratio":"square","elements":[` + fullElement + `]}`,
	} {
		whole := decodeSchemaBody(t, templateSend(payload), true)
		without := decodeSchemaBody(t, templateSend(payload), true)
		delete(without["message"].(map[string]any)["attachment"].(map[string]any)["payload"].(map[string]any), "elements")
		want := testValidator.Send(whole, newFakeState())
		got := testValidator.SendJudged(without, newFakeState())
		if wantBody(got.Err()) != wantBody(want.Err()) || len(got.Violations) != len(want.Violations) || got.Rewritten != want.Rewritten {
			t.Errorf("%s:\nSendJudged: %+v\nSend:       %+v", payload, got, want)
		}
		if plain := testValidator.Send(without, newFakeState()); plain.Err() == nil {
			t.Errorf("Send passes a generic template without elements: %s", payload)
		}
	}
}

// FuzzElementsPass: whatever elements ElementsPass passes, the rules pass
// without a violation or a rewrite.
func FuzzElementsPass(f *testing.F) {
	f.Add(`[` + fullElement + `]`)
	f.Add(`[{"title":"T","subtitle":"S"},{"title":"U","image_url":"http://a.b/c"}]`)
	f.Add(`[{"title":"T","buttons":[{"type":"phone_number","title":"Call","payload":"+1"}]}]`)
	f.Add(`[{"title":"T","default_action":{"type":"web_url","url":"https://example.com","webview_share_button":"hide","messenger_extensions":false}}]`)
	f.Fuzz(func(t *testing.T, elements string) {
		var list []any
		if json.Unmarshal([]byte(elements), &list) != nil {
			return // not one JSON array
		}
		read, pass, clean, rules := judgeElements(t, elements)
		if read && pass && !clean {
			t.Errorf("ElementsPass passes what the rules do not: %s\n%+v", elements, rules.Violations)
		}
	})
}

// TestElementsKeysAreTheTables: the keys the typed fields take are the
// rules' tables' (genericElementTable, buttonTable), each at its slot.
func TestElementsKeysAreTheTables(t *testing.T) {
	t.Parallel()
	for slot, key := range genericElementTable {
		var e Element
		took := e.SetText(key, "x")
		if text := slot == elTitle || slot == elSubtitle || slot == elImageURL; took != text || took && e.has != 1<<slot {
			t.Errorf("Element.SetText(%q): took %v, has %b", key, took, e.has)
		}
	}
	for slot, key := range buttonTable {
		var b Button
		took := b.SetText(key, "x")
		text := slot != btnExtensions && slot != btnFallbackURL && slot != btnGameMetadata
		if took != text || took && b.has != 1<<slot {
			t.Errorf("Button.SetText(%q): took %v, has %b", key, took, b.has)
		}
	}
}
