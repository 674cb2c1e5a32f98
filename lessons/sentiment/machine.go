package sentiment

import (
	"slices"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/data/sentiment"
	"github.com/dlearn/dlearn/engine/optim"
	"github.com/dlearn/dlearn/engine/tensor"
	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/trainer"
)

// config holds the settings a run starts with.
type config struct {
	lr             float64
	epochs, hidden int
	pool           string
}

// machine is the lesson's state machine: the sentences, the two models
// each with its own Adam and its own trainer.Loop — the bag of
// embeddings first, then the sequence model — and what is measured after
// every epoch.
type machine struct {
	seed  uint64
	cfg   config
	data  *sentiment.Set
	vocab *sentiment.Vocab
	// cases are the test sentences of the negation and contrast kinds
	// (indices into data.Test), the table's rows; pick is the one whose
	// weights the bars show.
	cases []int
	pick  int

	bag       *bagNet
	seq       *seqNet
	bagOpt    *optim.Adam
	seqOpt    *optim.Adam
	bagLoop   trainer.Loop
	seqLoop   trainer.Loop
	lr        float64
	rec       *record // the current (or last) training step's forward pass
	hist      history
	set       lessons.Settings
	seqParams []*autograd.Var
}

// history is what has been measured, entry 0 of each slice being the
// untrained model. Evaluations are never changed once made, so snapshots
// share them.
type history struct {
	bagTest, seqTest []*eval // on the test sentences, after each epoch
	bagVal, seqVal   []float64
	// sat is the share of the GRU's gate and candidate units that were
	// saturated for every sentence and word of the last training step.
	sat float64
}

func (h history) clone() history {
	h.bagTest, h.seqTest = slices.Clone(h.bagTest), slices.Clone(h.seqTest)
	h.bagVal, h.seqVal = slices.Clone(h.bagVal), slices.Clone(h.seqVal)
	return h
}

func newMachine(seed uint64, cfg config) *machine {
	d := sentiment.MustLoad()
	m := &machine{seed: seed, cfg: cfg, data: d, vocab: sentiment.NewVocab(d.Train), lr: cfg.lr}
	m.cases = testCases()
	rng := tensor.NewRNG(seed + 1)
	m.bag = newBag(m.vocab.Size(), rng)
	m.seq = newSeq(m.vocab.Size(), cfg.hidden, cfg.pool, rng)
	m.seqParams = m.seq.params()
	m.bagOpt, m.seqOpt = optim.NewAdam(cfg.lr), optim.NewAdam(cfg.lr)
	n := len(d.Train)
	m.bagLoop = trainer.Loop{N: n, Batch: Batch, Epochs: cfg.epochs, ShuffleSeed: seed,
		Params: m.bag.params(), Start: m.starter(m.bag, &m.bagOpt), EndEpoch: m.endBagEpoch}
	m.seqLoop = trainer.Loop{N: n, Batch: Batch, Epochs: cfg.epochs, ShuffleSeed: seed + 1,
		Params: m.seqParams, Start: m.starter(m.seq, &m.seqOpt), EndEpoch: m.endSeqEpoch}
	m.measureBag()
	m.measureSeq()
	return m
}

// starter returns a loop's Start: the forward pass of the batch's
// sentences through model, and Adam's update.
func (m *machine) starter(mod model, opt **optim.Adam) func(rows []int) (func(*autograd.Tape) *autograd.Var, func()) {
	return func(rows []int) (func(*autograd.Tape) *autograd.Var, func()) {
		b := encode(m.vocab, m.data.Train, rows)
		params := mod.params()
		build := func(tp *autograd.Tape) *autograd.Var {
			m.rec = mod.forward(tp, b)
			return m.rec.loss
		}
		return build, func() { (*opt).Step(params) }
	}
}

func (m *machine) measureBag() {
	m.hist.bagTest = append(m.hist.bagTest, evaluate(m.bag, m.vocab, m.data.Test))
	m.hist.bagVal = append(m.hist.bagVal, evaluate(m.bag, m.vocab, m.data.Val).loss)
}

func (m *machine) measureSeq() {
	m.hist.seqTest = append(m.hist.seqTest, evaluate(m.seq, m.vocab, m.data.Test))
	m.hist.seqVal = append(m.hist.seqVal, evaluate(m.seq, m.vocab, m.data.Val).loss)
}

