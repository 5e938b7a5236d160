package fakegraph

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"mime/multipart"
	"net/http/httptest"
	"net/textproto"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// pakedImageBody builds the body paked/messenger's Response.AttachmentData
// sends: a filedata part with the sniffed Content-Type, then recipient and
// message as form fields, and no call to Close, so the closing boundary
// never comes. It returns the Content-Type header and the bytes.
func pakedImageBody(t *testing.T, psid string, file []byte) (string, []byte) {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	h := make(textproto.MIMEHeader)
	h.Set("Content-Disposition", `form-data; name="filedata"; filename="meme.jpg"`)
	h.Set("Content-Type", "image/jpeg")
	pw, err := w.CreatePart(h)
	require.NoError(t, err)
	_, err = pw.Write(file)
	require.NoError(t, err)
	require.NoError(t, w.WriteField("recipient", fmt.Sprintf(`{"id":"%v"}`, psid)))
	require.NoError(t, w.WriteField("message", fmt.Sprintf(`{"attachment":{"type":"%v", "payload":{}}}`, "image")))
	return w.FormDataContentType(), body.Bytes()
}

// postPaked sends body to /v11.0/me/messages with the token in the query,
// as paked/messenger does.
func postPaked(t *testing.T, s *Server, ct string, body []byte) apiResult {
	t.Helper()
	r := httptest.NewRequest("POST", "/v11.0/me/messages?access_token="+DefaultPageToken, bytes.NewReader(body))
	r.Header.Set("Content-Type", ct)
	return apiDo(t, s, r)
}

func violationRules(e Event) []string {
	var rules []string
	for _, v := range e.Violations {
		rules = append(rules, v.Rule)
	}
	return rules
}

// TestMultipartWithoutClosingBoundary: paked/messenger's unterminated
// upload is read to its end (PLATFORM.md D27): the image is stored as
// sent, the message part is read whole, and the journal warns.
func TestMultipartWithoutClosingBoundary(t *testing.T) {
	t.Parallel()
	s := newTestServer(t)
	userWrites(t, s, alice)
	jpeg := []byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\r\n--not-the-boundary\r\n\xff\xd9")
	ct, body := pakedImageBody(t, alice, jpeg)
	require.False(t, bytes.Contains(body, []byte("--\r\n")), "the body must lack its closing boundary")

	res := postPaked(t, s, ct, body)
	wantOK(t, res, nil)
	assert.Equal(t, alice, res.str("recipient_id"))
	assert.NotEmpty(t, res.str("message_id"))
	e := lastRequest(t, s)
	assert.True(t, e.Accepted)
	assert.Contains(t, violationRules(e), ruleMultipartClose.Name)
	msgs, err := s.Thread(DefaultPageID, alice)
	require.NoError(t, err)
	last := msgs[len(msgs)-1]
	assert.Contains(t, string(last.Body), `"type":"image"`)
	var sent struct {
		Attachment struct {
			Payload struct {
				AttachmentID string `json:"attachment_id"`
			} `json:"payload"`
		} `json:"attachment"`
	}
	require.NoError(t, json.Unmarshal(last.Body, &sent), "%s", last.Body)
	stored, ok := s.Attachment(DefaultPageID, sent.Attachment.Payload.AttachmentID)
	require.True(t, ok, "the uploaded file is kept: %s", last.Body)
	require.NotNil(t, stored.File)
	assert.Equal(t, jpeg, stored.File.Data)
	assert.Equal(t, "image/jpeg", stored.File.ContentType)
}

