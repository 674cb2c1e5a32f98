package toolkit

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

var narrative = template.Must(template.New("toolkit").Funcs(trainer.Funcs).Funcs(template.FuncMap{
	"pct": func(v float64) string { return trainer.Num(100*v) + "%" },
}).Parse(narrativeText))

// view is what the narrative reads.
type view struct {
	Init, InitLabel, Schedule, Inputs, BN string
	Depth, Width, NTrain, NTest, Batch    int
	Warmup, Steps, Step, Epoch, Epochs    int
	LR, Rate, LRLin                       float64

	// Part one, for the run's scheme: the spread of layers 1 and 9 and the
	// per-layer factor; for every scheme, layer 9's activation spread.
	Act1, Act9, Grad1, Grad9, Factor float64
	Schemes                          []schemeRow
	HeAct9, SmallAct9                float64

	// Part two.
	Raw, Std surfaceView

	// Part three.
	TrainLoss, TestAcc, StartAcc, Dead float64
	LiveAct1, LiveAct9                 float64
	LiveGrad1, LiveGrad9               float64
	HasLive, Diverged                  bool
	DivStep                            int
	Goal                               float64
	// RawScale is how many times the raw pixels' spread is the
	// standardised ones' (255 times the 0–1 spread); Curvature its square.
	RawScale, Curvature float64
	// The op just revealed: its node as "out = op(inputs)", the spread of
	// its output (forward) or of the gradient reaching it (backward), and
	// what it does.
	Op, Node, OpNote string
	Spread           float64
	InStep           int // the 1-based number of the step in progress
}

type schemeRow struct {
	Label           string
	Act9, Grad1     float64
	Zero, Chosen    bool
	WeightStd, Loss float64
}

type surfaceView struct {
	H00, H01, H11, LMax, LMin, Cond, Limit  float64
	WOpt, BOpt, LossOpt, Final, Flat, Steep float64
	StepsToTenth                            float64
	Diverged                                bool
}

func (m *machine) surfaceView(s *surface) surfaceView {
	flat, steep := s.factors(m.cfg.lrLin)
	// Σu of standardised inputs is 0 up to rounding (about 1e-15): shown as 0.
	clean := func(x float64) float64 {
		if math.Abs(x) < 1e-12 {
			return 0
		}
		return x
	}
	v := surfaceView{H00: s.h[0][0], H01: clean(s.h[0][1]), H11: s.h[1][1], LMax: s.lmax, LMin: s.lmin, Cond: s.cond,
		Limit: s.limit, WOpt: s.wOpt, BOpt: s.bOpt, LossOpt: s.lossOpt, Final: s.final(),
		Flat: flat, Steep: steep, Diverged: s.diverged}
	// Steps for the error along the flattest direction to shrink tenfold.
	if flat < 1 && flat > 0 {
		v.StepsToTenth = math.Ceil(math.Log(0.1) / math.Log(flat))
	}
	return v
}

