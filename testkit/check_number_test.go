package testkit

import "testing"

func TestCanonicalNumber(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"56.10": "56.1", "56.1": "56.1", "1.0": "1", "1": "1", "-0.50": "-0.5", "1e2": "100", "1.5E-3": "0.0015",
		"0": "0", "-0": "0", "12345678901234567890123": "12345678901234567890123", "0.1000000000000000000001": "0.1000000000000000000001",
	} {
		if got := canonicalNumber(in); got != want {
			t.Errorf("canonicalNumber(%s) = %s, want %s", in, got, want)
		}
	}
}