// TestMultipartUnclosedEdges: a body whose last delimiter lacks only its
// dashes is read; one cut inside a part's headers cannot be and is
// refused; a closed body carries no warning.
func TestMultipartUnclosedEdges(t *testing.T) {
	t.Parallel()
	jpeg := []byte("\xff\xd8\xff\xd9")
	cases := []struct {
		name   string
		tail   func(boundary string) string
		ok     bool
		warned bool
	}{
		{"no closing boundary", func(string) string { return "" }, true, true},
		{"closing dashes missing", func(b string) string { return "\r\n--" + b }, true, true},
		{"one closing dash", func(b string) string { return "\r\n--" + b + "-" }, true, true},
		{"closed", func(b string) string { return "\r\n--" + b + "--\r\n" }, true, false},
		{"headers cut short", func(b string) string { return "\r\n--" + b + "\r\nContent-Disposition: form-da" }, false, false},
		// Whole header lines with no empty line after them: the closing
		// delimiter's own line break must not end them.
		{"headers cut after a line", func(b string) string {
			return "\r\n--" + b + "\r\nContent-Disposition: form-data; name=\"x\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n"
		}, false, false},
		{"headers cut after the delimiter line", func(b string) string { return "\r\n--" + b + "\r\n" }, false, false},
		{"a part with no headers, empty", func(b string) string { return "\r\n--" + b + "\r\n\r\n" }, true, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newTestServer(t)
			userWrites(t, s, alice)
			ct, body := pakedImageBody(t, alice, jpeg)
			_, params, err := mime.ParseMediaType(ct)
			require.NoError(t, err)
			body = append(body, tc.tail(params["boundary"])...)
			res := postPaked(t, s, ct, body)
			if !tc.ok {
				wantError(t, res, 100, 0, msgInvalid)
				return
			}
			wantOK(t, res, nil)
			e := lastRequest(t, s)
			assert.Equal(t, tc.warned, containsString(violationRules(e), ruleMultipartClose.Name), "violations %+v", e.Violations)
		})
	}
}

// TestUploadFileParts: PLATFORM.md §3 wants exactly one file part; a
// second one under another name is file-count, and a lone file part not
// named filedata is not the upload.
func TestUploadFileParts(t *testing.T) {
	t.Parallel()
	png := []byte("\x89PNG\r\n\x1a\nfake")
	msg := part{name: "message", data: messageJSON(t, "image", map[string]any{"is_reusable": true})}
	s := newTestServer(t)
	res := apiMultipart(t, s, "/me/message_attachments", msg,
		part{name: "filedata", fileName: "a.png", contentType: "image/png", data: png},
		part{name: "thumbnail", fileName: "b.png", contentType: "image/png", data: png})
	wantError(t, res, 100, 2018005, msgFileCount)

	// paked/messenger's first Image() named its part "fielddata".
	res = apiMultipart(t, s, "/me/message_attachments", msg,
		part{name: "fielddata", fileName: "meme.jpg", contentType: "image/png", data: png})
	wantError(t, res, 100, 2018005, msgFileCount)
	assert.Contains(t, violationRules(lastEvent(t, s)), ruleFilePart.Name)
}

// lastRequest is the newest Graph request in the journal (receipts of a
// send are journalled after it).
func lastRequest(t *testing.T, s *Server) Event {
	t.Helper()
	return lastOfKind(t, s, KindRequest)
}

// lastOfKind is the journal's newest event of kind.
func lastOfKind(t *testing.T, s *Server, kind EventKind) Event {
	t.Helper()
	evs := s.Journal().After(0, 0)
	for i := len(evs) - 1; i >= 0; i-- {
		if evs[i].Kind == kind {
			return evs[i]
		}
	}
	t.Fatalf("no %s event in the journal", kind)
	return Event{}
}

// TestMultipartUnclosedAfterALineBreak: a body that stops after the line
// break that starts the next delimiter (or within the delimiter) is read as
// if closed there: the line break is not the last value's (D27).
func TestMultipartUnclosedAfterALineBreak(t *testing.T) {
	t.Parallel()
	const b = "XyZ"
	base := "--" + b + "\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nSupport\r\n" +
		"--" + b + "\r\nContent-Disposition: form-data; name=\"profile_picture_url\"\r\n\r\nhttps://example.com/p.png"
	for _, tail := range []string{"\r\n", "\r\n-", "\r\n--", "\r\n--X", "\r\n--" + b, "\r\n--" + b + "-"} {
		s := New()
		req := httptest.NewRequest("POST", "/me/personas?access_token="+DefaultPageToken, strings.NewReader(base+tail))
		req.Header.Set("Content-Type", "multipart/form-data; boundary="+b)
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		if rec.Code != 200 {
			t.Errorf("tail %q: %d %s", tail, rec.Code, rec.Body)
			continue
		}
		ps, _ := s.Personas(DefaultPageID)
		if len(ps) != 1 || ps[0].ProfilePictureURL != "https://example.com/p.png" {
			t.Errorf("tail %q: personas %+v", tail, ps)
		}
	}
}

