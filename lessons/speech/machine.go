package speech

import (
	"slices"
	"sync"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/optim"
	"github.com/dlearn/dlearn/engine/tensor"
	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/trainer"
)

// evalsPerEpoch is how often an epoch stops to measure the test set.
const evalsPerEpoch = 4

// machine holds the engine's real objects: the spoken digits, the sound
// being taken apart, the network, the optimizer and the loop over
// training steps, and the test measurements so far.
type machine struct {
	c      *corpus
	net    *net
	params []*autograd.Var
	opt    optim.Optimizer
	loop   trainer.Loop
	xb     *tensor.Tensor
	yb     []int

	stage int    // stWave … stTrain
	snd   *sound // the word and frame of the settings
	evals []evaluation
	// pending is the measurement running beside training, if any: settle
	// files it in evals, before anything reads them.
	pending *pendingEval
	set     lessons.Settings
	mined   mineState
}

// pendingEval is a measurement of a copy of the network, running on its
// own goroutine; e is written once, before the work ends.
type pendingEval struct {
	work *trainer.Background
	e    evaluation
}

func newMachine(seed uint64, s lessons.Settings) *machine {
	c := load()
	n := newNet(s.Int("filters"), tensor.NewRNG(seed+1))
	opt, err := optim.New(s["optimizer"], s.Float("lr"))
	if err != nil {
		panic("speech: " + err.Error()) // the control admits valid names only
	}
	m := &machine{c: c, net: n, params: n.params(), opt: opt, set: s.Clone()}
	m.snd = takeApart(c, s.Int("word"), s.Int("frame"))
	m.loop = trainer.Loop{
		N: c.train.Len(), Batch: s.Int("batch"), Epochs: s.Int("epochs"), ShuffleSeed: seed,
		Params: m.params, Start: m.startStep,
		Watch:   trainer.Watch{Jump: -1}, // a large rate's jump goes on to the dead units the goal names
		Recycle: true,                    // Advance keeps a copy of the loss, nothing else of a step
	}
	m.evals = []evaluation{untrained(n, seed, s.Int("filters"))}
	return m
}

// firstEvals caches the untrained network's measurement by seed and
// filters (the only things it depends on): a run is restarted, rewound to
// its start and looked ahead from often, and measuring the 480 test words
// costs more than building the network. Evaluations are never modified.
var firstEvals struct {
	sync.Mutex
	m map[[2]uint64]evaluation
}

func untrained(n *net, seed uint64, filters int) evaluation {
	c := &firstEvals
	c.Lock()
	defer c.Unlock()
	key := [2]uint64{seed, uint64(filters)}
	if e, ok := c.m[key]; ok {
		return e
	}
	if c.m == nil {
		c.m = map[[2]uint64]evaluation{}
	}
	e := n.evaluate(load().test, 0)
	c.m[key] = e
	return e
}

func (m *machine) evalEvery() int { return max(1, m.loop.StepsPerEpoch()/evalsPerEpoch) }

// Set implements lessons.Machine for the controls that continue the run.
func (m *machine) Set(name, value string) {
	m.set = m.set.Clone()
	m.set[name] = value
	switch name {
	case "lr":
		m.opt.SetLearningRate(m.set.Float(name))
	case "word", "frame":
		m.snd = takeApart(m.c, m.set.Int("word"), m.set.Int("frame"))
		m.mineAgain()
	}
}

// A run that mine mode stopped in the sound walk is done there.
func (m *machine) Done() bool { return m.mined.stopped || m.stage == stTrain && m.loop.Done() }

// Advance implements lessons.Machine. Before training, Op and Step move
// one stage of the sound walk and Epoch or End skip the rest of it; then
// the loop's granularities apply.
func (m *machine) Advance(g lessons.Granularity) {
	if m.mined.stopped {
		return
	}
	if m.stage < stTrain {
		if g == lessons.Op || g == lessons.Step {
			m.stage++
			m.mineStage(m.stage)
			return
		}
		for m.stage < stTrain {
			if m.stage++; !m.mineStage(m.stage) {
				return
			}
		}
	}
	m.loop.Advance(g)
	if m.loop.Cur.Phase == trainer.Updated && m.loop.Cur.Tape.Len() > 0 {
		// Let the finished step's tape go: snapshots stay small.
		cur := &m.loop.Cur
		*cur = cur.Settled() // a copy of the loss: the tape is recycled (Loop.Recycle)
	}
}

