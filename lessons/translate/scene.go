package translate

import (
	_ "embed"
	"fmt"
	"math"
	"text/template"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/lessons/scene"
	"github.com/dlearn/dlearn/lessons/trainer"
)

//go:embed narrative.md
var narrativeText string

var narrative = template.Must(template.New("translate").Funcs(trainer.Funcs).Funcs(template.FuncMap{
	"pct": pct,
}).Parse(narrativeText))

// others is how many held-out dates besides the displayed one the
// examples panel shows.
const others = 6

// Scene implements lessons.Machine.
func (m *machine) Scene() scene.Scene {
	// The displayed example and the next ones, translated with the
	// current weights (nothing to translate once they are not finite).
	var trs []translation
	ok := finiteParams(m.params)
	if ok {
		in := [][]int{m.held[m.show].in}
		for i := 1; i <= others; i++ {
			in = append(in, m.held[(m.show+i)%len(m.held)].in)
		}
		trs = m.model.translate(in, outLen)
	}
	var tr translation
	if ok {
		tr = trs[0]
	}
	v := m.view(tr)
	sc := scene.Scene{
		Lesson: "Translating dates: seq2seq with attention",
		Pos: scene.Position{Step: m.step, Epoch: m.epoch, Steps: v.Steps, Epochs: m.cfg.epochs,
			OpsPerStep: opsPerStep, Op: m.opIndex()},
	}
	sc.Phase, sc.Status = m.phase(v)
	block := sc.Phase // the narrative has a block per phase
	if block == "ready" {
		block = "intro"
	}
	sc.Narrative = trainer.Narrative(narrative, block, v)
	var pair []scene.Panel // the displayed example: its translation and alignment
	if ok {
		pair = append(pair, m.translationPanel(tr, v))
		if m.cfg.attention {
			pair = append(pair, m.attentionPanel(tr, v))
		}
	}
	// Within a step, four panels, so that the alignment map keeps its
	// height: the op's own panel, the loss and the displayed example.
	switch m.stage {
	case forward:
		sc.Panels = append([]scene.Panel{m.teacherPanel(), m.lossPanel(v)}, pair...)
	case backward:
		sc.Panels = append([]scene.Panel{m.gradPanel(), m.lossPanel(v)}, pair...)
	case updated:
		sc.Panels = append([]scene.Panel{m.updatePanel(), m.lossPanel(v)}, pair...)
	default:
		sc.Panels = append(pair, m.lossPanel(v), m.accuracyPanel(v))
		if ok {
			sc.Panels = append(sc.Panels, m.examplesPanel(trs[1:]))
		}
		if v.Beamed {
			sc.Panels = append(sc.Panels, m.beamPanel(m.compareBeam()))
		}
	}
	return sc
}

// opIndex is the 1-based index of the op just taken within the step.
func (m *machine) opIndex() int {
	switch m.stage {
	case forward:
		return 1
	case backward:
		return 2
	case updated:
		return 3
	case decoding:
		return 3 + m.revealed
	}
	return 0
}

// phase names the moment and the status line.
func (m *machine) phase(v view) (string, scene.Status) {
	switch {
	case m.diverged:
		return "diverged", scene.Status{Level: scene.LevelError, Diverged: true,
			Message: fmt.Sprintf("diverged at step %d — lower the learning rate", m.divStep)}
	case m.Done() && !m.mined.stopped:
		// The runtime replaces this with its verdict on the goal; a run
		// the learner's code stopped (mine mode) stands at its op.
		return "finished", scene.Status{Level: scene.LevelInfo, Finished: true,
			Message: fmt.Sprintf("finished: %s of held-out dates translated exactly", pct(v.HeldExact))}
	case m.stage == ready:
		return "ready", scene.Status{}
	case m.stage == forward:
		return "forward", scene.Status{}
	case m.stage == backward:
		return "backward", scene.Status{}
	case m.stage == updated:
		return "update", scene.Status{}
	case m.revealed < outLen:
		return "decode", scene.Status{}
	}
	return "translated", scene.Status{}
}

// pct formats a fraction as a whole percentage.
func pct(v float64) string { return fmt.Sprintf("%.0f%%", 100*v) }

