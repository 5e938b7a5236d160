package validator

import "testing"

func TestDomainKey(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"Example.COM":           "example.com",
		"bücher.example":        "xn--bcher-kva.example",
		"BÜCHER.example":        "xn--bcher-kva.example",
		"xn--bcher-kva.example": "xn--bcher-kva.example",
		"münchen.de":            "xn--mnchen-3ya.de",
		"mañana.com":            "xn--maana-pta.com",
		"例え.jp":                 "xn--r8jz45g.jp",
		"www.bücher.example":    "www.xn--bcher-kva.example",
	} {
		if got := DomainKey(in); got != want {
			t.Errorf("DomainKey(%q) = %q, want %q", in, got, want)
		}
	}
}

// RFC 3492's own sample (L), "3年B組金八先生", lower-cased.
func TestPunycodeRFCSample(t *testing.T) {
	t.Parallel()
	if got := punycode("3年b組金八先生"); got != "3b-ww4c5e180e575a65lsy2b" {
		t.Errorf("punycode = %q", got)
	}
}
