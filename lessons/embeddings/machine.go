package embeddings

import (
	"math"
	"slices"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/data"
	"github.com/dlearn/dlearn/engine/nn"
	"github.com/dlearn/dlearn/engine/optim"
	"github.com/dlearn/dlearn/engine/tensor"
	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/trainer"
)

// Topics are the names of data.CorpusTopics in the order the lesson
// colours them.
var Topics = []string{"animals", "food", "colours", "numbers"}

// topicLabel is each topic's name on the stage, singular so that the
// projection's legend fits half a stage.
var topicLabel = []string{"animal", "food", "colour", "number"}

// config holds the lesson's settings.
type config struct {
	dim, window, epochs int
	lr                  float64
	probe               string
}

// machine is the lesson's state machine: the corpus and its skip-gram
// pairs, the engine's embedding table and output layer, the optimizer and
// the loop that walks one pair per training step.
type machine struct {
	words      *data.Words
	windowSize int
	pairs      []data.SkipGram
	// counts[c*V+o] is how often o occurs in the window of centre c, and
	// centreN[c] how many pairs have centre c.
	counts  []float64
	centreN []float64
	topic   []int // index into Topics of each word id, −1 for none

	emb  *nn.Embedding // E [V d]
	out  *nn.Dense     // U [d V] and b [V]
	opt  *optim.SGD
	loop trainer.Loop

	// safe holds E, U and b as they were before the last update: when
	// that update made a parameter NaN or infinite, the scenes show safe
	// instead (a diverged run shows no NaN).
	safe [3][]float64

	probe                 string
	epochLoss             []float64 // loss over all pairs after each epoch
	startLoss, bestLoss   float64
	uniformLoss           float64 // log V: the loss of a uniform guess
	startAgree, topicWord int     // topic words whose nearest neighbour shares their topic, at the start; topic words
	// agreeN is topicAgreement for the parameters after the training
	// step agreeAt encodes (see agreement); agreeAt 0 is none.
	agreeAt, agreeN int
}

func newMachine(seed uint64, c config) *machine {
	sents := data.Corpus()
	words := data.NewWords(sents)
	v := words.Size()
	m := &machine{
		words: words, windowSize: c.window,
		pairs: data.SkipGrams(words.IDs(sents), c.window),
		probe: c.probe, uniformLoss: math.Log(float64(v)),
	}
	m.counts, m.centreN = make([]float64, v*v), make([]float64, v)
	for _, p := range m.pairs {
		m.counts[p.Center*v+p.Context]++
		m.centreN[p.Center]++
	}
	for i, n := range m.counts {
		if n > 0 {
			m.bestLoss -= n * math.Log(n/m.centreN[i/v])
		}
	}
	m.bestLoss /= float64(len(m.pairs))
	m.topic = make([]int, v)
	for i := range m.topic {
		m.topic[i] = -1
	}
	for k, name := range Topics {
		for _, w := range data.CorpusTopics[name] {
			m.topic[words.Index[w]] = k
			m.topicWord++
		}
	}

	rng := tensor.NewRNG(seed)
	m.emb = nn.NewEmbedding("E", v, c.dim, rng)
	m.emb.W.Named("E")
	m.out = nn.NewDense("out", c.dim, v, rng)
	m.out.W.Named("U")
	m.out.B.Named("b")
	m.opt = optim.NewSGD(c.lr)
	m.loop = trainer.Loop{
		N: len(m.pairs), Batch: 1, Epochs: c.epochs, ShuffleSeed: seed,
		Params: m.params(), Start: m.startStep,
		EndEpoch: func() { m.epochLoss = append(m.epochLoss, m.fullLoss()) },
	}
	m.startLoss = m.fullLoss()
	m.startAgree = m.agreement()
	return m
}

func (m *machine) params() []*autograd.Var {
	return []*autograd.Var{m.emb.W, m.out.W, m.out.B}
}

// Set implements lessons.Machine: the learning rate and the probe word
// take effect at once.
func (m *machine) Set(name, value string) {
	switch name {
	case "lr":
		m.opt.LR = lessons.Settings{"lr": value}.Float("lr")
	case "probe":
		m.probe = value
	}
}

func (m *machine) Done() bool                    { return m.loop.Done() }
func (m *machine) Advance(g lessons.Granularity) { m.loop.Advance(g) }

// pair is the current step's training pair (the zero pair before the
// first step).
func (m *machine) pair() data.SkipGram {
	if m.loop.Rows == nil {
		return data.SkipGram{}
	}
	return m.pairs[m.loop.Rows[0]]
}

