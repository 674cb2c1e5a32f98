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

// Measures implements lessons.Measurer: the prediction at 0.5 and the
// full-data MSE before training and after every epoch.
func (m *machine) Measures() lessons.Measures {
	w, b := m.dense.W.Value.Data[0], m.dense.B.Value.Data[0]
	loss := append([]float64{m.startMSE}, m.epochMSE...)
	return lessons.Measures{Values: map[string]float64{"pred": w*Query + b}, Loss: loss}
}

// Ask implements lessons.Questioner. Three moments: before training (will
// this learning rate reach the goal?), the end of step 1's forward pass
// (the sign of ∂L/∂W), and the end of its backward pass (W after the
// update, a number).
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
		return &lessons.Ask{
			ID:      "dW-sign",
			Prompt:  "The forward pass is done. What sign will ∂L/∂W have? (Look at where the line is against the points, and whether x is positive.)",
			Kind:    scene.QuestionChoice,
			Choices: lessons.SignChoices,
			Ahead:   lessons.Op, AheadN: n,
			Resolve: func(f lessons.Machine) lessons.Resolution {
				g := f.(*machine).dense.W.Grad.Data[0]
				side := "below"
				if g > 0 {
					side = "above"
				}
				return lessons.Resolution{Choice: lessons.SignIndex(g, 0),
					Explain: fmt.Sprintf("∂L/∂W = %s: the line is mostly %s the batch's points and every x is positive, so (2/n)·Σ eᵢxᵢ has the sign of the errors.", trainer.Num(g), side)}
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
	}
	return nil
}
