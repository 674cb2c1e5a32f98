package linreg

import (
	_ "embed"
	"fmt"
	"math"
	"strings"
	"text/template"

	"github.com/dlearn/dlearn/lessons/scene"
	"github.com/dlearn/dlearn/lessons/trainer"
)

//go:embed narrative.md
var narrativeText string

var narrative = template.Must(template.New("linreg").Funcs(trainer.Funcs).Funcs(template.FuncMap{
	"pct":        pct,
	"oneMinus":   func(a, b float64) float64 { return 1 - a*b },
	"times":      func(a, b float64) float64 { return a * b },
	"left":       func(c Curvature, lr float64, steps int) float64 { return c.Left(lr, steps) },
	"signedTerm": signedTerm,
}).Parse(narrativeText))

// The regimes of a finished run the narrative tells apart, computed from
// the run: the goal met, or missed because the rate is too small for the
// slow direction of the loss surface, because of mini-batch noise and
// overshoot, or because the rate is past the stability limit.
const (
	regimeMet       = "met"
	regimeSlow      = "slow"
	regimeNoisy     = "noisy"
	regimeExploding = "exploding"
)

// slowLeft is the share of the slow direction's error above which a run
// counts as not yet converged.
const slowLeft = 0.05

// view is the data the narrative templates read.
type view struct {
	N, Batch, Step, Epoch, Epochs, StepsPerEpoch, TotalSteps, DivStep int
	BatchInEpoch, LastBatch, FirstMet                                 int
	LR, W, B, WOld, BOld, DW, DB, Loss, FullMSE, StartMSE, LSW, LSB   float64
	LineW, LineB, Pred, Shift, Scale, Mean                            float64
	X0, Y0, Z0, Yhat0, E0, Sq0, Up0, G0, Share0                       float64
	EpochEnd, Slow, Centred, Met                                      bool
	Centre, Regime, GoalText                                          string

	// The curvature the neuron sees now, and for x raw and centred.
	Cur, Raw, Cent, Std Curvature
	// Left is the share of the slow direction's error left after the
	// steps taken (or, before training, after the whole run); Pivot is the
	// x about which a move along the slow direction turns the line.
	Left, Pivot, RawLeft, StdLeft float64
	// SuggestLR is a rung of the learning-rate ladder the finished text
	// proposes (0 for none).
	SuggestLR float64
}

func (m *machine) view() view {
	w, b := m.line()
	wu, bu := m.dense.W.Value.Data[0], m.dense.B.Value.Data[0]
	lsw, lsb := m.leastSquares()
	v := view{
		N: N, Batch: m.loop.Batch, Step: m.loop.Step, Epoch: m.loop.Epoch, Epochs: m.loop.Epochs,
		StepsPerEpoch: m.loop.StepsPerEpoch(), DivStep: m.loop.DivStep, FirstMet: m.firstMet,
		LR: m.opt.LR, W: wu, B: bu, WOld: wu, BOld: bu, LineW: w, LineB: b, FullMSE: m.fullMSE(), StartMSE: m.startMSE, LSW: lsw, LSB: lsb,
		Pred: w*Query + b, Shift: m.shift, Scale: m.scale, Centre: m.centre, Centred: m.centre != CentreOff,
		GoalText: fmt.Sprintf("%s is within %s of %s", goal.Label, trainer.Num(goal.Tol), trainer.Num(goal.Target)),
		Cur:      m.curvatureOf(m.centre), Raw: m.curvatureOf(CentreOff), Cent: m.curvatureOf(CentreOn), Std: m.curvatureOf(CentreScale),
	}
	v.TotalSteps = v.Epochs * v.StepsPerEpoch
	v.Mean, _ = transform(m.x.Data, CentreOn)
	v.Met = goal.Met(v.Pred)
	steps := v.Step
	if steps == 0 {
		steps = v.TotalSteps
	}
	v.Left = v.Cur.Left(v.LR, steps)
	v.RawLeft, v.StdLeft = v.Raw.Left(v.LR, steps), v.Std.Left(v.LR, steps)
	if c := v.Cur; math.Abs(c.SlowW) > 1e-9 {
		v.Pivot = m.shift + m.scale*(-c.SlowB/c.SlowW)
	}
	v.Slow = math.Abs(w-lsw) > 0.05 || math.Abs(b-lsb) > 0.05
	v.Regime, v.SuggestLR = m.regime(v)
	if m.loop.Cur.Tape == nil {
		return v
	}
	n := float64(len(m.loop.Rows))
	if !m.Done() {
		v.Batch = len(m.loop.Rows) // the last batch of an epoch can be short
	}
	v.BatchInEpoch, v.LastBatch = m.loop.Next, len(m.loop.Batches)
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
	}
	return v
}

