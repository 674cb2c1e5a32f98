package backprop

import (
	_ "embed"
	"fmt"
	"strings"
	"text/template"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/tensor"
	"github.com/dlearn/dlearn/lessons/scene"
	"github.com/dlearn/dlearn/lessons/trainer"
)

//go:embed narrative.md
var narrativeText string

// narrative uses the shared template functions, with num and signed
// replaced by this lesson's, which show a negative zero as 0.
var narrative = template.Must(template.New("backprop").Funcs(trainer.Funcs).
	Funcs(template.FuncMap{"num": num, "signed": signed}).Parse(narrativeText))

// blockKey turns a node name into the suffix of its narrative blocks.
func blockKey(name string) string { return strings.ReplaceAll(name, "²", "2") }

// explodeFactor: a loss this many times the untrained network's is shown
// as the learning rate being too large. With squared error on a sigmoid
// the loss cannot overflow; too large a step instead throws the units
// into saturation, where p sits at 0 or 1 and the loss climbs towards 1.
const explodeFactor = 1.5

// Scene implements lessons.Machine.
func (m *machine) Scene() scene.Scene {
	v := m.view()
	sc := scene.Scene{
		Lesson: "Backpropagation",
		Pos: scene.Position{
			Step: m.loop.Step, Epoch: m.loop.Epoch,
			Steps: m.loop.Epochs, Epochs: m.loop.Epochs,
		},
	}
	cur := m.loop.Cur
	if cur.Tape != nil {
		sc.Pos.Op, sc.Pos.OpsPerStep = cur.OpIndex(), cur.OpsPerStep()
	}
	var node *autograd.Node // the node the current op shows
	switch {
	case m.loop.Diverged:
		sc.Phase = "diverged"
		sc.Narrative = trainer.Narrative(narrative, "diverged", v)
		sc.Status = scene.Status{Level: scene.LevelError, Diverged: true,
			Message: fmt.Sprintf("diverged at step %d — lower the learning rate", m.loop.DivStep)}
	case m.Done():
		sc.Phase = "finished"
		sc.Narrative = trainer.Narrative(narrative, "finished", v)
		sc.Status = scene.Status{Level: scene.LevelSuccess, Finished: true,
			Message: fmt.Sprintf("finished: %d of 4 points right, loss %s", v.Correct, trainer.Num(v.FullLoss))}
		if !v.Solved {
			sc.Status.Level = scene.LevelWarning
		}
	case cur.Tape == nil:
		sc.Phase = "ready"
		sc.Narrative = trainer.Narrative(narrative, "intro", v)
	case cur.Phase == trainer.Forward:
		sc.Phase = "forward"
		node = cur.Tape.Nodes()[cur.Fwd-1]
		sc.Narrative = trainer.Narrative(narrative, "fwd-"+blockKey(node.Out.Name), v)
	case cur.Phase == trainer.Backward:
		sc.Phase = "backward"
		node = cur.Steps[len(cur.Steps)-1].Node
		sc.Narrative = trainer.Narrative(narrative, "bwd-"+blockKey(node.Out.Name), v)
	default:
		sc.Phase = "update"
		sc.Narrative = trainer.Narrative(narrative, "update", v)
	}
	if !m.loop.Diverged {
		switch {
		case v.Overshot:
			sc.Status = scene.Status{Level: scene.LevelWarning, Finished: m.Done(),
				Message: fmt.Sprintf("the loss has risen from %s to %s — the learning rate is too large: the steps overshoot and the units saturate",
					trainer.Num(m.startLoss), trainer.Num(v.FullLoss))}
		case v.AllDead && m.loop.Step > 0:
			sc.Status = scene.Status{Level: scene.LevelWarning, Finished: m.Done(),
				Message: "every hidden ReLU unit is dead: p is the same for all four points and no gradient reaches layer 1"}
		}
	}
	if cur.Tape != nil {
		sc.Panels = append(sc.Panels, scene.Panel{Kind: scene.KindGraph, Title: "computation graph", Graph: cur.Graph()})
	}
	switch sc.Phase {
	case "backward":
		sc.Panels = append(sc.Panels, scene.Panel{Kind: scene.KindTable, Title: "chain rule at " + node.Label(),
			Table: &scene.Table{Columns: chainColumns, Rows: v.Rows}})
	case "update":
		sc.Panels = append(sc.Panels, m.updatePanel(v))
	}
	if node != nil {
		sc.Panels = append(sc.Panels, m.nodePanel(node))
	}
	sc.Panels = append(sc.Panels, m.paramPanels(node)...)
	sc.Panels = append(sc.Panels, m.regionPanel(), m.lossPanel())
	return sc
}

// nodePanel shows the current node's value for the four points, with the
// gradient ∂L/∂node once the backward pass has reached it; the focus
// element is highlighted.
func (m *machine) nodePanel(n *autograd.Node) scene.Panel {
	val := n.Out.Value
	rows, cols := 1, 1
	if len(val.Shape) == 2 {
		rows, cols = val.Shape[0], val.Shape[1]
	}
	mat := &scene.Matrix{Rows: rows, Cols: cols, Values: cleaned(val.Data)}
	if rows == N {
		mat.RowLabels = pointNames
		mat.Highlight = []scene.Cell{{Row: focusPoint, Col: min(m.focus, cols-1)}}
	}
	if cols == m.hidden && cols > 1 {
		mat.ColLabels = unitNames(m.hidden)
	}
	for _, st := range m.loop.Cur.Steps {
		if st.Node == n {
			mat.Grads = cleaned(st.Upstream.Data)
		}
	}
	return scene.Panel{Kind: scene.KindMatrix, Title: n.Label(), Matrix: mat}
}

