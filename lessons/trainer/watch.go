package trainer

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/tensor"
	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/scene"
)

// DefaultJump is the factor by which the loss of a training step may
// exceed the largest loss of the steps before it before the run is stopped
// as diverging: ×10 in one step.
const DefaultJump = 10.0

// Watch looks at every forward pass and every update of a run for a
// divergence, and when it finds one writes the autopsy: where the values
// first left the finite range or grew most, with the numbers. It stops a
// run when
//
//   - a forward pass holds a NaN or ±Inf that one of its ops made from
//     finite inputs (or a NaN from inputs without one), or its loss is not
//     finite;
//   - the loss exceeds Jump times the largest loss of the forward passes
//     before it;
//   - an update leaves a parameter NaN or ±Inf.
//
// A machine with several kinds of forward pass (a GAN's discriminator
// and generator passes) uses one Watch for all: passes are compared with
// the previous pass of the same ops, and the parameters named are those
// updated since it.
//
// A Watch is a plain value: copying it (in a snapshot) copies its state,
// which is never written in place.
type Watch struct {
	// Jump is the loss factor of the second rule; 0 means DefaultJump, a
	// negative value turns the rule off.
	Jump float64

	// passes holds, by the ops of a pass joined, the last pass of those
	// ops: its largest |value| per node, its largest loss so far and the
	// update count at the time.
	passes map[string]pass
	// ups is the latest update of every parameter updated so far, and
	// seq counts Update calls.
	ups []ParamUpdate
	seq int
	// stopped is the first autopsy the watch wrote.
	stopped *scene.Autopsy

	// Gauges turns on the training-health gauges (see Health); Loop
	// turns them on.
	Gauges bool
	health Health
}

// Clone returns a copy of w that shares nothing it writes with w.
func (w Watch) Clone() Watch {
	w.health = w.health.Clone()
	return w
}

// Health returns the gauges recorded so far (empty unless Gauges is on).
func (w *Watch) Health() *Health { return &w.health }

// HealthPanel implements lessons.Instruments: the gauges as a secondary
// panel, nil unless Gauges is on and an update was recorded.
func (w *Watch) HealthPanel() *scene.Panel {
	if !w.Gauges {
		return nil
	}
	return w.health.Panel()
}

type pass struct {
	scales  []float64
	maxLoss float64
	seq     int
}

// ParamUpdate is one parameter's latest update, as Euclidean norms: of the
// value before and after, of the change and of the gradient it came from.
type ParamUpdate struct {
	Name                       string
	Before, Delta, After, Grad float64

	seq int
}

func (w *Watch) jump() float64 {
	if w.Jump == 0 {
		return DefaultJump
	}
	return w.Jump
}

// Rule states the rules that stop a run, for the learner.
func (w *Watch) Rule() string {
	if j := w.jump(); j > 0 {
		return fmt.Sprintf("a NaN or ±Inf that an op or an update makes, or a loss above ×%s the largest loss of the steps before", lessons.FormatNum(j))
	}
	return "a NaN or ±Inf that an op or an update makes"
}

// LastUpdate returns the parameters of the latest call of Update.
func (w *Watch) LastUpdate() []ParamUpdate {
	var out []ParamUpdate
	for _, u := range w.ups {
		if u.seq == w.seq {
			out = append(out, u)
		}
	}
	return out
}

// span is what a scan of some values found: the largest finite |value|,
// and whether any is NaN, +Inf or −Inf.
type span struct {
	max                  float64
	nan, posInf, negInf  bool
	hasValues, allFinite bool
}

func scanValues(xs []float64) span {
	s := span{hasValues: len(xs) > 0}
	// The common case, every value finite, in one pass over the bits
	// (tensor.MaxAbsBits: with the sign bit cleared, the ordering of
	// finite float64s is the ordering of their bits, and every Inf or
	// NaN is at or above infBits). Only when one is found does the
	// slower pass sort them out.
	top := tensor.MaxAbsBits(xs)
	if top < infBits {
		s.max = math.Float64frombits(top)
		s.allFinite = true
		return s
	}
	for _, x := range xs {
		switch {
		case math.IsNaN(x):
			s.nan = true
		case math.IsInf(x, 1):
			s.posInf = true
		case math.IsInf(x, -1):
			s.negInf = true
		default:
			s.max = math.Max(s.max, math.Abs(x))
		}
	}
	s.allFinite = !s.nan && !s.posInf && !s.negInf
	return s
}

