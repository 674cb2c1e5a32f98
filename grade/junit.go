package grade

import (
	"encoding/xml"
	"fmt"
	"sort"
)

// The JUnit XML layout that gotestsum writes, which CI systems read: a
// suite per package, a case per test, t.Attr metadata as properties.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Time       string          `xml:"time,attr"`
	Properties []junitProperty `xml:"properties>property,omitempty"`
	Cases      []junitCase     `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Classname  string          `xml:"classname,attr"`
	Name       string          `xml:"name,attr"`
	Time       string          `xml:"time,attr"`
	Properties []junitProperty `xml:"properties>property,omitempty"`
	Failure    *junitProblem   `xml:"failure,omitempty"`
	Error      *junitProblem   `xml:"error,omitempty"`
	SystemOut  string          `xml:"system-out,omitempty"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// junitOutputLimit is the most of a check's output a testcase keeps.
const junitOutputLimit = 4000

// JUnit returns the report as JUnit XML: a testsuite per exercise, a
// testcase per check of its manifest (failure for fail and todo, error
// for error and not run, each with the whole message and the learner's
// output, capped, as system-out). An exercise that could not be graded
// as a whole says why in its suite's "message" property; its checks are
// there, not run.
func JUnit(r *Report) ([]byte, error) {
	out := junitSuites{}
	total := 0.0
	for _, e := range r.Exercises {
		s := junitSuite{Name: e.Package, Properties: []junitProperty{{"exercise", e.Name}, {"status", string(e.Status)}}}
		elapsed := 0.0
		for _, c := range e.Checks {
			jc := junitCase{Classname: e.Package, Name: c.Test, Time: seconds(c.Elapsed), Properties: properties(c.Attrs)}
			switch c.Status {
			case Fail, Todo:
				jc.Failure = &junitProblem{Message: firstLine(c.Message), Type: string(c.Status), Text: c.Message}
				s.Failures++
			case Error, NotRun:
				jc.Error = &junitProblem{Message: firstLine(c.Message), Type: string(c.Status), Text: c.Message}
				s.Errors++
			}
			jc.SystemOut = capString(c.Output, junitOutputLimit)
			elapsed += c.Elapsed
			s.Cases = append(s.Cases, jc)
		}
		if e.Message != "" {
			s.Properties = append(s.Properties, junitProperty{"message", e.Message})
		}
		s.Tests, s.Time = len(s.Cases), seconds(elapsed)
		out.Tests, out.Failures, out.Errors = out.Tests+s.Tests, out.Failures+s.Failures, out.Errors+s.Errors
		total += elapsed
		out.Suites = append(out.Suites, s)
	}
	out.Time = seconds(total)
	data, err := xml.MarshalIndent(out, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("grade: %w", err)
	}
	return append([]byte(xml.Header), append(data, '\n')...), nil
}

func properties(attrs map[string]string) []junitProperty {
	keys := make([]string, 0, len(attrs))
	for k := range attrs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	ps := make([]junitProperty, len(keys))
	for i, k := range keys {
		ps[i] = junitProperty{k, attrs[k]}
	}
	return ps
}

func seconds(s float64) string { return fmt.Sprintf("%.3f", s) }
