package attention

import (
	"slices"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/optim"
	"github.com/dlearn/dlearn/engine/tensor"
	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/trainer"
)

// config is a run's settings.
type config struct {
	lr            float64
	heads, epochs int
	causal        bool
	example       int // 1-based index into the test sequences
}

// machine walks part one's stages, then trains the encoder with the
// shared loop. An Op or a Step moves one stage of part one; an Epoch or
// End finishes part one. In part two they move the loop as in every
// lesson: one forward op or backward node, one training step, one epoch,
// the end.
type machine struct {
	cfg    config
	mech   *mechanism
	stages []stage
	at     int // index into stages; the last one is part two

	enc         *encoder
	params      []*autograd.Var
	opt         optim.Optimizer
	loop        trainer.Loop
	train, test []int // sequences of SeqLen ids, one after another

	// The current training step: its sequences, targets and logits.
	ids, labels []int
	logits      *autograd.Var

	batchAcc []float64 // accuracy on the batch of every completed step
	evals    []eval    // on the test set: before training, then after every epoch
}

func newMachine(seed uint64, cfg config) *machine {
	m := &machine{cfg: cfg, mech: newMechanism(cfg.causal, tensor.NewRNG(seed))}
	m.stages = m.mech.stages()
	data := tensor.NewRNG(seed + 1)
	m.train, m.test = sequences(data, NTrain), sequences(data, NTest)
	m.enc = newEncoder(cfg.heads, cfg.causal, tensor.NewRNG(seed+2))
	m.params = m.enc.params()
	opt, err := optim.New("adam", cfg.lr)
	if err != nil {
		panic("attention: " + err.Error()) // lr was validated by the control
	}
	m.opt = opt
	m.loop = trainer.Loop{
		N: NTrain, Batch: Batch, Epochs: cfg.epochs, ShuffleSeed: seed,
		Params: m.params, Start: m.startStep, Opt: m.opt,
		EndEpoch: func() { m.evals = append(m.evals, m.evaluate()) },
	}
	m.evals = []eval{m.evaluate()}
	return m
}

// part1 reports whether the run is still in part one.
func (m *machine) part1() bool { return m.at < len(m.stages)-1 }

// stage is part one's current stage (stageDone in part two).
func (m *machine) stage() stage { return m.stages[m.at] }

// Set implements lessons.Machine.
func (m *machine) Set(name, value string) {
	s := lessons.Settings{name: value}
	switch name {
	case "lr":
		m.opt.SetLearningRate(s.Float(name))
	case "example":
		m.cfg.example = s.Int(name)
	}
}

// Done implements lessons.Machine.
func (m *machine) Done() bool { return m.loop.Done() }

// Advance implements lessons.Machine.
func (m *machine) Advance(g lessons.Granularity) {
	if m.part1() {
		switch g {
		case lessons.Op, lessons.Step:
			m.at++
		case lessons.Epoch:
			m.at = len(m.stages) - 1
		default:
			m.at = len(m.stages) - 1
			m.loop.Advance(g)
		}
		return
	}
	m.loop.Advance(g)
}

// startStep records one training step on the batch of sequences rows:
// the encoder's logits and the mean cross-entropy against the reversed
// sequences, and returns the Adam update, which also records the batch
// accuracy.
func (m *machine) startStep(rows []int) (func(*autograd.Tape) *autograd.Var, func()) {
	m.ids, m.labels = m.batch(rows)
	build := func(tp *autograd.Tape) *autograd.Var {
		m.logits = m.enc.forward(tp, m.ids)
		return tp.SoftmaxCrossEntropy(m.logits, m.labels).Named("L")
	}
	update := func() {
		m.opt.Step(m.params)
		right := 0
		for i, p := range argmaxRows(m.logits.Value) {
			if p == m.labels[i] {
				right++
			}
		}
		m.batchAcc = append(m.batchAcc, float64(right)/float64(len(m.labels)))
	}
	return build, update
}

// batch returns the ids of training sequences rows and their targets.
func (m *machine) batch(rows []int) (ids, labels []int) {
	for _, r := range rows {
		seq := m.train[r*SeqLen : (r+1)*SeqLen]
		ids = append(ids, seq...)
		labels = append(labels, reversed(seq)...)
	}
	return ids, labels
}

// argmaxRows returns the index of the largest entry of each row of t [n k].
func argmaxRows(t *tensor.Tensor) []int {
	k := t.Shape[1]
	out := make([]int, t.Shape[0])
	for i := range out {
		r := t.Data[i*k : (i+1)*k]
		for j, v := range r {
			if v > r[out[i]] {
				out[i] = j
			}
		}
	}
	return out
}

// snapshot is the machine between training steps (lessons.Snapshotter).
type snapshot struct {
	at, example int
	loop        trainer.Snapshot
	batchAcc    []float64
	evals       []eval
}

// Snapshot implements lessons.Snapshotter.
func (m *machine) Snapshot() (any, bool) {
	s, ok := m.loop.Snapshot(m.opt)
	if !ok {
		return nil, false
	}
	return snapshot{at: m.at, example: m.cfg.example, loop: s,
		batchAcc: slices.Clone(m.batchAcc), evals: slices.Clone(m.evals)}, true
}

// Restore implements lessons.Snapshotter.
func (m *machine) Restore(state any) {
	s := state.(snapshot)
	m.at, m.cfg.example = s.at, s.example
	m.opt = m.loop.Restore(s.loop)
	m.batchAcc, m.evals = slices.Clone(s.batchAcc), slices.Clone(s.evals)
	m.ids, m.labels, m.logits = nil, nil, nil
	if m.loop.Rows != nil {
		m.ids, m.labels = m.batch(m.loop.Rows)
	}
}

// Mined implements lessons.Miner: mine mode checks the ops the learner
// implemented in this lesson's exercises (trainer.MineOps).
func (m *machine) Mined() lessons.MineChecker { return &m.loop }

// Instruments implements lessons.Instrumented: the loop reports on training.
func (m *machine) Instruments() lessons.Instruments { return &m.loop }