// TestMultipartUnclosedFileKeepsItsLineBreak: an unclosed body whose last
// part is a file ending in a line break (a CSV) keeps the file whole: the
// line break may be the file's own (D27's client never closes its body).
func TestMultipartUnclosedFileKeepsItsLineBreak(t *testing.T) {
	t.Parallel()
	s := New()
	const b = "XyZ"
	csv := "a,b\r\n1,2\r\n"
	body := "--" + b + "\r\nContent-Disposition: form-data; name=\"message\"\r\n\r\n" + `{"attachment":{"type":"file","payload":{"is_reusable":true}}}` + "\r\n" +
		"--" + b + "\r\nContent-Disposition: form-data; name=\"filedata\"; filename=\"t.csv\"\r\nContent-Type: text/csv\r\n\r\n" + csv
	req := httptest.NewRequest("POST", "/me/message_attachments?access_token="+DefaultPageToken, strings.NewReader(body))
	req.Header.Set("Content-Type", "multipart/form-data; boundary="+b)
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	if rec.Code != 200 {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	e := lastRequest(t, s)
	if !strings.Contains(string(e.Request), `"size":10`) {
		t.Errorf("the file was not kept whole (10 bytes): %s", e.Request)
	}
}

// TestMultipartSendKeepsTheEnvelopesWarnings: a multipart send is judged
// in two passes (the envelope before the file); the warnings of the first
// (a null taken as absent, a tag ignored) are kept, as a JSON send's are.
func TestMultipartSendKeepsTheEnvelopesWarnings(t *testing.T) {
	t.Parallel()
	s := New()
	userWrites(t, s, alice)
	const b = "XyZ"
	part := func(name, value string) string {
		return "--" + b + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n"
	}
	body := part("recipient", `{"id":"`+alice+`"}`) + part("messaging_type", "RESPONSE") + part("tag", "HUMAN_AGENT") +
		part("reply_to", "null") + part("message", `{"text":"hi"}`) + "--" + b + "--\r\n"
	req := httptest.NewRequest("POST", "/me/messages?access_token="+DefaultPageToken, strings.NewReader(body))
	req.Header.Set("Content-Type", "multipart/form-data; boundary="+b)
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	if rec.Code != 200 {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	var got []string
	for _, v := range lastRequest(t, s).Violations {
		got = append(got, v.Rule+"@"+v.Path)
	}
	for _, want := range []string{"lenient.null-or-empty@reply_to", "tag.ignored@tag"} {
		if !containsString(got, want) {
			t.Errorf("violations %v lack %s", got, want)
		}
	}
}

// TestHeadersCut: where an unclosed body's last part stands.
func TestHeadersCut(t *testing.T) {
	t.Parallel()
	const head = "--b\r\nContent-Disposition: form-data; name=\"m\"\r\n"
	for body, want := range map[string]bool{
		head:                              true,  // header lines, no empty line
		"--b\r\n":                         true,  // the delimiter line only
		head + "\r\nvalue":                false, // headers ended: the value runs to the end
		head + "\r\nv--b\r\nX: y\r\n":     false, // the boundary's text within the value
		head + "\r\nv\r\n--b\r\nX: y\r\n": true,  // a second part, cut in its headers
		head + "\r\nv\r\n--b\r\n\r\n":     false, // a second part with no headers
		head + "\r\nv\r\n--b":             false, // the start of a delimiter
		head + "\r\nv\r\n--b--":           false, // the closing one
		"no delimiter at all":             false,
	} {
		if got := headersCut([]byte(body), "b"); got != want {
			t.Errorf("headersCut(%q) = %v, want %v", body, got, want)
		}
	}
}
