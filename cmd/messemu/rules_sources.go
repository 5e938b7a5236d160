package main

import (
	"fmt"
	"regexp"
	"strings"
)

// Where a rule's fact comes from, for readers who cannot open the notes the
// code cites. A rule's Source is a short reference ("SendRef",
// "MP/error-codes 2018001", "SendRef (decision D19)"); docs/rules.md
// turns the public ones into links and each of messemu's decisions into a
// note written here, in the project's own words.

// reference is one public document a Source abbreviation stands for.
type reference struct {
	prefix string // "SendRef", "MP/", "Graph/"
	what   string
	base   string // the URL, or the base a path is appended to
}

var references = []reference{
	{"SendRef", "the Send API reference", "https://developers.facebook.com/docs/messenger-platform/reference/send-api"},
	{"MP/", "a page of the Messenger Platform documentation, under", "https://developers.facebook.com/documentation/business-messaging/messenger-platform/"},
	{"Graph/", "a page of the Graph API documentation, under", "https://developers.facebook.com/docs/graph-api/"},
	{"handover-protocol", "the handover protocol reference", "https://developers.facebook.com/docs/messenger-platform/reference/handover-protocol"},
	{"graph reference ", "a page of the Graph API reference, under", "https://developers.facebook.com/docs/graph-api/reference/"},
	{"openapi.yaml", "messemu's description of the emulated API (request and response shapes)", "../openapi.yaml"},
	{"messemu fault rule", "a fault rule you set yourself (POST /_messemu/v1/faults): not a platform rule", ""},
	{"messemu", "messemu's own behaviour, not a platform rule", ""},
}

// sections explains the parts of messemu's platform notes that rules cite
// by section number.
var sections = map[string]string{
	"§1.3": "Bad input of any kind gets a Graph error, never a server error: unparsable JSON is refused, " +
		"a value that should be text and is not gets the \"must be a non-empty UTF-8 encoded string\" error " +
		"(numbers are accepted as their text), and handover metadata follows the same rule.",
	"§10": "Webhook fields: a bot may subscribe to fields the platform documents but messemu never sends " +
		"(game plays, template status updates, response feedback, carts, group feeds, seen); they are " +
		"stored and answered back, with a warning that nothing will arrive.",
}

// decisions are the choices messemu made where the platform's documentation
// is silent, contradicted by what real clients see, or not reproducible
// offline. Each is numbered as the code cites it ("D19").
var decisions = map[int]string{
	1:  "A send without `messaging_type` is accepted with a warning: the reference calls it required, yet the platform serves clients that leave it out. It is taken as `MESSAGE_TAG` when a tag is set, else `RESPONSE`.",
	2:  "Custom labels have no documented count or length limit, so none is enforced; a missing or empty name is refused, and both `page_label_name` and the older `name` are read.",
	3:  "The text of error 80006 was not found in the documentation; messemu words it like 80001.",
	4:  "The length of an ice-breaker question is not documented and not checked.",
	5:  "Every error is HTTP 400; codes 104 and 190 add a `WWW-Authenticate` header. An unknown path answers 2500; an object or edge that does not support the call answers 100/33.",
	6:  "Quick-reply and button titles over 20 characters are accepted with a warning: Messenger truncates them on screen, where it once refused them.",
	7:  "Lengths count Unicode code points, and a limit of N accepts N: 2000 characters pass, 2001 are refused.",
	8:  "Webhooks carry both the SHA-256 and the older SHA-1 signature, computed over the exact bytes posted, in which non-ASCII text is escaped as `\\uXXXX`.",
	9:  "A profile read asking for several fields answers one object (or an empty list when nothing is set).",
	10: "The message tags `ACCOUNT_UPDATE`, `CONFIRMED_EVENT_UPDATE` and `POST_PURCHASE_UPDATE` are accepted before 2026-04-27 and refused after; tags retired in 2020 are always refused; `NON_PROMOTIONAL_SUBSCRIPTION` needs a News Page.",
	11: "The 24-hour window and the 7-day tags follow messemu's virtual clock, so tests can cross them without waiting.",
	12: "Too many elements answers 105, too few 194, with the platform's parameter path; value lists answer the `must be one of` error.",
	13: "Templates the platform removed answer a clear \"no longer supported\" error; legacy Messenger Profile fields are stored and returned with a warning.",
	14: "A path messemu does not know answers 2500, a wrong method 100/33, and a real feature messemu does not emulate `(#100) <feature> is not emulated by messemu`: never a silent success.",
	15: "An unknown PSID answers the documented 100/2018001 \"No matching user found\".",
	16: "Where the platform's exact wording for a refusal is unknown, messemu answers the generic `(#100) Invalid parameter` and puts its reason in the journal only, so no invented text reaches the bot.",
	17: "`subscribed_apps` answers the boolean `true`; ids are strings.",
	18: "A sender action (typing, mark seen) outside the 24-hour window is accepted with a warning: the limit is not documented for actions.",
	19: "Unknown keys inside `message` and its parts are refused with the platform's \"Invalid keys … were found in param\" error; unknown top-level parameters are ignored with a warning, as Graph ignores them.",
	20: "The `CUSTOMER_FEEDBACK` tag serves only the customer feedback template; a media template element with both `url` and `attachment_id` is refused.",
	21: "The latest Graph API version is v26.0; an expired version is served as the oldest live one (with a warning); a newer or malformed version answers 2500.",
	22: "Lenient forms that widely used clients send are accepted: \"true\"/\"false\" for booleans, numeric strings for numbers, and `null` or `\"\"` on an optional field, which counts as absent (with a warning).",
	23: "Webhook order: one user's events keep their order through immediate retries; an event waiting for a delayed retry can be overtaken by newer ones, as the platform promises at-least-once delivery, not order.",
	24: "`disabled_surfaces` in a persistent menu is documented and accepted (`CUSTOMER_CHAT_PLUGIN`); another value is refused.",
	25: "A node answers only the fields asked for (plus `id`); a field its type does not have is refused with `no-field`; a real field messemu does not model is left out with a warning. The account-linking PSID lookup is answered for tokens of an account-linking flow.",
	26: "The webhook handshake passes when the bot's answer equals the challenge once surrounding whitespace is trimmed (with a warning when trimmed).",
	27: "A multipart body without its closing boundary is read up to its end: complete parts count (with a warning), a part cut short is refused.",
	28: "Real endpoints messemu does not model answer `(#100) <feature> is not emulated by messemu`, never 2500, which would claim the path does not exist on the platform.",
}

