package attention

import (
	"fmt"
	"math"

	"github.com/dlearn/dlearn/lessons/scene"
)

// Part two's panels.

// opPanel describes the node the op walk has reached.
func opPanel(op opInfo) scene.Panel {
	title := fmt.Sprintf("forward op %d of %d", op.K, op.N)
	if op.Grad != "" {
		title = fmt.Sprintf("backward node %d of %d", op.K, op.N)
	}
	return scene.Panel{Kind: scene.KindTable, Title: title, Table: &scene.Table{Columns: []string{"", ""}, Rows: op.Table}}
}

// mapsPanel draws every head's attention weights on the test example:
// row i is output position i, column j input position j.
func (m *machine) mapsPanel(p prediction) scene.Panel {
	rows, cols := make([]string, SeqLen), make([]string, SeqLen)
	for i, s := range p.Input {
		rows[i] = fmt.Sprintf("%d %c", i+1, symbols[s])
		cols[i] = string(symbols[s])
	}
	caps := make([]string, len(p.Maps))
	for k := range caps {
		caps[k] = fmt.Sprintf("head %d", k+1)
	}
	return scene.Panel{Kind: scene.KindImage, ID: "maps", Priority: 1,
		Title: fmt.Sprintf("attention maps, example %d", m.cfg.example),
		Image: &scene.Image{Rows: SeqLen, Cols: SeqLen, Tiles: p.Maps, Captions: caps,
			Min: 0, Max: 1, RowLabels: rows, ColLabels: cols}}
}

// outputPanel is the test example, its target and the model's output
// and confidence at every position, with the test accuracy there.
func (m *machine) outputPanel(p prediction) scene.Panel {
	last := m.evals[len(m.evals)-1]
	tb := &scene.Table{Columns: []string{"", "in", "target", "out", "p(out)", "test acc"}}
	for i := range SeqLen {
		mark := "✓"
		if p.Output[i] != p.Target[i] {
			mark = "✗"
		}
		tb.Rows = append(tb.Rows, []string{
			fmt.Sprint(i + 1), string(symbols[p.Input[i]]), string(symbols[p.Target[i]]),
			string(symbols[p.Output[i]]) + " " + mark, fmt.Sprintf("%.2f", p.Prob[i]), pct(last.PosAcc[i]),
		})
	}
	return scene.Panel{Kind: scene.KindTable, Title: fmt.Sprintf("example %d reversed, by position", m.cfg.example), Table: tb}
}

// lossPanel is the batch loss of every step and the test loss after
// every epoch.
func (m *machine) lossPanel() scene.Panel {
	steps := make([]float64, len(m.loop.Losses))
	for i := range steps {
		steps[i] = float64(i + 1)
	}
	ex, ey := m.perEpoch(func(e eval) float64 { return e.Loss })
	return scene.Panel{Kind: scene.KindPlot, Title: "cross-entropy loss", Plot: &scene.Plot{
		XLabel: "step", YLabel: "loss", XRange: m.stepRange(), LogY: true,
		Series: []scene.Series{
			finiteSeries("batch", steps, m.loop.Losses),
			finiteSeries("test (per epoch)", ex, ey),
		},
	}}
}

// accuracyPanel is the test accuracy and every head's mean weight on the
// mirror position, after every epoch.
func (m *machine) accuracyPanel() scene.Panel {
	ex, ey := m.perEpoch(func(e eval) float64 { return e.Acc })
	series := []scene.Series{finiteSeries("test acc", ex, ey)}
	for h := range m.cfg.heads {
		_, wy := m.perEpoch(func(e eval) float64 { return e.Mirror[h] })
		series = append(series, finiteSeries(fmt.Sprintf("head %d", h+1), ex, wy))
	}
	return scene.Panel{Kind: scene.KindPlot, Title: "test accuracy; each head's weight on the mirror", Plot: &scene.Plot{
		XLabel: "step", YLabel: "fraction", XRange: m.stepRange(), YRange: &scene.Range{Min: 0, Max: 1}, Series: series,
	}}
}

// perEpoch returns the step after which each evaluation was taken (0 for
// the one before training) and f of it.
func (m *machine) perEpoch(f func(eval) float64) (x, y []float64) {
	for k, e := range m.evals {
		x = append(x, float64(k*m.loop.StepsPerEpoch()))
		y = append(y, f(e))
	}
	return x, y
}

// stepRange is the x axis of the curves: the steps so far, and at least
// one epoch, so that a single point before training still has an axis.
func (m *machine) stepRange() *scene.Range {
	return &scene.Range{Min: 0, Max: float64(max(m.loop.Step, m.loop.StepsPerEpoch()))}
}

// finiteSeries is a line through the points (x, y) whose y is finite: a
// diverged run's NaN and ±Inf are left out, not drawn.
func finiteSeries(name string, x, y []float64) scene.Series {
	s := scene.Series{Name: name, Style: scene.Line, X: []float64{}, Y: []float64{}}
	for i, v := range y {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			s.X, s.Y = append(s.X, x[i]), append(s.Y, v)
		}
	}
	return s
}
