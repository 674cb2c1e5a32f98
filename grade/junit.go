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
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// JUnit returns the report as JUnit XML: a testsuite per exercise, a
// testcase per check (failure for fail and todo, error for error), and an
// error testcase named after the exercise when it could not be graded as
// a whole (a build failure, a crash outside the checks).
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
			case Error:
				jc.Error = &junitProblem{Message: firstLine(c.Message), Type: "error", Text: c.Message}
				s.Errors++
			}
			elapsed += c.Elapsed
			s.Cases = append(s.Cases, jc)
		}
		if e.Status == Error && !checksExplain(e) {
			s.Cases = append(s.Cases, junitCase{Classname: e.Package, Name: e.Name, Time: seconds(0),
				Error: &junitProblem{Message: firstLine(e.Message), Type: "error", Text: e.Message}})
			s.Errors++
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

// checksExplain reports whether one of e's checks carries its error.
func checksExplain(e Exercise) bool {
	for _, c := range e.Checks {
		if c.Status == Error {
			return true
		}
	}
	return false
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
