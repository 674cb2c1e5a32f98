package lessons

import (
	"fmt"
	"slices"
	"strings"

	"github.com/dlearn/dlearn/lessons/scene"
)

// Mine is the learner's own code for "mine" mode: the implementations of
// exercises, each an Impl struct of the checks (*checks.LogisticImpl, …)
// whose functions call the learner's code, by exercise name ("logistic").
// A run in mine mode hands it to every machine it makes; a machine that
// can (Miner) sends its real inputs at each op the learner implemented to
// those functions and compares their results with the engine's.
type Mine struct {
	Impls map[string]any
	// Ready, when set, is called before each call of a learner's function
	// of exercise (a harness gives each call its own deadline there).
	Ready func(exercise string)
	// Skipped are exercises of the lesson left out (not started: still
	// the kit's stubs); the engine's code runs at their ops.
	Skipped []string
}

// SkippedNote says which exercises mine mode left out, or "".
func (m *Mine) SkippedNote() string {
	if m == nil || len(m.Skipped) == 0 {
		return ""
	}
	verb := "is"
	if len(m.Skipped) > 1 {
		verb = "are"
	}
	return fmt.Sprintf("%s %s still the stub, so the engine's code runs there", strings.Join(m.Skipped, ", "), verb)
}

// MineChecker is the part of a machine that checks ops against a Mine
// (trainer.Loop is one).
type MineChecker interface {
	// SetMine makes the checks use m from the next training step on (nil
	// turns them off).
	SetMine(m *Mine)
	// MineReport is what the checks of the current step found, or nil.
	MineReport() *MineReport
}

// Miner is implemented by machines whose ops can be checked against the
// learner's code: a lesson driven by trainer.Loop opts in with one line,
//
//	func (m *machine) Mined() lessons.MineChecker { return &m.loop }
type Miner interface {
	Mined() MineChecker
}

// MineReport is the comparison of one training step's ops with the
// learner's functions.
type MineReport struct {
	Step   int         // the training step (1-based)
	Checks []MineCheck // one per op checked, in tape order
	// First is the index in Checks of the first op that disagreed or
	// failed (-1: none); the run stopped there.
	First int
}

// MineCheck is one op computed by the engine and by the learner.
type MineCheck struct {
	Node string // the tape node: "p = sigmoid(s)"
	Op   string // "sigmoid"
	Func string // the learner's function: "logistic.Sigmoid"
	// Checked of Total output elements were compared (large ops are
	// sampled: the first ones).
	Checked, Total int
	// MaxErr is the largest |yours − engine| over the checked elements.
	MaxErr float64
	OK     bool
	// At the first element that disagreed (or the last compared when all
	// agree): its index, the engine's value and the learner's.
	Index         string
	Engine, Yours float64
	// Problem is a call that did not return a value to compare: a panic,
	// a hang, a crash, a missing function or a result of the wrong shape.
	Problem string
	// Diagnosis is the check's hint for the learner's value, when it
	// matches a known mistake.
	Diagnosis string
	// Used is how many of the learner's values the step went on with in
	// place of the engine's (the checked ones, when all agree).
	Used int
}

// Failed reports whether the check found a disagreement or a problem.
func (c MineCheck) Failed() bool { return !c.OK }

// WithStart is the report to show for a machine that made checks before
// training (start, a report of step 0, nil if none) beside its training
// step's report rep: start alone before the first step or when it
// stopped the run, the two joined (start's checks first) during step 1,
// and rep after it.
func WithStart(start, rep *MineReport) *MineReport {
	switch {
	case start == nil:
		return rep
	case rep == nil || start.Stopped():
		return start
	case rep.Step != 1:
		return rep
	}
	out := &MineReport{Step: 1, Checks: slices.Concat(start.Checks, rep.Checks), First: -1}
	if rep.First >= 0 {
		out.First = len(start.Checks) + rep.First
	}
	return out
}

// Stopped reports whether the report's step stopped the run.
func (r *MineReport) Stopped() bool { return r != nil && r.First >= 0 }

