package explain

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

var narrative = template.Must(template.New("explain").Funcs(trainer.Funcs).Funcs(template.FuncMap{
	"pct": pct,
	"sci": func(v float64) string { return fmt.Sprintf("%.1e", v) },
	"sub": func(a, b float64) float64 { return a - b },
	"inc": func(i int) int { return i + 1 },
}).Parse(narrativeText))

// view is what the narrative templates read.
type view struct {
	MNIST                  bool
	Origin, Note, Act      string
	Smooth                 bool
	NTrain, NTest, Batch   int
	Step, Steps, F, F2     int
	LR, Loss, Acc          float64
	Node                   string // the node just revealed, inside a step
	Digit, Label, Class, M int
	Pick                   int  // the network's choice
	Picked                 bool // the class explained is the network's choice
	Rule, Method           string
	P, S, Base, Delta      float64
	// Saliency: the top pixel, its gradient and the finite difference.
	TopR, TopC        int
	TopG, TopFD       float64
	FDAgrees          bool
	InkShare          float64 // share of Σ|∂s/∂x| on pixels with ink > 0.5
	InkPixels         float64 // share of pixels with ink > 0.5
	GXISum, GXIGap    float64 // Σ g⊙x and its gap to Δs
	IG                ig
	GaussAt, RiemAt   float64 // the table's errors at m = 32
	Patch, BestR      int
	BestC             int
	Drop, Occluded    float64
	Region            string
	CamTop, CamW      int     // the channel with the largest Grad-CAM weight, and the count
	CamWeight, CamInk float64 // its weight; the share of the CAM on inked pixels
	CamEmpty          bool    // the CAM is 0 everywhere
	Channel           int
	ChanTop           []string // "#index (label) mean" of the most exciting digits
	ChanClass         int      // the class whose digits excite the channel most on average
	Sanity            *sanity
	RhoDense, RhoAll  []float64 // each method's ρ after the dense layer and after all
	MethodLabel       string
	MethodRhoDense    float64
	MethodRhoAll      float64
}

func (m *machine) view() view {
	v := view{
		MNIST: m.train.Source == "mnist", Origin: m.train.Origin, Note: m.train.Note,
		Act: m.net.act, Smooth: m.net.act == Smooth,
		NTrain: m.train.Len(), NTest: m.test.Len(), Batch: Batch, F: Filters, F2: 2 * Filters,
		Step: m.loop.Step, Steps: m.loop.StepsPerEpoch(), LR: LR, Acc: m.acc,
		Digit: m.set.digit, Label: m.test.Labels[m.set.digit], M: m.set.steps, Rule: m.set.rule,
		Method: m.set.method, Patch: m.set.patch, Channel: m.set.channel,
	}
	if n := len(m.loop.Losses); n > 0 {
		v.Loss = m.loop.Losses[n-1]
	}
	cur := &m.loop.Cur
	if cur.Tape != nil && cur.Tape.Len() > 0 && m.loop.InStep() {
		nodes := cur.Tape.Nodes()
		if cur.Phase == trainer.Forward {
			v.Node = nodes[cur.Fwd-1].Out.Name
		} else {
			v.Node = cur.Steps[len(cur.Steps)-1].Node.Out.Name
		}
		v.Loss = cur.Loss.Item()
	}
	r := m.rep
	if r == nil {
		return v
	}
	v.Class, v.P, v.S, v.Base = r.class, r.probs[r.pick], r.scores[r.class], r.base
	v.Pick, v.Picked = r.pick, r.pick == r.class
	v.Delta = v.S - v.Base
	v.TopR, v.TopC, v.TopG, v.TopFD = r.topPixel/Side, r.topPixel%Side, r.fd[0].Grad, r.fd[0].Diff
	v.FDAgrees = math.Abs(v.TopG-v.TopFD) <= 1e-4*math.Max(1, math.Abs(v.TopFD))
	tot, ink, inked := 0.0, 0.0, 0
	for i, g := range r.grad {
		tot += math.Abs(g)
		if r.img[i] > 0.5 {
			ink += math.Abs(g)
			inked++
		}
	}
	if tot > 0 {
		v.InkShare = ink / tot
	}
	v.InkPixels = float64(inked) / Pixels
	v.GXISum = sum(r.gxi)
	v.GXIGap = v.Delta - v.GXISum
	v.IG = r.ig
	for _, row := range r.table {
		if row.M == 32 {
			v.GaussAt, v.RiemAt = row.Gauss, row.Riemann
		}
	}
	o := r.occ
	v.BestR, v.BestC, v.Drop = o.BestR, o.BestC, o.Drops[o.Best]
	v.Occluded = o.Score - v.Drop
	v.Region = regionNames[region(o.BestR+o.PatchSide/2, o.BestC+o.PatchSide/2)]
	top := 0
	for k, w := range r.cam.Weights {
		if w > r.cam.Weights[top] {
			top = k
		}
	}
	v.CamTop, v.CamWeight = top, r.cam.Weights[top]
	v.CamW = len(r.cam.Weights)
	camTot, camInk := 0.0, 0.0
	for i, c := range r.cam.Map {
		camTot += c
		if r.img[i] > 0.5 {
			camInk += c
		}
	}
	if camTot > 0 {
		v.CamInk = camInk / camTot
	}
	v.CamEmpty = camTot == 0
	for _, i := range m.topChannel(5) {
		v.ChanTop = append(v.ChanTop, fmt.Sprintf("#%d (a %d, mean %s)", i, m.test.Labels[i], trainer.Num(m.chanMeans[i*2*Filters+m.set.channel])))
	}
	v.ChanClass = argmax(m.classMeans())
	if s := r.sanity; s != nil {
		v.Sanity = s
		v.RhoDense, v.RhoAll = s.Rho[0], s.Rho[len(s.Rho)-1]
		j := methodIndex(m.set.method)
		v.MethodLabel, v.MethodRhoDense, v.MethodRhoAll = methodLabels[j], s.Rho[0][j], s.Rho[len(s.Rho)-1][j]
	}
	return v
}

