package grade

import (
	"math"
	"strings"
)

// Status is the state of an exercise or of one of its checks.
type Status string

const (
	// Pass: every check passes.
	Pass Status = "pass"
	// Fail: a check found something wrong.
	Fail Status = "fail"
	// Todo: nothing is wrong, but some functions still panic with their
	// "TODO: …" stub.
	Todo Status = "todo"
	// Error: the exercise did not build, timed out or crashed, so its
	// checks could not all run.
	Error Status = "error"
	// NotRun: a check that never ran (its exercise is missing, did not
	// build or was refused); its Message says why.
	NotRun Status = "not_run"
)

// ReportVersion is the version of the JSON report's layout; it changes
// only when a field changes meaning or goes away.
const ReportVersion = 2

// Report is the result of grading some exercises.
type Report struct {
	Version int `json:"version"`
	// Status is Pass when every exercise passes, Error when one could not
	// be graded, else Fail (Todo counts as Fail here).
	Status Status `json:"status"`
	// Points is the sum of the exercises' points, out of MaxPoints (the
	// sum of their weights).
	Points    float64    `json:"points"`
	MaxPoints float64    `json:"max_points"`
	Exercises []Exercise `json:"exercises"`
	// Isolation says what the learner's code ran under: no network, its
	// own process namespace, another user; or what was not available.
	Isolation string `json:"isolation,omitempty"`
}

// Exercise is the grade of one exercise package.
type Exercise struct {
	Name    string `json:"name"`    // the folder: "mse"
	Package string `json:"package"` // the import path
	Status  Status `json:"status"`
	// Message says why an exercise is in Error: the compiler's errors,
	// or where it timed out or crashed.
	Message string `json:"message,omitempty"`
	Passed  int    `json:"passed"`
	Total   int    `json:"total"`
	// Points are Weight times the share of passing checks.
	Points    float64 `json:"points"`
	Weight    float64 `json:"weight"`
	Checks    []Check `json:"checks"`
	isolation string
}

// Check is one check (a leaf test, usually a sub-test) of an exercise.
type Check struct {
	// Name is the test name without the exercise's test function:
	// "Grad_hand_computed" for TestMSE/Grad_hand_computed.
	Name    string `json:"name"`
	Test    string `json:"test"` // the full test name
	Status  Status `json:"status"`
	Message string `json:"message,omitempty"`
	// Attrs are the test's t.Attr metadata, such as max_rel_err and
	// worst_index.
	Attrs map[string]string `json:"attrs,omitempty"`
	// Output is what the test printed besides its messages: the
	// learner's own prints, for instance.
	Output string `json:"output,omitempty"`
	// Elapsed is the test's run time in seconds; it is left out of the
	// JSON report, which stays the same from run to run.
	Elapsed float64 `json:"-"`
}

// Title is the check's name for people: underscores become spaces.
func (c Check) Title() string { return strings.ReplaceAll(c.Name, "_", " ") }

// finish sets the counts, points and status that follow from the
// checks; an exercise already in Error keeps its status and message.
func (e *Exercise) finish(weight float64) {
	e.Passed, e.Total, e.Weight = 0, len(e.Checks), weight
	failed, todo, broken := false, false, false
	for _, c := range e.Checks {
		switch c.Status {
		case Pass:
			e.Passed++
		case Todo:
			todo = true
		case Error, NotRun:
			broken = true
		default:
			failed = true
		}
	}
	if e.Total > 0 {
		e.Points = roundPoints(weight * float64(e.Passed) / float64(e.Total))
	}
	switch {
	case e.Status != "":
	case e.Total == 0:
		e.Status, e.Message = Error, "the checks know no case of this exercise"
	case broken:
		e.Status = Error
		if e.Message == "" {
			for _, c := range e.Checks {
				if c.Status == Error {
					e.Message = c.Message
					break
				}
			}
		}
	case failed:
		e.Status = Fail
	case todo:
		e.Status = Todo
	default:
		e.Status = Pass
	}
}

func roundPoints(p float64) float64 { return math.Round(p*100) / 100 }

// finish sets the report's status and points from its exercises.
func (r *Report) finish() {
	r.Version = ReportVersion
	r.Status, r.Points, r.MaxPoints = Pass, 0, 0
	for _, e := range r.Exercises {
		r.Points += e.Points
		r.MaxPoints += e.Weight
		switch {
		case e.Status == Pass:
		case e.Status == Error:
			r.Status = Error
		case r.Status != Error:
			r.Status = Fail
		}
	}
	r.Points, r.MaxPoints = roundPoints(r.Points), roundPoints(r.MaxPoints)
}

// PassedCount is the number of exercises that pass.
func (r *Report) PassedCount() int {
	n := 0
	for _, e := range r.Exercises {
		if e.Status == Pass {
			n++
		}
	}
	return n
}

// Passed reports whether every exercise passes.
func (r *Report) Passed() bool { return r.Status == Pass && len(r.Exercises) > 0 }