const (
	signBit = 1 << 63
	infBits = 0x7ff0_0000_0000_0000 // the bits of +Inf
)

// scale is the span's size for comparing passes: +Inf once any value is
// infinite or NaN.
func (s span) scale() float64 {
	if !s.allFinite {
		return math.Inf(1)
	}
	return s.max
}

// what names the non-finite values of s.
func (s span) what() string {
	switch {
	case s.nan:
		return "NaN"
	case s.posInf && s.negInf:
		return "±Inf"
	case s.posInf:
		return "+Inf"
	}
	return "−Inf"
}

// Forward looks at a forward pass just recorded on tp with loss loss (a
// one-element Var), as part of training step step, and returns the autopsy
// when the run must stop there, nil otherwise.
func (w *Watch) Forward(tp *autograd.Tape, loss *autograd.Var, step int) *scene.Autopsy {
	nodes := tp.Nodes()
	scales := make([]float64, len(nodes))
	ops := make([]string, len(nodes))
	for i, n := range nodes {
		ops[i] = n.Op
	}
	key := strings.Join(ops, ",")
	if w.Gauges {
		w.health.recordForward(nodes)
	}
	prev := w.passes[key]
	since := w.updatesSince(prev.seq)
	var found *scene.Autopsy
	spans := scanNodes(nodes)
	for i, n := range nodes {
		s := spans[i]
		scales[i] = s.scale()
		if found != nil || s.allFinite {
			continue
		}
		in := span{allFinite: true}
		for _, v := range n.Inputs {
			t := scanValues(v.Value.Data)
			in.max = math.Max(in.max, t.max)
			in.nan, in.posInf, in.negInf = in.nan || t.nan, in.posInf || t.posInf, in.negInf || t.negInf
			in.allFinite = in.allFinite && t.allFinite
		}
		// The op made the first non-finite values from finite inputs, or a
		// NaN from inputs without one (∞ − ∞, 0·∞).
		if in.allFinite || s.nan && !in.nan {
			found = w.nonFinite(n, s, in, since, step)
		}
	}
	lv := math.NaN()
	if len(loss.Value.Data) == 1 {
		lv = loss.Value.Data[0]
	}
	if found == nil && !Finite(lv) {
		found = w.leafNonFinite(nodes, loss, step)
	}
	if j := w.jump(); found == nil && j > 0 && prev.maxLoss > 0 && lv > j*prev.maxLoss {
		found = w.jumped(nodes, scales, prev, lv, since, step)
	}
	next := pass{scales: scales, maxLoss: prev.maxLoss, seq: w.seq}
	if Finite(lv) {
		next.maxLoss = math.Max(next.maxLoss, lv)
	}
	passes := make(map[string]pass, len(w.passes)+1)
	for k, p := range w.passes {
		passes[k] = p
	}
	passes[key] = next
	w.passes = passes
	w.stop(found)
	return found
}

// parallelScan is the number of values from which activationCounts
// counts the nodes side by side on the cores: below it, a goroutine
// costs more than it saves.
const parallelScan = 1 << 16

// parallelScanNodes is the number of values (after views) from which
// scanNodes scans the nodes side by side on the cores. The scan
// (tensor.MaxAbsBits, about a tenth of a nanosecond per value in
// cache) is bound by reading the pass's values from memory; textgen's
// pass (736 K values) took 40–55 ms an epoch on one core against 66–95
// ms split between two with the machine loaded, where the second core is
// not there when wanted.
const parallelScanNodes = 1 << 20

// scanNodes returns the scan of every node's output, in node order: the
// nodes side by side on the cores when they hold many values (the scan
// reads every activation of the pass once, and is bound by memory, of
// which two cores read more than one). A node whose output is the very
// data of an earlier node's (a reshape is a view of its input) gets that
// node's scan rather than a second pass over the same memory. Each scan
// is its data's alone, so the result is the same either way.
func scanNodes(nodes []*autograd.Node) []span {
	spans := make([]span, len(nodes))
	// first[i] is the earliest node with node i's data (i itself if none).
	first := make([]int, len(nodes))
	type key struct {
		p *float64
		n int
	}
	seen := make(map[key]int, len(nodes))
	var scan []int // the nodes to scan: the first of each data
	total := 0
	for i, n := range nodes {
		first[i] = i
		d := n.Out.Value.Data
		if len(d) > 0 {
			k := key{&d[0], len(d)}
			if j, ok := seen[k]; ok {
				first[i] = j
				continue
			}
			seen[k] = i
		}
		scan = append(scan, i)
		total += len(d)
	}
	one := func(k int) { i := scan[k]; spans[i] = scanValues(nodes[i].Out.Value.Data) }
	if total < parallelScanNodes {
		for k := range scan {
			one(k)
		}
	} else {
		Chunks(len(scan), one)
	}
	for i, j := range first {
		spans[i] = spans[j]
	}
	return spans
}

