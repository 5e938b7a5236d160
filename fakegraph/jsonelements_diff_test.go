package fakegraph

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The short road (jsonelements.go) promises that a server answers,
// journals and stores every send as one that decodes every body whole.
// sendGen writes generic template sends from a stream of choices, and
// sendPair sends each to both servers and compares what they did.

// sendGen writes one Send API call at a time from a stream of bytes. A
// send's first two bytes are its chaos, the envelope's and the
// template's: each choice reads a byte, and strays from the value a
// well-behaved bot sends (choice 0) when the byte is under a threshold
// that grows with the chaos's cube, reading its choice from the next
// byte. A stream that has run out chooses 0, so
// that short and quiet inputs are sends the short road takes, and noisy
// ones the sends it falls back from.
type sendGen struct {
	b         []byte
	threshold int
	persona   string // a persona of the Page
	mid       string // a message alice sent
	comma     string // the separators of the body being written
	colon     string
}

// sendCall is one call: a query after the path, the Content-Type, a body.
type sendCall struct{ query, ctype, body string }

func (g *sendGen) next() (byte, bool) {
	if len(g.b) == 0 {
		return 0, false
	}
	c := g.b[0]
	g.b = g.b[1:]
	return c, true
}

// chaos reads a chaos byte as a threshold for pick: its cube, scaled to
// a byte, so that most streams are quiet enough to write a send the
// short road takes.
func (g *sendGen) chaos() int {
	c, _ := g.next()
	return int(c) * int(c) * int(c) >> 16
}

// pick is a choice among n: 0 unless the stream strays.
func (g *sendGen) pick(n int) int {
	c, ok := g.next()
	if !ok || n <= 1 || int(c) >= g.threshold {
		return 0
	}
	c, _ = g.next()
	return int(c) % n
}

// one is a pick among vs, the first the well-behaved one.
func (g *sendGen) one(vs ...string) string { return vs[g.pick(len(vs))] }

// member is "key":value, or "" (left out) when value is.
func (g *sendGen) member(key, value string) string {
	if value == "" {
		return ""
	}
	return `"` + key + `"` + g.colon + value
}

// object writes members, the ones left out ("") dropped.
func (g *sendGen) object(members []string) string {
	kept := members[:0:0]
	for _, m := range members {
		if m != "" {
			kept = append(kept, m)
		}
	}
	return "{" + strings.Join(kept, g.comma) + "}"
}

// stir may add to an object's members what bots get wrong: an unknown
// key, a key repeated with the same value or with another (again), a key
// written with an escape, the members in another order.
func (g *sendGen) stir(ms []string, again func() string) []string {
	var kept []string
	for _, m := range ms {
		if m != "" {
			kept = append(kept, m)
		}
	}
	if len(kept) == 0 {
		return kept
	}
	k := g.pick(len(kept))
	switch g.pick(7) {
	case 1:
		kept = append(kept, g.member(g.one(`colour`, `_x`, `TITLE`, ``), g.one(`"red"`, `null`, `{}`, `[1]`)))
	case 2:
		kept = append(kept, kept[k])
	case 3:
		if a := again(); a != "" {
			kept = append(kept, a)
		}
	case 4:
		if a := again(); a != "" {
			kept = append([]string{a}, kept...)
		}
	case 5:
		// "title" as "\u0074itle": the same key to encoding/json.
		if m := kept[k]; m[1] != '"' {
			kept[k] = m[:1] + fmt.Sprintf(`\u%04x`, m[1]) + m[2:]
		}
	case 6:
		for i, j := 0, len(kept)-1; i < j; i, j = i+1, j-1 {
			kept[i], kept[j] = kept[j], kept[i]
		}
	}
	return kept
}

