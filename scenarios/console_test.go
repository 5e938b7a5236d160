package scenarios

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestConsoleRewritesOneProgressLineOnATerminal(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	c := &Console{W: &out, Terminal: true, Total: 2}
	c.Result(Result{Scenario: &Scenario{Name: "a"}})
	c.Result(Result{Scenario: &Scenario{Name: "b"}, Failure: "x.yaml:3:5: expect: wrong"})
	c.Summary(&Report{Results: []Result{{Scenario: &Scenario{Name: "a"}}, {Scenario: &Scenario{Name: "b"}, Failure: "f"}}})
	want := "\r\033[K[1/2] 0 failed" +
		"\r\033[KFAIL b\n    x.yaml:3:5: expect: wrong\n[2/2] 1 failed" +
		"\r\033[KFAIL: 2 scenarios, 1 passed, 1 failed\n"
	assert.Equal(t, want, out.String(), "passes only move the progress line; failures print in full")
}
