package fakegraph_test

import (
	"fmt"
	"net/http/httptest"
	"strings"

	"github.com/messemu/messemu/fakegraph"
)

// A bot sets its Get Started button and persistent menu; the rest of
// messemu (the web page, testkit, the webhook side) reads them back.
func ExampleServer_PersistentMenu() {
	s := fakegraph.New()
	body := `{"get_started":{"payload":"GET_STARTED"},
	  "persistent_menu":[{"locale":"default","call_to_actions":[
	    {"type":"postback","title":"Talk to an agent","payload":"CARE_HELP"}]}]}`
	req := httptest.NewRequest("POST", "/v26.0/me/messenger_profile?access_token="+fakegraph.DefaultPageToken, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	fmt.Println(rec.Body.String())

	payload, _ := s.GetStarted(fakegraph.DefaultPageID)
	fmt.Println("get started:", payload)
	menu, _ := s.PersistentMenu(fakegraph.DefaultPageID, "5275811702471834")
	for _, item := range menu.CallToActions {
		fmt.Printf("%s %q → %s\n", item.Type, item.Title, item.Payload)
	}
	// Output:
	// {"result":"success"}
	// get started: GET_STARTED
	// postback "Talk to an agent" → CARE_HELP
}

// Personas come back in pages of 25 (the default limit), with cursors.
func ExampleServer_Personas() {
	s := fakegraph.New()
	req := httptest.NewRequest("POST", "/me/personas?access_token="+fakegraph.DefaultPageToken,
		strings.NewReader(`{"name":"Agent Ben","profile_picture_url":"https://www.example.com/ben.png"}`))
	req.Header.Set("Content-Type", "application/json")
	s.Handler().ServeHTTP(httptest.NewRecorder(), req)

	personas, err := s.Personas(fakegraph.DefaultPageID)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range personas {
		fmt.Println(p.Name, p.ProfilePictureURL)
	}
	// Output:
	// Agent Ben https://www.example.com/ben.png
}
