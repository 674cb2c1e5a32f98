package grade

import "strings"

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
)

// ReportVersion is the version of the JSON report's layout; it changes
// only when a field changes meaning or goes away.
const ReportVersion = 1

// Report is the result of grading some exercises.
type Report struct {
	Version int `json:"version"`
	// Status is Pass when every exercise passes, Error when one could not
	// be graded, else Fail (Todo counts as Fail here).
	Status Status `json:"status"`
	// Points is the number of passing exercises, out of MaxPoints.
	Points    int        `json:"points"`
	MaxPoints int        `json:"max_points"`
	Exercises []Exercise `json:"exercises"`
}

// Exercise is the grade of one exercise package.
type Exercise struct {
	Name    string `json:"name"`    // the folder: "mse"
	Package string `json:"package"` // the import path
	Status  Status `json:"status"`
	// Message says why an exercise is in Error: the compiler's errors,
	// or where it timed out or crashed.
	Message string  `json:"message,omitempty"`
	Passed  int     `json:"passed"`
	Total   int     `json:"total"`
	Checks  []Check `json:"checks"`
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

// finish sets the counts and statuses that follow from the checks.
func (e *Exercise) finish() {
	e.Passed, e.Total = 0, len(e.Checks)
	failed, todo := false, false
	for _, c := range e.Checks {
		switch c.Status {
		case Pass:
			e.Passed++
		case Todo:
			todo = true
		case Error:
			if e.Status == "" {
				e.Status = Error
			}
		default:
			failed = true
		}
	}
	switch {
	case e.Status != "":
	case e.Total == 0:
		e.Status, e.Message = Error, "no checks ran: is the exercise's _test.go file still there?"
	case failed:
		e.Status = Fail
	case todo:
		e.Status = Todo
	default:
		e.Status = Pass
	}
}

// finish sets the report's status and points from its exercises.
func (r *Report) finish() {
	r.Version = ReportVersion
	r.Status, r.Points, r.MaxPoints = Pass, 0, len(r.Exercises)
	for _, e := range r.Exercises {
		switch {
		case e.Status == Pass:
			r.Points++
		case e.Status == Error:
			r.Status = Error
		case r.Status != Error:
			r.Status = Fail
		}
	}
}

// Passed reports whether every exercise passes.
func (r *Report) Passed() bool { return r.Status == Pass && len(r.Exercises) > 0 }
