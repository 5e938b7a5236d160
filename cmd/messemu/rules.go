package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/messemu/messemu/fakegraph"
	"github.com/messemu/messemu/validator"
)

// docs/rules.md is this command's --markdown output; the rule tables it
// reads are generated from the source. Regenerate both with:
//
//go:generate go run ./internal/rulegen/gen ../../validator ../../fakegraph ../../fakegraph/webhook
//go:generate sh -c "go run . rules --markdown > ../../docs/rules.md"

// regenerate is the command that brings docs/rules.md up to date.
const regenerate = "go generate ./cmd/messemu"

// rulesDoc is where the rules are written down for readers of a clone.
const rulesDoc = "docs/rules.md"

// runRules prints every rule messemu checks: as text, or as the Markdown
// of docs/rules.md.
func runRules(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("rules", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, "usage: messemu rules [--markdown]\n\n"+
			"Lists every rule messemu checks: its severity, limit, the errors it answers and\n"+
			"its source. --markdown prints "+rulesDoc+".\n\n")
		fs.PrintDefaults()
	}
	markdown := fs.Bool("markdown", false, "print "+rulesDoc+" (Markdown)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return errors.New("rules takes no arguments")
	}
	rules := allRules()
	if *markdown {
		return writeRulesMarkdown(stdout, rules)
	}
	return writeRulesText(stdout, rules)
}

// allRules merges the validator's and the server's rules by name.
func allRules() []validator.RuleDoc {
	var out []validator.RuleDoc
	byName := map[string]int{}
	for _, r := range append(validator.Rules(), fakegraph.Rules()...) {
		i, seen := byName[r.Name]
		if !seen {
			byName[r.Name] = len(out)
			out = append(out, r)
			continue
		}
		m := &out[i]
		for _, s := range r.Severities {
			if !slices.Contains(m.Severities, s) {
				m.Severities = append(m.Severities, s)
			}
		}
		for _, k := range r.Answers {
			if !slices.Contains(m.Answers, k) {
				m.Answers = append(m.Answers, k)
			}
		}
		for _, k := range r.LimitAnswers {
			if !slices.Contains(m.LimitAnswers, k) {
				m.LimitAnswers = append(m.LimitAnswers, k)
			}
		}
		if m.Checks == "" {
			m.Checks = r.Checks
		}
	}
	for i := range out {
		out[i].Answers = possibleAnswers(out[i])
	}
	return validator.SortRules(out)
}

// possibleAnswers are the errors a rule can answer: its own, and the size
// errors of shared checks when it has a limit to compare with.
func possibleAnswers(r validator.RuleDoc) []validator.Key {
	out := slices.Clone(r.Answers)
	if r.Limit != 0 {
		for _, k := range r.LimitAnswers {
			if !slices.Contains(out, k) {
				out = append(out, k)
			}
		}
	}
	slices.Sort(out)
	return out
}

func severityText(r validator.RuleDoc) string {
	if len(r.Severities) == 0 {
		return "limit"
	}
	var s []string
	for _, v := range r.Severities {
		s = append(s, string(v))
	}
	return strings.Join(s, ", ")
}

func answersText(r validator.RuleDoc, code bool) string {
	var s []string
	for _, k := range r.Answers {
		if code {
			s = append(s, "`"+string(k)+"`")
		} else {
			s = append(s, string(k))
		}
	}
	return strings.Join(s, ", ")
}

// checksText is what the rule checks: the check's own words, else what
// its limit and its answers say.
func checksText(r validator.RuleDoc) string {
	if len(r.Severities) == 0 {
		return "a limit read by its sibling rules; never reported on its own"
	}
	if r.Checks != "" {
		return r.Checks
	}
	var s []string
	for _, k := range r.Answers {
		if d := keyMeaning(k, r.Limit); d != "" && !slices.Contains(s, d) {
			s = append(s, d)
		}
	}
	if len(s) == 0 {
		return "see the error answered"
	}
	return strings.Join(s, "; ")
}

// keyMeaning says what a generic catalogue error refuses.
func keyMeaning(k validator.Key, limit int) string {
	n := strconv.Itoa(limit)
	switch k {
	case validator.KeyLength:
		return "at most " + n + " code points"
	case validator.KeyTooMany:
		return "elements: at most " + n
	case validator.KeyTooFew:
		return "elements: at least " + n
	case validator.KeyString:
		return "text"
	case validator.KeyRequired:
		return "present"
	case validator.KeyEnum:
		return "one of the documented values"
	case validator.KeyKeys:
		return "only documented keys"
	case validator.KeyURL:
		return "a valid URL"
	case validator.KeyInvalid:
		return "well formed"
	}
	return ""
}

func writeRulesText(w io.Writer, rules []validator.RuleDoc) error {
	var b strings.Builder
	b.WriteString("Every rule messemu checks: its name, severity (an error is refused as the platform refuses it,\n" +
		"a warning accepted and journalled), limit, the errors it answers and its source; under it, what it checks.\n\n")
	for _, r := range rules {
		fmt.Fprintf(&b, "%s  %s", r.Name, severityText(r))
		if r.Limit != 0 {
			fmt.Fprintf(&b, "  limit %d", r.Limit)
		}
		if a := answersText(r, false); a != "" {
			fmt.Fprintf(&b, "  answers %s", a)
		}
		fmt.Fprintf(&b, "  [%s]\n    %s\n", r.Source, checksText(r))
	}
	fmt.Fprintf(&b, "\n%d rules. The errors' texts and where each source comes from: %s (messemu rules --markdown).\n", len(rules), rulesDoc)
	_, err := io.WriteString(w, b.String())
	return err
}

