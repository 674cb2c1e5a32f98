package logreg

import (
	_ "embed"
	"fmt"
	"math"
	"text/template"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/scene"
	"github.com/dlearn/dlearn/lessons/trainer"
)

//go:embed narrative.md
var narrativeText string

var narrative = template.Must(template.New("logreg").Funcs(trainer.Funcs).Funcs(template.FuncMap{
	"pct": pct,
}).Parse(narrativeText))

// The ends of a run the finished text tells apart, from the run's state:
// the goal met; missed with the loss still falling (the rate is too small
// for the distance to walk); missed because the steps overshot (the loss
// rose, or the sigmoid sits on a flat end for almost every point).
const (
	regimeMet       = "met"
	regimeSlow      = "slow"
	regimeOvershoot = "overshoot"
)

// view is what the narrative templates read. The u-suffixed parameters are
// the ones the current step's forward pass used.
type view struct {
	N, Batch, Step, Epoch, Epochs, DivStep, StepsPerEpoch, TotalSteps int
	BatchInEpoch, LastBatch, Wrong, ClippedWrong                      int
	LR, W1, W2, B, W1u, W2u, Bu, FullLoss, StartLoss, Acc, Loss       float64
	X1, X2, Y, Z, S, P, OneMinusP, PointLoss                          float64
	DP, Local, DS, DW1, DW2, DB, Share1, R1, R2                       float64
	QS, QP, QDist, Saturated                                          float64
	EpochEnd, Met, QSide                                              bool
	Regime, GoalText, RemedyUp, RemedyDown                            string
}

func (m *machine) view() view {
	w1, w2, b := m.params()
	loss, acc := m.evaluate()
	v := view{
		N: N, Batch: m.loop.Batch, Step: m.loop.Step, Epoch: m.loop.Epoch,
		Epochs: m.loop.Epochs, DivStep: m.loop.DivStep, StepsPerEpoch: m.loop.StepsPerEpoch(),
		LR: m.opt.LR, W1: w1, W2: w2, B: b, W1u: w1, W2u: w2, Bu: b, FullLoss: loss, StartLoss: m.startLoss, Acc: acc,
		GoalText: goal.Text(), RemedyUp: goal.Remedies[lessons.CauseDescending].Value,
		RemedyDown: goal.Remedies[lessons.CauseExploding].Value,
	}
	v.TotalSteps = v.Epochs * v.StepsPerEpoch
	v.Wrong = N - int(math.Round(acc*N))
	v.Met = goal.Met(100 * acc)
	if b != 0 {
		v.R1, v.R2 = w1/-b, w2/-b
	}
	v.QS = w1*Query[0] + w2*Query[1] + b
	v.QP = m.prob(Query[0], Query[1])
	v.QDist = m.queryDistance()
	v.QSide = v.QS > 0
	v.Saturated = m.saturatedShare()
	v.ClippedWrong = m.clippedWrong()
	switch {
	case v.Met:
		v.Regime = regimeMet
	case loss > m.startLoss || v.Saturated >= 0.95 || !trainer.Finite(loss):
		v.Regime = regimeOvershoot
	default:
		v.Regime = regimeSlow
	}
	cur := &m.loop.Cur
	if cur.Tape == nil {
		return v
	}
	if cur.Phase == trainer.Updated {
		v.W1u -= m.opt.LastUpdate(m.dense.W).Data[0]
		v.W2u -= m.opt.LastUpdate(m.dense.W).Data[1]
		v.Bu -= m.opt.LastUpdate(m.dense.B).Data[0]
		v.EpochEnd = m.loop.EpochEnded()
	}
	n := float64(len(m.loop.Rows))
	if !m.Done() {
		v.Batch = len(m.loop.Rows) // the last batch of an epoch can be short
	}
	v.BatchInEpoch, v.LastBatch = m.loop.Next, len(m.loop.Batches)
	v.X1, v.X2, v.Y = m.xb.Data[0], m.xb.Data[1], m.yb.Data[0]
	v.Z = v.X1*v.W1u + v.X2*v.W2u
	v.S = v.Z + v.Bu
	v.P = 1 / (1 + math.Exp(-v.S))
	v.OneMinusP = 1 - v.P
	pc := min(max(v.P, autograd.BCEEpsilon), 1-autograd.BCEEpsilon)
	v.PointLoss = -(v.Y*math.Log(pc) + (1-v.Y)*math.Log(1-pc))
	v.Loss = cur.Loss.Item()
	v.Local = v.P * (1 - v.P)
	if v.Local > 0 {
		v.DP = (v.P - v.Y) / v.Local / n
	}
	v.DS = (v.P - v.Y) / n
	v.Share1 = v.DS * v.X1
	if g := cur.GradSoFar(m.dense.W); g != nil {
		v.DW1, v.DW2 = g[0], g[1]
	}
	if g := cur.GradSoFar(m.dense.B); g != nil {
		v.DB = g[0]
	}
	return v
}

