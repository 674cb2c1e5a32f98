package optimizers

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/optim"
	"github.com/dlearn/dlearn/engine/tensor"
	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/scene"
	"github.com/dlearn/dlearn/lessons/trainer"
)

// goalTol is how close to a minimum the followed optimizer must end. On
// the saddle a minimum is one of (0, ±1), so meeting it means leaving the
// saddle point as well.
const goalTol = 0.01

// goal: the optimizer the learner follows (the focus control) ends within
// goalTol of the nearest minimum. One that diverged is infinitely far.
var goal = &lessons.Goal{
	Measure: "dist", Label: "distance of the focus optimizer to a minimum",
	Compare: lessons.AtMost, Target: goalTol,
}

// Measures implements lessons.Measurer: the followed optimizer's distance
// to the nearest minimum, and its loss above the minimum, f − f*, at the
// start and after every step. An optimizer that diverged (overflowed, or
// left the plot far behind, where the lesson stops it) ends the history
// with +Inf: the lesson counts it as gone.
func (m *machine) Measures() lessons.Measures {
	r := m.runner(m.focus)
	loss := make([]float64, len(r.fs), len(r.fs)+1)
	for i, f := range r.fs {
		loss[i] = f - m.surf.fStar
	}
	x, y := r.pos()
	d := m.surf.dist(x, y)
	if r.divStep > 0 {
		loss = append(loss, math.Inf(1))
		d = math.Inf(1)
	}
	return lessons.Measures{Values: map[string]float64{"dist": d}, Loss: loss}
}

// verdict is the runtime's verdict on the run as it stands, so the
// finished narrative says what the status line says.
func (m *machine) verdict() scene.Verdict {
	s := lessons.Settings{"lr": strconv.FormatFloat(m.lr, 'g', -1, 64), "surface": m.surf.id,
		"focus": m.focus, "steps": strconv.Itoa(m.steps)}
	return lessons.Diagnose(Lesson(), m.Measures(), m.allDiverged(), s)
}

// Ask implements lessons.Questioner. Four moments: before the first step
// (will GD diverge at this learning rate?), after GD's first update
// (SGD's Δx, with the same exact gradient plus the noise shown), after step
// 1 (which optimizer will be closest at the end?), and before Adam's
// second update (its Δx, a number).
func (m *machine) Ask() *lessons.Ask {
	if m.Done() {
		return nil
	}
	switch {
	case m.step == 0 && m.moved == 0:
		return m.askGDDiverges()
	case m.step == 0 && m.moved == 1:
		return m.askSGDStep()
	case m.step == 1 && m.moved == 0:
		return m.askClosest()
	case m.step == 1 && m.moved == len(names)-1 && m.runner("adam").divStep == 0:
		return m.askAdamStep()
	}
	return nil
}

var yesNo = []string{"yes", "no"}

func yes(b bool) int {
	if b {
		return 0
	}
	return 1
}

func (m *machine) askGDDiverges() *lessons.Ask {
	return &lessons.Ask{
		ID: "gd-diverges",
		Prompt: fmt.Sprintf("Before the first step: f = %s, learning rate %s, %d steps. Will GD diverge before the run ends?",
			m.surf.formula, trainer.Num(m.nextLR), m.steps),
		Kind:    scene.QuestionChoice,
		Choices: yesNo,
		Ahead:   lessons.End, AheadN: 1,
		Resolve: func(f lessons.Machine) lessons.Resolution {
			e := f.(*machine)
			gd := e.runner("gd")
			why := ""
			if gd.divStep > 0 {
				why = fmt.Sprintf("Yes: GD diverged at step %d: %s.", gd.divStep, gd.divWhy)
			} else {
				x, y := gd.pos()
				why = fmt.Sprintf("No: GD ends %s from the minimum, at (%s, %s).", trainer.Num(e.surf.dist(x, y)), trainer.Num(x), trainer.Num(y))
			}
			if e.surf.id == "valley" {
				why += fmt.Sprintf(" Across the valley the curvature is 18, so each GD step multiplies y by 1 − 18·lr = %s; |1 − 18·lr| > 1, that is lr > 2/18 ≈ 0.111, makes y grow.", trainer.Num(1-18*e.lr))
			}
			return lessons.Resolution{Choice: yes(gd.divStep > 0), Explain: why}
		},
	}
}

func (m *machine) askSGDStep() *lessons.Ask {
	gd := m.runner("gd")
	n := noise(m.seed, m.step+1, m.surf.sigma)
	g := pair(gd.exact)
	d := gd.opt.LastUpdate(gd.p).Data
	tol := 0.05 * m.lr * m.surf.sigma
	return &lessons.Ask{
		ID: "sgd-dx",
		Prompt: fmt.Sprintf("GD moved by Δ = −lr·g = −%s·%s = (%s, %s). SGD moves next, from the same start with the same exact gradient g, plus this step's noise n = %s drawn from N(0, %s²). What will SGD's update Δx be? (within %s)",
			trainer.Num(m.lr), fmtPair(g), trainer.Num(d[0]), trainer.Num(d[1]), fmtPair(pair(n)), trainer.Num(m.surf.sigma), trainer.Num(tol)),
		Kind:      scene.QuestionNumber,
		Tolerance: tol,
		Ahead:     lessons.Op, AheadN: 1,
		Resolve: func(f lessons.Machine) lessons.Resolution {
			o := f.(*machine).optView(f.(*machine).runner("sgd"))
			return lessons.Resolution{Value: o.Delta[0], Explain: fmt.Sprintf(
				"Δx = −lr·(gx + nx) = −%s·(%s + %s) = %s, against GD's %s. The same noise moves y by %s against GD's %s: noise of a fixed size matters most where the gradient is small — along a valley's floor, and near a minimum, where it keeps SGD jittering.",
				trainer.Num(o.LR), signed(o.Exact[0]), signed(o.Noise[0]), trainer.Num(o.Delta[0]), trainer.Num(d[0]),
				trainer.Num(o.Delta[1]), trainer.Num(d[1]))}
		},
	}
}

