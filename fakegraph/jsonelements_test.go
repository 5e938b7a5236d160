package fakegraph

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// judgedElement is an element the short road passes.
const judgedElement = `{"title":"Classic T-shirt","subtitle":"Soft cotton","image_url":"https://example.com/shirt.png",` +
	`"default_action":{"type":"web_url","url":"https://example.com/shirt","webview_height_ratio":"tall"},` +
	`"buttons":[{"type":"web_url","url":"https://example.com/buy","title":"Buy"},{"type":"postback","title":"Details","payload":"DETAILS"},{"type":"phone_number","title":"Call","payload":"+15555550101"}]}`

// genericSend is a send to alice of a generic template of elements,
// with extra top-level members (",…" or "").
func genericSend(elements, extra string) string {
	return `{"recipient":{"id":"` + alice + `"},"messaging_type":"RESPONSE"` + extra +
		`,"message":{"attachment":{"type":"template","payload":{"template_type":"generic","elements":` + elements + `}}}}`
}

// TestDecodeBodyJudgedTakesTheShortRoad: the bodies bots send have their
// elements judged as read and left out of the tree; the others are
// decoded whole, as decodeBody decodes them.
func TestDecodeBodyJudgedTakesTheShortRoad(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, body string
		judged     bool
	}{
		{"ten elements", generic10(), true},
		{"in Spanish", generic10Unicode(), true},
		{"escaped text", genericSend(`[{"title":"Line\none \u00e9","subtitle":"\"quoted\""}]`, ""), true},
		{"with spaces", strings.ReplaceAll(genericSend(`[`+judgedElement+`]`, ""), ",", " ,\n "), true},
		{"elements first", `{"message":{"attachment":{"payload":{"elements":[{"title":"T","subtitle":"S"}],"template_type":"generic"},"type":"template"}},"recipient":{"id":"` + alice + `"}}`, true},
		{"an element refused", genericSend(`[{"title":"T"}]`, ""), false},
		{"an element warned of", genericSend(`[{"title":"T","subtitle":"S","buttons":[{"type":"postback","title":"A title of more than twenty","payload":"P"}]}]`, ""), false},
		{"quick replies beside", strings.Replace(genericSend(`[`+judgedElement+`]`, ""), `"message":{`, `"message":{"quick_replies":[{"content_type":"text","title":"Hi","payload":"HI"}],`, 1), false},
		{"a button template", strings.Replace(generic10(), `"generic"`, `"button"`, 1), false},
		{"escaped key", genericSend(`[{"t\u0069tle":"T","subtitle":"S"}]`, ""), false},
		{"escaped key above", strings.Replace(genericSend(`[`+judgedElement+`]`, ""), `"template_type"`, `"template\u005ftype"`, 1), true},
		{"repeated key", genericSend(`[{"title":"T","title":"U","subtitle":"S"}]`, ""), false},
		{"null subtitle", genericSend(`[{"title":"T","subtitle":null,"image_url":"https://example.com/a.png"}]`, ""), false},
		{"the word in a text send", `{"recipient":{"id":"` + alice + `"},"message":{"text":"\"generic\""}}`, false},
	}
	for _, tc := range cases {
		body := []byte(tc.body)
		obj, msg, maps, judged, ok := decodeBodyJudged(body, true)
		if !ok {
			t.Errorf("%s: refused", tc.name)
			continue
		}
		if judged != tc.judged {
			t.Errorf("%s: judged = %v, want %v", tc.name, judged, tc.judged)
		}
		want, wantMsg, wantMaps, _ := decodeBody(body)
		if judged {
			pl := want["message"].(map[string]any)["attachment"].(map[string]any)["payload"].(map[string]any)
			delete(pl, "elements")
		}
		if d := cmp.Diff(want, obj); d != "" {
			t.Errorf("%s: the tree (-decodeBody +judged):\n%s", tc.name, d)
		}
		if (msg == nil) != (wantMsg == nil) || msg != nil && string(*msg) != string(*wantMsg) {
			t.Errorf("%s: the message's canonical form differs", tc.name)
		}
		maps.release(false)
		wantMaps.release(false)
	}
	for _, bad := range []string{`{"message":"generic"`, `{"a":"generic"} x`, `["generic"]`, `{"a":"gen\ueric"}`, `{"generic":[1,2,}`} {
		if _, _, _, _, ok := decodeBodyJudged([]byte(bad), true); ok {
			t.Errorf("%s: decoded, want refused", bad)
		}
	}
}

// FuzzDecodeBodyJudged: for any body, the tree built from the tape is
// decodeBody's, less the elements it judged.
func FuzzDecodeBodyJudged(f *testing.F) {
	f.Add(generic10())
	f.Add(genericSend(`[{"title":"T\u00e9","subtitle":"S","buttons":[{"type":"postback","title":"x","payload":"1"}]}]`, `,"tag":null,"n":-1.5e3`))
	f.Add(`{"message":{"attachment":{"type":"template","payload":{"template_type":"generic","elements":[{},[],"",1,true,null]}}}}`)
	f.Fuzz(func(t *testing.T, body string) {
		obj, msg, maps, judged, ok := decodeBodyJudged([]byte(body), true)
		want, wantMsg, wantMaps, wantOK := decodeBody([]byte(body))
		if ok != wantOK {
			t.Fatalf("ok = %v, decodeBody's %v", ok, wantOK)
		}
		if !ok {
			return
		}
		defer maps.release(false)
		defer wantMaps.release(false)
		if judged {
			pl := want["message"].(map[string]any)["attachment"].(map[string]any)["payload"].(map[string]any)
			delete(pl, "elements")
		}
		if d := cmp.Diff(want, obj); d != "" {
			t.Errorf("the tree (-decodeBody +judged):\n%s", d)
		}
		if (msg == nil) != (wantMsg == nil) || msg != nil && string(*msg) != string(*wantMsg) {
			t.Errorf("the message's canonical form differs")
		}
	})
}