// Scene implements lessons.Machine.
func (m *machine) Scene() scene.Scene {
	v := m.view()
	cur := &m.loop.Cur
	sc := scene.Scene{
		Lesson: "Logistic regression",
		Pos: scene.Position{Step: m.loop.Step, Epoch: m.loop.Epoch,
			Steps: m.loop.Epochs * m.loop.StepsPerEpoch(), Epochs: m.loop.Epochs},
	}
	if cur.Tape != nil {
		sc.Pos.Op, sc.Pos.OpsPerStep = cur.OpIndex(), cur.OpsPerStep()
	}
	phase, block := m.loop.Phase()
	sc.Phase = phase
	// The verdict at the end is the runtime's (lessons.Diagnose); the
	// machine only flags a divergence.
	switch phase {
	case "diverged":
		sc.Status = scene.Status{Level: scene.LevelError, Diverged: true,
			Message: fmt.Sprintf("diverged in step %d — lower the learning rate", m.loop.DivStep)}
	case "finished":
		sc.Status = scene.Status{Level: scene.LevelInfo, Finished: true,
			Message: fmt.Sprintf("finished: accuracy %s, p(0.3, 0.7) = %s", pct(v.Acc), trainer.Num(v.QP))}
	}
	sc.Narrative = trainer.Narrative(narrative, block, v)
	switch {
	case phase == "ready":
		sc.Panels = []scene.Panel{m.kerasPanel(v), m.boundaryPanel()}
	case m.Done():
		sc.Panels = []scene.Panel{m.boundaryPanel(), m.curvePanel(), m.paramPanel(v)}
	default:
		sc.Panels = []scene.Panel{m.boundaryPanel(), m.curvePanel(), m.paramPanel(v), m.batchPanel(),
			{Kind: scene.KindGraph, Title: "computation graph", Graph: cur.Graph()}}
	}
	return sc
}