var (
	decisionRef = regexp.MustCompile(`(?:decision|note) (D\d+|§[\d.]+)`)
	subcodeRef  = regexp.MustCompile(`^MP/error-codes (\d+)$`)
)

// sourceMarkdown renders a rule's Source for docs/rules.md: public
// documents as links, messemu's decisions as links to their note below.
// It fails on a reference it cannot explain, so no rule ships with a
// source a reader cannot follow.
func sourceMarkdown(src string) (string, error) {
	main, note := src, ""
	if i := strings.Index(src, " ("); i >= 0 && strings.HasSuffix(src, ")") {
		main, note = src[:i], src[i+2:len(src)-1]
	}
	var parts []string
	if m := decisionRef.FindStringSubmatch(main); m != nil {
		link, err := decisionLink(m[1])
		if err != nil {
			return "", err
		}
		parts = append(parts, link)
	} else {
		link, err := referenceLink(main)
		if err != nil {
			return "", err
		}
		parts = append(parts, link)
	}
	if note != "" {
		if m := decisionRef.FindStringSubmatch(note); m != nil {
			link, err := decisionLink(m[1])
			if err != nil {
				return "", err
			}
			note = strings.Replace(note, m[0], link, 1)
		}
		parts = append(parts, "("+note+")")
	}
	return strings.Join(parts, " "), nil
}

func decisionLink(id string) (string, error) {
	if strings.HasPrefix(id, "§") {
		if _, ok := sections[id]; !ok {
			return "", fmt.Errorf("no note explains %s: add one to sections in cmd/messemu/rules_sources.go", id)
		}
		return fmt.Sprintf("[note %s](#%s)", id, anchor(id)), nil
	}
	var n int
	if _, err := fmt.Sscanf(id, "D%d", &n); err != nil || decisions[n] == "" {
		return "", fmt.Errorf("no note explains decision %s: add one to decisions in cmd/messemu/rules_sources.go", id)
	}
	return fmt.Sprintf("[decision %s](#%s)", id, anchor(id)), nil
}

func referenceLink(src string) (string, error) {
	if m := subcodeRef.FindStringSubmatch(src); m != nil {
		return fmt.Sprintf("[error codes](%serror-codes), subcode %s", references[1].base, m[1]), nil
	}
	for _, r := range references {
		if !strings.HasPrefix(src, r.prefix) {
			continue
		}
		switch {
		case r.base == "":
			return r.what, nil
		case strings.HasSuffix(r.prefix, "/") || strings.HasSuffix(r.prefix, " "):
			path, extra, _ := strings.Cut(strings.TrimPrefix(src, r.prefix), " ")
			link := fmt.Sprintf("[%s](%s%s)", src[:len(r.prefix)+len(path)], r.base, path)
			if extra != "" {
				link += " " + extra
			}
			return link, nil
		}
		return fmt.Sprintf("[%s](%s)", src, r.base), nil
	}
	return "", fmt.Errorf("no reference explains the source %q: add one to references in cmd/messemu/rules_sources.go", src)
}

// anchor is the HTML anchor docs/rules.md gives a decision or section
// note: "d19", "s1-3".
func anchor(id string) string {
	return strings.NewReplacer("§", "s", ".", "-", "D", "d").Replace(id)
}
