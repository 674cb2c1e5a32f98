package overfit

import (
	_ "embed"
	"fmt"
	"math"
	"text/template"

	"github.com/dlearn/dlearn/lessons/scene"
	"github.com/dlearn/dlearn/lessons/trainer"
)

//go:embed narrative.md
var narrativeText string

var narrative = template.Must(template.New("overfit").Funcs(trainer.Funcs).Funcs(template.FuncMap{
	"pct":  func(v float64) string { return fmt.Sprintf("%.0f%%", 100*v) },
	"pct1": func(v float64) string { return fmt.Sprintf("%.1f%%", 100*v) },
	"sub1": func(k int) int { return k - 1 },
	"signedpct": func(v float64) string {
		if math.Abs(v) < 0.0005 {
			return "±0%"
		}
		return fmt.Sprintf("%+.1f%%", 100*v)
	},
}).Parse(narrativeText))

// Resolution of the decision-region grid.
const gridRows, gridCols = 30, 40

// Scene implements lessons.Machine.
func (m *machine) Scene() scene.Scene {
	v := m.view()
	sc := scene.Scene{
		Lesson: "Overfitting and regularization",
		Pos: scene.Position{Step: m.loop.Step, Epoch: m.loop.Epoch,
			Steps: m.cfg.epochs * m.loop.StepsPerEpoch(), Epochs: m.cfg.epochs},
	}
	cur := &m.loop.Cur
	if cur.Tape != nil {
		sc.Pos.Op, sc.Pos.OpsPerStep = cur.OpIndex(), cur.OpsPerStep()
	}
	phase, block := m.loop.Phase()
	sc.Phase = phase
	switch {
	case phase == "diverged":
		sc.Status = scene.Status{Level: scene.LevelError, Diverged: true,
			Message: fmt.Sprintf("diverged at step %d — lower the learning rate", m.loop.DivStep)}
	// The runtime replaces a finished status with its verdict on the goal.
	case phase == "finished" && m.hist.stopped:
		sc.Status = scene.Status{Level: scene.LevelInfo, Finished: true,
			Message: fmt.Sprintf("stopped early at epoch %d; weights of epoch %d restored (validation loss %s)",
				m.hist.stoppedAt, m.hist.best, trainer.Num(v.ValLoss))}
	case phase == "finished":
		sc.Status = scene.Status{Level: scene.LevelInfo, Finished: true,
			Message: fmt.Sprintf("finished: training loss %s, validation loss %s, gap %s",
				trainer.Num(v.TrainLoss), trainer.Num(v.ValLoss), trainer.Num(v.Gap))}
	}
	sc.Narrative = trainer.Narrative(narrative, block, v)
	grid := m.regionGrid()
	if m.loop.InStep() {
		// The regions stay on screen through the step (the same weights
		// until the update), with dropout's masks when it is on.
		sc.Panels = []scene.Panel{{Kind: scene.KindGraph, Title: "computation graph of this step", Graph: cur.Graph()}, m.regionPanel(grid, false)}
		if mask := m.maskPanel(); mask != nil {
			sc.Panels = append(sc.Panels, *mask)
		}
		return sc
	}
	sc.Panels = []scene.Panel{
		m.regionPanel(grid, false), m.regionPanel(grid, true),
		m.lossPanel(), m.normPanel(v), m.numbersPanel(v),
	}
	return sc
}

// regionGrid is the network's p(class 1) over the plot rectangle.
func (m *machine) regionGrid() *scene.Grid {
	g := &scene.Grid{
		X: scene.Range{Min: xRange[0], Max: xRange[1]}, Y: scene.Range{Min: yRange[0], Max: yRange[1]},
		Rows: gridRows, Cols: gridCols, Values: m.net.prob(gridRows, gridCols),
	}
	for i, p := range g.Values {
		if math.IsNaN(p) {
			g.Values[i] = 0.5
		}
	}
	return g
}

// regionPanel draws the decision regions and the boundary p = 0.5 under
// the training points or, with val, the validation points.
func (m *machine) regionPanel(g *scene.Grid, val bool) scene.Panel {
	// The training points' regions are the lesson's main picture: the
	// boundary bending round them is what overfitting looks like.
	d, name, title := m.train, "training points", fmt.Sprintf("regions · %d training points", m.train.len())
	id, prio := "regions-train", 1
	if val {
		d, name, title = m.val, "validation points", fmt.Sprintf("regions · %d validation points", m.val.len())
		id, prio = "regions-val", 0
	}
	n := d.len()
	xs, ys := make([]float64, n), make([]float64, n)
	for i := range n {
		xs[i], ys[i] = d.X.Data[2*i], d.X.Data[2*i+1]
	}
	return scene.Panel{Kind: scene.KindPlot, Title: title, ID: id, Priority: prio, Plot: &scene.Plot{
		XLabel: "x1", YLabel: "x2",
		XRange: &scene.Range{Min: xRange[0], Max: xRange[1]}, YRange: &scene.Range{Min: yRange[0], Max: yRange[1]},
		Series:  []scene.Series{{Name: name, Style: scene.Scatter, X: xs, Y: ys, Classes: d.Labels}},
		Region:  g,
		Contour: &scene.Contour{Grid: *g, Levels: []float64{0.5}},
	}}
}

