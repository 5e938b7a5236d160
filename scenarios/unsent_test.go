package scenarios

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/messemu/messemu/fakegraph"
)

// subscribePage subscribes the emulator's Page to fields, as a bot does
// with POST /me/subscribed_apps.
func subscribePage(t *testing.T, emu *fakegraph.Server, fields string) {
	t.Helper()
	resp, err := http.Post(emu.URL()+"/v26.0/me/subscribed_apps?subscribed_fields="+fields+"&access_token="+fakegraph.DefaultPageToken, "", nil)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
}

// runOne runs the scenario src and answers its result.
func runOne(t *testing.T, emu *fakegraph.Server, r *Runner, src string) Result {
	t.Helper()
	all, err := Parse("unsent.yaml", []byte(src))
	require.NoError(t, err)
	r.Emulator = emu.URL()
	rep, err := r.Run(context.Background(), all)
	require.NoError(t, err)
	require.Len(t, rep.Results, 1)
	return rep.Results[0]
}

// A tap whose field (messaging_postbacks) the bot's Page is not
// subscribed to never reaches the bot, as on the platform, and the
// journal has no delivery attempt for it: the expectation after it says
// so, with the subscription that would carry it, after a short grace
// rather than its whole wait.
func TestExpectSaysATapWasNotSentForWantOfASubscription(t *testing.T) {
	t.Parallel()
	emu := startEmulator(t)
	subscribePage(t, emu, "messages")
	res := runOne(t, emu, &Runner{Wait: time.Minute}, `name: buys a mug
steps:
  - says: mugs
  - expect: {template: generic}
  - taps_button: {payload: BUY_RED}
  - expect: {text: "postback BUY_RED"}
`)
	assert.Contains(t, res.Failure, "unsent.yaml:6:5: expect: no message from the bot can come: nothing the user did since its last message was sent to the bot:\n"+
		`      (taps postback "Buy"): the Page is not subscribed to messaging_postbacks (subscribed: messages); `+
		"the bot subscribes it with POST /me/subscribed_apps?subscribed_fields=messages,messaging_postbacks\n")
	assert.Contains(t, res.Failure, `text: "postback BUY_RED"`, "the failure shows what was expected")
}

// An action the webhook's own fields leave out is named on a timeout too,
// when something else the user did was sent and might have been answered.
func TestExpectTimeoutNamesTheWebhooksFields(t *testing.T) {
	t.Parallel()
	emu := startEmulator(t)
	st := emu.Webhook()
	require.NoError(t, emu.SetWebhook(fakegraph.WebhookConfig{URL: st.URL, Fields: []string{"messages", "message_reactions"}}))
	res := runOne(t, emu, &Runner{}, `name: reads, then reacts
steps:
  - says: hi
  - expect: {text: "You said: hi"}
  - reads: true
  - reacts: {reaction: love}
  - expect: {text: thanks, within: 300ms}
`)
	assert.Contains(t, res.Failure, "unsent.yaml:7:5: expect: no message from the bot within 300ms; some of what the user did was not sent to the bot:\n"+
		"      (read): the webhook's fields leave out message_reads (fields: messages, message_reactions); "+
		`PUT /_messemu/v1/webhook with "fields" that include it, or without "fields" for every field`)
}

// A scenario ends once its webhooks are delivered; those never sent for
// want of a subscription (here the echoes and deliveries of the bot's
// messages) are not waited for until the settling's 2 s bound.
func TestScenarioDoesNotWaitForWebhooksNeverSent(t *testing.T) {
	t.Parallel()
	emu := startEmulator(t)
	subscribePage(t, emu, "messages")
	res := runOne(t, emu, &Runner{}, `name: says hi
steps:
  - says: hi
  - expect: {text: "You said: hi"}
`)
	require.True(t, res.Passed(), res.Failure) // how long it settles is a speed, not asserted here
}

// A message the user wrote since the bot's last message was sent: the
// bot may still answer it, however long it takes, and an unsent reaction
// after it does not end the wait.
func TestExpectWaitsForTheAnswerToASentActionBesideAnUnsentOne(t *testing.T) {
	t.Parallel()
	emu := startEmulator(t)
	subscribePage(t, emu, "messages")
	res := runOne(t, emu, &Runner{Wait: 10 * time.Second}, `name: slow answer
steps:
  - says: hi
  - expect: {text: "You said: hi"}
  - says: slow
  - reacts: {reaction: like}
  - expect: {text: "You said: slow"}
`)
	assert.True(t, res.Passed(), res.Failure)
	assert.False(t, strings.Contains(res.Failure, "can come"))
}

// The subscriptions at an event follow the journal's changes before it:
// the webhook's fields, the Page's subscribed_apps (a comma list or an
// array; DELETE unsubscribes, and the events then fail in the journal),
// and a reset, which subscribes the Page to every field again.
func TestSubHistoryStateFollowsTheJournal(t *testing.T) {
	const page = "1"
	h := &subHistory{upTo: 9, now: []string{"messages"}, changes: []fakegraph.Event{
		{Seq: 2, Kind: fakegraph.KindControl, API: fakegraph.ChangeWebhook, Detail: []byte(`{"change":"webhook","data":{"fields":["messages","messaging_postbacks"]}}`)},
		{Seq: 3, Kind: fakegraph.KindRequest, PageID: page, Method: "POST", Path: "/v26.0/me/subscribed_apps", Request: []byte(`{"subscribed_fields":"messages, message_reads"}`)},
		{Seq: 4, Kind: fakegraph.KindRequest, PageID: "2", Method: "POST", Path: "/v26.0/me/subscribed_apps", Request: []byte(`{"subscribed_fields":"messages"}`)},
		{Seq: 5, Kind: fakegraph.KindRequest, PageID: page, Method: "POST", Path: "/v26.0/me/subscribed_apps", Request: []byte(`{"subscribed_fields":["messaging_postbacks"]}`)},
		{Seq: 6, Kind: fakegraph.KindRequest, PageID: page, Method: "DELETE", Path: "/v26.0/me/subscribed_apps"},
		{Seq: 7, Kind: fakegraph.KindControl, API: fakegraph.ChangeReset, Detail: []byte(`{"change":"reset"}`)},
	}}
	for _, tc := range []struct {
		seq           uint64
		webhook, page []string
		off           bool
	}{
		{1, []string{"messages"}, fakegraph.WebhookFields(), false},
		{3, []string{"messages", "messaging_postbacks"}, fakegraph.WebhookFields(), false},
		{4, []string{"messages", "messaging_postbacks"}, []string{"messages", "message_reads"}, false},
		{6, []string{"messages", "messaging_postbacks"}, []string{"messaging_postbacks"}, false},
		{7, []string{"messages", "messaging_postbacks"}, []string{"messaging_postbacks"}, true},
		{8, []string{"messages", "messaging_postbacks"}, fakegraph.WebhookFields(), false},
	} {
		webhook, pageFields, off := h.state(page, tc.seq)
		assert.Equal(t, tc.webhook, webhook, "webhook at %d", tc.seq)
		assert.Equal(t, tc.page, pageFields, "page at %d", tc.seq)
		assert.Equal(t, tc.off, off, "off at %d", tc.seq)
	}
}
