package trainer

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/internal/checks"
	"github.com/dlearn/dlearn/lessons"
)

// Mine mode: after each Begin, every node of the tape whose op a learner
// implements in an exercise is recomputed by the learner's function (a
// lessons.Mine) on the node's real input values and compared with the
// node's output. At the first disagreement, or a call that panics, hangs
// or returns the wrong shape, the run stops at that step with that op
// revealed. Training itself always continues with the engine's values: a
// step goes on only when the learner's equal them within MineTol, so the
// run that follows is the one the learner's code would give.

// MineTol accepts the learner's value y for the engine's e when
// |y − e| ≤ Abs + Rel·|e| (the checks' tolerance for careful float64 code).
var MineTol = struct{ Abs, Rel float64 }{Abs: 1e-9, Rel: 1e-7}

// MineCap is how many elements of one node are checked at most, for
// element-wise ops (one call per element) and row-wise ones (one call per
// row, counting its elements): the first ones, in order.
const MineCap = 64

// adapter checks one tape node against an exercise's Impl.
type adapter struct {
	exercise, fn string
	check        func(impl any, n *autograd.Node, c *compare)
}

// adapters by op name. Each documents the exercise's convention it relies on.
var adapters = map[string]adapter{
	// logistic.Sigmoid(z) per element.
	"sigmoid": {"logistic", "Sigmoid", func(impl any, n *autograd.Node, c *compare) {
		f := impl.(*checks.LogisticImpl).Sigmoid
		in, out := n.Inputs[0].Value.Data, n.Out.Value.Data
		c.total = len(out)
		for i := range min(len(out), MineCap) {
			var y float64
			if !c.call(func() { y = f(in[i]) }) {
				return
			}
			if !c.elem(fmt.Sprintf("[%d]", i), out[i], y, []any{in[i]}, y) {
				return
			}
		}
	}},
	// logistic.BCE(p, y): the mean over the batch, p clamped to [1e-7, 1−1e-7]
	// as the engine's BCE does.
	"bce": {"logistic", "BCE", func(impl any, n *autograd.Node, c *compare) {
		f := impl.(*checks.LogisticImpl).BCE
		p := append([]float64(nil), n.Inputs[0].Value.Data...)
		y := append([]float64(nil), n.Inputs[1].Value.Data...)
		c.total = 1
		var l float64
		if !c.call(func() { l = f(p, y) }) {
			return
		}
		c.elem("", n.Out.Value.Data[0], l, []any{p, y}, l)
	}},
	// softmax.Softmax(row) for each row of the last axis.
	"softmax": {"softmax", "Softmax", func(impl any, n *autograd.Node, c *compare) {
		f := impl.(*checks.SoftmaxImpl).Softmax
		in, out := n.Inputs[0].Value.Data, n.Out.Value.Data
		sh := n.Out.Value.Shape
		w := sh[len(sh)-1]
		c.total = len(out)
		for r := 0; r+w <= len(out) && c.Checked < MineCap; r += w {
			row := append([]float64(nil), in[r:r+w]...)
			var got []float64
			if !c.call(func() { got = f(row) }) {
				return
			}
			if len(got) != w {
				c.problem(fmt.Sprintf("returned %d values for a row of %d: return a new slice as long as z", len(got), w))
				return
			}
			for j := range w {
				if !c.elem(fmt.Sprintf("[%d][%d]", r/w, j), out[r+j], got[j], []any{row}, got) {
					return
				}
			}
		}
	}},
	// layernorm.Forward(x, gain, bias, eps) on the first rows of x's last
	// axis (at least one, then as many as fit in MineCap elements); eps is
	// read from the node's attributes ("eps=1e-05", 4 significant digits).
	"layernorm": {"layernorm", "Forward", func(impl any, n *autograd.Node, c *compare) {
		f := impl.(*checks.LayerNormImpl).Forward
		in, out := n.Inputs[0].Value.Data, n.Out.Value.Data
		sh := n.Out.Value.Shape
		d := sh[len(sh)-1]
		eps, ok := attr(n.Attrs, "eps")
		c.total = len(out)
		if !ok || d == 0 {
			c.problem("the engine's layernorm node does not say its eps: " + n.Attrs)
			return
		}
		rows := max(1, min(len(out)/d, MineCap/d))
		x := make([][]float64, rows)
		for r := range x {
			x[r] = append([]float64(nil), in[r*d:(r+1)*d]...)
		}
		gain := append([]float64(nil), n.Inputs[1].Value.Data...)
		bias := append([]float64(nil), n.Inputs[2].Value.Data...)
		var got [][]float64
		if !c.call(func() { got = f(x, gain, bias, eps) }) {
			return
		}
		if msg := shapeProblem(got, rows, d); msg != "" {
			c.problem(msg)
			return
		}
		for r := range rows {
			for j := range d {
				if !c.elem(fmt.Sprintf("[%d][%d]", r, j), out[r*d+j], got[r][j], nil, nil) {
					return
				}
			}
		}
	}},
	// maxpool.Forward(x[h][w], k, stride) on each sample's channels in
	// turn, until MineCap output elements are checked; k and stride are
	// read from the node's attributes.
	"maxpool2d": {"maxpool", "Forward", func(impl any, n *autograd.Node, c *compare) {
		f := impl.(*checks.MaxPoolImpl).Forward
		k, ok1 := attr(n.Attrs, "k")
		s, ok2 := attr(n.Attrs, "stride")
		xs, ys := n.Inputs[0].Value.Shape, n.Out.Value.Shape
		c.total = len(n.Out.Value.Data)
		if !ok1 || !ok2 || len(xs) != 4 || len(ys) != 4 {
			c.problem("the engine's maxpool2d node is not [N C H W] with k and stride: " + n.Attrs)
			return
		}
		h, w, oh, ow := xs[2], xs[3], ys[2], ys[3]
		in, out := n.Inputs[0].Value.Data, n.Out.Value.Data
		for plane := 0; plane < xs[0]*xs[1] && c.Checked < MineCap; plane++ {
			x := make([][]float64, h)
			for i := range x {
				x[i] = append([]float64(nil), in[plane*h*w+i*w:plane*h*w+(i+1)*w]...)
			}
			var got [][]float64
			if !c.call(func() { got = f(x, int(k), int(s)) }) {
				return
			}
			if msg := shapeProblem(got, oh, ow); msg != "" {
				c.problem(msg)
				return
			}
			for i := range oh {
				for j := range ow {
					if !c.elem(fmt.Sprintf("[%d][%d][%d]", plane, i, j), out[plane*oh*ow+i*ow+j], got[i][j], nil, nil) {
						return
					}
				}
			}
		}
	}},
}

