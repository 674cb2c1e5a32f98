package privacy

import (
	_ "embed"
	"fmt"
	"math"
	"slices"
	"text/template"

	"github.com/dlearn/dlearn/engine/privacy"
	"github.com/dlearn/dlearn/lessons/scene"
	"github.com/dlearn/dlearn/lessons/trainer"
)

//go:embed narrative.md
var narrativeText string

var narrative = template.Must(template.New("privacy").Funcs(trainer.Funcs).Funcs(template.FuncMap{
	"pct": pct,
	"eps": func(e float64) string {
		if math.IsInf(e, 1) {
			return "∞"
		}
		return trainer.Num(e)
	},
}).Parse(narrativeText))

// view is what the narrative reads.
type view struct {
	N, NonN, Half, Pixels, Hidden, Params, Epochs, Batch, Steps, Step, Epoch, Released int
	Q, LR, PlainLR, Sigma, C, Delta, Budget, Target, Eps, EpsEnd                       float64
	Order                                                                              int
	Source                                                                             string

	// The plain network and its attack; the private network now and the
	// one released.
	BaseTrain, BaseHeld, BaseTrainLoss, BaseHeldLoss   float64
	Base, Priv                                         attack
	PrivTrain, PrivHeld, RelHeld, RelAdv, RelEps, Cost float64

	// The DP-SGD step shown.
	DP                                 *dpStep
	Clipped                            int
	NormMin, NormMed, NormMax, ClipMax float64
	Ratio, Loss                        float64
	SumNorm, NoiseNorm, MeanNorm       float64
	PlainNorm, StepLR                  float64
	Label                              string
	Met                                bool
	// BoundPct is the accuracy no attack on balanced targets can beat
	// at the ε spent, (e^ε + δ)/(1 + e^ε).
	BoundPct string
}

func (m *machine) view() view {
	v := view{N: N, NonN: N, Half: Half, Pixels: Pixels, Hidden: Hidden, Params: m.priv.size(),
		Epochs: m.cfg.epochs, Batch: m.cfg.batch, Steps: m.cfg.epochs * m.loop.StepsPerEpoch(),
		Step: m.loop.Step, Epoch: m.loop.Epoch, Q: m.q(), LR: m.set.lr, PlainLR: PlainLR, Sigma: m.set.sigma, C: m.set.clip,
		Delta: Delta, Budget: Budget, Target: Target, Source: m.d.source}
	v.Eps, v.Order = m.acct.Epsilon(Delta)
	v.EpsEnd, _ = privacy.Epsilon(m.q(), m.set.sigma, v.Steps, Delta)
	b := &m.baseHist
	v.BaseTrain, v.BaseHeld, v.BaseTrainLoss, v.BaseHeldLoss = last(b.trainAcc), last(b.heldAcc), last(b.trainLoss), last(b.heldLoss)
	v.Base, v.Priv = b.atk, m.hist.atk
	v.PrivTrain, v.PrivHeld = last(m.hist.trainAcc), last(m.hist.heldAcc)
	r := m.released()
	v.Released, v.RelHeld, v.RelAdv, v.RelEps = r, m.hist.heldAcc[r], m.hist.adv[r], m.hist.eps[r]
	v.Cost = 100 * (v.BaseHeld - v.RelHeld)
	v.Met = goal.Met(v.Cost)
	v.BoundPct = "100%"
	if !math.IsInf(v.Eps, 1) {
		v.BoundPct = fmt.Sprintf("%.2f%%", 100*(math.Exp(v.Eps)+Delta)/(1+math.Exp(v.Eps)))
	}
	if d := m.dp; d != nil {
		v.DP, v.Clipped = d, d.clipped
		v.NormMin, v.NormMed, v.NormMax = minOf(d.norms), median(d.norms), maxNorm(d.norms)
		v.ClipMax = math.Min(v.NormMax, d.C)
		v.SumNorm, v.NoiseNorm, v.MeanNorm, v.PlainNorm, v.StepLR = d.sumNorm, d.noiseNorm, d.meanNorm, d.plainNorm, d.lr
		if d.sumNorm > 0 {
			v.Ratio = d.noiseNorm / d.sumNorm
		}
	}
	if m.loop.Cur.Loss != nil {
		v.Loss = m.loop.Cur.Loss.Item()
	}
	return v
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	return s[len(s)/2]
}