// text is a JSON value where a text of at most limit code points is
// expected, good the well-behaved one.
func (g *sendGen) text(limit int, good string) string {
	rep := func(s string, n int) string { return `"` + strings.Repeat(s, n) + `"` }
	vs := []string{
		good,
		rep("a", limit), rep("a", limit+1),
		rep("é", limit), rep("é", limit+1),
		rep("😀", limit), rep("😀", limit+1),
		rep(`\ud83d\ude00`, limit), rep(`\ud83d\ude00`, limit+1),
		`"` + strings.Repeat("a", limit-1) + `\u00e9"`, `"` + strings.Repeat("a", limit) + `\u00e9"`,
		`"` + strings.Repeat("a", limit-1) + `😀"`,
		rep("e\u0301", limit/2), rep("e\u0301", limit/2+1),
		`""`, `null`, `42`, `1.5e3`, `true`, `false`, `{"text":"x"}`, `["x"]`, `{}`,
		`"Line\none"`, `"caf\u00e9"`, `"\ud83d\ude00 smile"`, `"lone \ud800 surrogate"`, `"\udc00"`,
		`"   "`, `"\u0000"`, `"tab\there"`, `"\u2028"`, "\"bad \xff byte\"",
		`"Ünïcödé 日本語"`, `"\"quoted\" \\ back\/slash"`, `"<b>&amp;</b>"`,
	}
	return vs[g.pick(len(vs))]
}

// url is a JSON value where a URL is expected.
func (g *sendGen) url(good string) string {
	return g.one(good,
		`"http://example.com/a?b=c#d"`, `"https://example.com"`, `"ftp://example.com/file"`, `"/relative/path"`,
		`"example.com/no-scheme"`, `"https://example.com/with space"`, `"https://EXAMPLE.com/Upper"`,
		`"HTTPS://example.com/"`, `"https://example.com:8443/port"`, `"https://user:pass@example.com/"`,
		`"https://"`, `""`, `"https://exa_mple.com/"`, `"https://127.0.0.1/x"`, `"https://[::1]/x"`,
		`"https://example.com/%zz"`, `"https://example.com\\path"`, `"https:\/\/example.com\/escaped"`,
		`"https://example..com/"`, `"https://-example.com/"`, `"https://example.com./"`,
		`"https://ex\u00e4mple.com/"`, `"https://exämple.com/ü"`, `"javascript:alert(1)"`,
		`"https://example.com/\n"`, `"https:example.com"`, `"//example.com/x"`, `5`, `null`, `true`, `{}`,
		`"https://`+strings.Repeat("a", 2100)+`.com/"`)
}

// button is a button of an element, the i-th: well-behaved, a web_url,
// postback or phone_number button by turn.
func (g *sendGen) button(i int) string {
	types := []string{"", `"account_link"`, `"account_unlink"`, `"game_play"`, `"element_share"`,
		`"WEB_URL"`, `"log_in"`, `""`, `null`, `7`, `"web_url"`, `"postback"`, `"phone_number"`}
	typ := types[g.pick(len(types))]
	if typ == "" {
		typ = []string{`"web_url"`, `"postback"`, `"phone_number"`}[i%3]
	}
	typeMember := g.one("t", "", "twice")
	ms := []string{}
	if typeMember != "" {
		ms = append(ms, g.member("type", typ))
	}
	title := func() string { return g.member("title", g.text(20, `"Choice `+fmt.Sprint(i)+`"`)) }
	switch typ {
	case `"web_url"`, `"WEB_URL"`:
		ms = append(ms, g.member("url", g.url(`"https://example.com/buy"`)), g.one(title(), ""),
			g.member("webview_height_ratio", g.one("", `"compact"`, `"tall"`, `"full"`, `"FULL"`, `""`, `null`, `"half"`, `1`)),
			g.member("messenger_extensions", g.one("", `false`, `true`, `"true"`, `null`, `1`)),
			g.member("fallback_url", g.one("", g.url(`"https://example.com/fallback"`))),
			g.member("webview_share_button", g.one("", `"hide"`, `"show"`, `""`, `null`, `"HIDE"`)))
	case `"postback"`:
		ms = append(ms, g.one(title(), ""), g.one(g.member("payload", g.text(1000, `"DETAILS"`)), ""))
	case `"phone_number"`:
		ms = append(ms, g.one(title(), ""), g.one(g.member("payload", g.one(`"+15555550101"`,
			`"15555550101"`, `"+1 555 555 0101"`, `"+"`, `""`, `"+1555555010123456789"`, `"+1-555"`, `15555550101`, `null`)), ""))
	case `"account_link"`:
		ms = append(ms, g.member("url", g.url(`"https://example.com/login"`)))
	case `"game_play"`:
		ms = append(ms, title(), g.member("payload", g.text(1000, `"GAME"`)),
			g.member("game_metadata", g.one("", `{"player_id":"1"}`, `{"context_id":"2"}`, `null`, `"x"`)))
	case `"element_share"`:
		ms = append(ms, g.one("", title()))
	default:
		ms = append(ms, title(), g.member("payload", g.one("", `"P"`)))
	}
	if typeMember == "twice" {
		ms = append(ms, g.member("type", g.one(`"postback"`, `"web_url"`, typ)))
	}
	// Keys that belong to another type.
	ms = append(ms, g.one("", g.member("url", `"https://example.com/x"`), g.member("payload", `"X"`),
		g.member("messenger_extensions", `false`), g.member("fallback_url", `"https://example.com/f"`),
		g.member("webview_height_ratio", `"tall"`)))
	return g.object(g.stir(ms, title))
}

