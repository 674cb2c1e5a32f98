package cnn

import (
	_ "embed"
	"fmt"
	"text/template"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/tensor"
	"github.com/dlearn/dlearn/lessons/scene"
	"github.com/dlearn/dlearn/lessons/trainer"
)

//go:embed narrative.md
var narrativeText string

var narrative = template.Must(template.New("cnn").Funcs(trainer.Funcs).Funcs(template.FuncMap{
	"pct":     pct,
	"grouped": grouped,
	"inc":     func(i int) int { return i + 1 },
}).Parse(narrativeText))

// pct writes a share as a percentage with one decimal, "> 99.9%" when
// rounding would claim certainty.
func pct(v float64) string {
	if v > 0.999 && v < 1 {
		return "> 99.9%"
	}
	return fmt.Sprintf("%.1f%%", 100*v)
}

// grouped writes n with its digits in groups of three: 2 458 624.
func grouped(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + " " + s[i:]
	}
	return s
}

// phase returns the scene's phase and its narrative block. Inside a step
// the block is named after the node just revealed ("fwd-a1", "bwd-p2"):
// both convolutions are conv2d ops, but they are different stories.
func (m *machine) phase() (phase, block string) {
	phase, block = m.loop.Phase()
	cur := &m.loop.Cur
	switch phase {
	case "forward":
		block = "fwd-" + cur.Tape.Nodes()[cur.Fwd-1].Out.Name
	case "backward":
		block = "bwd-" + cur.Steps[len(cur.Steps)-1].Node.Out.Name
	}
	return phase, block
}

// Scene implements lessons.Machine.
func (m *machine) Scene() scene.Scene {
	m.settle()
	cur := &m.loop.Cur
	sc := scene.Scene{
		Lesson: "Convolutional networks on digits",
		Pos: scene.Position{Step: m.loop.Step, Epoch: m.loop.Epoch,
			Steps: m.loop.Epochs * m.loop.StepsPerEpoch(), Epochs: m.loop.Epochs},
	}
	switch {
	case cur.Phase == trainer.Updated:
		sc.Pos.Op, sc.Pos.OpsPerStep = opsPerStep, opsPerStep
	case cur.Tape != nil:
		sc.Pos.Op, sc.Pos.OpsPerStep = cur.OpIndex(), cur.OpsPerStep()
	}
	phase, block := m.phase()
	sc.Phase = phase
	v := m.view(phase)
	switch phase {
	case "diverged":
		sc.Status = scene.Status{Level: scene.LevelError, Diverged: true,
			Message: fmt.Sprintf("diverged at step %d — lower the learning rate", m.loop.DivStep)}
	case "finished":
		// The runtime replaces this with its verdict on the goal.
		sc.Status = scene.Status{Level: scene.LevelInfo, Finished: true,
			Message: fmt.Sprintf("finished: test accuracy %.1f%% on %d digits", 100*v.Acc, NTest)}
	}
	sc.Narrative = trainer.Narrative(narrative, block, v)
	switch phase {
	case "forward":
		sc.Panels = append([]scene.Panel{m.digitMain(m.net.inspect(image(m.test, m.inspect)))}, m.forwardPanels()...)
	case "backward":
		sc.Panels = append([]scene.Panel{m.digitMain(m.net.inspect(image(m.test, m.inspect)))}, m.backwardPanels()...)
	case "diverged":
		sc.Panels = []scene.Panel{m.curvesPanel()}
	default:
		sc.Panels = m.inspectPanels(v, phase)
	}
	return sc
}

// forX0 names the batch's first digit, the one the step's panels show.
func (m *machine) forX0() string {
	return fmt.Sprintf("for x[0] (training digit #%d, a %d)", m.loop.Rows[0], m.yb[0])
}

// valuePanel shows the value of forward node k for the batch's first
// digit: maps for the convolution, ReLU and pooling nodes, one row per
// channel for the flattened vector, bars for the scores and, at the loss,
// the probabilities the loss was computed from.
func (m *machine) valuePanel(k int) scene.Panel {
	nd := m.loop.Cur.Tape.Nodes()[k]
	out := nd.Out.Value
	if nd.Out.Name == "L" {
		s := nd.Inputs[0].Value.Data[:Classes]
		return barsPanel("softmax(s), the probabilities L is made of, "+m.forX0(), softmax(s), m.yb[0])
	}
	title := fmt.Sprintf("%s = %s · %s %s", nd.Out.Name, nd.Op, shapeText(out.Shape[1:]), m.forX0())
	switch nd.Out.Name {
	case "a1", "a2":
		return mapsPanel(title, out, 0, true)
	case "h1", "p1", "h2", "p2":
		return mapsPanel(title, out, 0, false)
	case "f":
		return rowsPanel(title+", a row per channel", out, 0, 2*m.net.f, false)
	}
	return barsPanel(title, out.Data[:Classes], m.yb[0])
}

