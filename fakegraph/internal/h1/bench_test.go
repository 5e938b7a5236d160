package h1

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"testing"
)

// sendLikeHandler answers as a Graph send does: it reads the body and writes
// a dozen headers and a short JSON body.
func sendLikeHandler(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	h := w.Header()
	for i, k := range benchHeaderKeys {
		h[k] = benchHeaderValues[i : i+1 : i+1]
	}
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(`{"recipient_id":"5275811702471834","message_id":"m_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}`))
}

var (
	benchHeaderKeys = []string{"Content-Type", "Facebook-Api-Version", "X-Fb-Request-Id", "X-Fb-Trace-Id", "X-Fb-Rev",
		"X-Fb-Debug", "Cache-Control", "Pragma", "Expires", "Access-Control-Allow-Origin", "Strict-Transport-Security",
		"X-Business-Use-Case-Usage"}
	benchHeaderValues = []string{"application/json; charset=UTF-8", "v26.0", "AbCdEfGhIjKlMnOpQrStUv", "AbCdEfGhIjK",
		"1029384756", "messemu", "private, no-cache, no-store, must-revalidate", "no-cache", "Sat, 01 Jan 2000 00:00:00 GMT",
		"*", "max-age=15552000; preload", `{"109876543210987":[{"type":"messenger","call_count":0}]}`}
)

// BenchmarkServe compares the short road with net/http alone on one
// keep-alive connection over loopback: one request at a time, as a bot's
// client sends them. The figures include both ends' system calls; the
// allocations are the server's and the client's reading of the answer.
func BenchmarkServe(b *testing.B) {
	for _, tc := range []struct {
		name string
		std  bool
	}{{"short-road", false}, {"net-http", true}} {
		b.Run(tc.name, func(b *testing.B) {
			l, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				b.Fatal(err)
			}
			hs := &http.Server{Handler: http.HandlerFunc(sendLikeHandler)}
			var srv interface {
				Serve(net.Listener) error
				Close() error
			} = hs
			if !tc.std {
				srv = &Server{HTTP: hs}
			}
			done := make(chan error, 1)
			go func() { done <- srv.Serve(l) }()
			defer func() {
				_ = srv.Close()
				if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
					b.Error(err)
				}
			}()
			c, err := net.Dial("tcp", l.Addr().String())
			if err != nil {
				b.Fatal(err)
			}
			defer c.Close()
			body := `{"recipient":{"id":"5275811702471834"},"messaging_type":"RESPONSE","message":{"text":"hello from wrk"}}`
			req := []byte("POST /v26.0/me/messages?access_token=EAAMessemuTestPageToken HTTP/1.1\r\nHost: " +
				l.Addr().String() + "\r\nContent-Type: application/json\r\nContent-Length: " +
				strconv.Itoa(len(body)) + "\r\n\r\n" + body)
			br := bufio.NewReader(c)
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				if _, err := c.Write(req); err != nil {
					b.Fatal(err)
				}
				if err := skipAnswer(br); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// skipAnswer reads one answer framed by its Content-Length, without the
// allocations of http.ReadResponse.
func skipAnswer(br *bufio.Reader) error {
	n := -1
	for {
		line, err := br.ReadSlice('\n')
		if err != nil {
			return err
		}
		if len(line) == 2 {
			break
		}
		if v, ok := bytes.CutPrefix(line, []byte("Content-Length: ")); ok {
			n, err = strconv.Atoi(string(bytes.TrimSpace(v)))
			if err != nil {
				return err
			}
		}
	}
	if n < 0 {
		return errors.New("an answer without Content-Length")
	}
	_, err := br.Discard(n)
	return err
}
