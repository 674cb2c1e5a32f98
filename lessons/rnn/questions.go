package rnn

import (
	"fmt"
	"math"

	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/scene"
	"github.com/dlearn/dlearn/lessons/trainer"
)

// goal is what done means here: the mean squared error of the
// predictions at the last training step at most 0.0025, half of what
// copying the last value scores on these waves (about 0.005; the
// narrative computes it from the run's own data).
var goal = &lessons.Goal{
	Measure: "mse", Label: "MSE", Compare: lessons.AtMost, Target: 0.0025,
	Remedies: map[string]lessons.Remedy{
		// An exploding gradient through time comes from W_hh, not from the
		// learning rate: Adam's steps are already lr-sized, and clipping
		// only shortens them.
		lessons.CauseExploding: {Control: "scale", Value: "1",
			Why: "lower the W_hh init scale to 1: the gradient grows through time because W_hh is large, and clipping only shortens each update, it does not stop that growth"},
	},
}

// Measures implements lessons.Measurer: the loss of the latest forward
// pass (the last training step's at the end), the growth of the last
// step's gradient on its way back to h₁, the share of saturated units,
// and the loss of every step (each step is the whole data set).
func (m *machine) Measures() lessons.Measures {
	return lessons.Measures{Values: map[string]float64{
		"mse":                   m.rec.loss.Item(),
		lessons.SignalGrowth:    m.probe().ratio(),
		lessons.SignalSaturated: m.saturated(),
	}, Loss: m.loop.Losses}
}

// saturated is the share of the cell's tanh units whose derivative
// 1 − tanh² is below 1% of its maximum on at least 90% of the waves and
// time steps of the latest forward pass: h_t for the RNN, tanh(c_t) for
// the LSTM. It is computed once per forward pass.
func (m *machine) saturated() float64 {
	if m.satOf == m.rec {
		return m.sat
	}
	vals := m.rec.hs
	switch {
	case m.rec.cs != nil:
		vals = m.rec.cs
	case m.rec.cand != nil:
		// The GRU's one tanh is its candidate n_t.
		vals = m.rec.cand
	}
	n := 0
	for u := range Hidden {
		flat := 0
		for _, v := range vals {
			for b := range Batch {
				x := v.Value.Data[b*Hidden+u]
				if m.rec.cs != nil {
					x = math.Tanh(x)
				}
				if 1-x*x < 0.01 {
					flat++
				}
			}
		}
		if float64(flat) >= 0.9*float64(len(vals)*Batch) {
			n++
		}
	}
	m.satOf, m.sat = m.rec, float64(n)/Hidden
	return m.sat
}

// ratioChoices are the answers to the question on the gradient through
// time, by order of magnitude.
var ratioChoices = []string{"above 1: it grows", "between 10⁻³ and 1", "between 10⁻⁸ and 10⁻³", "below 10⁻⁸"}

func ratioIndex(r float64) int {
	switch {
	case r > 1:
		return 0
	case r >= 1e-3:
		return 1
	case r >= 1e-8:
		return 2
	}
	return 3
}