// defaultAction is an element's default_action.
func (g *sendGen) defaultAction() string {
	if f := g.one("", `null`, `"x"`, `{}`, `[]`, `true`); f != "" {
		return f
	}
	ms := []string{
		g.member("type", g.one(`"web_url"`, "", `"postback"`, `"WEB_URL"`, `null`, `""`)),
		g.member("url", g.one(g.url(`"https://example.com/shirt"`), "")),
		g.member("title", g.one("", `"Open"`, `""`)),
		g.member("webview_height_ratio", g.one(`"tall"`, "", `"compact"`, `"full"`, `"half"`, `null`)),
		g.member("messenger_extensions", g.one("", `false`, `true`, `"true"`)),
		g.member("fallback_url", g.one("", g.url(`"https://example.com/fallback"`))),
		g.member("webview_share_button", g.one("", `"hide"`, `"show"`)),
		g.member("payload", g.one("", `"P"`)),
	}
	return g.object(g.stir(ms, func() string { return g.member("url", g.url(`"https://example.com/other"`)) }))
}

// element is the i-th element of the template.
func (g *sendGen) element(i int) string {
	if f := g.one("", `null`, `1`, `[]`, `"x"`, `{}`, `true`); f != "" {
		return f
	}
	title := func() string { return g.member("title", g.text(80, `"Shirt `+fmt.Sprint(i)+`"`)) }
	ms := []string{
		g.one(title(), ""),
		g.one(g.member("subtitle", g.text(80, `"Soft cotton"`)), ""),
		g.one(g.member("image_url", g.url(`"https://example.com/shirt.png"`)), ""),
		g.one(g.member("default_action", g.defaultAction()), ""),
	}
	buttons := g.one("[]", "", `null`, `{}`, `"x"`)
	if buttons == "[]" {
		n := []int{2, 3, 1, 0, 4}[g.pick(5)]
		bs := make([]string, n)
		for j := range bs {
			bs[j] = g.button(j)
		}
		buttons = "[" + strings.Join(bs, g.comma) + "]"
	}
	ms = append(ms, g.member("buttons", buttons))
	return g.object(g.stir(ms, title))
}

// elements is a template's elements array.
func (g *sendGen) elements() string {
	if f := g.one("", `null`, `{}`, `"x"`, `[[]]`); f != "" {
		return f
	}
	n := []int{3, 0, 1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12}[g.pick(13)]
	els := make([]string, n)
	for i := range els {
		els[i] = g.element(i)
	}
	return "[" + strings.Join(els, g.comma) + "]"
}

