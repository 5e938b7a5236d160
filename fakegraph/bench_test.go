package fakegraph

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// generic10 is a 10-element generic template, each element with a title,
// subtitle, image, default action and three buttons.
func generic10() string {
	return genericOf(`{"title":"Classic T-shirt","subtitle":"Soft cotton, in four colours","image_url":"https://example.com/shirt.png",` +
		`"default_action":{"type":"web_url","url":"https://example.com/shirt","webview_height_ratio":"tall"},` +
		`"buttons":[{"type":"web_url","url":"https://example.com/buy","title":"Buy"},{"type":"postback","title":"Details","payload":"DETAILS"},{"type":"phone_number","title":"Call","payload":"+15555550101"}]}`)
}

// generic10Unicode is generic10 written for Spanish-speaking users.
func generic10Unicode() string {
	return genericOf(`{"title":"Camiseta clásica","subtitle":"Algodón suave, en cuatro colores — 19,99 €","image_url":"https://example.com/shirt.png",` +
		`"default_action":{"type":"web_url","url":"https://example.com/shirt","webview_height_ratio":"tall"},` +
		`"buttons":[{"type":"web_url","url":"https://example.com/buy","title":"Comprar 🛒"},{"type":"postback","title":"Más información","payload":"DETAILS"},{"type":"phone_number","title":"Llámanos","payload":"+15555550101"}]}`)
}

// genericOf is a generic template of ten elements el.
func genericOf(el string) string {
	els := strings.TrimSuffix(strings.Repeat(el+",", 10), ",")
	return `{"recipient":{"id":"` + alice + `"},"messaging_type":"RESPONSE","message":{"attachment":{"type":"template","payload":{"template_type":"generic","elements":[` + els + `]}}}}`
}

// serveLogging logs as serve does at its default level: every call's
// line, here to a writer that drops it.
func serveLogging() Option { return WithLogger(slog.New(NewTextHandler(io.Discard, nil))) }

func benchSend(b *testing.B, body string) {
	s := New(WithJournalLimit(10000), serveLogging())
	if _, err := s.UserSends(DefaultPageID, alice, UserMessageRequest{Text: "hi"}); err != nil {
		b.Fatal(err)
	}
	h := s.Handler()
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			benchPost(b, h, body)
		}
	})
}

// benchPost sends body to the Send API through h, in process, and fails
// b unless it is accepted.
func benchPost(b *testing.B, h http.Handler, body string) {
	req := httptest.NewRequest("POST", "/v26.0/me/messages?access_token="+DefaultPageToken, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != 200 {
		b.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
}

// BenchmarkSendText is a validated text send through the HTTP handler.
func BenchmarkSendText(b *testing.B) { benchSend(b, textSend) }

// BenchmarkSendGeneric10 is a validated 10-element generic template.
func BenchmarkSendGeneric10(b *testing.B) { benchSend(b, generic10()) }

// BenchmarkSendTextHTTP sends over real loopback connections from 32
// concurrent clients, as a bot under load would, to a started server: on
// its short road for Graph calls (internal/h1), and with net/http alone
// (WithStandardHTTP). The client's own work is in the figures.
func BenchmarkSendTextHTTP(b *testing.B) {
	for _, road := range []struct {
		name string
		opts []Option
	}{{"short-road", nil}, {"net-http", []Option{WithStandardHTTP()}}} {
		b.Run(road.name, func(b *testing.B) {
			s := New(append([]Option{WithJournalLimit(10000), serveLogging()}, road.opts...)...)
			if _, err := s.UserSends(DefaultPageID, alice, UserMessageRequest{Text: "hi"}); err != nil {
				b.Fatal(err)
			}
			if err := s.Start("127.0.0.1:0"); err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
			defer client.CloseIdleConnections()
			target := s.URL() + "/v26.0/me/messages?access_token=" + DefaultPageToken
			b.ReportAllocs()
			b.SetParallelism(16)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					resp, err := client.Post(target, "application/json", strings.NewReader(textSend))
					if err != nil {
						b.Fatal(err)
					}
					if _, err := io.Copy(io.Discard, resp.Body); err != nil {
						b.Fatal(err)
					}
					resp.Body.Close()
					if resp.StatusCode != 200 {
						b.Fatalf("status %d", resp.StatusCode)
					}
				}
			})
		})
	}
}

// textSendUnicode is a text send most bots outside English make: accents,
// an emoji, a euro sign and a line break.
const textSendUnicode = `{"recipient":{"id":"` + alice + `"},"messaging_type":"RESPONSE","message":{"text":"Olá! Ça va? 👋\nGröße 42 € — à bientôt"}}`

// BenchmarkSendTextUnicode is BenchmarkSendText with such a text.
func BenchmarkSendTextUnicode(b *testing.B) { benchSend(b, textSendUnicode) }

// BenchmarkSendGeneric10Unicode is BenchmarkSendGeneric10 in Spanish.
func BenchmarkSendGeneric10Unicode(b *testing.B) { benchSend(b, generic10Unicode()) }