// attr reads a number from a node's attributes ("k=2, stride=2").
func attr(attrs, name string) (float64, bool) {
	for _, kv := range strings.Split(attrs, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(kv), "=")
		if ok && k == name {
			f, err := strconv.ParseFloat(v, 64)
			return f, err == nil
		}
	}
	return 0, false
}

// shapeProblem says how got differs from a rows×cols matrix, or "".
func shapeProblem(got [][]float64, rows, cols int) string {
	if len(got) != rows {
		return fmt.Sprintf("returned %d rows, want %d", len(got), rows)
	}
	for i, r := range got {
		if len(r) != cols {
			return fmt.Sprintf("returned a row %d of %d values, want %d", i, len(r), cols)
		}
	}
	return ""
}

// MineOps returns the ops mine mode can check, with the learner's function
// behind each ("sigmoid" → "logistic.Sigmoid").
func MineOps() map[string]string {
	out := map[string]string{}
	for op, a := range adapters {
		out[op] = a.exercise + "." + a.fn
	}
	return out
}

// compare accumulates one node's comparison.
type compare struct {
	lessons.MineCheck
	exercise, fn string
	ready        func(string)
	total        int
}

// call runs f (one call of the learner's function) and turns a panic —
// the learner's, or a harness failure — into the check's problem.
func (c *compare) call(f func()) (ok bool) {
	if c.ready != nil {
		c.ready(c.exercise)
	}
	defer func() {
		if r := recover(); r != nil {
			c.problem(callProblem(r))
			ok = false
		}
	}()
	f()
	return true
}

// callProblem is a failed call in one line: "panic at
// exercises/logistic/logistic.go:48: TODO: …", or how the learner's
// process ended ("timed out after 2s: is there a loop that never ends?
// in logistic.Sigmoid (exercises/logistic/logistic.go:16)").
func callProblem(r any) string {
	// A harness proxy panics with a *harness.CallError, which says this.
	if ce, ok := r.(interface {
		Remote() (kind, site, where, text string)
	}); ok {
		kind, _, where, text := ce.Remote()
		if kind == "fatal" {
			return oneLine(text)
		}
		return oneLine(fmt.Sprintf("%s at %s: %s", kind, where, text))
	}
	return oneLine(fmt.Sprintf("panic: %v", r))
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func (c *compare) problem(msg string) {
	c.OK, c.Problem = false, msg
}

// elem compares one element and reports whether the comparison goes on;
// at a disagreement it asks the checks for a diagnosis of got (the
// learner's whole result for args).
func (c *compare) elem(index string, engine, yours float64, args []any, got any) bool {
	c.Checked++
	d := math.Abs(yours - engine)
	if math.IsNaN(d) {
		d = math.Inf(1)
	}
	c.MaxErr = max(c.MaxErr, d)
	c.Index, c.Engine, c.Yours = index, engine, yours
	if d <= MineTol.Abs+MineTol.Rel*math.Abs(engine) || engine == yours {
		return true
	}
	c.OK = false
	if args != nil {
		c.Diagnosis = checks.Diagnose(c.exercise, c.fn, args, got)
	}
	return false
}

// SetMine implements lessons.MineChecker.
func (l *Loop) SetMine(m *lessons.Mine) { l.Mine = m }

// MineReport implements lessons.MineChecker.
func (l *Loop) MineReport() *lessons.MineReport { return l.mineRep }

// checkMine compares the current step's tape with the learner's code; at
// a failure it stops the run with the failing node revealed.
func (l *Loop) checkMine() {
	rep := &lessons.MineReport{Step: l.Step + 1, First: -1}
	for i, n := range l.Cur.Tape.Nodes() {
		a, ok := adapters[n.Op]
		if !ok {
			continue
		}
		impl, ok := l.Mine.Impls[a.exercise]
		if !ok || impl == nil {
			continue
		}
		c := &compare{exercise: a.exercise, fn: a.fn, ready: l.Mine.Ready,
			MineCheck: lessons.MineCheck{Node: n.Label(), Op: n.Op, Func: a.exercise + "." + a.fn, OK: true}}
		a.check(impl, n, c)
		c.Total = c.total
		rep.Checks = append(rep.Checks, c.MineCheck)
		if !c.OK {
			rep.First = len(rep.Checks) - 1
			l.MineStopped = true
			l.Cur.Fwd = i + 1
			break
		}
	}
	l.mineRep = rep
}