// translationPanel is the displayed example, one row per output
// character: the target, what has been decoded so far, the model's
// probability of it and the input character it attended to most.
func (m *machine) translationPanel(tr translation, v view) scene.Panel {
	cols := []string{"target", "output", "p"}
	if m.cfg.attention {
		cols = append(cols, "attends to")
	}
	t := &scene.Table{Columns: cols}
	for k := range outLen {
		row := []string{v.Target[k : k+1], "·", ""}
		if k < v.Revealed {
			mark := " ✓"
			if tr.ids[k] != m.held[m.show].out[k] {
				mark = " ✗"
			}
			row[1] = m.outV.Token(tr.ids[k]) + mark
			row[2] = fmt.Sprintf("%.2f", tr.probs[k])
			if m.cfg.attention {
				w := top(v.In, tr.attn[k], 1)[0]
				row = append(row, fmt.Sprintf("'%s' %d (%.2f)", w.Char, w.Pos, w.W))
			}
		}
		t.Rows = append(t.Rows, row)
	}
	return scene.Panel{Kind: scene.KindTable, Title: fmt.Sprintf("#%d %s", v.Show, v.In), ID: "translation", Table: t}
}

// attentionPanel is the alignment map: the attention weights of every
// decoded output character (rows) over the input characters (columns).
func (m *machine) attentionPanel(tr translation, v view) scene.Panel {
	n := len(v.In)
	im := &scene.Image{Rows: outLen, Cols: n, Tiles: [][]float64{make([]float64, outLen*n)}, Min: 0, Max: 1}
	for j := range n {
		im.ColLabels = append(im.ColLabels, label(v.In[j:j+1]))
	}
	for k := range outLen {
		l := "·"
		if k < v.Revealed {
			l = m.outV.Token(tr.ids[k])
			copy(im.Tiles[0][k*n:], tr.attn[k])
		}
		im.RowLabels = append(im.RowLabels, l)
	}
	return scene.Panel{Kind: scene.KindImage, Title: "attention weights", ID: "alignment", Priority: 1, Image: im}
}

// lossPanel is the batch loss of every step and the held-out loss of
// every evaluation, on a log scale.
func (m *machine) lossPanel(v view) scene.Panel {
	steps := make([]float64, len(m.losses))
	for i := range steps {
		steps[i] = float64(i + 1)
	}
	var es, el []float64
	for _, e := range m.evals {
		es, el = append(es, float64(e.step)), append(el, e.loss)
	}
	return scene.Panel{Kind: scene.KindPlot, Title: "cross-entropy", Plot: &scene.Plot{
		XLabel: "step", YLabel: "cross-entropy", LogY: true, XRange: &scene.Range{Min: 0, Max: float64(max(m.step, 1))},
		Series: []scene.Series{
			{Name: "batch", Style: scene.Line, X: steps, Y: finiteOnly(m.losses)},
			{Name: "held-out", Style: scene.Line, X: es, Y: el},
		},
	}}
}

// finiteOnly replaces non-finite values (a diverged step) by the largest
// finite float, so scenes never hold a NaN.
func finiteOnly(xs []float64) []float64 {
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = x
		if !trainer.Finite(x) {
			out[i] = math.MaxFloat64
		}
	}
	return out
}

// accuracyPanel is the held-out accuracy at every evaluation: whole dates
// translated exactly, and the year, month and day digits on their own.
func (m *machine) accuracyPanel(v view) scene.Panel {
	series := []scene.Series{{Name: "exact"}, {Name: "year"}, {Name: "month"}, {Name: "day"}}
	for _, e := range m.evals {
		ys := []float64{e.exact, mean(e.perPos[0:4]), mean(e.perPos[5:7]), mean(e.perPos[8:10])}
		for i := range series {
			series[i].X = append(series[i].X, float64(e.step))
			series[i].Y = append(series[i].Y, ys[i])
		}
	}
	for i := range series {
		series[i].Style = scene.Line
	}
	return scene.Panel{Kind: scene.KindPlot, Title: fmt.Sprintf("held-out accuracy (%d dates)", len(m.held)), Plot: &scene.Plot{
		XLabel: "step", YLabel: "fraction right", Series: series,
		XRange: &scene.Range{Min: 0, Max: float64(max(m.step, 1))}, YRange: &scene.Range{Min: 0, Max: 1},
	}}
}

