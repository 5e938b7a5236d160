package validator

import (
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The Send API's top level, recipient and message are read by key tables
// (fields), each key once and absent ones without a lookup. These tests
// hold them to the reads they replaced (textpath_old_test.go): the same
// violations in the same order, the same SendCheck and the same body
// after the checks' rewrites, in Send, SendAll and SendEnvelope.

// textPathBodies are bodies at the edges of the reads: null, "" and
// numbers where the checks drop or rewrite, unknown keys at each level,
// keys that only the schema refuses.
var textPathBodies = []string{
	to(text("hello")),
	`{"recipient":{"id":"` + alice + `"},"message":{"text":"hi"}}`,
	`{"recipient":{"id":` + alice + `},"messaging_type":"RESPONSE","message":{"text":12}}`,
	`{"recipient":{"id":"` + alice + `","zz":1},"messaging_type":"RESPONSE","message":{"text":"hi"}}`,
	`{"recipient":{"zz":1},"messaging_type":"RESPONSE","message":{"text":"hi"}}`,
	`{"recipient":{"id":"` + alice + `","user_ref":"","post_id":null},"message":{"text":"hi"}}`,
	`{"recipient":{"id":"","user_ref":null},"message":{"text":"hi"}}`,
	`{"recipient":{"id":"` + alice + `","user_ref":"` + userRef + `","phone_number":"1"},"message":{"text":"hi"}}`,
	`{"recipient":{"comment_id":"1","id":null},"message":{"text":"hi"}}`,
	`{"recipient":{"one_time_notif_token":"` + otnValid + `"},"message":{"text":"hi"}}`,
	`{"recipient":{"user_ref":"` + userRef + `"},"messaging_type":"UPDATE","message":{"text":"hi"}}`,
	`{"recipient":{"id":"` + alice + `"},"messaging_type":"RESPONSE","message":{"text":"hi","zz":1,"aa":2}}`,
	`{"recipient":{"id":"` + alice + `"},"messaging_type":"RESPONSE","message":{"text":null}}`,
	`{"recipient":{"id":"` + alice + `"},"messaging_type":"RESPONSE","message":{"text":null,"metadata":null}}`,
	`{"recipient":{"id":"` + alice + `"},"messaging_type":"RESPONSE","message":{"text":true,"metadata":7}}`,
	`{"recipient":{"id":"` + alice + `"},"messaging_type":"RESPONSE","message":{"text":"hi","metadata":""}}`,
	`{"recipient":{"id":"` + alice + `"},"messaging_type":"RESPONSE","message":{"text":"hi","metadata":1234}}`,
	`{"recipient":{"id":"` + alice + `"},"messaging_type":"RESPONSE","message":{"text":"hi","metadata":{}}}`,
	`{"recipient":{"id":"` + alice + `"},"messaging_type":"RESPONSE","message":{"text":"","attachment":{"type":"image","payload":{"url":"https://example.com/a.png"}}}}`,
	`{"recipient":{"id":"` + alice + `"},"messaging_type":"RESPONSE","message":{"text":"hi","attachment":null,"attachments":"","quick_replies":null}}`,
	`{"recipient":{"id":"` + alice + `"},"messaging_type":"RESPONSE","message":{"text":"hi","quick_replies":[{"content_type":"text","title":"a","payload":"b"}]}}`,
	`{"recipient":{"id":"` + alice + `"},"messaging_type":"RESPONSE","message":{"text":"hi","attachment":{"type":"image","payload":{"url":"https://example.com/a.png"}}}}`,
	`{"recipient":{"id":"` + alice + `"},"messaging_type":"RESPONSE","message":{"attachment":{"type":"image","payload":{"is_reusable":true}}},"filedata":"@a.png"}`,
	`{"recipient":{"id":"` + alice + `"},"messaging_type":"RESPONSE","message":{"attachment":{"type":"image","payload":{"url":"https://example.com/a.png"}},"attachments":[]}}`,
	`{"recipient":{"id":"` + alice + `"},"messaging_type":"RESPONSE","message":{}}`,
	`{"recipient":{"id":"` + alice + `"},"messaging_type":"RESPONSE","message":"hi"}`,
	`{"recipient":{"id":"` + alice + `"},"messaging_type":"RESPONSE","message":null,"sender_action":"typing_on"}`,
	`{"recipient":{"id":"` + alice + `"},"messaging_type":"","tag":"","notification_type":"","persona_id":"","reply_to":"","message":{"text":"hi"}}`,
	`{"recipient":{"id":"` + alice + `"},"messaging_type":null,"tag":null,"notification_type":null,"persona_id":null,"reply_to":null,"message":{"text":"hi"}}`,
	`{"recipient":{"id":"` + alice + `"},"tag":"HUMAN_AGENT","message":{"text":"hi"}}`,
	`{"recipient":{"id":"` + alice + `"},"messaging_type":"RESPONSE","tag":5,"message":{"text":"hi"}}`,
	`{"recipient":{"id":"` + alice + `"},"messaging_type":"MESSAGE_TAG","tag":"CUSTOMER_FEEDBACK","message":{"text":"hi"}}`,
	`{"recipient":{"id":"` + alice + `"},"messaging_type":"UTILITY","notification_type":"NO_PUSH","persona_id":"` + persona + `","message":{"text":"hi"}}`,
	`{"recipient":{"id":"` + alice + `"},"messaging_type":"RESPONSE","persona_id":` + persona + `,"message":{"text":"hi"}}`,
	`{"recipient":{"id":"` + alice + `"},"messaging_type":"RESPONSE","reply_to":{"mid":"` + knownMID + `"},"message":{"text":"hi"}}`,
	`{"recipient":{"id":"` + bob + `"},"messaging_type":"RESPONSE","reply_to":{"mid":null},"message":{"text":"hi"}}`,
	`{"recipient":{"id":"` + alice + `"},"messaging_type":"RESPONSE","payload":{"message_id":"x"},"message":{"text":"hi"}}`,
	`{"recipient":{"id":"` + alice + `"},"messaging_type":"RESPONSE","access_token":"","appsecret_proof":null,"message":{"text":"hi"}}`,
	`{"recipient":{"id":"` + alice + `"},"messaging_type":"RESPONSE","access_token":7,"message":{"text":"hi"}}`,
	`{"recipient":{"id":"` + alice + `"},"messaging_type":"RESPONSE","access_token":{},"message":{"text":"hi"}}`,
	`{"recipient":{"id":"` + alice + `"},"messaging_type":"RESPONSE","pretty":"1","zz":2,"message":{"text":"hi"}}`,
	`{"recipient":{"id":"` + alice + `"},"messaging_type":"RESPONSE","":1,"message":{"text":"hi","":2}}`,
	`{"recipient":{"id":"` + alice + `"},"sender_action":"react","payload":{"message_id":"` + knownMID + `","reaction":"love"},"persona_id":null,"tag":"x"}`,
	`{"recipient":{"id":"` + alice + `"},"sender_action":"typing_on","persona_id":"` + persona + `","messaging_type":"RESPONSE"}`,
	`{"recipient":{"id":"` + alice + `"},"sender_action":"mark_seen","persona_id":"1"}`,
	`{"recipient":{"id":"` + carla + `"},"messaging_type":"RESPONSE","message":{"text":"hi","zz":1}}`,
	`{"recipient":null,"messaging_type":"bogus","message":{"text":"","zz":1}}`,
	`{}`,
}

// textPathCorpus is textPathBodies, the tables of the Send API tests and
// the schema's valid bodies.
func textPathCorpus() []string {
	out := append([]string{genericTemplate10()}, textPathBodies...)
	for _, cases := range [][]sendCase{topLevelCases, messageCases, templateCases} {
		for _, tc := range cases {
			out = append(out, tc.body)
		}
	}
	for _, tc := range schemaValidBodies {
		out = append(out, tc.body)
	}
	return out
}

// decodeBody decodes a JSON object as the server does (json.Number) or
// with float64 numbers; nil when src is not one.
func decodeBody(src string, useNumber bool) map[string]any {
	d := json.NewDecoder(strings.NewReader(src))
	if useNumber {
		d.UseNumber()
	}
	var body map[string]any
	if d.Decode(&body) != nil {
		return nil
	}
	return body
}

// textPathValidators are the new and the old reads, each with a memo of
// its own.
var textPathNew, textPathOld = New(MustLoadSchemas()), New(MustLoadSchemas())

// sameAsOld runs src through each entry point, new reads and old, on
// both States and both decodings, and reports any difference.
func sameAsOld(t *testing.T, src string) {
	t.Helper()
	type entry struct {
		name     string
		new, old func(map[string]any, State) SendCheck
	}
	entries := []entry{
		{"Send", textPathNew.Send, textPathOld.oldSend},
		{"SendAll", textPathNew.SendAll, textPathOld.oldSendAll},
		{"SendEnvelope", textPathNew.SendEnvelope, textPathOld.oldSendEnvelope},
	}
	states := []struct {
		name string
		st   func() State
	}{
		{"fake", func() State { return newFakeState() }},
		{"offline", func() State { return OfflineState{Clock: testNow} }},
	}
	for _, useNumber := range []bool{true, false} {
		if decodeBody(src, useNumber) == nil {
			return
		}
		for _, e := range entries {
			for _, st := range states {
				newBody, oldBody := decodeBody(src, useNumber), decodeBody(src, useNumber)
				got, want := e.new(newBody, st.st()), e.old(oldBody, st.st())
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("%s, %s State, json.Number %v: verdict (old -, new +):\n%s\nbody: %s", e.name, st.name, useNumber, diff, short(src))
				}
				if diff := cmp.Diff(oldBody, newBody); diff != "" {
					t.Errorf("%s, %s State, json.Number %v: body after (old -, new +):\n%s\nbody: %s", e.name, st.name, useNumber, diff, short(src))
				}
			}
		}
	}
}

