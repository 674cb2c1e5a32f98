package grade

import (
	"encoding/json"
	"strings"
	"unicode/utf8"

	"github.com/dlearn/dlearn/internal/checks"
)

// exercismResults is the results.json of Exercism's test runners,
// version 3: https://exercism.org/docs/building/tooling/test-runners/interface
type exercismResults struct {
	Version int            `json:"version"`
	Status  string         `json:"status"` // pass, fail or error
	Message string         `json:"message,omitempty"`
	Tests   []exercismTest `json:"tests"`
}

type exercismTest struct {
	Name     string `json:"name"`
	TestCode string `json:"test_code"`
	Status   string `json:"status"` // pass, fail or error
	Message  string `json:"message,omitempty"`
	Output   string `json:"output,omitempty"`
	TaskID   int    `json:"task_id"`
}

// exercismOutputLimit is the most of a test's output results.json keeps.
const exercismOutputLimit = 500

// ExercismResults returns the report as Exercism's results.json v3: one
// test per check, in the report's order, with each exercise as a task
// (task_id counts exercises from 1). test_code is the check call the
// grader ran (the kit's pristine one, never the learner's test file) and
// the check's own code; a check that did not run is an error. An exercise that could
// not be graded makes the whole status "error", with its message.
func ExercismResults(r *Report) ([]byte, error) {
	out := exercismResults{Version: 3, Status: string(r.Status), Tests: []exercismTest{}}
	var errs []string
	for i, e := range r.Exercises {
		if e.Status == Error && e.Message != "" {
			errs = append(errs, e.Name+": "+e.Message)
		}
		ex, _ := checks.Lookup(e.Name)
		for _, c := range e.Checks {
			t := exercismTest{Name: e.Name + ": " + c.Title(), Status: string(c.Status), TaskID: i + 1,
				Message: c.Message, Output: capString(c.Output, exercismOutputLimit)}
			if ex.Call != "" {
				t.TestCode = ex.Call + "\n// check " + c.Name + ", from internal/checks/" + ex.Name + ".go:\n" + ex.Code(c.Name)
			}
			switch c.Status {
			case Pass:
				t.Message = ""
			case Todo:
				t.Status = string(Fail)
			case NotRun:
				t.Status = string(Error)
			}
			out.Tests = append(out.Tests, t)
		}
	}
	if out.Status == string(Error) {
		out.Message = strings.Join(errs, "\n\n")
	}
	data, err := json.MarshalIndent(out, "", "  ")
	return append(data, '\n'), err
}

// capString keeps at most n bytes of s, cut at a rune boundary, marking
// the cut.
func capString(s string, n int) string {
	if len(s) <= n {
		return s
	}
	const more = "…"
	cut := n - len(more)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + more
}
