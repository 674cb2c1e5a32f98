package backprop

import (
	"fmt"
	"strings"

	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/scene"
	"github.com/dlearn/dlearn/lessons/trainer"
)

// goal is what done means here: all four XOR points on the right side of
// p = 0.5 (a point at exactly 0.5 is undecided and counts as wrong).
//
// A plateau has three different causes in this lesson, so its change to
// try says which fits which: the runtime's default (none) would say
// nothing useful, and any one control would be wrong advice for the other
// two.
var goal = &lessons.Goal{
	Measure: "correct", Label: "points classified right", Unit: " of 4",
	Compare: lessons.AtLeast, Target: N,
	Remedies: map[string]lessons.Remedy{
		// Saturation comes from too large a step. The runtime's default
		// (back to the default rate, 1) would leave sigmoid units on their
		// slow plateau; 3 trains tanh and sigmoid alike (every seed from 1
		// to 40).
		lessons.CauseSaturated: {Control: "lr", Value: "3"},
		lessons.CausePlateau: {Why: "with one hidden unit, raise hidden units (one unit draws one straight line); " +
			"if a point sits confidently wrong (p near 0 or 1 on the wrong side), lower the learning rate; " +
			"otherwise give the slow start more epochs or a larger learning rate"},
	},
}

// Measures implements lessons.Measurer: the points classified right now,
// the loss of every step, and the share of dead and of saturated units.
func (m *machine) Measures() lessons.Measures {
	z1 := m.z1Now()
	_, correct := predictions(m.predict(m.x))
	v := map[string]float64{"correct": float64(correct)}
	// Saturation is the share of the network's units, hidden and output,
	// whose local derivative is below 1% of its maximum on all four points:
	// a dead ReLU (derivative 0 everywhere) counts as saturated too.
	sat := len(m.saturatedUnits(z1))
	if m.act == "relu" {
		dead := len(m.deadUnits(z1))
		v[lessons.SignalDead] = float64(dead) / float64(m.hidden)
		sat = dead
	}
	if m.outputSaturated() {
		sat++
	}
	v[lessons.SignalSaturated] = float64(sat) / float64(m.hidden+1)
	return lessons.Measures{Values: v, Loss: m.loop.Losses}
}

// Ask implements lessons.Questioner. Before training: how many points will
// be right at the end? At the end of step 1's forward pass: the sign of
// ∂L/∂b2. With ReLU, at step 1's activation: which unit will be dead at the
// end? Before step 1's backward pass goes through the activation: ∂L/∂z1
// at (1,1) as a number.
func (m *machine) Ask() *lessons.Ask {
	c := &m.loop.Cur
	if m.loop.Step != 0 {
		return nil
	}
	switch {
	case c.Tape == nil:
		return m.askCorrect()
	case c.Phase == trainer.Forward && c.Fwd == 3 && m.act == "relu":
		return m.askDead()
	case c.Phase == trainer.Forward && c.Fwd == c.Tape.Len():
		return m.askB2Sign(c.Tape.Len())
	case c.Phase == trainer.Backward && len(c.Steps) > 0 && c.Steps[len(c.Steps)-1].Node.Out.Name == "hW2":
		return m.askDz1()
	}
	return nil
}

// askCorrect: how many of the four points will be right after training?
// Resolved on a copy of the run taken to its end.
func (m *machine) askCorrect() *lessons.Ask {
	return &lessons.Ask{
		ID: "correct-at-end",
		Prompt: fmt.Sprintf("Before training: %d steps at learning rate %s with %d %s hidden unit%s. How many of the four points will be classified right at the end?",
			m.loop.Epochs, trainer.Num(m.opt.LR), m.hidden, m.act, plural(m.hidden)),
		Kind:    scene.QuestionChoice,
		Choices: []string{"0", "1", "2", "3", "4"},
		Ahead:   lessons.End, AheadN: 1,
		Resolve: func(f lessons.Machine) lessons.Resolution {
			e := f.(*machine)
			list, n := predictions(e.predict(e.x))
			why := fmt.Sprintf("%d of 4: %s (loss %s).", n, list, num(e.loss()))
			if n < N {
				why += " The verdict: " + e.verdict().Cause + "."
			}
			return lessons.Resolution{Choice: n, Explain: why}
		},
	}
}