// message is the send's message: a generic template, maybe with
// something beside it.
func (g *sendGen) message() string {
	payload := []string{
		g.member("template_type", g.one(`"generic"`, "", `"button"`, `"Generic"`, `"gen\u0065ric"`, `null`, `"media"`)),
		g.member("elements", g.elements()),
		g.member("sharable", g.one("", `true`, `false`, `"true"`, `null`)),
		g.member("image_aspect_ratio", g.one("", `"horizontal"`, `"square"`, `"round"`, `null`)),
	}
	payload = g.stir(payload, func() string {
		return g.one(g.member("elements", g.elements()), g.member("template_type", g.one(`"button"`, `"generic"`)))
	})
	attachment := []string{
		g.member("type", g.one(`"template"`, `"Template"`, `"templ\u0061te"`, `"image"`, `null`)),
		g.member("payload", g.one(g.object(payload), `null`, `"x"`, "")),
	}
	attachment = g.stir(attachment, func() string { return g.member("type", g.one(`"image"`, `"template"`)) })
	msg := []string{
		g.member("attachment", g.one(g.object(attachment), "", `null`, `[]`)),
		g.member("quick_replies", g.one("", `[{"content_type":"text","title":"Hi","payload":"HI"}]`, `[]`,
			`[{"content_type":"text","title":"`+strings.Repeat("q", 21)+`","payload":"Q"}]`, `"x"`, `null`)),
		g.member("metadata", g.one("", `"meta"`, `"`+strings.Repeat("m", 1000)+`"`, `"`+strings.Repeat("m", 1001)+`"`, `null`, `5`)),
		g.member("text", g.one("", `"hi"`)),
	}
	return g.object(g.stir(msg, func() string {
		return g.member("attachment", `{"type":"template","payload":{"template_type":"button","text":"x","buttons":[]}}`)
	}))
}

// send writes the next call.
func (g *sendGen) send() sendCall {
	// The envelope and the template stray apart, so that elements the
	// short road judges meet envelopes the rules refuse or rewrite.
	envelope, template := g.chaos(), g.chaos()
	g.threshold = envelope
	g.comma = g.one(",", ", ", ",\n\t", " , ")
	g.colon = g.one(":", ": ", " :\n")
	recipient := func() string {
		return g.member("recipient", g.one(`{"id":"`+alice+`"}`, `{"id":"`+nobody+`"}`, `{"id":`+alice+`}`,
			`{"user_ref":"ref"}`, `{"id":""}`, `"`+alice+`"`, `null`, "", `{"id":"`+alice+`","extra":1}`,
			`{"id":"`+alice+`","id":"`+nobody+`"}`, `"{\"id\":\"`+alice+`\"}"`, `{"\u0069d":"`+alice+`"}`))
	}
	msgType := g.one(`"RESPONSE"`, "", `"UPDATE"`, `"MESSAGE_TAG"`, `"UTILITY"`, `"response"`, `null`, `5`)
	tags := []string{"", `"HUMAN_AGENT"`, `"ACCOUNT_UPDATE"`, `"CUSTOMER_FEEDBACK"`, `"POST_PURCHASE_UPDATE"`,
		`"CONFIRMED_EVENT_UPDATE"`, `"NON_PROMOTIONAL_SUBSCRIPTION"`, `"BOGUS"`, `null`, `""`}
	tag := tags[g.pick(len(tags))]
	if msgType == `"MESSAGE_TAG"` && tag == "" {
		tag = g.one(`"HUMAN_AGENT"`, `"CUSTOMER_FEEDBACK"`, "")
	}
	token := g.pick(5)
	g.threshold = template
	message := g.message()
	g.threshold = envelope
	ms := []string{
		recipient(),
		g.member("messaging_type", msgType),
		g.member("tag", tag),
		g.member("notification_type", g.one("", `"REGULAR"`, `"SILENT_PUSH"`, `"NO_PUSH"`, `"LOUD"`, `null`)),
		g.member("persona_id", g.one("", `"`+g.persona+`"`, `"1"`, `null`, `5`, `""`)),
		g.member("reply_to", g.one("", `{"mid":"`+g.mid+`"}`, `{"mid":"m_nope"}`, `"x"`, `{}`)),
		g.member("sender_action", g.one("", `"typing_on"`)),
		g.member("message", message),
	}
	switch token {
	case 1, 2: // in the body alone, or in both
		ms = append(ms, g.member("access_token", `"`+DefaultPageToken+`"`))
	case 3: // a bad one in the body, the good one in the query
		ms = append(ms, g.member("access_token", g.one(`"bad"`, `null`, `5`)))
	}
	ms = g.stir(ms, func() string {
		return g.one(g.member("message", g.message()), recipient(), g.member("messaging_type", `"UPDATE"`))
	})
	if r := g.pick(len(ms)); r > 0 {
		ms = append(ms[r:], ms[:r]...)
	}
	query := ""
	if token != 1 && token != 4 { // 4: no token at all
		query = "access_token=" + DefaultPageToken
	}
	query += g.one("", "&message=%7B%7D", "&tag=HUMAN_AGENT", "&messaging_type=UPDATE",
		"&notification_type=SILENT_PUSH", "&recipient=%7B%22id%22%3A%22"+nobody+"%22%7D", "&fields=id",
		"&appsecret_proof=00", "&persona_id="+g.persona)
	return sendCall{
		query: strings.TrimPrefix(query, "&"),
		ctype: g.one("application/json", "application/json; charset=utf-8", "Application/JSON", ""),
		body:  g.one("", " ", "\n") + g.object(ms) + g.one("", "\n", " x"),
	}
}

