package translate

import (
	"math"
	"slices"
	"strconv"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/data"
)

// view is what the narrative templates read: the run, the displayed
// example, the last held-out evaluation and the op just taken.
type view struct {
	// The run.
	Step, Steps, NTrain, NHeld, Batch, Hidden, Params int
	EvalEvery, OpsPerStep, OutVocab                   int
	LR                                                float64
	Attention                                         bool

	// The displayed held-out example: Output is what has been revealed,
	// Full the whole greedy translation with the current weights; K is
	// the position just decoded (1-based, 0 if none), with the character
	// read (Prev), the one chosen with its probability P, the target
	// (Want), and the strongest attention weights (Top).
	Show                     int
	In, Target, Output, Full string
	Revealed, Wrong, K       int
	Exact, OK                bool
	Prev, Chose, Want        string
	P                        float64
	Top                      []weight

	// The last evaluation on the held-out pairs: exact matches, characters
	// right, loss, the year, month and day digits right, exact matches of
	// short and long inputs; the first step with ≥ 90% exact (0: none yet).
	EvalStep, Steps90              int
	Evaluated                      bool // the evaluation was made after this step
	HeldExact, HeldChars, HeldLoss float64
	StartExact, BatchLoss          float64
	Year, Month, Day               float64
	ShortExact, LongExact          float64
	NShort, NLong, ShortIn, LongIn int
	DayDist                        float64 // mean number of characters after the day in the held-out inputs

	// Once the run is over: greedy decoding against beam search of width
	// BeamK on the held-out dates (beam.go): exact matches, the mean
	// log-probability of a date's output and the probability it stands
	// for, how many outputs differ, and how many dates beam fixes and
	// breaks.
	Beamed                           bool
	BeamK, BeamChanged               int
	BeamFixed, BeamBroken            int
	GreedyExact, BeamExact           float64
	GreedyLogp, BeamLogp, GreedyProb float64

	// Where the displayed example's year, month and day are written, and
	// the mean attention their output digits put there (once decoded).
	YearText, MonthText, DayText string
	YearAttn, MonthAttn, DayAttn float64
	YearEven, MonthEven, DayEven float64 // the same for weights spread evenly over the input
	Aligned                      bool

	// The step in progress: the batch's first pair under teacher forcing,
	// the character the model was least sure of (Worst, with PWorst).
	Pair0In, Pair0Out, Reads, Worst string
	Pair0Loss, PWorst               float64
	// The encoder's first LSTM step on that pair, worked from the weights,
	// and the number of encoder steps of the batch (its longest input).
	LSTM     lstmStep
	EncSteps int
	// The backward pass: |∂L/∂h_j| over the first pair's input; the
	// gradient's norm, the update's and its largest element.
	GradTop                          weight
	GradFirst, GradLast              float64
	GradTotal, LastUpdate, MaxUpdate float64
	MaxRatio                         float64 // MaxUpdate / LR
	// The largest MaxRatio of the run so far, and its step.
	RunRatio     float64
	RunRatioStep int

	// Special: the character just decoded is a special token; HasSpecial:
	// the whole translation holds one.
	Special, HasSpecial bool
	// The goal and whether the run meets it now; the mean batch loss of
	// the first and the last completed epoch, and whether the last epoch's
	// was more than 3% below the one before; the defaults the advice
	// compares the settings with.
	Goal                string
	GoalMet             bool
	LossFirst, LossLast float64
	StillFalling        bool
	DefaultLR           float64
	DefaultHidden       int
}

// weight is one input character with a number attached: an attention
// weight or a gradient norm.
type weight struct {
	Char string
	Pos  int // 1-based
	W    float64
}

