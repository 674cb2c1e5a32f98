package cnn

import (
	"slices"
	"sync"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/data"
	"github.com/dlearn/dlearn/engine/optim"
	"github.com/dlearn/dlearn/engine/tensor"
	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/trainer"
)

// evalsPerEpoch is how often an epoch stops to measure the test set (a
// pass over it costs a few training steps).
const evalsPerEpoch = 10

// machine holds the engine's real objects: the digits, the network, the
// optimizer and the loop over training steps, plus the test-set
// measurements taken so far and the test digit under inspection.
type machine struct {
	train  *data.PackedImages
	test   *data.Images
	net    *net
	params []*autograd.Var
	opt    optim.Optimizer
	loop   trainer.Loop
	xb     *tensor.Tensor // the current step's images
	yb     []int          // and labels

	evals   []evaluation // the test set at step 0, every evalEvery steps and at the end of every epoch
	pending *probe       // the measurement in progress, a chunk per step
	inspect int          // the test digit the scene explains
	alive   float64      // the share of a2 > 0 in the last finished step
	// set are the run's settings now (the learning rate and the test
	// digit change during a run), for the verdict the narrative shares
	// with the runtime.
	set lessons.Settings
}

func newMachine(seed uint64, s lessons.Settings) *machine {
	d := loadDigits(seed)
	n := newNet(s.Int("filters"), tensor.NewRNG(seed+1))
	opt, err := optim.New(s["optimizer"], s.Float("lr"))
	if err != nil {
		panic("cnn: " + err.Error()) // the control admits valid names only
	}
	m := &machine{train: d.train, test: d.test, net: n, params: n.params(), opt: opt, inspect: s.Int("digit"), set: s.Clone()}
	m.loop = trainer.Loop{
		N: d.train.Len(), Batch: s.Int("batch"), Epochs: s.Int("epochs"), ShuffleSeed: seed,
		Params: m.params, Start: m.startStep, Opt: m.opt,
		Watch: trainer.Watch{Jump: -1}, // a large rate's jump goes on to the dead units this lesson shows
		// Steps reuse one tape's memory: compact copies what outlives a
		// step before the next one begins.
		Recycle: true,
	}
	m.evals = []evaluation{untrained(seed, s.Int("filters"), d.test, n)}
	return m
}

// untrainedCache holds the measurement of the untrained network, which
// depends only on the seed, the filters and the digits: a run is
// restarted, stepped back to its start and looked ahead from its start
// (for a question's answer) often, and each new machine would otherwise
// measure the whole test set again.
var untrainedCache struct {
	sync.Mutex
	m map[untrainedKey]evaluation
}

type untrainedKey struct {
	seed    uint64
	filters int
	test    *data.Images
}

// untrained returns n's measurement on test at step 0, n being the
// untrained network of seed and filters; evaluations are never modified
// once made, so the cached one is shared.
func untrained(seed uint64, filters int, test *data.Images, n *net) evaluation {
	k := untrainedKey{seed, filters, test}
	c := &untrainedCache
	c.Lock()
	e, ok := c.m[k]
	c.Unlock()
	if ok {
		return e
	}
	e = n.evaluate(test, 0)
	c.Lock()
	defer c.Unlock()
	if c.m == nil {
		c.m = map[untrainedKey]evaluation{}
	}
	c.m[k] = e
	return e
}

// evalEvery is the number of training steps between test measurements.
func (m *machine) evalEvery() int { return max(1, m.loop.StepsPerEpoch()/evalsPerEpoch) }

// Set implements lessons.Machine for the controls that continue the run.
func (m *machine) Set(name, value string) {
	s := lessons.Settings{name: value}
	m.set = m.set.Clone()
	m.set[name] = value
	switch name {
	case "lr":
		m.opt.SetLearningRate(s.Float(name))
	case "digit":
		m.inspect = s.Int(name)
	}
}

func (m *machine) Done() bool { return m.loop.Done() }

// Advance implements lessons.Machine. A finished step's tape is let go
// (see compact), so that the snapshots kept for stepping back stay small.
func (m *machine) Advance(g lessons.Granularity) {
	m.loop.Advance(g)
	if m.loop.Cur.Phase == trainer.Updated && m.loop.Cur.Tape.Len() > 0 {
		m.compact()
	}
}

