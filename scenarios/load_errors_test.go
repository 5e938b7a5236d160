package scenarios

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A file with many mistakes is told of all of them at once, as a compiler
// does, in file order; the text stops at maxShown with how many more.
func TestLoadListsEveryErrorAndCapsTheText(t *testing.T) {
	t.Parallel()
	var src strings.Builder
	src.WriteString("name: a\nsteps:\n")
	for i := range maxShown + 5 {
		fmt.Fprintf(&src, "  - says: %d\n", i)
	}
	_, err := Parse("many.yaml", []byte(src.String()))
	require.Error(t, err)
	var list ErrorList
	require.ErrorAs(t, err, &list)
	assert.Len(t, list, maxShown+5)
	lines := strings.Split(err.Error(), "\n")
	require.Len(t, lines, maxShown+1)
	assert.Equal(t, `many.yaml:3:11: says: is text; quote a number or true/false (says: "0")`, lines[0])
	assert.Equal(t, `many.yaml:22:11: says: is text; quote a number or true/false (says: "19")`, lines[maxShown-1])
	assert.Equal(t, "and 5 more errors", lines[maxShown])
	var pe *PosError
	require.ErrorAs(t, err, &pe, "each problem is a PosError")
	assert.Equal(t, PosError{File: "many.yaml", Line: 3, Column: 11, Reason: pe.Reason}, *pe)
}

// Load lists the problems of every file, file by file.
func TestLoadListsTheErrorsOfEveryFile(t *testing.T) {
	t.Parallel()
	_, err := Load("testdata/bad/wrong-type.yaml", "testdata/bad/many-mistakes.yaml", "examples")
	require.Error(t, err)
	want := wantLine(t, "testdata/bad/many-mistakes.yaml") + "\n" + wantLine(t, "testdata/bad/wrong-type.yaml")
	assert.Equal(t, want, err.Error())
}

// One mistake is told once: what follows a refused part is not refused
// for it (a step after a refused user step, steps: after a misspelt
// steps key, a scenario whose name is of the wrong kind).
func TestLoadTellsEachMistakeOnce(t *testing.T) {
	t.Parallel()
	for src, want := range map[string]string{
		"name: a\nsteps:\n  - says: 42\n  - taps_quick_reply: Red\n":                    `once.yaml:3:11: says: is text; quote a number or true/false (says: "42")`,
		"name: a\nsteps:\n  - sayz: hi\n  - reacts: love\n":                             `once.yaml:3:5: unknown step key "sayz" (did you mean says?)`,
		"name: a\nstepz:\n  - says: hi\n":                                               `once.yaml:2:1: unknown scenario key "stepz" (did you mean steps?)`,
		"name: [a]\nsteps:\n  - says: hi\n":                                             `once.yaml:1:7: name: want text; got a list`,
		"name: a\nuser: {referral: x}\nsteps:\n  - reacts: love\n":                      `once.yaml:2:18: referral: want a mapping with ref, source, ad_id; got the text "x"`,
		"name: a\nsteps: &s [{says: 1}]\n---\nname: b\nsteps:\n  - expect: {text: 1}\n": "once.yaml:2:19: says: is text; quote a number or true/false (says: \"1\")\nonce.yaml:6:20: text: is text; quote a number or true/false (text: \"1\")",
	} {
		_, err := Parse("once.yaml", []byte(src))
		if assert.Error(t, err, src) {
			assert.Equal(t, want, err.Error(), src)
		}
	}
}

// A value borrowed with an alias is read where it is used, in another
// scenario of the file too; a mistake in it is told once, at its anchor.
func TestLoadReadsAliasesAcrossScenarios(t *testing.T) {
	t.Parallel()
	all, err := Parse("alias.yaml", []byte("- name: a\n  steps: &hello\n    - says: hi\n    - expect: {text: Hello}\n- name: b\n  steps: *hello\n"))
	require.NoError(t, err)
	require.Len(t, all, 2)
	assert.Equal(t, "Hello", *all[1].Steps[1].Expect.Text)

	_, err = Parse("alias.yaml", []byte("- name: a\n  steps: &hello\n    - says: hi\n    - expect: {text: 42}\n- name: b\n  steps: *hello\n"))
	require.Error(t, err)
	assert.Equal(t, `alias.yaml:4:22: text: is text; quote a number or true/false (text: "42")`, err.Error())

	_, err = Parse("alias.yaml", []byte("name: a\nsteps:\n  - says: hi\n  - expect: *nope\n"))
	require.Error(t, err)
	assert.Equal(t, "alias.yaml:4:14: *nope names no anchor: write &nope on a value before it", err.Error())
}

