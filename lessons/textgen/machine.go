package textgen

import (
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/data/opticks"
	"github.com/dlearn/dlearn/engine/optim"
	"github.com/dlearn/dlearn/engine/tensor"
	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/trainer"
)

// config is a run's settings.
type config struct {
	lr          float64
	epochs      int
	temperature float64
	topK        int
	pos         int // 1-based position in the example window the bars are for
}

// point is the model measured every CurveEvery steps: the mean batch loss
// of those steps, the loss on the first CurveWindows validation windows
// and a short sample.
type point struct {
	Step        int
	Train, Val  float64
	Sample      string
	Temperature float64
	TopK        int
}

// eval is the model measured at the end of an epoch (and before
// training): the loss on the whole validation text, a long sample and the
// share of its words that are words of the corpus, and the share of dead
// ReLU units.
type eval struct {
	Step     int
	Val      float64
	Text     string
	WordRate float64
	Words    int
	// LongRate is the share of real words among the sample's LongWords
	// words of four letters or more.
	LongRate  float64
	LongWords int
	Dead      float64
}

// corpus is the lesson's text as ids, split once for every run.
type corpus struct {
	alphabet   []byte
	index      [256]int
	train, val []int
	vocab      map[string]bool // the corpus's words
	example    []int           // Ctx+1 ids from the validation text
}

var text = newCorpus()

func newCorpus() *corpus {
	s := opticks.Text()
	c := &corpus{alphabet: opticks.Alphabet(), vocab: map[string]bool{}}
	for i, b := range c.alphabet {
		c.index[b] = i
	}
	cut := len(s) - len(s)/10
	c.train, c.val = c.encode(s[:cut]), c.encode(s[cut:])
	for _, w := range opticks.Words(s) {
		c.vocab[w] = true
	}
	// The example starts at the first paragraph of the validation text.
	at := 0
	for i, id := range c.val {
		if c.alphabet[id] == '\n' {
			at = i + 1
			break
		}
	}
	c.example = c.val[at : at+Ctx+1]
	return c
}

func (c *corpus) encode(s string) []int {
	ids := make([]int, len(s))
	for i := range len(s) {
		ids[i] = c.index[s[i]]
	}
	return ids
}

func (c *corpus) decode(ids []int) string {
	b := make([]byte, len(ids))
	for i, id := range ids {
		b[i] = c.alphabet[id]
	}
	return string(b)
}

// windows is how many windows of Ctx ids with their Ctx targets ids
// holds, one after another.
func windows(ids []int) int { return (len(ids) - 1) / Ctx }

// window returns window w of ids and its targets (each id's successor).
func window(ids []int, w int) (in, next []int) {
	return ids[w*Ctx : (w+1)*Ctx], ids[w*Ctx+1 : (w+1)*Ctx+1]
}

// machine trains the decoder on the corpus with the shared loop: one
// forward op or backward node, one training step, one epoch, the end.
type machine struct {
	seed   uint64
	cfg    config
	dec    *decoder
	params []*autograd.Var
	opt    optim.Optimizer
	loop   trainer.Loop

	// The current training step: its windows, targets and logits.
	ids, labels []int
	logits      *autograd.Var

	curve []point // step 0, then every CurveEvery steps
	evals []eval  // before training, then after every epoch
	mined mineState
	// pending is the curve's point being measured beside training, if
	// any: settle files it in curve before anything reads it.
	pending *pendingPoint
}

// pendingPoint is a curve point measured on its own goroutine; p is
// written once, before the work ends.
type pendingPoint struct {
	work *trainer.Background
	p    point
}

// measurer returns a machine that measures the model as m would now
// (measure, evaluate), on its own copy of the decoder with fused ops, so
// that it can run beside training or beside another measurer. It never
// trains, and has no learner's code to check (mine mode measures on m
// itself).
func (m *machine) measurer() *machine {
	c := &machine{seed: m.seed, cfg: m.cfg, dec: m.dec.copy(true)}
	c.loop.Step = m.loop.Step
	return c
}

