package validator

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// Two envelopes share a memo key only when they are equal, whatever the
// order their keys came in.
func TestMemoKeyTellsValuesApart(t *testing.T) {
	t.Parallel()
	values := []any{
		nil, true, false, "", "1", json.Number("1"), []any{"1"}, []any{}, map[string]any{},
		map[string]any{"a": "1"}, map[string]any{"a": json.Number("1")}, map[string]any{"a": "1", "b": "2"},
		map[string]any{"a": "1:b"}, map[string]any{"a1": ":b"}, map[string]any{"a": []any{"x", "y"}},
		map[string]any{"a": []any{"xy"}}, map[string]any{"a": []any{"x"}, "y": nil}, "s1:x", []any{"s1:x"},
	}
	seen := map[string]int{}
	for i, v := range values {
		key, ok := appendMemoKey(nil, v)
		if !ok {
			t.Fatalf("%#v: no key", v)
		}
		if j, dup := seen[string(key)]; dup {
			t.Errorf("%#v and %#v share the key %q", values[j], v, key)
		}
		seen[string(key)] = i
	}
	a, _ := appendMemoKey(nil, map[string]any{"recipient": map[string]any{"id": "1"}, "messaging_type": "RESPONSE", "tag": "x"})
	b, _ := appendMemoKey(nil, map[string]any{"tag": "x", "messaging_type": "RESPONSE", "recipient": map[string]any{"id": "1"}})
	if string(a) != string(b) {
		t.Errorf("the same envelope has two keys: %q and %q", a, b)
	}
	if _, ok := appendMemoKey(nil, map[string]any{"a": 1.5}); ok {
		t.Error("a value that is not decoded JSON was given a key")
	}
}

// The memo changes no verdict: an envelope the schema refuses is refused
// every time, one it passed is passed again without it, and a new one is
// checked.
func TestSendBackstopRemembersOnlyPasses(t *testing.T) {
	t.Parallel()
	v := New(sendRequestSpec(t, `
      properties:
        zz_flag: {type: string, enum: [good]}`))
	send := func(flag string) *GraphError {
		body := decodeSchemaBody(t, to(text("hi")), true)
		body["zz_flag"] = flag
		chk := v.Send(body, newFakeState())
		if _, ok := body["message"].(map[string]any); !ok {
			t.Fatalf("message not restored: %v", body["message"])
		}
		return chk.Err()
	}
	for round := range 3 {
		if err := send("bad"); wantBody(err) != wantBody(errInvalid) {
			t.Fatalf("round %d: bad envelope got %s, want the schema's invalid", round, wantBody(err))
		}
		if err := send("good"); err != nil {
			t.Fatalf("round %d: good envelope refused: %s", round, wantBody(err))
		}
	}
	if n := len(v.envelopes.passes); n != 1 {
		t.Errorf("memo holds %d envelopes, want the one that passed", n)
	}
}

func TestEnvelopeMemoIsBounded(t *testing.T) {
	t.Parallel()
	var m envelopeMemo
	for i := range maxMemoEntries*2 + 10 {
		m.pass(fmt.Appendf(nil, "key %d", i))
		if len(m.passes) > maxMemoEntries {
			t.Fatalf("memo holds %d keys, bound %d", len(m.passes), maxMemoEntries)
		}
	}
	if !m.passed(fmt.Appendf(nil, "key %d", maxMemoEntries*2+9)) {
		t.Error("the newest pass is forgotten")
	}
}

// sendRequestSpec compiles a spec whose SendRequest schema is an object
// with the given YAML lines (indented six spaces) added.
func sendRequestSpec(t *testing.T, lines string) *Schemas {
	t.Helper()
	schemas, err := LoadSchemas([]byte("openapi: 3.0.3\ninfo: {title: t, version: v}\npaths: {}\ncomponents:\n  schemas:\n    SendRequest:\n      type: object" + lines + "\n"))
	if err != nil {
		t.Fatal(err)
	}
	return schemas
}

// A key over the bound is given up as it is written: a 5 MB envelope
// field costs no 5 MB key, and the pooled buffer stays small.
func TestMemoKeyStopsPastItsBound(t *testing.T) {
	t.Parallel()
	big := strings.Repeat("a", 5<<20)
	for _, v := range []any{big, map[string]any{"persona_id": big, "recipient": map[string]any{"id": "1"}}, []any{big, big}} {
		key, ok := appendMemoKey(nil, v)
		if ok && len(key) <= maxMemoKey {
			t.Fatalf("a key over the bound was kept (%d bytes)", len(key))
		}
		if len(key) > 2*maxMemoKey {
			t.Errorf("the key was written on to %d bytes", len(key))
		}
	}
	small := map[string]any{"recipient": map[string]any{"id": "1"}, "messaging_type": "RESPONSE"}
	key, ok := appendMemoKey(nil, small)
	if !ok || len(key) > maxMemoKey {
		t.Fatalf("a small envelope has no key: %q", key)
	}
}
