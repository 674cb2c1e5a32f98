package linreg

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

var narrative = template.Must(template.New("linreg").Funcs(trainer.Funcs).Parse(narrativeText))

// view is the data the narrative templates read.
type view struct {
	N, Batch, Step, Epoch, EpochShown, Epochs, StepsPerEpoch, DivStep int
	LR, W, B, WOld, BOld, DW, DB, Loss, FullMSE, LSW, LSB, Pred       float64
	X0, Y0, Z0, Yhat0, E0, Sq0, Up0, G0, Share0                       float64
	EpochEnd, Slow                                                    bool
}

func (m *machine) view() view {
	w, b := m.dense.W.Value.Data[0], m.dense.B.Value.Data[0]
	lsw, lsb := m.leastSquares()
	v := view{
		N: N, Batch: m.loop.Batch, Step: m.loop.Step, Epoch: m.loop.Epoch, EpochShown: m.loop.Epoch + 1, Epochs: m.loop.Epochs,
		StepsPerEpoch: m.loop.StepsPerEpoch(), DivStep: m.loop.DivStep,
		LR: m.opt.LR, W: w, B: b, WOld: w, BOld: b, FullMSE: m.fullMSE(), LSW: lsw, LSB: lsb,
		Pred: w*Query + b,
	}
	v.Slow = math.Abs(w-lsw) > 0.05 || math.Abs(b-lsb) > 0.05
	if m.loop.Cur.Tape == nil {
		return v
	}
	n := float64(len(m.loop.Rows))
	v.Batch = len(m.loop.Rows)
	v.X0, v.Y0 = m.xb.Data[0], m.yb.Data[0]
	v.Z0 = v.X0 * m.wUsed()
	v.Yhat0 = v.Z0 + m.bUsed()
	v.E0 = v.Yhat0 - v.Y0
	v.Sq0 = v.E0 * v.E0
	v.Loss = m.loop.Cur.Loss.Item()
	v.Up0 = 1 / n
	v.G0 = 2 * v.E0 / n
	v.Share0 = v.G0 * v.X0
	if g := m.loop.Cur.GradSoFar(m.dense.W); g != nil {
		v.DW = g[0]
	}
	if g := m.loop.Cur.GradSoFar(m.dense.B); g != nil {
		v.DB = g[0]
	}
	if m.loop.Cur.Phase == trainer.Updated {
		v.WOld, v.BOld = m.wUsed(), m.bUsed()
		v.EpochEnd = m.loop.EpochEnded()
		if v.EpochEnd {
			v.EpochShown = v.Epoch
		}
	}
	return v
}

// wUsed and bUsed are the parameters the current step's forward pass used:
// after the update, the current values minus the update.
func (m *machine) wUsed() float64 {
	w := m.dense.W.Value.Data[0]
	if m.loop.Cur.Phase == trainer.Updated {
		w -= m.opt.LastUpdate(m.dense.W).Data[0]
	}
	return w
}

func (m *machine) bUsed() float64 {
	b := m.dense.B.Value.Data[0]
	if m.loop.Cur.Phase == trainer.Updated {
		b -= m.opt.LastUpdate(m.dense.B).Data[0]
	}
	return b
}

