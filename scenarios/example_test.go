package scenarios_test

import (
	"fmt"

	"github.com/messemu/messemu/scenarios"
)

func ExampleParse() {
	all, err := scenarios.Parse("greet.yaml", []byte(`
name: greets
steps:
  - says: hi
  - expect: {text_contains: Hello}
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	s := all[0]
	fmt.Println(s.Name, len(s.Steps), *s.Steps[0].Says, s.Steps[1].Line)

	_, err = scenarios.Parse("bad.yaml", []byte("name: taps first\nsteps:\n  - taps_button: Buy\n"))
	fmt.Println(err)
	// Output:
	// greets 2 hi 5
	// bad.yaml:3:5: taps_button: the bot has not been sent anything yet, so it cannot have answered: there is no button to tap
}
