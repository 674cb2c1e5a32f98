package sentiment

import (
	_ "embed"
	"fmt"
	"math"
	"strings"

	"text/template"

	"github.com/dlearn/dlearn/engine/data/sentiment"
	"github.com/dlearn/dlearn/lessons/scene"
	"github.com/dlearn/dlearn/lessons/trainer"
)

//go:embed narrative.md
var narrativeText string

var narrative = template.Must(template.New("sentiment").Funcs(trainer.Funcs).Funcs(template.FuncMap{
	"pct": func(v float64) string { return fmt.Sprintf("%.1f%%", 100*v) },
}).Parse(narrativeText))

// view is what the narrative reads.
type view struct {
	Train, Val, Test int // sentences per split
	Vocab            int
	Dim, Hidden      int
	Batch, Epochs    int
	LR               float64
	Pool             string
	Step, Epoch      int // of the model training now, 1-based step within the run of that model
	Steps            int // steps per epoch
	Rows, T          int // sentences and padded length of this batch
	First            string
	FirstLen         int
	Node             string // the node just revealed or sent back through
	TimeStep         int    // the GRU's time step of this op
	Loss             float64
	Detail           string
	// Live numbers of the batch's first sentence: the word at this time
	// step, its state's norm and how far the step moved it, the scores
	// and weights per word, the logit and the probability.
	Word           string
	HNorm, HMove   float64
	Scores, Alphas string
	Votes          string
	Z, P           float64
	Truth          string

	// Accuracies on the test sentences: all, plain, negation, contrast.
	Bag, Seq          kinds
	NNeg, NCon, NPlai int
	BagNegRight       int
	SeqNegRight       int
	Beats             bool // the sequence model gets more negation sentences right
	GoalPct           float64
	Sat               float64

	// The sentence shown and its words' weights.
	Shown        string
	ShownLabel   string
	TopWord      string
	TopAlpha     float64
	BagP, SeqP   float64
	BagRight     bool
	SeqRight     bool
	PairA, PairB string
	PairP        float64
	Diverged     string
}

type kinds struct{ All, Plain, Negation, Contrast float64 }

func kindsOf(e *eval) kinds {
	return kinds{All: e.acc, Plain: e.byKind[sentiment.Plain], Negation: e.byKind[sentiment.Negation], Contrast: e.byKind[sentiment.Contrast]}
}

func (m *machine) view() view {
	d := m.data
	bt, st := m.bagNow(), m.seqNow()
	v := view{
		Train: len(d.Train), Val: len(d.Val), Test: len(d.Test), Vocab: m.vocab.Size(),
		Dim: Dim, Hidden: m.cfg.hidden, Batch: Batch, Epochs: m.cfg.epochs, LR: m.lr, Pool: m.cfg.pool,
		Bag: kindsOf(bt), Seq: kindsOf(st), GoalPct: 100 * GoalAccuracy, Sat: m.hist.sat,
		PairA: pairA, PairB: pairB, PairP: m.bagProb(pairA),
	}
	for i, ex := range d.Test {
		switch ex.Kind {
		case sentiment.Negation:
			v.NNeg++
			if bt.right[i] {
				v.BagNegRight++
			}
			if st.right[i] {
				v.SeqNegRight++
			}
		case sentiment.Contrast:
			v.NCon++
		default:
			v.NPlai++
		}
	}
	v.Beats = v.SeqNegRight > v.BagNegRight
	k := m.cases[m.pick]
	ex := d.Test[k]
	v.Shown, v.ShownLabel = ex.Text, label(ex.Positive)
	w := st.weights[k]
	v.TopWord, v.TopAlpha = ex.Tokens[argmax(w)], w[argmax(w)]
	v.BagP, v.SeqP = bt.prob[k], st.prob[k]
	v.BagRight, v.SeqRight = bt.right[k], st.right[k]

	l := m.loop()
	// Step is the step under way, or the one just finished; Epoch the
	// epochs completed.
	v.Step, v.Epoch, v.Steps = l.Step, l.Epoch, l.StepsPerEpoch()
	if l.InStep() {
		v.Step++
	}
	if m.rec != nil && l.Cur.Tape != nil {
		b := m.rec.b
		v.Rows, v.T = b.B, b.T
		first := d.Train[b.rows[0]]
		v.First, v.FirstLen = first.Text, len(first.Tokens)
		v.Loss = m.rec.loss.Item()
		cur := &l.Cur
		switch cur.Phase {
		case trainer.Forward:
			i := cur.Fwd - 1
			v.Node = cur.Tape.Nodes()[i].Out.Name
			v.TimeStep = m.rec.stepOf[m.rec.group(i)]
		case trainer.Backward:
			st := cur.Steps[len(cur.Steps)-1]
			v.Node = st.Node.Out.Name
			if m.rec.stepOf != nil {
				v.TimeStep = m.rec.stepOf[m.rec.group(st.Node.Index)]
			}
			v.Detail = trainer.ChainRule(st)
		}
		m.firstNumbers(&v)
	}
	if l.Diverged {
		v.Diverged = "bag of embeddings"
		if l == &m.seqLoop {
			v.Diverged = "sequence model"
		}
	}
	return v
}