// TestJudgedSendsAnswerAsWholeOnes: a server that judges generic
// templates' elements as it reads them answers, journals and stores
// every send as one that decodes every body whole: accepted, refused,
// warned of, rewritten, with the token in the body or the query.
func TestJudgedSendsAnswerAsWholeOnes(t *testing.T) {
	t.Parallel()
	one := `[` + judgedElement + `]`
	sends := []struct{ query, body string }{
		{"", generic10()},
		{"", generic10Unicode()},
		{"", genericSend(one, "")},
		{"", genericSend(one, `,"tag":"HUMAN_AGENT"`)},                           // ignored: dropped, a rewrite
		{"", genericSend(one, `,"notification_type":null`)},                      // a null dropped
		{"", genericSend(one, `,"persona_id":"1"`)},                              // refused: no such persona
		{"", genericSend(one, `,"access_token":"`+DefaultPageToken+`"`)},         // the token in the body
		{"", strings.Replace(genericSend(one, ""), alice, nobody, 1)},            // refused: no such user
		{"", strings.Replace(genericSend(one, ""), `"RESPONSE"`, `"UPDATE"`, 1)}, // outside the window? alice wrote just now
		{"", strings.Replace(genericSend(one, ""), `"generic"`, `"generic","sharable":"true"`, 1)},
		{"", strings.Replace(genericSend(one, ""), `"generic"`, `"generic","image_aspect_ratio":"square"`, 1)},
		{"", strings.Replace(genericSend(one, ""), `"generic"`, `"generic","colour":"red"`, 1)},
		{"", strings.Replace(genericSend(one, ""), `"template_type"`, `"template\u005ftype"`, 1)}, // no message written from the body
		{"", strings.Replace(genericSend(one, ""), `"recipient"`, `"recipi\u0065nt"`, 1)},
		{"", genericSend(`[{"title":"T","subtitle":"S"},{"title":"U"}]`, "")},
		{"", genericSend(`[]`, "")},
		{"&message=%7B%7D", genericSend(one, "")}, // the body wins
		{"&tag=HUMAN_AGENT", genericSend(one, "")},
	}
	run := func(opts ...Option) (answers []string, events []Event, thread []Message) {
		s := New(append([]Option{WithClock(NewFrozenClock(testStart)), WithIDSeed(7)}, opts...)...)
		if _, err := s.UserSends(DefaultPageID, alice, UserMessageRequest{Text: "hi"}); err != nil {
			t.Fatal(err)
		}
		for _, send := range sends {
			req := httptest.NewRequest(http.MethodPost, "/v26.0/me/messages?access_token="+DefaultPageToken+send.query, strings.NewReader(send.body))
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			s.Handler().ServeHTTP(rec, req)
			answers = append(answers, rec.Result().Status+" "+rec.Body.String())
		}
		events = s.Journal().Find(0, func(*Event) bool { return true })
		thread, err := s.Thread(DefaultPageID, alice)
		if err != nil {
			t.Fatal(err)
		}
		return answers, events, thread
	}
	answers, events, thread := run()
	wantAnswers, wantEvents, wantThread := run(func(o *options) { o.wholeTrees = true })
	if d := cmp.Diff(wantAnswers, answers); d != "" {
		t.Errorf("answers (-whole +judged):\n%s", d)
	}
	if d := cmp.Diff(wantEvents, events, cmp.Comparer(func(a, b json.RawMessage) bool { return string(a) == string(b) })); d != "" {
		t.Errorf("journal (-whole +judged):\n%s", d)
	}
	if d := cmp.Diff(wantThread, thread); d != "" {
		t.Errorf("thread (-whole +judged):\n%s", d)
	}
	accepted := 0
	for _, a := range answers {
		if strings.HasPrefix(a, "200") {
			accepted++
		}
	}
	if accepted < 8 || accepted == len(sends) {
		t.Errorf("%d of %d sends accepted: the table should hold both", accepted, len(sends))
	}
}

// BenchmarkDecodeBodyJudgedGeneric10 is BenchmarkDecodeBodyGeneric10 on
// the short road: the tape, the elements read and judged, the tree
// without them and the message's canonical form.
func BenchmarkDecodeBodyJudgedGeneric10(b *testing.B) {
	body := []byte(generic10())
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		_, msg, maps, judged, ok := decodeBodyJudged(body, true)
		if !ok || !judged || msg == nil {
			b.Fatal("not judged")
		}
		putTreeBuffer(msg, *msg)
		maps.release(true)
	}
}
