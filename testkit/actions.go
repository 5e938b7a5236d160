package testkit

import (
	"github.com/messemu/messemu/fakegraph"
)

// What a test user does. Each action is journalled and reaches the bot as
// the webhook the platform would send; it fails the test when the
// emulator refuses it (an unknown quick reply title, say).

// Attachment is a file a test user sends.
type Attachment = fakegraph.UserAttachment

// Image is a picture at url.
func Image(url string) Attachment { return Attachment{Type: "image", URL: url} }

// Audio is a voice clip or sound file at url.
func Audio(url string) Attachment { return Attachment{Type: "audio", URL: url} }

// Video is a video at url.
func Video(url string) Attachment { return Attachment{Type: "video", URL: url} }

// File is any other file at url.
func File(url string) Attachment { return Attachment{Type: "file", URL: url} }

// Sticker is a sticker by its id (369239263222822 is the thumbs-up).
func Sticker(id int64) Attachment { return Attachment{Type: "sticker", StickerID: id} }

// Says makes the user write text to the Page. It opens or refreshes the
// 24-hour window (PLATFORM.md §2.2).
func (u *User) Says(text string) {
	u.emu.t.Helper()
	if _, err := u.emu.srv.UserSends(u.emu.page.ID, u.info.PSID, fakegraph.UserMessageRequest{Text: text}); err != nil {
		u.emu.fatalf("%s says %q: %v", u.info.FirstName, text, err)
	}
}

// Sends makes the user send attachments (Image, Audio, Video, File,
// Sticker).
func (u *User) Sends(atts ...Attachment) {
	u.emu.t.Helper()
	if _, err := u.emu.srv.UserSends(u.emu.page.ID, u.info.PSID, fakegraph.UserMessageRequest{Attachments: atts}); err != nil {
		u.emu.fatalf("%s sends %d attachment(s): %v", u.info.FirstName, len(atts), err)
	}
}

// Replies makes the user quote one of the bot's messages and write text.
func (u *User) Replies(to Message, text string) {
	u.emu.t.Helper()
	if _, err := u.emu.srv.UserSends(u.emu.page.ID, u.info.PSID, fakegraph.UserMessageRequest{Text: text, ReplyTo: to.MID}); err != nil {
		u.emu.fatalf("%s replies to %s: %v", u.info.FirstName, to.MID, err)
	}
}