// regime tells why a run ended where it did, from the run's state and
// the curvature of the loss, and picks a learning rate to suggest: the
// smallest rung of the ladder at which the slow direction converges in
// this many steps while staying well inside the stability limit.
func (m *machine) regime(v view) (string, float64) {
	steps := max(v.TotalSteps, 1)
	pick := func(ok func(r float64) bool) float64 {
		for _, r := range lrLadder {
			if ok(r) && r <= v.Cur.Limit()/4 && v.Cur.Left(r, steps) < slowLeft {
				return r
			}
		}
		return 0
	}
	switch {
	case v.LR >= v.Cur.Limit() || v.FullMSE > 10*v.StartMSE || !finite(v.FullMSE):
		return regimeExploding, pick(func(r float64) bool { return true })
	case v.Met:
		return regimeMet, pick(func(r float64) bool { return r > v.LR })
	case v.Left > slowLeft:
		return regimeSlow, pick(func(r float64) bool { return r > v.LR })
	}
	return regimeNoisy, pick(func(r float64) bool { return r < v.LR })
}

// pct formats a share as a percentage, with tiny shares as an upper bound.
func pct(v float64) string {
	if v < 1e-4 {
		return "less than 0.01%"
	}
	return trainer.Num(100*v) + "%"
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

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
	// The verdict at the end is the runtime's (see lessons.Diagnose); the
	// machine only flags a divergence and warns while the loss explodes.
	switch {
	case phase == "diverged":
		sc.Status = scene.Status{Level: scene.LevelError, Diverged: true,
			Message: fmt.Sprintf("diverged at step %d — lower the learning rate below 2/λmax ≈ %s", m.loop.DivStep, trainer.Num(v.Cur.Limit()))}
	case v.FullMSE > 100*m.startMSE:
		sc.Status = scene.Status{Level: scene.LevelWarning, Finished: m.Done(),
			Message: fmt.Sprintf("the loss is exploding (%s, was %s at the start) — the learning rate is too large", trainer.Num(v.FullMSE), trainer.Num(m.startMSE))}
	case phase == "finished":
		sc.Status = scene.Status{Level: scene.LevelInfo, Finished: true,
			Message: fmt.Sprintf("finished: ŷ = %s·x %s, ŷ(0.5) = %s", trainer.Num(v.LineW), signedTerm(v.LineB), trainer.Num(v.Pred))}
	}
	switch {
	case phase == "ready":
		sc.Panels = []scene.Panel{m.kerasPanel(v), m.fitPanel()}
	case m.Done():
		sc.Panels = []scene.Panel{m.fitPanel(), m.lossPanel(), m.paramPanel(v), m.conditioningPanel(v)}
	default:
		sc.Panels = []scene.Panel{m.fitPanel(), m.lossPanel(), m.paramPanel(v)}
	}
	if m.loop.Cur.Tape != nil && !m.Done() {
		sc.Panels = append(sc.Panels, scene.Panel{Kind: scene.KindGraph, Title: "computation graph", Graph: m.loop.Cur.Graph()})
	}
	return sc
}

// kerasPanel sets the seed's Keras program beside what the engine does for
// each of its lines, the defaults the program never states included.
func (m *machine) kerasPanel(v view) scene.Panel {
	w0 := m.dense.W.Value.Data[0]
	note := func(def, got string) string {
		if def == got {
			return ""
		}
		return "; this run: " + got
	}
	spe := v.StepsPerEpoch
	lastBatch := N - (spe-1)*v.Batch
	batches := fmt.Sprintf("%d batches of %d", spe, v.Batch)
	if lastBatch != v.Batch {
		batches = fmt.Sprintf("%d×%d + one of %d", spe-1, v.Batch, lastBatch)
	}
	rows := [][]string{
		{"X = np.random.rand(100, 1)", "100 x in [0, 1) from dlearn's"},
		{"", "own generator (seed-driven)"},
		{"y = 2*X + 1 \\", "y = 2x + 1 + 0.5·normal noise"},
		{"    + 0.5*np.random.randn(100, 1)", ""},
		{"model = Sequential([", "one neuron, no activation:"},
		{"    Dense(1, input_dim=1)])", "ŷ = W·x + b"},
		{"", "W: Glorot-uniform in (−√3, √3),"},
		{"", "  √3 = √(6/(1 input + 1 output))"},
		{"", "  here W = " + trainer.Num(w0)},
		{"", "b: zeros, b = 0"},
		{"model.compile(optimizer='sgd',", "plain SGD, no momentum,"},
		{"", "lr 0.01 (Keras's default" + note("0.01", trainer.Num(v.LR)) + ")"},
		{"    loss='mean_squared_error')", "L = mean of (ŷ − y)² over a batch"},
		{"model.fit(X, y, epochs=100)", fmt.Sprintf("batch_size 32 (default%s),", note("32", fmt.Sprint(v.Batch)))},
		{"", "reshuffled every epoch"},
		{"", fmt.Sprintf("1 epoch = ⌈100/%d⌉ = %d steps", v.Batch, spe)},
		{"", "  (" + batches + ")"},
		{"", fmt.Sprintf("%d epochs = %d steps", v.Epochs, v.TotalSteps)},
		{"model.predict([[0.5]])", "ŷ(0.5) = W·0.5 + b: the goal"},
	}
	if v.Centred {
		what := fmt.Sprintf("fed x − %s", trainer.Num(m.shift))
		if m.centre == CentreScale {
			what = fmt.Sprintf("fed (x − %s)/%s", trainer.Num(m.shift), trainer.Num(m.scale))
		}
		rows = append(rows, []string{"(not in the program)", what}, []string{"", "W, b, ŷ(0.5) shown for x"})
	}
	return scene.Panel{Kind: scene.KindTable, Title: "the Keras program and what the engine does", Table: &scene.Table{
		Columns: []string{"Keras", "what dlearn's engine does"},
		Rows:    rows,
	}}
}