// Message is the one-line account of the first failed check ("" if none).
func (r *MineReport) Message() string {
	if !r.Stopped() {
		return ""
	}
	c := r.Checks[r.First]
	var b strings.Builder
	fmt.Fprintf(&b, "mine: step %d, %s (%s): ", r.Step, c.Node, c.Func)
	if c.Problem != "" {
		b.WriteString(firstLineOf(c.Problem))
	} else {
		at := ""
		if c.Index != "" {
			at = "at " + c.Index + " "
		}
		fmt.Fprintf(&b, "%sthe engine has %s, yours %s", at, FormatNum(c.Engine), FormatNum(c.Yours))
	}
	if c.Diagnosis != "" {
		b.WriteString(" · hint: " + c.Diagnosis)
	}
	return b.String()
}

func firstLineOf(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// Panel is the "yours vs engine" table of the report.
func (r *MineReport) Panel() scene.Panel {
	// The function goes last: a narrow front end drops it first.
	t := &scene.Table{Columns: []string{"", "op", "engine", "yours", "max |Δ|", "checked", "your function"}}
	for i, c := range r.Checks {
		mark := "✓"
		if !c.OK {
			mark = "✗"
		}
		if i == r.First {
			mark = "✗ first"
		}
		eng, yours := FormatNum(c.Engine), FormatNum(c.Yours)
		maxErr := FormatNum(c.MaxErr)
		if c.Problem != "" {
			yours, maxErr = shorten(firstLineOf(c.Problem), 48), "—"
			if c.Checked == 0 {
				eng = "—"
			}
		}
		t.Rows = append(t.Rows, []string{mark, c.Node, eng, yours, maxErr, fmt.Sprintf("%d/%d", c.Checked, c.Total), c.Func})
	}
	title := fmt.Sprintf("yours vs engine · step %d", r.Step)
	if r.Stopped() {
		title += " · first disagreement: " + r.Checks[r.First].Node
	} else {
		title += " · all agree"
	}
	return scene.Panel{Kind: scene.KindTable, ID: "mine", Title: title, Table: t}
}

// SetMine turns mine mode on (m non-nil) or off and restarts the run from
// the seed with the current settings, as a restarting control does: every
// step of the new run is checked against (or no longer against) the
// learner's code, and stepping back replays with the same Mine.
func (r *Run) SetMine(m *Mine) {
	r.mine = m
	r.restart()
}

// Mine returns the run's Mine, nil when mine mode is off.
func (r *Run) Mine() *Mine { return r.mine }

// newMachine makes a machine at the start of the run (with its Mine).
func (r *Run) newMachine() Machine {
	return r.withMine(r.lesson.New(r.seed, r.start.Clone()))
}

// withMine hands the run's Mine to m, if m takes one.
func (r *Run) withMine(m Machine) Machine {
	if mm, ok := m.(Miner); ok {
		mm.Mined().SetMine(r.mine)
	}
	return m
}

// mineScene adds the mine report of the current step to sc: the table,
// and at a disagreement the status line naming the op.
func (r *Run) mineScene(sc *scene.Scene) {
	mm, ok := r.m.(Miner)
	if r.mine == nil || !ok {
		return
	}
	rep := mm.Mined().MineReport()
	if rep == nil {
		return
	}
	sc.Panels = append(sc.Panels, rep.Panel())
	if rep.Stopped() {
		// The learner's code stopped the run: the goal is not judged.
		if sc.Goal != nil {
			sc.Goal.Verdict = nil
		}
		sc.Status = scene.Status{Level: scene.LevelError, Message: rep.Message()}
	}
}

// mineStopped reports whether the learner's code stopped the run: it then
// poses no question (their look-ahead would need the run to go on).
func (r *Run) mineStopped() bool {
	mm, ok := r.m.(Miner)
	return r.mine != nil && ok && mm.Mined().MineReport().Stopped()
}

// shorten cuts s to n runes with "…" (the status line has it in full).
func shorten(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