// noneChoice is the last choice of "closest at the end": every optimizer
// diverges.
const noneChoice = "none: all six diverge"

func (m *machine) askClosest() *lessons.Ask {
	choices := make([]string, 0, len(names)+1)
	for _, n := range names {
		choices = append(choices, labels[n])
	}
	choices = append(choices, noneChoice)
	return &lessons.Ask{
		ID:      "closest-at-end",
		Prompt:  fmt.Sprintf("After step 1 of %d, at learning rate %s from now on: which optimizer will be closest to a minimum when the run ends?", m.steps, trainer.Num(m.nextLR)),
		Kind:    scene.QuestionChoice,
		Choices: choices,
		Ahead:   lessons.End, AheadN: 1,
		Resolve: func(f lessons.Machine) lessons.Resolution {
			v := f.(*machine).view()
			if len(v.Ranking) == 0 {
				return lessons.Resolution{Choice: len(names), Explain: "None: all six diverged at this learning rate."}
			}
			parts := make([]string, len(v.Ranking))
			for i, o := range v.Ranking {
				parts[i] = o.Label + " " + trainer.Num(o.Dist)
			}
			why := fmt.Sprintf("%s: distances at the end, nearest first: %s.", v.Best.Label, strings.Join(parts, ", "))
			if len(v.Diverged) > 0 {
				var d []string
				for _, o := range v.Diverged {
					d = append(d, o.Label)
				}
				why += " Diverged: " + strings.Join(d, ", ") + "."
			}
			if ad := v.ByName["adagrad"]; !ad.Diverged && ad.HasSize {
				why += fmt.Sprintf(" AdaGrad's step size shrank from %s to %s: its sum of squared gradients only grows.", fmtPair(ad.FirstSize), fmtPair(ad.Size))
			}
			return lessons.Resolution{Choice: indexOf(names, v.Best.Name), Explain: why}
		},
	}
}

func (m *machine) askAdamStep() *lessons.Ask {
	r := m.runner("adam")
	o := r.opt.(*optim.Adam)
	st := r.opt.State(r.p)
	get := func(name string) pair {
		t := optim.Lookup(st, name)
		return pair{t.Data[0], t.Data[1]}
	}
	mm, vv := get(optim.StateM), get(optim.StateV)
	g := gradAt(m.surf, r.p.Value.Data[0], r.p.Value.Data[1])
	tol := 0.01 * m.lr
	return &lessons.Ask{
		ID: "adam-dx",
		Prompt: fmt.Sprintf("Adam moves next: update t = 2. After update 1, m = %s and v = %s; the gradient at its position is g = %s; β1 = %s, β2 = %s, lr = %s. What will its update Δx be? (within %s)",
			fmtPair(mm), fmtPair(vv), fmtPair(g), trainer.Num(o.Beta1), trainer.Num(o.Beta2), trainer.Num(m.lr), trainer.Num(tol)),
		Kind:      scene.QuestionNumber,
		Tolerance: tol,
		Ahead:     lessons.Op, AheadN: 1,
		Resolve: func(f lessons.Machine) lessons.Resolution {
			a := f.(*machine).optView(f.(*machine).runner("adam"))
			return lessons.Resolution{Value: a.Delta[0], Explain: fmt.Sprintf(
				"m = %s·%s + %s·%s = %s; v = %s·%s + %s·%s = %s; m̂ = m/%s = %s, v̂ = v/%s = %s; Δx = −lr·m̂x/(√v̂x + ε) = −%s·%s/%s = %s.",
				trainer.Num(a.Beta1), signed(mm[0]), trainer.Num(1-a.Beta1), signed(a.G[0]), trainer.Num(a.M[0]),
				trainer.Num(a.Beta2), signed(vv[0]), trainer.Num(1-a.Beta2), signed(a.G2[0]), trainer.Num(a.V[0]),
				trainer.Num(a.BC1), trainer.Num(a.MHat[0]), trainer.Num(a.BC2), trainer.Num(a.VHat[0]),
				trainer.Num(a.LR), signed(a.MHat[0]), trainer.Num(a.SqrtVHat[0]), trainer.Num(a.Delta[0]))}
		},
	}
}

// allDiverged reports whether every optimizer has diverged: the run then
// ends diverged.
func (m *machine) allDiverged() bool {
	for _, r := range m.runners {
		if r.divStep == 0 {
			return false
		}
	}
	return true
}

// signed formats v like trainer.Num, in parentheses when negative, for a
// number inside a product or a sum.
func signed(v float64) string {
	if v < 0 {
		return "(" + trainer.Num(v) + ")"
	}
	return trainer.Num(v)
}

// gradAt is the exact gradient of s at (x, y), from the engine's backward
// pass, as each runner computes it.
func gradAt(s *surface, x, y float64) pair {
	p := autograd.NewParam("q", tensor.FromValues([]float64{x, y}, 2))
	tp := autograd.NewTape()
	tp.Backward(s.build(tp, p))
	return pair{p.Grad.Data[0], p.Grad.Data[1]}
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

// Progress implements lessons.Progresser, so a learner moving by whole
// steps still stops at the questions asked inside one.
func (m *machine) Progress() (step, epoch int) { return m.step, m.step / StepsPerEpoch }