// kerasPanel sets the seed's Keras program beside what the engine does for
// each of its lines, the defaults the program never states included.
func (m *machine) kerasPanel(v view) scene.Panel {
	note := func(def, got string) string {
		if def == got {
			return ""
		}
		return "; this run: " + got
	}
	spe := v.StepsPerEpoch
	batches := fmt.Sprintf("%d batches of %d", spe, v.Batch)
	if last := N - (spe-1)*v.Batch; last != v.Batch {
		batches = fmt.Sprintf("%d×%d + one of %d", spe-1, v.Batch, last)
	}
	return scene.Panel{Kind: scene.KindTable, Title: "the Keras program and what the engine does", Table: &scene.Table{
		Columns: []string{"Keras", "what dlearn's engine does"},
		Rows: [][]string{
			{"X = np.random.rand(100, 2)", "100 points in [0, 1)² from"},
			{"", "dlearn's own generator (seeded)"},
			{"y = np.round(0.5*(X[:, 0] + X[:, 1]))", "label 1 when x1 + x2 ≥ 1, else 0"},
			{"model = Sequential([", "one neuron with a sigmoid:"},
			{"    Dense(1, activation='sigmoid',", "p = σ(w1·x1 + w2·x2 + b)"},
			{"          input_dim=2)])", "w: Glorot-uniform in (−√2, √2),"},
			{"", "  √2 = √(6/(2 inputs + 1 output))"},
			{"", "  here w1 = " + trainer.Num(v.W1) + ", w2 = " + trainer.Num(v.W2)},
			{"", "b: zeros, b = 0"},
			{"model.compile(optimizer='sgd',", "plain SGD, no momentum,"},
			{"", "lr 0.01 (Keras's default" + note("0.01", trainer.Num(v.LR)) + ")"},
			{"    loss='binary_crossentropy')", "L = mean of −[y·log p +"},
			{"", "  (1 − y)·log(1 − p)] over a batch,"},
			{"", "p clipped to [1e−7, 1 − 1e−7]"},
			{"model.fit(X, y, epochs=100)", fmt.Sprintf("batch_size 32 (default%s),", note("32", fmt.Sprint(v.Batch)))},
			{"", "reshuffled every epoch"},
			{"", fmt.Sprintf("1 epoch = ⌈100/%d⌉ = %d steps", v.Batch, spe)},
			{"", "  (" + batches + ")"},
			{"", fmt.Sprintf("%d epochs = %d steps", v.Epochs, v.TotalSteps)},
			{"X_test = np.array([[0.3, 0.7]])", "p(0.3, 0.7): a point on the"},
			{"model.predict(X_test)", "true boundary x1 + x2 = 1"},
		},
	}}
}

// boundaryPanel is the points, the model's probability over the square,
// its boundary p = 0.5, the true boundary x1 + x2 = 1 and the query point.
func (m *machine) boundaryPanel() scene.Panel {
	classes := make([]int, N)
	xs, ys := make([]float64, N), make([]float64, N)
	for i := range N {
		xs[i], ys[i] = m.x.Data[2*i], m.x.Data[2*i+1]
		classes[i] = int(m.y.Data[i])
	}
	const res = 24
	grid := scene.Grid{X: scene.Range{Min: 0, Max: 1}, Y: scene.Range{Min: 0, Max: 1}, Rows: res, Cols: res, Values: make([]float64, res*res)}
	for r := range res {
		for c := range res {
			grid.Values[r*res+c] = m.prob((float64(c)+0.5)/res, (float64(r)+0.5)/res)
		}
	}
	series := []scene.Series{
		{Name: "class 0 / class 1", Style: scene.Scatter, X: xs, Y: ys, Classes: classes},
		{Name: "true boundary x1 + x2 = 1", Style: scene.Line, X: []float64{0, 1}, Y: []float64{1, 0}},
	}
	w1, w2, b := m.params()
	if bx, by, ok := clipLine(w1, w2, b); ok {
		series = append(series, scene.Series{Name: "model boundary p = 0.5", Style: scene.Line, X: bx, Y: by})
	}
	return scene.Panel{Kind: scene.KindPlot, Title: "decision boundary", ID: "boundary", Priority: 1, Plot: &scene.Plot{
		XLabel: "x1", YLabel: "x2", XRange: &scene.Range{Min: 0, Max: 1}, YRange: &scene.Range{Min: 0, Max: 1},
		Series: series, Region: &grid,
	}}
}