// stop keeps a, the first autopsy written.
func (w *Watch) stop(a *scene.Autopsy) {
	if w.stopped == nil {
		w.stopped = a
	}
}

// DivergenceAutopsy implements lessons.Instruments for a machine that
// drives its own training through a Watch: the first autopsy the watch
// wrote, nil while none.
func (w *Watch) DivergenceAutopsy() *scene.Autopsy { return w.stopped }

// updatesSince returns the latest update of every parameter updated after
// the seq-th call of Update.
func (w *Watch) updatesSince(seq int) []ParamUpdate {
	var out []ParamUpdate
	for _, u := range w.ups {
		if u.seq > seq {
			out = append(out, u)
		}
	}
	return out
}

// nonFinite is the autopsy of an op that made non-finite values.
func (w *Watch) nonFinite(n *autograd.Node, out, in span, since []ParamUpdate, step int) *scene.Autopsy {
	a := &scene.Autopsy{Step: step, Trigger: scene.TriggerNonFinite, Rule: w.Rule(), Op: n.Label()}
	var f string
	if in.allFinite {
		why := "overflow"
		if out.nan {
			why = "not a number"
		}
		f = fmt.Sprintf("%s at %s: largest input %s → %s (%s)", n.Op, n.Label(), lessons.FormatNum(in.max), out.what(), why)
	} else {
		f = fmt.Sprintf("%s at %s: inputs hold %s → NaN (∞ − ∞ or 0·∞)", n.Op, n.Label(), in.what())
	}
	a.Findings = append(a.Findings, f)
	a.Param, a.Findings = paramFinding(a.Findings, since)
	a.Summary = a.Findings[0]
	return a
}

// leafNonFinite is the autopsy of a non-finite loss that no op made: a
// parameter or an input was not finite to begin with.
func (w *Watch) leafNonFinite(nodes []*autograd.Node, loss *autograd.Var, step int) *scene.Autopsy {
	a := &scene.Autopsy{Step: step, Trigger: scene.TriggerNonFinite, Rule: w.Rule()}
	for _, n := range nodes {
		for _, v := range n.Inputs {
			if v.Node() != nil {
				continue
			}
			if s := scanValues(v.Value.Data); !s.allFinite {
				kind := "input"
				if v.IsParam() {
					kind, a.Param = "parameter", v.Name
				}
				a.Findings = append(a.Findings, fmt.Sprintf("%s %s holds %s before any op", kind, nameOf(v), s.what()))
				a.Summary = a.Findings[0]
				return a
			}
		}
	}
	a.Findings = []string{fmt.Sprintf("the loss is %s", lessons.FormatNum(loss.Value.Data[0]))}
	a.Summary = a.Findings[0]
	return a
}

