package gan

import (
	"fmt"
	"slices"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/internal/checks"
	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/trainer"
)

// Mine mode: the losses and their gradients with respect to the
// discriminator's logits are computed again by the learner's gan exercise
// on the lesson's real logits and compared with the engine's:
//
//   - each D step, DiscriminatorLoss(real, fake) with L_D, before the
//     backward pass, and DiscriminatorGrad(real, fake) with the gradients
//     the engine's backward pass sends from the two cross-entropies to the
//     real and the fake logits (their upstream gradient is 1: L_D is their
//     sum);
//   - the G step, with the non-saturating loss only (the exercise's
//     GeneratorLoss is −mean log σ(l); the saturating mean log(1 − σ(l))
//     is not checked), GeneratorLoss(fake) with L_G on G's forward pass
//     and GeneratorGrad(fake) with the gradient sent to the fake logits.
//
// The engine's losses are the means of the stable binary cross-entropy
// on logits, max(l, 0) − l·y + log(1 + e^(−|l|)), the exercise's
// softplus forms. Where the learner's values agree, the step goes on with
// them: the loss shown and watched is the learner's, and the backward
// pass carries the learner's gradients on through D (and G). At the first
// disagreement, or a call that panics or hangs, the run stops at that op
// with no update.

func init() {
	trainer.RegisterMineOp("gan", "gan D loss", "gan", "DiscriminatorLoss")
	trainer.RegisterMineOp("gan", "∂ gan D loss", "gan", "DiscriminatorGrad")
	trainer.RegisterMineOp("gan", "gan G loss", "gan", "GeneratorLoss")
	trainer.RegisterMineOp("gan", "∂ gan G loss", "gan", "GeneratorGrad")
}

// mineState is the machine's side of mine mode: plain values, copied by
// snapshots (the report is replaced, never changed, once its step ends).
type mineState struct {
	mine    *lessons.Mine
	rep     *lessons.MineReport // of the step in progress or the last one
	stopped bool
}

// Mined implements lessons.Miner.
func (m *machine) Mined() lessons.MineChecker { return m }

// SetMine implements lessons.MineChecker.
func (m *machine) SetMine(mine *lessons.Mine) { m.mined.mine = mine }

// MineReport implements lessons.MineChecker.
func (m *machine) MineReport() *lessons.MineReport { return m.mined.rep }

// impl is the learner's gan exercise, or nil outside mine mode.
func (m *machine) impl() *checks.GANImpl {
	if m.mined.mine == nil {
		return nil
	}
	im, _ := m.mined.mine.Impls["gan"].(*checks.GANImpl)
	return im
}

// compare starts a check of fn on the op called node.
func (m *machine) compare(fn, node, op string) *trainer.MineCompare {
	if m.k > 1 && op != "gan G loss" && op != "∂ gan G loss" {
		node = fmt.Sprintf("D step %d: %s", m.cur.DStep, node)
	}
	return trainer.NewMineCompare(m.mined.mine, "gan", fn, node, op)
}

// add puts c in the report of the step in progress and reports whether
// the run goes on.
func (m *machine) add(c lessons.MineCheck) bool {
	if r := m.mined.rep; r == nil || r.Step != m.step+1 {
		m.mined.rep = &lessons.MineReport{Step: m.step + 1, First: -1}
	} else {
		// A report may be shared with a snapshot: grow a copy.
		cp := *r
		cp.Checks = slices.Clone(r.Checks)
		m.mined.rep = &cp
	}
	if !trainer.MineAdd(m.mined.rep, c) {
		m.mined.stopped = true
		return false
	}
	return true
}

// mineLoss compares the loss just recorded (a scalar) with the learner's
// value for the logits given, and reports whether the run goes on.
func (m *machine) mineLoss(loss *autograd.Var, fn, node, op string, f func() float64, args []any) bool {
	mc := m.compare(fn, node, op)
	mc.Total(1)
	var v float64
	if mc.Call(func() { v = f() }) {
		mc.Elem(loss.Value, 0, "", loss.Value.Data[0], v, args, v)
	}
	return m.add(mc.Check())
}