// settle waits for the curve point measured beside training, if any, and
// files it.
func (m *machine) settle() {
	if p := m.pending; p != nil {
		m.pending = nil
		p.work.Wait()
		m.curve = append(m.curve, p.p)
	}
}

func newMachine(seed uint64, cfg config) *machine {
	m := &machine{seed: seed, cfg: cfg}
	m.dec = newDecoder(len(text.alphabet), Ctx, Dim, Layers, Heads, tensor.NewRNG(seed+2))
	m.params = m.dec.params()
	opt, err := optim.New("adam", cfg.lr)
	if err != nil {
		panic("textgen: " + err.Error()) // lr was validated by the control
	}
	m.opt = opt
	m.loop = trainer.Loop{
		N: windows(text.train), Batch: Batch, Epochs: cfg.epochs, ShuffleSeed: seed,
		Params: m.params, Start: m.startStep,
		EndEpoch: func() { m.evals = append(m.evals, m.evaluateFast()) },
		Recycle:  true, // compact keeps a copy of the loss, nothing else of a step
	}
	key := startKey{seed, cfg.temperature, cfg.topK}
	if s, ok := starts.Load(key); ok {
		st := s.(start)
		m.curve, m.evals = []point{st.p}, []eval{st.e}
	} else {
		m.curve = []point{m.measurer().measure(0, math.NaN())}
		m.evals = []eval{m.evaluateFast()}
		starts.Store(key, start{m.curve[0], m.evals[0]})
	}
	return m
}

// starts caches the measurements of untrained models, which depend only
// on the seed and the sampler's settings: a look-ahead or a step back
// makes a new machine, and measuring it again would cost half a second.
var starts sync.Map // startKey → start

type startKey struct {
	seed        uint64
	temperature float64
	topK        int
}

type start struct {
	p point
	e eval
}

// Set implements lessons.Machine.
func (m *machine) Set(name, value string) {
	s := lessons.Settings{name: value}
	switch name {
	case "lr":
		m.opt.SetLearningRate(s.Float(name))
	case "temperature":
		m.cfg.temperature = s.Float(name)
	case "topk":
		m.cfg.topK = s.Int(name)
	case "pos":
		m.cfg.pos = s.Int(name)
	}
}

// Done implements lessons.Machine.
func (m *machine) Done() bool { return m.loop.Done() }

// Advance implements lessons.Machine. A finished step's tape is let go
// (see compact), so that the snapshots kept for stepping back stay small
// and can be saved (lessons.Persister).
func (m *machine) Advance(g lessons.Granularity) {
	m.loop.Advance(g)
	if m.loop.Cur.Phase == trainer.Updated && m.loop.Cur.Tape.Len() > 0 {
		m.compact()
	}
}

// opsPerStep is the number of ops of a training step: 56 forward nodes,
// 56 backward nodes and the update.
const opsPerStep = 2*56 + 1

// compact replaces the cursor of a finished step with one that holds only
// what the scenes between steps read (the loss). The full cursor keeps
// every activation and gradient of the step alive, and a snapshot that
// holds it cannot be saved.
func (m *machine) compact() {
	cur := &m.loop.Cur
	*cur = cur.Settled() // a copy of the loss: the tape is recycled (Loop.Recycle)
	m.logits = nil
}

// Progress implements lessons.Progresser.
func (m *machine) Progress() (step, epoch int) { return m.loop.Step, m.loop.Epoch }

