package rulegen

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
)

func TestGenerateFollowsEveryUse(t *testing.T) {
	t.Parallel()
	src, err := Generate(filepath.Join("testdata", "sample"))
	require.NoError(t, err)
	var got []string
	for _, line := range strings.Split(string(src), "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "{Rule:") {
			got = append(got, strings.TrimSpace(line))
		}
	}
	want := []string{
		`{Rule: ruleDirect, Severities: []validator.Severity{validator.SeverityError}, Answers: []validator.Key{validator.KeyInvalid}, Checks: "x is … and wrong"},`,
		`{Rule: ruleHelper, Severities: []validator.Severity{validator.SeverityError}, LimitAnswers: []validator.Key{validator.KeyLength}},`,
		`{Rule: ruleAlias, Severities: []validator.Severity{validator.SeverityError}, Answers: []validator.Key{validator.KeyEnum}},`,
		`{Rule: ruleField, Severities: []validator.Severity{validator.SeverityError}, Answers: []validator.Key{validator.KeyLength}},`,
		`{Rule: ruleWarn, Severities: []validator.Severity{validator.SeverityWarning}, Checks: "only a warning"},`,
		`{Rule: ruleBoth, Severities: []validator.Severity{validator.SeverityError, validator.SeverityWarning}, Answers: []validator.Key{validator.KeyEnum}, Checks: "lenient; strict"},`, // every check, in source order
		`{Rule: ruleLimit},`,
		`{Rule: ruleTable, Severities: []validator.Severity{validator.SeverityError}, Answers: []validator.Key{validator.KeyInvalid}},`,
		`{Rule: ruleLiteral, Severities: []validator.Severity{validator.SeverityWarning}},`,
		`{Rule: ruleDecoded, Severities: []validator.Severity{validator.SeverityError}, Answers: []validator.Key{validator.KeyInvalid, validator.KeyLength}},`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rule table (-want +got):\n%s", diff)
	}
}

// TestTablesAreCurrent fails when a rule was added, removed or changed
// without regenerating the tables that messemu rules and docs/rules.md
// read.
func TestTablesAreCurrent(t *testing.T) {
	t.Parallel()
	for _, dir := range []string{"validator", "fakegraph", filepath.Join("fakegraph", "webhook")} {
		path := filepath.Join("..", "..", "..", "..", dir)
		want, err := Generate(path)
		require.NoError(t, err)
		got, err := os.ReadFile(filepath.Join(path, TableFile))
		require.NoError(t, err)
		if diff := cmp.Diff(string(want), string(got)); diff != "" {
			t.Errorf("%s/%s is stale; run: go generate ./cmd/messemu\n(-want +got):\n%s", dir, TableFile, diff)
		}
	}
}
