package validator

import "testing"

// TestTypeErrorsNameTheFieldsOwnRule: a value of the wrong type is filed
// under the rule of the field it is in, not a sibling's (a journal reader
// filtering on button.messenger_extensions.domain should not find a
// boolean written as "yes").
func TestTypeErrorsNameTheFieldsOwnRule(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, body, rule string
		profile          bool
	}{
		{"button messenger_extensions", btns(`[{"type":"web_url","title":"Open","url":"https://example.com","messenger_extensions":"yes"}]`), "button.messenger_extensions", false},
		{"default_action messenger_extensions", generic(`[` + el("Hat", `,"default_action":{"type":"web_url","url":"https://example.com","messenger_extensions":[]}`) + `]`), "button.messenger_extensions", false},
		{"game_play payload", btns(`[{"type":"game_play","title":"Play","payload":{}}]`), "button.payload", false},
		{"menu item messenger_extensions", `{"get_started":{"payload":"x"},"persistent_menu":[{"locale":"default","call_to_actions":[{"type":"web_url","title":"Shop","url":"https://www.example.com","messenger_extensions":"yes"}]}]}`, "button.messenger_extensions", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			body := decodeSchemaBody(t, tc.body, true)
			var errs []Violation
			if tc.profile {
				errs = testValidator.MessengerProfile(body, ProfilePage{}).Errors()
			} else {
				errs = testValidator.Send(body, newFakeState()).Errors()
			}
			if len(errs) == 0 {
				t.Fatal("accepted")
			}
			if errs[0].Rule != tc.rule || errs[0].Error.Code != 100 {
				t.Errorf("first error %s (%+v), want rule %s, code 100", errs[0].Rule, errs[0].Error, tc.rule)
			}
		})
	}
}

// TestShareButtonOffTheListWarns: only hide is documented for
// webview_share_button, on a button and a menu item alike; another value
// is accepted with a warning, not refused (no invented limit).
func TestShareButtonOffTheListWarns(t *testing.T) {
	t.Parallel()
	body := decodeSchemaBody(t, `{"get_started":{"payload":"x"},"persistent_menu":[{"locale":"default","call_to_actions":[{"type":"web_url","title":"Shop","url":"https://www.example.com","webview_share_button":"show"}]}]}`, true)
	chk := testValidator.MessengerProfile(body, ProfilePage{})
	if !chk.Accepted() {
		t.Fatalf("refused: %+v", chk.Errors())
	}
	found := false
	for _, v := range chk.Violations {
		found = found || (v.Rule == "button.webview_share_button" && v.Severity == SeverityWarning)
	}
	if !found {
		t.Errorf("no share-button warning: %+v", chk.Violations)
	}
}
