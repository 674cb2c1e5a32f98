package embeddings

import (
	_ "embed"
	"fmt"
	"math"
	"slices"
	"strings"
	"text/template"

	"github.com/dlearn/dlearn/lessons/scene"
	"github.com/dlearn/dlearn/lessons/trainer"
)

//go:embed narrative.md
var narrativeText string

var narrative = template.Must(template.New("embeddings").Funcs(trainer.Funcs).Funcs(template.FuncMap{
	"pct": func(v float64) string { return fmt.Sprintf("%.1f%%", 100*v) },
}).Parse(narrativeText))

// barsShown is how many words the distribution panel lists.
const barsShown = 8

// lossPoints is about how many points the pair-loss curve has: longer
// runs average the losses of consecutive steps.
const lossPoints = 80

// Scene implements lessons.Machine.
func (m *machine) Scene() scene.Scene {
	v := m.view()
	cur := &m.loop.Cur
	sc := scene.Scene{
		Lesson: "Word embeddings",
		Pos:    scene.Position{Step: m.loop.Step, Epoch: m.loop.Epoch, Steps: v.Steps, Epochs: m.loop.Epochs},
	}
	if cur.Tape != nil {
		sc.Pos.Op, sc.Pos.OpsPerStep = cur.OpIndex(), cur.OpsPerStep()
	}
	phase, block := m.loop.Phase()
	if v.Exploded && phase != "diverged" {
		block = "exploding"
	}
	sc.Phase, sc.Narrative = phase, trainer.Narrative(narrative, block, v)
	switch {
	case phase == "diverged":
		sc.Status = scene.Status{Level: scene.LevelError, Diverged: true,
			Message: fmt.Sprintf("diverged at step %d — lower the learning rate", m.loop.DivStep)}
	case v.Exploded:
		sc.Status = scene.Status{Level: scene.LevelWarning, Finished: m.Done(),
			Message: fmt.Sprintf("the parameters are exploding (largest %s) — lower the learning rate", trainer.Num(v.Largest))}
	case phase == "finished":
		// The runtime replaces this with the verdict on the goal.
		sc.Status = scene.Status{Level: scene.LevelInfo, Finished: true,
			Message: fmt.Sprintf("finished: loss %s (uniform %s, best possible %s); %d of %d topic words next to their own topic",
				trainer.Num(v.FullLoss), trainer.Num(v.Uniform), trainer.Num(v.Best), v.Agree, v.TopicWords)}
	}
	if v.Exploded {
		// The distribution, projection and neighbours of parameters this
		// large are noise (or overflow): show the loss and the rows.
		sc.Panels = []scene.Panel{m.lossPanel(), m.rowsPanel(true)}
		return sc
	}
	inStep := phase == "forward" || phase == "backward"
	second := m.projectionPanel()
	if inStep {
		second = scene.Panel{Kind: scene.KindGraph, Title: "computation graph", Graph: shapesOnly(cur.Graph())}
	}
	sc.Panels = []scene.Panel{m.barsPanel(phase), second, m.neighbourPanel(), m.lossPanel(), m.rowsPanel(false)}
	return sc
}

// barsPanel is the model's distribution over the vocabulary for the
// step's centre word (the probe word before the first step): the most
// likely words, with the true context highlighted and always listed.
func (m *machine) barsPanel(phase string) scene.Panel {
	cur := &m.loop.Cur
	var lp []float64
	target := -1
	centre := m.words.Index[m.probe]
	title := "p(word | %s) before training"
	switch {
	case cur.Tape == nil:
		lp = m.logProbs(centre)
	case phase == "forward" || phase == "backward":
		p := m.pair()
		centre, target = p.Center, p.Context
		lp = cur.Tape.Nodes()[nodeLogP].Out.Value.Data
		title = "p(word | %s) this step predicts"
	default:
		p := m.pair()
		centre, target = p.Center, p.Context
		lp = m.logProbs(centre)
		title = "p(word | %s) after the update"
	}
	order := make([]int, len(lp))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		switch {
		case lp[a] > lp[b]:
			return -1
		case lp[a] < lp[b]:
			return 1
		}
		return 0
	})
	shown := order[:barsShown]
	if target >= 0 && !slices.Contains(shown, target) {
		shown = append(slices.Clone(shown[:barsShown-1]), target)
	}
	bars := &scene.Bars{Highlight: -1}
	for i, id := range shown {
		label := m.words.List[id]
		if id == target {
			bars.Highlight = i
			if r := slices.Index(order, id); r >= barsShown-1 {
				label = fmt.Sprintf("%s (#%d)", label, r+1)
			}
		}
		bars.Labels = append(bars.Labels, label)
		bars.Values = append(bars.Values, math.Exp(lp[id]))
	}
	return scene.Panel{Kind: scene.KindBars, Title: fmt.Sprintf(title, m.words.List[centre]), Bars: bars}
}

// projectionPanel is the 2-D PCA of every row of E, showing the topic
// words coloured by topic and the probe word marked with ◆.
func (m *machine) projectionPanel() scene.Panel {
	pr := m.project()
	var series []scene.Series
	for k := range Topics {
		s := scene.Series{Name: topicLabel[k], Style: scene.Scatter}
		for id, t := range m.topic {
			if t == k {
				s.X, s.Y = append(s.X, pr.X[id]), append(s.Y, pr.Y[id])
				s.Labels = append(s.Labels, m.words.List[id])
			}
		}
		series = append(series, s)
	}
	// The probe's marker comes last in the legend, which a half stage
	// cuts short; the title names it too.
	probe := m.words.Index[m.probe]
	series = append(series, scene.Series{Name: m.probe, Style: scene.Path, X: []float64{pr.X[probe]}, Y: []float64{pr.Y[probe]}})
	return scene.Panel{Kind: scene.KindPlot, ID: "pca", Priority: 1,
		Title: fmt.Sprintf("PCA of E · ◆ %s · %.0f%% of spread", m.probe, 100*pr.Explained),
		Plot:  &scene.Plot{XLabel: "PC1", YLabel: "PC2", Series: series}}
}

