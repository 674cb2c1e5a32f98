package trainer

import (
	"slices"

	"github.com/dlearn/dlearn/engine/tensor"
	"github.com/dlearn/dlearn/lessons"
)

// Mine mode for lessons that are not driven by a Loop (optimizers, gan,
// translate): they compute the values to check themselves, and compare
// each with the learner's through a MineCompare, the same comparison a
// Loop's adapters make (tolerance MineTol, panics, hangs and wrong shapes
// turned into the check's Problem, the checks' diagnosis at the first
// disagreement, the learner's values written in place of the engine's when
// the whole check agrees).

// MineCompare is the comparison of one op with the learner's function:
// call the function through Call, compare each element with Elem, and end
// with Check.
type MineCompare struct{ c *compare }

// NewMineCompare starts comparing the op called node (as the report
// shows it: "L_D = bce(real, 1) + bce(fake, 0)") of kind op with function
// fn of exercise, whose Impl is in m (m.Ready is called before each call).
func NewMineCompare(m *lessons.Mine, exercise, fn, node, op string) *MineCompare {
	c := &compare{exercise: exercise, fn: fn,
		MineCheck: lessons.MineCheck{Node: node, Op: op, Func: exercise + "." + fn, OK: true}}
	if m != nil {
		c.ready = m.Ready
	}
	return &MineCompare{c}
}

// Call runs f, one call of the learner's function, and reports whether it
// returned: a panic (the learner's, or a harness failure: a hang past the
// call's deadline, a crash) becomes the check's Problem.
func (mc *MineCompare) Call(f func()) bool { return mc.c.call(f) }

// Total sets how many elements the op has (Elem counts those checked).
func (mc *MineCompare) Total(n int) { mc.c.total = n }

// Elem compares element flat of the engine's value engine with the
// learner's yours and reports whether the comparison goes on (false at a
// disagreement). dst is the tensor the run goes on with (nil: the value is
// compared only); args and got are the call's arguments and whole result,
// for the checks' diagnosis (nil: none).
func (mc *MineCompare) Elem(dst *tensor.Tensor, flat int, index string, engine, yours float64, args []any, got any) bool {
	return mc.c.elem(dst, flat, index, engine, yours, args, got)
}

// Problem fails the check with msg (a result of the wrong shape).
func (mc *MineCompare) Problem(msg string) { mc.c.problem(msg) }

// OK reports whether every comparison so far agreed and no call failed.
func (mc *MineCompare) OK() bool { return mc.c.OK }

// Check ends the comparison: when everything agreed, the learner's values
// are written in place of the engine's (into each Elem's dst) and Used
// counts them. It returns the check for the step's report.
func (mc *MineCompare) Check() lessons.MineCheck {
	c := mc.c
	c.Total = max(c.total, c.Checked)
	if c.OK {
		c.apply()
	} else {
		c.writes = nil
	}
	return c.MineCheck
}

// MineAdd appends c to rep and reports whether the run goes on: at the
// first failed check rep.First points at it.
func MineAdd(rep *lessons.MineReport, c lessons.MineCheck) bool {
	rep.Checks = append(rep.Checks, c)
	if c.OK {
		return true
	}
	if rep.First < 0 {
		rep.First = len(rep.Checks) - 1
	}
	return false
}

// lessonAdapters are the ops checked outside a Loop's tape
// (RegisterMineOp), by op, for MineOps; they have no fwd or back: the
// lesson (or MineOpt) calls the function. lessonExercises are their
// exercises by lesson ID ("": every lesson that sets Loop.Opt or uses
// MineOpt).
var (
	lessonAdapters  = map[string][]adapter{}
	lessonExercises = map[string][]string{}
)

// RegisterMineOp declares that lesson (its ID; "" for any lesson whose
// Loop has an Opt) checks op, a name that is no tape op's ("adam update",
// "gan D loss"), against the function fn of exercise outside a Loop's
// tape: MineOps lists it and MineExercisesOf(lesson) includes the
// exercise, so that lessons/mine builds it for the lesson. Call it from an
// init function.
func RegisterMineOp(lesson, op, exercise, fn string) {
	lessonAdapters[op] = append(lessonAdapters[op], adapter{exercise: exercise, fn: fn})
	if !slices.Contains(lessonExercises[lesson], exercise) {
		lessonExercises[lesson] = append(lessonExercises[lesson], exercise)
	}
}

// MineExercisesOf returns the exercises mine mode can call in the lesson
// whose ID is id, sorted: those of a Loop's adapters (MineExercises), of
// its optimizer's updates, and those the lesson checks itself.
func MineExercisesOf(id string) []string {
	out := MineExercises()
	for _, e := range append(slices.Clone(lessonExercises[""]), lessonExercises[id]...) {
		if !slices.Contains(out, e) {
			out = append(out, e)
		}
	}
	slices.Sort(out)
	return out
}