// startStep records one training step on the batch of windows rows: the
// logits at every position and the mean cross-entropy against the next
// characters; the update applies Adam and, every CurveEvery steps,
// measures the model.
func (m *machine) startStep(rows []int) (func(*autograd.Tape) *autograd.Var, func()) {
	m.ids, m.labels = batch(rows)
	build := func(tp *autograd.Tape) *autograd.Var {
		m.logits = m.dec.forward(tp, m.ids, Ctx)
		return tp.SoftmaxCrossEntropy(m.logits, m.labels).Named("L")
	}
	update := func() {
		m.opt.Step(m.params)
		step := m.loop.Step + 1 // the loop counts it after the update
		if step%CurveEvery == 0 {
			losses := append(m.loop.Losses[len(m.loop.Losses)-(CurveEvery-1):], m.loop.Cur.Loss.Item())
			m.settle()
			if m.sampleImpl() != nil {
				// Mine mode: the learner's sampler draws the sample and
				// may stop the run here.
				m.curve = append(m.curve, m.measure(step, mean(losses)))
				return
			}
			// Beside the training steps (or ops) that follow (the
			// second core is idle for most of a step), on a copy of the
			// model as it is now; settle joins it where the curve is
			// read (the next point, Scene, Snapshot), so what they see
			// is what measuring in place would give.
			c, train := m.measurer(), mean(losses)
			p := &pendingPoint{}
			p.work = trainer.Go(func() { p.p = c.measure(step, train) })
			m.pending = p
		}
	}
	return build, update
}

// batch returns the training windows rows and their targets, one after
// another.
func batch(rows []int) (ids, labels []int) {
	for _, r := range rows {
		in, next := window(text.train, r)
		ids = append(ids, in...)
		labels = append(labels, next...)
	}
	return ids, labels
}

// measure is the curve's point after step (train: the mean batch loss
// of the last CurveEvery steps, NaN before training).
func (m *machine) measure(step int, train float64) point {
	var loss float64
	n := min(CurveWindows, windows(text.val))
	for w0 := 0; w0 < n; w0 += EvalBatch {
		l, _ := m.lossOn(text.val, w0, min(w0+EvalBatch, n), nil)
		loss += l
	}
	return point{Step: step, Train: train, Val: loss / float64(n*Ctx),
		Sample:      m.sampleOf(fmt.Sprintf("sample after step %d", step), SampleLen, m.sampleRNG(step, 1)),
		Temperature: m.cfg.temperature, TopK: m.cfg.topK}
}

// lossOn returns the summed cross-entropy of windows w0 … w1−1 of ids,
// marking in alive the ReLU units (per block) that were positive
// anywhere, if alive is not nil.
func (m *machine) lossOn(ids []int, w0, w1 int, alive [][]bool) (float64, int) {
	var in, next []int
	for w := w0; w < w1; w++ {
		a, b := window(ids, w)
		in, next = append(in, a...), append(next, b...)
	}
	rec := measureTapes.Get()
	defer measureTapes.Put(rec)
	tp := rec.NoGrad()
	loss := tp.SoftmaxCrossEntropy(m.dec.forward(tp, in, Ctx), next).Item()
	if alive != nil {
		for l, h := range m.dec.relu {
			units := h.Shape[len(h.Shape)-1]
			for i, v := range h.Data {
				if v > 0 {
					alive[l][i%units] = true
				}
			}
		}
	}
	return loss * float64(len(next)), len(next)
}

// measureTapes are the recycling tapes of the measurements' forward
// passes: one for a curve point beside training, two for an evaluation's
// loss and sample side by side.
var measureTapes = trainer.TapePool{Keep: 3}

// evaluateFast is evaluate, with the passes over the validation text
// (EvalBatch windows each) and the long sample shared out between the
// cores, each core on a measurer of its own (outside mine mode, whose
// sample the learner's code draws on m itself). The batches' parts are
// combined by evalOf, as in evalLoss, so the evaluation is evaluate's to
// the bit.
func (m *machine) evaluateFast() eval {
	if m.sampleImpl() != nil {
		return m.evaluate()
	}
	batches := evalBatches()
	// Task 0 is the sample, the longest, so that it starts first; task
	// b+1 is the loss of batch b.
	tasks := 1 + batches
	workers := min(runtime.GOMAXPROCS(0), tasks)
	free := make(chan *machine, workers)
	for range workers {
		free <- m.measurer()
	}
	parts := make([]lossPart, batches)
	var sample string
	trainer.Chunks(tasks, func(i int) {
		c := <-free
		defer func() { free <- c }()
		if i == 0 {
			sample = c.evalSample()
			return
		}
		parts[i-1] = c.lossPart(i - 1)
	})
	ev := m.evalOf(parts)
	ev.setSample(sample)
	return ev
}