// Ask implements lessons.Questioner. The moments: before training (the
// sine recurrence's next value, from the data), the end of the first
// forward pass (how much of the last step's error will reach h₁), after
// the first update (how far Adam moved the weight that moved most), and,
// with clipping on, after the second (will clipping rescale the third
// step's gradient?).
func (m *machine) Ask() *lessons.Ask {
	l := &m.loop
	c := &l.Cur
	T := m.cfg.steps
	if l.Diverged {
		return nil
	}
	switch {
	case l.Step == 0 && c.Tape == nil:
		x1, x2 := m.seq.Data[0], m.seq.Data[1]
		return &lessons.Ask{
			ID: "sine-next",
			Prompt: fmt.Sprintf("Wave 1 begins x₁ = %s, x₂ = %s. Every wave sin(0.1·t + φ) obeys x_t+1 = 2·cos(0.1)·x_t − x_t−1, whatever its phase φ. What is x₃? (within 0.001)",
				trainer.Num(x1), trainer.Num(x2)),
			Kind: scene.QuestionNumber, Tolerance: 0.001,
			Resolve: func(f lessons.Machine) lessons.Resolution {
				e := f.(*machine)
				x3 := e.seq.Data[2]
				return lessons.Resolution{Value: x3, Explain: fmt.Sprintf(
					"2·cos(0.1) = %s, and %s·%s − %s = %s: the data has x₃ = %s. Two past values fix the next one exactly, so predicting this wave needs a memory of one step back — not of %d.",
					trainer.Num(2*math.Cos(0.1)), trainer.Num(2*math.Cos(0.1)), paren(x2), paren(x1),
					trainer.Num(2*math.Cos(0.1)*x2-x1), trainer.Num(x3), T)}
			},
		}
	case l.Step == 0 && c.Phase == trainer.Forward && c.Fwd == c.Tape.Len():
		path := "along the cell state each a product with the forget gate f_t (about σ(1) ≈ 0.73 at the start), and along h_t through the gates' weights"
		switch {
		case m.net.gru != nil:
			path = "along h_t each a product with the update gate z_t (the share of h_t−1 kept, near σ(0) = 0.5 at the start), and through the gates' and the candidate's weights"
		case m.net.lstm == nil:
			path = fmt.Sprintf("each a factor 1 − h_t² ≤ 1 and W_hhᵀ (σ_max(W_hh) = %s)", trainer.Num(sigmaMax(m.used[1], Hidden, Hidden)))
		}
		return &lessons.Ask{
			ID: "ratio-order",
			Prompt: fmt.Sprintf("The forward pass is done. Backpropagation through time will carry the last step's error ℓ%s back to h₁ through %d steps, %s. What will ‖∂ℓ%s/∂h₁‖ / ‖∂ℓ%s/∂h%s‖ be?",
				sub(T), T-1, path, sub(T), sub(T), sub(T)),
			Kind: scene.QuestionChoice, Choices: ratioChoices,
			Resolve: func(f lessons.Machine) lessons.Resolution {
				e := f.(*machine)
				r := e.probe().ratio()
				per := math.Pow(r, 1/float64(T-1))
				how := "shrinks"
				if r > 1 {
					how = "grows"
				}
				return lessons.Resolution{Choice: ratioIndex(r), Explain: fmt.Sprintf(
					"‖∂ℓ%s/∂h₁‖ / ‖∂ℓ%s/∂h%s‖ = %s: the gradient %s by × %s per step back on average, and %d such factors multiply. (The %s with this seed starts at %s.)",
					sub(T), sub(T), sub(T), trainer.Num(r), how, trainer.Num(per), T-1, otherName(e), trainer.Num(e.otherRatio))}
			},
		}
	case l.Step == 1 && c.Phase == trainer.Updated:
		before := m.before[0]
		return &lessons.Ask{
			ID: "adam-step",
			Prompt: fmt.Sprintf("Adam has made its first update with learning rate %s; the whole gradient had norm ‖∇‖ = %s. By how much did the weight that moved most change? (|Δw|, within 0.001)",
				trainer.Num(m.opt.LR), trainer.Num(before)),
			Kind: scene.QuestionNumber, Tolerance: 0.001,
			Resolve: func(f lessons.Machine) lessons.Resolution {
				e := f.(*machine)
				big := 0.0
				for i, p := range e.params {
					for j, w := range p.Value.Data {
						big = math.Max(big, math.Abs(w-e.used[i][j]))
					}
				}
				return lessons.Resolution{Value: big, Explain: fmt.Sprintf(
					"|Δw| = %s, the learning rate: on its first step Adam has m̂ = g and v̂ = g², so every weight moves by lr·g/(|g| + ε) = lr·sign(g), whatever the size of the gradient (here ‖∇‖ = %s). That is why a large gradient hurts Adam less than plain SGD.",
					trainer.Num(big), trainer.Num(e.before[0]))}
			},
		}
	case l.Step == 2 && c.Phase == trainer.Updated && m.clip > 0:
		clip := m.clip
		return &lessons.Ask{
			ID:     "clip-next",
			Prompt: fmt.Sprintf("Clipping is on at norm %s, and the last gradient had ‖∇‖ = %s. Will clipping rescale the gradient of step 3?", trainer.Num(clip), trainer.Num(m.before[1])),
			Kind:   scene.QuestionChoice, Choices: []string{"yes", "no"},
			Ahead: lessons.Step, AheadN: 1,
			Resolve: func(f lessons.Machine) lessons.Resolution {
				e := f.(*machine)
				n := len(e.before)
				if n < 3 {
					return lessons.Resolution{Choice: 1, Explain: "No: the run ended before step 3."}
				}
				b := e.before[2]
				if e.after[2] < b {
					return lessons.Resolution{Choice: 0, Explain: fmt.Sprintf("Yes: step 3's gradient has norm %s > %s, so it is scaled by %s to norm %s — same direction, shorter.", trainer.Num(b), trainer.Num(clip), trainer.Num(e.after[2]/b), trainer.Num(e.after[2]))}
				}
				return lessons.Resolution{Choice: 1, Explain: fmt.Sprintf("No: step 3's gradient has norm %s ≤ %s, so clipping leaves it alone.", trainer.Num(b), trainer.Num(clip))}
			},
		}
	}
	return nil
}

// otherName is the name of the cell this run compares itself with: the
// LSTM for the vanilla RNN, the vanilla RNN for the gated cells.
func otherName(m *machine) string {
	if m.net.rnn == nil {
		return "vanilla RNN"
	}
	return "LSTM"
}

// paren is a number for a product or difference: in parentheses when
// negative, with a real minus sign.
func paren(v float64) string {
	if v < 0 {
		return "(" + lessons.FormatNum(v) + ")"
	}
	return trainer.Num(v)
}

// Progress implements lessons.Progresser, so a learner moving by whole
// steps still stops at the questions asked inside one.
func (m *machine) Progress() (step, epoch int) { return m.loop.Step, m.loop.Epoch }