// cell escapes text for a Markdown table cell.
func cell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ", "<", "&lt;", ">", "&gt;").Replace(s)
}

var placeholder = regexp.MustCompile(`%v`)

func writeRulesMarkdown(w io.Writer, rules []validator.RuleDoc) error {
	var b strings.Builder
	fmt.Fprintf(&b, `# The rules messemu checks

<!-- Generated by `+"`%s`"+` from the rules in validator/ and fakegraph/; do not edit. -->

Every request messemu refuses or warns about names one of these rules: in the
journal, in testkit's failures and in `+"`messemu validate`"+`. An **error** is
refused exactly as the platform refuses it (HTTP 400 with the error below); a
**warning** is accepted, as the platform accepts it, and recorded. A **limit** is
a number other rules read. The same list is printed by `+"`messemu rules`"+`.

%d rules; the errors they answer are listed [below](#errors-answered), and
each source is explained under [Sources](#sources).

| rule | checks | limit | severity | answers | source |
| --- | --- | --- | --- | --- | --- |
`, regenerate, len(rules))
	used := map[validator.Key]bool{}
	cited := map[string]bool{}
	for _, r := range rules {
		src, err := sourceMarkdown(r.Source)
		if err != nil {
			return fmt.Errorf("rule %s: %w", r.Name, err)
		}
		for _, m := range decisionRef.FindAllStringSubmatch(r.Source, -1) {
			cited[m[1]] = true
		}
		for _, k := range r.Answers {
			used[k] = true
		}
		limit := ""
		if r.Limit != 0 {
			limit = strconv.Itoa(r.Limit)
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s | %s |\n", r.Name, cell(checksText(r)), limit, severityText(r), answersText(r, true), src)
	}

	b.WriteString("\n## Errors answered\n\nEvery error is HTTP 400. `…` stands for what the request fills in (a parameter path, a limit, a value).\n\n| key | code | subcode | type | message |\n| --- | --- | --- | --- | --- |\n")
	keys := make([]validator.Key, 0, len(used))
	for k := range used {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		e := validator.Err(k)
		sub := ""
		if e.Subcode != 0 {
			sub = strconv.Itoa(e.Subcode)
		}
		fmt.Fprintf(&b, "| `%s` | %d | %s | %s | %s |\n", k, e.Code, sub, e.Type, cell(placeholder.ReplaceAllString(e.Message, "…")))
	}

	b.WriteString("\n## Sources\n\nA rule's source names the public document its fact comes from, or one of messemu's own decisions.\n\n")
	for _, r := range references {
		name := strings.TrimSpace(r.prefix)
		switch {
		case r.base == "":
			fmt.Fprintf(&b, "- `%s`: %s.\n", name, r.what)
		case strings.HasSuffix(r.prefix, "/") || strings.HasSuffix(r.prefix, " "):
			fmt.Fprintf(&b, "- `%s<page>`: %s <%s>.\n", r.prefix, r.what, r.base)
		default:
			fmt.Fprintf(&b, "- `%s`: [%s](%s).\n", name, r.what, r.base)
		}
	}
	b.WriteString("- `MP/error-codes N`: the Messenger Platform's list of error codes, where subcode N is documented.\n")
	b.WriteString("- A note in parentheses narrows the source (a section of the page, a size) or names the decision below that applies.\n")
	b.WriteString("\n### Decisions and notes\n\nWhere the documentation is silent, contradicted by what real clients meet, or cannot be reproduced offline, messemu made a decision (D…) and follows it; the notes (§…) explain its conventions:\n\n")
	// Every decision, cited by a rule or not: openapi.yaml and the README
	// name some of them too.
	for n := range decisions {
		cited["D"+strconv.Itoa(n)] = true
	}
	var ids []string
	for id := range cited {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(a, b string) int { return cmpRef(a, b) })
	for _, id := range ids {
		var text string
		if strings.HasPrefix(id, "§") {
			text = sections[id]
		} else {
			n, _ := strconv.Atoi(id[1:])
			text = decisions[n]
		}
		fmt.Fprintf(&b, "- <a id=\"%s\"></a>**%s.** %s\n", anchor(id), id, text)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// cmpRef orders D1 < D2 < D10 < §1.3 < §10.
func cmpRef(a, b string) int {
	num := func(s string) (int, float64) {
		if strings.HasPrefix(s, "D") {
			n, _ := strconv.Atoi(s[1:])
			return 0, float64(n)
		}
		f, _ := strconv.ParseFloat(strings.TrimPrefix(s, "§"), 64)
		return 1, f
	}
	ka, na := num(a)
	kb, nb := num(b)
	if ka != kb {
		return ka - kb
	}
	switch {
	case na < nb:
		return -1
	case na > nb:
		return 1
	}
	return 0
}