func (m *machine) view() view {
	i := m.survey.of(m.cfg.init)
	a, g := m.survey.act[i], m.survey.grad[i]
	v := view{
		Init: m.cfg.init, InitLabel: initLabel[m.cfg.init], Schedule: m.cfg.schedule,
		Inputs: inputsName(m.cfg.standard), BN: onOff(m.cfg.bn),
		Depth: Depth, Width: Width, NTrain: NTrain, NTest: NTest, Batch: Batch,
		Warmup: m.cfg.warmup, Steps: m.steps(), Step: m.loop.Step, Epoch: m.loop.Epoch, Epochs: m.cfg.epochs,
		LR: m.lr, LRLin: m.cfg.lrLin,
		Rate: rateAt(m.cfg.schedule, m.lr, m.cfg.warmup, m.steps(), m.loop.Step),
		Act1: a[0], Act9: a[len(a)-1], Grad1: g[0], Grad9: g[len(g)-1], Factor: ratioPerLayer(a),
		HeAct9:    m.survey.act[m.survey.of("he")][Depth-2],
		SmallAct9: m.survey.act[m.survey.of("small")][Depth-2],
		Raw:       m.surfaceView(m.raw), Std: m.surfaceView(m.std),
		TrainLoss: m.hist.trainLoss[len(m.hist.trainLoss)-1], TestAcc: m.hist.testAcc[len(m.hist.testAcc)-1],
		StartAcc: m.hist.testAcc[0], Dead: m.hist.dead,
		Diverged: m.loop.Diverged, DivStep: m.loop.DivStep, Goal: GoalAcc,
		RawScale: 255 * m.sd, Curvature: (255 * m.sd) * (255 * m.sd),
	}
	for k, name := range Inits {
		v.Schemes = append(v.Schemes, schemeRow{Label: initLabel[name], Act9: m.survey.act[k][Depth-2],
			Grad1: m.survey.grad[k][0], Zero: m.survey.act[k][0] == 0, Chosen: k == i,
			WeightStd: initStd(name, Width, Width), Loss: m.survey.loss[k]})
	}
	if h := m.hist.actStd; h != nil {
		v.HasLive = true
		v.LiveAct1, v.LiveAct9 = h[0], h[len(h)-1]
		v.LiveGrad1, v.LiveGrad9 = m.hist.gradStd[0], m.hist.gradStd[len(h)-1]
	}
	v.InStep = m.loop.Step + 1
	if cur := &m.loop.Cur; cur.Tape != nil && cur.Phase == trainer.Forward {
		n := cur.Tape.Nodes()[cur.Fwd-1]
		v.Op, v.Node, v.Spread = n.Op, n.Label(), std(n.Out.Value.Data)
		v.OpNote = opNotes[n.Op]
	} else if cur.Phase == trainer.Backward && len(cur.Steps) > 0 {
		st := cur.Steps[len(cur.Steps)-1]
		v.Op, v.Node, v.Spread = st.Node.Op, st.Node.Label(), std(st.Upstream.Data)
		v.OpNote = opNotes[st.Node.Op]
	}
	return v
}

// opNotes say what each op of the network does to the signal.
var opNotes = map[string]string{
	"matmul":     "the matrix product: each unit sums its inputs, each times a weight, so the spread is multiplied by about σ·√in (σ the weights' spread)",
	"add":        "adds a bias (or, at the end of batch normalisation, β)",
	"relu":       "max(0, z): the negative half is zeroed, which halves the signal's power — the 2 in He's 2/in",
	"mean":       "batch normalisation's mean over the batch, one per unit (μ, or σ² when it averages the squares)",
	"sub":        "z − μ: each unit centred over the batch",
	"square":     "(z − μ)²: the squares whose mean is the batch variance σ²",
	"addc":       "σ² + ε, so that the square root is never 0",
	"sqrt":       "√(σ² + ε): each unit's spread over the batch",
	"div":        "(z − μ)/√(σ² + ε): every unit now has mean 0 and spread 1 over the batch, whatever the weights' scale",
	"mul":        "× γ, the learned spread of each unit",
	"softmax_ce": "the mean cross-entropy of the ten logits against the labels",
}

// Scene implements lessons.Machine.
func (m *machine) Scene() scene.Scene {
	v := m.view()
	sc := scene.Scene{
		Lesson: "Why training works or does not",
		Pos: scene.Position{Step: m.loop.Step, Epoch: m.loop.Epoch,
			Steps: m.steps(), Epochs: m.cfg.epochs},
	}
	var block string
	switch m.at {
	case stageInit:
		sc.Phase, block = "initialisation", "init"
		sc.Panels = []scene.Panel{m.weightsPanel(), m.networkTable()}
	case stageSurvey:
		sc.Phase, block = "initialisation", "survey"
		sc.Panels = []scene.Panel{m.surveyPanel(true), m.surveyTable(false)}
	case stageGrads:
		sc.Phase, block = "initialisation", "grads"
		sc.Panels = []scene.Panel{m.surveyPanel(true), m.surveyPanel(false), m.surveyTable(true)}
	case stageSurface, stagePaths:
		sc.Phase, block = "normalisation", "surface"
		paths := m.at == stagePaths
		if paths {
			block = "paths"
		}
		sc.Panels = []scene.Panel{m.surfacePanel(m.raw, paths, true), m.surfacePanel(m.std, paths, false), m.hessianTable()}
	default:
		cur := &m.loop.Cur
		if cur.Tape != nil {
			sc.Pos.Op, sc.Pos.OpsPerStep = cur.OpIndex(), cur.OpsPerStep()
		}
		phase, _ := m.loop.Phase()
		sc.Phase, block = phase, phase
		switch phase {
		case "diverged":
			sc.Status = scene.Status{Level: scene.LevelError, Diverged: true,
				Message: fmt.Sprintf("diverged at step %d: a loss or a weight became infinite", m.loop.DivStep)}
		case "finished":
			sc.Status = scene.Status{Level: scene.LevelInfo, Finished: true,
				Message: fmt.Sprintf("finished: test accuracy %s%%, training loss %s", trainer.Num(100*v.TestAcc), trainer.Num(v.TrainLoss))}
		}
		sc.Panels = []scene.Panel{m.livePanel(), m.progressPanel(), m.schedulePanel(), m.trainTable(v)}
		if cur.Tape != nil && m.loop.InStep() {
			sc.Panels = append(sc.Panels, scene.Panel{Kind: scene.KindGraph, ID: "graph", Title: "this step's computation", Graph: cur.Graph()})
		}
	}
	sc.Narrative = trainer.Narrative(narrative, block, v)
	return sc
}

