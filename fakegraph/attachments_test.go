package fakegraph

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/messemu/messemu/validator"
)

func uploadMessage(typ string, payload map[string]any) map[string]any {
	att := map[string]any{"type": typ}
	if payload != nil {
		att["payload"] = payload
	}
	return map[string]any{"attachment": att}
}

func messageJSON(t testing.TB, typ string, payload map[string]any) []byte {
	t.Helper()
	b, err := json.Marshal(uploadMessage(typ, payload))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

const (
	msgFileCount   = "(#100) Incorrect number of files uploaded. Must upload exactly one file."
	msgTooLarge    = "(#100) Attachment size exceeds allowable limit"
	msgUploadFail  = "(#100) Upload attachment failure."
	msgFetchFailed = "(#100) Failed to fetch the file from the url"
	msgInvalid     = "(#100) Invalid parameter"
	msgAttachID    = "(#100) Possible invalid ID or you do not own the attachment."
)

func TestUploadByURL(t *testing.T) {
	t.Parallel()
	reusable := map[string]any{"is_reusable": true}
	withURL := func(u string) map[string]any { return map[string]any{"url": u, "is_reusable": true} }
	tests := []struct {
		name    string
		body    map[string]any
		code    int
		subcode int
		message string
	}{
		{"image https", map[string]any{"message": uploadMessage("image", withURL("https://example.com/cat.png"))}, 0, 0, ""},
		{"audio http", map[string]any{"message": uploadMessage("audio", withURL("http://example.com/a.mp3"))}, 0, 0, ""},
		{"video", map[string]any{"message": uploadMessage("video", withURL("https://example.com/v.mp4"))}, 0, 0, ""},
		{"file", map[string]any{"message": uploadMessage("file", withURL("https://example.com/f.pdf"))}, 0, 0, ""},
		{"template type", map[string]any{"message": uploadMessage("template", withURL("https://example.com/x"))}, 100, 0,
			`(#100) Param message[attachment][type] must be one of {image, audio, video, file} - got "template".`},
		{"no type", map[string]any{"message": map[string]any{"attachment": map[string]any{"payload": reusable}}}, 100, 0,
			"(#100) The parameter message[attachment][type] is required"},
		{"no message", map[string]any{}, 100, 0, "(#100) The parameter message is required"},
		{"no attachment", map[string]any{"message": map[string]any{}}, 100, 0, "(#100) The parameter message[attachment] is required"},
		{"text alone", map[string]any{"message": map[string]any{"text": "hi"}}, 100, 0, "(#100) The parameter message[attachment] is required"},
		{"text and attachment", map[string]any{"message": map[string]any{"text": "hi", "attachment": uploadMessage("image", withURL("https://example.com/cat.png"))["attachment"]}},
			100, 2018018, "(#100) Only one of text or attachment can be specified"},
		{"ftp url", map[string]any{"message": uploadMessage("image", withURL("ftp://example.com/cat.png"))}, 100, 2018008, msgFetchFailed},
		{"relative url", map[string]any{"message": uploadMessage("image", withURL("/cat.png"))}, 100, 2018008, msgFetchFailed},
		{"no host", map[string]any{"message": uploadMessage("image", withURL("https://"))}, 100, 2018008, msgFetchFailed},
		{"no url no file", map[string]any{"message": uploadMessage("image", reusable)}, 100, 2018005, msgFileCount},
		{"url not text", map[string]any{"message": uploadMessage("image", map[string]any{"url": true})}, 100, 0,
			"(#100) Param message[attachment][payload][url] must be a non-empty UTF-8 encoded string"},
		// A number is text (§1.3), as on /messages: not an http(s) URL.
		{"url a number", map[string]any{"message": uploadMessage("image", map[string]any{"url": 12})}, 100, 2018008, msgFetchFailed},
		{"type null", map[string]any{"message": map[string]any{"attachment": map[string]any{"type": nil, "payload": reusable}}}, 100, 0,
			"(#100) The parameter message[attachment][type] is required"},
		{"no payload", map[string]any{"message": map[string]any{"attachment": map[string]any{"type": "image"}}}, 100, 0,
			"(#100) The parameter message[attachment][payload] is required"},
		{"payload null", map[string]any{"message": map[string]any{"attachment": map[string]any{"type": "image", "payload": nil}}}, 100, 0,
			"(#100) The parameter message[attachment][payload] is required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newTestServer(t)
			res := apiJSON(t, s, "POST", "/v26.0/me/message_attachments", tt.body)
			if tt.code != 0 {
				wantError(t, res, tt.code, tt.subcode, tt.message)
				return
			}
			wantOK(t, res, nil)
			id := res.str("attachment_id")
			if len(id) < 15 || len(id) > 16 || !isDigits(id) {
				t.Fatalf("attachment_id %q is not a 15-16 digit string", id)
			}
			a, ok := s.Attachment(DefaultPageID, id)
			if !ok || a.URL == "" || !a.Reusable {
				t.Fatalf("stored attachment %+v, %v", a, ok)
			}
			if v := lastEvent(t, s).Violations; len(v) != 0 {
				t.Fatalf("is_reusable:true drew violations: %+v", v)
			}
		})
	}
}