// Scene implements lessons.Machine.
func (m *machine) Scene() scene.Scene {
	v := m.view()
	sc := scene.Scene{Lesson: "What a model remembers about its training data",
		Pos: scene.Position{Step: m.loop.Step, Epoch: m.loop.Epoch, Steps: v.Steps, Epochs: m.cfg.epochs}}
	cur := &m.loop.Cur
	var block string
	switch {
	case m.loop.Diverged:
		sc.Phase, block = "diverged", "diverged"
		sc.Status = scene.Status{Level: scene.LevelError, Diverged: true,
			Message: fmt.Sprintf("diverged at step %d — lower the learning rate", m.loop.DivStep)}
	case m.stage == stIntro:
		sc.Phase, block = "ready", "intro"
	case m.stage == stAttack:
		sc.Phase, block = "attack", "attack"
	case m.stage == stFinal:
		sc.Phase, block = "finished", "finished"
		sc.Status = scene.Status{Level: scene.LevelInfo, Finished: true,
			Message: fmt.Sprintf("finished: ε = %s; held-out accuracy %s private, %s plain", fmtNum(v.Eps), pct(v.PrivHeld), pct(v.BaseHeld))}
	case m.inDPOps() && m.sub > subNone:
		sc.Phase, block = "dp-sgd", [...]string{"", "dp-perex", "dp-clip", "dp-sum", "dp-noise", "dp-mean"}[m.sub]
	case cur.Tape == nil:
		sc.Phase, block = "ready", "dp-intro"
	default:
		sc.Phase, block = m.loop.Phase()
		if cur.Phase == trainer.Forward {
			v.Label = cur.Tape.Nodes()[cur.Fwd-1].Out.Name
		}
	}
	if cur.Tape != nil && cur.Tape.Len() > 0 {
		sc.Pos.OpsPerStep = cur.OpsPerStep() + dpOps
		sc.Pos.Op = cur.OpIndex()
		if m.sub > subNone {
			sc.Pos.Op += m.sub
		}
		if cur.Phase == trainer.Updated {
			sc.Pos.Op = sc.Pos.OpsPerStep
		}
	}
	sc.Narrative = trainer.Narrative(narrative, block, v)
	switch {
	case m.stage == stIntro:
		sc.Panels = []scene.Panel{m.digitsPanel(), m.setupPanel(v)}
	case m.stage == stAttack:
		sc.Panels = []scene.Panel{m.lossPanel(&m.baseHist, "plain network", true), m.attackTable(v), m.baseCurve()}
	case m.stage == stFinal || m.loop.Diverged:
		sc.Panels = []scene.Panel{m.epsCurve(true), m.compareTable(v), m.lossPanel(&m.hist, "private network", false)}
	case m.loop.InStep() && m.sub > subNone:
		// The private network's losses stay the main picture through
		// the step, as the plain network's were for the attack.
		sc.Panels = []scene.Panel{m.lossPanel(&m.hist, "private network", true), m.normsPanel(), m.stepTable(v)}
		if m.sub >= subSum {
			sc.Panels = append(sc.Panels, m.coordPanel())
		}
		sc.Panels = append(sc.Panels, m.graphPanel(), m.epsCurve(false))
	case m.loop.InStep():
		sc.Panels = []scene.Panel{m.lossPanel(&m.hist, "private network", true), m.graphPanel(), m.stepTable(v), m.epsCurve(false)}
	default:
		sc.Panels = []scene.Panel{m.lossPanel(&m.hist, "private network", true), m.epsCurve(false), m.stepTable(v)}
	}
	return sc
}