// log10s returns the layers (1-based) and log₁₀ of the positive values;
// zeros have no logarithm and are left out.
func log10s(xs []float64) (layer, y []float64) {
	for i, x := range xs {
		if x > 0 && !math.IsInf(x, 0) {
			layer, y = append(layer, float64(i+1)), append(y, math.Log10(x))
		}
	}
	return layer, y
}

// weightsPanel is part one's main picture before the survey: the weight
// spread each scheme gives each layer.
func (m *machine) weightsPanel() scene.Panel {
	p := &scene.Plot{XLabel: "hidden layer", YLabel: "log₁₀ std of its weights", XRange: &scene.Range{Min: 1, Max: Depth - 1}}
	for _, name := range Inits {
		var ws []float64
		in := Pixels
		for range Depth - 1 {
			ws = append(ws, initStd(name, in, Width))
			in = Width
		}
		x, y := log10s(ws)
		p.Series = append(p.Series, scene.Series{Name: initLabel[name], Style: scene.Line, X: x, Y: y})
	}
	return scene.Panel{Kind: scene.KindPlot, ID: "layers", Priority: 1, Title: "what each scheme sets: the weights' spread per layer (zeros has none)", Plot: p}
}

// surveyPanel is the survey's activations (act) or gradients per layer
// for every scheme.
func (m *machine) surveyPanel(act bool) scene.Panel {
	what, vals := "activations", m.survey.act
	if !act {
		what, vals = "gradients dL/dh", m.survey.grad
	}
	p := &scene.Plot{XLabel: "hidden layer", YLabel: "log₁₀ std of the " + what, XRange: &scene.Range{Min: 1, Max: Depth - 1}}
	for k, name := range Inits {
		x, y := log10s(vals[k])
		p.Series = append(p.Series, scene.Series{Name: initLabel[name], Style: scene.Line, X: x, Y: y})
	}
	pn := scene.Panel{Kind: scene.KindPlot, Title: fmt.Sprintf("%s per layer at the start, five schemes (zeros: all 0, not drawn)", what), Plot: p}
	if act {
		pn.ID, pn.Priority = "layers", 1
	} else {
		pn.ID = "survey-grads"
	}
	return pn
}

func (m *machine) networkTable() scene.Panel {
	t := &scene.Table{Columns: []string{"layer", "shape", "weight std (" + m.cfg.init + ")"}}
	in := Pixels
	for l := range Depth {
		out := Width
		if l == Depth-1 {
			out = 10
		}
		t.Rows = append(t.Rows, []string{fmt.Sprintf("d%d", l+1), fmt.Sprintf("%d→%d", in, out), trainer.Num(initStd(m.cfg.init, in, out))})
		in = out
	}
	return scene.Panel{Kind: scene.KindTable, ID: "network", Title: "the network: Dense → ReLU, nine times, then 10 logits", Table: t}
}

// surveyTable is the survey in numbers, with the gradients' columns once
// they are shown.
func (m *machine) surveyTable(grads bool) scene.Panel {
	t := &scene.Table{Columns: []string{"scheme", "act std L1", "act std L9", "loss"}}
	if grads {
		t.Columns = append(t.Columns, "grad std L9", "grad std L1")
	}
	for k, name := range Inits {
		a, g := m.survey.act[k], m.survey.grad[k]
		label := initLabel[name]
		if name == m.cfg.init {
			label = "▸ " + label
		}
		row := []string{label, trainer.Num(a[0]), trainer.Num(a[Depth-2]), trainer.Num(m.survey.loss[k])}
		if grads {
			row = append(row, trainer.Num(g[Depth-2]), trainer.Num(g[0]))
		}
		t.Rows = append(t.Rows, row)
	}
	return scene.Panel{Kind: scene.KindTable, ID: "survey-table", Title: fmt.Sprintf("the survey in numbers (%d digits)", SurveyBatch), Table: t}
}