func label(pos bool) string {
	if pos {
		return "positive"
	}
	return "negative"
}

// block is the narrative block of the moment.
func (m *machine) block(v view) (phase, block string) {
	l := m.loop()
	phase, _ = l.Phase()
	model := "seq"
	if l == &m.bagLoop {
		model = "bag"
	}
	switch {
	case m.bagLoop.Diverged || m.seqLoop.Diverged:
		return "diverged", "diverged"
	case m.Done():
		return "finished", "finished"
	case m.bagLoop.Step == 0 && !l.InStep() && l == &m.bagLoop && l.Cur.Tape == nil:
		return "ready", "intro"
	case l == &m.seqLoop && m.seqLoop.Step == 0 && !l.InStep():
		return "bag trained", "between"
	case l.Cur.Phase == trainer.Forward:
		if v.TimeStep > 0 {
			return phase, "seq-gru"
		}
		return phase, model + "-fwd-" + nodeBlock(v.Node)
	case l.Cur.Phase == trainer.Backward:
		return phase, model + "-bwd"
	}
	if l.EpochEnded() {
		return "epoch done", model + "-epoch"
	}
	return phase, model + "-update"
}

// nodeBlock names the narrative block of a forward node.
func nodeBlock(name string) string {
	switch name {
	case "e", "words":
		return "embed"
	case "Σe/n", "x̄":
		return "avg"
	case "x̄·u", "h̄·u", "logit":
		return "logit"
	case "L":
		return "loss"
	case "H":
		return "stack"
	case "H rows", "H·w", "s":
		return "scores"
	case "s+mask":
		return "mask"
	case "α":
		return "softmax"
	case "αᵀ", "Σαh", "h̄":
		return "pool"
	}
	return "other"
}

// Scene implements lessons.Machine.
func (m *machine) Scene() scene.Scene {
	v := m.view()
	total := m.cfg.epochs * m.bagLoop.StepsPerEpoch()
	step, epoch := m.Progress()
	sc := scene.Scene{
		Lesson: "Reading a sentence's meaning",
		Pos:    scene.Position{Step: step, Epoch: epoch, Steps: 2 * total, Epochs: 2 * m.cfg.epochs},
	}
	l := m.loop()
	if l.Cur.Tape != nil && l.InStep() {
		sc.Pos.Op, sc.Pos.OpsPerStep = l.Cur.OpIndex(), l.Cur.OpsPerStep()
	}
	phase, block := m.block(v)
	sc.Phase = phase
	switch phase {
	case "diverged":
		sc.Status = scene.Status{Level: scene.LevelError, Diverged: true,
			Message: fmt.Sprintf("the %s diverged at step %d — lower the learning rate", v.Diverged, l.DivStep)}
	case "finished":
		sc.Status = scene.Status{Level: scene.LevelInfo, Finished: true,
			Message: fmt.Sprintf("test accuracy: bag %.1f%%, sequence model %.1f%%; negation sentences %d and %d of %d right",
				100*v.Bag.All, 100*v.Seq.All, v.BagNegRight, v.SeqNegRight, v.NNeg)}
	}
	sc.Narrative = trainer.Narrative(narrative, block, v)
	if l.InStep() {
		sc.Panels = []scene.Panel{m.weightsPanel(), {Kind: scene.KindGraph, ID: "graph", Title: "computation graph of this step", Graph: l.Cur.Graph()}}
		return sc
	}
	sc.Panels = []scene.Panel{m.weightsPanel(), m.casesPanel(), m.accuracyPanel(), m.numbersPanel(v)}
	if !m.inBag() {
		sc.Panels = append(sc.Panels, m.votesPanel())
	}
	return sc
}