// Every kind of value the YAML library would refuse in its own words (a
// Go type, "sequence", "!!str") is said in the scenario file's: the key,
// what it must be, what was written, at its place.
func TestLoadSaysTypeErrorsInTheFilesWords(t *testing.T) {
	t.Parallel()
	step := func(s string) string { return "name: a\nsteps:\n  - says: hi\n  - " + s + "\n" }
	for _, c := range []struct{ src, want string }{
		// Lists.
		{step("expect: {quick_replies: Colours}"), `4:29: quick_replies: want a list of quick-reply titles, such as [Red, Green]; got the text "Colours" (a list of one: quick_replies: [Colours])`},
		{step("expect: {quick_reply_payloads: {RED: 1}}"), "4:37: quick_reply_payloads: want a list of quick-reply payloads, such as [RED, GREEN]; got a mapping"},
		{step("expect: {buttons: Buy}"), `4:23: buttons: want a list of buttons, each a title or a mapping with title, type, payload, url; got the text "Buy" (a list of one: buttons: [Buy])`},
		{step("expect: {elements: {title: Mug}}"), "4:25: elements: want a list of template elements, each a mapping with title, subtitle, buttons; got a mapping"},
		{step("expect_any_order: {text: a}"), "4:24: expect_any_order: want a list of expected messages, each a mapping with the keys of expect:; got a mapping"},
		{step("expect_user: {labels: vip}"), `4:27: labels: want a list of label names, such as [vip]; got the text "vip" (a list of one: labels: [vip])`},
		{step("fault: {error: unavailable, args: 5}"), `4:39: args: want a list of the error's arguments, such as ["5"]; got the number 5 (a list of one: args: [5])`},
		{"name: a\ntags: smoke\nsteps:\n  - says: hi\n", `2:7: tags: want a list of tags, such as [smoke, shop]; got the text "smoke" (a list of one: tags: [smoke])`},
		{"name: a\nsteps: {says: hi}\n", "2:9: steps: want a list of steps, each a mapping with one key such as says: or expect:; got a mapping"},
		// Mappings.
		{step("expect: Hello"), `4:13: expect: want a mapping with text, text_contains, text_matches, quick_replies, quick_reply_payloads, quick_reply_count, template, elements, buttons, attachment, sender_action, persona, messaging_type, tag, within; got the text "Hello"`},
		{step("expect_user: {profile: [first_name]}"), "4:28: profile: want a mapping; got a list"},
		{"name: a\nsetup: {profile: greeting}\nsteps:\n  - says: hi\n", `2:18: profile: want a mapping; got the text "greeting"`},
		{step("sends: image"), `4:12: sends: want a mapping with type, url, file, sticker_id, title; got the text "image"`},
		{step("taps_button: [Buy]"), "4:18: taps_button: want a title or a mapping with title, payload; got a list"},
		{step("says hi"), `4:5: a step is a mapping with one key such as says: or expect:; got the text "says hi"`},
		{"- name: a\n  steps: [{says: hi}]\n- just words\n", `3:3: a scenario is a mapping with name: and steps:; got the text "just words"`},
		{"42\n", "1:1: a scenario file holds a scenario (a mapping with name: and steps:) or a list of them; got the number 42"},
		// Text.
		{step("says: [hi, there]"), "4:11: says: want text; got a list"},
		{step("expect: {text: {a: b}}"), "4:21: text: want text; got a mapping"},
		{step("edits: 3.5"), `4:12: edits: is text; quote a number or true/false (edits: "3.5")`},
		{step("taps_menu: .inf"), `4:16: taps_menu: is text; quote a number or true/false (taps_menu: ".inf")`},
		// Durations.
		{step("waits: 2"), "4:12: waits: want a duration such as 2s, 500ms or 25h; got the number 2 (a duration needs its unit: 2s)"},
		{step("no_message: soon"), `4:17: no_message: "soon" is not a duration such as 2s, 500ms or 25h`},
		{step("advances_clock: -1h"), `4:21: advances_clock: "-1h" is not a duration such as 2s, 500ms or 25h`},
		{step("expect: {text: hi, within: [2s]}"), "4:32: within: want a duration such as 2s, 500ms or 25h; got a list"},
		{step("fault: {error: unavailable, latency: true}"), "4:42: latency: want a duration such as 2s, 500ms or 25h; got true"},
		// Numbers.
		{step("expect: {quick_reply_count: two}"), `4:33: quick_reply_count: want a whole number; got the text "two"`},
		{step("expect: {quick_reply_count: [2]}"), "4:33: quick_reply_count: want a whole number; got a list"},
		{step("fault: {error: unavailable, times: true}"), "4:40: times: want a whole number; got true"},
		{step("fault: {error: unavailable, after: .nan}"), "4:40: after: want a whole number; got the number .nan"},
		{step("fault: {error: unavailable, after: 99999999999999999999}"), "4:40: after: 99999999999999999999 is too large for a whole number"},
		{step("fault: {error: unavailable, times: 18446744073709551615}"), "4:40: times: 18446744073709551615 is too large for a whole number"},
		{"name: a\nuser: {timezone: east}\nsteps:\n  - says: hi\n", `2:18: timezone: want a number; got the text "east"`},
		{"name: a\nsteps:\n  - sends: {type: sticker, sticker_id: {id: 1}}\n", "3:41: sticker_id: want a whole number; got a mapping"},
		// Booleans.
		{step("taps_get_started: yes"), `4:23: taps_get_started: want true or false; got the text "yes" (write true)`},
		{step("reads: \"true\""), `4:12: reads: want true or false; got the text "true" (write it without quotes)`},
		{step("reads: 1"), "4:12: reads: want true or false; got the number 1"},
		{step("opts_in: {ref: x, checkbox: off}"), `4:33: checkbox: want true or false; got the text "off" (write false)`},
		{step("reacts: {unreact: [true]}"), "4:23: unreact: want true or false; got a list"},
		{step("fault: {timeout: !!str true}"), `4:27: timeout: want true or false; got the text "true" (without the !!str tag)`},
		// Unknown keys, at each level.
		{"name: a\nsteps:\n  - says: hi\ntag: [x]\n", `4:1: unknown scenario key "tag" (did you mean tags?)`},
		{step("expect_users: {labels: [vip]}"), `4:5: unknown step key "expect_users" (did you mean expect_user?)`},
		{step("expect: {text_match: hi}"), `4:14: expect: unknown key "text_match" (did you mean text_matches?)`},
		{step("expect: {elements: [{subtile: x}]}"), `4:26: elements: unknown key "subtile" (did you mean subtitle?)`},
		{step("fault: {eror: unavailable}"), `4:13: fault: unknown key "eror" (did you mean error?)`},
		{"name: a\nsetup: {clok: \"2026-01-01T00:00:00Z\"}\nsteps:\n  - says: hi\n", `2:9: setup: unknown key "clok" (did you mean clock?)`},
		{"name: a\nuser: {referral: {sorce: ADS}}\nsteps:\n  - says: hi\n", `2:19: referral: unknown key "sorce" (did you mean source?)`},
		{"name: a\nuser: {<<: [x]}\nsteps:\n  - says: hi\n", `2:13: user: <<: want a mapping (or a list of them) to merge; got the text "x"`},
	} {
		_, err := Parse("types.yaml", []byte(c.src))
		if assert.Error(t, err, c.src) {
			assert.Equal(t, "types.yaml:"+c.want, err.Error(), c.src)
		}
	}
}