// topChannel returns the k test digits whose mean activation of the
// chosen channel is highest.
func (m *machine) topChannel(k int) []int {
	f2 := 2 * Filters
	v := make([]float64, m.test.Len())
	for i := range v {
		v[i] = m.chanMeans[i*f2+m.set.channel]
	}
	return topK(v, k)
}

// classMeans is the chosen channel's mean activation over the test
// digits of each class.
func (m *machine) classMeans() []float64 {
	f2 := 2 * Filters
	s, n := make([]float64, Classes), make([]float64, Classes)
	for i, l := range m.test.Labels {
		s[l] += m.chanMeans[i*f2+m.set.channel]
		n[l]++
	}
	for k := range s {
		if n[k] > 0 {
			s[k] /= n[k]
		}
	}
	return s
}

func argmax(v []float64) int {
	b := 0
	for i, x := range v {
		if x > v[b] {
			b = i
		}
	}
	return b
}

// phase is the scene's phase and its narrative block.
func (m *machine) phase() (phase, block string) {
	switch {
	case m.loop.Diverged:
		return "diverged", "diverged"
	case m.stage == stTrain:
		p, _ := m.loop.Phase()
		if p == "ready" {
			return p, "intro"
		}
		return p, "train"
	case m.stage == stCompare:
		return "finished", "finished"
	}
	return stageNames[m.stage], stageBlocks[m.stage]
}

var stageBlocks = []string{"train", "predict", "saliency", "gradinput", "ig", "occlusion", "gradcam", "channels", "sanity", "finished"}

// Scene implements lessons.Machine.
func (m *machine) Scene() scene.Scene {
	extra := stCompare - stTrain
	sc := scene.Scene{
		Lesson: "Why did the network say 7?",
		Pos: scene.Position{Step: m.loop.Step + max(m.stage-stPredict, 0), Epoch: m.loop.Epoch,
			Steps: m.loop.StepsPerEpoch() + extra - 1, Epochs: 1},
	}
	cur := &m.loop.Cur
	if m.loop.InStep() {
		sc.Pos.Op, sc.Pos.OpsPerStep = cur.OpIndex(), cur.OpsPerStep()
	}
	phase, block := m.phase()
	sc.Phase = phase
	v := m.view()
	switch phase {
	case "diverged":
		sc.Status = scene.Status{Level: scene.LevelError, Diverged: true,
			Message: fmt.Sprintf("training diverged at step %d", m.loop.DivStep)}
	case "finished":
		sc.Status = scene.Status{Level: scene.LevelSuccess, Finished: true,
			Message: fmt.Sprintf("explained test digit #%d", m.set.digit)}
	}
	sc.Narrative = trainer.Narrative(narrative, block, v)
	sc.Panels = m.panels(phase)
	return sc
}

