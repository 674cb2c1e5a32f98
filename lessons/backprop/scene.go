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

// stuckGap: a point whose p is this far from its class is confidently
// wrong, with the output sigmoid saturated (its local derivative below
// 0.01), which in this lesson happens only after too large a step.
const stuckGap = 0.99

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
		// The runtime replaces this with its verdict on the goal.
		sc.Status = scene.Status{Level: scene.LevelInfo, Finished: true,
			Message: fmt.Sprintf("finished: %d of 4 points right, loss %s", v.Correct, trainer.Num(v.FullLoss))}
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
			what := fmt.Sprintf("the loss has risen from %s to %s", num(m.startLoss), num(v.FullLoss))
			if v.FullLoss <= explodeFactor*m.startLoss {
				what = fmt.Sprintf("p is stuck near 0 or 1 on a wrong point (loss %s)", num(v.FullLoss))
			}
			sc.Status = scene.Status{Level: scene.LevelWarning, Finished: m.Done(),
				Message: what + " — the learning rate is too large: the steps overshoot and the units saturate"}
		case v.AllDead && m.loop.Step > 0:
			sc.Status = scene.Status{Level: scene.LevelWarning, Finished: m.Done(),
				Message: "every hidden ReLU unit is dead: p is the same for all four points and no gradient reaches layer 1"}
		case v.NDead > 0 && !m.Done():
			sc.Status = scene.Status{Level: scene.LevelInfo,
				Message: fmt.Sprintf("dead ReLU: %s 0 on all four points, so no gradient reaches its weights", strings.ToLower(v.DeadAre[:1])+v.DeadAre[1:])}
		}
	}
	if cur.Tape != nil && !m.Done() {
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
	sc.Panels = append(sc.Panels, m.regionPanel())
	// Within a step the loss curve cannot change: leaving it out keeps the
	// op-by-op stage to six panels.
	if node == nil {
		sc.Panels = append(sc.Panels, m.lossPanel())
	}
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

// paramPanels are the two layers' parameters, each a matrix with its bias
// as the last row: layer 1 is W1 (rows x1, x2) over b1, layer 2 is W2
// (rows h1 … hH) over b2. A layer's gradients are shown once the backward
// pass has reached both its bias and its weights (the bias comes one node
// earlier; the chain-rule table and the graph show it then). The cells the
// current op reads (forward) or sends a gradient to (backward) in the
// narrative's worked example are highlighted; during an update, the cells
// whose update it spells out.
func (m *machine) paramPanels(node *autograd.Node) []scene.Panel {
	H, J := m.hidden, m.focus
	w1 := []scene.Cell{{Row: 0, Col: J}, {Row: 1, Col: J}}
	b1 := []scene.Cell{{Row: 2, Col: J}}
	w2 := []scene.Cell{{Row: J, Col: 0}}
	b2 := []scene.Cell{{Row: H, Col: 0}}
	var hl1, hl2 []scene.Cell
	name := ""
	if node != nil {
		name = node.Out.Name
	}
	switch {
	case name == "xW1":
		hl1 = w1
	case name == "z1":
		hl1 = b1
	case name == "hW2" && m.loop.Cur.Phase == trainer.Forward:
		for j := range H {
			hl2 = append(hl2, scene.Cell{Row: j, Col: 0})
		}
	case name == "hW2":
		hl2 = w2
	case name == "z2":
		hl2 = b2
	case node == nil && m.loop.Cur.Phase == trainer.Updated && !m.Done():
		hl1, hl2 = append(w1, b1...), append(w2, b2...)
	}
	units := unitNames(H)
	layer := func(title string, w, b *autograd.Var, rows, cols int, rl, cl []string, hl []scene.Cell) scene.Panel {
		mx := &scene.Matrix{Rows: rows, Cols: cols,
			Values:    cleaned(append(append([]float64(nil), w.Value.Data...), b.Value.Data...)),
			RowLabels: rl, ColLabels: cl, Highlight: hl}
		if m.loop.Cur.Tape != nil {
			gw, gb := m.loop.Cur.GradSoFar(w), m.loop.Cur.GradSoFar(b)
			if gw != nil && gb != nil {
				mx.Grads = cleaned(append(gw, gb...))
			}
		}
		return scene.Panel{Kind: scene.KindMatrix, Title: title, Matrix: mx}
	}
	return []scene.Panel{
		layer("layer 1: W1 and b1", m.l1.W, m.l1.B, 3, H, []string{"x1", "x2", "b1"}, units, hl1),
		layer("layer 2: W2 and b2", m.l2.W, m.l2.B, H+1, 1, append(append([]string(nil), units...), "b2"), []string{"z2"}, hl2),
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
	return scene.Panel{Kind: scene.KindPlot, Title: "decision regions: p(class 1)", ID: "regions", Priority: 1, Aspect: 1, Plot: &scene.Plot{
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
		XLabel: "step", YLabel: "loss", Y2Label: "accuracy",
		YRange: &scene.Range{Min: 0, Max: 1},
		Series: []scene.Series{
			{Name: "loss L", Style: scene.Line, X: steps, Y: append([]float64(nil), m.loop.Losses...)},
			{Name: "accuracy after the step", Style: scene.Line, X: steps, Y: append([]float64(nil), m.accs...), Axis: 1},
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