func (m *machine) endBagEpoch() {
	if !m.bagLoop.Diverged {
		m.measureBag()
	}
}

func (m *machine) endSeqEpoch() {
	if !m.seqLoop.Diverged {
		m.measureSeq()
		m.hist.sat = saturated(m.seqLoop.Cur.Tape, m.cfg.hidden)
	}
}

// saturated is the share of the GRU's units — the reset and update gates
// (sigmoid) and the candidate (tanh), hidden of each — whose derivative
// is below 1% of its largest value for every sentence and time step of
// the step recorded on tp.
func saturated(tp *autograd.Tape, hidden int) float64 {
	if tp == nil {
		return 0
	}
	// Per kind of unit (r, z, n) and unit: still alive somewhere?
	alive := make([]bool, 3*hidden)
	k := 0 // which of the cell's three activations comes next
	for _, nd := range tp.Nodes() {
		op := nd.Op
		if op != "sigmoid" && op != "tanh" {
			continue
		}
		v := nd.Out.Value
		if len(v.Shape) != 2 || v.Shape[1] != hidden {
			continue
		}
		kind := k % 3
		k++
		for i, y := range v.Data {
			d := 1 - y*y // tanh'
			limit := 0.01
			if op == "sigmoid" {
				d, limit = y*(1-y), 0.0025
			}
			if d >= limit {
				alive[kind*hidden+i%hidden] = true
			}
		}
	}
	if k == 0 {
		return 0
	}
	dead := 0
	for _, a := range alive {
		if !a {
			dead++
		}
	}
	return float64(dead) / float64(len(alive))
}

// Set implements lessons.Machine: the learning rate applies from the next
// update on, the sentence shown at once.
func (m *machine) Set(name, value string) {
	m.set = m.set.Clone()
	m.set[name] = value
	switch name {
	case "lr":
		m.lr = lessons.Settings{"lr": value}.Float("lr")
		m.bagOpt.LR, m.seqOpt.LR = m.lr, m.lr
	case "sentence":
		m.pick = lessons.Settings{"sentence": value}.Int("sentence")
	}
}

// inBag reports whether the run is still training the bag model.
func (m *machine) inBag() bool { return !m.bagLoop.Done() }

// loop is the loop being trained now.
func (m *machine) loop() *trainer.Loop {
	if m.inBag() {
		return &m.bagLoop
	}
	return &m.seqLoop
}

// Done implements lessons.Machine. A bag model that diverged, or that
// mine mode stopped, ends the run before the sequence model trains.
func (m *machine) Done() bool { return m.bagStopped() || m.seqLoop.Done() }

// bagStopped reports whether the bag model's training stopped early: it
// diverged, or the learner's code disagreed with the engine's (mine mode).
func (m *machine) bagStopped() bool { return m.bagLoop.Diverged || m.bagLoop.MineStopped }

// Progress implements lessons.Progresser: steps and epochs of both
// models, the bag's first.
func (m *machine) Progress() (step, epoch int) {
	return m.bagLoop.Step + m.seqLoop.Step, m.bagLoop.Epoch + m.seqLoop.Epoch
}

// Advance implements lessons.Machine. Step and Epoch move whichever model
// is training; End trains both. At Op granularity the sequence model's
// GRU goes one time step per op (its dozen engine ops together), forward
// and back; every other node is an op of its own.
func (m *machine) Advance(g lessons.Granularity) {
	switch g {
	case lessons.End:
		m.bagLoop.Advance(lessons.End)
		if !m.bagStopped() {
			m.seqLoop.Advance(lessons.End)
		}
		return
	case lessons.Step, lessons.Epoch:
		m.loop().Advance(g)
		return
	}
	l := m.loop()
	if l.Done() {
		return
	}
	l.Advance(lessons.Op)
	if l == &m.bagLoop {
		return
	}
	switch l.Cur.Phase {
	case trainer.Forward:
		grp := m.rec.group(l.Cur.Fwd - 1)
		for l.Cur.Fwd < l.Cur.Tape.Len() && m.rec.group(l.Cur.Fwd) == grp {
			l.Advance(lessons.Op)
		}
	case trainer.Backward:
		i := bwdNode(l)
		first := m.rec.start(m.rec.group(i))
		for i > first && l.Cur.Phase == trainer.Backward {
			l.Advance(lessons.Op)
			if l.Cur.Phase == trainer.Backward {
				i = bwdNode(l)
			}
		}
	}
}

