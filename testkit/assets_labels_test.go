package testkit_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/messemu/messemu/testkit"
)

// A bot uploads a picture once and sends it by attachment_id: the
// message's URL is the one it was uploaded from, as the echo says, so
// CheckAttachment reads the same whether the bot sent a URL or an id.
func TestAttachmentURLOfASavedAsset(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	alice := emu.User("Alice")
	alice.Says("cat?")
	up := post(t, emu, "me/message_attachments", `{"message":{"attachment":{"type":"image","payload":{"url":"https://example.com/cat.png","is_reusable":true}}}}`)
	id, _ := up["attachment_id"].(string)
	if id == "" {
		t.Fatalf("upload answered %v", up)
	}
	post(t, emu, "me/messages", fmt.Sprintf(`{"recipient":{"id":%q},"messaging_type":"RESPONSE","message":{"attachment":{"type":"image","payload":{"attachment_id":%q}}}}`, alice.PSID(), id))
	msg := alice.NextMessage(t)
	if msg.AttachmentID() != id {
		t.Errorf("AttachmentID = %q, want %q", msg.AttachmentID(), id)
	}
	testkit.CheckAttachment(t, msg, "image", "https://example.com/cat.png")
	emu.CheckNoViolations(t)
}

// Labels lists the labels the bot put on the user.
func TestUserLabels(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	alice, bob := emu.User("Alice"), emu.User("Bob")
	if got := alice.Labels(); len(got) != 0 {
		t.Errorf("a new user's labels = %q", got)
	}
	var ids []string
	for _, name := range []string{"vip", "returning"} {
		l := post(t, emu, "me/custom_labels", fmt.Sprintf(`{"page_label_name":%q}`, name))
		id, _ := l["id"].(string)
		ids = append(ids, id)
	}
	for _, id := range ids {
		post(t, emu, id+"/label", fmt.Sprintf(`{"user":%q}`, alice.PSID()))
	}
	post(t, emu, ids[1]+"/label", fmt.Sprintf(`{"user":%q}`, bob.PSID()))
	if got, want := alice.Labels(), []string{"vip", "returning"}; !slices.Equal(got, want) {
		t.Errorf("Alice's labels = %q, want %q", got, want)
	}
	if got, want := bob.Labels(), []string{"returning"}; !slices.Equal(got, want) {
		t.Errorf("Bob's labels = %q, want %q", got, want)
	}
}

// The conversation says what the platform's rules look at: a jump of the
// virtual clock, a message's tag and the persona it speaks as (by name).
func TestConversationShowsClockJumpsTagsAndPersonas(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	alice := emu.User("Alice")
	alice.Says("help")
	p := post(t, emu, "me/personas", `{"name":"Sam from Support","profile_picture_url":"https://example.com/sam.png"}`)
	persona, _ := p["id"].(string)
	post(t, emu, "me/messages", fmt.Sprintf(`{"recipient":{"id":%q},"messaging_type":"RESPONSE","persona_id":%q,"message":{"text":"Sam here."}}`, alice.PSID(), persona))
	alice.NextMessage(t)
	emu.Advance(30 * time.Hour)
	post(t, emu, "me/messages", fmt.Sprintf(`{"recipient":{"id":%q},"messaging_type":"MESSAGE_TAG","tag":"HUMAN_AGENT","message":{"text":"Still there?"}}`, alice.PSID()))
	alice.NextMessage(t)
	conv := alice.Conversation().String()
	for _, want := range []string{
		`bot: "Sam here." (as persona Sam from Support)`,
		"  … 30h0m0s later\n",
		`bot: "Still there?" (tag HUMAN_AGENT)`,
	} {
		if !strings.Contains(conv, want) {
			t.Errorf("conversation lacks %q:\n%s", want, conv)
		}
	}
}