// jumped is the autopsy of a loss that jumped: the parameter whose last
// update grew most against its size, and the first op of the pass whose
// values grew by the factor (or the op that grew most).
func (w *Watch) jumped(nodes []*autograd.Node, scales []float64, prev pass, lv float64, since []ParamUpdate, step int) *scene.Autopsy {
	j := w.jump()
	a := &scene.Autopsy{Step: step, Trigger: scene.TriggerJump, Rule: w.Rule()}
	a.Findings = append(a.Findings, fmt.Sprintf("the loss jumped ×%s in one step: %s, the largest before %s",
		lessons.FormatNum(lv/prev.maxLoss), lessons.FormatNum(lv), lessons.FormatNum(prev.maxLoss)))
	var opFinding string
	if len(prev.scales) == len(scales) {
		first, most, mostG := -1, -1, 0.0
		for i, s := range scales {
			p := prev.scales[i]
			if p <= 0 {
				continue
			}
			g := s / p
			if first < 0 && g >= j {
				first = i
			}
			if g > mostG {
				most, mostG = i, g
			}
		}
		how := fmt.Sprintf("the first op of the pass to grow ×%s", lessons.FormatNum(j))
		if first < 0 {
			first, how = most, "the op of the pass that grew most"
		}
		if first >= 0 && mostG > 1 {
			n := nodes[first]
			a.Op = n.Label()
			opFinding = fmt.Sprintf("%s at %s: largest |value| %s → %s (×%s), %s",
				n.Op, a.Op, lessons.FormatNum(prev.scales[first]), lessons.FormatNum(scales[first]), lessons.FormatNum(scales[first]/prev.scales[first]), how)
			// The parameters this op reads are the first suspects.
			var feeding []ParamUpdate
			for _, u := range since {
				for _, in := range n.Inputs {
					if in.IsParam() && nameOf(in) == u.Name && u.Delta > 0 {
						feeding = append(feeding, u)
					}
				}
			}
			if len(feeding) > 0 {
				since = feeding
			}
		}
	}
	a.Param, a.Findings = paramFinding(a.Findings, since)
	if opFinding != "" {
		a.Findings = append(a.Findings, opFinding)
	}
	a.Summary = a.Findings[0]
	if len(a.Findings) > 1 {
		a.Summary = a.Findings[1]
	}
	w.stop(a)
	return a
}

// paramFinding appends to fs the parameter whose latest update was
// largest against its size, and returns its name. A parameter that
// started the update at zero (a bias) is named only when no other moved
// by at least its own size.
func paramFinding(fs []string, ups []ParamUpdate) (string, []string) {
	best, bestR, zero := -1, 0.0, -1
	for i, u := range ups {
		switch {
		case u.Delta == 0:
		case u.Before == 0:
			if zero < 0 || u.Delta > ups[zero].Delta {
				zero = i
			}
		case u.Delta/u.Before > bestR:
			best, bestR = i, u.Delta/u.Before
		}
	}
	if zero >= 0 && (best < 0 || bestR < 1) {
		best = zero
	}
	if best < 0 {
		return "", fs
	}
	u := ups[best]
	var f string
	switch {
	case u.Before == 0:
		f = fmt.Sprintf("%s went from 0 to size %s in the last update (‖ΔW‖ = %s from ‖dW‖ = %s)",
			u.Name, lessons.FormatNum(u.After), lessons.FormatNum(u.Delta), lessons.FormatNum(u.Grad))
	case u.After/u.Before >= 2:
		f = fmt.Sprintf("%s grew ×%s in the last update: ‖ΔW‖ = %s from ‖dW‖ = %s (‖W‖ %s → %s)",
			u.Name, lessons.FormatNum(u.After/u.Before), lessons.FormatNum(u.Delta), lessons.FormatNum(u.Grad), lessons.FormatNum(u.Before), lessons.FormatNum(u.After))
	default:
		f = fmt.Sprintf("%s moved by %s%% of its size in the last update: ‖ΔW‖ = %s from ‖dW‖ = %s (‖W‖ %s → %s)",
			u.Name, lessons.FormatNum(100*u.Delta/u.Before), lessons.FormatNum(u.Delta), lessons.FormatNum(u.Grad), lessons.FormatNum(u.Before), lessons.FormatNum(u.After))
	}
	return u.Name, append(fs, f)
}

