package scenarios

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPrintableEscapesWhatATerminalOrXMLWouldTakeAsCode(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"plain text, é 👋\nsecond\tline": "plain text, é 👋\nsecond\tline",
		"bell \x07 esc \x1b[31m end":    `bell \x07 esc \x1b[31m end`,
		"nul \x00 del \x7f c1 \u0085":   `nul \x00 del \x7f c1 \x85`,
		"bad \xff byte, real \ufffd":    "bad \\xff byte, real \ufffd",
		"not a char \ufffe":             `not a char \ufffe`,
		"cr \r":                         `cr \x0d`,
	} {
		assert.Equal(t, want, printable(in), "%q", in)
	}
}

// A bot's text with control characters is in the JUnit report as escapes:
// the report stays XML a CI parses; the console prints no raw escape.
func TestReportsCarryNoControlCharacters(t *testing.T) {
	t.Parallel()
	failure := "expect: want \"nope\", got \"bell \x07 esc \x1b end\""
	rep := &Report{Results: []Result{{Scenario: &Scenario{Name: "ctrl", File: "c.yaml"}, Failure: failure, Duration: time.Millisecond}},
		Stray: []string{"refused \x1b[2J"}}
	var x bytes.Buffer
	require.NoError(t, WriteJUnit(&x, rep))
	report := x.String()
	d := xml.NewDecoder(&x)
	for {
		_, err := d.Token()
		if err != nil {
			require.ErrorContains(t, err, "EOF", "the report is not well-formed XML")
			break
		}
	}
	assert.Contains(t, report, `bell \x07 esc \x1b end`)

	var out bytes.Buffer
	c := &Console{W: &out, Total: 1}
	c.Result(rep.Results[0])
	c.Summary(rep)
	assert.False(t, strings.ContainsAny(out.String(), "\x07\x1b"), "%q", out.String())
	assert.Contains(t, out.String(), "FAIL: 1 scenario, 0 passed, 1 failed, and the bot's requests outside any scenario refused")
}