// clipLine returns the segment of w1·x + w2·y + b = 0 inside the unit
// square, if the line crosses it.
func clipLine(w1, w2, b float64) (xs, ys []float64, ok bool) {
	var pts [][2]float64
	add := func(x, y float64) {
		if x < -1e-12 || x > 1+1e-12 || y < -1e-12 || y > 1+1e-12 || math.IsNaN(x+y) {
			return
		}
		for _, p := range pts {
			if math.Abs(p[0]-x) < 1e-9 && math.Abs(p[1]-y) < 1e-9 {
				return
			}
		}
		pts = append(pts, [2]float64{x, y})
	}
	if w2 != 0 {
		add(0, -b/w2)
		add(1, -(w1+b)/w2)
	}
	if w1 != 0 {
		add(-b/w1, 0)
		add(-(w2+b)/w1, 1)
	}
	if len(pts) < 2 {
		return nil, nil, false
	}
	return []float64{pts[0][0], pts[1][0]}, []float64{pts[0][1], pts[1][1]}, true
}

// curvePanel is the batch loss per step and, per epoch, the loss and
// accuracy on all points.
func (m *machine) curvePanel() scene.Panel {
	steps := make([]float64, len(m.loop.Losses))
	for i := range steps {
		steps[i] = float64(i + 1)
	}
	ep := make([]float64, len(m.epochLoss))
	for i := range ep {
		ep[i] = float64((i + 1) * m.loop.StepsPerEpoch())
	}
	return scene.Panel{Kind: scene.KindPlot, Title: "loss and accuracy", Plot: &scene.Plot{
		XLabel: "step", YLabel: "BCE", Y2Label: "accuracy",
		Series: []scene.Series{
			finiteSeries("batch loss", steps, m.loop.Losses),
			finiteSeries("loss, all points", ep, m.epochLoss),
			{Name: "accuracy, all points", Style: scene.Line, X: ep, Y: m.epochAcc, Axis: 1},
		},
	}}
}

// paramPanel is w1, w2 and b with their gradients (as far as revealed)
// and the last update, the accuracy and the program's prediction.
func (m *machine) paramPanel(v view) scene.Panel {
	lw, lb := m.opt.LastUpdate(m.dense.W), m.opt.LastUpdate(m.dense.B)
	return scene.Panel{Kind: scene.KindTable, Title: "parameters", Table: &scene.Table{
		Columns: trainer.ParamColumns,
		Rows: [][]string{
			m.loop.ParamRow("w1", m.dense.W, 0, lw),
			m.loop.ParamRow("w2", m.dense.W, 1, lw),
			m.loop.ParamRow("b", m.dense.B, 0, lb),
			{"accuracy", pct(v.Acc), "", ""},
			{"p(0.3, 0.7)", trainer.Num(v.QP), "", ""},
		},
	}}
}

// batchPanel is the first rows of the batch with their label, the
// model's probability and its error p − y, the quantity the gradient is
// made of.
func (m *machine) batchPanel() scene.Panel {
	rows := min(6, len(m.loop.Rows))
	mat := &scene.Matrix{Rows: rows, Cols: 3, ColLabels: []string{"y", "p", "p − y"}}
	cur := &m.loop.Cur
	for i := range rows {
		y := m.yb.Data[i]
		p := cur.Tape.Nodes()[2].Out.Value.Data[i]
		mat.Values = append(mat.Values, y, p, p-y)
		mat.RowLabels = append(mat.RowLabels, fmt.Sprintf("#%d", m.loop.Rows[i]))
	}
	mat.Highlight = []scene.Cell{{Row: 0, Col: 2}}
	return scene.Panel{Kind: scene.KindMatrix, Title: "first points of the batch", Matrix: mat}
}

// clippedWrong counts the points on the wrong side whose p lies beyond the
// cross-entropy's clip, where the loss passes no gradient.
func (m *machine) clippedWrong() int {
	n := 0
	for i := range N {
		p := m.prob(m.x.Data[2*i], m.x.Data[2*i+1])
		wrong := (p >= 0.5) != (m.y.Data[i] == 1)
		if wrong && (p < autograd.BCEEpsilon || p > 1-autograd.BCEEpsilon) {
			n++
		}
	}
	return n
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
