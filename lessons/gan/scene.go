package gan

import (
	_ "embed"
	"fmt"
	"math"
	"text/template"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/data"
	"github.com/dlearn/dlearn/engine/nn"
	"github.com/dlearn/dlearn/engine/tensor"
	"github.com/dlearn/dlearn/lessons/scene"
	"github.com/dlearn/dlearn/lessons/trainer"
)

//go:embed narrative.md
var narrativeText string

var narrative = template.Must(template.New("gan").Funcs(trainer.Funcs).Parse(narrativeText))

// phase names what the last op did, as a scene phase and the narrative
// block that explains it.
func (m *machine) phase() (phase, block string) {
	switch i := m.ops - 1; {
	case m.diverged:
		return "diverged", trainer.StopBlock(m.watch.DivergenceAutopsy())
	case m.Done() && !m.mined.stopped: // stopped by the learner's code: at its op
		return "finished", "finished"
	case i < 0:
		return "ready", "intro"
	case !m.inStep && !m.byOp:
		return "step done", "step"
	case i < 3*m.k && i%3 == 0:
		return "D on real", "d-real"
	case i < 3*m.k && i%3 == 1:
		return "D on fake", "d-fake"
	case i < 3*m.k:
		return "D update", "d-update"
	case i == 3*m.k:
		return "G forward", "g-forward"
	}
	return "G update", "g-update"
}

// Scene implements lessons.Machine.
func (m *machine) Scene() scene.Scene {
	pts := m.samples()
	cov := coverageOf(pts)
	push := m.pushes(pts)
	v := m.view(cov)
	v.Arrows, v.PushMax = len(push.X), longest(push)
	epoch, _ := m.loader.Pos()
	sc := scene.Scene{
		Lesson: "GANs on a ring of Gaussians",
		Pos:    scene.Position{Step: m.step, Epoch: epoch, Steps: m.cfg.steps},
	}
	if m.ops > 0 {
		sc.Pos.Op, sc.Pos.OpsPerStep = m.ops, m.OpsPerStep()
	}
	phase, block := m.phase()
	sc.Phase = phase
	switch phase {
	case "diverged":
		sc.Status = scene.Status{Level: scene.LevelError, Diverged: true,
			Message: fmt.Sprintf("diverged at step %d — lower the learning rates", m.divStep)}
	case "finished":
		// The runtime judges the goal and writes the verdict.
		sc.Status = scene.Status{Finished: true}
	}
	sc.Narrative = trainer.Narrative(narrative, block, v)
	sc.Panels = []scene.Panel{m.planePanel(pts, push), coveragePanel(cov), m.lossPanel(), m.verdictPanel()}
	return sc
}

// planePanel is D's p(real) over the plane with the shown generated
// points and the first real points over it, and, when there are any, the
// arrows of G's push on a sample of the generated points.
func (m *machine) planePanel(pts *tensor.Tensor, push scene.Series) scene.Panel {
	gx, gy := columns(pts.Data, Shown)
	rx, ry := columns(m.real.X.Data, ShownReal)
	r := scene.Range{Min: -PlotHalf, Max: PlotHalf}
	series := []scene.Series{
		{Name: "G(z)", Style: scene.Scatter, X: gx, Y: gy},
		{Name: "real", Style: scene.Scatter, X: rx, Y: ry},
	}
	if len(push.X) > 0 {
		series = append(series, push)
	}
	return scene.Panel{Kind: scene.KindPlot, Title: "D's p(real) over the plane", ID: "plane", Priority: 1, Aspect: 1, Plot: &scene.Plot{
		XLabel: "x1", YLabel: "x2", XRange: &r, YRange: &r,
		Series: series,
		Region: &scene.Grid{X: r, Y: r, Rows: regionCells, Cols: regionCells, Values: m.region(), Label: "D's p(real)"},
	}}
}

// columns splits the first n rows of a row-major [n 2] slice into x and
// y, leaving out any point that is not finite (a scene never holds NaN).
func columns(d []float64, n int) (xs, ys []float64) {
	xs, ys = make([]float64, 0, n), make([]float64, 0, n)
	for i := range n {
		if finite(d[2*i]) && finite(d[2*i+1]) {
			xs, ys = append(xs, d[2*i]), append(ys, d[2*i+1])
		}
	}
	return xs, ys
}

// coveragePanel is the share of the shown points on each mode and off the
// ring.
func coveragePanel(cov coverage) scene.Panel {
	b := &scene.Bars{Highlight: -1}
	for j, k := range cov.Counts {
		b.Labels = append(b.Labels, modeName(j))
		b.Values = append(b.Values, share(k))
	}
	b.Labels = append(b.Labels, "off ring")
	b.Values = append(b.Values, share(cov.Off))
	return scene.Panel{Kind: scene.KindBars, Title: fmt.Sprintf("modes covered: %d of %d (%%)", cov.Covered, data.RingModes), Bars: b}
}

// share is k of the shown points in percent, to one decimal.
func share(k int) float64 { return math.Round(1000*float64(k)/Shown) / 10 }

// maxPoints is the most points a curve of the history gets: beyond it,
// each point is the mean of a block of consecutive steps, so that a long
// run draws as lines rather than as a band of noise.
const maxPoints = 200

// lossPanel is both losses per training step.
func (m *machine) lossPanel() scene.Panel {
	xs, ld, k := blockMeans(m.hist.lossD)
	_, lg, _ := blockMeans(m.hist.lossG)
	return scene.Panel{Kind: scene.KindPlot, Title: "losses of D and G", Plot: &scene.Plot{
		XLabel: "step" + perBlock(k), YLabel: "loss",
		Series: []scene.Series{
			{Name: "L_D", Style: scene.Line, X: xs, Y: ld},
			{Name: "L_G", Style: scene.Line, X: xs, Y: lg},
		},
	}}
}