// sendPair is a server that judges generic templates' elements as it
// reads them, and one that decodes every body whole, the yardstick.
type sendPair struct {
	judged, whole *Server
	seq           uint64 // the journal read up to, on both
}

// newSendPair starts both servers alike: alice has written, the Page has
// a persona. It gives the persona's id and alice's message's.
func newSendPair(t *testing.T) (p *sendPair, persona, mid string) {
	t.Helper()
	p = &sendPair{}
	var personas, mids [2]string
	for i, whole := range []bool{false, true} {
		opts := []Option{WithClock(NewFrozenClock(testStart)), WithIDSeed(7)}
		if whole {
			opts = append(opts, func(o *options) { o.wholeTrees = true })
		}
		s := New(opts...)
		m, err := s.UserSends(DefaultPageID, alice, UserMessageRequest{Text: "hi"})
		if err != nil {
			t.Fatal(err)
		}
		mids[i] = m.MID
		personas[i] = mustGraph(t, s, "POST", "/v26.0/me/personas", `{"name":"Ann","profile_picture_url":"https://www.example.com/ann.png"}`)["id"].(string)
		if whole {
			p.whole = s
		} else {
			p.judged = s
		}
	}
	if personas[0] != personas[1] || mids[0] != mids[1] {
		t.Fatalf("the servers start apart: personas %q, mids %q", personas, mids)
	}
	p.compare(t, "the setup")
	return p, personas[0], mids[0]
}

// send makes the call on both servers, compares the answers and the
// events it journalled, and gives the judged server's answer.
func (p *sendPair) send(t *testing.T, c sendCall) (status int, answer string) {
	t.Helper()
	serve := func(s *Server) (int, string) {
		req := httptest.NewRequest(http.MethodPost, "/v26.0/me/messages?"+c.query, strings.NewReader(c.body))
		if c.ctype != "" {
			req.Header.Set("Content-Type", c.ctype)
		}
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		return rec.Code, rec.Result().Status + " " + rec.Body.String()
	}
	status, answer = serve(p.judged)
	_, want := serve(p.whole)
	what := fmt.Sprintf("query %q, Content-Type %q, body\n%s\n", c.query, c.ctype, c.body)
	if d := cmp.Diff(want, answer); d != "" {
		t.Errorf("%sanswer (-whole +judged):\n%s", what, d)
	}
	p.compare(t, what)
	return status, answer
}