// Scene implements lessons.Machine.
func (m *machine) Scene() scene.Scene {
	v := m.view()
	sc := scene.Scene{
		Lesson: "Linear regression",
		Pos: scene.Position{
			Step: m.loop.Step, Epoch: m.loop.Epoch,
			Steps: m.loop.Epochs * m.loop.StepsPerEpoch(), Epochs: m.loop.Epochs,
		},
	}
	if m.loop.Cur.Tape != nil {
		sc.Pos.Op, sc.Pos.OpsPerStep = m.loop.Cur.OpIndex(), m.loop.Cur.OpsPerStep()
	}
	phase, block := m.loop.Phase()
	sc.Phase, sc.Narrative = phase, trainer.Narrative(narrative, block, v)
	switch phase {
	case "diverged":
		sc.Status = scene.Status{Level: scene.LevelError, Diverged: true,
			Message: fmt.Sprintf("diverged at step %d — lower the learning rate", m.loop.DivStep)}
	case "finished":
		sc.Status = scene.Status{Level: scene.LevelSuccess, Finished: true,
			Message: fmt.Sprintf("finished: W = %s, b = %s, ŷ(0.5) = %s", trainer.Num(v.W), trainer.Num(v.B), trainer.Num(v.Pred))}
	}
	if !m.loop.Diverged && v.FullMSE > 100*m.startMSE {
		sc.Status = scene.Status{Level: scene.LevelWarning, Finished: m.Done(),
			Message: fmt.Sprintf("the loss is exploding (%s, was %s at the start) — the learning rate is too large", trainer.Num(v.FullMSE), trainer.Num(m.startMSE))}
	}
	sc.Panels = []scene.Panel{m.fitPanel(), m.lossPanel(), m.paramPanel(v)}
	if m.loop.Cur.Tape != nil {
		sc.Panels = append(sc.Panels, scene.Panel{Kind: scene.KindGraph, Title: "computation graph", Graph: m.loop.Cur.Graph()})
	}
	return sc
}

// fitPanel is the data, the batch of the current step, the current line and
// the true line.
func (m *machine) fitPanel() scene.Panel {
	classes := make([]int, N)
	for _, r := range m.loop.Rows {
		classes[r] = 1
	}
	w, b := m.dense.W.Value.Data[0], m.dense.B.Value.Data[0]
	ylo, yhi := math.Inf(1), math.Inf(-1)
	for _, y := range m.y.Data {
		ylo, yhi = math.Min(ylo, y), math.Max(yhi, y)
	}
	return scene.Panel{Kind: scene.KindPlot, Title: "data and fitted line", Plot: &scene.Plot{
		XLabel: "x", YLabel: "y",
		XRange: &scene.Range{Min: 0, Max: 1},
		YRange: &scene.Range{Min: math.Floor(ylo), Max: math.Ceil(yhi)},
		Series: []scene.Series{
			{Name: "points (batch highlighted)", Style: scene.Scatter, X: m.x.Data, Y: m.y.Data, Classes: classes},
			{Name: "true y = 2x + 1", Style: scene.Line, X: []float64{0, 1}, Y: []float64{1, 3}},
			{Name: fmt.Sprintf("fit ŷ = %s·x + %s", trainer.Num(w), trainer.Num(b)), Style: scene.Line, X: []float64{0, 1}, Y: []float64{b, w + b}},
		},
	}}
}

// lossPanel is the batch loss of every step and the full-data loss after
// every epoch.
func (m *machine) lossPanel() scene.Panel {
	steps := make([]float64, len(m.loop.Losses))
	for i := range steps {
		steps[i] = float64(i + 1)
	}
	ep := make([]float64, len(m.epochMSE))
	for i := range ep {
		ep[i] = float64((i + 1) * m.loop.StepsPerEpoch())
	}
	return scene.Panel{Kind: scene.KindPlot, Title: "loss", Plot: &scene.Plot{
		XLabel: "step", YLabel: "MSE",
		Series: []scene.Series{
			{Name: "batch loss", Style: scene.Line, X: steps, Y: m.loop.Losses},
			{Name: "loss on all points (per epoch)", Style: scene.Line, X: ep, Y: m.epochMSE},
		},
	}}
}

// paramPanel is W and b with their gradients (as far as the backward pass
// has revealed them) and the last update SGD applied.
func (m *machine) paramPanel(v view) scene.Panel {
	return scene.Panel{Kind: scene.KindTable, Title: "parameters", Table: &scene.Table{
		Columns: trainer.ParamColumns,
		Rows: [][]string{
			m.loop.ParamRow("W", m.dense.W, 0, m.opt.LastUpdate(m.dense.W)),
			m.loop.ParamRow("b", m.dense.B, 0, m.opt.LastUpdate(m.dense.B)),
			{"loss", trainer.Num(v.FullMSE), "", ""},
			{"ŷ(0.5)", trainer.Num(v.Pred), "", ""},
		},
	}}
}