// panels are the scene's panels for its phase. After training, the first
// panel of every stage is the lesson's main picture: the digit beside the
// stage's map (the chosen method's in the sanity check and the
// comparison), kept in its place by one ID from stage to stage.
func (m *machine) panels(phase string) []scene.Panel {
	if m.stage == stTrain || m.loop.Diverged {
		ps := []scene.Panel{m.lossPanel()}
		if m.loop.InStep() {
			ps = append(ps, scene.Panel{Kind: scene.KindGraph, Title: "computation graph", Graph: m.loop.Cur.Graph()})
		}
		if m.xb != nil {
			d := imagePanel(fmt.Sprintf("the step's first digit (a %d)", m.yb[0]), []tile{{m.xb.Data[:Pixels], "x[0]"}}, false)
			d.ID = "step-digit"
			ps = append(ps, d)
		}
		return ps
	}
	ps := m.explainPanels()
	ps[0].ID, ps[0].Priority = "digit-map", 1
	return ps
}

// explainPanels are the panels of an explaining stage, its digit and map
// first.
func (m *machine) explainPanels() []scene.Panel {
	r := m.rep
	digit := tile{r.img, fmt.Sprintf("#%d, a %d", m.set.digit, r.label)}
	c := r.class
	switch m.stage {
	case stPredict:
		return []scene.Panel{
			imagePanel(fmt.Sprintf("test digit #%d and the black baseline", m.set.digit), []tile{digit, {make([]float64, Pixels), "black"}}, false),
			barsPanel(fmt.Sprintf("p(class | #%d): the network says %d", m.set.digit, r.pick), r.probs, r.pick),
			barsPanel("scores s (logits) of the digit", r.scores, c),
		}
	case stSaliency:
		rows := [][]string{}
		for _, f := range r.fd {
			rows = append(rows, []string{fmt.Sprintf("(%d, %d)", f.Pixel/Side, f.Pixel%Side), trainer.Num(f.Grad), trainer.Num(f.Diff), sci(math.Abs(f.Grad - f.Diff))})
		}
		return []scene.Panel{
			imagePanel(fmt.Sprintf("saliency of s%d: |∂s/∂x|", c), []tile{digit, norm(abs(r.grad), "|∂s/∂x|")}, true),
			imagePanel("the gradient with its sign", []tile{norm(r.grad, "∂s/∂x")}, true),
			{Kind: scene.KindTable, Title: "the gradient against finite differences (ε = 1e−4)", Table: &scene.Table{
				Columns: []string{"pixel", "∂s/∂x", "(s(x+ε) − s(x−ε))/2ε", "gap"}, Rows: rows}},
		}
	case stGradInput:
		return []scene.Panel{
			imagePanel("gradient × input", []tile{digit, norm(r.gxi, "∂s/∂x ⊙ x")}, true),
			kv("a first-order guess at Δs", [][2]string{
				{"Σ ∂s/∂x ⊙ x", trainer.Num(sum(r.gxi))},
				{fmt.Sprintf("s%d(x) − s%d(black)", c, c), trainer.Num(r.scores[c] - r.base)},
			}),
		}
	case stIG:
		return []scene.Panel{
			imagePanel(fmt.Sprintf("integrated gradients (%s, m = %d)", r.set.rule, r.set.steps), []tile{digit, norm(r.ig.Attr, "IG")}, true),
			m.completenessPanel(),
			m.pathPanel(),
		}
	case stOcclusion:
		o := r.occ
		covered := append([]float64(nil), r.img...)
		for i := o.BestR; i < o.BestR+o.PatchSide; i++ {
			for j := o.BestC; j < o.BestC+o.PatchSide; j++ {
				covered[i*Side+j] = 0
			}
		}
		return []scene.Panel{
			imagePanel(fmt.Sprintf("occlusion with a %d×%d black square", o.PatchSide, o.PatchSide), []tile{digit, norm(o.Map, "mean drop of s")}, true),
			imagePanel("the digit under the worst square", []tile{{covered, "worst square"}}, false),
			kv("the worst square", [][2]string{
				{"top-left corner", fmt.Sprintf("row %d, column %d", o.BestR, o.BestC)},
				{fmt.Sprintf("s%d before → after", c), trainer.Num(o.Score) + " → " + trainer.Num(o.Score-o.Drops[o.Best])},
				{"positions tried", fmt.Sprint(o.Positions)},
			}),
		}
	case stGradCAM:
		labels := make([]string, len(r.cam.Weights))
		for k := range labels {
			labels[k] = fmt.Sprintf("ch %d", k)
		}
		return []scene.Panel{
			imagePanel("Grad-CAM from the last convolution, upsampled 14×14 → 28×28", []tile{digit, norm(r.cam.Map, "Grad-CAM")}, true),
			{Kind: scene.KindBars, Title: fmt.Sprintf("channel weights α_k = mean of ∂s%d/∂h2_k", c), Bars: &scene.Bars{Labels: labels, Values: r.cam.Weights, Highlight: -1}},
			{Kind: scene.KindImage, Title: "ReLU(Σ α_k h2_k) before upsampling", Image: &scene.Image{Rows: Side / 2, Cols: Side / 2, Tiles: [][]float64{r.cam.Coarse}, Max: maxAbs(r.cam.Coarse)}},
		}
	case stChannels:
		var tiles []tile
		for _, i := range m.topChannel(6) {
			tiles = append(tiles, tile{m.test.X.Data[i*Pixels : (i+1)*Pixels], fmt.Sprintf("#%d (%d)", i, m.test.Labels[i])})
		}
		return []scene.Panel{
			imagePanel(fmt.Sprintf("the test digits that excite channel %d of the last convolution most", m.set.channel), tiles, false),
			{Kind: scene.KindImage, Title: fmt.Sprintf("channel %d on digit #%d (14×14)", m.set.channel, m.set.digit), Image: &scene.Image{
				Rows: Side / 2, Cols: Side / 2, Tiles: [][]float64{r.chanMap}, Max: maxAbs(r.chanMap), Min: -maxAbs(r.chanMap), Signed: true}},
			barsPanel(fmt.Sprintf("channel %d's mean activation by class (test digits)", m.set.channel), m.classMeans(), -1),
		}
	case stSanity:
		return m.sanityPanels()
	}
	// The comparison, side by side, two maps a panel (a terminal 120
	// columns wide draws two 28×28 tiles in one).
	all := r.maps()
	t := func(j int) tile { return norm(all[j], methodLabels[j]) }
	return []scene.Panel{
		imagePanel(fmt.Sprintf("#%d and integrated gradients", m.set.digit), []tile{digit, t(2)}, true),
		imagePanel("saliency and gradient × input", []tile{t(0), t(1)}, true),
		imagePanel("occlusion and Grad-CAM", []tile{t(3), t(4)}, true),
		m.sanityPanels()[2],
	}
}

