// Package scenarios replays conversations written as YAML files against a
// Messenger bot through an emulator, the way a CI job runs them: the
// format and its loader, the runner, the JUnit writer, the recorder that
// turns a live session into a file, and the checker that judges an
// exported journal under today's rules.
//
// A scenario says what a test user does and what the bot must answer:
//
//	name: greets and offers colours
//	steps:
//	  - says: hi
//	  - expect:
//	      text_contains: Hello
//	      quick_replies: [Colours, Shop]
//	  - taps_quick_reply: Colours
//	  - expect: {text: Which colour do you like?}
//
// Every scenario also fails on any request the platform would refuse
// while it runs. The README's "Scenario replay" section documents every
// key; schema.json says the same for editors.
package scenarios