func (m *machine) view(tr translation) view {
	v := view{
		Step: m.step, Steps: m.cfg.epochs * (NTrain / Batch),
		NTrain: NTrain, NHeld: len(m.held), Batch: Batch, Hidden: m.cfg.hidden, EvalEvery: EvalEvery,
		LR: m.opt.LR, Attention: m.cfg.attention, Show: m.show + 1,
		OpsPerStep: opsPerStep, OutVocab: m.outV.Size(),
	}
	for _, p := range m.params {
		v.Params += len(p.Value.Data)
	}
	ex := m.held[m.show]
	v.In, v.Target = ex.In, ex.Out
	v.Revealed = m.revealed
	if m.stage == updated {
		v.Revealed = 0
	}
	if tr.ids != nil {
		v.Full = m.text(tr.ids)
		v.HasSpecial = slices.ContainsFunc(tr.ids, func(id int) bool { return id <= data.UnkID })
		v.Output = m.text(tr.ids[:v.Revealed])
		for k, id := range tr.ids {
			if id != ex.out[k] {
				v.Wrong++
			}
		}
		v.Exact = v.Wrong == 0
		if y, mo, d, ok := dateSpans(ex.DatePair); ok && tr.attn != nil {
			v.YearText, v.MonthText, v.DayText = y.text(ex.In), mo.text(ex.In), d.text(ex.In)
			v.YearAttn, v.MonthAttn, v.DayAttn = attentionOn(tr.attn, 0, 4, y), attentionOn(tr.attn, 5, 7, mo), attentionOn(tr.attn, 8, 10, d)
			n := float64(len(ex.In))
			v.YearEven, v.MonthEven, v.DayEven = float64(y.hi-y.lo)/n, float64(mo.hi-mo.lo)/n, float64(d.hi-d.lo)/n
			v.Aligned = true
		}
		if k := v.Revealed; k > 0 && m.stage == decoding {
			v.K = k
			v.Prev = "<s>"
			if k > 1 {
				v.Prev = m.outV.Token(tr.ids[k-2])
			}
			v.Chose, v.Want, v.P = m.outV.Token(tr.ids[k-1]), m.outV.Token(ex.out[k-1]), tr.probs[k-1]
			v.OK = v.Chose == v.Want
			v.Special = tr.ids[k-1] <= data.UnkID
			if tr.attn != nil {
				v.Top = top(ex.In, tr.attn[k-1], 3)
			}
		}
	}
	first, last := m.evals[0], m.evals[len(m.evals)-1]
	v.StartExact = first.exact
	v.EvalStep, v.HeldExact, v.HeldChars, v.HeldLoss = last.step, last.exact, last.chars, last.loss
	v.Evaluated = m.step > 0 && last.step == m.step
	v.Year = mean(last.perPos[0:4])
	v.Month = mean(last.perPos[5:7])
	v.Day = mean(last.perPos[8:10])
	v.ShortExact, v.LongExact, v.ShortIn, v.LongIn = last.short, last.long, ShortIn, LongIn
	v.NShort, v.NLong = m.lengths()
	for _, e := range m.evals {
		if e.exact >= 0.9 {
			v.Steps90 = e.step
			break
		}
	}
	v.DayDist = m.dayDistance()
	v.Goal, v.GoalMet = goal.Text(), goal.Met(100*last.exact)
	v.DefaultLR, v.DefaultHidden = defaultLR, defaultHidden
	if e := m.epoch; e > 0 && len(m.losses) >= e*stepsPerEpoch {
		epochLoss := func(k int) float64 { return mean(m.losses[k*stepsPerEpoch : (k+1)*stepsPerEpoch]) }
		v.LossFirst, v.LossLast = epochLoss(0), epochLoss(e-1)
		v.StillFalling = e > 1 && v.LossLast < 0.97*epochLoss(e-2)
	}
	if len(m.losses) > 0 {
		v.BatchLoss = m.losses[len(m.losses)-1]
	}
	if m.stage == forward || m.stage == backward || m.stage == updated {
		m.stepView(&v)
	}
	if m.Done() && !m.diverged && finiteParams(m.params) {
		b := m.compareBeam()
		v.Beamed, v.BeamK, v.BeamChanged, v.BeamFixed, v.BeamBroken = true, BeamWidth, b.changed, b.fixed, b.broken
		v.GreedyExact, v.BeamExact, v.GreedyLogp, v.BeamLogp = b.greedyExact, b.beamExact, b.greedyLogp, b.beamLogp
		v.GreedyProb = math.Exp(b.greedyLogp)
	}
	return v
}

// stepView fills in the step in progress: teacher forcing on the batch's
// first pair, the gradient reaching its encoder states, the update.
func (m *machine) stepView(v *view) {
	c := &m.cur
	p0 := m.train[c.rows[0]]
	v.Pair0In, v.Pair0Out, v.Reads = p0.In, p0.Out, "<s>"+p0.Out[:outLen-1]
	v.BatchLoss = c.loss.Item()
	v.PWorst = 2
	for t, lg := range c.logits {
		lp := logProbs(lg.Value.Data[:lg.Value.Shape[1]])[p0.out[t]]
		p := math.Exp(lp)
		v.Pair0Loss -= lp / outLen
		if p < v.PWorst {
			v.PWorst, v.Worst = p, "'"+p0.Out[t:t+1]+"' at position "+strconv.Itoa(t+1)
		}
	}
	v.LSTM, v.EncSteps = m.firstLSTMStep(p0), c.enc.steps
	if m.stage == forward {
		return
	}
	g := m.encoderGrads()
	for j, x := range g {
		if x > v.GradTop.W {
			v.GradTop = weight{Char: label(p0.In[j : j+1]), Pos: j + 1, W: x}
		}
	}
	v.GradFirst, v.GradLast = g[0], g[len(g)-1]
	for _, p := range m.params {
		if p.Grad != nil {
			v.GradTotal += sumSquares(p.Grad.Data)
		}
		if u := m.opt.LastUpdate(p); u != nil && m.stage == updated {
			v.LastUpdate += sumSquares(u.Data)
			for _, x := range u.Data {
				v.MaxUpdate = max(v.MaxUpdate, math.Abs(x))
			}
		}
	}
	v.GradTotal, v.LastUpdate = math.Sqrt(v.GradTotal), math.Sqrt(v.LastUpdate)
	v.MaxRatio = v.MaxUpdate / m.opt.LR
	v.RunRatio, v.RunRatioStep = m.maxRatio, m.maxRatioStep
}

