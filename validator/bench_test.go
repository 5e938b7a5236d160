package validator

import "testing"

// Benchmarks of a whole Send API check (rules and schema), on a body
// decoded once: the rules normalise in place and are idempotent.

func benchmarkSend(b *testing.B, v *Validator, src string) {
	body := decodeSchemaBody(b, src, true)
	st := newFakeState()
	if err := v.Send(body, st).Err(); err != nil {
		b.Fatalf("benchmark body refused: %v", err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := v.Send(body, st).Err(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSendText(b *testing.B) {
	benchmarkSend(b, testValidator, to(text("hello")))
}

func BenchmarkSendGeneric10(b *testing.B) {
	benchmarkSend(b, testValidator, genericTemplate10())
}

// The rules alone, without the schema backstop.
func BenchmarkSendRulesOnlyText(b *testing.B) {
	benchmarkSend(b, New(nil), to(text("hello")))
}

func BenchmarkSendRulesOnlyGeneric10(b *testing.B) {
	benchmarkSend(b, New(nil), genericTemplate10())
}

// BenchmarkSendGeneric10FullSchema is what Send cost when the schema
// backstop checked the whole body: the rules, then the schema of the
// message too (kept for comparison with BenchmarkSendGeneric10).
func BenchmarkSendGeneric10FullSchema(b *testing.B) {
	rulesOnly, schemas := New(nil), MustLoadSchemas()
	body := decodeSchemaBody(b, genericTemplate10(), true)
	st := newFakeState()
	b.ReportAllocs()
	for b.Loop() {
		if err := rulesOnly.Send(body, st).Err(); err != nil {
			b.Fatal(err)
		}
		if err := schemas.CheckBody("SendRequest", body); err != nil {
			b.Fatal(err)
		}
	}
}