// opsPerStep is the number of ops of a training step: 10 forward nodes,
// 10 backward nodes and the update.
const opsPerStep = 2*10 + 1

func (m *machine) startStep(rows []int) (func(*autograd.Tape) *autograd.Var, func()) {
	m.xb, m.yb = m.c.train.Batch(rows)
	build := func(tp *autograd.Tape) *autograd.Var {
		s := m.net.forward(tp, autograd.Const("x", m.xb), m.net.live())
		return tp.SoftmaxCrossEntropy(s, m.yb).Named("L")
	}
	update := func() {
		m.opt.Step(m.params)
		m.measure(m.loop.Step + 1)
	}
	return build, update
}

// measure measures the test set after training step step, every
// evalEvery steps and after the last step of every epoch. The
// measurement, of a copy of the network as it is now, runs beside the
// training steps (or ops) that follow (the second core is idle for much
// of a step); settle joins it where the measurements are read — the next
// measure, Scene, Measures (through lastEval), Snapshot and lastEval —
// so what they see is what measuring in place would give.
func (m *machine) measure(step int) {
	m.settle()
	last := m.loop.Next >= len(m.loop.Batches)
	if !last && step%m.evalEvery() != 0 {
		return
	}
	for _, p := range m.params {
		if p.Value.HasNaNOrInf() {
			return // the loop reports the divergence
		}
	}
	n, test := m.net.clone(), m.c.test
	p := &pendingEval{}
	p.work = trainer.Go(func() { p.e = n.evaluate(test, step) })
	m.pending = p
}

// settle waits for the measurement running beside training, if any, and
// files it.
func (m *machine) settle() {
	if p := m.pending; p != nil {
		m.pending = nil
		p.work.Wait()
		m.evals = append(m.evals, p.e)
	}
}

func (m *machine) lastEval() evaluation {
	m.settle()
	return m.evals[len(m.evals)-1]
}

// Progress implements lessons.Progresser: each stage of the sound walk
// counts as a step, so a learner moving by whole steps sees every one.
func (m *machine) Progress() (step, epoch int) { return m.stage + m.loop.Step, m.loop.Epoch }

// snapshot is the machine between steps (lessons.Snapshotter);
// evaluations are never modified once made, so they are shared.
type snapshot struct {
	loop  trainer.Snapshot
	evals []evaluation
	stage int
	snd   *sound
	set   lessons.Settings
	mined mineState
}

// Snapshot implements lessons.Snapshotter.
func (m *machine) Snapshot() (any, bool) {
	m.settle()
	s, ok := m.loop.Snapshot(m.opt)
	if !ok {
		return nil, false
	}
	return snapshot{loop: s, evals: slices.Clone(m.evals), stage: m.stage, snd: m.snd, set: m.set, mined: m.mined}, true
}

// Restore implements lessons.Snapshotter.
func (m *machine) Restore(state any) {
	s := state.(snapshot)
	if p := m.pending; p != nil {
		m.pending = nil
		p.work.Wait() // its passes use pooled tapes: let them end
	}
	m.opt = m.loop.Restore(s.loop)
	m.evals, m.stage, m.snd, m.set = slices.Clone(s.evals), s.stage, s.snd, s.set
	mine := m.mined.mine
	m.mined = s.mined
	m.mined.mine = mine
	if m.loop.Rows != nil {
		m.xb, m.yb = m.c.train.Batch(m.loop.Rows)
	}
}

// Instruments implements lessons.Instrumented: the loop reports on
// training (health gauges, divergence autopsy, gradient check).
func (m *machine) Instruments() lessons.Instruments { return &m.loop }