// conditioningPanel is the curvature of the loss for each setting of
// centre x (raw, centred, standardised), computed from the data, with the
// share of the slow direction's error the run's rate leaves.
func (m *machine) conditioningPanel(v view) scene.Panel {
	cs := []Curvature{v.Raw, v.Cent, v.Std}
	row := func(label string, f func(c Curvature) string) []string {
		r := []string{label}
		for _, c := range cs {
			r = append(r, f(c))
		}
		return r
	}
	steps := max(v.Step, 1)
	return scene.Panel{Kind: scene.KindTable, Title: fmt.Sprintf("Hessian of the loss by centre x; slow left after %d steps at lr %s", steps, trainer.Num(v.LR)), Table: &scene.Table{
		Columns: []string{"centre x", CentreOff, CentreOn, CentreScale},
		Rows: [][]string{
			row("λmin", func(c Curvature) string { return trainer.Num(c.LMin) }),
			row("λmax", func(c Curvature) string { return trainer.Num(c.LMax) }),
			row("κ", func(c Curvature) string { return trainer.Num(c.Kappa()) }),
			row("2/λmax", func(c Curvature) string { return trainer.Num(c.Limit()) }),
			row("slow left", func(c Curvature) string {
				if v.LR >= c.Limit() {
					return "unstable"
				}
				return pct(c.Left(v.LR, steps))
			}),
		},
	}}
}

// fitPanel is the data, the batch of the current step, the current line and
// the true line.
func (m *machine) fitPanel() scene.Panel {
	classes := make([]int, N)
	for _, r := range m.loop.Rows {
		classes[r] = 1
	}
	w, b := m.line()
	ylo, yhi := math.Inf(1), math.Inf(-1)
	for _, y := range m.y.Data {
		ylo, yhi = math.Min(ylo, y), math.Max(yhi, y)
	}
	return scene.Panel{Kind: scene.KindPlot, Title: "data and fitted line", ID: "fit", Priority: 1, Plot: &scene.Plot{
		XLabel: "x", YLabel: "y",
		XRange: &scene.Range{Min: 0, Max: 1},
		YRange: &scene.Range{Min: math.Floor(ylo), Max: math.Ceil(yhi)},
		Series: []scene.Series{
			{Name: "points (batch highlighted)", Style: scene.Scatter, X: m.x.Data, Y: m.y.Data, Classes: classes},
			{Name: "true y = 2x + 1", Style: scene.Line, X: []float64{0, 1}, Y: []float64{1, 3}},
			finiteSeries(fmt.Sprintf("fit ŷ = %s·x + %s", trainer.Num(w), trainer.Num(b)), []float64{0, 1}, []float64{b, w + b}),
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
			finiteSeries("batch loss", steps, m.loop.Losses),
			finiteSeries("loss on all points", ep, m.epochMSE),
		},
	}}
}

// paramPanel is W and b with their gradients (as far as the backward pass
// has revealed them) and the last update SGD applied. With centring on,
// the line in x follows.
func (m *machine) paramPanel(v view) scene.Panel {
	rows := [][]string{
		m.loop.ParamRow("W", m.dense.W, 0, m.opt.LastUpdate(m.dense.W)),
		m.loop.ParamRow("b", m.dense.B, 0, m.opt.LastUpdate(m.dense.B)),
	}
	if m.centre != CentreOff {
		w, b := m.line()
		rows = append(rows, []string{"line in x", fmt.Sprintf("%s·x %s", trainer.Num(w), signedTerm(b)), "", ""})
	}
	rows = append(rows, []string{"loss", trainer.Num(v.FullMSE), "", ""}, []string{"ŷ(0.5)", trainer.Num(v.Pred), "", ""})
	return scene.Panel{Kind: scene.KindTable, Title: "parameters", Table: &scene.Table{Columns: trainer.ParamColumns, Rows: rows}}
}

func signedTerm(v float64) string {
	if v < 0 {
		return "− " + strings.TrimPrefix(trainer.Num(v), "-")
	}
	return "+ " + trainer.Num(v)
}

// finiteSeries is a line through the points whose values are finite: a
// run that diverged has infinite losses, which a plot (and JSON) cannot
// hold.
func finiteSeries(name string, xs, ys []float64) scene.Series {
	s := scene.Series{Name: name, Style: scene.Line, X: []float64{}, Y: []float64{}}
	for i, y := range ys {
		if !math.IsNaN(y) && !math.IsInf(y, 0) {
			s.X, s.Y = append(s.X, xs[i]), append(s.Y, y)
		}
	}
	return s
}