// neighbourPanel lists the probe word's nearest neighbours by cosine
// similarity of their rows of E, with their topics.
func (m *machine) neighbourPanel() scene.Panel {
	probe := m.words.Index[m.probe]
	tb := &scene.Table{Columns: []string{"nearest to " + m.probe, "cosine", "topic"}}
	for _, n := range m.neighbours(probe, neighboursShown) {
		topic := ""
		if t := m.topic[n.id]; t >= 0 {
			topic = topicLabel[t]
		}
		tb.Rows = append(tb.Rows, []string{m.words.List[n.id], fmt.Sprintf("%.3f", n.cos), topic})
	}
	return scene.Panel{Kind: scene.KindTable, Title: "nearest neighbours (cosine)", Table: tb}
}

// lossPanel is the loss of the pairs trained on (averaged over runs of
// steps once there are many), the loss over all pairs after each epoch,
// and two references: a uniform guess (log V) and the best possible
// (the entropy of the corpus' own context counts).
func (m *machine) lossPanel() scene.Panel {
	losses := m.loop.Losses
	k := max(1, (len(losses)+lossPoints-1)/lossPoints)
	var xs, ys []float64
	for i := 0; i < len(losses); i += k {
		j := min(len(losses), i+k)
		s, n := 0.0, 0
		for _, l := range losses[i:j] {
			if trainer.Finite(l) {
				s, n = s+l, n+1
			}
		}
		if n > 0 {
			xs, ys = append(xs, float64(j)), append(ys, s/float64(n))
		}
	}
	end := float64(max(len(losses), 1))
	title := "loss"
	if k > 1 {
		title = fmt.Sprintf("loss (pair losses in means of %d)", k)
	}
	// The reference lines are named on the y label too: a half stage
	// cuts the legend short.
	var epochX, epochLoss []float64
	for i, l := range m.epochLoss {
		if trainer.Finite(l) {
			epochX, epochLoss = append(epochX, float64((i+1)*m.loop.StepsPerEpoch())), append(epochLoss, l)
		}
	}
	return scene.Panel{Kind: scene.KindPlot, Title: title, Plot: &scene.Plot{
		XLabel: "step", YLabel: "cross-entropy (flat: log V, best)",
		LogY: slices.Max(append([]float64{0}, ys...)) > 100*m.uniformLoss,
		Series: []scene.Series{
			{Name: "pair loss", Style: scene.Line, X: xs, Y: ys},
			{Name: "all pairs", Style: scene.Line, X: epochX, Y: epochLoss},
			{Name: "log V", Style: scene.Line, X: []float64{0, end}, Y: []float64{m.uniformLoss, m.uniformLoss}},
			{Name: "best", Style: scene.Line, X: []float64{0, end}, Y: []float64{m.bestLoss, m.bestLoss}},
		},
	}}
}

// rowsPanel shows rows of E with the gradient the backward pass has
// revealed for them: during a step the centre word's row E[c] (the only
// row the lookup read) and the context word's E[t]; before the first
// step the probe's row and "the"'s. An exploded run's gradients are left
// out. Rows are labelled by role and the title names the words, so that
// all d columns fit, with the gradients under the values in two lines a
// row.
func (m *machine) rowsPanel(exploded bool) scene.Panel {
	cur := &m.loop.Cur
	d := m.dim()
	ids, labels := []int{m.words.Index[m.probe], 0}, []string{m.probe, m.words.List[0]}
	title := fmt.Sprintf("rows of E (%d×%d) before training", m.words.Size(), d)
	if cur.Tape != nil {
		p := m.pair()
		ids, labels = []int{p.Center}, []string{"E[c]"}
		title = fmt.Sprintf("rows E[c], E[t] of E (%d×%d) for c = %s, t = %s", m.words.Size(), d, m.words.List[p.Center], m.words.List[p.Context])
		if p.Context != p.Center {
			ids, labels = append(ids, p.Context), append(labels, "E[t]")
		} else {
			title = fmt.Sprintf("row E[c] of E (%d×%d) for c = t = %s", m.words.Size(), d, m.words.List[p.Center])
		}
	}
	mat := &scene.Matrix{Rows: len(ids), Cols: d, RowLabels: labels}
	var grad []float64
	if !exploded {
		grad = cur.GradSoFar(m.emb.W)
	}
	for _, id := range ids {
		mat.Values = append(mat.Values, m.row(id)...)
		if grad != nil {
			mat.Grads = append(mat.Grads, grad[id*d:(id+1)*d]...)
		}
	}
	if cur.Tape != nil {
		for c := range d {
			mat.Highlight = append(mat.Highlight, scene.Cell{Row: 0, Col: c})
		}
	}
	return scene.Panel{Kind: scene.KindMatrix, Title: title, Matrix: mat}
}

// shapesOnly shortens the graph's summaries of tensors with more than
// four values to their shape, so the graph fits half the stage: the
// values themselves are on the other panels.
func shapesOnly(g *scene.Graph) *scene.Graph {
	short := func(s string) string {
		if shape, _, ok := strings.Cut(s, ", mean "); ok {
			return shape
		}
		return s
	}
	for i := range g.Nodes {
		g.Nodes[i].Value, g.Nodes[i].Grad = short(g.Nodes[i].Value), short(g.Nodes[i].Grad)
	}
	return g
}
