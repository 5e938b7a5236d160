package fakegraph

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// startListening starts s on a loopback port and closes it with the test.
func startListening(t *testing.T, s *Server) string {
	t.Helper()
	require.NoError(t, s.Start("127.0.0.1:0"))
	t.Cleanup(func() { _ = s.Close() })
	return strings.TrimPrefix(s.URL(), "http://")
}

// sendAllThenRead writes a whole request (head, then size bytes of body
// made of fill) before reading anything, as Python's urllib does, and
// returns the answer.
func sendAllThenRead(t *testing.T, addr, head string, size int64, fill byte) *http.Response {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })
	require.NoError(t, conn.SetDeadline(time.Now().Add(2*time.Minute)))
	_, err = io.WriteString(conn, head+"Content-Length: "+strconv.FormatInt(size, 10)+"\r\n\r\n")
	require.NoError(t, err)
	chunk := bytes.Repeat([]byte{fill}, 1<<20)
	for left := size; left > 0; {
		n := min(left, int64(len(chunk)))
		_, err := conn.Write(chunk[:n])
		require.NoError(t, err, "the server cut the upload off after %d of %d bytes", size-left, size)
		left -= n
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	require.NoError(t, err, "no answer to the over-cap body")
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func TestOverCapBodyGetsTheGraphErrorNotAReset(t *testing.T) { // not parallel: tens of megabytes per case; alone it takes seconds, under a loaded -race run minutes
	addr := startListening(t, New())
	const size = 200 << 20 // 200 MB, the size urllib saw reset 5 times in 5
	for _, c := range []struct{ name, head string }{
		{"json", "POST /v26.0/me/messages?access_token=" + DefaultPageToken + " HTTP/1.1\r\nHost: " + addr + "\r\nContent-Type: application/json\r\n"},
		{"multipart", "POST /v26.0/me/message_attachments?access_token=" + DefaultPageToken + " HTTP/1.1\r\nHost: " + addr + "\r\nContent-Type: multipart/form-data; boundary=XYZ\r\n"},
		{"control", "POST /_messemu/v1/users HTTP/1.1\r\nHost: " + addr + "\r\nContent-Type: application/json\r\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			resp := sendAllThenRead(t, addr, c.head, size, ' ')
			var env struct {
				Error struct {
					Code    int    `json:"code"`
					Message string `json:"message"`
				} `json:"error"`
			}
			require.NoError(t, json.NewDecoder(resp.Body).Decode(&env))
			want := http.StatusBadRequest // Graph's answer to everything (D5)
			if c.name == "control" {
				want = http.StatusRequestEntityTooLarge // the control API's own
			}
			assert.Equal(t, want, resp.StatusCode)
			assert.Equal(t, 100, env.Error.Code, env.Error.Message)
		})
	}
	// And the server still serves.
	resp, err := http.Get("http://" + addr + "/v26.0/me?access_token=" + DefaultPageToken)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 200, resp.StatusCode)
}

func TestRefusedLargeBodyIsJournalledAsASummary(t *testing.T) { // not parallel: tens of megabytes per case; alone it takes seconds, under a loaded -race run minutes
	s := New()
	alice := DefaultUsers()[0].PSID
	for _, c := range []struct {
		name     string
		size     int
		complete bool
	}{
		{"under the cap, refused for its text", 2 << 20, true},
		{"over the cap", DefaultBodyLimit + 5<<20, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			head := `{"recipient":{"id":"` + alice + `"},"message":{"text":"`
			body := head + strings.Repeat("a", c.size-len(head)-3) + `"}}`
			rec := httptest.NewRecorder()
			r := httptest.NewRequest("POST", "/v26.0/me/messages?access_token="+DefaultPageToken, strings.NewReader(body))
			r.Header.Set("Content-Type", "application/json")
			s.Handler().ServeHTTP(rec, r)
			require.Equal(t, 400, rec.Code)
			last := s.Journal().After(s.Journal().Last()-1, 1)
			require.Len(t, last, 1)
			var got map[string]BodySummary
			require.NoError(t, json.Unmarshal(last[0].Request, &got), "%.200s", last[0].Request)
			sum := sha256.Sum256([]byte(body))
			want := BodySummary{Prefix: body[:1024], Size: int64(len(body)), SHA256: hex.EncodeToString(sum[:]), Complete: c.complete}
			assert.Equal(t, want, got["_body"])
			assert.Less(t, len(last[0].Request), 4096, "the journal keeps a summary, not the body")
		})
	}
}

