package validator

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// The table tests feed whole Send API bodies to Validator.Send with a fake
// State on a fixed clock, and compare the exact error body (code, subcode,
// type, message) and the warnings' rule names.

// testNow is the fake State's clock: after the 2026-04-27 tag cutoff.
var testNow = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

// Test fixtures known to the fake State.
const (
	alice        = "5275811702471834" // wrote an hour ago
	bob          = "6283749102837465" // never wrote
	carla        = "7391028374650192" // blocked the Page
	dan          = "8402938475610293" // thread owned by another app
	knownMID     = "m_qr6GPBlzTU4jqP0PBqaIoIAcfn2p3T7uiO5jm0L_PMTKMJhEIUGFkEKQBhGkpCnPXVZNsYdkN7A2Sel0dOz_Iw"
	bobMID       = "m_bobbobbobbobbobbobbobbobbobbobbobbobbobbobbobbobbobbobbobbobbobbobbobbobbobbobbobbobbo"
	liveAsset    = "1857777774821032"
	foreignAsset = "1111111111111111"
	oldAsset     = "2222222222222222" // exactly 90 days old
	youngAsset   = "3333333333333333" // 90 days old less a second
	persona      = "4444444444444444"
	product      = "5555555555555555"
	usedOrder    = "ORDER-USED"
	userRef      = "UNIQUE_REF_PARAM"
	otnValid     = "6702393755419052"
	otnUsed      = "6702393755419053"
	otnExpired   = "6702393755419054"
)

// fakeState is a State over plain maps, on a fixed clock.
type fakeState struct {
	now         time.Time
	users       map[string]UserInfo
	mids        map[string]string // mid → PSID
	attachments map[string]AttachmentInfo
	page        PageInfo
	optedIn     string // the user behind userRef and the one-time tokens
}

func newFakeState() *fakeState {
	return &fakeState{
		now: testNow,
		users: map[string]UserInfo{
			alice: {LastInteraction: testNow.Add(-time.Hour), LastMessage: testNow.Add(-time.Hour)},
			bob:   {},
			carla: {LastInteraction: testNow.Add(-time.Hour), LastMessage: testNow.Add(-time.Hour), Blocked: true},
			dan:   {LastInteraction: testNow.Add(-time.Hour), LastMessage: testNow.Add(-time.Hour), ControlledByOther: true},
		},
		mids: map[string]string{knownMID: alice, bobMID: bob},
		attachments: map[string]AttachmentInfo{
			liveAsset:    {Type: "image", Created: testNow.Add(-24 * time.Hour)},
			foreignAsset: {Type: "image", Created: testNow.Add(-24 * time.Hour), Foreign: true},
			oldAsset:     {Type: "image", Created: testNow.Add(-AttachmentIDLife)},
			youngAsset:   {Type: "image", Created: testNow.Add(-AttachmentIDLife + time.Second)},
		},
		page:    PageInfo{HumanAgent: true},
		optedIn: alice,
	}
}

func (f *fakeState) Now() time.Time { return f.now }
func (f *fakeState) User(psid string) (UserInfo, bool) {
	u, ok := f.users[psid]
	return u, ok
}
func (f *fakeState) UserRef(ref string) (UserInfo, bool) {
	return f.users[f.optedIn], ref == userRef
}
func (f *fakeState) OneTimeToken(t string) (UserInfo, TokenStatus) {
	u := f.users[f.optedIn]
	switch t {
	case otnValid:
		return u, TokenValid
	case otnUsed:
		return u, TokenUsed
	case otnExpired:
		return u, TokenExpired
	}
	return UserInfo{}, TokenUnknown
}
func (f *fakeState) Persona(id string) bool { return id == persona }
func (f *fakeState) ThreadMessage(psid, mid string) bool {
	return f.mids[mid] == psid && psid != ""
}
func (f *fakeState) Attachment(id string) (AttachmentInfo, bool) {
	a, ok := f.attachments[id]
	return a, ok
}
func (f *fakeState) Product(id string) bool             { return id == product }
func (f *fakeState) WhitelistedDomain(host string) bool { return host == "example.com" }
func (f *fakeState) OrderNumberUsed(n string) bool      { return n == usedOrder }
func (f *fakeState) Page() PageInfo                     { return f.page }

// sendCase is one row of a table: a body, an optional change to the fake
// State, the error the platform answers (nil: accepted) and the rule names
// of the warnings, in order.
type sendCase struct {
	name  string
	body  string
	state func(*fakeState)
	want  *GraphError
	warns []string
}

// e100 builds the expected OAuthException error body.
func oauth(code, subcode int, message string) *GraphError {
	return &GraphError{Code: code, Subcode: subcode, Type: OAuthException, Message: message}
}

// wantBody renders the parts of an error the platform puts on the wire.
func wantBody(e *GraphError) string {
	if e == nil {
		return "accepted"
	}
	b, err := json.Marshal(e)
	if err != nil {
		return err.Error()
	}
	return string(b)
}