// evaluate measures the model on the whole validation text and samples
// WordSample characters with the current temperature and top-k.
func (m *machine) evaluate() eval {
	ev := m.evalLoss()
	ev.setSample(m.evalSample())
	return ev
}

// evalSample is the evaluation's long sample.
func (m *machine) evalSample() string {
	return m.sampleOf(fmt.Sprintf("long sample after step %d", m.loop.Step), WordSample, m.sampleRNG(m.loop.Step, 2))
}

// setSample sets the evaluation's long sample and its word rates.
func (ev *eval) setSample(s string) {
	ev.Text = s
	ev.WordRate, ev.Words = WordRate(ev.Text[len(Prompt):], text.vocab)
	ev.LongRate, ev.LongWords = WordRateMin(ev.Text[len(Prompt):], text.vocab, 4)
}

// evalLoss is the evaluation without its sample: the loss on the whole
// validation text and the share of dead units.
func (m *machine) evalLoss() eval {
	parts := make([]lossPart, evalBatches())
	for b := range parts {
		parts[b] = m.lossPart(b)
	}
	return m.evalOf(parts)
}

// lossPart is the loss on one batch of validation windows: its sum over
// the batch's characters, their count, and the feed-forward units the
// batch found alive.
type lossPart struct {
	sum   float64
	count int
	alive [][]bool
}

// evalBatches is the number of batches (EvalBatch windows each) of the
// validation text.
func evalBatches() int { return (windows(text.val) + EvalBatch - 1) / EvalBatch }

// lossPart measures batch b of the validation text.
func (m *machine) lossPart(b int) lossPart {
	alive := newAlive()
	s, k := m.lossOn(text.val, b*EvalBatch, min((b+1)*EvalBatch, windows(text.val)), alive)
	return lossPart{s, k, alive}
}

// evalOf is the evaluation (without its sample) of the batches' parts:
// their losses added up in batch order and their live units joined,
// whoever measured them.
func (m *machine) evalOf(parts []lossPart) eval {
	alive := newAlive()
	var sum float64
	var count int
	for _, p := range parts {
		sum, count = sum+p.sum, count+p.count
		for l := range alive {
			for u, on := range p.alive[l] {
				alive[l][u] = alive[l][u] || on
			}
		}
	}
	return eval{Step: m.loop.Step, Val: sum / float64(count), Dead: deadShare(alive)}
}

// newAlive returns the marks of live feed-forward units, per block, all
// unset.
func newAlive() [][]bool {
	alive := make([][]bool, Layers)
	for l := range alive {
		alive[l] = make([]bool, 4*Dim)
	}
	return alive
}

// deadShare is the share of the units that alive leaves unmarked.
func deadShare(alive [][]bool) float64 {
	dead := 0
	for _, a := range alive {
		for _, on := range a {
			if !on {
				dead++
			}
		}
	}
	return float64(dead) / float64(Layers*4*Dim)
}

// sampleRNG is the random source of a sample taken after step: the same
// for the same seed and step, whatever happened before.
func (m *machine) sampleRNG(step, kind int) func() float64 {
	rng := tensor.NewRNG(m.seed*1_000_003 + uint64(step)*4 + uint64(kind) + 7)
	return rng.Float64
}

// generate continues prompt by n characters drawn with the current
// temperature and top-k, the model seeing at most the last Ctx
// characters, and returns the prompt and its continuation.
func (m *machine) generate(prompt string, n int, u func() float64) string {
	ids := text.encode(prompt)
	for range n {
		ctx := ids[max(0, len(ids)-Ctx):]
		logits := m.nextLogits(ctx)
		ids = append(ids, Sample(logits, m.cfg.temperature, m.cfg.topK, u()))
	}
	return text.decode(ids)
}

