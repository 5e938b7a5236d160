package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestValidateCommand(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, body string
		status     int
		want       []string // lines the output must contain
	}{
		{"accepted", `{"recipient":{"id":"5275811702471834"},"messaging_type":"RESPONSE","message":{"text":"hi"}}`, 0,
			[]string{"accepted (0 warnings)"}},
		{"warning only", `{"recipient":{"id":"5275811702471834"},"message":{"text":"hi"}}`, 0,
			[]string{"warning messaging_type: messaging_type.missing", "accepted (1 warning)"}},
		{"too long", `{"recipient":{"id":"5275811702471834"},"messaging_type":"RESPONSE","message":{"text":"` + strings.Repeat("é", 2001) + `"}}`, 1,
			[]string{"error   message.text: message.text.length (limit 2000) [SendRef]",
				`platform answers 400 {"error":{"message":"(#100) Length of param message[text] must be less than or equal to 2000","type":"OAuthException","code":100}}`,
				"refused: 1 error, 0 warnings;"}},
		{"both message and action", `{"recipient":{"id":"1"},"sender_action":"typing_on","message":{"text":"x"}}`, 1,
			[]string{`"code":100,"error_subcode":2018014`}},
		{"every violation, the answered one marked", `{"recipient":{"id":"5275811702471834"},"messaging_type":"NOW","message":{"text":"hi","quick_replies":[{"content_type":"text","payload":"x"},{"content_type":"text","title":"t","payload":""}]}}`, 1,
			[]string{"* error   messaging_type: messaging_type.enum [SendRef]\n",
				`          platform answers 400 {"error":{"message":"(#100) Param messaging_type must be one of`,
				"  error   message.quick_replies[0].title: quick_reply.title [MP/error-codes 2018098]\n",
				`          also refused, answered only when first: 400 {"error":{"message":"(#100) Title is required`,
				"  error   message.quick_replies[1].payload: quick_reply.payload [MP/error-codes 2018099]\n",
				"refused: 3 errors, 0 warnings; * marks the one the platform answers",
				"rules, limits and sources: docs/rules.md (or messemu rules)"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var out, errOut bytes.Buffer
			status := run([]string{"validate", "-"}, strings.NewReader(tc.body), &out, &errOut)
			if status != tc.status {
				t.Errorf("exit status %d, want %d\n%s%s", status, tc.status, out.String(), errOut.String())
			}
			for _, w := range tc.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, out.String())
				}
			}
		})
	}
}

func TestValidateJSONAndErrors(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	body := `{"recipient":{"id":"5275811702471834"},"message":{"text":""}}`
	if status := run([]string{"validate", "--json", "-"}, strings.NewReader(body), &out, &errOut); status != 1 {
		t.Fatalf("exit status %d, want 1: %s", status, errOut.String())
	}
	var verdict struct {
		Accepted   bool
		Violations []struct {
			Severity string
			Answered bool
			Error    struct{ Code, ErrorSubcode int } `json:"error"`
		}
	}
	if err := json.Unmarshal(out.Bytes(), &verdict); err != nil {
		t.Fatalf("--json output is not JSON: %v\n%s", err, out.String())
	}
	if verdict.Accepted || len(verdict.Violations) == 0 {
		t.Errorf("empty text accepted: %s", out.String())
	}
	answered := 0
	for _, v := range verdict.Violations {
		if v.Answered {
			answered++
			if v.Severity != "error" || v.Error.Code != 100 {
				t.Errorf("the answered violation is not the error: %+v", v)
			}
		}
	}
	if answered != 1 {
		t.Errorf("%d violations marked answered, want 1:\n%s", answered, out.String())
	}
	for _, args := range [][]string{{"validate"}, {"validate", "/no/such/file.json"}, {"nonsense"}} {
		out.Reset()
		errOut.Reset()
		if status := run(args, strings.NewReader(""), &out, &errOut); status != 2 || errOut.Len() == 0 {
			t.Errorf("%v: exit status %d and stderr %q, want 2 and a message", args, status, errOut.String())
		}
	}
	out.Reset()
	if status := run([]string{"validate", "-"}, strings.NewReader("not json"), &out, &errOut); status != 2 {
		t.Errorf("non-JSON input: exit status %d, want 2", status)
	}
	// What serve refuses as a body (#100) is not judged as the object
	// before it: a stray bracket, a second object.
	valid := `{"recipient":{"id":"5275811702471834"},"messaging_type":"RESPONSE","message":{"text":"hi"}}`
	for _, in := range []string{valid + "}", valid + "]", valid + " {}", valid + "x"} {
		out.Reset()
		errOut.Reset()
		if status := run([]string{"validate", "-"}, strings.NewReader(in), &out, &errOut); status != 2 || !strings.Contains(errOut.String(), "not one JSON object") {
			t.Errorf("%q: exit status %d and stderr %q, want 2 and trailing data named", in, status, errOut.String())
		}
	}
	out.Reset()
	if status := run([]string{"validate", "-"}, strings.NewReader(valid+" \n"), &out, &errOut); status != 0 {
		t.Errorf("a valid body and a line break: exit status %d, want 0: %s", status, out.String())
	}
	out.Reset()
	if status := run([]string{"version"}, nil, &out, &errOut); status != 0 || !strings.HasPrefix(out.String(), "messemu ") {
		t.Errorf("version: %d %q", status, out.String())
	}
}

// validate --at judges as of a date: the three 2026 tags pass before their
// cutoff (2026-04-27) and are refused after it, as serve's clock decides.
func TestValidateAtADate(t *testing.T) {
	t.Parallel()
	body := `{"recipient":{"id":"5275811702471834"},"messaging_type":"MESSAGE_TAG","tag":"ACCOUNT_UPDATE","message":{"text":"x"}}`
	for _, tc := range []struct {
		at     string
		status int
		want   string
	}{
		{"2026-04-26", 0, "accepted (0 warnings)"},
		{"2026-04-27T00:00:00Z", 1, `got \"ACCOUNT_UPDATE\"`},
		{"soon", 2, `--at "soon" is not a date`},
	} {
		var out, errOut bytes.Buffer
		status := run([]string{"validate", "--at", tc.at, "-"}, strings.NewReader(body), &out, &errOut)
		if status != tc.status || !strings.Contains(out.String()+errOut.String(), tc.want) {
			t.Errorf("--at %s: status %d, want %d with %q:\n%s%s", tc.at, status, tc.status, tc.want, out.String(), errOut.String())
		}
	}
}

// validate reads a body as serve does: text that is not UTF-8 is refused
// where serve refuses it, null is no object, and a body over serve's limit
// is not judged.
func TestValidateReadsAsServeDoes(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name, body string
		status     int
		says       string
	}{
		{"invalid UTF-8 text", "{\"recipient\":{\"id\":\"5275811702471834\"},\"messaging_type\":\"RESPONSE\",\"message\":{\"text\":\"\xff\xfe\"}}", 1, "must be a non-empty UTF-8 encoded string"},
		{"null", "null", 2, "is not a JSON object: null"},
		{"over the limit", `{"recipient":{"id":"1"},"message":{"text":"` + strings.Repeat("a", 26<<20) + `"}}`, 2, "over the 26 MiB"},
	} {
		var out, errOut bytes.Buffer
		status := run([]string{"validate", "-"}, strings.NewReader(c.body), &out, &errOut)
		assert.Equal(t, c.status, status, "%s: %s%s", c.name, out.String(), errOut.String())
		assert.Contains(t, out.String()+errOut.String(), c.says, c.name)
	}
}