// askB2Sign: the sign of ∂L/∂b2, asked when the forward pass has shown
// every p and resolved after the backward pass.
func (m *machine) askB2Sign(n int) *lessons.Ask {
	p := m.cur.p.Value.Data
	return &lessons.Ask{
		ID: "db2-sign",
		Prompt: fmt.Sprintf("The forward pass is done: %s. b2 is added to z2 of all four points, so raising it raises every p. What sign will ∂L/∂b2 have?",
			pList(p)),
		Kind:    scene.QuestionChoice,
		Choices: lessons.SignChoices,
		Ahead:   lessons.Op, AheadN: n,
		Resolve: func(f lessons.Machine) lessons.Resolution {
			e := f.(*machine)
			g := e.l2.B.Grad.Data[0]
			terms := make([]string, N)
			for i, pi := range p {
				terms[i] = signed(2 * (pi - xorY[i]) * pi * (1 - pi) / N)
			}
			dir := "raising b2 would raise the loss, so the update lowers it: on balance the points are pushed towards class 0"
			if g < 0 {
				dir = "raising b2 would lower the loss, so the update raises it: on balance the points are pushed towards class 1"
			}
			return lessons.Resolution{Choice: lessons.SignIndex(g, 0),
				Explain: fmt.Sprintf("∂L/∂b2 = Σ 2(p − y)·p(1 − p)/4 = %s = %s: %s. Each point pulls with its error p − y weighted by σ′(z2) = p(1 − p), a weight that fades as p nears 0 or 1.",
					strings.Join(terms, " + "), trainer.Num(g), dir)}
		},
	}
}

// askDz1: ∂L/∂z1 at (1,1) for the focus unit, asked when ∂L/∂h has
// arrived and resolved one op later, when the backward pass has gone
// through the activation.
func (m *machine) askDz1() *lessons.Ask {
	F, J, H := focusPoint, m.focus, m.hidden
	up := m.loop.Cur.Steps[len(m.loop.Cur.Steps)-1].Grads[0].Data[F*H+J]
	z, h := m.cur.z1.Value.Data[F*H+J], m.cur.h.Value.Data[F*H+J]
	local := map[string]string{"tanh": "1 − h²", "sigmoid": "h(1 − h)", "relu": "1 if z1 > 0, else 0"}[m.act]
	tol := max(0.01*abs(up), 1e-5)
	return &lessons.Ask{
		ID: "dz1-value",
		Prompt: fmt.Sprintf("Next the backward pass goes through %s. At %s, unit h%d: upstream ∂L/∂h = %s, z1 = %s, h = %s. What is ∂L/∂z1 there? (local derivative %s; within %s)",
			m.act, pointNames[F], J+1, trainer.Num(up), trainer.Num(z), trainer.Num(h), local, trainer.Num(tol)),
		Kind:      scene.QuestionNumber,
		Tolerance: tol,
		Ahead:     lessons.Op, AheadN: 1,
		Resolve: func(f lessons.Machine) lessons.Resolution {
			e := f.(*machine)
			st := e.loop.Cur.Steps[len(e.loop.Cur.Steps)-1]
			loc := st.Node.Local(0).Data[F*H+J]
			g := st.Grads[0].Data[F*H+J]
			return lessons.Resolution{Value: g,
				Explain: fmt.Sprintf("upstream × local = %s × %s = %s. The chain rule at one node: the gradient that arrived, times the node's own derivative.",
					num(up), signed(loc), num(g))}
		},
	}
}

// askDead: with ReLU, which hidden unit will be dead (0 on all four points)
// when training ends? Resolved on a copy of the run taken to its end.
func (m *machine) askDead() *lessons.Ask {
	choices := []string{"none"}
	for j := range m.hidden {
		choices = append(choices, fmt.Sprintf("h%d", j+1))
	}
	if m.hidden > 1 {
		choices = append(choices, "more than one")
	}
	z1 := m.cur.z1.Value
	nowDead, _ := deadNames(m.deadUnits(z1))
	if nowDead == "" {
		nowDead = "none"
	}
	return &lessons.Ask{
		ID: "dead-at-end",
		Prompt: fmt.Sprintf("ReLU outputs max(0, z1); a unit with z1 ≤ 0 on all four points is dead: it passes no gradient back. Dead now: %s. Which unit will be dead when training ends?",
			nowDead),
		Kind:    scene.QuestionChoice,
		Choices: choices,
		Ahead:   lessons.End, AheadN: 1,
		Resolve: func(f lessons.Machine) lessons.Resolution {
			e := f.(*machine)
			dead := e.deadUnits(e.z1Now())
			names, n := deadNames(dead)
			_, right := predictions(e.predict(e.x))
			switch {
			case n == 0:
				return lessons.Resolution{Choice: 0, Explain: "None: every unit is positive on at least one point at the end, so each still passes gradient back."}
			case n == 1:
				return lessons.Resolution{Choice: 1 + dead[0], Explain: fmt.Sprintf("%s: it is 0 on all four points at the end, so no gradient reaches its weights and they stay as they are. The other %d unit%s got %d of 4 points right without it.", names, e.hidden-1, plural(e.hidden-1), right)}
			}
			return lessons.Resolution{Choice: len(choices) - 1, Explain: fmt.Sprintf("More than one: %s are 0 on all four points at the end; the network gets %d of 4 points right.", names, right)}
		},
	}
}

// pList lists the four points' p.
func pList(p []float64) string {
	parts := make([]string, N)
	for i, pi := range p {
		parts[i] = pointNames[i] + " → " + pNum(pi)
	}
	return strings.Join(parts, ", ")
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func abs(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}

// Progress implements lessons.Progresser, so a learner moving by whole
// steps still stops at the questions asked inside one.
func (m *machine) Progress() (step, epoch int) { return m.loop.Step, m.loop.Epoch }
