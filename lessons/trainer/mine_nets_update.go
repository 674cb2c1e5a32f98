package trainer

import (
	"fmt"
	"strconv"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/optim"
	"github.com/dlearn/dlearn/engine/tensor"
	"github.com/dlearn/dlearn/internal/checks"
	"github.com/dlearn/dlearn/lessons"
)

// Checks of the update phase: what a lesson does to the gradients between
// the backward pass and the optimizer (a clip, a weight decay) is no op of
// the tape, so the lesson's update calls these in place of the engine's
// function. Out of mine mode (or without the exercise) they do what the
// engine does; in mine mode they compare the learner's result with the
// engine's on the step's real gradients, put the learner's agreeing
// values in the gradients the optimizer then uses, and at a disagreement
// stop the step there: ok false, and the update must not touch the
// parameters.
func init() {
	mineUpdate("clip grad norm", "clip", "ClipGradNorm")
	mineUpdate("weight decay", "regularize", "L2Grad")
}

// mineImpl returns the Mine's implementation of exercise, or nil.
func (l *Loop) mineImpl(exercise string) any {
	if l.Mine == nil {
		return nil
	}
	return l.Mine.Impls[exercise]
}

// updateCompare starts a check of the update phase.
func (l *Loop) updateCompare(exercise, fn, label, op string) *compare {
	c := &compare{exercise: exercise, fn: fn, ready: l.Mine.Ready, tape: l.Cur.Tape,
		MineCheck: lessons.MineCheck{Node: label, Op: op, Func: exercise + "." + fn, OK: true}}
	if l.mineRep == nil {
		l.mineRep = &lessons.MineReport{Step: l.Step + 1, First: -1}
	}
	return c
}

// recordUpdate adds c to the report, using the learner's values where
// all agree; false when the step stops there.
func (l *Loop) recordUpdate(c *compare) bool {
	if !l.record(c) {
		return false
	}
	c.apply()
	l.mineRep.Checks[len(l.mineRep.Checks)-1].Used = c.Used
	return true
}

// MineClip clips the gradients of params together to maxNorm as
// optim.ClipGradNorm does and returns the norm before clipping. In mine
// mode with the clip exercise, ClipGradNorm(grads, maxNorm) is given the
// gradients (one flattened slice per parameter with a gradient, in the
// order of params) and its total norm and clipped gradients (the first
// MineCap elements) are compared with the engine's; the learner's clipped
// values are the ones the optimizer gets. ok is false when they disagree:
// the step has stopped and the update must not go on. The exercise and
// the engine share PyTorch's convention: scale = maxNorm/(total + 1e-6),
// applied when below 1.
func (l *Loop) MineClip(params []*autograd.Var, maxNorm float64) (norm float64, ok bool) {
	impl := l.mineImpl("clip")
	if impl == nil {
		return optim.ClipGradNorm(params, maxNorm), true
	}
	// The engine's clip on copies, the learner's on the real gradients.
	var grads [][]float64
	var mine, eng []*autograd.Var
	for _, p := range params {
		if p.Grad == nil {
			continue
		}
		grads = append(grads, append([]float64(nil), p.Grad.Data...))
		e := autograd.NewParam(p.Name, p.Value)
		e.Grad = p.Grad.Clone()
		mine, eng = append(mine, p), append(eng, e)
	}
	norm = optim.ClipGradNorm(eng, maxNorm)
	c := l.updateCompare("clip", "ClipGradNorm", "update: clip grad norm to "+strconv.FormatFloat(maxNorm, 'g', -1, 64), "clip")
	for _, g := range grads {
		c.total += len(g)
	}
	c.total++
	var got [][]float64
	var total float64
	if c.call(func() { got, total = impl.(*checks.ClipImpl).ClipGradNorm(grads, maxNorm) }) {
		l.compareClip(c, mine, eng, got, total, norm)
	}
	if !l.recordUpdate(c) {
		return norm, false
	}
	// Elements not compared (past MineCap) take the engine's clip.
	for i, p := range mine {
		for k := range p.Grad.Data {
			if !c.wrote(p.Grad, k) {
				p.Grad.Data[k] = eng[i].Grad.Data[k]
			}
		}
	}
	return norm, true
}

// compareClip compares the learner's clip with the engine's: the norm,
// then the clipped gradients in order.
func (l *Loop) compareClip(c *compare, mine, eng []*autograd.Var, got [][]float64, total, norm float64) {
	if len(got) != len(mine) {
		c.problem(fmt.Sprintf("returned %d gradients for %d: one per parameter, in order", len(got), len(mine)))
		return
	}
	for i, g := range got {
		if len(g) != len(mine[i].Grad.Data) {
			c.problem(fmt.Sprintf("returned a gradient %d of %d values for %d", i, len(g), len(mine[i].Grad.Data)))
			return
		}
	}
	if !c.elem(nil, 0, "total norm", norm, total, nil, nil) {
		return
	}
	for i, g := range got {
		for k, v := range g {
			if c.Checked > MineCap {
				return
			}
			if !c.elem(mine[i].Grad, k, fmt.Sprintf("%s[%d]", nameOf(mine[i]), k), eng[i].Grad.Data[k], v, nil, nil) {
				return
			}
		}
	}
}

// wrote reports whether c has the learner's value for element flat of t.
func (c *compare) wrote(t *tensor.Tensor, flat int) bool {
	for _, w := range c.writes {
		if w.t == t && w.flat == flat {
			return true
		}
	}
	return false
}

// MineL2 is weight decay in mine mode with the regularize exercise: for
// each weight, L2Grad(w, grad, λ) is compared with grad + λ·w, the
// gradient the engine's optimizers step with when their WeightDecay is λ,
// and the learner's values are put in the weight's gradient. applied
// reports that they were: the lesson then steps with no weight decay of
// its own (the decay is in the gradients). ok is false when they disagree:
// the step has stopped and the update must not go on. Out of mine mode, or
// with λ = 0, nothing is done (applied false, ok true).
func (l *Loop) MineL2(weights []*autograd.Var, lambda float64) (applied, ok bool) {
	impl := l.mineImpl("regularize")
	if impl == nil || lambda == 0 {
		return false, true
	}
	f := impl.(*checks.RegularizeImpl).L2Grad
	for _, p := range weights {
		if p.Grad == nil {
			continue
		}
		c := l.updateCompare("regularize", "L2Grad", fmt.Sprintf("update: weight decay of %s, λ=%g", nameOf(p), lambda), "weight decay")
		w, g := append([]float64(nil), p.Value.Data...), append([]float64(nil), p.Grad.Data...)
		c.total = len(g)
		var got []float64
		if c.call(func() { got = f(w, g, lambda) }) {
			if len(got) != len(g) {
				c.problem(fmt.Sprintf("returned %d values for a gradient of %d", len(got), len(g)))
			}
			for k := 0; c.OK && k < min(len(got), MineCap); k++ {
				// optim.SGD: g += o.WeightDecay * w[i].
				eng := g[k] + lambda*w[k]
				c.elem(p.Grad, k, fmt.Sprintf("[%d]", k), eng, got[k], []any{w, g, lambda}, got)
			}
		}
		if !l.recordUpdate(c) {
			return false, false
		}
		// Elements not compared take the engine's decay.
		for k := min(len(got), MineCap); k < len(g); k++ {
			p.Grad.Data[k] = g[k] + lambda*w[k]
		}
	}
	return true, true
}
