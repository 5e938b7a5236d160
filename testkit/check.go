package testkit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"sort"
	"strings"

	"github.com/google/go-cmp/cmp"
)

// Checks compare what the bot sent with what the test wants. Each reports
// a go-cmp diff (want −, got +) followed by the conversation so far, marks
// itself a helper, fails with Errorf (the test goes on) and returns
// whether it passed.

// CheckText checks the message's text.
func CheckText(t TB, msg Message, want string) bool {
	t.Helper()
	return check(t, msg, "text", want, msg.Text())
}

// CheckQuickReplies checks the titles of the message's quick replies, in
// order.
func CheckQuickReplies(t TB, msg Message, titles ...string) bool {
	t.Helper()
	return check(t, msg, "quick reply titles", titles, msg.QuickReplyTitles())
}

// CheckTemplate checks the template's kind and, when titles are given,
// its elements' titles (the cards of a carousel).
func CheckTemplate(t TB, msg Message, kind string, titles ...string) bool {
	t.Helper()
	type template struct {
		Kind   string
		Titles []string
	}
	want := template{Kind: kind, Titles: titles}
	got := template{Kind: msg.TemplateType()}
	if len(titles) > 0 {
		for _, e := range msg.Elements() {
			got.Titles = append(got.Titles, e.Title)
		}
	}
	return check(t, msg, "template", want, got)
}

// CheckButtons checks the titles of the message's buttons (a button
// template's, or every element's in order).
func CheckButtons(t TB, msg Message, titles ...string) bool {
	t.Helper()
	return check(t, msg, "button titles", titles, msg.ButtonTitles())
}

// CheckAttachment checks a media attachment's type (image, audio, video,
// file) and URL; a saved asset sent by attachment_id has the URL it was
// uploaded from (AttachmentURL).
func CheckAttachment(t TB, msg Message, typ, url string) bool {
	t.Helper()
	type attachment struct{ Type, URL string }
	return check(t, msg, "attachment", attachment{typ, url}, attachment{msg.AttachmentType(), msg.AttachmentURL()})
}

// CheckOption changes how Check compares.
type CheckOption func(*checkConfig)

type checkConfig struct{ partial bool }

// Partial compares only what want mentions: object keys absent from want
// are ignored at every depth (arrays still compare element by element).
func Partial() CheckOption { return func(c *checkConfig) { c.partial = true } }

// Check compares the message object (the Send API's "message") with want:
// a JSON string or []byte, a map, or any value that marshals to JSON. With
// Partial, only the keys want mentions are compared.
//
//	testkit.Check(t, msg, `{"text":"Pick one","quick_replies":[{"title":"Red"},{"title":"Blue"}]}`, testkit.Partial())
func Check(t TB, msg Message, want any, opts ...CheckOption) bool {
	t.Helper()
	var cfg checkConfig
	for _, o := range opts {
		o(&cfg)
	}
	w, err := toJSONValue(want)
	if err != nil {
		t.Errorf("testkit: Check: want is not JSON: %v", err)
		return false
	}
	got, err := toJSONValue(msg.JSON())
	if err != nil {
		t.Errorf("testkit: Check: %v", err)
		return false
	}
	if cfg.partial {
		got = prune(got, w)
	}
	diff := cmp.Diff(w, got)
	if diff == "" {
		return true
	}
	var paths []string
	jsonDiffs(&paths, "", w, got)
	t.Errorf("%s: message mismatch%s (-want +got):\n%s\n%s", msg.label(), pathList(paths), diff, msg.transcript())
	return false
}

// maxDiffPaths bounds the JSON paths a Check failure names before its diff.
const maxDiffPaths = 5

// pathList renders the JSON paths where want and got differ for the
// first line of a Check failure: " at message.text", or a list.
func pathList(paths []string) string {
	switch n := len(paths); {
	case n == 0:
		return ""
	case n == 1:
		return " at " + paths[0]
	case n > maxDiffPaths:
		return fmt.Sprintf(" at %s and %d more", strings.Join(paths[:maxDiffPaths], ", "), n-maxDiffPaths)
	default:
		return " at " + strings.Join(paths, ", ")
	}
}