// testValidator checks with the embedded schema, as the server does.
var testValidator = New(MustLoadSchemas())

// runSendCases runs a table, each body decoded both with json.Number (as
// the server does) and with float64.
func runSendCases(t *testing.T, cases []sendCase) {
	t.Helper()
	seen := map[string]bool{}
	for _, tc := range cases {
		if seen[tc.name] {
			t.Errorf("duplicate case name %q", tc.name)
		}
		seen[tc.name] = true
		for _, useNumber := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s/number=%v", tc.name, useNumber), func(t *testing.T) {
				t.Parallel()
				checkSendCase(t, tc, useNumber)
			})
		}
	}
}

func checkSendCase(t *testing.T, tc sendCase, useNumber bool) {
	t.Helper()
	st := newFakeState()
	if tc.state != nil {
		tc.state(st)
	}
	body := decodeSchemaBody(t, tc.body, useNumber)
	chk := testValidator.Send(body, st)
	checkSendAllAgrees(t, tc, useNumber, chk)
	got := chk.Err()
	if diff := cmp.Diff(wantBody(tc.want), wantBody(got)); diff != "" {
		t.Errorf("error body (-want +got):\n%s\nbody: %s\nviolations: %s", diff, short(tc.body), violationsText(chk.Violations))
	}
	var warns []string
	for _, w := range chk.Warnings() {
		warns = append(warns, w.Rule)
	}
	if diff := cmp.Diff(tc.warns, warns); diff != "" {
		t.Errorf("warnings (-want +got):\n%s\nbody: %s\nviolations: %s", diff, short(tc.body), violationsText(chk.Violations))
	}
	for _, v := range chk.Violations {
		if v.Rule == "" || v.Source == "" {
			t.Errorf("violation without a rule or source: %+v", v)
		}
		if v.Severity == SeverityError && v.Error == nil {
			t.Errorf("error violation without a Graph error: %+v", v)
		}
	}
	if got == nil {
		// The schema backstop must pass every body the rules accept.
		if err := MustLoadSchemas().CheckBody("SendRequest", body); err != nil {
			t.Errorf("rules accept but the schema refuses: %v\nbody: %s", err, short(tc.body))
		}
	}
}

// short trims a body for failure messages.
func short(body string) string {
	if r := []rune(body); len(r) > 300 {
		return string(r[:300]) + "…"
	}
	return body
}

func violationsText(vs []Violation) string {
	var b strings.Builder
	for _, v := range vs {
		fmt.Fprintf(&b, "\n  %s %s %s (%s)", v.Severity, v.Path, v.Rule, v.Detail)
		if v.Error != nil {
			fmt.Fprintf(&b, ": %s", v.Error.Message)
		}
	}
	return b.String()
}

// to builds a send to alice (in the window) with a message object.
func to(message string) string {
	return `{"recipient":{"id":"` + alice + `"},"messaging_type":"RESPONSE","message":` + message + `}`
}

// text is a message object with text.
func text(s string) string { return `{"text":` + jsonString(s) + `}` }

// tpl is a send with a template payload.
func tpl(payload string) string {
	return to(`{"attachment":{"type":"template","payload":` + payload + `}}`)
}

// jsonString quotes s as a JSON string.
func jsonString(s string) string {
	b, err := json.Marshal(s)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// rep repeats a one-code-point string n times (é is 2 bytes, so lengths
// are counted in code points, not bytes, D7).
func rep(n int) string { return strings.Repeat("é", n) }

// list joins n copies of item into a JSON array.
func list(n int, item string) string {
	return "[" + strings.TrimSuffix(strings.Repeat(item+",", n), ",") + "]"
}

// Catalogue texts used across the tables.
func errRequired(path string) *GraphError {
	return oauth(100, 0, "(#100) The parameter "+path+" is required")
}
func errLength(path string, n int) *GraphError {
	return oauth(100, 0, fmt.Sprintf("(#100) Length of param %s must be less than or equal to %d", path, n))
}
func errTooMany(path string) *GraphError {
	return oauth(105, 0, "(#105) param "+path+" has too many elements.")
}
func errTooFew(path string) *GraphError {
	return oauth(194, 0, "(#194) param "+path+" has too few elements.")
}
func errKeys(keys, path string) *GraphError {
	return oauth(100, 0, `(#100) Invalid keys "`+keys+`" were found in param "`+path+`".`)
}
func errString(path string) *GraphError {
	return oauth(100, 0, "(#100) Param "+path+" must be a non-empty UTF-8 encoded string")
}
func errURL(path string) *GraphError {
	return oauth(100, 0, "(#100) "+path+" should represent a valid URL")
}
func errEnum(path, values, got string) *GraphError {
	return oauth(100, 0, "(#100) Param "+path+" must be one of {"+values+`} - got "`+got+`".`)
}

var errInvalid = oauth(100, 0, "(#100) Invalid parameter")

// Warning rule names that many rows expect.
const (
	wLenient = "lenient.null-or-empty"
	wNoType  = "messaging_type.missing"
)