// surfaceBox is a square around the minimum and the start (0, 0), so that
// with the panel's aspect 1 a round bowl draws round.
func surfaceBox(s *surface) (scene.Range, scene.Range) {
	wlo, whi := math.Min(0, s.wOpt), math.Max(0, s.wOpt)
	blo, bhi := math.Min(0, s.bOpt), math.Max(0, s.bOpt)
	half := 0.5 * 1.7 * math.Max(whi-wlo, bhi-blo)
	wc, bc := (wlo+whi)/2, (blo+bhi)/2
	return scene.Range{Min: wc - half, Max: wc + half}, scene.Range{Min: bc - half, Max: bc + half}
}

// surfacePanel is a loss surface's contours, its minimum and, with paths,
// gradient descent's path from (0, 0).
func (m *machine) surfacePanel(s *surface, paths, main bool) scene.Panel {
	const rows, cols = 30, 30
	xr, yr := surfaceBox(s)
	g := scene.Grid{X: xr, Y: yr, Rows: rows, Cols: cols, Values: make([]float64, rows*cols)}
	for r := range rows {
		for c := range cols {
			w := xr.Min + (float64(c)+0.5)/cols*(xr.Max-xr.Min)
			b := yr.Min + (float64(r)+0.5)/rows*(yr.Max-yr.Min)
			g.Values[r*cols+c] = s.loss(w, b)
		}
	}
	var levels []float64
	for k := range 7 {
		levels = append(levels, s.lossOpt+0.05*math.Pow(3, float64(k)))
	}
	p := &scene.Plot{XLabel: "w", YLabel: "b", XRange: &xr, YRange: &yr, Contour: &scene.Contour{Grid: g, Levels: levels},
		Series: []scene.Series{{Name: "minimum", Style: scene.Scatter, X: []float64{s.wOpt}, Y: []float64{s.bOpt}}}}
	title := fmt.Sprintf("%s inputs: λmax/λmin = %s", s.name, trainer.Num(s.cond))
	if paths {
		var xs, ys []float64
		for k := range s.pathW {
			// Points far outside the box are clipped to its edge.
			xs = append(xs, math.Max(xr.Min, math.Min(xr.Max, s.pathW[k])))
			ys = append(ys, math.Max(yr.Min, math.Min(yr.Max, s.pathB[k])))
		}
		p.Series = append(p.Series, scene.Series{Name: fmt.Sprintf("gradient descent, rate %s", trainer.Num(m.cfg.lrLin)), Style: scene.Path, X: xs, Y: ys})
		if s.diverged {
			title += fmt.Sprintf(" · diverged at step %d", len(s.pathW)-1)
		} else {
			title += fmt.Sprintf(" · loss %s after %d steps", trainer.Num(s.final()), PathSteps)
		}
	}
	pn := scene.Panel{Kind: scene.KindPlot, ID: "surface-" + s.name, Title: title, Plot: p, Aspect: 1}
	if main {
		pn.Priority = 1
	}
	return pn
}

func (m *machine) hessianTable() scene.Panel {
	t := &scene.Table{Columns: []string{"", "raw", "standardised"}}
	row := func(name string, f func(surfaceView) string) {
		t.Rows = append(t.Rows, []string{name, f(m.surfaceView(m.raw)), f(m.surfaceView(m.std))})
	}
	row("H = [a b; b c]", func(s surfaceView) string {
		return fmt.Sprintf("[%s %s; %s %s]", trainer.Num(s.H00), trainer.Num(s.H01), trainer.Num(s.H01), trainer.Num(s.H11))
	})
	row("λmax", func(s surfaceView) string { return trainer.Num(s.LMax) })
	row("λmin", func(s surfaceView) string { return trainer.Num(s.LMin) })
	row("λmax/λmin", func(s surfaceView) string { return trainer.Num(s.Cond) })
	row("2/λmax", func(s surfaceView) string { return trainer.Num(s.Limit) })
	if m.at == stagePaths {
		row("|1 − lr·λmax|", func(s surfaceView) string { return trainer.Num(s.Steep) })
		row("|1 − lr·λmin|", func(s surfaceView) string { return trainer.Num(s.Flat) })
		row("final loss", func(s surfaceView) string { return trainer.Num(s.Final) })
	}
	return scene.Panel{Kind: scene.KindTable, ID: "hessian", Title: fmt.Sprintf("the MSE's Hessian; rate %s", trainer.Num(m.cfg.lrLin)), Table: t}
}

