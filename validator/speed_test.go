package validator

import "testing"

// plainURLSeeds are URLs on both sides of plainHTTPURL's edge.
var plainURLSeeds = []string{
	"https://example.com/buy", "http://example.com", "https://example.com?q=1", "https://example.com#top",
	"https://a.b-c.d9/é/ü?x=ä", "https://example.com./x", "https://-x.example/", "https://", "http://",
	"https://?x", "https://.example.com/", "https://a..b/", "https://Example.com/", "https://user@example.com/",
	"https://example.com:8443/", "https://[::1]/", "https://example.com\\evil", "https://example.com/a b",
	"https://example.com/\x7f", "HTTPS://example.com/", "https:/example.com", "ftp://example.com/",
	"https://bücher.example/", "https://example.com/\t", "https://example.com\x00/",
}

// TestPlainHTTPURL: the one-pass reading of common URLs answers what the
// full parser answers, and takes the URLs bots send.
func TestPlainHTTPURL(t *testing.T) {
	t.Parallel()
	for _, s := range plainURLSeeds {
		samePlainHTTPURL(t, s)
	}
	for _, s := range []string{"https://example.com/buy", "http://example.com", "https://cdn-1.example.co.uk/img/a.png?w=1"} {
		if _, ok := plainHTTPURL(s); !ok {
			t.Errorf("plainHTTPURL(%q) leaves it to the full parser", s)
		}
	}
}

// FuzzPlainHTTPURL holds plainHTTPURL to parseHTTPURL on any string.
func FuzzPlainHTTPURL(f *testing.F) {
	for _, s := range plainURLSeeds {
		f.Add(s)
	}
	f.Fuzz(samePlainHTTPURL)
}

func samePlainHTTPURL(t *testing.T, s string) {
	t.Helper()
	fast, ok := plainHTTPURL(s)
	if !ok {
		return // read by parseHTTPURL alone
	}
	full, fullOK := parseHTTPURL(s)
	if !fullOK || fast != full {
		t.Errorf("%q: plainHTTPURL = %+v, parseHTTPURL = %+v, %v", s, fast, full, fullOK)
	}
}

// BenchmarkHTTPURL reads the URLs of a generic element: its image, its
// default action and its web_url button.
func BenchmarkHTTPURL(b *testing.B) {
	urls := []string{"https://example.com/shirt.png", "https://example.com/shirt", "https://example.com/buy"}
	for b.Loop() {
		for _, s := range urls {
			if _, ok := httpURL(s); !ok {
				b.Fatal(s)
			}
		}
	}
}

// BenchmarkParseHTTPURL is BenchmarkHTTPURL by the full parser alone,
// what every URL cost before plainHTTPURL.
func BenchmarkParseHTTPURL(b *testing.B) {
	urls := []string{"https://example.com/shirt.png", "https://example.com/shirt", "https://example.com/buy"}
	for b.Loop() {
		for _, s := range urls {
			if _, ok := parseHTTPURL(s); !ok {
				b.Fatal(s)
			}
		}
	}
}