// sanityPanels are the chosen method's maps as the layers are randomised
// and the table of rank correlations of every method.
func (m *machine) sanityPanels() []scene.Panel {
	r := m.rep
	s := r.sanity
	j := methodIndex(m.set.method)
	tiles := []tile{norm(r.maps()[j], "trained")}
	for k, l := range s.Layers {
		tiles = append(tiles, norm(s.Maps[k][j], "random "+l+cumul(k)))
	}
	rows := [][]string{}
	for k, l := range s.Layers {
		row := []string{"random " + l + cumul(k)}
		for _, rho := range s.Rho[k] {
			row = append(row, fmt.Sprintf("%.2f", rho))
		}
		rows = append(rows, append(row, "1.00"))
	}
	cols := append([]string{"ρ with the trained map"}, methodLabels...)
	return []scene.Panel{
		imagePanel("sanity check: "+methodLabels[j]+", trained and with random dense weights", tiles[:2], true),
		imagePanel("… and with conv2, then conv1, random too", tiles[2:], true),
		{Kind: scene.KindTable, Title: "rank correlation of |map| with the trained network's (Spearman)", Table: &scene.Table{
			Columns: append(cols, "edges"), Rows: rows}},
	}
}

// cumul marks the stages that randomise more than one layer.
func cumul(k int) string {
	if k == 0 {
		return ""
	}
	return " too"
}

