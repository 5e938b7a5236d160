package scenarios

import (
	"encoding/json"
	"testing"

	"github.com/messemu/messemu/fakegraph"
	"github.com/stretchr/testify/assert"
)

// A failure's conversation says the thread's handovers in words: the
// bot's own pass and another app's, as the platform tells the bot.
func TestConversationSaysTheHandovers(t *testing.T) {
	t.Parallel()
	const psid = "5275811702471834"
	pass := fakegraph.Event{Kind: fakegraph.KindRequest, API: fakegraph.APIHandover, Accepted: true, PSID: psid,
		Path: "/v26.0/me/pass_thread_control", Request: json.RawMessage(`{"recipient":{"id":"` + psid + `"},"target_app_id":"` + fakegraph.PageInboxAppID + `"}`)}
	inbox := fakegraph.PageInboxAppID
	item, err := json.Marshal(fakegraph.MessagingEvent{PassThreadControl: &fakegraph.ThreadControl{PreviousOwnerAppID: &inbox, NewOwnerAppID: fakegraph.DefaultAppID}})
	assert.NoError(t, err)
	detail, err := json.Marshal(fakegraph.HandoverDetail{Action: fakegraph.ActionPassThreadControl, Hook: fakegraph.Hook{Event: item}})
	assert.NoError(t, err)
	back := fakegraph.Event{Kind: fakegraph.KindHandover, PSID: psid, Detail: detail}
	timedOut := fakegraph.Event{Kind: fakegraph.KindFault, API: "send", PSID: psid, Detail: json.RawMessage(`{"rules":["f1"],"rule_id":"f1","timed_out":true}`)}
	assert.Equal(t, "    bot:  [passes the thread to the Page Inbox]\n    platform: [the Page Inbox passes the thread to the bot]\n"+
		"    platform: [a batch item (send) timed out, forced by fault rule f1: the bot got null for it]\n",
		conversation([]fakegraph.Event{pass, back, timedOut}))
}

// A fault step can time the bot's batch items out: the rule it installs
// says so, and a step that asks for an error too is refused.
func TestFaultStepTimesBatchItemsOut(t *testing.T) {
	t.Parallel()
	b := faultBody(&FaultStep{API: "send", Timeout: true}, "5275811702471834")
	assert.Equal(t, true, b["timeout"])
	assert.NotContains(t, b, "error")
	assert.Empty(t, checkFault(&FaultStep{Timeout: true}))
	assert.Contains(t, checkFault(&FaultStep{Timeout: true, Error: "unavailable"}), "not both")
	assert.Contains(t, checkFault(&FaultStep{}), "timeout: true")
}

// A fault step's api is checked before the run, with the nearest family.
func TestFaultStepNamesAKnownAPI(t *testing.T) {
	t.Parallel()
	assert.Contains(t, checkFault(&FaultStep{API: "sendd", Error: "unavailable"}), `unknown api "sendd" (did you mean send?)`)
	assert.Empty(t, checkFault(&FaultStep{API: "send", Error: "unavailable"}))
}
