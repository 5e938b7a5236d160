package fakegraph

import (
	"strings"
	"testing"
	"time"
)

func TestAttachmentIDRules(t *testing.T) {
	t.Parallel()
	other := Page{ID: "209876543210987", Name: "Other", Token: "EAAOtherPageToken"}
	s := newTestServer(t, WithPage(Page{ID: DefaultPageID, Name: DefaultPageName, Token: DefaultPageToken}), WithPage(other),
		WithUsers(DefaultUsers()...))
	userWrites(t, s, alice)
	upload := func(token string) string {
		res := apiJSON(t, s, "POST", "/me/message_attachments?access_token="+token,
			map[string]any{"message": uploadMessage("image", map[string]any{"url": "https://example.com/a.png", "is_reusable": true})})
		wantOK(t, res, nil)
		return res.str("attachment_id")
	}
	mine, foreign := upload(DefaultPageToken), upload(other.Token)
	send := func(id string) apiResult {
		return apiJSON(t, s, "POST", "/me/messages", sendBody(alice, uploadMessage("image", map[string]any{"attachment_id": id})))
	}
	wantOK(t, send(mine), nil)
	wantError(t, send(foreign), 100, 2018074, msgAttachID)
	if v := lastEvent(t, s).Violations; len(v) == 0 || !strings.Contains(v[len(v)-1].Detail, "another Page") {
		t.Fatalf("the journal does not say the id is another Page's: %+v", v)
	}
	wantError(t, send("1234567890123456"), 100, 2018074, msgAttachID)
	// 90 days on the virtual clock: the last moment before works, then not.
	s.Clock().Advance(AttachmentLife - time.Second)
	userWrites(t, s, alice)
	wantOK(t, send(mine), nil)
	s.Clock().Advance(time.Second)
	userWrites(t, s, alice)
	wantError(t, send(mine), 100, 2018074, msgAttachID)
}