// opsPerStep is the number of ops of a training step: 10 forward nodes,
// 10 backward nodes and the update.
const opsPerStep = 2*10 + 1

// compact replaces the cursor of a finished step with one that holds only
// what the scenes between steps read (the loss), after noting the share of
// a2 that was positive. The full cursor keeps every activation, gradient
// and im2col buffer of the step alive, about 0.6 MB, and each snapshot
// copies it. The loss is copied, not shared: the step's tape is recycled
// by the next step (Loop.Recycle).
func (m *machine) compact() {
	cur := &m.loop.Cur
	m.alive = share(cur.Tape.Nodes()[3].Out.Value.Data, func(x float64) bool { return x > 0 })
	*cur = cur.Settled()
}

// startStep records one forward pass on the batch rows and returns it with
// the update, which also measures the test set (see measure).
func (m *machine) startStep(rows []int) (func(*autograd.Tape) *autograd.Var, func()) {
	m.xb, m.yb = m.train.Batch(rows)
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

// measure moves the test measurements on after training step step. A
// measurement starts every evalEvery steps with a copy of the weights and
// takes one chunk of test digits per step, so no step waits for the whole
// test set; after the last step of an epoch the whole set is measured at
// once, so that the epoch ends with its own number.
//
// The chunk of a step runs beside the training steps (or ops) that
// follow (the second core is idle for much of a step), on the probe's
// frozen copy of the network: settle joins it before the measurements are
// read — at the next measure, and by Scene, Measures, Snapshot, the
// goal's question and lastEval, the readers of evals and pending besides
// measure — so what they see is what measuring in place would give.
func (m *machine) measure(step int) {
	m.settle()
	if m.pending != nil {
		m.pending.start()
	}
	last := m.loop.Next >= len(m.loop.Batches)
	if !last && step%m.evalEvery() != 0 {
		return
	}
	for _, p := range m.params {
		if p.Value.HasNaNOrInf() {
			return // the loop reports the divergence
		}
	}
	if m.settle(); m.pending != nil {
		m.evals = append(m.evals, m.pending.result())
	}
	m.pending = m.net.newEvaluation(m.test, step)
	if last {
		m.evals, m.pending = append(m.evals, m.pending.result()), nil
	}
}

// settle waits for the chunk measured beside training, if any, and
// files the measurement once it is complete.
func (m *machine) settle() {
	if m.pending != nil && m.pending.finished() {
		m.evals, m.pending = append(m.evals, m.pending.result()), nil
	}
}

// lastEval is the latest test measurement (settled first).
func (m *machine) lastEval() evaluation {
	m.settle()
	return m.evals[len(m.evals)-1]
}

// snapshot is the machine between training steps (lessons.Snapshotter).
// Evaluations are never modified once made, so they are shared.
type snapshot struct {
	loop    trainer.Snapshot
	evals   []evaluation
	pending *probe
	inspect int
	alive   float64
	set     lessons.Settings
	source  string // of the digits, for a saved snapshot (persist.go)
}

// Snapshot implements lessons.Snapshotter.
func (m *machine) Snapshot() (any, bool) {
	m.settle()
	s, ok := m.loop.Snapshot(m.opt)
	if !ok {
		return nil, false
	}
	st := snapshot{loop: s, evals: slices.Clone(m.evals), inspect: m.inspect, alive: m.alive, set: m.set, source: m.train.Source}
	if m.pending != nil {
		st.pending = m.pending.copy()
	}
	return st, true
}

// Restore implements lessons.Snapshotter.
func (m *machine) Restore(state any) {
	s := state.(snapshot)
	if m.pending != nil {
		m.pending.wait() // its pass uses a pooled tape: let it end
	}
	m.opt = m.loop.Restore(s.loop)
	m.evals, m.inspect, m.alive, m.set = slices.Clone(s.evals), s.inspect, s.alive, s.set
	m.pending = nil
	if s.pending != nil {
		m.pending = s.pending.copy()
	}
	if m.loop.Rows != nil {
		m.xb, m.yb = m.train.Batch(m.loop.Rows)
	}
}

// Mined implements lessons.Miner: mine mode checks the ops the learner
// implemented in this lesson's exercises (trainer.MineOps).
func (m *machine) Mined() lessons.MineChecker { return &m.loop }

// Instruments implements lessons.Instrumented: the loop reports on training.
func (m *machine) Instruments() lessons.Instruments { return &m.loop }
