package validator

// SendAll judges a Send API request as Send does, but goes on after an
// error wherever the rest of the body can still be judged on its own:
// the message's other fields after a bad recipient or envelope, each
// quick reply, button, generic or receipt element and image after a bad
// one, and a generic element's other fields. Elsewhere inside one part it
// stops at the first error, as what follows may depend on it. `messemu validate` prints this list.
//
// The first error is the one Send finds and the platform answers:
// everything up to it runs as in Send, which stops there. The schema
// backstop, which runs only on a request the rules accept, is the same.
func (v *Validator) SendAll(body map[string]any, st State) SendCheck {
	return v.judge(body, &sendChecker{st: st, now: st.Now(), all: true})
}

// halt reports whether a failed check (ok false) ends the part being
// checked: always in Send, never in SendAll, which goes on with the part's
// independent fields. *fine remembers the failure for the part's verdict.
func (s *sendChecker) halt(ok bool, fine *bool) bool {
	if !ok {
		*fine = false
	}
	return !ok && !s.all
}
