package fakegraph

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// sameAsEncodingJSON checks decodeObject against encoding/json's Decoder
// with UseNumber, the decoding it stands in for: on a valid UTF-8, valid
// JSON object both give the same values; on valid UTF-8 that json.Valid
// refuses, decodeObject must refuse too, since it is readJSON's syntax
// check. On a body that is not UTF-8 the same holds once each byte that is
// not text in decodeObject's strings is read as U+FFFD, as encoding/json
// reads it (readJSON finds those bytes where they came).
func sameAsEncodingJSON(t *testing.T, body []byte) {
	t.Helper()
	got, ok := decodeObject(body)
	if ok && !utf8.Valid(body) {
		got = replaceNonText(got).(map[string]any)
	}
	if !json.Valid(body) {
		if ok {
			t.Fatalf("%q: decodeObject accepts what json.Valid refuses", body)
		}
		return
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var want any
	if err := dec.Decode(&want); err != nil {
		t.Fatalf("json.Valid but Decode fails: %v", err)
	}
	wantObj, isObj := want.(map[string]any)
	if ok != isObj {
		t.Fatalf("%q: decodeObject ok=%v, encoding/json object=%v", body, ok, isObj)
	}
	if !ok {
		return
	}
	if d := cmp.Diff(wantObj, got); d != "" {
		t.Fatalf("%q: decodeObject differs from encoding/json (-want +got):\n%s", body, d)
	}
}

// replaceNonText is v with every byte of its strings and keys that is not
// UTF-8 replaced by U+FFFD, one each, as encoding/json decodes them.
func replaceNonText(v any) any {
	text := func(s string) string {
		var b strings.Builder
		for _, r := range s { // a byte that is not UTF-8 ranges as U+FFFD
			b.WriteRune(r)
		}
		return b.String()
	}
	switch x := v.(type) {
	case string:
		return text(x)
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[text(k)] = replaceNonText(e)
		}
		return m
	case []any:
		for i, e := range x {
			x[i] = replaceNonText(e)
		}
	}
	return v
}

var decodeSeeds = []string{
	`{"recipient":{"id":"5275811702471834"},"messaging_type":"RESPONSE","message":{"text":"hello"}}`,
	`{"a":[],"b":{},"c":[[]],"d":[{}],"e":null,"f":true,"g":false,"h":-0.5e+10,"i":12345678901234567890123}`,
	` {"text":"esc \" \\ \/ \b\f\n\r\t \u00e9 \ud83d\ude00 \ud800 \udc00x \u0000"} `,
	`{"dup":1,"dup":{"x":2},"dup":[3]}`,
	`{"\u0074ext":"key with an escape","ключ":"é","":""}`,
	`["not","an","object"]`,
	`"string"`,
	`{"a":1}{"b":2}`,
	`{"a":1,}`,
	`{"a":"\ud83d"}`,
	"{\"a\":\"bad \xff utf8\"}", "{\"\xfe\":[\"\xc3\",\"a\\n\xff\\u00e9\"]}", "{\"a\":\"\xed\xa0\x80\"}",
	`{"message":"{\"text\":\"json in a string\"}","batch":"[1,2]"}`,
	`{"n":[1,-1,0,0.0,1E5,1e-5,-0]}`,
	`{"n":01}`, `{"n":-}`, `{"n":1.}`, `{"n":.5}`, `{"n":1e}`, `{"n":1e+}`, `{"n":+1}`, `{"n":1-2}`, `{"n":0x10}`,
	`{"n":1.5.5}`, `{"n":--1}`, `{"n":-01}`, `{"n":2E-3}`, `{"n":1ee5}`,
	"{\"ctl\":\"tab\there\"}", "{\"ctl\":\"nl\nhere\"}", "{\"a\":1}\n\t ", `{"a":1} x`, `{"a":tru}`, `{"a":nul}`,
	`{"a":truex}`, `{"a" 1}`, `{"a":1 "b":2}`, `{1:2}`, `{"a":[1 2]}`, `{"a":[1,]}`, `{"a":"\x"}`, `{"a":"\u12"}`, `{`, `{"a":`, `{"a":"`,
	"{\n\t\"pretty\" : [ 1 , 2 ] ,\r\n \"x\" : { } }\n",
	strings.Repeat(`{"a":`, 50) + `1` + strings.Repeat(`}`, 50),
}

func TestDecodeObjectMatchesEncodingJSON(t *testing.T) {
	for _, s := range decodeSeeds {
		sameAsEncodingJSON(t, []byte(s))
	}
	deep := strings.Repeat(`{"a":`, 10001) + `1` + strings.Repeat(`}`, 10001)
	if json.Valid([]byte(deep)) {
		t.Fatal("encoding/json's depth bound is gone: decodeObject's maxTreeDepth must follow it")
	}
	for _, n := range []int{9990, 10000, 10001, 10002} {
		body := []byte(strings.Repeat(`[`, n-1) + strings.Repeat(`]`, n-1))
		body = append(append([]byte(`{"a":`), body...), '}')
		if _, ok := decodeObject(body); ok && !json.Valid(body) {
			t.Fatalf("depth %d: decodeObject accepts what json.Valid refuses", n)
		}
	}
}

func FuzzDecodeObject(f *testing.F) {
	for _, s := range decodeSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		sameAsEncodingJSON(t, body)
	})
}

func TestLoneSurrogate(t *testing.T) {
	t.Parallel()
	for body, want := range map[string]bool{
		`{"text":"plain"}`:                 false,
		`{"text":"\ud83d\ude00 pair"}`:     false,
		`{"text":"\uD83D\uDE00 upper"}`:    false,
		`{"text":"\u00e9 not one"}`:        false,
		`{"text":"\\ud800 escaped slash"}`: false,
		`{"text":"a\nb\"c\\"}`:             false,
		`{"text":"\ud800"}`:                true,
		`{"text":"\udc00 low alone"}`:      true,
		`{"text":"\ud83d\u0041"}`:          true,
		`{"text":"\ud83d"}`:                true,
		`{"text":"\ud83d\ud83d\ude00"}`:    true,
		`\ud83d\ude0`:                      true,
		`\`:                                false,
	} {
		if got := loneSurrogate([]byte(body)); got != want {
			t.Errorf("loneSurrogate(%s) = %v, want %v", body, got, want)
		}
	}
}

func FuzzLoneSurrogate(f *testing.F) {
	f.Add([]byte(`{"text":"\ud83d\ude00"}`))
	f.Add([]byte(`{"a":"\ud800"}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		lone := loneSurrogate(body) // never panics
		if !json.Valid(body) || !utf8.Valid(body) {
			return
		}
		// Valid JSON without a lone half decodes without U+FFFD from escapes.
		var v any
		if err := json.Unmarshal(body, &v); err == nil && !lone && !bytes.Contains(body, []byte("\ufffd")) && !bytes.Contains(body, []byte(`\ufffd`)) && !bytes.Contains(body, []byte(`\uFFFD`)) {
			if s, _ := json.Marshal(v); bytes.Contains(s, []byte("\ufffd")) {
				t.Errorf("%q decodes to U+FFFD, but no lone surrogate was found", body)
			}
		}
	})
}