// graphPanel is the step's computation graph, walked by the cursor.
func (m *machine) graphPanel() scene.Panel {
	return scene.Panel{Kind: scene.KindGraph, Title: "computation graph of this step", ID: "graph", Graph: m.loop.Cur.Graph()}
}

func fmtNum(e float64) string {
	if math.IsInf(e, 1) {
		return "∞"
	}
	return trainer.Num(e)
}

// digitsPanel shows the first members and non-members as the network
// sees them, 14×14.
func (m *machine) digitsPanel() scene.Panel {
	const k = 6
	im := &scene.Image{Rows: Side, Cols: Side, Min: 0, Max: 1}
	for i := range k {
		im.Tiles = append(im.Tiles, m.d.member.Data[i*Pixels:(i+1)*Pixels])
		im.Captions = append(im.Captions, fmt.Sprintf("in %d", m.d.memberY[i]))
	}
	for i := range k {
		im.Tiles = append(im.Tiles, m.d.non.Data[i*Pixels:(i+1)*Pixels])
		im.Captions = append(im.Captions, fmt.Sprintf("out %d", m.d.nonY[i]))
	}
	return scene.Panel{Kind: scene.KindImage, Title: "members (trained on) and non-members (held out)", ID: "main", Priority: 1, Image: im}
}

func (m *machine) setupPanel(v view) scene.Panel {
	return scene.Panel{Kind: scene.KindTable, Title: "the run", Table: &scene.Table{Columns: []string{"", "value"}, Rows: [][]string{
		{"members / non-members", fmt.Sprintf("%d / %d", N, N)},
		{"network", fmt.Sprintf("%d → %d (ReLU) → %d, %d parameters", Pixels, Hidden, Classes, v.Params)},
		{"training", fmt.Sprintf("%d epochs, batch %d", v.Epochs, v.Batch)},
		{"plain SGD", fmt.Sprintf("lr %s", trainer.Num(PlainLR))},
		{"DP-SGD", fmt.Sprintf("lr %s, σ = %s, C = %s, q = %s", trainer.Num(v.LR), trainer.Num(v.Sigma), trainer.Num(v.C), trainer.Num(v.Q))},
		{"ε at the end", fmtNum(v.EpsEnd) + " (δ = 1e-5)"},
	}}}
}

// lossPanel is the histogram of log₁₀ losses of members and non-members,
// with the attack's threshold: the lesson's main picture of a leak.
func (m *machine) lossPanel(h *history, who string, main bool) scene.Panel {
	const bins = 24
	lo, hi := -6.0, 1.5
	hist := func(ls []float64) ([]float64, []float64) {
		xs, ys := make([]float64, bins), make([]float64, bins)
		for i := range bins {
			xs[i] = lo + (float64(i)+0.5)*(hi-lo)/bins
		}
		for _, l := range ls {
			x := math.Log10(math.Max(l, 1e-300))
			i := int((x - lo) / (hi - lo) * bins)
			i = min(max(i, 0), bins-1)
			ys[i] += 100 / float64(len(ls))
		}
		return xs, ys
	}
	mx, my := hist(h.memberLoss)
	nx, ny := hist(h.nonLoss)
	top := max(slices.Max(my), slices.Max(ny))
	t := math.Log10(math.Max(h.atk.Tau, 1e-300))
	t = min(max(t, lo), hi)
	id, prio := "losses", 0
	if main {
		id, prio = "main", 1
	}
	return scene.Panel{Kind: scene.KindPlot, ID: id, Priority: prio,
		Title: fmt.Sprintf("%s: loss of each digit · attack accuracy %s", who, pct(h.atk.Acc)),
		Plot: &scene.Plot{XLabel: "log₁₀ loss", YLabel: "% of digits", XRange: &scene.Range{Min: lo, Max: hi},
			Series: []scene.Series{
				{Name: "members", Style: scene.Line, X: mx, Y: my},
				{Name: "non-members", Style: scene.Line, X: nx, Y: ny},
				{Name: "threshold τ", Style: scene.Line, X: []float64{t, t}, Y: []float64{0, top}},
			}}}
}