// forwardPanels are the value of the node just revealed and the graph.
func (m *machine) forwardPanels() []scene.Panel {
	cur := &m.loop.Cur
	return []scene.Panel{
		m.valuePanel(cur.Fwd - 1),
		{Kind: scene.KindGraph, Title: "computation graph", Graph: cur.Graph()},
	}
}

// backwardPanels are the gradient the current node has just sent to its
// data input, for the batch's first digit (maps, a row per channel, or
// bars of the ten scores), and the graph. conv1 sends nothing back to the
// constant x: its panel is the kernels' gradient.
func (m *machine) backwardPanels() []scene.Panel {
	cur := &m.loop.Cur
	st := cur.Steps[len(cur.Steps)-1]
	graph := scene.Panel{Kind: scene.KindGraph, Title: "computation graph", Graph: cur.Graph()}
	for j, in := range st.Node.Inputs {
		g := st.Grads[j]
		if g == nil || in.IsParam() {
			continue
		}
		title := fmt.Sprintf("∂L/∂%s · %s %s", in.Name, shapeText(g.Shape[1:]), m.forX0())
		switch {
		case len(g.Shape) == 4:
			return []scene.Panel{mapsPanel(title, g, 0, true), graph}
		case g.Shape[1] == Classes:
			return []scene.Panel{barsPanel(title, g.Data[:Classes], m.yb[0]), graph}
		}
		return []scene.Panel{rowsPanel(title+", a row per channel", g, 0, 2*m.net.f, true), graph}
	}
	w := m.net.conv1.W
	return []scene.Panel{kernelsPanel("∂L/∂conv1.W, the kernels' gradient (summed over the batch)", tensorOf(cur.GradSoFar(w), w)), graph}
}

// inspectPanels explain the network's reading of the inspected test
// digit between training steps: the digit and its saliency map, the
// probabilities, the curves, the kernels and, while training, the digit's
// pooled conv1 maps or, at the end, the misread test digits.
func (m *machine) inspectPanels(v view, phase string) []scene.Panel {
	x := v.Ex
	label := m.test.Labels[m.inspect]
	last := mapsPanel(fmt.Sprintf("p1 for test digit #%d: conv1 → ReLU → pool · %s", m.inspect, shapeText(x.maps[2].Shape[1:])), x.maps[2], 0, false)
	if phase == "finished" {
		last = m.wrongPanel()
	}
	return []scene.Panel{
		m.digitMain(x.inspection),
		barsPanel(fmt.Sprintf("probabilities of #%d (▶ label)", m.inspect), x.probs, label),
		m.curvesPanel(),
		kernelsPanel("conv1 kernels (3×3)", m.net.conv1.W.Value),
		last,
	}
}

// digitMain is the lesson's main picture, in every phase: the inspected
// test digit, the network's reading of it (with the weights of the moment:
// inside a step, those before its update) and its saliency map.
func (m *machine) digitMain(x inspection) scene.Panel {
	p := digitPanel(fmt.Sprintf("test digit #%d: read as %d (%.0f%%)", m.inspect, x.pred, 100*x.probs[x.pred]),
		image(m.test, m.inspect).Data, fmt.Sprintf("label %d", m.test.Labels[m.inspect]), x.saliency, fmt.Sprintf("∂s%d/∂x", x.pred))
	p.ID, p.Priority = "digit", 1
	return p
}

// tensorOf wraps g in a tensor shaped like p.
func tensorOf(g []float64, p *autograd.Var) *tensor.Tensor {
	return &tensor.Tensor{Shape: p.Value.Shape, Data: g}
}

// softmax returns the engine's softmax of one row of scores.
func softmax(s []float64) []float64 {
	t := tensor.FromValues(s, 1, len(s))
	return autograd.NoGradTape().Softmax(autograd.Const("s", t)).Value.Data
}
