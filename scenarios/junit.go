package scenarios

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
)

// JUnit XML as CI systems read it (Jenkins, GitLab, GitHub actions that
// publish test reports): one testsuite per scenario file, one testcase
// per scenario, the failure text as the body of <failure>.

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Time     string      `xml:"time,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
	// SystemOut holds the scenario's warnings, one a line.
	SystemOut string `xml:"system-out,omitempty"`
}

// junitSkipped marks a scenario the run was stopped in.
type junitSkipped struct {
	Message string `xml:"message,attr"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",cdata"`
}

// WriteJUnit writes the report as JUnit XML. Requests refused outside any
// scenario's user come as one more failed test case.
func WriteJUnit(w io.Writer, rep *Report) error {
	all := junitSuites{Name: "messemu replay", Time: seconds(rep.Duration.Seconds())}
	index := map[string]int{}
	for _, r := range rep.Results {
		file := r.Scenario.File
		i, ok := index[file]
		if !ok {
			i = len(all.Suites)
			index[file] = i
			all.Suites = append(all.Suites, junitSuite{Name: file})
		}
		s := &all.Suites[i]
		c := junitCase{Name: r.Scenario.Name, Classname: file, Time: seconds(r.Duration.Seconds())}
		for _, w := range r.Warnings {
			c.SystemOut += "warning: " + printable(w) + "\n"
		}
		switch {
		case r.Interrupted && r.NotRun:
			c.Skipped = &junitSkipped{Message: "not run: the run was interrupted"}
		case r.Interrupted:
			c.Skipped = &junitSkipped{Message: "interrupted: " + message(r.Failure)}
		case !r.Passed():
			// The body is CDATA, which holds any character XML does: printable.
			c.Failure = &junitFailure{Message: message(r.Failure), Type: "ScenarioFailure", Text: printable(r.Failure)}
			s.Failures++
		}
		s.Tests++
		s.Cases = append(s.Cases, c)
	}
	for i := range all.Suites {
		var total float64
		for _, r := range rep.Results {
			if r.Scenario.File == all.Suites[i].Name {
				total += r.Duration.Seconds()
			}
		}
		all.Suites[i].Time = seconds(total)
	}
	if len(rep.Stray) > 0 {
		text := printable(strings.Join(rep.Stray, "\n"))
		all.Suites = append(all.Suites, junitSuite{Name: "messemu", Tests: 1, Failures: 1, Time: "0.000", Cases: []junitCase{{
			Name: "requests outside any scenario", Classname: "messemu", Time: "0.000",
			Failure: &junitFailure{Message: "the bot made requests the platform would refuse", Type: "RefusedRequest", Text: text},
		}}})
	}
	for _, s := range all.Suites {
		all.Tests += s.Tests
		all.Failures += s.Failures
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(all); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func seconds(s float64) string { return fmt.Sprintf("%.3f", s) }

// message is a failure in the one line a CI summary shows: its first
// line, and when that only leads into the reason (it ends in ":"), the
// line that follows.
func message(s string) string {
	line, rest, _ := strings.Cut(s, "\n")
	if strings.HasSuffix(line, ":") {
		next, _, _ := strings.Cut(rest, "\n")
		if next = strings.TrimSpace(next); next != "" {
			line += " " + next
		}
	}
	return printable(line)
}