// goWords are the marks of a message in the YAML library's or Go's words.
var goWords = regexp.MustCompile(`unmarshal|Go (value|struct)|sequence|was used where|!!|\[\]|map\[|\*?scenarios\.|int64|float64|\bstruct\b|field|overflow`)

// Whatever kind of value any key of the format is given, the loader
// answers in the file's words: each error at its place, naming the key,
// never the YAML library's or Go's words.
func TestLoadNeverSpeaksGoForAnyKey(t *testing.T) {
	t.Parallel()
	values := []struct {
		yaml string
		kind string // text, number, bool, list, mapping
	}{
		{"Colours", "text"}, {`"3"`, "text"}, {"2s", "text"}, {"2", "number"}, {"2.5", "number"},
		{"-7", "number"}, {".inf", "number"}, {"true", "bool"}, {"[a, b]", "list"}, {"[1]", "list"}, {"{a: b}", "mapping"}, {"{}", "mapping"},
	}
	checked := 0
	eachKey(scenarioType, nil, func(key string, ft reflect.Type, doc func(string) string) {
		for _, v := range values {
			src := doc(v.yaml)
			_, err := Parse("sweep.yaml", []byte(src))
			if err == nil {
				assert.True(t, fits(v.kind, ft), "%s: %s (%s) loads\n%s", key, v.yaml, ft, src)
				continue
			}
			checked++
			for line := range strings.SplitSeq(err.Error(), "\n") {
				assert.Regexp(t, `^sweep\.yaml:\d+:\d+: `, line, src)
				assert.NotRegexp(t, goWords, line, src)
			}
			if !fits(v.kind, ft) {
				assert.True(t, strings.Contains(err.Error(), key+":") || strings.Contains(err.Error(), `"`+key+`"`),
					"%s: %s: the error names the key: %s", key, v.yaml, err)
			}
		}
	})
	assert.Greater(t, checked, 300)
}