func TestUploadNotReusableWarns(t *testing.T) {
	t.Parallel()
	s := newTestServer(t)
	res := apiJSON(t, s, "POST", "/me/message_attachments", map[string]any{
		"message": uploadMessage("image", map[string]any{"url": "https://example.com/cat.png"}),
	})
	wantOK(t, res, nil)
	e := lastEvent(t, s)
	if !e.Accepted || len(e.Violations) != 1 || e.Violations[0].Rule != ruleUploadReusable.Name || e.Violations[0].Severity != validator.SeverityWarning {
		t.Fatalf("want one is_reusable warning, got %+v", e.Violations)
	}
	if e.API != "attachments" {
		t.Fatalf("journal api %q", e.API)
	}
}

func TestUploadMultipart(t *testing.T) {
	t.Parallel()
	png := []byte("\x89PNG\r\n\x1a\nfake")
	msg := func(typ string) part {
		return part{name: "message", data: messageJSON(t, typ, map[string]any{"is_reusable": true})}
	}
	file := func(ct string, data []byte) part {
		return part{name: "filedata", fileName: "f.bin", contentType: ct, data: data}
	}
	tests := []struct {
		name    string
		parts   []part
		subcode int
		message string
	}{
		{"message first", []part{msg("image"), file("image/png", png)}, 0, ""},
		{"file first", []part{file("image/png", png), msg("image")}, 0, ""},
		{"content type params", []part{msg("image"), file("image/jpeg; name=x.jpg", png)}, 0, ""},
		{"file takes any type", []part{msg("file"), file("application/pdf", png)}, 0, ""},
		{"audio", []part{msg("audio"), file("audio/mpeg", png)}, 0, ""},
		{"video", []part{msg("video"), file("video/mp4", png)}, 0, ""},
		{"image as pdf", []part{msg("image"), file("application/pdf", png)}, 2018047, msgUploadFail},
		{"audio as video", []part{msg("audio"), file("video/mp4", png)}, 2018047, msgUploadFail},
		{"video as octet-stream", []part{msg("video"), file("application/octet-stream", png)}, 2018047, msgUploadFail},
		{"no file", []part{msg("image")}, 2018005, msgFileCount},
		// A filedata part that says its type is a file without a file name
		// (Node's form-data sends a Buffer so); a bare text field is not.
		{"file without a file name", []part{msg("image"), {name: "filedata", contentType: "image/png", data: png}}, 0, ""},
		{"filedata as a text field", []part{msg("file"), {name: "filedata", data: []byte("hello")}}, 2018005, msgFileCount},
		{"two files", []part{msg("image"), file("image/png", png), file("image/png", png)}, 2018005, msgFileCount},
		{"file and url", []part{{name: "message", data: messageJSON(t, "image", map[string]any{"url": "https://example.com/a.png"})}, file("image/png", png)}, 0, msgInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newTestServer(t)
			res := apiMultipart(t, s, "/me/message_attachments", tt.parts...)
			if tt.message != "" {
				wantError(t, res, 100, tt.subcode, tt.message)
				return
			}
			wantOK(t, res, nil)
			a, ok := s.Attachment(DefaultPageID, res.str("attachment_id"))
			if !ok || a.File == nil || !bytes.Equal(a.File.Data, png) {
				t.Fatalf("stored attachment %+v, %v", a, ok)
			}
		})
	}
}