// lossPanel is the training and validation loss after every epoch, with
// the epoch of the lowest validation loss marked.
func (m *machine) lossPanel() scene.Panel {
	h := &m.hist
	n := len(h.valLoss)
	ep := make([]float64, n)
	hi := 0.0
	for i := range n {
		ep[i] = float64(i)
		hi = max(hi, finite(h.valLoss[i]), finite(h.trainLoss[i]))
	}
	b := float64(h.best)
	return scene.Panel{Kind: scene.KindPlot, Title: fmt.Sprintf("loss per epoch · best: epoch %d", h.best), Plot: &scene.Plot{
		XLabel: "epoch", YLabel: "cross-entropy", YRange: &scene.Range{Min: 0, Max: hi},
		Series: []scene.Series{
			{Name: "training", Style: scene.Line, X: ep, Y: finiteAll(h.trainLoss)},
			{Name: "validation", Style: scene.Line, X: ep, Y: finiteAll(h.valLoss)},
			{Name: "best validation", Style: scene.Line, X: []float64{b, b}, Y: []float64{0, hi}},
		},
	}}
}

// normPanel is ‖W‖ of each layer at the start and now.
func (m *machine) normPanel(v view) scene.Panel {
	b := &scene.Bars{Highlight: -1}
	for i := range 3 {
		b.Labels = append(b.Labels, fmt.Sprintf("W%d start", i+1), fmt.Sprintf("W%d now", i+1))
		b.Values = append(b.Values, finite(v.StartNorm[i]), finite(v.Norm[i]))
	}
	return scene.Panel{Kind: scene.KindBars, Title: "weight norms ‖W‖", Bars: b}
}

// numbersPanel is the last epoch's losses and accuracies, the gap between
// the sets, and the best validation loss.
func (m *machine) numbersPanel(v view) scene.Panel {
	num := trainer.Num
	pct := func(x float64) string { return fmt.Sprintf("%.1f%%", 100*x) }
	early := "off"
	switch {
	case v.Stopped:
		early = fmt.Sprintf("stopped at %d", v.StoppedAt)
	case v.Early:
		early = fmt.Sprintf("%d/%d epochs", v.SinceBest, Patience)
	}
	return scene.Panel{Kind: scene.KindTable, Title: fmt.Sprintf("epoch %d · evaluation mode", v.Epoch), Table: &scene.Table{
		Columns: []string{"", "training", "validation", "gap"},
		Rows: [][]string{
			{"loss", num(v.TrainLoss), num(v.ValLoss), num(v.Gap)},
			{"accuracy", pct(v.TrainAcc), pct(v.ValAcc), fmt.Sprintf("%+.1f pts", 100*(v.ValAcc-v.TrainAcc))},
			{"best val.", "epoch " + fmt.Sprint(v.Best), num(v.BestVal), ""},
			{"early stop", early, "", ""},
		},
	}}
}

// maskPanel shows the dropout masks of this step for the first points and
// units of each hidden layer: 0 where a value was dropped, 1/(1−p) where
// it was kept. It is nil when the step uses no dropout.
func (m *machine) maskPanel() *scene.Panel {
	const rows = 3
	cols := min(10, m.cfg.width)
	mat := &scene.Matrix{Cols: cols}
	for _, n := range m.loop.Cur.Tape.Nodes() {
		if n.Op != "dropout" {
			continue
		}
		mask := n.Local(0)
		for r := range min(rows, mask.Shape[0]) {
			mat.Rows++
			mat.RowLabels = append(mat.RowLabels, fmt.Sprintf("%s #%d", n.Inputs[0].Name, r))
			mat.Values = append(mat.Values, mask.Data[r*m.cfg.width:r*m.cfg.width+cols]...)
		}
	}
	if mat.Rows == 0 {
		return nil
	}
	for c := range cols {
		mat.ColLabels = append(mat.ColLabels, fmt.Sprintf("u%d", c+1))
	}
	return &scene.Panel{Kind: scene.KindMatrix, Title: fmt.Sprintf("dropout masks: 0 dropped, %s kept (= 1/(1−p))",
		trainer.Num(1/(1-m.step.p))), Matrix: mat}
}

func finite(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return 0
	}
	return x
}

func finiteAll(xs []float64) []float64 {
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = finite(x)
	}
	return out
}