// livePanel is part three's main picture: each hidden layer's spread in
// the last step, against the chosen scheme's at the start.
func (m *machine) livePanel() scene.Panel {
	p := &scene.Plot{XLabel: "hidden layer", YLabel: "log₁₀ std", XRange: &scene.Range{Min: 1, Max: Depth - 1}}
	i := m.survey.of(m.cfg.init)
	x, y := log10s(m.survey.act[i])
	p.Series = append(p.Series, scene.Series{Name: "activations at the start (no BN)", Style: scene.Line, X: x, Y: y})
	if m.hist.actStd != nil {
		x, y = log10s(m.hist.actStd)
		p.Series = append(p.Series, scene.Series{Name: "activations, last step", Style: scene.Line, X: x, Y: y})
		x, y = log10s(m.hist.gradStd)
		p.Series = append(p.Series, scene.Series{Name: "gradients dL/dh, last step", Style: scene.Line, X: x, Y: y})
	}
	return scene.Panel{Kind: scene.KindPlot, ID: "layers", Priority: 1, Title: fmt.Sprintf("spread per layer, live (step %d; a layer at 0 is not drawn)", m.loop.Step), Plot: p}
}

func (m *machine) progressPanel() scene.Panel {
	var ep []float64
	for k := range m.hist.trainLoss {
		ep = append(ep, float64(k))
	}
	acc := make([]float64, len(m.hist.testAcc))
	for k, a := range m.hist.testAcc {
		acc[k] = 100 * a
	}
	p := &scene.Plot{XLabel: "epoch", YLabel: "training loss", Y2Label: "test accuracy %",
		Series: []scene.Series{
			{Name: "training loss", Style: scene.Line, X: ep, Y: m.hist.trainLoss},
			{Name: "test accuracy %", Style: scene.Line, X: ep, Y: acc, Axis: 1},
		}}
	return scene.Panel{Kind: scene.KindPlot, ID: "progress", Title: "loss and accuracy per epoch", Plot: p}
}

func (m *machine) schedulePanel() scene.Panel {
	n := m.steps()
	var xs, ys []float64
	for t := 0; t < n; t++ {
		xs, ys = append(xs, float64(t)), append(ys, rateAt(m.cfg.schedule, m.lr, m.cfg.warmup, n, t))
	}
	used := make([]float64, len(m.hist.rates))
	for t := range used {
		used[t] = float64(t)
	}
	p := &scene.Plot{XLabel: "step t", YLabel: "learning rate",
		Series: []scene.Series{{Name: "schedule", Style: scene.Line, X: xs, Y: ys}}}
	if len(used) > 0 {
		p.Series = append(p.Series, scene.Series{Name: "used", Style: scene.Path, X: used, Y: m.hist.rates})
	}
	title := m.cfg.schedule + " schedule"
	if m.cfg.warmup > 0 {
		title += fmt.Sprintf(" after %d warm-up steps", m.cfg.warmup)
	}
	return scene.Panel{Kind: scene.KindPlot, ID: "schedule", Title: title, Plot: p}
}

func (m *machine) trainTable(v view) scene.Panel {
	t := &scene.Table{Columns: []string{"name", "value"}, Rows: [][]string{
		{"initialisation", v.InitLabel},
		{"batch norm", v.BN},
		{"input pixels", v.Inputs},
		{"rate of the next step", trainer.Num(v.Rate)},
		{"training loss", trainer.Num(v.TrainLoss)},
		{"test accuracy", trainer.Num(100*v.TestAcc) + "%"},
		{"silent hidden units", trainer.Num(100*v.Dead) + "%"},
	}}
	return scene.Panel{Kind: scene.KindTable, ID: "numbers", Title: "the run", Table: t}
}