// verdictPanel is D's mean output on the real and the fake batch of each
// step, and the share of modes covered at each evaluation.
func (m *machine) verdictPanel() scene.Panel {
	xs, real, k := blockMeans(m.hist.dReal)
	_, fake, _ := blockMeans(m.hist.dFake)
	cov := make([]float64, len(m.hist.covered))
	for i, c := range m.hist.covered {
		cov[i] = c / data.RingModes
	}
	return scene.Panel{Kind: scene.KindPlot, Title: "D's mean verdict, modes ÷ 8", Plot: &scene.Plot{
		XLabel: "step" + perBlock(k), YRange: &scene.Range{Min: 0, Max: 1},
		Series: []scene.Series{
			{Name: "D(real)", Style: scene.Line, X: xs, Y: real},
			{Name: "D(G(z))", Style: scene.Line, X: xs, Y: fake},
			{Name: "modes ÷ 8", Style: scene.Line, X: m.hist.evalStep, Y: cov},
		},
	}}
}

// blockMeans returns ys (one value per step from step 1) as at most
// maxPoints points: the means of blocks of k consecutive steps, placed at
// each block's last step (k = 1: the values themselves).
func blockMeans(ys []float64) (xs, means []float64, k int) {
	k = (len(ys) + maxPoints - 1) / maxPoints
	if k <= 1 {
		xs = make([]float64, len(ys))
		for i := range xs {
			xs[i] = float64(i + 1)
		}
		return xs, ys, 1
	}
	for lo := 0; lo < len(ys); lo += k {
		hi := min(lo+k, len(ys))
		s := 0.0
		for _, y := range ys[lo:hi] {
			s += y
		}
		xs, means = append(xs, float64(hi)), append(means, s/float64(hi-lo))
	}
	return xs, means, k
}

// perBlock says what a point of a curve is when it averages k steps.
func perBlock(k int) string {
	if k <= 1 {
		return ""
	}
	return fmt.Sprintf(" (means of %d)", k)
}

// Arrows is how many of the shown generated points carry an arrow of G's
// push, and PushName the name of their series in the plane's legend.
const (
	Arrows   = 20
	PushName = "G's push −∂ℓ/∂x"
)

// pushes is G's push on the first Arrows finite points x of pts: the
// series of those points with DX, DY = −∂ℓ/∂x, where ℓ is G's loss for
// one point (−log D(x) non-saturating, log(1 − D(x)) saturating) under D
// as it is now — the direction in which G's step would move that point,
// and how hard. The gradient comes from the engine's backward pass
// through D, taken with respect to the points; D's weights enter as
// constants, so the pass leaves their gradients alone. Points whose push
// is not finite (only after a divergence) are left out. The series is
// empty while the question on the push of G's first point waits: the
// arrows would give its answer away.
func (m *machine) pushes(pts *tensor.Tensor) scene.Series {
	s := scene.Series{Name: PushName, Style: scene.Scatter}
	if m.asksPush() {
		return s
	}
	gx, gy := columns(pts.Data, Shown)
	n := min(Arrows, len(gx))
	if n == 0 {
		return s
	}
	x := tensor.New(n, 2)
	for i := range n {
		x.Data[2*i], x.Data[2*i+1] = gx[i], gy[i]
	}
	grad := m.lossGrad(x)
	for i := range n {
		dx, dy := -grad[2*i], -grad[2*i+1]
		if !finite(dx) || !finite(dy) {
			continue
		}
		s.X, s.Y = append(s.X, gx[i]), append(s.Y, gy[i])
		s.DX, s.DY = append(s.DX, dx), append(s.DY, dy)
	}
	return s
}

// lossGrad is ∂L/∂x for the points x ([n 2]) and L the sum over them of
// G's loss ℓ for one point, so that row i is ∂ℓ/∂x at point i. It runs
// the engine's forward and backward pass through a copy of D whose
// weights are constants (they share D's values).
func (m *machine) lossGrad(x *tensor.Tensor) []float64 {
	n := x.Shape[0]
	tp := autograd.NewTape()
	in := autograd.NewParam("x", x.Clone())
	logits := frozen(m.d).Forward(tp, in)
	var loss *autograd.Var
	if m.cfg.loss == Saturating {
		loss = tp.Neg(tp.BCEWithLogits(logits, autograd.Const("zeros", tensor.New(n, 1))))
	} else {
		loss = tp.BCEWithLogits(logits, autograd.Const("ones", tensor.Ones(n, 1)))
	}
	tp.Backward(tp.Scale(loss, float64(n))) // the mean over n points, times n
	return in.Grad.Data
}

// frozen is net with each dense layer's weights as constants sharing
// their values: a backward pass through it reaches its input only.
func frozen(net *nn.Sequential) *nn.Sequential {
	layers := make([]nn.Layer, len(net.Layers))
	for i, l := range net.Layers {
		if d, ok := l.(*nn.Dense); ok {
			l = &nn.Dense{Name: d.Name, W: d.W.Detach(), B: d.B.Detach()}
		}
		layers[i] = l
	}
	return nn.NewSequential(layers...)
}

// longest is the length of the longest arrow of s (0 without arrows).
func longest(s scene.Series) float64 {
	l := 0.0
	for i := range s.DX {
		l = max(l, math.Hypot(s.DX[i], s.DY[i]))
	}
	return l
}