func TestTextPathSameAsOld(t *testing.T) {
	t.Parallel()
	for _, src := range textPathCorpus() {
		sameAsOld(t, src)
	}
}

// TestTextPathSameAsOldRandom draws bodies from the values each
// parameter's checks read differently (absent, null, "", numbers, other
// types, unknown keys beside them), with a fixed seed.
func TestTextPathSameAsOldRandom(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(13, 2026))
	pick := func(vals ...any) any { return vals[rng.IntN(len(vals))] }
	object := func(keys map[string][]any, p float64) map[string]any {
		obj := map[string]any{}
		for k, vals := range keys {
			if rng.Float64() < p {
				obj[k] = pick(vals...)
			}
		}
		return obj
	}
	blank := []any{nil, "", json.Number("7"), true, map[string]any{}, []any{}}
	with := func(vals ...any) []any { return append(vals, blank...) }
	image := map[string]any{"type": "image", "payload": map[string]any{"url": "https://example.com/a.png"}}
	quickReplies := []any{map[string]any{"content_type": "text", "title": "a", "payload": "b"}}
	for range 800 {
		recipient := object(map[string][]any{
			"id":                   with(alice, bob, carla, dan, "abc", json.Number(alice)),
			"user_ref":             with(userRef, "nope"),
			"one_time_notif_token": with(otnValid, otnUsed, otnExpired),
			"post_id":              with("1"),
			"phone_number":         with("+1"),
			"zz":                   with("1"),
		}, 0.25)
		if rng.IntN(3) > 0 {
			recipient = map[string]any{"id": pick(with(alice, alice, bob)...)}
		}
		message := object(map[string][]any{
			"text":          with("hello", "hello", "é"),
			"attachment":    with(image),
			"attachments":   with([]any{image}),
			"quick_replies": with(quickReplies),
			"metadata":      with("m"),
			"zz":            with("1"),
			"":              with("1"),
		}, 0.3)
		params := map[string][]any{
			"recipient":         {recipient, recipient, recipient, nil, "x"},
			"message":           {message, message, message, nil, "", "x"},
			"messaging_type":    with("RESPONSE", "RESPONSE", "UPDATE", "MESSAGE_TAG", "UTILITY", "bogus"),
			"tag":               with("HUMAN_AGENT", "CUSTOMER_FEEDBACK", "ACCOUNT_UPDATE", "NON_PROMOTIONAL_SUBSCRIPTION", "x"),
			"notification_type": with("REGULAR", "NO_PUSH", "x"),
			"persona_id":        with(persona, "1"),
			"reply_to":          with(map[string]any{"mid": knownMID}, map[string]any{"mid": nil}, map[string]any{"zz": 1}),
			"sender_action":     with("typing_on", "mark_seen", "react", "unreact", "x"),
			"payload":           with(map[string]any{"message_id": knownMID, "reaction": "love"}),
			"access_token":      with("tok"),
			"appsecret_proof":   with("proof"),
			"filedata":          {"@a.png"},
			"pretty":            {"1"},
			"zz":                {"1"},
		}
		body := object(params, 0.15)
		for _, k := range []string{"recipient", "message", "messaging_type"} {
			if rng.Float64() < 0.85 {
				body[k] = pick(params[k]...)
			}
		}
		src, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		sameAsOld(t, string(src))
	}
}

