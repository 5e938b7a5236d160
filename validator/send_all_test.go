package validator

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// checkSendAllAgrees holds SendAll to Send on every table case: what Send
// reports (the warnings up to the error, and the error the platform
// answers) comes first, unchanged, in SendAll's list.
func checkSendAllAgrees(t *testing.T, tc sendCase, useNumber bool, send SendCheck) {
	t.Helper()
	st := newFakeState()
	if tc.state != nil {
		tc.state(st)
	}
	all := testValidator.SendAll(decodeSchemaBody(t, tc.body, useNumber), st)
	if diff := cmp.Diff(wantBody(send.Err()), wantBody(all.Err())); diff != "" {
		t.Errorf("SendAll answers another error than Send (-Send +SendAll):\n%s", diff)
	}
	if len(all.Violations) < len(send.Violations) {
		t.Fatalf("SendAll found %d violations, Send %d:\n%s", len(all.Violations), len(send.Violations), violationsText(all.Violations))
	}
	if diff := cmp.Diff(send.Violations, all.Violations[:len(send.Violations)]); diff != "" {
		t.Errorf("SendAll's list does not start with Send's (-Send +SendAll):\n%s", diff)
	}
}

func TestSendAllFindsEveryIndependentViolation(t *testing.T) {
	t.Parallel()
	body := `{"recipient":{"id":"` + alice + `"},"messaging_type":"NOW","message":{"text":"` + rep(2001) + `","metadata":"` + rep(1001) + `",
		"quick_replies":[{"content_type":"text","title":"ok","payload":"OK"},{"content_type":"text","payload":"no title"},{"content_type":"nope"}]}}`
	all := testValidator.SendAll(decodeSchemaBody(t, body, true), newFakeState())
	var got []string
	for _, v := range all.Violations {
		got = append(got, v.Path+" "+v.Rule)
	}
	want := []string{
		"messaging_type messaging_type.enum",
		"message.text message.text.length",
		"message.metadata message.metadata.length",
		"message.quick_replies[1].title quick_reply.title",
		"message.quick_replies[2].content_type quick_reply.content_type",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("violations (-want +got):\n%s", diff)
	}
	require.NotNil(t, all.Err())
	assert.True(t, strings.HasPrefix(all.Err().Message, "(#100) Param messaging_type must be one of"), all.Err().Message)
	one := testValidator.Send(decodeSchemaBody(t, body, true), newFakeState())
	assert.Len(t, one.Violations, 1, "Send stops at the error the platform answers")
}

func TestSendAllButtonsAndElements(t *testing.T) {
	t.Parallel()
	body := to(`{"attachment":{"type":"template","payload":{"template_type":"generic","elements":[
		{"title":"A","buttons":[{"type":"postback","title":"","payload":"x"},{"type":"web_url","title":"W"}]},
		{"title":"","subtitle":"s"},
		{"title":"","image_url":"nope","buttons":[{"type":"postback","title":"P"}]},
		{"title":"C","subtitle":"ok"}]}}}`)
	all := testValidator.SendAll(decodeSchemaBody(t, body, true), newFakeState())
	var got []string
	for _, v := range all.Errors() {
		got = append(got, v.Path)
	}
	want := []string{
		"message.attachment.payload.elements[0].buttons[0].title",
		"message.attachment.payload.elements[0].buttons[1].url",
		"message.attachment.payload.elements[1].title",
		"message.attachment.payload.elements[2].title",
		"message.attachment.payload.elements[2].image_url",
		"message.attachment.payload.elements[2].buttons[0].payload",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("error paths (-want +got):\n%s\n%s", diff, violationsText(all.Violations))
	}
}

// An unknown key in the message does not hide its other fields from
// SendAll: the quick replies are judged too.
func TestSendAllGoesOnPastAnUnknownMessageKey(t *testing.T) {
	t.Parallel()
	body := `{"recipient":{"id":"` + alice + `"},"messaging_type":"RESPONSE","message":{"text":"hi","foo":1,
		"quick_replies":[{"content_type":"text","title":"","payload":""}]}}`
	all := testValidator.SendAll(decodeSchemaBody(t, body, true), newFakeState())
	var got []string
	for _, v := range all.Errors() {
		got = append(got, v.Path+" "+v.Rule)
	}
	want := []string{
		"message message.keys",
		"message.quick_replies[0].title quick_reply.title",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("errors (-want +got):\n%s\n%s", diff, violationsText(all.Violations))
	}
	require.NotNil(t, all.Err())
	assert.Contains(t, all.Err().Message, "Invalid keys", "the platform answers the unknown key")
}