// weightsPanel is the main picture: the weight each word of the sentence
// shown gets in the pooled vector. While the bag trains, its words' votes
// u·e (the average of which, plus c, is its logit); then the sequence
// model's pooling weights α.
func (m *machine) weightsPanel() scene.Panel {
	k := m.cases[m.pick]
	ex := m.data.Test[k]
	labels := make([]string, len(ex.Tokens))
	for i, w := range ex.Tokens {
		labels[i] = fmt.Sprintf("%d %s", i+1, w)
	}
	if m.inBag() {
		return scene.Panel{Kind: scene.KindBars, ID: "weights", Priority: 1,
			Title: fmt.Sprintf("bag: each word's vote u·e · \"%s\" (%s)", ex.Text, label(ex.Positive)),
			Bars:  &scene.Bars{Labels: labels, Values: m.votes(ex), Highlight: -1}}
	}
	w := m.seqNow().weights[k]
	what := map[string]string{PoolAttention: "attention α", PoolMean: "mean pooling 1/n", PoolLast: "last state"}[m.cfg.pool]
	return scene.Panel{Kind: scene.KindBars, ID: "weights", Priority: 1,
		Title: fmt.Sprintf("sequence model: %s per word · \"%s\" (%s)", what, ex.Text, label(ex.Positive)),
		Bars:  &scene.Bars{Labels: labels, Values: append([]float64(nil), w...), Highlight: argmax(w)}}
}

// votes are the bag model's u·e for each word of ex.
func (m *machine) votes(ex sentiment.Example) []float64 {
	all := m.bag.wordScores()
	out := make([]float64, len(ex.Tokens))
	for i, id := range m.vocab.Encode(ex.Tokens) {
		out[i] = all[id]
	}
	return out
}

// votesPanel is the trained bag's votes for the sentence shown, beside
// the attention.
func (m *machine) votesPanel() scene.Panel {
	ex := m.data.Test[m.cases[m.pick]]
	labels := make([]string, len(ex.Tokens))
	for i, w := range ex.Tokens {
		labels[i] = fmt.Sprintf("%d %s", i+1, w)
	}
	return scene.Panel{Kind: scene.KindBars, ID: "votes", Title: "bag: each word's vote u·e (same words, same votes, any order)",
		Bars: &scene.Bars{Labels: labels, Values: m.votes(ex), Highlight: -1}}
}

// casesPanel is the table of the test's negation and contrast sentences
// around the one shown, with both models' predictions.
func (m *machine) casesPanel() scene.Panel {
	bt, st := m.bagNow(), m.seqNow()
	const window = 12
	from := max(0, min(m.pick-window/2, len(m.cases)-window))
	t := &scene.Table{Columns: []string{"sentence", "bag", "seq", "kind", "#"}}
	mark := func(p float64, ok bool) string {
		if ok {
			return fmt.Sprintf("%.2f✓", p)
		}
		return fmt.Sprintf("%.2f✗", p)
	}
	for i := from; i < min(from+window, len(m.cases)); i++ {
		k := m.cases[i]
		ex := m.data.Test[k]
		text := "  " + ex.Text
		if i == m.pick {
			text = "▶ " + ex.Text
		}
		t.Rows = append(t.Rows, []string{text, mark(bt.prob[k], bt.right[k]), mark(st.prob[k], st.right[k]), ex.Kind, fmt.Sprint(i)})
	}
	return scene.Panel{Kind: scene.KindTable, ID: "cases",
		Title: fmt.Sprintf("p(positive), ✓ right ✗ wrong · negation and contrast test sentences %d–%d of %d", from, min(from+window, len(m.cases))-1, len(m.cases)),
		Table: t}
}

