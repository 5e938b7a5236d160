package fakegraph_test

import (
	"fmt"
	"io"
	"net/http/httptest"
	"net/url"
	"strings"

	"github.com/messemu/messemu/fakegraph"
)

// A bot passes Alice's thread to the Page Inbox; a person there passes it
// back through the control API's Go twin, ActAsApp.
func ExampleServer_ThreadOwner() {
	s := fakegraph.New()
	const alice = "5275811702471834"
	post := func(path, body string) string {
		r := httptest.NewRequest("POST", path+"?access_token="+fakegraph.DefaultPageToken, strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		s.Handler().ServeHTTP(w, r)
		return w.Body.String()
	}
	fmt.Println(post("/v26.0/me/pass_thread_control", `{"recipient":{"id":"`+alice+`"},"target_app_id":"`+fakegraph.PageInboxAppID+`"}`))
	fmt.Println(s.ThreadOwner(fakegraph.DefaultPageID, alice) == fakegraph.PageInboxAppID)
	err := s.ActAsApp(fakegraph.DefaultPageID, fakegraph.HandoverActRequest{
		Action: "pass_thread_control", PSID: alice, TargetAppID: fakegraph.DefaultAppID})
	fmt.Println(err, s.ThreadOwner(fakegraph.DefaultPageID, alice) == fakegraph.DefaultAppID)
	// Output:
	// {"success":true}
	// true
	// <nil> true
}

// A batch of two calls, the second using the first one's answer.
func ExampleServer_Handler_batch() {
	s := fakegraph.New()
	form := url.Values{
		"access_token":    {fakegraph.DefaultPageToken},
		"include_headers": {"false"},
		"batch": {`[{"method":"GET","relative_url":"me","name":"page"},` +
			`{"method":"GET","relative_url":"{result=page:$.id}"}]`},
	}
	r := httptest.NewRequest("POST", "/v26.0/", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	w := httptest.NewRecorder()
	s.Handler().ServeHTTP(w, r)
	body, err := io.ReadAll(w.Body)
	fmt.Println(w.Code, err)
	fmt.Println(string(body))
	// Output:
	// 200 <nil>
	// [{"code":200,"body":"{\"name\":\"messemu Test Page\",\"id\":\"109876543210987\"}"},{"code":200,"body":"{\"name\":\"messemu Test Page\",\"id\":\"109876543210987\"}"}]
}
