package scenarios

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// wantLine reads the "# want: L:C: reason" comments a bad file starts
// with: every error the loader must find in it, in file order, one a line.
func wantLine(t *testing.T, file string) string {
	t.Helper()
	b, err := os.ReadFile(file)
	require.NoError(t, err)
	var want []string
	for line := range strings.Lines(string(b)) {
		w, ok := strings.CutPrefix(strings.TrimSuffix(line, "\n"), "# want: ")
		if !ok {
			break
		}
		want = append(want, file+":"+w)
	}
	require.NotEmpty(t, want, "%s must start with # want: L:C: reason", file)
	return strings.Join(want, "\n")
}

func TestLoadRefusesEachBadFileWithEveryErrorAtItsPlace(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("testdata/bad/*.yaml")
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(files), 4)
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			t.Parallel()
			got, err := Load(f)
			require.Error(t, err)
			assert.Nil(t, got, "nothing may run from a file with an error")
			assert.Equal(t, wantLine(t, f), err.Error())
		})
	}
}

func TestLoadRefusesTheWholeSetWhenOneFileIsBad(t *testing.T) {
	t.Parallel()
	got, err := Load("examples", "testdata/bad/wrong-type.yaml")
	require.Error(t, err)
	assert.Nil(t, got)
	assert.Equal(t, wantLine(t, "testdata/bad/wrong-type.yaml"), err.Error())
}

func TestLoadReadsDirectoriesGlobsAndLists(t *testing.T) {
	t.Parallel()
	all, err := Load("examples")
	require.NoError(t, err)
	byGlob, err := Load("examples/*.yaml")
	require.NoError(t, err)
	require.Equal(t, len(all), len(byGlob))
	var names []string
	for _, s := range all {
		names = append(names, s.Name)
	}
	assert.Contains(t, names, "greets and offers colours")
	assert.Contains(t, names, "buys a shirt from the carousel")

	every, err := Load("testdata/good/every-step.yaml")
	require.NoError(t, err)
	require.Len(t, every, 2)
	st := every[0].Steps[4]
	require.NotNil(t, st.TapsQuickReply)
	assert.Equal(t, TapStep{Title: "Red"}, *st.TapsQuickReply)
	assert.Equal(t, 21, st.Line, "a step knows its line")
	assert.Equal(t, 7, st.Column)
	assert.True(t, every[0].MovesClock())
	assert.False(t, every[1].MovesClock())
}

func TestLoadRefusesMissingPaths(t *testing.T) {
	t.Parallel()
	_, err := Load("testdata/nothing-here/*.yaml")
	require.ErrorContains(t, err, "no file matches")
	_, err = Load()
	require.Error(t, err)
}

// A null step, or a step key with no value, is refused when the file
// loads, with its place, not found empty once the scenario runs.
func TestLoadRefusesNullSteps(t *testing.T) {
	t.Parallel()
	for src, want := range map[string]string{
		"name: a\nsteps:\n  - says: hi\n  - ~\n":                   "step 2 is empty",
		"name: a\nsteps:\n  - says: ~\n":                           "nulls.yaml:3:5: says: needs a value",
		"name: a\nsteps:\n  - says: hi\n  - expect: ~\n":           "expect: needs a value",
		"name: a\nsteps:\n  - says: hi\n  - expect_any_order: ~\n": "expect_any_order: needs a value",
		"name: a\nsteps:\n  - says: 123\n":                         `nulls.yaml:3:11: says: is text; quote a number or true/false (says: "123")`,
		"name: a\nsteps:\n  - says: hi\n  - edits: true\n":         "edits: is text",
	} {
		_, err := Parse("nulls.yaml", []byte(src))
		if assert.Error(t, err, src) {
			assert.Contains(t, err.Error(), want, src)
		}
	}
}

// Text in every form YAML writes it loads as text.
func TestLoadTakesTextInEveryForm(t *testing.T) {
	t.Parallel()
	all, err := Parse("text.yaml", []byte("name: a\nsteps:\n  - says: plain words\n  - says: \"123\"\n  - says: |\n      two\n      lines\n  - says: >-\n      folded\n      line\n"))
	require.NoError(t, err)
	var got []string
	for _, st := range all[0].Steps {
		got = append(got, *st.Says)
	}
	assert.Equal(t, []string{"plain words", "123", "two\nlines\n", "folded line"}, got)
}

