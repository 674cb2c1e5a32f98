package trainer

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/tensor"
	"github.com/dlearn/dlearn/internal/checks"
	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/scene"
)

// Mine mode: every node of a training step's tape whose op a learner
// implements in an exercise is computed again by the learner's function (a
// lessons.Mine) on the node's real input values and compared with the
// engine's: the forward pass right after it is recorded, each node of the
// backward pass as it runs. Where the learner's values agree with the
// engine's within MineTol, the step goes on with the learner's values:
// they are written into the node's output (and the ops after it computed
// again from them) or sent as the node's gradients, so the run that
// follows is trained by the learner's code wherever it was called. At the
// first disagreement, or a call that panics, hangs or returns the wrong
// shape, the run stops at that op with it revealed.
//
// Adapters say how to call an exercise's function on a node: a forward
// adapter (registered with mineForward) recomputes the node's output, a
// backward adapter (mineBackward) the gradients the node sends to its
// inputs. Each lives beside the others of its lesson family in a
// mine_*.go file and documents the exercise's convention it relies on.
// An adapter that returns without comparing an element or reporting a
// problem did not find its pattern at the node: nothing is recorded.

// MineTol accepts the learner's value y for the engine's e when
// |y − e| ≤ Abs + Rel·|e| (the checks' tolerance for careful float64 code).
var MineTol = struct{ Abs, Rel float64 }{Abs: 1e-9, Rel: 1e-7}

// MineCap is how many elements of one node are checked at most, for
// element-wise ops (one call per element) and row-wise ones (one call per
// row, counting its elements): the first ones, in order.
const MineCap = 64

// adapter checks one tape node against an exercise's Impl: fwd the
// node's output, back the gradients of one backward step.
type adapter struct {
	exercise, fn string
	fwd          func(impl any, n *autograd.Node, c *compare)
	back         func(impl any, st autograd.Step, c *compare)
}

// forwardAdapters and backwardAdapters by op name; an op may have several
// (exercises implementing it), each checked when the Mine has its exercise.
var forwardAdapters, backwardAdapters = map[string][]adapter{}, map[string][]adapter{}

// mineForward registers the forward adapter of op: check computes the
// node's output with the exercise's function fn and compares it (elem)
// with the engine's.
func mineForward(op, exercise, fn string, check func(impl any, n *autograd.Node, c *compare)) {
	forwardAdapters[op] = append(forwardAdapters[op], adapter{exercise: exercise, fn: fn, fwd: check})
}

// mineBackward registers a backward adapter of op: check computes the
// gradients the node sends to its inputs (st.Grads) with the exercise's
// function fn from the node's inputs and st.Upstream, and compares them.
func mineBackward(op, exercise, fn string, check func(impl any, st autograd.Step, c *compare)) {
	backwardAdapters[op] = append(backwardAdapters[op], adapter{exercise: exercise, fn: fn, back: check})
}

func init() {
	for op, a := range adapters {
		mineForward(op, a.exercise, a.fn, a.fwd)
	}
}

