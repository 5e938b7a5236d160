package main

import (
	"bytes"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testdata/tagged-journal.jsonl is a journal exported on 2026-04-01: a
// user writes, the bot answers, then sends with the ACCOUNT_UPDATE tag,
// allowed until 2026-04-27 (PLATFORM.md D10).

func TestCheckJudgesAnExportedJournalAtADate(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	code := run([]string{"check", "testdata/tagged-journal.jsonl", "--at", "2026-04-20"}, nil, &out, &errOut)
	assert.Equal(t, 0, code, out.String()+errOut.String())
	assert.Contains(t, out.String(), "PASS: 2 Send API requests judged at 2026-04-20T00:00:00Z, 0 would fail")

	out.Reset()
	code = run([]string{"check", "--at", "2026-04-28", "testdata/tagged-journal.jsonl"}, nil, &out, &errOut)
	assert.Equal(t, 1, code, out.String()+errOut.String())
	assert.Contains(t, out.String(), `"tag":"ACCOUNT_UPDATE"`)
	assert.Contains(t, out.String(), "FAIL: 2 Send API requests judged at 2026-04-28T00:00:00Z, 1 would fail")

	assert.Equal(t, 2, run([]string{"check", "testdata/tagged-journal.jsonl", "--at", "April"}, nil, &out, &errOut))
	assert.Equal(t, 2, run([]string{"check"}, nil, &out, &errOut))
	assert.Equal(t, 2, run([]string{"check", "testdata/no-such.jsonl"}, nil, &out, &errOut))
}

// "-" reads the journal lines from standard input, as validate does.
func TestCheckReadsStandardInput(t *testing.T) {
	t.Parallel()
	f, err := os.Open("testdata/tagged-journal.jsonl")
	require.NoError(t, err)
	defer f.Close()
	var out, errOut bytes.Buffer
	code := run([]string{"check", "--at", "2026-04-28", "-"}, f, &out, &errOut)
	assert.Equal(t, 1, code, out.String()+errOut.String())
	assert.Contains(t, out.String(), "FAIL: 2 Send API requests judged at 2026-04-28T00:00:00Z, 1 would fail")
}

// TestHelpNamesTheFileArgument: -h of validate and check says what file
// they read, not only their flags.
func TestHelpNamesTheFileArgument(t *testing.T) {
	t.Parallel()
	for cmd, want := range map[string]string{"validate": "usage: messemu validate [--json] [--at DATE] FILE|-", "check": "usage: messemu check [--at DATE] [--strict] JOURNAL.jsonl|-"} {
		var out, errOut bytes.Buffer
		run([]string{cmd, "-h"}, nil, &out, &errOut)
		assert.Contains(t, out.String()+errOut.String(), want, cmd)
	}
}