// accuracyPanel is the test accuracy after every epoch: both models,
// overall and on the negation sentences.
func (m *machine) accuracyPanel() scene.Panel {
	series := func(name string, evs []*eval, off int, f func(*eval) float64) scene.Series {
		s := scene.Series{Name: name, Style: scene.Line}
		for i, e := range evs {
			s.X = append(s.X, float64(off+i))
			s.Y = append(s.Y, 100*f(e))
		}
		return s
	}
	all := func(e *eval) float64 { return e.acc }
	neg := func(e *eval) float64 { return e.byKind[sentiment.Negation] }
	bagEpochs := len(m.hist.bagTest) - 1
	p := &scene.Plot{XLabel: "epoch (bag, then sequence model)", YLabel: "test accuracy %",
		YRange: &scene.Range{Min: 0, Max: 100},
		Series: []scene.Series{
			series("bag: all", m.hist.bagTest, 0, all),
			series("bag: negation", m.hist.bagTest, 0, neg),
		}}
	if !m.inBag() {
		p.Series = append(p.Series,
			series("seq: all", m.hist.seqTest, bagEpochs, all),
			series("seq: negation", m.hist.seqTest, bagEpochs, neg))
	}
	p.Series = append(p.Series, scene.Series{Name: "goal 85%", Style: scene.Line,
		X: []float64{0, float64(2 * m.cfg.epochs)}, Y: []float64{100 * GoalAccuracy, 100 * GoalAccuracy}})
	return scene.Panel{Kind: scene.KindPlot, ID: "accuracy", Title: "test accuracy after each epoch", Plot: p}
}

// numbersPanel: both models' test accuracy by kind.
func (m *machine) numbersPanel(v view) scene.Panel {
	row := func(name string, n int, b, s float64) []string {
		return []string{fmt.Sprintf("%s (%d)", name, n), fmt.Sprintf("%.1f%%", 100*b), fmt.Sprintf("%.1f%%", 100*s)}
	}
	title := "test accuracy by kind of sentence"
	if m.inBag() {
		title += " (sequence model untrained)"
	}
	return scene.Panel{Kind: scene.KindTable, ID: "numbers", Title: title,
		Table: &scene.Table{Columns: []string{"sentences", "bag", "seq"}, Rows: [][]string{
			row("plain", v.NPlai, v.Bag.Plain, v.Seq.Plain),
			row("negation", v.NNeg, v.Bag.Negation, v.Seq.Negation),
			row("contrast", v.NCon, v.Bag.Contrast, v.Seq.Contrast),
			row("all", v.Test, v.Bag.All, v.Seq.All),
		}}}
}

// firstNumbers fills in the live numbers of the batch's first sentence
// from the current step's forward pass.
func (m *machine) firstNumbers(v *view) {
	r := m.rec
	b := r.b
	ex := m.data.Train[b.rows[0]]
	n := b.lens[0]
	v.Truth = label(ex.Positive)
	z := r.logit.Value.Data[0]
	v.Z, v.P = z, 1/(1+math.Exp(-z))
	list := func(vals []float64) string {
		parts := make([]string, n)
		for t := range n {
			parts[t] = ex.Tokens[t] + " " + trainer.Num(vals[t])
		}
		return strings.Join(parts, ", ")
	}
	if r.scores != nil {
		v.Scores = list(r.scores.Value.Data[:b.T])
		v.Alphas = list(r.alpha.Value.Data[:b.T])
	}
	if r.states == nil {
		all := m.bag.wordScores()
		votes := make([]float64, n)
		for t, id := range m.vocab.Encode(ex.Tokens) {
			votes[t] = all[id]
		}
		v.Votes = list(votes)
		return
	}
	if t := v.TimeStep; t > 0 {
		v.Word = "<pad>"
		if t <= n {
			v.Word = ex.Tokens[t-1]
		}
		h := r.states[t-1].Value.Data
		hid := len(h) / b.B
		prev := make([]float64, hid)
		if t > 1 {
			prev = r.states[t-2].Value.Data[:hid]
		}
		for k := range hid {
			v.HNorm += h[k] * h[k]
			d := h[k] - prev[k]
			v.HMove += d * d
		}
		v.HNorm, v.HMove = math.Sqrt(v.HNorm), math.Sqrt(v.HMove)
	}
}
