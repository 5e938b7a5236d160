package webui_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/messemu/messemu/fakegraph"
)

// flashedInView says whether the refused row flashes and lies inside the
// conversation's visible part.
const flashedInView = `(() => { const n = document.querySelector('#messages > .row.refused.flash'); if (!n) return false;
	const r = n.getBoundingClientRect(), box = document.getElementById('messages').getBoundingClientRect();
	return r.bottom > box.top && r.top < box.bottom; })()`

// TestViolationShowsAnOlderMessage: clicking the violation of a refused
// send whose row is older than those drawn draws the older rows, switches
// to its user and scrolls to the message, flashing it.
func TestViolationShowsAnOlderMessage(t *testing.T) {
	e := startEmulator(t, false)
	const bob = "6283749102837465"
	for _, psid := range []string{alice, bob} {
		_, err := e.srv.UserSends(fakegraph.DefaultPageID, psid, fakegraph.UserMessageRequest{Text: "hello"})
		require.NoError(t, err)
	}
	status, body := e.send(t, bob, map[string]any{"text": ""}, nil) // refused: empty text
	require.Equal(t, http.StatusBadRequest, status, "%v", body)
	for i := range 300 { // more than the rows a conversation draws at first
		status, body = e.send(t, bob, map[string]any{"text": fmt.Sprintf("later %d", i)}, nil)
		require.Equal(t, http.StatusOK, status, "%v", body)
	}
	b := openBrowser(t, e)
	b.open("/")
	b.do("problems only", chromedp.Click(chromedp.CSS("#f-problems")))
	b.click("#events li.ev.refused .violation")
	b.waitFor("the refused message drawn, in view and flashing", flashedInView, 10*time.Second)
	assert.Equal(t, bob, eval[string](b, `window.messemu.psid`), "Bob's conversation is shown")
	assert.Empty(t, b.consoleErrors())
}

// TestViolationShowsTheChatPaneWhenNarrow: in the narrow layout, clicking
// a violation of the user already shown switches to the chat pane.
func TestViolationShowsTheChatPaneWhenNarrow(t *testing.T) {
	e, b := openAfterHello(t)
	status, body := e.send(t, alice, map[string]any{"text": ""}, nil) // refused: empty text
	require.Equal(t, http.StatusBadRequest, status, "%v", body)
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	require.NoError(t, chromedp.Do(ctx, chromedp.EmulateViewport(420, 800)))
	b.clickText(".panes-nav button", "Inspector")
	b.click("#events li.ev.refused .violation")
	assert.Equal(t, "chat", eval[string](b, `document.getElementById('layout').dataset.pane`))
	b.waitFor("the refused message in view and flashing", flashedInView, 10*time.Second)
	assert.Empty(t, b.consoleErrors())
}

// TestInspectorSummaryKeepsEmojiWhole: a row's summary cuts a long text
// by characters, never through an emoji.
func TestInspectorSummaryKeepsEmojiWhole(t *testing.T) {
	e := startEmulator(t, false)
	text := strings.Repeat("x", 39) + "😀 and more"
	_, err := e.srv.UserSends(fakegraph.DefaultPageID, alice, fakegraph.UserMessageRequest{Text: text})
	require.NoError(t, err)
	b := openBrowser(t, e)
	b.open("/")
	got := eval[string](b, `document.querySelector('#events li.ev[data-kind=user_action] .what')?.textContent || ''`)
	assert.True(t, strings.HasSuffix(got, "“"+strings.Repeat("x", 39)+"😀”"), "summary %q", got)
	assert.Empty(t, b.consoleErrors())
}

// TestWarningBadgeNamesEachRuleOnce: two quick replies breaking the same
// rule give a badge naming it once.
func TestWarningBadgeNamesEachRuleOnce(t *testing.T) {
	e, b := openAfterHello(t)
	long := map[string]any{"content_type": "text", "title": "A very long quick reply title", "payload": "L"}
	status, body := e.send(t, alice, map[string]any{"text": "pick", "quick_replies": []any{long, long}}, nil)
	require.Equal(t, http.StatusOK, status, "%v", body)
	b.waitFor("the warning badge", `document.querySelector('#messages .row.warned .badge.warn') !== null`, 5*time.Second)
	assert.Equal(t, "⚠ quick_reply.title.length", eval[string](b, `document.querySelector('#messages .row.warned .badge.warn').textContent`))
	assert.Empty(t, b.consoleErrors())
}

// TestChatListKeepsTheLastMessage: a notice (an opt-in) leaves a user's
// last-message line in the chat list as it was.
func TestChatListKeepsTheLastMessage(t *testing.T) {
	e, b := openAfterHello(t)
	lastLine := `(document.querySelector('#user-list button[data-psid="` + alice + `"] .user-last')?.textContent || '')`
	b.waitFor("Alice's hello in the chat list", lastLine+` === 'You: hello'`, 5*time.Second)
	_, err := e.srv.UserOptsIn(fakegraph.DefaultPageID, alice, fakegraph.OptIn{Type: fakegraph.OptInCheckbox})
	require.NoError(t, err)
	b.waitFor("the opt-in drawn", `[...document.querySelectorAll('#messages .notice')].some(n => n.textContent.startsWith('Opted in'))`, 5*time.Second)
	assert.Equal(t, "You: hello", eval[string](b, lastLine), "the chat list's line after an opt-in")
	assert.Empty(t, b.consoleErrors())
}

// TestImageSentByAttachmentID: an image the bot sends by the attachment_id
// of an upload is drawn from the emulator's copy of the file.
func TestImageSentByAttachmentID(t *testing.T) {
	e, b := openAfterHello(t)
	// A 1×1 PNG, uploaded as a file part.
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89" +
		"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	require.NoError(t, mw.WriteField("message", `{"attachment":{"type":"image","payload":{"is_reusable":true}}}`))
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="filedata"; filename="dot.png"`)
	h.Set("Content-Type", "image/png")
	pw, err := mw.CreatePart(h)
	require.NoError(t, err)
	_, err = pw.Write(png)
	require.NoError(t, err)
	require.NoError(t, mw.Close())
	req, err := http.NewRequest(http.MethodPost, e.url+"/"+fakegraph.LatestVersion+"/me/message_attachments?access_token="+fakegraph.DefaultPageToken, &buf)
	require.NoError(t, err)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	var up struct {
		ID string `json:"attachment_id"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&up))
	resp.Body.Close()
	require.NotEmpty(t, up.ID, "the upload's attachment_id")

	status, body := e.send(t, alice, map[string]any{"attachment": map[string]any{"type": "image", "payload": map[string]any{"attachment_id": up.ID}}}, nil)
	require.Equal(t, http.StatusOK, status, "%v", body)
	b.waitFor("the image drawn from the upload", `[...document.querySelectorAll('#messages img')].some(i => i.getAttribute('src') === '/_messemu/v1/attachments/`+up.ID+`' && i.complete && i.naturalWidth === 1)`, 10*time.Second)
	assert.Empty(t, b.consoleErrors())
}
