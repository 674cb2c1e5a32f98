package linreg

import (
	"fmt"

	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/scene"
	"github.com/dlearn/dlearn/lessons/trainer"
)

// goal is what done means here: the prediction the seed's program asks for,
// ŷ(0.5), within 0.1 of the true line's 2.
var goal = &lessons.Goal{Measure: "pred", Label: "ŷ(0.5)", Compare: lessons.Within, Target: 2, Tol: 0.1}

// Measures implements lessons.Measurer: the prediction at 0.5 (for x,
// whatever input the neuron is fed) and the full-data MSE before training
// and after every epoch.
func (m *machine) Measures() lessons.Measures {
	loss := append([]float64{m.startMSE}, m.epochMSE...)
	return lessons.Measures{Values: map[string]float64{"pred": m.pred()}, Loss: loss}
}

// Ask implements lessons.Questioner. Four moments: before training (will
// this learning rate reach the goal?), the end of step 1's forward pass
// (the sign of ∂L/∂W), the end of its backward pass (W after the update,
// a number), and the end of epoch 10 (W at the end of the run: the slow
// direction of an ill-conditioned loss).
func (m *machine) Ask() *lessons.Ask {
	c := &m.loop.Cur
	switch {
	case m.loop.Step == 0 && c.Tape == nil:
		return &lessons.Ask{
			ID:      "reach-goal",
			Prompt:  fmt.Sprintf("Before we start: trained for %d epochs at learning rate %s, will ŷ(0.5) end within 0.1 of 2?", m.loop.Epochs, trainer.Num(m.opt.LR)),
			Kind:    scene.QuestionChoice,
			Choices: []string{"yes", "no"},
			Ahead:   lessons.End, AheadN: 1,
			Resolve: func(f lessons.Machine) lessons.Resolution {
				e := f.(*machine)
				p := e.Measures().Values["pred"]
				if e.loop.Diverged {
					return lessons.Resolution{Choice: 1, Explain: fmt.Sprintf("No: at this rate the run diverges at step %d.", e.loop.DivStep)}
				}
				if goal.Met(p) {
					return lessons.Resolution{Choice: 0, Explain: fmt.Sprintf("Yes: it ends at ŷ(0.5) = %s.", trainer.Num(p))}
				}
				return lessons.Resolution{Choice: 1, Explain: fmt.Sprintf("No: it ends at ŷ(0.5) = %s.", trainer.Num(p))}
			},
		}
	case m.loop.Step == 0 && c.Phase == trainer.Forward && c.Fwd == c.Tape.Len():
		n := c.Tape.Len()
		hint := "Look at where the line is against the points, and whether x is positive."
		if m.centre != CentreOff {
			hint = "x is centred, so it has both signs: which errors go with large x?"
		}
		return &lessons.Ask{
			ID:      "dW-sign",
			Prompt:  "The forward pass is done. What sign will ∂L/∂W have? (" + hint + ")",
			Kind:    scene.QuestionChoice,
			Choices: lessons.SignChoices,
			Ahead:   lessons.Op, AheadN: n,
			Resolve: func(f lessons.Machine) lessons.Resolution {
				e := f.(*machine)
				g := e.dense.W.Grad.Data[0]
				return lessons.Resolution{Choice: lessons.SignIndex(g, 0), Explain: e.dWExplain(g)}
			},
		}
	case m.loop.Step == 0 && c.Phase == trainer.Backward && len(c.Steps) == c.Tape.Len():
		w, g := m.dense.W.Value.Data[0], m.dense.W.Grad.Data[0]
		return &lessons.Ask{
			ID:        "W-after",
			Prompt:    fmt.Sprintf("W = %s, ∂L/∂W = %s, learning rate %s. What will W be after the update? (within 0.001)", trainer.Num(w), trainer.Num(g), trainer.Num(m.opt.LR)),
			Kind:      scene.QuestionNumber,
			Tolerance: 0.001,
			Ahead:     lessons.Op, AheadN: 1,
			Resolve: func(f lessons.Machine) lessons.Resolution {
				nw := f.(*machine).dense.W.Value.Data[0]
				return lessons.Resolution{Value: nw,
					Explain: fmt.Sprintf("W − lr·∂L/∂W = %s − %s·%s = %s.", trainer.Num(w), trainer.Num(m.opt.LR), trainer.Num(g), trainer.Num(nw))}
			},
		}
	case m.loop.Epochs >= 20 && m.loop.Step == 10*m.loop.StepsPerEpoch() && c.Phase == trainer.Updated &&
		m.opt.LR < m.curvatureOf(m.centre).Limit()/2:
		// Posed only well inside the stability limit, where the run ends
		// with a finite W to predict.
		w, _ := m.line()
		lsw, _ := m.leastSquares()
		return &lessons.Ask{
			ID:        "W-end",
			Prompt:    fmt.Sprintf("Ten epochs done: the line's slope is W = %s; the best line through the points (least squares) has W = %s. What will W be after all %d epochs? (within 0.1)", trainer.Num(w), trainer.Num(lsw), m.loop.Epochs),
			Kind:      scene.QuestionNumber,
			Tolerance: 0.1,
			Ahead:     lessons.End, AheadN: 1,
			Resolve: func(f lessons.Machine) lessons.Resolution {
				e := f.(*machine)
				we, _ := e.line()
				cv := e.curvatureOf(e.centre)
				steps := e.loop.Step
				return lessons.Resolution{Value: we, Explain: fmt.Sprintf(
					"W ends at %s. The loss's Hessian has eigenvalues %s and %s (κ = %s); along the slow one each step keeps 1 − lr·λmin of the error, so after %d steps (1 − %s·%s)^%d = %s of it is left.",
					trainer.Num(we), trainer.Num(cv.LMin), trainer.Num(cv.LMax), trainer.Num(cv.Kappa()), steps, trainer.Num(e.opt.LR), trainer.Num(cv.LMin), steps, pct(cv.Left(e.opt.LR, steps)))}
			},
		}
	}
	return nil
}

// dWExplain says why ∂L/∂W = (2/n)·Σ eᵢxᵢ has the sign it has, from the
// batch: how many points lie below the line and whether every x is positive.
func (m *machine) dWExplain(g float64) string {
	w, b := m.wUsed(), m.bUsed()
	below, pos := 0, 0
	for i, x := range m.xb.Data {
		if w*x+b-m.yb.Data[i] < 0 {
			below++
		}
		if x > 0 {
			pos++
		}
	}
	n := len(m.xb.Data)
	s := fmt.Sprintf("∂L/∂W = (2/n)·Σ eᵢxᵢ = %s. The line is below %d of the batch's %d points (eᵢ < 0 there)", trainer.Num(g), below, n)
	if pos == n {
		return s + " and every x is positive, so the sum takes the sign of most errors."
	}
	return s + fmt.Sprintf("; %d of the %d inputs are positive, so the sign is decided by which errors go with the larger |x|.", pos, n)
}

// Progress implements lessons.Progresser, so a learner moving by whole
// steps still stops at the questions asked inside one.
func (m *machine) Progress() (step, epoch int) { return m.loop.Step, m.loop.Epoch }