// completenessPanel is the completeness error by rule and m.
func (m *machine) completenessPanel() scene.Panel {
	r := m.rep
	rows := [][]string{}
	for _, row := range r.table {
		mark := ""
		if row.M == r.set.steps {
			mark = " ◀"
		}
		rows = append(rows, []string{fmt.Sprint(row.M) + mark, sci(row.Gauss), sci(row.Riemann)})
	}
	rows = append(rows, []string{"now", fmt.Sprintf("Σ IG = %s", trainer.Num(r.ig.Sum)), fmt.Sprintf("Δs = %s", trainer.Num(r.ig.FX-r.ig.FBase))})
	return scene.Panel{Kind: scene.KindTable, Title: "completeness: |Σ IG − (s(x) − s(black))| / |s(x) − s(black)|", Table: &scene.Table{
		Columns: []string{"m", "gauss", "riemann"}, Rows: rows}}
}

// pathPanel is the explained score along the straight path α·x.
func (m *machine) pathPanel() scene.Panel {
	r := m.rep
	return scene.Panel{Kind: scene.KindPlot, Title: fmt.Sprintf("s%d(α·x) from the black image (α = 0) to the digit (α = 1)", r.class), Plot: &scene.Plot{
		XLabel: "α", YLabel: "score",
		Series: []scene.Series{{Name: fmt.Sprintf("s%d", r.class), Style: scene.Line, X: pathAlpha, Y: r.path}},
	}}
}

// lossPanel is the batch loss of every training step.
func (m *machine) lossPanel() scene.Panel {
	steps := make([]float64, len(m.loop.Losses))
	for i := range steps {
		steps[i] = float64(i + 1)
	}
	return scene.Panel{Kind: scene.KindPlot, Title: "training loss", Plot: &scene.Plot{
		XLabel: "step", YLabel: "cross-entropy",
		Series: []scene.Series{{Name: "batch loss", Style: scene.Line, X: steps, Y: append([]float64(nil), m.loop.Losses...)}},
	}}
}

// tile is one picture with its caption.
type tile struct {
	px      []float64
	caption string
}

// norm divides a map by its largest magnitude and says so in the caption.
func norm(v []float64, caption string) tile {
	mx := maxAbs(v)
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = x / mx
	}
	return tile{out, fmt.Sprintf("%s ÷ %s", caption, trainer.Num(mx))}
}

// imagePanel draws 28×28 tiles on one scale: [0, 1], or [−1, 1] signed.
func imagePanel(title string, tiles []tile, signed bool) scene.Panel {
	im := &scene.Image{Rows: Side, Cols: Side, Max: 1, Signed: signed}
	if signed {
		im.Min = -1
	}
	for _, t := range tiles {
		im.Tiles = append(im.Tiles, t.px)
		im.Captions = append(im.Captions, t.caption)
	}
	return scene.Panel{Kind: scene.KindImage, Title: title, Image: im}
}

var digitLabels = []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}

func barsPanel(title string, values []float64, hi int) scene.Panel {
	return scene.Panel{Kind: scene.KindBars, Title: title, Bars: &scene.Bars{Labels: digitLabels, Values: values, Highlight: hi}}
}

func kv(title string, rows [][2]string) scene.Panel {
	t := &scene.Table{Columns: []string{"name", "value"}}
	for _, r := range rows {
		t.Rows = append(t.Rows, []string{r[0], r[1]})
	}
	return scene.Panel{Kind: scene.KindTable, Title: title, Table: t}
}

// maxAbs is the largest |v|, or 1 when every v is 0.
func maxAbs(vs []float64) float64 {
	m := 0.0
	for _, v := range vs {
		m = math.Max(m, math.Abs(v))
	}
	if m == 0 {
		return 1
	}
	return m
}

// pct writes a share as a percentage with one decimal, "> 99.9%" when
// rounding would claim certainty.
func pct(v float64) string {
	if v > 0.999 && v < 1 {
		return "> 99.9%"
	}
	return fmt.Sprintf("%.1f%%", 100*v)
}

func sci(v float64) string { return fmt.Sprintf("%.1e", v) }