// startStep records the forward pass of one pair (c, t):
// e = E[c], z = e·U + b, L = −log softmax(z)[t], one named node per op.
func (m *machine) startStep(rows []int) (func(*autograd.Tape) *autograd.Var, func()) {
	p := m.pairs[rows[0]]
	build := func(tp *autograd.Tape) *autograd.Var {
		e := tp.Embedding(m.emb.W, []int{p.Center}).Named("e")
		eu := tp.MatMul(e, m.out.W).Named("eU")
		z := tp.Add(eu, m.out.B).Named("z")
		lp := tp.LogSoftmax(z).Named("log p")
		lpt := tp.IndexSelect(lp, 1, []int{p.Context}).Named("log pₜ")
		return tp.Neg(lpt).Named("L")
	}
	return build, func() {
		for i, p := range m.params() {
			m.safe[i] = append(m.safe[i][:0], p.Value.Data...)
		}
		m.opt.Step(m.params())
	}
}

// weights returns the data of E, U and b that the scenes show: the live
// parameters, or, once an update has broken them, those before it. (The
// loop stops at a non-finite parameter after an update, or at a
// non-finite loss at the start of a step, with finite parameters.)
func (m *machine) weights() (e, u, b []float64) {
	if m.loop.Diverged && m.loop.Cur.Phase == trainer.Updated {
		return m.safe[0], m.safe[1], m.safe[2]
	}
	return m.emb.W.Value.Data, m.out.W.Value.Data, m.out.B.Value.Data
}

// explodeAt is the parameter magnitude beyond which the run is shown as
// exploding: a healthy run keeps every entry of E, U and b within a few
// units, and much larger ones overflow the scenes' own computations
// (every logit of every word) long before the training step's.
const explodeAt = 1e6

// explodeLoss: a loss over all pairs this many times log V (the uniform
// guess) means the run is exploding too; training never gets near it.
const explodeLoss = 10

// largest is the largest magnitude among the shown parameters.
func (m *machine) largest() float64 { return maxAbs(m.weights()) }

// dim is the embedding size d.
func (m *machine) dim() int { return m.emb.W.Value.Shape[1] }

// logProbs returns log p(·|c) under the parameters the scenes show.
func (m *machine) logProbs(c int) []float64 {
	v := m.words.Size()
	_, u, b := m.weights()
	e := m.row(c)
	z := slices.Clone(b)
	for i, ei := range e {
		for j := range v {
			z[j] += ei * u[i*v+j]
		}
	}
	mx := slices.Max(z)
	s := 0.0
	for _, x := range z {
		s += math.Exp(x - mx)
	}
	lse := mx + math.Log(s)
	for j := range z {
		z[j] -= lse
	}
	return z
}

// fullLoss is the mean cross-entropy over every pair of the corpus with
// the current parameters.
func (m *machine) fullLoss() float64 {
	v := m.words.Size()
	s := 0.0
	for c, n := range m.centreN {
		if n == 0 {
			continue
		}
		lp := m.logProbs(c)
		for o, k := range m.counts[c*v : (c+1)*v] {
			if k > 0 {
				s -= k * lp[o]
			}
		}
	}
	return s / float64(len(m.pairs))
}

// snapshot is the machine between training steps (lessons.Snapshotter).
type snapshot struct {
	loop      trainer.Snapshot
	epochLoss []float64
	probe     string
	safe      [3][]float64
}

// Snapshot implements lessons.Snapshotter.
func (m *machine) Snapshot() (any, bool) {
	s, ok := m.loop.Snapshot(m.opt)
	if !ok {
		return nil, false
	}
	st := snapshot{loop: s, epochLoss: slices.Clone(m.epochLoss), probe: m.probe}
	for i, w := range m.safe {
		st.safe[i] = slices.Clone(w)
	}
	return st, true
}

// Restore implements lessons.Snapshotter.
func (m *machine) Restore(state any) {
	s := state.(snapshot)
	m.opt = m.loop.Restore(s.loop).(*optim.SGD)
	m.epochLoss = slices.Clone(s.epochLoss)
	m.probe = s.probe
	m.agreeAt = 0
	for i, w := range s.safe {
		m.safe[i] = slices.Clone(w)
	}
}

// Instruments implements lessons.Instrumented: the loop reports on training.
func (m *machine) Instruments() lessons.Instruments { return &m.loop }

// Mined implements lessons.Miner: mine mode checks the loss of each pair,
// −log softmax(z)[context], with softmax.CrossEntropy and its gradient at
// z with softmax.Grad. (The skipgram exercise's negative sampling is not
// this lesson's full softmax: it is not checked here.)
func (m *machine) Mined() lessons.MineChecker { return &m.loop }