// adapters by op name. Each documents the exercise's convention it relies on.
var adapters = map[string]adapter{
	// logistic.Sigmoid(z) per element.
	"sigmoid": {exercise: "logistic", fn: "Sigmoid", fwd: func(impl any, n *autograd.Node, c *compare) {
		f := impl.(*checks.LogisticImpl).Sigmoid
		in, out := n.Inputs[0].Value.Data, n.Out.Value.Data
		c.total = len(out)
		for i := range min(len(out), MineCap) {
			var y float64
			if !c.call(func() { y = f(in[i]) }) {
				return
			}
			if !c.elem(n.Out.Value, i, fmt.Sprintf("[%d]", i), out[i], y, []any{in[i]}, y) {
				return
			}
		}
	}},
	// logistic.BCE(p, y): the mean over the batch, p clamped to [1e-7, 1−1e-7]
	// as the engine's BCE does.
	"bce": {exercise: "logistic", fn: "BCE", fwd: func(impl any, n *autograd.Node, c *compare) {
		f := impl.(*checks.LogisticImpl).BCE
		p := append([]float64(nil), n.Inputs[0].Value.Data...)
		y := append([]float64(nil), n.Inputs[1].Value.Data...)
		c.total = 1
		var l float64
		if !c.call(func() { l = f(p, y) }) {
			return
		}
		c.elem(n.Out.Value, 0, "", n.Out.Value.Data[0], l, []any{p, y}, l)
	}},
	// softmax.Softmax(row) for each row of the last axis.
	"softmax": {exercise: "softmax", fn: "Softmax", fwd: func(impl any, n *autograd.Node, c *compare) {
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
				if !c.elem(n.Out.Value, r+j, fmt.Sprintf("[%d][%d]", r/w, j), out[r+j], got[j], []any{row}, got) {
					return
				}
			}
		}
	}},
	// layernorm.Forward(x, gain, bias, eps) on the first rows of x's last
	// axis (at least one, then as many as fit in MineCap elements); eps is
	// read from the node's attributes ("eps=1e-05", 4 significant digits).
	"layernorm": {exercise: "layernorm", fn: "Forward", fwd: func(impl any, n *autograd.Node, c *compare) {
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
				if !c.elem(n.Out.Value, r*d+j, fmt.Sprintf("[%d][%d]", r, j), out[r*d+j], got[r][j], nil, nil) {
					return
				}
			}
		}
	}},
	// maxpool.Forward(x[h][w], k, stride) on each sample's channels in
	// turn, until MineCap output elements are checked; k and stride are
	// read from the node's attributes.
	"maxpool2d": {exercise: "maxpool", fn: "Forward", fwd: func(impl any, n *autograd.Node, c *compare) {
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
					if !c.elem(n.Out.Value, plane*oh*ow+i*ow+j, fmt.Sprintf("[%d][%d][%d]", plane, i, j), out[plane*oh*ow+i*ow+j], got[i][j], nil, nil) {
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

// MineOps returns what mine mode can check, sorted: each op with the
// learner's function behind it ("sigmoid: logistic.Sigmoid"), its
// backward pass marked ∂ ("∂ sigmoid: backprop.SigmoidBackward").
func MineOps() []string {
	var out []string
	for _, set := range []struct {
		mark string
		m    map[string][]adapter
	}{{"", forwardAdapters}, {"∂ ", backwardAdapters}} {
		for op, as := range set.m {
			for _, a := range as {
				out = append(out, set.mark+op+": "+a.exercise+"."+a.fn)
			}
		}
	}
	sort.Strings(out)
	return out
}

// MineExercises returns the exercises mine mode can call, sorted.
func MineExercises() []string {
	var out []string
	for _, m := range []map[string][]adapter{forwardAdapters, backwardAdapters} {
		for _, as := range m {
			for _, a := range as {
				if !slices.Contains(out, a.exercise) {
					out = append(out, a.exercise)
				}
			}
		}
	}
	sort.Strings(out)
	return out
}

// compare accumulates one node's comparison.
type compare struct {
	lessons.MineCheck
	exercise, fn string
	ready        func(string)
	total        int
	// tape is the step's tape, for adapters that look at a node's
	// neighbours (a loss built from several ops).
	tape *autograd.Tape
	// writes are the learner's values compared so far, to put in place
	// of the engine's when the whole comparison agrees.
	writes []write
}

// write is one learner's value for element flat of t.
type write struct {
	t    *tensor.Tensor
	flat int
	v    float64
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

// unmatched reports whether the adapter left the node alone: it compared
// no element and found no problem (the node is not the pattern the
// adapter checks, such as an add that is not a dense layer's bias). Such
// a node is not in the report.
func (c *compare) unmatched() bool { return c.OK && c.Checked == 0 }

func (c *compare) problem(msg string) {
	c.OK, c.Problem = false, msg
}

// elem compares one element, the engine's value engine (element flat of
// dst, the tensor the step goes on with) with the learner's yours, and
// reports whether the comparison goes on. At a disagreement it asks the
// checks for a diagnosis of got (the learner's whole result for args).
// dst nil: the value is compared only (it is not one the step uses).
func (c *compare) elem(dst *tensor.Tensor, flat int, index string, engine, yours float64, args []any, got any) bool {
	c.Checked++
	d := math.Abs(yours - engine)
	if math.IsNaN(d) {
		d = math.Inf(1)
	}
	c.MaxErr = max(c.MaxErr, d)
	c.Index, c.Engine, c.Yours = index, engine, yours
	if d <= MineTol.Abs+MineTol.Rel*math.Abs(engine) || engine == yours {
		if dst != nil {
			c.writes = append(c.writes, write{dst, flat, yours})
		}
		return true
	}
	c.OK = false
	if args != nil {
		c.Diagnosis = checks.Diagnose(c.exercise, c.fn, args, got)
	}
	return false
}

// apply puts the learner's compared values in place of the engine's.
func (c *compare) apply() {
	for _, w := range c.writes {
		w.t.Data[w.flat] = w.v
	}
	c.Used = len(c.writes)
}

// SetMine implements lessons.MineChecker.
func (l *Loop) SetMine(m *lessons.Mine) { l.Mine = m }

// MineReport implements lessons.MineChecker.
func (l *Loop) MineReport() *lessons.MineReport { return l.mineRep }

// mineHooks makes the current step's backward pass check (and take) the
// learner's gradients; called after the step's tape is made.
func (l *Loop) mineHooks() {
	l.mineRep = &lessons.MineReport{Step: l.Step + 1, First: -1}
	l.Cur.Tape.SetBackwardHook(l.checkBackward)
}

// newCompare starts the comparison of node n with exercise a.
func (l *Loop) newCompare(a adapter, n *autograd.Node, label string) *compare {
	return &compare{exercise: a.exercise, fn: a.fn, ready: l.Mine.Ready, tape: l.Cur.Tape,
		MineCheck: lessons.MineCheck{Node: label, Op: n.Op, Func: a.exercise + "." + a.fn, OK: true}}
}

// record adds c to the step's report; at a failure the run stops there.
func (l *Loop) record(c *compare) bool {
	c.Total = c.total
	rep := l.mineRep
	rep.Checks = append(rep.Checks, c.MineCheck)
	if c.OK {
		return true
	}
	rep.First = len(rep.Checks) - 1
	l.MineStopped = true
	l.Cur.Halted = true
	l.mineNonFinite(c)
	return false
}

// checkMine compares the forward pass just recorded with the learner's
// code, node by node in tape order: each node's inputs hold the values
// that follow from the learner's earlier ops. At a failure the run stops
// with the failing node revealed.
func (l *Loop) checkMine() {
	tp := l.Cur.Tape
	for i, n := range tp.Nodes() {
		for _, a := range forwardAdapters[n.Op] {
			impl, ok := l.Mine.Impls[a.exercise]
			if !ok || impl == nil {
				continue
			}
			c := l.newCompare(a, n, n.Label())
			a.fwd(impl, n, c)
			if c.unmatched() {
				continue
			}
			if !l.record(c) {
				l.Cur.Fwd = i + 1
				return
			}
			if len(c.writes) > 0 {
				c.apply()
				l.mineRep.Checks[len(l.mineRep.Checks)-1].Used = c.Used
				tp.Refresh(n)
			}
		}
	}
}

// checkBackward is the backward hook of a step in mine mode: it compares
// the gradients a node sends with the learner's and sends the learner's.
func (l *Loop) checkBackward(st autograd.Step) {
	if l.Cur.Halted {
		return
	}
	for _, a := range backwardAdapters[st.Node.Op] {
		impl, ok := l.Mine.Impls[a.exercise]
		if !ok || impl == nil {
			continue
		}
		c := l.newCompare(a, st.Node, "∂ "+st.Node.Label())
		a.back(impl, st, c)
		if c.unmatched() {
			continue
		}
		if !l.record(c) {
			return
		}
		if len(c.writes) == 0 {
			continue
		}
		// The gradients may be shared with the graph: the learner's go
		// in fresh tensors.
		fresh := map[*tensor.Tensor]*tensor.Tensor{}
		for k, w := range c.writes {
			for j, g := range st.Grads {
				if g == w.t {
					if fresh[g] == nil {
						fresh[g] = g.Clone()
						st.Grads[j] = fresh[g]
					}
				}
			}
			if f := fresh[w.t]; f != nil {
				c.writes[k].t = f
			}
		}
		c.apply()
		l.mineRep.Checks[len(l.mineRep.Checks)-1].Used = c.Used
	}
}

// mineNonFinite stops the run as a divergence too when the learner's
// value is NaN or ±Inf where the engine's is finite: the autopsy names the
// op and its largest input (an exp that overflowed in the learner's code).
func (l *Loop) mineNonFinite(c *compare) {
	if c.Problem != "" || Finite(c.Yours) || !Finite(c.Engine) {
		return
	}
	var node *autograd.Node
	for _, n := range l.Cur.Tape.Nodes() {
		if n.Label() == strings.TrimPrefix(c.Node, "∂ ") {
			node = n
			break
		}
	}
	if node == nil {
		return
	}
	in := 0.0
	for _, v := range node.Inputs {
		for _, x := range v.Value.Data {
			in = math.Max(in, math.Abs(x))
		}
	}
	what := "overflow"
	if math.IsNaN(c.Yours) {
		what = "not a number"
	}
	a := &scene.Autopsy{Step: l.Step + 1, Trigger: scene.TriggerNonFinite, Rule: l.Watch.Rule(), Op: node.Label(),
		Findings: []string{
			fmt.Sprintf("%s at %s: largest input %s → %s in your %s (%s); the engine's value is %s", node.Op, node.Label(),
				lessons.FormatNum(in), lessons.FormatNum(c.Yours), c.Func, what, lessons.FormatNum(c.Engine)),
		}}
	if c.Diagnosis != "" {
		a.Findings = append(a.Findings, "hint: "+c.Diagnosis)
	}
	a.Summary = a.Findings[0]
	l.Diverged, l.DivStep, l.Autopsy = true, l.Step+1, a
	l.Watch.stop(a)
}