// A text nested anywhere in a scenario (a user's field, a step's, an
// expected element's or button's) is refused as a number or a boolean, as
// schema.json refuses it; quoted, or tagged !!str, it loads.
func TestLoadRefusesNumbersWhereNestedTextIsDue(t *testing.T) {
	t.Parallel()
	for src, want := range map[string]string{
		"name: a\nuser: {name: Ann, phone: 15555550101}\nsteps:\n  - says: hi\n":                                `nested.yaml:2:26: phone: is text; quote a number or true/false (phone: "15555550101")`,
		"name: a\ntags: [smoke, 2]\nsteps:\n  - says: hi\n":                                                     "tags: is text",
		"name: a\nsteps:\n  - arrives_from: {ref: promo, source: ADS, ad_id: 6045246247433}\n":                  "ad_id: is text",
		"name: a\nsteps:\n  - says: hi\n  - handover: {action: pass_thread_control, app_id: 263902037430900}\n": "app_id: is text",
		"name: a\nsteps:\n  - says: hi\n  - taps_button: {payload: 7}\n":                                        "payload: is text",
		"name: a\nsteps:\n  - sends: {type: file, url: https://example.com/a.pdf, title: 2026}\n":               "title: is text",
		"name: a\nsteps:\n  - says: hi\n  - expect: {elements: [{title: 42}]}\n":                                "title: is text",
		"name: a\nsteps:\n  - says: hi\n  - expect: {buttons: [{title: Buy, payload: false}]}\n":                "payload: is text",
		"name: a\nsteps:\n  - says: hi\n  - expect: {quick_replies: [Yes, 1]}\n":                                "quick_replies: is text",
		"name: a\nsteps:\n  - says: hi\n  - expect_user: {thread_owner: 263902037430900}\n":                     "thread_owner: is text",
	} {
		_, err := Parse("nested.yaml", []byte(src))
		if assert.Error(t, err, src) {
			assert.Contains(t, err.Error(), want, src)
		}
	}
	all, err := Parse("nested.yaml", []byte("name: a\nuser: {name: Ann, phone: \"15555550101\"}\nsteps:\n  - says: hi\n"+
		"  - expect: {elements: [{title: !!str 42}], quick_replies: [\"1\", two]}\n"))
	require.NoError(t, err)
	assert.Equal(t, "15555550101", all[0].User.Phone)
	assert.Equal(t, "42", *all[0].Steps[1].Expect.Elements[0].Title)
	assert.Equal(t, []string{"1", "two"}, all[0].Steps[1].Expect.QuickReplies)
}

// A number written as text (quoted) is refused where schema.json wants a
// number.
func TestLoadRefusesQuotedNumbers(t *testing.T) {
	t.Parallel()
	for src, want := range map[string]string{
		"name: a\nuser: {name: Ann, timezone: \"5\"}\nsteps:\n  - says: hi\n":            `quoted.yaml:2:29: timezone: is a number; write it without quotes (timezone: 5)`,
		"name: a\nsteps:\n  - sends: {type: sticker, sticker_id: \"369239263222822\"}\n": "sticker_id: is a number",
		"name: a\nsteps:\n  - says: hi\n  - fault: {error: unavailable, times: \"1\"}\n": "times: is a number",
		"name: a\nsteps:\n  - says: hi\n  - expect: {quick_reply_count: \"0\"}\n":        "quick_reply_count: is a number",
	} {
		_, err := Parse("quoted.yaml", []byte(src))
		if assert.Error(t, err, src) {
			assert.Contains(t, err.Error(), want, src)
		}
	}
	all, err := Parse("quoted.yaml", []byte("name: a\nuser: {name: Ann, timezone: -5.5}\nsteps:\n  - sends: {type: sticker, sticker_id: 369239263222822}\n"))
	require.NoError(t, err)
	assert.Equal(t, -5.5, *all[0].User.Timezone)
	assert.Equal(t, int64(369239263222822), all[0].Steps[0].Sends.StickerID)
}

// An expectation takes its texts as text and its count as a whole number:
// what YAML would convert quietly is refused at load, with its place.
func TestLoadRefusesConvertedExpectValues(t *testing.T) {
	t.Parallel()
	for src, want := range map[string]string{
		"name: a\nsteps:\n  - says: hi\n  - expect: {text: 42}\n":               `expect.yaml:4:20: text: is text; quote a number or true/false (text: "42")`,
		"name: a\nsteps:\n  - says: hi\n  - expect: {text_contains: true}\n":    "text_contains: is text",
		"name: a\nsteps:\n  - says: hi\n  - expect: {quick_reply_count: 2.9}\n": "quick_reply_count: a whole number, got 2.9",
	} {
		_, err := Parse("expect.yaml", []byte(src))
		if assert.Error(t, err, src) {
			assert.Contains(t, err.Error(), want, src)
		}
	}
	all, err := Parse("expect.yaml", []byte("name: a\nsteps:\n  - says: hi\n  - expect: {text: \"42\", quick_reply_count: 2}\n"))
	require.NoError(t, err)
	assert.Equal(t, "42", *all[0].Steps[1].Expect.Text)
	assert.Equal(t, 2, *all[0].Steps[1].Expect.QuickReplyCount)
}