func (m *machine) attackTable(v view) scene.Panel {
	a := v.Base
	return scene.Panel{Kind: scene.KindTable, Title: "the attack on the plain network", Table: &scene.Table{
		Columns: []string{"", "value"},
		Rows: [][]string{
			{"train acc", pct(v.BaseTrain)},
			{"held-out acc", pct(v.BaseHeld)},
			{"τ", trainer.Num(a.Tau)},
			{"TPR", pct(a.TPR)},
			{"FPR", pct(a.FPR)},
			{"attack acc", pct(a.Acc)},
			{"advantage", trainer.Num(a.Adv)},
			{"AUC", trainer.Num(a.AUC)},
			{"Yeom's τ", trainer.Num(a.MeanTau)},
			{"its advantage", trainer.Num(a.MeanAdv)},
		}}}
}

// baseCurve is the plain network's accuracies and the attack's advantage
// per epoch.
func (m *machine) baseCurve() scene.Panel {
	h := &m.baseHist
	ep := make([]float64, len(h.heldAcc))
	for i := range ep {
		ep[i] = float64(i)
	}
	return scene.Panel{Kind: scene.KindPlot, Title: "plain training, per epoch", Plot: &scene.Plot{
		XLabel: "epoch", YLabel: "accuracy %", Y2Label: "attack advantage",
		Series: []scene.Series{
			{Name: "train", Style: scene.Line, X: ep, Y: scaled(h.trainAcc, 100)},
			{Name: "held-out", Style: scene.Line, X: ep, Y: scaled(h.heldAcc, 100)},
			{Name: "advantage", Style: scene.Line, X: ep, Y: slices.Clone(h.adv), Axis: 1},
		}}}
}

func scaled(xs []float64, c float64) []float64 {
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = c * x
	}
	return out
}

// epsCurve is held-out accuracy and the attack's accuracy against the ε
// spent, one point per epoch, with the plain network's as lines.
func (m *machine) epsCurve(main bool) scene.Panel {
	h := &m.hist
	var xs, acc, att []float64
	for e, eps := range h.eps {
		if math.IsInf(eps, 1) {
			break
		}
		xs, acc, att = append(xs, eps), append(acc, 100*h.heldAcc[e]), append(att, 100*h.attAcc[e])
	}
	now, _ := m.acct.Epsilon(Delta)
	hi := math.Max(Budget, last(xs))
	base, battack := 100*last(m.baseHist.heldAcc), 100*m.baseHist.atk.Acc
	id, prio := "eps", 0
	if main {
		id, prio = "main", 1
	}
	return scene.Panel{Kind: scene.KindPlot, ID: id, Priority: prio,
		Title: fmt.Sprintf("accuracy against privacy spent · ε = %s", fmtNum(now)),
		Plot: &scene.Plot{XLabel: "ε (δ = 1e-5)", YLabel: "held-out accuracy %", Y2Label: "attack accuracy %",
			XRange: &scene.Range{Min: 0, Max: hi},
			Series: []scene.Series{
				{Name: "private", Style: scene.Line, X: xs, Y: acc},
				{Name: "plain (ε = ∞)", Style: scene.Line, X: []float64{0, hi}, Y: []float64{base, base}},
				{Name: "attack on private", Style: scene.Line, X: xs, Y: att, Axis: 1},
				{Name: "attack on plain", Style: scene.Line, X: []float64{0, hi}, Y: []float64{battack, battack}, Axis: 1},
				{Name: "chance", Style: scene.Line, X: []float64{0, hi}, Y: []float64{50, 50}, Axis: 1},
			}}}
}

