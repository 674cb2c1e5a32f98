package embeddings

import (
	"fmt"
	"math"
	"strings"

	"github.com/dlearn/dlearn/engine/data"
	"github.com/dlearn/dlearn/lessons/trainer"
)

// Nodes of a step's tape, in recording order (see startStep).
const (
	nodeE = iota
	nodeEU
	nodeZ
	nodeLogP
	nodeLogPT
	nodeL
)

// neighboursShown is how many nearest neighbours the table lists.
const neighboursShown = 6

// view is what the narrative templates read. Forward and backward numbers
// are those of the current step's tape, computed with the parameters the
// step started from; New values are after its update.
type view struct {
	Sentences, Tokens, V, D, Window, Pairs       int
	Step, Steps, Epoch, EpochShown, Epochs       int
	DivStep, StepsPerEpoch                       int
	LR, Uniform, Best, StartLoss, FullLoss       float64
	Agree, StartAgree, TopicWords, ChancePercent int

	Probe, ProbeTopic, ProbeNN string
	ProbeSame, ProbeK          int

	// The step's pair: centre c → context t, and how the corpus spreads
	// c's contexts (CtxCount of CentreN pairs of c have context t).
	Centre, Context         string
	SameWord                bool // the centre is its own context ("one plus one")
	CentreN, CtxCount, CtxN int
	CtxShare                float64

	// Forward.
	ENorm, EUT, BT, ZT, LSE, ZMax   float64
	LogPT, PT, Loss, TopP, SumOther float64
	Rank                            int
	TopWord                         string
	// Backward: dL/dz at the context word and at the top other word,
	// the norms of dL/de and of dL/dU's context column.
	DZT, DZTop, DENorm, DUTNorm float64
	TopOther                    string
	// Update.
	PNew, DeltaNorm float64
	EpochEnd        bool
	// The goal: AgreePct (Agree of TopicWords, in %) ≥ Target, Met.
	AgreePct, Target float64
	Gap              float64 // FullLoss − Best: what training can still remove
	Met              bool
	// Exploded is set once the run diverged, a parameter's magnitude
	// passed explodeAt (Largest) or the loss explodeLoss times log V:
	// then only the counters, Largest, FullLoss (unless the parameters
	// are too large for it) and the nearest neighbours are filled in.
	Exploded bool
	Largest  float64
}

func (m *machine) view() view {
	sents := data.Corpus()
	tokens := 0
	for _, s := range sents {
		tokens += len(s)
	}
	v := view{
		Sentences: len(sents), Tokens: tokens, V: m.words.Size(), D: m.dim(),
		Window: m.windowSize, Pairs: len(m.pairs),
		Step: m.loop.Step, Steps: m.loop.Epochs * m.loop.StepsPerEpoch(),
		Epoch: m.loop.Epoch, EpochShown: m.loop.Epoch + 1, Epochs: m.loop.Epochs,
		DivStep: m.loop.DivStep, StepsPerEpoch: m.loop.StepsPerEpoch(),
		LR: m.opt.LR, Uniform: m.uniformLoss, Best: m.bestLoss, StartLoss: m.startLoss,
		Agree: m.agreement(), StartAgree: m.startAgree, TopicWords: m.topicWord,
		Probe: m.probe, Largest: m.largest(),
	}
	v.Exploded = m.loop.Diverged || v.Largest > explodeAt
	if !v.Exploded {
		v.FullLoss = m.fullLoss()
		v.Gap = v.FullLoss - m.bestLoss
		v.Exploded = v.FullLoss > explodeLoss*m.uniformLoss
	}
	// The chance that a topic word's nearest neighbour shares its topic if
	// neighbours were random: (topic size − 1)/(V − 1), averaged.
	chance := 0.0
	for _, name := range Topics {
		n := float64(len(data.CorpusTopics[name]))
		chance += n * (n - 1) / float64(v.V-1)
	}
	v.ChancePercent = int(math.Round(100 * chance / float64(m.topicWord)))
	v.AgreePct = 100 * float64(v.Agree) / float64(m.topicWord)
	v.Target, v.Met = goal.Target, goal.Met(v.AgreePct)

	probe := m.words.Index[m.probe]
	if t := m.topic[probe]; t >= 0 {
		v.ProbeTopic = Topics[t]
	}
	var parts []string
	for _, n := range m.neighbours(probe, 5) {
		parts = append(parts, fmt.Sprintf("%s (%s)", m.words.List[n.id], trainer.Num(n.cos)))
		v.ProbeK++
		if m.topic[n.id] >= 0 && m.topic[n.id] == m.topic[probe] {
			v.ProbeSame++
		}
	}
	v.ProbeNN = strings.Join(parts, ", ")

	cur := &m.loop.Cur
	if v.Exploded {
		return v
	}
	if cur.Tape == nil {
		return v
	}
	p := m.pair()
	vv := v.V
	v.Centre, v.Context = m.words.List[p.Center], m.words.List[p.Context]
	v.SameWord = p.Center == p.Context
	v.CentreN = int(m.centreN[p.Center])
	v.CtxCount = int(m.counts[p.Center*vv+p.Context])
	for _, k := range m.counts[p.Center*vv : (p.Center+1)*vv] {
		if k > 0 {
			v.CtxN++
		}
	}
	v.CtxShare = float64(v.CtxCount) / float64(v.CentreN)

	nodes := cur.Tape.Nodes()
	e := nodes[nodeE].Out.Value.Data
	z := nodes[nodeZ].Out.Value.Data
	lp := nodes[nodeLogP].Out.Value.Data
	t := p.Context
	v.ENorm = math.Sqrt(dot(e, e))
	v.EUT = nodes[nodeEU].Out.Value.Data[t]
	v.ZT = z[t]
	v.BT = v.ZT - v.EUT
	v.LSE = z[0] - lp[0]
	v.LogPT = lp[t]
	v.PT = math.Exp(lp[t])
	v.SumOther = 1 - v.PT
	v.Loss = cur.Loss.Item()
	top, topOther := 0, -1
	for j, x := range lp {
		if x > lp[top] {
			top = j
		}
		if j != t && (topOther < 0 || x > lp[topOther]) {
			topOther = j
		}
		if x > lp[t] {
			v.Rank++
		}
	}
	v.Rank++
	v.ZMax = z[top]
	v.TopWord, v.TopP = m.words.List[top], math.Exp(lp[top])
	v.TopOther, v.DZTop = m.words.List[topOther], math.Exp(lp[topOther])
	v.DZT = v.PT - 1
	if g := nodes[nodeE].Out.Grad; g != nil {
		v.DENorm = math.Sqrt(dot(g.Data, g.Data))
	}
	// Column t of dL/dU is e·(p_t − 1): its length is |e|·(1 − p_t).
	v.DUTNorm = v.ENorm * (1 - v.PT)

	if cur.Phase == trainer.Updated {
		v.PNew = math.Exp(m.logProbs(p.Center)[t])
		v.DeltaNorm = v.LR * v.DENorm
		v.EpochEnd = m.loop.EpochEnded()
		if v.EpochEnd {
			v.EpochShown = v.Epoch
		}
	}
	return v
}