// Update runs update, which applies an optimizer to params, records the
// change of every parameter, and returns the autopsy when a parameter is
// NaN or ±Inf afterwards, nil otherwise. steps are the backward steps
// that made the gradients, when the caller has them (nil otherwise): a
// gradient that overflowed is traced to the node that made it.
func (w *Watch) Update(params []*autograd.Var, update func(), steps []autograd.Step, step int) *scene.Autopsy {
	// The values before the update, to measure ‖ΔW‖, in one buffer
	// reused from update to update (a pool, since a Watch is copied in
	// snapshots and several runs may update at once).
	size := 0
	for _, p := range params {
		size += len(p.Value.Data)
	}
	buf := getBefore(size)
	defer beforePool.Put(buf)
	before := make([][]float64, len(params))
	ups := make([]ParamUpdate, len(params))
	off := 0
	for i, p := range params {
		before[i] = (*buf)[off : off+len(p.Value.Data)]
		off += len(p.Value.Data)
		ups[i] = ParamUpdate{Name: nameOf(p)}
		if p.Grad != nil && len(p.Grad.Data) == len(p.Value.Data) {
			ups[i].Before, ups[i].Grad = copyNorms(before[i], p.Value.Data, p.Grad.Data)
			continue
		}
		copy(before[i], p.Value.Data)
		ups[i].Before = norm(p.Value.Data)
		if p.Grad != nil {
			ups[i].Grad = norm(p.Grad.Data)
		}
	}
	update()
	bad := -1
	for i, p := range params {
		d, a, finite := deltaNorms(p.Value.Data, before[i])
		ups[i].Delta, ups[i].After = math.Sqrt(d), math.Sqrt(a)
		if bad < 0 && !finite {
			bad = i
		}
	}
	w.seq++
	all := make([]ParamUpdate, 0, len(w.ups)+len(ups))
	for _, u := range w.ups {
		if !slices.ContainsFunc(ups, func(v ParamUpdate) bool { return v.Name == u.Name }) {
			all = append(all, u)
		}
	}
	for i := range ups {
		ups[i].seq = w.seq
	}
	w.ups = append(all, ups...)
	if w.Gauges {
		w.health.recordUpdate(ups)
	}
	if bad < 0 {
		return nil
	}
	p, u := params[bad], ups[bad]
	a := &scene.Autopsy{Step: step, Trigger: scene.TriggerNonFinite, Rule: w.Rule(), Param: u.Name}
	if f, op := gradOrigin(steps); f != "" {
		a.Findings, a.Op = append(a.Findings, f), op
	}
	a.Findings = append(a.Findings, fmt.Sprintf("%s became %s in one update: ‖ΔW‖ = %s from ‖dW‖ = %s (‖W‖ %s before)",
		u.Name, scanValues(p.Value.Data).what(), lessons.FormatNum(u.Delta), lessons.FormatNum(u.Grad), lessons.FormatNum(u.Before)))
	a.Summary = a.Findings[0]
	w.stop(a)
	return a
}

// beforePool holds Update's buffers of parameter values.
var beforePool sync.Pool

// getBefore returns a buffer of n float64 from beforePool.
func getBefore(n int) *[]float64 {
	if b, ok := beforePool.Get().(*[]float64); ok && cap(*b) >= n {
		*b = (*b)[:n]
		return b
	}
	b := make([]float64, n)
	return &b
}

// gradOrigin names the first backward step that sent a non-finite
// gradient from a finite upstream one, if any, and its node's label.
func gradOrigin(steps []autograd.Step) (finding, op string) {
	for _, st := range steps {
		up := scanValues(st.Upstream.Data)
		if !up.allFinite {
			continue
		}
		for j, g := range st.Grads {
			if g == nil {
				continue
			}
			if s := scanValues(g.Data); !s.allFinite {
				n := st.Node
				return fmt.Sprintf("backward of %s at %s: upstream gradient up to %s → ∂L/∂%s %s (overflow)",
					n.Op, n.Label(), lessons.FormatNum(up.max), nameOf(n.Inputs[j]), s.what()), n.Label()
			}
		}
	}
	return "", ""
}

// copyNorms copies xs to dst and returns the Euclidean norms of xs and of
// gs (as long as xs): norm(xs) and norm(gs), the two sums of squares
// running side by side in one pass, each in its own order, so each is
// norm's to the bit.
func copyNorms(dst, xs, gs []float64) (nx, ng float64) {
	dst, gs = dst[:len(xs)], gs[:len(xs)]
	var sx, sg float64
	for k, x := range xs {
		dst[k] = x
		g := gs[k]
		sx += x * x
		sg += g * g
	}
	return math.Sqrt(sx), math.Sqrt(sg)
}

// deltaNorms returns the sums of squares of xs − before and of xs (in
// their own orders: side by side, each as a loop of its own would add
// them), and whether every value of xs is finite.
func deltaNorms(xs, before []float64) (d, a float64, finite bool) {
	before = before[:len(xs)]
	var top uint64
	for k, x := range xs {
		e := x - before[k]
		d += e * e
		a += x * x
		top = max(top, math.Float64bits(x)&^signBit)
	}
	return d, a, top < infBits
}

func norm(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x * x
	}
	return math.Sqrt(s)
}

// HealthPanel implements lessons.Instruments: the loop's training-health
// gauges.
func (l *Loop) HealthPanel() *scene.Panel { return l.Watch.HealthPanel() }

// DivergenceAutopsy implements lessons.Instruments.
func (l *Loop) DivergenceAutopsy() *scene.Autopsy {
	if !l.Diverged {
		return nil
	}
	return l.Autopsy
}
