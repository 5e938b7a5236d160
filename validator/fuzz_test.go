package validator

import (
	"encoding/json"
	"strings"
	"testing"
)

// FuzzSend feeds arbitrary JSON bodies to Send. No input may panic, and the
// rules must never accept a body the schema backstop refuses: the schema
// is there to catch what the rules miss, and any such body is a rule to
// write (or an openapi.yaml fix).
func FuzzSend(f *testing.F) {
	for _, cases := range [][]sendCase{topLevelCases, messageCases, templateCases} {
		for _, tc := range cases {
			f.Add([]byte(tc.body))
		}
	}
	for _, tc := range schemaValidBodies {
		f.Add([]byte(tc.body))
	}
	f.Add([]byte(genericTemplate10()))
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"recipient":{"id":"1"},"message":{"attachment":{"type":"template","payload":{"template_type":"receipt","summary":{"total_cost":"1e400"}}}}}`))
	rulesOnly := New(nil)
	schemas := MustLoadSchemas()
	f.Fuzz(func(t *testing.T, data []byte) {
		decode := func() map[string]any {
			d := json.NewDecoder(strings.NewReader(string(data)))
			d.UseNumber()
			var body map[string]any
			if d.Decode(&body) != nil || body == nil {
				return nil
			}
			return body
		}
		body := decode()
		if body == nil {
			return
		}
		// A fake State (most ids unknown) and the offline one (all known).
		one := testValidator.Send(decode(), newFakeState())
		// SendAll, which messemu validate runs, answers the same error.
		if all := testValidator.SendAll(decode(), newFakeState()); wantBody(all.Err()) != wantBody(one.Err()) {
			t.Errorf("SendAll answers %s, Send %s", wantBody(all.Err()), wantBody(one.Err()))
		}
		chk := rulesOnly.Send(body, OfflineState{Clock: testNow})
		if chk.Err() != nil {
			return
		}
		if err := schemas.CheckBody("SendRequest", body); err != nil {
			normalised, merr := json.Marshal(body)
			if merr != nil {
				t.Fatalf("marshal: %v", merr)
			}
			t.Errorf("rules accept what the schema refuses: %v\nbody: %s", err, normalised)
		}
	})
}