// FuzzTextPathSameAsOld holds the new reads to the old on any body.
func FuzzTextPathSameAsOld(f *testing.F) {
	for _, src := range textPathCorpus() {
		f.Add([]byte(src))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		sameAsOld(t, string(data))
	})
}

// TestEnvelopeKeyIsOld: the memo's keys are those of the old writing, the
// envelope's that of the body with its message deleted.
func TestEnvelopeKeyIsOld(t *testing.T) {
	t.Parallel()
	for _, src := range textPathCorpus() {
		for _, useNumber := range []bool{true, false} {
			body := decodeBody(src, useNumber)
			if body == nil {
				continue
			}
			gotAll, gotOK := appendMemoKey(nil, body)
			wantAll, wantOK := oldAppendMemoKey(nil, body)
			if string(gotAll) != string(wantAll) || gotOK != wantOK {
				t.Errorf("appendMemoKey = %q, %v; the old writing %q, %v", gotAll, gotOK, wantAll, wantOK)
			}
			gotEnv, gotOK := appendEnvelopeKey(nil, body)
			delete(body, "message")
			wantEnv, wantOK := oldAppendMemoKey(nil, body)
			if string(gotEnv) != string(wantEnv) || gotOK != wantOK {
				t.Errorf("appendEnvelopeKey = %q, %v; the old writing without the message %q, %v", gotEnv, gotOK, wantEnv, wantOK)
			}
		}
	}
}