// The checks hold however the YAML is written: keys quoted (a scenario
// written as JSON), fields merged in with <<:, a !!str tag, a tap or a
// reaction by a number.
func TestLoadChecksTypesInEveryYAMLForm(t *testing.T) {
	t.Parallel()
	for src, want := range map[string]string{
		`{"name":"a","steps":[{"says":42}]}`:                                               `says: is text`,
		`{"name":"a","user":{"name":"Ann","phone":15555550101},"steps":[{"says":"hi"}]}`:   `phone: is text`,
		`{"name":"a","steps":[{"sends":{"type":"sticker","sticker_id":"369"}}]}`:           `sticker_id: is a number`,
		"name: a\nuser: {<<: {phone: 15555550101}, name: Bob}\nsteps:\n  - says: hi\n":     `phone: is text`,
		"name: a\nuser: {name: Ann, timezone: !!str 5}\nsteps:\n  - says: hi\n":            `timezone: is a number; write it without quotes or a !!str tag`,
		"name: a\nsteps:\n  - says: hi\n  - expect: {text: hi}\n  - taps_quick_reply: 1\n": `taps_quick_reply: is text`,
		"name: a\nsteps:\n  - says: hi\n  - expect: {text: hi}\n  - reacts: true\n":        `reacts: is text`,
		"name: a\nsteps:\n  - says: hi\n  - fault: {error: unavailable, times: 2.5}\n":     `times: a whole number, got 2.5`,
	} {
		_, err := Parse("forms.yaml", []byte(src))
		if assert.Error(t, err, src) {
			assert.Contains(t, err.Error(), want, src)
		}
	}
	// Quoted nan, inf or 1_000 are refused too (the decoder would convert
	// them), without a suggestion to write them unquoted.
	for _, v := range []string{"inf", "nan", "1_000"} {
		_, err := Parse("forms.yaml", []byte("name: a\nuser: {name: Ann, timezone: \""+v+"\"}\nsteps:\n  - says: hi\n"))
		if assert.Error(t, err, v) {
			assert.Contains(t, err.Error(), "timezone: is a number, written without quotes", v)
		}
	}
	// A tap or a reaction tagged !!str is the text it says.
	all, err := Parse("forms.yaml", []byte("name: a\nsteps:\n  - says: hi\n  - expect: {text: hi}\n  - taps_quick_reply: !!str 42\n  - reacts: !!str love\n"))
	require.NoError(t, err)
	assert.Equal(t, "42", all[0].Steps[2].TapsQuickReply.Title)
	assert.Equal(t, "love", all[0].Steps[3].Reacts.Reaction)
}

// A sends: step names its attachment once: by url or by file.
func TestLoadSendsTakesAURLOrAFile(t *testing.T) {
	t.Parallel()
	for src, want := range map[string]string{
		"name: a\nsteps:\n  - sends: {type: image}\n":                                              "sends: give the attachment's url or file",
		"name: a\nsteps:\n  - sends: {type: image, url: https://example.com/a.png, file: a.png}\n": "sends: give the attachment's url or its file, not both",
	} {
		_, err := Parse("sends.yaml", []byte(src))
		if assert.Error(t, err, src) {
			assert.Contains(t, err.Error(), want, src)
		}
	}
}

// A sends: file that is a directory is refused at load, not at run time.
func TestLoadSendsFileMustBeAFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	require.NoError(t, os.Mkdir(filepath.Join(dir, "pics"), 0o755))
	_, err := Parse(filepath.Join(dir, "s.yaml"), []byte("name: a\nsteps:\n  - sends: {type: image, file: pics}\n"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "sends: file: pics is not a file")
}