// encoderGrads returns |∂L/∂h_j| for the batch's first pair at each of
// its input positions, after the backward pass.
func (m *machine) encoderGrads() []float64 {
	n := len(m.train[m.cur.rows[0]].in)
	g := make([]float64, n)
	for j := range n {
		if gr := m.cur.enc.hs[j].Grad; gr != nil {
			g[j] = math.Sqrt(sumSquares(gr.Data[:m.cfg.hidden]))
		}
	}
	return g
}

// dayDistance returns the mean number of characters that follow the
// day in the held-out inputs: how far the encoder must carry the day to
// its last state (the year always ends the input).
func (m *machine) dayDistance() float64 {
	d := 0.0
	for _, p := range m.held {
		if _, _, day, ok := dateSpans(p.DatePair); ok {
			d += float64(len(p.In) - day.hi)
		}
	}
	return d / float64(len(m.held))
}

// text spells output ids, a special token (which no target contains) as
// "?", so that every position shows.
func (m *machine) text(ids []int) string {
	b := make([]byte, 0, len(ids))
	for _, id := range ids {
		if t := m.outV.Token(id); len(t) == 1 {
			b = append(b, t[0])
		} else {
			b = append(b, '?')
		}
	}
	return string(b)
}

// top returns the k input characters with the largest weights.
func top(in string, w []float64, k int) []weight {
	ws := make([]weight, len(w))
	for j, x := range w {
		ws[j] = weight{Char: label(in[j : j+1]), Pos: j + 1, W: x}
	}
	slices.SortStableFunc(ws, func(a, b weight) int {
		switch {
		case a.W > b.W:
			return -1
		case a.W < b.W:
			return 1
		}
		return 0
	})
	return ws[:min(k, len(ws))]
}

// label shows a character of the input, a space as ␣.
func label(c string) string {
	if c == " " {
		return "␣"
	}
	return c
}

// logProbs returns the log-softmax of a row of logits, finite for any
// finite logits.
func logProbs(logits []float64) []float64 {
	lp := make([]float64, len(logits))
	mx := slices.Max(logits)
	s := 0.0
	for _, z := range logits {
		s += math.Exp(z - mx)
	}
	for i, z := range logits {
		lp[i] = z - mx - math.Log(s)
	}
	return lp
}

func mean(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

func sumSquares(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x * x
	}
	return s
}

// finiteParams reports whether every parameter is finite.
func finiteParams(ps []*autograd.Var) bool {
	for _, p := range ps {
		if p.Value.HasNaNOrInf() {
			return false
		}
	}
	return true
}

// lstmStep is one LSTM step from h = c = 0 in numbers: the mean of each
// gate over the hidden units, and the size (rms) of the new c and h.
type lstmStep struct {
	Char       string
	I, F, G, O float64
	C, H       float64
	// Out is the new h itself, to check against the tape.
	Out []float64
}

// firstLSTMStep works the encoder's step on the first character of p by
// hand, from the weights the forward pass used: z = x·Wx + b (h = 0, so
// h·Wh = 0), the gates i, f, g, o, then c = i⊙g (c was 0) and
// h = o⊙tanh(c).
func (m *machine) firstLSTMStep(p pair) lstmStep {
	emb, cell := m.model.inEmb.W.Value, m.model.enc
	d, n := emb.Shape[1], m.cfg.hidden
	x := emb.Data[p.in[0]*d : (p.in[0]+1)*d]
	z := slices.Clone(cell.B.Value.Data)
	for k, xk := range x {
		for j := range z {
			z[j] += xk * cell.Wx.Value.Data[k*4*n+j]
		}
	}
	sig := func(v float64) float64 { return 1 / (1 + math.Exp(-v)) }
	st := lstmStep{Char: label(p.In[:1])}
	var cs, hs float64
	for j := range n {
		i, f, g, o := sig(z[j]), sig(z[n+j]), math.Tanh(z[2*n+j]), sig(z[3*n+j])
		c := i * g
		h := o * math.Tanh(c)
		st.I, st.F, st.G, st.O = st.I+i/float64(n), st.F+f/float64(n), st.G+g/float64(n), st.O+o/float64(n)
		cs, hs = cs+c*c, hs+h*h
		st.Out = append(st.Out, h)
	}
	st.C, st.H = math.Sqrt(cs/float64(n)), math.Sqrt(hs/float64(n))
	return st
}