// paramPanels are W1, b1, W2 and b2 with the gradients the backward pass
// has revealed so far. The cells the current op reads (forward) or sends
// a gradient to (backward) in the narrative's worked example are
// highlighted; during an update, the cells whose update it spells out.
func (m *machine) paramPanels(node *autograd.Node) []scene.Panel {
	H, J := m.hidden, m.focus
	hl := map[*autograd.Var][]scene.Cell{}
	name := ""
	if node != nil {
		name = node.Out.Name
	}
	switch {
	case name == "xW1":
		hl[m.l1.W] = []scene.Cell{{Row: 0, Col: J}, {Row: 1, Col: J}}
	case name == "z1":
		hl[m.l1.B] = []scene.Cell{{Row: 0, Col: J}}
	case name == "hW2" && m.loop.Cur.Phase == trainer.Forward:
		for j := range H {
			hl[m.l2.W] = append(hl[m.l2.W], scene.Cell{Row: j, Col: 0})
		}
	case name == "hW2":
		hl[m.l2.W] = []scene.Cell{{Row: J, Col: 0}}
	case name == "z2":
		hl[m.l2.B] = []scene.Cell{{Row: 0, Col: 0}}
	case m.loop.Cur.Phase == trainer.Updated && !m.Done():
		hl[m.l1.W] = []scene.Cell{{Row: 0, Col: J}, {Row: 1, Col: J}}
		hl[m.l1.B] = []scene.Cell{{Row: 0, Col: J}}
		hl[m.l2.W] = []scene.Cell{{Row: J, Col: 0}}
		hl[m.l2.B] = []scene.Cell{{Row: 0, Col: 0}}
	}
	units := unitNames(H)
	mat := func(p *autograd.Var, rows, cols int, rl, cl []string) scene.Panel {
		mx := &scene.Matrix{Rows: rows, Cols: cols, Values: cleaned(p.Value.Data),
			RowLabels: rl, ColLabels: cl, Highlight: hl[p]}
		if m.loop.Cur.Tape != nil {
			mx.Grads = cleaned(m.loop.Cur.GradSoFar(p))
		}
		return scene.Panel{Kind: scene.KindMatrix, Title: p.Name, Matrix: mx}
	}
	return []scene.Panel{
		mat(m.l1.W, 2, H, []string{"x1", "x2"}, units),
		mat(m.l1.B, 1, H, []string{"b1"}, units),
		mat(m.l2.W, H, 1, units, []string{"z2"}),
		mat(m.l2.B, 1, 1, []string{"b2"}, []string{"z2"}),
	}
}

// updatePanel lists the updates the narrative spells out.
func (m *machine) updatePanel(v view) scene.Panel {
	rows := make([][]string, len(v.Updates))
	for i, u := range v.Updates {
		rows[i] = []string{u.Name, num(u.Old), num(u.Grad), num(-u.Step), num(u.New)}
	}
	return scene.Panel{Kind: scene.KindTable, Title: "update W ← W − lr·∂L/∂W (lr " + trainer.Num(v.LR) + ")",
		Table: &scene.Table{Columns: []string{"parameter", "before", "∂L/∂W", "− lr·∂L/∂W", "after"}, Rows: rows}}
}

// Region plot geometry: the input square around the four points.
const (
	regionLo, regionHi = -0.25, 1.25
	regionCells        = 31
)

// regionPanel is p(class 1) over the input square with the current
// parameters, and the four points coloured by class.
func (m *machine) regionPanel() scene.Panel {
	grid := tensor.New(regionCells*regionCells, 2)
	step := (regionHi - regionLo) / (regionCells - 1)
	for r := range regionCells {
		for c := range regionCells {
			k := r*regionCells + c
			grid.Data[2*k] = regionLo + float64(c)*step
			grid.Data[2*k+1] = regionLo + float64(r)*step
		}
	}
	rng := scene.Range{Min: regionLo, Max: regionHi}
	xs, ys, cls := make([]float64, N), make([]float64, N), make([]int, N)
	for i, p := range xorX {
		xs[i], ys[i], cls[i] = p[0], p[1], int(xorY[i])
	}
	return scene.Panel{Kind: scene.KindPlot, Title: "decision regions: p(class 1)", Plot: &scene.Plot{
		XLabel: "x1", YLabel: "x2", XRange: &rng, YRange: &rng,
		Region: &scene.Grid{X: rng, Y: rng, Rows: regionCells, Cols: regionCells, Values: m.predict(grid)},
		Series: []scene.Series{{Name: "XOR points (class 0 / 1)", Style: scene.Scatter, X: xs, Y: ys, Classes: cls}},
	}}
}

// lossPanel is the loss of every training step (before its update) and the
// accuracy after it.
func (m *machine) lossPanel() scene.Panel {
	steps := make([]float64, len(m.loop.Losses))
	for i := range steps {
		steps[i] = float64(i + 1)
	}
	return scene.Panel{Kind: scene.KindPlot, Title: "loss and accuracy", Plot: &scene.Plot{
		XLabel: "step", YLabel: "loss / accuracy",
		YRange: &scene.Range{Min: 0, Max: 1},
		Series: []scene.Series{
			{Name: "loss L", Style: scene.Line, X: steps, Y: append([]float64(nil), m.loop.Losses...)},
			{Name: "accuracy after the step", Style: scene.Line, X: steps, Y: append([]float64(nil), m.accs...)},
		},
	}}
}

// unitNames are "h1" … "hH".
func unitNames(h int) []string {
	names := make([]string, h)
	for j := range names {
		names[j] = fmt.Sprintf("h%d", j+1)
	}
	return names
}
