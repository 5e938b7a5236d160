package testkit

import "github.com/messemu/messemu/fakegraph"

// AccountLinkingStart is what the bot's login page receives when a user
// taps its Log In button: the URL opened, the account_linking_token and
// the redirect_uri.
type AccountLinkingStart = fakegraph.AccountLinkingStart

// TapsLogIn makes the user tap the newest Log In (account_link) button the
// bot sent them. The bot's login page may then trade the returned
// account_linking_token for the user's PSID with
// GET /me?fields=recipient&account_linking_token=…; LinksAccount finishes
// the flow.
func (u *User) TapsLogIn() AccountLinkingStart {
	u.emu.t.Helper()
	start, err := u.emu.srv.UserStartsAccountLinking(u.emu.page.ID, u.info.PSID)
	if err != nil {
		u.emu.fatalf("%s taps Log In: %v", u.info.FirstName, err)
	}
	return start
}

// LinksAccount finishes account linking: the bot gets a
// messaging_account_linking event, status linked, with the authorization
// code its login page passed on.
func (u *User) LinksAccount(authorizationCode string) {
	u.emu.t.Helper()
	if err := u.emu.srv.EmitAccountLinking(u.emu.page.ID, u.info.PSID, fakegraph.AccountLinking{Status: "linked", AuthorizationCode: authorizationCode}); err != nil {
		u.emu.fatalf("%s links their account: %v", u.info.FirstName, err)
	}
}

// Product is a catalogue product the bot's product template may name.
type Product = fakegraph.Product

// AddProduct registers catalogue products to the emulator's Page: the
// product template naming them is accepted; any other id is refused, as on
// the platform.
func (e *Emulator) AddProduct(products ...Product) {
	e.t.Helper()
	if err := e.srv.AddProducts(e.page.ID, products...); err != nil {
		e.fatalf("add products: %v", err)
	}
}