// examplesPanel is a few more held-out dates with their translations.
func (m *machine) examplesPanel(trs []translation) scene.Panel {
	t := &scene.Table{Columns: []string{"#", "input", "output", ""}}
	for i, tr := range trs {
		k := (m.show + 1 + i) % len(m.held)
		out, mark := m.text(tr.ids), "✓"
		if out != m.held[k].Out {
			mark = "✗"
		}
		t.Rows = append(t.Rows, []string{fmt.Sprint(k + 1), m.held[k].In, out, mark})
	}
	return scene.Panel{Kind: scene.KindTable, Title: "more held-out dates", Table: t}
}

// teacherPanel is the forward pass on the batch's first pair: at every
// position the decoder reads the previous target character and is scored
// on the next one.
func (m *machine) teacherPanel() scene.Panel {
	p0 := m.train[m.cur.rows[0]]
	t := &scene.Table{Columns: []string{"#", "reads", "target", "p(target)", "−log p"}}
	for k, lg := range m.cur.logits {
		lp := logProbs(lg.Value.Data[:lg.Value.Shape[1]])[p0.out[k]]
		r := "<s>"
		if k > 0 {
			r = p0.Out[k-1 : k]
		}
		t.Rows = append(t.Rows, []string{fmt.Sprint(k + 1), r, p0.Out[k : k+1], fmt.Sprintf("%.3f", math.Exp(lp)), trainer.Num(-lp)})
	}
	return scene.Panel{Kind: scene.KindTable, Title: p0.In + " → " + p0.Out, Table: t}
}

// gradPanel is |∂L/∂h_j|, the size of the gradient reaching each encoder
// state of the batch's first pair.
func (m *machine) gradPanel() scene.Panel {
	p0 := m.train[m.cur.rows[0]]
	g := m.encoderGrads()
	im := &scene.Image{Rows: 1, Cols: len(g), Tiles: [][]float64{g}, Min: 0, Max: max(maxOf(g), 1e-12), RowLabels: []string{"|∂L/∂h|"}}
	for j := range g {
		im.ColLabels = append(im.ColLabels, label(p0.In[j:j+1]))
	}
	return scene.Panel{Kind: scene.KindImage, Title: "|∂L/∂h_j| over " + p0.In, Image: im}
}

func maxOf(xs []float64) float64 {
	mx := 0.0
	for _, x := range xs {
		mx = max(mx, x)
	}
	return mx
}

// part is a named group of parameters.
type part struct {
	name string
	ps   []*autograd.Var
}

// updatePanel is Adam's update by part of the model: the gradient's
// size, the update's and the weights'.
func (m *machine) updatePanel() scene.Panel {
	md := m.model
	parts := []part{
		{"embed in", md.inEmb.Params()}, {"encoder", md.enc.Params()},
		{"embed out", md.outEmb.Params()}, {"decoder", md.dec.Params()},
	}
	if md.attention {
		parts = append(parts, part{"attention", append([]*autograd.Var{md.wa}, md.comb.Params()...)})
	}
	parts = append(parts, part{"output", md.out.Params()})
	t := &scene.Table{Columns: []string{"", "|∇|", "|Δ|", "|W|"}}
	for _, p := range parts {
		var g, d, w float64
		for _, x := range p.ps {
			if x.Grad != nil {
				g += sumSquares(x.Grad.Data)
			}
			if u := m.opt.LastUpdate(x); u != nil {
				d += sumSquares(u.Data)
			}
			w += sumSquares(x.Value.Data)
		}
		t.Rows = append(t.Rows, []string{p.name, trainer.Num(math.Sqrt(g)), trainer.Num(math.Sqrt(d)), trainer.Num(math.Sqrt(w))})
	}
	return scene.Panel{Kind: scene.KindTable, Title: fmt.Sprintf("Adam's update, learning rate %s", trainer.Num(m.opt.LR)), Table: t}
}