// nextLogits returns the model's scores for the character after ctx
// (1 … Ctx ids): those of nextLogitsAll's last position, bit for bit,
// computed past the keys and values at that position only
// (decoder.forwardLast).
func (m *machine) nextLogits(ctx []int) []float64 {
	rec := measureTapes.Get()
	defer measureTapes.Put(rec)
	return slices.Clone(m.dec.forwardLast(rec.NoGrad(), ctx).Value.Data)
}

// nextLogitsAll returns the model's scores [len(ctx)·vocab] for the
// character after each prefix of ctx (1 … Ctx ids).
func (m *machine) nextLogitsAll(ctx []int) []float64 {
	rec := measureTapes.Get()
	defer measureTapes.Put(rec)
	return slices.Clone(m.dec.forward(rec.NoGrad(), ctx, len(ctx)).Value.Data)
}

// prediction is the model on the example window: the probabilities of
// the next character at every position, and every head's attention map
// in the first block.
type prediction struct {
	Probs [][]float64 // [Ctx][vocab]
	Maps  [][]float64 // [heads][Ctx·Ctx]
	Loss  float64     // mean cross-entropy over the window
}

func (m *machine) predict() prediction {
	in, next := text.example[:Ctx], text.example[1:]
	tp := autograd.NoGradTape()
	logits := m.dec.forward(tp, in, Ctx)
	v := len(text.alphabet)
	p := prediction{Loss: tp.SoftmaxCrossEntropy(logits, next).Item()}
	for i := range Ctx {
		p.Probs = append(p.Probs, Distribution(logits.Value.Data[i*v:(i+1)*v], 1, 0))
	}
	w := m.dec.blocks[0].mha.Weights // [1 heads T T]
	for h := range Heads {
		p.Maps = append(p.Maps, slices.Clone(w.Data[h*Ctx*Ctx:(h+1)*Ctx*Ctx]))
	}
	return p
}

func mean(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

// snapshot is the machine between training steps (lessons.Snapshotter).
type snapshot struct {
	cfg   config
	loop  trainer.Snapshot
	curve []point
	evals []eval
	// diverged is the loop's: a diverged run's snapshot is not saved
	// (persist.go), since the loop's encoding leaves out its autopsy.
	diverged bool
	// stopped: mine mode stopped the run (its last sample may be cut
	// short); such a snapshot is not saved either.
	stopped bool
	mined   mineState
}

// Snapshot implements lessons.Snapshotter.
func (m *machine) Snapshot() (any, bool) {
	m.settle()
	s, ok := m.loop.Snapshot(m.opt)
	if !ok {
		return nil, false
	}
	return snapshot{cfg: m.cfg, loop: s, curve: slices.Clone(m.curve), evals: slices.Clone(m.evals), diverged: m.loop.Diverged,
		stopped: m.loop.MineStopped, mined: m.mined}, true
}

// Restore implements lessons.Snapshotter.
func (m *machine) Restore(state any) {
	s := state.(snapshot)
	if p := m.pending; p != nil {
		m.pending = nil
		p.work.Wait() // its passes use pooled tapes: let them end
	}
	m.cfg = s.cfg
	m.opt = m.loop.Restore(s.loop)
	m.curve, m.evals = slices.Clone(s.curve), slices.Clone(s.evals)
	m.mined = s.mined
	m.ids, m.labels, m.logits = nil, nil, nil
	if m.loop.Rows != nil {
		m.ids, m.labels = batch(m.loop.Rows)
	}
}

// Instruments implements lessons.Instrumented: the loop reports on
// training (health gauges, divergence autopsy, gradient check).
func (m *machine) Instruments() lessons.Instruments { return &m.loop }
