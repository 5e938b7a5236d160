package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRulesDocIsCurrent fails when docs/rules.md no longer says what the
// rules say.
func TestRulesDocIsCurrent(t *testing.T) {
	t.Parallel()
	var want bytes.Buffer
	require.NoError(t, writeRulesMarkdown(&want, allRules()), "every rule's source must be one a reader can follow")
	got, err := os.ReadFile(filepath.Join("..", "..", rulesDoc))
	require.NoError(t, err)
	if diff := cmp.Diff(want.String(), string(got)); diff != "" {
		t.Errorf("%s is stale; run: %s\n(-want +got):\n%s", rulesDoc, regenerate, diff)
	}
}

func TestRulesCommand(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	require.Equal(t, 0, run([]string{"rules"}, nil, &out, &errOut), errOut.String())
	assert.Contains(t, out.String(), "message.text.length  error  limit 2000  answers length, string  [SendRef]\n")
	assert.Contains(t, out.String(), "quick_reply.title.length  warning  limit 20  [MP/send-messages/quick-replies (decision D6)]\n")
	assert.Contains(t, out.String(), "batch.size  error  limit 50  answers batch-size")
	assert.NotContains(t, out.String(), "PLATFORM.md", "a rule's source in messemu rules")
	out.Reset()
	require.Equal(t, 0, run([]string{"rules", "--markdown"}, nil, &out, &errOut), errOut.String())
	md := out.String()
	assert.Contains(t, md, "| `message.text.length` | at most 2000 code points; text | 2000 | error | `length`, `string` | [SendRef](https://developers.facebook.com/docs/messenger-platform/reference/send-api) |")
	assert.Contains(t, md, `<a id="d6"></a>**D6.**`)
	// The project stands alone: docs/rules.md lives one folder down, so a
	// link that climbs two folders leaves the repository.
	assert.NotRegexp(t, `\]\(\.\./\.\./`, md, "docs/rules.md links outside the repository")
	// Nor does a rule's source name the team's own notes, which users
	// do not have: a decision is named as docs/rules.md names it.
	assert.NotContains(t, md, "PLATFORM.md", "a rule's source in docs/rules.md")
	require.Equal(t, 2, run([]string{"rules", "extra"}, nil, &out, &errOut))
}

func TestRuleSourcesAreExplained(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"SendRef":                       "[SendRef](https://developers.facebook.com/docs/messenger-platform/reference/send-api)",
		"MP/error-codes 2018001":        "[error codes](https://developers.facebook.com/documentation/business-messaging/messenger-platform/error-codes), subcode 2018001",
		"MP/send-messages (tags)":       "[MP/send-messages](https://developers.facebook.com/documentation/business-messaging/messenger-platform/send-messages) (tags)",
		"SendRef (decision D19)":        "[SendRef](https://developers.facebook.com/docs/messenger-platform/reference/send-api) ([decision D19](#d19))",
		"decision D1":                   "[decision D1](#d1)",
		"note §1.3":                     "[note §1.3](#s1-3)",
		"Graph/guides/versioning":       "[Graph/guides/versioning](https://developers.facebook.com/docs/graph-api/guides/versioning)",
		"messemu fault rule":            "a fault rule you set yourself (POST /_messemu/v1/faults): not a platform rule",
		"graph reference page/take_thr": "[graph reference page/take_thr](https://developers.facebook.com/docs/graph-api/reference/page/take_thr)",
	}
	for src, want := range cases {
		got, err := sourceMarkdown(src)
		require.NoError(t, err, src)
		assert.Equal(t, want, got, src)
	}
	for _, src := range []string{"decision D99", "note §42", "Somewhere/else", "SendRef (decision D99)"} {
		_, err := sourceMarkdown(src)
		if assert.Error(t, err, "%s: a source no note explains must stop generation", src) {
			assert.True(t, strings.Contains(err.Error(), "rules_sources.go"), "the error says where to add the note: %v", err)
		}
	}
}