// bwdNode is the tape index of the node the backward pass revealed last.
func bwdNode(l *trainer.Loop) int {
	st := l.Cur.Steps
	return st[len(st)-1].Node.Index
}

// Measures implements lessons.Measurer. The goal is the sequence model's
// test accuracy; the loss history is the sequence model's (its batch
// losses averaged over tenths of an epoch), the validation losses its
// per-epoch ones; both models' accuracies on the negation and contrast
// sentences are reported beside it.
func (m *machine) Measures() lessons.Measures {
	bt, st := m.bagNow(), m.seqNow()
	v := map[string]float64{
		"seq_test_acc":          st.acc,
		"bag_test_acc":          bt.acc,
		"seq_negation_acc":      st.byKind[sentiment.Negation],
		"bag_negation_acc":      bt.byKind[sentiment.Negation],
		"seq_contrast_acc":      st.byKind[sentiment.Contrast],
		"bag_contrast_acc":      bt.byKind[sentiment.Contrast],
		lessons.SignalSaturated: m.hist.sat,
	}
	ms := lessons.Measures{Values: v}
	if m.seqLoop.Step > 0 {
		ms.Loss = chunked(m.seqLoop.Losses, max(m.seqLoop.StepsPerEpoch()/10, 1))
		ms.Val = m.hist.seqVal[1:]
	}
	return ms
}

// chunked averages xs over consecutive chunks of n (the last may be
// shorter).
func chunked(xs []float64, n int) []float64 {
	var out []float64
	for i := 0; i < len(xs); i += n {
		s, c := 0.0, 0
		for _, x := range xs[i:min(i+n, len(xs))] {
			s += x
			c++
		}
		out = append(out, s/float64(c))
	}
	return out
}

// bagNow and seqNow are the latest test evaluations.
func (m *machine) bagNow() *eval { return m.hist.bagTest[len(m.hist.bagTest)-1] }
func (m *machine) seqNow() *eval { return m.hist.seqTest[len(m.hist.seqTest)-1] }

// snapshot is the machine between training steps (lessons.Snapshotter).
type snapshot struct {
	bag, seq trainer.Snapshot
	lr       float64
	pick     int
	rec      *record
	hist     history
	set      lessons.Settings
}

// Snapshot implements lessons.Snapshotter.
func (m *machine) Snapshot() (any, bool) {
	b, ok1 := m.bagLoop.Snapshot(m.bagOpt)
	s, ok2 := m.seqLoop.Snapshot(m.seqOpt)
	if !ok1 || !ok2 {
		return nil, false
	}
	return snapshot{bag: b, seq: s, lr: m.lr, pick: m.pick, rec: m.rec, hist: m.hist.clone(), set: m.set}, true
}

// Restore implements lessons.Snapshotter. A record is never changed once
// its step has begun, so it is shared.
func (m *machine) Restore(state any) {
	s := state.(snapshot)
	m.bagOpt = m.bagLoop.Restore(s.bag).(*optim.Adam)
	m.seqOpt = m.seqLoop.Restore(s.seq).(*optim.Adam)
	m.lr, m.pick, m.rec, m.hist, m.set = s.lr, s.pick, s.rec, s.hist.clone(), s.set
}

// Instruments implements lessons.Instrumented: the loop being trained now
// reports on training, or the bag model's once it stopped the run.
func (m *machine) Instruments() lessons.Instruments { return m.reporting() }

// reporting is the loop whose instruments and mine report the scene
// shows: the one being trained now, or the bag model's once it stopped
// the run.
func (m *machine) reporting() *trainer.Loop {
	if m.bagStopped() {
		return &m.bagLoop
	}
	return m.loop()
}

// Mined implements lessons.Miner: both models' steps are checked against
// the learner's code; the report is the loop's being trained now (or the
// bag model's, once it stopped the run).
func (m *machine) Mined() lessons.MineChecker { return mined{m} }

type mined struct{ m *machine }

func (d mined) SetMine(mine *lessons.Mine) {
	d.m.bagLoop.SetMine(mine)
	d.m.seqLoop.SetMine(mine)
}

func (d mined) MineReport() *lessons.MineReport {
	return d.m.reporting().MineReport()
}