// compare compares the events both servers journalled since the last
// compare.
func (p *sendPair) compare(t *testing.T, what string) {
	t.Helper()
	events, want := p.judged.Journal().After(p.seq, 0), p.whole.Journal().After(p.seq, 0)
	if d := cmp.Diff(want, events, cmp.Comparer(func(a, b json.RawMessage) bool { return string(a) == string(b) })); d != "" {
		t.Errorf("%s: journal (-whole +judged):\n%s", what, d)
	}
	p.seq = max(p.judged.Journal().Last(), p.whole.Journal().Last())
}

// compareThreads compares what both servers stored of alice's thread.
func (p *sendPair) compareThreads(t *testing.T) {
	t.Helper()
	thread, err := p.judged.Thread(DefaultPageID, alice)
	if err != nil {
		t.Fatal(err)
	}
	want, err := p.whole.Thread(DefaultPageID, alice)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(want, thread); d != "" {
		t.Errorf("alice's thread (-whole +judged):\n%s", d)
	}
}

// FuzzJudgedSendsAnswerAsWholeOnes: up to three generic template sends
// written from the fuzzer's bytes are answered, journalled and stored by
// a server that judges elements as it reads them as by one that decodes
// every body whole.
func FuzzJudgedSendsAnswerAsWholeOnes(f *testing.F) {
	f.Add([]byte{})                         // three well-behaved sends
	f.Add([]byte{0, 255, 0, 1, 5})          // the same, once; the rest quiet
	f.Add([]byte{2, 255, 255, 255, 255, 1}) // a noisy send
	f.Add([]byte{1, 40, 1, 0, 255, 255, 0, 0, 255, 3, 255, 7, 0, 255, 2, 0, 0, 0, 0, 255, 25})
	r := rand.New(rand.NewPCG(1, 2))
	for range 4 {
		b := make([]byte, 300)
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) == 0 {
			b = []byte{0}
		}
		p, persona, mid := newSendPair(t)
		g := &sendGen{b: b[1:], persona: persona, mid: mid}
		for range 1 + int(b[0])%3 {
			p.send(t, g.send())
		}
		p.compareThreads(t)
	})
}

// TestJudgedSendsAnswerAsWholeOnesGenerated is the fuzz target's check on
// 300 sends written from a fixed random stream, in one sequence, so that
// plain go test runs it. The stream must yield sends the short road
// judged and accepted as well as sends it fell back from and refused, or
// the comparison would prove nothing.
func TestJudgedSendsAnswerAsWholeOnesGenerated(t *testing.T) {
	t.Parallel()
	p, persona, mid := newSendPair(t)
	r := rand.New(rand.NewPCG(20260901, 7))
	var judgedAccepted, judgedRefused, whole, accepted, refused int
	for range 300 {
		b := make([]byte, 400)
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		c := (&sendGen{b: b, persona: persona, mid: mid}).send()
		status, _ := p.send(t, c)
		judged := false // as the server reads it: a JSON body of a send
		if _, _, maps, j, ok := decodeBodyJudged([]byte(c.body), true); ok {
			judged = j && c.ctype != ""
			maps.release(false)
		}
		switch {
		case judged && status == http.StatusOK:
			judgedAccepted++
		case judged:
			judgedRefused++
		default:
			whole++
		}
		if status == http.StatusOK {
			accepted++
		} else {
			refused++
		}
	}
	p.compareThreads(t)
	t.Logf("%d judged and accepted, %d judged and refused, %d read whole; %d accepted, %d refused",
		judgedAccepted, judgedRefused, whole, accepted, refused)
	if judgedAccepted == 0 || judgedRefused == 0 || whole == 0 || accepted == 0 || refused == 0 {
		t.Errorf("%d judged and accepted, %d judged and refused, %d read whole; %d accepted, %d refused: the stream should yield each",
			judgedAccepted, judgedRefused, whole, accepted, refused)
	}
}