// normsPanel is the batch's per-example gradient norms, before clipping
// and, from the clip on, after.
func (m *machine) normsPanel() scene.Panel {
	d := m.dp
	b := &scene.Bars{Highlight: -1}
	clipped := m.sub >= subClip
	for i, n := range d.norms {
		b.Labels = append(b.Labels, fmt.Sprint(i+1))
		if clipped {
			n *= d.scales[i]
		}
		b.Values = append(b.Values, n)
	}
	title := fmt.Sprintf("‖gᵢ‖ per digit, before clipping (C = %s)", trainer.Num(d.C))
	if clipped {
		title = fmt.Sprintf("‖ḡᵢ‖ per digit, after clipping to C = %s · %d of %d shortened", trainer.Num(d.C), d.clipped, d.b)
	}
	return scene.Panel{Kind: scene.KindBars, ID: "norms", Title: title, Bars: b}
}

// coordPanel follows six weights of W₁ through the step, those from the
// centre pixel (7, 7) to the first hidden units: the sum of the clipped
// gradients, the noise, the noisy mean, as far as they are revealed. (A
// corner pixel is blank in every digit: its weights see noise alone.)
func (m *machine) coordPanel() scene.Panel {
	const k, pixel = 6, 7*Side + 7
	d := m.dp
	mat := &scene.Matrix{Cols: k}
	add := func(label string, xs []float64) {
		mat.Rows++
		mat.RowLabels = append(mat.RowLabels, label)
		mat.Values = append(mat.Values, xs[pixel*Hidden:pixel*Hidden+k]...)
	}
	add("Σ ḡᵢ", d.sum)
	if m.sub >= subNoise {
		add("σ·C·z", d.noise)
	}
	if m.sub >= subMean {
		add("g̃", d.mean)
	}
	for j := range k {
		mat.ColLabels = append(mat.ColLabels, fmt.Sprintf("unit %d", j+1))
	}
	return scene.Panel{Kind: scene.KindMatrix, ID: "coords", Title: "weights from pixel (7, 7) through the step", Matrix: mat}
}

// stepTable is the DP-SGD step in numbers, as far as it is revealed.
func (m *machine) stepTable(v view) scene.Panel {
	d := m.dp
	t := &scene.Table{Columns: []string{"", "value"}}
	add := func(k, val string) { t.Rows = append(t.Rows, []string{k, val}) }
	add("ε spent", fmtNum(v.Eps))
	add("steps", fmt.Sprint(m.acct.Count()))
	if d == nil {
		return scene.Panel{Kind: scene.KindTable, Title: "DP-SGD", Table: t}
	}
	shown := m.sub
	if !m.inDPOps() {
		shown = subMean + 1 // a finished step shows everything
	}
	add("‖gᵢ‖ min", trainer.Num(v.NormMin))
	add("‖gᵢ‖ max", trainer.Num(v.NormMax))
	if shown >= subClip {
		add("clipped", fmt.Sprintf("%d of %d", d.clipped, d.b))
	}
	if shown >= subSum {
		add("‖Σ ḡᵢ‖", trainer.Num(d.sumNorm))
	}
	if shown >= subNoise {
		add("‖noise‖", trainer.Num(d.noiseNorm))
	}
	if shown >= subMean {
		add("‖g̃‖", trainer.Num(d.meanNorm))
		add("‖plain ∇‖", trainer.Num(d.plainNorm))
	}
	if shown > subMean {
		add("‖lr·g̃‖", trainer.Num(d.lr*d.meanNorm))
	}
	return scene.Panel{Kind: scene.KindTable, Title: "this DP-SGD step", Table: t}
}

func (m *machine) compareTable(v view) scene.Panel {
	rows := [][]string{
		{"ε", "∞", fmtNum(v.Eps)},
		{"train acc", pct(v.BaseTrain), pct(v.PrivTrain)},
		{"held-out", pct(v.BaseHeld), pct(v.PrivHeld)},
		{"attack acc", pct(v.Base.Acc), pct(v.Priv.Acc)},
		{"advantage", trainer.Num(v.Base.Adv), trainer.Num(v.Priv.Adv)},
		{"AUC", trainer.Num(v.Base.AUC), trainer.Num(v.Priv.AUC)},
	}
	return scene.Panel{Kind: scene.KindTable, Title: "plain against private", Table: &scene.Table{
		Columns: []string{"", "plain", "private"}, Rows: rows}}
}