// mineDLoss checks L_D; true outside mine mode.
func (m *machine) mineDLoss(loss *autograd.Var) bool {
	im := m.impl()
	if im == nil {
		return true
	}
	real, fake := slices.Clone(m.live.realLogits), slices.Clone(m.live.fakeLogits)
	return m.mineLoss(loss, "DiscriminatorLoss", "L_D = bce(D(x), 1) + bce(D(G(z)), 0)", "gan D loss",
		func() float64 { return im.DiscriminatorLoss(slices.Clone(real), slices.Clone(fake)) }, []any{real, fake})
}

// mineGLoss checks L_G (non-saturating only); true otherwise.
func (m *machine) mineGLoss(loss *autograd.Var) bool {
	im := m.impl()
	if im == nil || m.cfg.loss != NonSaturating {
		return true
	}
	fake := slices.Clone(m.live.gl)
	return m.mineLoss(loss, "GeneratorLoss", "L_G = bce(D(G(z)), 1)", "gan G loss",
		func() float64 { return im.GeneratorLoss(slices.Clone(fake)) }, []any{fake})
}

// gradCheck is the learner's gradient for the logits of one loss node.
type gradCheck struct {
	mc    *trainer.MineCompare
	yours []float64
	// args and got are the call's, for the checks' diagnosis.
	args []any
	got  []float64
}

// backward runs the backward pass of loss; in mine mode the gradients
// the nodes of want send to their first input (the logits) are compared
// with the learner's and replaced by them, and the pass stops at the
// first that disagrees. It reports whether the run goes on.
func (m *machine) backward(tp *autograd.Tape, loss *autograd.Var, want map[*autograd.Node]gradCheck) bool {
	if want == nil {
		tp.Backward(loss)
		return true
	}
	ok := true
	tp.SetBackwardHook(func(st autograd.Step) {
		w, found := want[st.Node]
		if !found || !ok {
			return
		}
		g := st.Grads[0]
		fresh := g.Clone()
		w.mc.Total(len(g.Data))
		if len(w.yours) != len(g.Data) {
			w.mc.Problem(fmt.Sprintf("returned %d values for %d logits", len(w.yours), len(g.Data)))
		}
		for i := 0; i < len(g.Data) && w.mc.OK(); i++ {
			w.mc.Elem(fresh, i, fmt.Sprintf("[%d]", i), g.Data[i], w.yours[i], w.args, w.got)
		}
		if ok = m.add(w.mc.Check()); ok {
			st.Grads[0] = fresh
		}
	})
	defer tp.SetBackwardHook(nil)
	for range tp.BackwardSteps(loss) {
		if !ok {
			break
		}
	}
	return ok
}

// dGrads calls the learner's DiscriminatorGrad for the D step's backward
// pass: nil outside mine mode; ok false when the call failed (the run
// stops).
func (m *machine) dGrads() (want map[*autograd.Node]gradCheck, ok bool) {
	im := m.impl()
	if im == nil {
		return nil, true
	}
	real, fake := slices.Clone(m.live.realLogits), slices.Clone(m.live.fakeLogits)
	mr := m.compare("DiscriminatorGrad", "∂L_D/∂ D(x) logits", "∂ gan D loss")
	mf := m.compare("DiscriminatorGrad", "∂L_D/∂ D(G(z)) logits", "∂ gan D loss")
	var dr, df []float64
	if !mr.Call(func() { dr, df = im.DiscriminatorGrad(slices.Clone(real), slices.Clone(fake)) }) {
		return nil, m.add(mr.Check())
	}
	args, got := []any{real, fake}, append(slices.Clone(dr), df...)
	return map[*autograd.Node]gradCheck{
		m.live.lossReal.Node(): {mr, dr, args, got},
		m.live.lossFake.Node(): {mf, df, args, got},
	}, true
}

// gGrads is dGrads for the G step's GeneratorGrad (non-saturating only).
func (m *machine) gGrads() (want map[*autograd.Node]gradCheck, ok bool) {
	im := m.impl()
	if im == nil || m.cfg.loss != NonSaturating {
		return nil, true
	}
	fake := slices.Clone(m.live.gl)
	mc := m.compare("GeneratorGrad", "∂L_G/∂ D(G(z)) logits", "∂ gan G loss")
	var d []float64
	if !mc.Call(func() { d = im.GeneratorGrad(slices.Clone(fake)) }) {
		return nil, m.add(mc.Check())
	}
	return map[*autograd.Node]gradCheck{m.live.lossG.Node(): {mc, d, []any{fake}, d}}, true
}