func TestJournalShortensSecrets(t *testing.T) {
	t.Parallel()
	s := New()
	alice := DefaultUsers()[0].PSID
	proof := defaultProof
	bodies := map[string]string{
		"json":           `{"access_token":"` + DefaultPageToken + `","appsecret_proof":"` + proof + `","recipient":{"id":"` + alice + `"},"message":{"text":"hi"}}`,
		"json, query":    `{"recipient":{"id":"` + alice + `"},"message":{"text":"hi"}}`,
		"form":           "access_token=" + DefaultPageToken + "&appsecret_proof=" + proof + `&recipient={"id":"` + alice + `"}&message={"text":"hi"}`,
		"refused, proof": `{"access_token":"` + DefaultPageToken + `","appsecret_proof":"` + proof + `","recipient":{"id":"` + alice + `"},"message":{}}`,
		"batch":          "access_token=" + DefaultPageToken + "&batch=" + url.QueryEscape(`[{"method":"GET","relative_url":"me?access_token=`+DefaultPageToken+`&appsecret_proof=`+proof+`"},{"method":"POST","relative_url":"me/messages","body":"access_token=`+DefaultPageToken+`&appsecret_proof=`+proof+`&recipient={\"id\":\"`+alice+`\"}"}]`),
	}
	for name, body := range bodies {
		t.Run(name, func(t *testing.T) {
			target := "/v26.0/me/messages"
			if name == "batch" {
				target = "/v26.0/"
			}
			if name == "json, query" {
				target += "?access_token=" + DefaultPageToken + "&appsecret_proof=" + proof
			}
			r := httptest.NewRequest("POST", target, strings.NewReader(body))
			if strings.HasPrefix(body, "{") {
				r.Header.Set("Content-Type", "application/json")
			} else {
				r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
			before := s.Journal().Last()
			rec := httptest.NewRecorder()
			s.Handler().ServeHTTP(rec, r)
			entry, err := json.Marshal(s.Journal().After(before, 0)) // a batch's items too
			require.NoError(t, err)
			assert.NotContains(t, string(entry), proof, "the proof in full")
			assert.NotContains(t, string(entry), DefaultPageToken, "the token in full")
			if name != "json, query" {
				assert.Contains(t, string(entry), proof[:6]+"…", "the proof shortened")
			}
		})
	}
}

// BenchmarkRefusedLargeBodies sends ten refused 25 MB bodies (a text far
// over 2000 characters) and reports the heap the emulator still holds
// afterwards (retained-MB): before bodies were summarised the journal kept
// all 250 MB.
func BenchmarkRefusedLargeBodies(b *testing.B) {
	alice := DefaultUsers()[0].PSID
	head := `{"recipient":{"id":"` + alice + `"},"message":{"text":"`
	body := []byte(head + strings.Repeat("a", 25<<20-len(head)-3) + `"}}`)
	var retained float64
	for b.Loop() {
		s := New()
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		for range 10 {
			r := httptest.NewRequest("POST", "/v26.0/me/messages?access_token="+DefaultPageToken, bytes.NewReader(body))
			r.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			s.Handler().ServeHTTP(rec, r)
			if rec.Code != 400 {
				b.Fatalf("status %d", rec.Code)
			}
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		retained = (float64(after.HeapAlloc) - float64(before.HeapAlloc)) / 1e6
		runtime.KeepAlive(s)
	}
	b.ReportMetric(retained, "retained-MB")
}

// A tap keeps a short body and hashes it only when asked, and hashes a
// long one as it goes: the summary is the same either way, whatever the
// reads' sizes and whether the length was told.
func TestBodyTapSummaryAtEverySize(t *testing.T) {
	t.Parallel()
	for _, size := range []int{1, 1023, 1024, 1025, 5000, journalBodyMax - 1, journalBodyMax, journalBodyMax + 1, 3 * journalBodyMax} {
		body := make([]byte, size)
		for i := range body {
			body[i] = byte('a' + i%26)
		}
		for _, told := range []int64{-1, int64(size)} {
			tap := tapOf(iotest.HalfReader(bytes.NewReader(body)), nil) // all of it read through the tap
			_, err := io.Copy(io.Discard, tap)
			require.NoError(t, err)
			var got map[string]BodySummary
			require.NoError(t, json.Unmarshal(tap.summary(), &got))
			sum := sha256.Sum256(body)
			want := BodySummary{Prefix: string(body[:min(size, journalBodyPrefix)]), Size: int64(size), SHA256: hex.EncodeToString(sum[:]), Complete: true}
			assert.Equal(t, want, got["_body"], "size %d, told %d", size, told)
		}
	}
}

// A tap of the bytes readAll read summarises a body as a tap the whole
// body went through does: under the limit, over it (read on to the
// end), and cut short by a read error.
func TestTapOfReadBodySummaryAtEverySize(t *testing.T) {
	t.Parallel()
	errCut := errors.New("connection reset")
	for _, size := range []int{1, 1025, journalBodyMax, journalBodyMax + 1, 3 * journalBodyMax} {
		body := make([]byte, size)
		for i := range body {
			body[i] = byte('a' + i%26)
		}
		for _, limit := range []int64{int64(size), int64(size) - 1, 2 * journalBodyMax} {
			for _, told := range []int64{-1, int64(size)} {
				for _, cut := range []int{0, size / 2} {
					var r io.Reader = iotest.HalfReader(bytes.NewReader(body))
					want := body
					if cut > 0 {
						r = io.MultiReader(iotest.HalfReader(bytes.NewReader(body[:cut])), iotest.ErrReader(errCut))
						want = body[:cut]
					}
					got, err := readAll(r, told, limit)
					tap := tapOf(r, got)
					if cut > 0 {
						require.ErrorIs(t, err, errCut)
					} else {
						require.NoError(t, err)
						if int64(len(got)) > limit {
							tap.drain()
						}
					}
					var sum map[string]BodySummary
					require.NoError(t, json.Unmarshal(tap.summary(), &sum))
					h := sha256.Sum256(want)
					assert.Equal(t, BodySummary{Prefix: string(want[:min(len(want), journalBodyPrefix)]), Size: int64(len(want)),
						SHA256: hex.EncodeToString(h[:]), Complete: true}, sum["_body"], "size %d, limit %d, told %d, cut %d", size, limit, told, cut)
				}
			}
		}
	}
}

// TestJournalShortensSecretsInAnswers: the paging links of an answer carry
// the call's token and proof, as Graph writes them, to the bot; the
// journal's copy of the answer (and a batch's, whose items' bodies hold
// the links as JSON text) shortens them as it shortens the request's.
func TestJournalShortensSecretsInAnswers(t *testing.T) {
	t.Parallel()
	s := New()
	for _, name := range []string{"vip", "new"} {
		mustGraph(t, s, "POST", "/me/custom_labels", `{"page_label_name":"`+name+`"}`)
	}
	proof := defaultProof
	list := "me/custom_labels?limit=1&fields=page_label_name&access_token=" + DefaultPageToken + "&appsecret_proof=" + proof
	batch := "access_token=" + DefaultPageToken + "&appsecret_proof=" + proof + "&batch=" + url.QueryEscape(`[{"method":"GET","relative_url":"`+list+`"}]`)
	calls := []*http.Request{
		httptest.NewRequest("GET", "/v26.0/"+list, nil),
		httptest.NewRequest("POST", "/v26.0/", strings.NewReader(batch)),
		httptest.NewRequest("GET", "/v26.0/oauth/access_token?client_id=1&client_secret="+DefaultAppSecret+"&fb_exchange_token="+DefaultPageToken, nil),
	}
	calls[1].Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i, r := range calls {
		before := s.Journal().Last()
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, r)
		if i < 2 {
			require.Equal(t, 200, rec.Code, rec.Body.String())
			require.Contains(t, rec.Body.String(), "access_token="+DefaultPageToken, "the bot's answer keeps its paging links whole")
		}
		entry, err := json.Marshal(s.Journal().After(before, 0))
		require.NoError(t, err)
		assert.NotContains(t, string(entry), proof, "call %d: the proof in full", i)
		assert.NotContains(t, string(entry), DefaultPageToken, "call %d: the token in full", i)
		assert.NotContains(t, string(entry), DefaultAppSecret, "call %d: the app secret in full", i)
		if i < 2 {
			assert.Contains(t, string(entry), "access_token="+DefaultPageToken[:6]+"…", "call %d: the link's token shortened", i)
		}
	}
}

func TestRedactAnswer(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		`{"id":"1"}`: `{"id":"1"}`,
		`{"next":"https://x/?a=1&access_token=EAAMessemuTestPageToken&appsecret_proof=0123456789abcdef#f"}`: `{"next":"https://x/?a=1&access_token=EAAMes…&appsecret_proof=012345…#f"}`,
		`{"access_token":"EAAMessemuTestPageToken","page_access_token=x":1}`:                                `{"access_token":"EAAMes…","page_access_token=x":1}`,
		`[{"body":"{\"access_token\":\"EAAMessemuTestPageToken\",\"n\":\"?input_token=abcdefghij\"}"}]`:     `[{"body":"{\"access_token\":\"EAAMes…\",\"n\":\"?input_token=abcdef…\"}"}]`,
		`access_token=`: `access_token=…`,
		`{"next":"/?access_token=EAAMessemuTestPageToken\u0026appsecret_proof=0123456789abcdef"}`: `{"next":"/?access_token=EAAMes…\u0026appsecret_proof=012345…"}`,
	} {
		if got := string(redactAnswer([]byte(in))); got != want {
			t.Errorf("redactAnswer(%s)\n = %s\nwant %s", in, got, want)
		}
	}
}