func TestUploadSizeBoundary(t *testing.T) {
	t.Parallel()
	for _, n := range []int{MaxAttachmentSize, MaxAttachmentSize + 1} {
		s := newTestServer(t)
		res := apiMultipart(t, s, "/me/message_attachments",
			part{name: "message", data: messageJSON(t, "file", map[string]any{"is_reusable": true})},
			part{name: "filedata", fileName: "big.bin", contentType: "application/octet-stream", data: make([]byte, n)})
		if n == MaxAttachmentSize {
			wantOK(t, res, nil)
			continue
		}
		wantError(t, res, 100, 2018109, msgTooLarge)
	}
}

// TestUploadChunked sends a multipart upload, file first, over a socket
// with chunked transfer encoding (no Content-Length).
func TestUploadChunked(t *testing.T) {
	t.Parallel()
	s := newTestServer(t)
	chunked := make(chan bool, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		chunked <- len(r.TransferEncoding) > 0 && r.TransferEncoding[0] == "chunked"
		s.Handler().ServeHTTP(w, r)
	}))
	defer srv.Close()
	ct, body := multipartBody(t,
		part{name: "filedata", fileName: "cat.png", contentType: "image/png", data: bytes.Repeat([]byte("x"), 100000)},
		part{name: "message", data: messageJSON(t, "image", map[string]any{"is_reusable": true})},
		part{name: "access_token", data: []byte(DefaultPageToken)})
	pr, pw := io.Pipe()
	go func() {
		// Write in small pieces so the body arrives in many chunks.
		for i := 0; i < len(body); i += 4096 {
			if _, err := pw.Write(body[i:min(i+4096, len(body))]); err != nil {
				pw.CloseWithError(err)
				return
			}
		}
		pw.Close()
	}()
	req, err := http.NewRequest("POST", srv.URL+"/v26.0/me/message_attachments", pr)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", ct)
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || !strings.Contains(string(raw), `"attachment_id":"`) {
		t.Fatalf("status %d: %s", resp.StatusCode, raw)
	}
	if !<-chunked {
		t.Fatal("the request was not sent chunked")
	}
}

func sendBody(psid string, message map[string]any) map[string]any {
	return map[string]any{"recipient": map[string]any{"id": psid}, "messaging_type": "RESPONSE", "message": message}
}

func TestSendReusableAndReuse(t *testing.T) {
	t.Parallel()
	s := newTestServer(t)
	userWrites(t, s, alice)
	res := apiJSON(t, s, "POST", "/me/messages", sendBody(alice, uploadMessage("image", map[string]any{"url": "https://example.com/cat.png", "is_reusable": true})))
	wantOK(t, res, nil)
	id := res.str("attachment_id")
	if id == "" || res.str("message_id") == "" || res.str("recipient_id") != alice {
		t.Fatalf("answer %s", res.raw)
	}
	// Without is_reusable no attachment_id.
	res = apiJSON(t, s, "POST", "/me/messages", sendBody(alice, uploadMessage("image", map[string]any{"url": "https://example.com/cat.png"})))
	wantOK(t, res, nil)
	if _, ok := res.body["attachment_id"]; ok {
		t.Fatalf("attachment_id without is_reusable: %s", res.raw)
	}
	// The saved id works for a later send, and GET /{id} finds it.
	res = apiJSON(t, s, "POST", "/me/messages", sendBody(alice, uploadMessage("image", map[string]any{"attachment_id": id})))
	wantOK(t, res, nil)
	wantOK(t, apiJSON(t, s, "GET", "/v26.0/"+id, nil), map[string]any{"id": id})
	// DELETE forgets it.
	wantOK(t, apiJSON(t, s, "DELETE", "/"+id, nil), map[string]any{"success": true})
	wantError(t, apiJSON(t, s, "GET", "/"+id, nil), 100, 33,
		"Unsupported get request. Object with ID '"+id+"' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api",
		"GraphMethodException")
}