// fits reports whether a value of kind is of the kind of a type.
func fits(kind string, t reflect.Type) bool {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == durationType:
		return kind == "text"
	case scalarForms[t] != "":
		return kind == "text" || kind == "mapping"
	case t.Kind() == reflect.String:
		return kind == "text"
	case t.Kind() == reflect.Bool:
		return kind == "bool"
	case isNumber(t):
		return kind == "number"
	case t.Kind() == reflect.Slice:
		return kind == "list"
	}
	return kind == "mapping" // structs and maps
}

// eachKey calls f for every key of the format under type t, with a
// function that writes a whole scenario file giving that key a value.
// in writes a value of t into a file (nil: t is the scenario).
func eachKey(t reflect.Type, in func(string) string, f func(key string, ft reflect.Type, doc func(string) string)) {
	for i := range t.NumField() {
		key, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		if key == "" || key == "-" {
			continue
		}
		ft := t.Field(i).Type
		var doc func(string) string
		switch {
		case t == scenarioType && key == "name":
			doc = func(v string) string { return "{name: " + v + ", steps: [{says: hi}]}" }
		case t == scenarioType && key == "steps":
			doc = func(v string) string { return "{name: a, steps: " + v + "}" }
		case t == scenarioType:
			doc = func(v string) string { return "{name: a, steps: [{says: hi}], " + key + ": " + v + "}" }
		default:
			doc = func(v string) string { return in("{" + key + ": " + v + "}") }
		}
		f(key, ft, doc)
		inner := ft
		for inner.Kind() == reflect.Pointer {
			inner = inner.Elem()
		}
		item := doc
		if inner.Kind() == reflect.Slice {
			inner = inner.Elem()
			item = func(v string) string { return doc("[" + v + "]") }
		}
		if inner.Kind() != reflect.Struct || inner == durationType {
			continue
		}
		if inner == stepType {
			item = func(v string) string { return "{name: a, steps: [{says: hi}, " + v + "]}" }
		}
		eachKey(inner, item, f)
	}
}

// ErrorList is an error the errors package reads through.
func TestErrorListUnwraps(t *testing.T) {
	t.Parallel()
	first := &PosError{File: "a.yaml", Line: 1, Column: 1, Reason: "x"}
	var err error = ErrorList{first, errors.New("b.yaml: unreadable")}
	var pe *PosError
	require.ErrorAs(t, err, &pe)
	assert.Same(t, first, pe)
	assert.Equal(t, "a.yaml:1:1: x\nb.yaml: unreadable", err.Error())
}

// Whatever the file holds, the loader answers without panicking: the
// scenarios, or problems each at a place in the file.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"name: a\nsteps:\n  - says: hi\n  - expect: {text: hi, within: 2s}\n",
		"- name: a\n  steps: &s [{says: 1}]\n- name: b\n  steps: *s\n",
		"name: a\nuser: {<<: {phone: 1}}\nsteps:\n  -\n  - say: hi\n  - expect: {quick_replies: Colours, buttons: [[x]]}\n",
		"name: a\nsteps:\n  - fault: {times: 18446744073709551615, latency: 2}\n  - reacts: {unreact: yes}\n",
		"&a [*a]\n", "--- 1\n--- [x]\n", "name: a\nsteps: !!str x\n",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, src string) {
		all, err := Parse("fuzz.yaml", []byte(src))
		if err == nil {
			require.NotEmpty(t, all)
			return
		}
		for line := range strings.SplitSeq(err.Error(), "\n") {
			if !strings.HasPrefix(line, "and ") {
				require.Regexp(t, `^fuzz\.yaml:\d+:\d+: `, line, src)
			}
		}
	})
}
