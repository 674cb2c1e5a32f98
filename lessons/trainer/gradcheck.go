package trainer

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/tensor"
	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/scene"
)

// GradCheckStep is the step h of the central differences of GradCheck
// (the step of the engine's own gradient checks),
// and gradCheckSample the most elements of one input it checks.
const (
	GradCheckStep   = 1e-6
	gradCheckSample = 8
)

// ErrNoBackward is GradCheck's answer outside the backward pass.
var ErrNoBackward = errors.New("a gradient check runs in the backward pass, before the update: step to a backward node")

// GradCheck checks the gradient at the node the backward pass revealed
// last, against central differences: for every input of the node that
// takes a gradient, on up to gradCheckSample of its elements (spread
// evenly, and the one of largest gradient; elements where the loss has a
// kink are left out and counted, see kink), the forward pass is computed
// again from that input moved by ±GradCheckStep (autograd's Replay: new
// tensors, nothing recorded changes) and the loss difference is held
// against the gradient the backward pass left on the input. It is
// deterministic and leaves the run as it was.
func (c *Cursor) GradCheck() (*scene.GradCheck, error) {
	if c.Phase != Backward || len(c.Steps) == 0 {
		return nil, ErrNoBackward
	}
	return CheckNode(c.Tape, c.Loss, c.Steps[len(c.Steps)-1].Node), nil
}

// CheckNode is GradCheck's check of node n of tp, whose backward pass
// from loss has run.
func CheckNode(tp *autograd.Tape, loss *autograd.Var, n *autograd.Node) *scene.GradCheck {
	h := GradCheckStep
	gc := &scene.GradCheck{Node: n.Label(), Step: h}
	l0 := loss.Value.Data[0]
	seen := map[*autograd.Var]bool{}
	for _, in := range n.Inputs {
		if !in.RequiresGrad() || in.Grad == nil || seen[in] {
			continue
		}
		seen[in] = true
		r := scene.GradCheckInput{Name: nameOf(in), Worst: -1}
		for _, i := range sample(in.Grad.Data) {
			moved := func(d float64) float64 {
				x := in.Value.Clone()
				x.Data[i] += d
				return tp.Replay(loss, map[*autograd.Var]*tensor.Tensor{in: x}).Data[0]
			}
			lp, lm := moved(h), moved(-h)
			num := (lp - lm) / (2 * h)
			if kink(l0, lp, lm, h, moved) {
				r.Kinks++
				continue
			}
			an := in.Grad.Data[i]
			rel := math.Abs(an-num) / math.Max(1, math.Max(math.Abs(an), math.Abs(num)))
			r.Checked++
			if r.Worst < 0 || rel > r.MaxRelErr || math.IsNaN(rel) {
				r.MaxRelErr, r.Worst, r.Analytic, r.Numeric = rel, i, an, num
			}
		}
		gc.Inputs = append(gc.Inputs, r)
	}
	gc.Summary = summarize(gc)
	return gc
}

// kink reports whether the loss has a kink within ±h of the point (a
// ReLU's input crossing 0, a max changing its winner): where it is smooth
// the one-sided differences disagree by h times the second derivative and by a tenth of that at
// h/10. A disagreement too small to move the central difference by the
// engine's tolerance (1e-6, relative to max(1, |f'|)) is let pass; a
// larger one that does not shrink tenfold with the step is a kink.
func kink(l0, lp, lm, h float64, moved func(float64) float64) bool {
	fwd, bwd := (lp-l0)/h, (l0-lm)/h
	d := math.Abs(fwd - bwd)
	if d <= 1e-6*math.Max(1, math.Max(math.Abs(fwd), math.Abs(bwd))) {
		return false
	}
	h10 := h / 10
	d10 := math.Abs((moved(h10)-l0)/h10 - (l0-moved(-h10))/h10)
	return d10 < d/20 || d10 > d/5
}

// sample is the flat indices checked: all of a small tensor; otherwise
// evenly spread ones and the one of largest |gradient|.
func sample(g []float64) []int {
	if len(g) <= gradCheckSample {
		out := make([]int, len(g))
		for i := range out {
			out[i] = i
		}
		return out
	}
	big := 0
	for i, x := range g {
		if math.Abs(x) > math.Abs(g[big]) {
			big = i
		}
	}
	out := []int{big}
	for k := range gradCheckSample - 1 {
		if i := k * len(g) / (gradCheckSample - 1); i != big {
			out = append(out, i)
		}
	}
	return out
}

func summarize(gc *scene.GradCheck) string {
	if len(gc.Inputs) == 0 {
		return fmt.Sprintf("gradient check at %s: no input takes a gradient", gc.Node)
	}
	parts := make([]string, len(gc.Inputs))
	for k, r := range gc.Inputs {
		s := fmt.Sprintf("∂L/∂%s: max rel err %s over %d elements", r.Name, lessons.FormatNum(r.MaxRelErr), r.Checked)
		if r.Checked == 0 {
			s = fmt.Sprintf("∂L/∂%s: no element checked", r.Name)
		}
		if r.Kinks > 0 {
			s += fmt.Sprintf(" (%d at a kink left out)", r.Kinks)
		}
		parts[k] = s
	}
	return fmt.Sprintf("gradient check at %s, central differences h = %s: %s", gc.Node, lessons.FormatNum(gc.Step), strings.Join(parts, "; "))
}

// GradCheck implements lessons.Instruments: the cursor's check.
func (l *Loop) GradCheck() (*scene.GradCheck, error) { return l.Cur.GradCheck() }

// GradCheck implements lessons.Instruments for a machine that drives its
// own training: it keeps no tape to check.
func (w *Watch) GradCheck() (*scene.GradCheck, error) { return nil, lessons.ErrNoGradCheck }

// GradCheckPass checks every node of the step's backward pass whose
// inputs take a gradient, in the order the backward pass visits them
// (CheckNode on each): the whole step at once, for a front end without a
// focus (the CLI's --gradcheck). The backward iterator has already run to
// its end when the backward phase begins, so every gradient is final
// whichever node is revealed. It leaves the run as it was.
func (c *Cursor) GradCheckPass() ([]*scene.GradCheck, error) {
	if c.Phase != Backward || len(c.Steps) == 0 {
		return nil, ErrNoBackward
	}
	var out []*scene.GradCheck
	for _, st := range c.all {
		if gc := CheckNode(c.Tape, c.Loss, st.Node); len(gc.Inputs) > 0 {
			out = append(out, gc)
		}
	}
	return out, nil
}

// GradCheckPass implements lessons.PassChecker: the cursor's check of the
// whole backward pass.
func (l *Loop) GradCheckPass() ([]*scene.GradCheck, error) { return l.Cur.GradCheckPass() }
