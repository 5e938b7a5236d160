package validator_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/messemu/messemu/validator"
)

// Send judges a request body offline: the first error is what the platform
// answers, and warnings are kept beside it.
func ExampleValidator_Send() {
	v := validator.New(validator.MustLoadSchemas())
	body := map[string]any{}
	src := `{"recipient":{"id":"5275811702471834"},
	  "message":{"text":"Pick a colour","quick_replies":[
	    {"content_type":"text","title":"A rather long colour name","payload":"LONG"},
	    {"content_type":"text","title":"Red"}]}}`
	if err := json.NewDecoder(strings.NewReader(src)).Decode(&body); err != nil {
		panic(err)
	}
	chk := v.Send(body, validator.OfflineState{Clock: time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)})
	for _, w := range chk.Warnings() {
		fmt.Println("warning:", w.Path, w.Rule)
	}
	if err := chk.Err(); err != nil {
		fmt.Println("error:", err.Code, err.Subcode, err.Message)
	}
	// Output:
	// warning: messaging_type messaging_type.missing
	// warning: message.quick_replies[0].title quick_reply.title.length
	// error: 100 2018099 (#100) Payload is required for this quick reply content type
}