func TestSendMultipartFiledata(t *testing.T) {
	t.Parallel()
	s := newTestServer(t)
	userWrites(t, s, alice)
	png := []byte("png bytes")
	recipient := part{name: "recipient", data: []byte(`{"id":"` + alice + `"}`)}
	file := part{name: "filedata", fileName: "cat.png", contentType: "image/png", data: png}

	// File first, reusable: the answer carries attachment_id.
	res := apiMultipart(t, s, "/me/messages", file, recipient,
		part{name: "message", data: messageJSON(t, "image", map[string]any{"is_reusable": true})})
	wantOK(t, res, nil)
	id := res.str("attachment_id")
	if a, ok := s.Attachment(DefaultPageID, id); !ok || !bytes.Equal(a.File.Data, png) {
		t.Fatalf("reusable upload not stored: %+v", a)
	}
	// Not reusable (the empty payload messaging-api-messenger sends): no
	// attachment_id, and the file cannot be named again.
	res = apiMultipart(t, s, "/me/messages", recipient, file,
		part{name: "message", data: messageJSON(t, "image", map[string]any{})})
	wantOK(t, res, nil)
	if _, ok := res.body["attachment_id"]; ok {
		t.Fatalf("attachment_id without is_reusable: %s", res.raw)
	}
	// The same rules as the Upload API.
	wantError(t, apiMultipart(t, s, "/me/messages", recipient,
		part{name: "message", data: messageJSON(t, "image", map[string]any{"is_reusable": true})}), 100, 2018005, msgFileCount)
	wantError(t, apiMultipart(t, s, "/me/messages", recipient,
		part{name: "filedata", fileName: "x.pdf", contentType: "application/pdf", data: png},
		part{name: "message", data: messageJSON(t, "image", map[string]any{})}), 100, 2018047, msgUploadFail)
	// The attachment's payload is required with a file as without one
	// (§2.4), and the message comes before the file: even a file of the
	// wrong type gets required.
	before := countAttachments(s)
	for _, f := range []part{file, {name: "filedata", fileName: "x.pdf", contentType: "application/pdf", data: png}} {
		wantError(t, apiMultipart(t, s, "/me/messages", recipient, f,
			part{name: "message", data: messageJSON(t, "image", nil)}), 100, 0, "(#100) The parameter message[attachment][payload] is required")
	}
	wantError(t, apiMultipart(t, s, "/me/messages", recipient,
		part{name: "message", data: messageJSON(t, "image", nil)}), 100, 0, "(#100) The parameter message[attachment][payload] is required")
	// A refused send keeps nothing.
	res = apiMultipart(t, s, "/me/messages", part{name: "recipient", data: []byte(`{"id":"1234"}`)}, file,
		part{name: "message", data: messageJSON(t, "image", map[string]any{"is_reusable": true})})
	wantError(t, res, 100, 2018001, "(#100) No matching user found")
	if n := countAttachments(s); n != before {
		t.Fatalf("a refused send left %d attachments, want %d", n, before)
	}
}

func countAttachments(s *Server) int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.pages[DefaultPageID].attachments)
}

