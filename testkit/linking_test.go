package testkit_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/messemu/messemu/testkit"
)

// A user taps the bot's Log In button; the login page trades the token for
// the PSID with botly's request; a catalogue product makes the product
// template acceptable.
func TestLogInAndProducts(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	alice := emu.User("Alice")
	alice.Says("hi")
	login := map[string]any{"recipient": map[string]any{"id": alice.PSID()}, "messaging_type": "RESPONSE", "message": map[string]any{
		"attachment": map[string]any{"type": "template", "payload": map[string]any{
			"template_type": "button", "text": "Log in", "buttons": []any{
				map[string]any{"type": "account_link", "url": "https://www.example.com/authorize"}}}}}}
	if code, body, err := send(emu.Client(), emu.URL(), emu.PageToken(), login); err != nil || code != 200 {
		t.Fatalf("log in button: %d %s %v", code, body, err)
	}
	start := alice.TapsLogIn()
	q := url.Values{"fields": {"recipient"}, "account_linking_token": {start.AccountLinkingToken}, "access_token": {emu.PageToken()}}
	if got := getJSON(t, emu, "/v2.6/me?"+q.Encode()); got["recipient"] != alice.PSID() || got["id"] != emu.PageID() {
		t.Fatalf("PSID lookup: %v", got)
	}
	alice.LinksAccount("user-42")
	if conv := alice.Conversation().String(); !strings.Contains(conv, "Alice: [taps Log In]") {
		t.Errorf("the conversation lacks the Log In tap:\n%s", conv)
	}

	product := map[string]any{"recipient": map[string]any{"id": alice.PSID()}, "messaging_type": "RESPONSE", "message": map[string]any{
		"attachment": map[string]any{"type": "template", "payload": map[string]any{
			"template_type": "product", "elements": []any{map[string]any{"id": "4730587393621832"}}}}}}
	if code, _, err := send(emu.Client(), emu.URL(), emu.PageToken(), product); err != nil || code != 400 {
		t.Fatalf("an unregistered product: %d %v, want 400", code, err)
	}
	emu.AddProduct(testkit.Product{ID: "4730587393621832", Name: "Blue mug"})
	if code, body, err := send(emu.Client(), emu.URL(), emu.PageToken(), product); err != nil || code != 200 {
		t.Fatalf("a registered product: %d %s %v", code, body, err)
	}
}
