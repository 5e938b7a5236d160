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
// JSON object both give the same values; on anything else decodeObject
// is not used (readJSON falls back), and must not claim an object.
func sameAsEncodingJSON(t *testing.T, body []byte) {
	t.Helper()
	got, ok := decodeObject(body)
	if !utf8.Valid(body) || !json.Valid(body) {
		return // readJSON never asks
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
	"{\"a\":\"bad \xff utf8\"}",
	`{"message":"{\"text\":\"json in a string\"}","batch":"[1,2]"}`,
	`{"n":[1,-1,0,0.0,1E5,1e-5,-0]}`,
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
}

func FuzzDecodeObject(f *testing.F) {
	for _, s := range decodeSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		sameAsEncodingJSON(t, body)
	})
}