// An echo gives a saved asset the bot named by attachment_id as a URL, as
// the platform's echoes do (their media payload is {"url"}): the URL it
// was uploaded from, or for an uploaded file the control API's copy,
// which serves the bytes so that they cannot act in the web page.
func TestEchoOfASavedAssetCarriesItsURL(t *testing.T) {
	t.Parallel()
	s := newTestServer(t)
	userWrites(t, s, alice)
	png := []byte("\x89PNG\r\n\x1a\nfake")
	up := apiMultipart(t, s, "/me/message_attachments",
		part{name: "message", data: messageJSON(t, "image", map[string]any{"is_reusable": true})},
		part{name: "filedata", fileName: "cat.png", contentType: "image/png", data: png})
	wantOK(t, up, nil)
	fileID := up.str("attachment_id")
	byURL := apiJSON(t, s, "POST", "/me/message_attachments", map[string]any{
		"message": uploadMessage("image", map[string]any{"url": "https://example.com/dog.png", "is_reusable": true})})
	wantOK(t, byURL, nil)

	echoOf := func(id string) map[string]any {
		t.Helper()
		res := apiJSON(t, s, "POST", "/me/messages", map[string]any{"recipient": recipient(alice), "messaging_type": "RESPONSE",
			"message": map[string]any{"attachment": map[string]any{"type": "image", "payload": map[string]any{"attachment_id": id}}}})
		wantOK(t, res, nil)
		mid := res.str("message_id")
		for _, e := range s.Journal().Find(0, func(e *Event) bool { return e.Kind == KindReceipt && e.MID == mid && e.API == FieldMessageEchoes }) {
			h, ok := e.Hook()
			require.True(t, ok)
			var item struct {
				Message struct {
					Attachments []struct {
						Type    string         `json:"type"`
						Payload map[string]any `json:"payload"`
					} `json:"attachments"`
				} `json:"message"`
			}
			require.NoError(t, json.Unmarshal(h.Event, &item))
			require.Len(t, item.Message.Attachments, 1)
			return item.Message.Attachments[0].Payload
		}
		t.Fatalf("no echo of %s", mid)
		return nil
	}
	assert.Equal(t, map[string]any{"url": "https://example.com/dog.png"}, echoOf(byURL.str("attachment_id")))
	fileURL := "http://example.com" + ControlPrefix + "attachments/" + fileID + "?page_id=" + DefaultPageID
	assert.Equal(t, map[string]any{"url": fileURL}, echoOf(fileID), "httptest's requests are to example.com")

	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, httptest.NewRequest("GET", fileURL, nil))
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	assert.Equal(t, png, rec.Body.Bytes())
	assert.Equal(t, "image/png", rec.Header().Get("Content-Type"))
	assert.Equal(t, "nosniff", rec.Header().Get("X-Content-Type-Options"))
	assert.Contains(t, rec.Header().Get("Content-Security-Policy"), "sandbox")

	rec = httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, httptest.NewRequest("GET", ControlPrefix+"attachments/"+byURL.str("attachment_id"), nil))
	assert.Equal(t, http.StatusFound, rec.Code)
	assert.Equal(t, "https://example.com/dog.png", rec.Header().Get("Location"))
	rec = httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, httptest.NewRequest("GET", ControlPrefix+"attachments/1234567890123456", nil))
	assert.Equal(t, http.StatusNotFound, rec.Code)
}

// A parameter the Upload API does not take is ignored with a warning
// (PLATFORM.md §1.3): a recipient, as if the upload were a send.
func TestUploadWarnsOfUnknownParams(t *testing.T) {
	t.Parallel()
	s := newTestServer(t)
	res := apiJSON(t, s, "POST", "/me/message_attachments", map[string]any{"recipient": recipient(alice),
		"message": uploadMessage("image", map[string]any{"url": "https://example.com/cat.png", "is_reusable": true})})
	wantOK(t, res, nil)
	e := lastRequest(t, s)
	require.Len(t, e.Violations, 1)
	assert.Equal(t, ruleUploadParam.Name, e.Violations[0].Rule)
	assert.Equal(t, "recipient", e.Violations[0].Path)
}