// jsonDiffs appends the JSON paths (message.attachment.payload.elements[1].title)
// where the generic JSON values want and got differ: a key one lacks, a
// value or a type that differs, an array's extra or missing elements.
func jsonDiffs(out *[]string, path string, want, got any) {
	at := func(p string) string {
		if p == "" {
			return "message"
		}
		return "message" + p
	}
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			*out = append(*out, at(path))
			return
		}
		keys := make([]string, 0, len(w)+len(g))
		for k := range w {
			keys = append(keys, k)
		}
		for k := range g {
			if _, dup := w[k]; !dup {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			wv, inW := w[k]
			gv, inG := g[k]
			if !inW || !inG {
				*out = append(*out, at(path+"."+k))
				continue
			}
			jsonDiffs(out, path+"."+k, wv, gv)
		}
	case []any:
		g, ok := got.([]any)
		if !ok {
			*out = append(*out, at(path))
			return
		}
		for i := range max(len(w), len(g)) {
			p := fmt.Sprintf("%s[%d]", path, i)
			if i >= len(w) || i >= len(g) {
				*out = append(*out, at(p))
				continue
			}
			jsonDiffs(out, p, w[i], g[i])
		}
	default:
		if !cmp.Equal(want, got) {
			*out = append(*out, at(path))
		}
	}
}

// check reports a mismatch between want and got, named what.
func check(t TB, msg Message, what string, want, got any) bool {
	t.Helper()
	diff := cmp.Diff(want, got)
	if diff == "" {
		return true
	}
	t.Errorf("%s: %s mismatch (-want +got):\n%s\n%s", msg.label(), what, diff, msg.transcript())
	return false
}

// label names a message in failure output.
func (m Message) label() string {
	if m.user == nil {
		return "testkit: message (none)"
	}
	return fmt.Sprintf("testkit: the bot's message %d to %s", m.user.ordinal(m.Seq), m.user.info.FirstName)
}

func (m Message) transcript() string {
	if m.user == nil {
		return "(the message came from no conversation; NextMessage returns them)"
	}
	return m.user.transcript()
}

// toJSONValue turns want or got into generic JSON values (maps, slices,
// strings, json.Number, bools, nil) so they compare structurally.
func toJSONValue(v any) (any, error) {
	var raw []byte
	switch x := v.(type) {
	case string:
		raw = []byte(x)
	case []byte:
		raw = x
	case json.RawMessage:
		raw = x
	default:
		b, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		raw = b
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var out any
	if err := dec.Decode(&out); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		// A second value, or a stray bracket: what was meant is unclear,
		// and comparing the first value alone could pass a wrong want.
		return nil, fmt.Errorf("more after the first JSON value (at byte %d)", dec.InputOffset())
	}
	return canonicalNumbers(out), nil
}

// canonicalNumbers writes each number of v by its value, so that 56.10
// and 56.1, or 1.0 and 1, compare equal (a bot formats prices its way).
func canonicalNumbers(v any) any {
	switch x := v.(type) {
	case json.Number:
		return json.Number(canonicalNumber(string(x)))
	case []any:
		for i := range x {
			x[i] = canonicalNumbers(x[i])
		}
	case map[string]any:
		for k, e := range x {
			x[k] = canonicalNumbers(e)
		}
	}
	return v
}

// canonicalNumber is the shortest decimal of a JSON number's exact value.
func canonicalNumber(s string) string {
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return s
	}
	if n, exact := r.FloatPrec(); exact && n <= 400 {
		return r.FloatString(n)
	}
	return s
}

// prune keeps of got only what want mentions: object keys want lacks are
// dropped at every depth; an array's elements are pruned against want's
// at the same index, or want's last beyond it, so a difference of lengths
// still shows in the diff.
func prune(got, want any) any {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return got
		}
		out := make(map[string]any, len(w))
		for k, wv := range w {
			if gv, ok := g[k]; ok {
				out[k] = prune(gv, wv)
			}
		}
		return out
	case []any:
		g, ok := got.([]any)
		if !ok || len(w) == 0 {
			return got
		}
		// Arrays still compare element by element; an element beyond
		// want's is pruned like want's last, so a diff of lengths shows
		// the keys want mentions, not every key the platform wrote.
		out := make([]any, len(g))
		for i := range g {
			out[i] = prune(g[i], w[min(i, len(w)-1)])
		}
		return out
	}
	return got
}