// A button is written as quick replies are, by its title, or as a
// mapping when the step checks more of it.
func TestLoadTakesAButtonByItsTitle(t *testing.T) {
	t.Parallel()
	all, err := Parse("buttons.yaml", []byte("name: a\nsteps:\n  - says: hi\n  - expect: {buttons: [Buy mug, {title: Buy hat, payload: HAT}]}\n"+
		"  - expect: {elements: [{title: Mug, buttons: [Buy]}]}\n"))
	require.NoError(t, err)
	bs := all[0].Steps[1].Expect.Buttons
	require.Len(t, bs, 2)
	assert.Equal(t, "Buy mug", *bs[0].Title)
	assert.Nil(t, bs[0].Payload, "a title alone checks the title alone")
	assert.Equal(t, "HAT", *bs[1].Payload)
	assert.Equal(t, "Buy", *all[0].Steps[2].Expect.Elements[0].Buttons[0].Title)

	for src, want := range map[string]string{
		"name: a\nsteps:\n  - says: hi\n  - expect: {buttons: [42]}\n":         `buttons.yaml:4:24: buttons: is text; quote a number or true/false (buttons: "42")`,
		"name: a\nsteps:\n  - says: hi\n  - expect: {buttons: [\"\"]}\n":       "buttons.yaml:4:24: buttons: a button's title cannot be empty",
		"name: a\nsteps:\n  - says: hi\n  - expect: {buttons: [{}]}\n":         "buttons.yaml:4:24: buttons: give at least one of title, type, payload, url",
		"name: a\nsteps:\n  - says: hi\n  - expect: {elements: [Mug]}\n":       `buttons.yaml:4:25: elements: want a mapping with title, subtitle, buttons; got the text "Mug"`,
		"name: a\nsteps:\n  - says: hi\n  - expect: {buttons: [{titel: B}]}\n": `buttons.yaml:4:25: buttons: unknown key "titel" (did you mean title?)`,
	} {
		_, err := Parse("buttons.yaml", []byte(src))
		if assert.Error(t, err, src) {
			assert.Equal(t, want, err.Error(), src)
		}
	}
}

// An unknown key is answered with the nearest known one, wherever it is:
// a step, a scenario, a user, an expectation.
func TestLoadSuggestsTheNearestKnownKey(t *testing.T) {
	t.Parallel()
	for src, want := range map[string]string{
		"name: a\nsteps:\n  - say: hi\n":                             `keys.yaml:3:5: unknown step key "say" (did you mean says?)`,
		"name: a\nsteps:\n  - says: hi\n  - expects: {text: hi}\n":   `keys.yaml:4:5: unknown step key "expects" (did you mean expect?)`,
		"name: a\nsteps:\n  - says: hi\n  - tap_button: Buy\n":       `keys.yaml:4:5: unknown step key "tap_button" (did you mean taps_button?)`,
		"name: a\nstep:\n  - says: hi\n":                             `keys.yaml:2:1: unknown scenario key "step" (did you mean steps?)`,
		"name: a\nuser: {nmae: Ann}\nsteps:\n  - says: hi\n":         `keys.yaml:2:8: user: unknown key "nmae" (did you mean name?)`,
		"name: a\nsteps:\n  - says: hi\n  - expect: {qr_count: 2}\n": `keys.yaml:4:14: expect: unknown key "qr_count"; the keys are text, text_contains, text_matches, quick_replies, quick_reply_payloads, quick_reply_count, template, elements, buttons, attachment, sender_action, persona, messaging_type, tag, within`,
		"name: a\nsteps:\n  - says: hi\n  - jumps: {text: hi}\n":     `keys.yaml:4:5: unknown step key "jumps"; the keys are says, sends, taps_quick_reply, taps_button, taps_get_started, taps_menu, taps_ice_breaker, reacts, reads, opts_in, edits, arrives_from, waits, advances_clock, fault, handover, policy_enforcement, expect, expect_any_order, no_message, expect_user`,
	} {
		_, err := Parse("keys.yaml", []byte(src))
		if assert.Error(t, err, src) {
			assert.Equal(t, want, err.Error(), src)
		}
	}
}

// The values the emulator checks when a step runs are checked when the
// file loads: what it takes loads, what it refuses does not.
func TestLoadTakesTheReactionsAndFaultArgumentsTheEmulatorTakes(t *testing.T) {
	t.Parallel()
	for step, ok := range map[string]bool{
		"reacts: love":             true,
		"reacts: 😮":                true,
		"reacts: ❤":                true,
		"reacts: heart":            false,
		"reacts: other":            false,
		"reacts: ok👍":              false,
		"reacts: {reaction: like}": true,
		"reacts: {reaction: hug}":  false,
		`fault: {error: unknown-path, args: ["/x"]}`:    true,
		`fault: {error: unknown-path}`:                  false,
		`fault: {error: unsupported, args: [GET, "1"]}`: true,
		`fault: {error: rate-api, args: ["1"]}`:         false,
	} {
		_, err := Parse("v.yaml", []byte("name: a\nsteps:\n  - says: hi\n  - expect: {text: hi}\n  - "+step+"\n"))
		assert.Equal(t, ok, err == nil, "%s: %v", step, err)
	}
}
