package overfit

import (
	"slices"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/data"
	"github.com/dlearn/dlearn/engine/optim"
	"github.com/dlearn/dlearn/engine/tensor"
	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/trainer"
)

// config holds the settings a run starts with.
type config struct {
	lambda, p, lr    float64
	early            bool
	width, n, epochs int
}

// machine is the lesson's state machine: the data, the network, plain SGD
// and the loop over full-batch training steps (one step per epoch), plus
// what the lesson measures after every epoch.
type machine struct {
	seed       uint64
	cfg        config
	train, val dataset
	net        *net
	opt        *optim.SGD
	loop       trainer.Loop

	// lambda and p are the current L2 and dropout settings; step holds the
	// values the current training step was started with.
	lambda, p float64
	step      stepSettings

	hist history
	// set are the run's settings now, for the verdict the narrative
	// shares with the runtime (replaced, never written into, on a change).
	set lessons.Settings
}

// stepSettings are the regularization settings one training step uses.
type stepSettings struct{ lambda, p float64 }

// history is what the lesson measured so far. The slices are indexed by
// epoch, entry 0 being the untrained network.
type history struct {
	trainLoss, valLoss, trainAcc, valAcc []float64
	// dead is the share of hidden units dead on the validation set for
	// the network as it stands (the restored one after early stopping).
	dead float64
	// best is the epoch of the lowest validation loss so far, bestParams
	// the parameters then (every parameter's values, weights first).
	best       int
	bestParams [][]float64
	// stopped is set when early stopping ended the run at epoch stoppedAt
	// and put the best parameters back.
	stopped   bool
	stoppedAt int
	// startNorms are ‖W1‖, ‖W2‖, ‖W3‖ before training; lambdaFrom and
	// lambdaNorms the epoch and the norms when λ last changed.
	startNorms  [3]float64
	lambdaFrom  int
	lambdaNorms [3]float64
}

func (h history) clone() history {
	h.trainLoss, h.valLoss = slices.Clone(h.trainLoss), slices.Clone(h.valLoss)
	h.trainAcc, h.valAcc = slices.Clone(h.trainAcc), slices.Clone(h.valAcc)
	// bestParams is replaced, never written into, so it can be shared.
	return h
}

func newMachine(seed uint64, cfg config) *machine {
	m := &machine{
		seed: seed, cfg: cfg,
		train:  moons(seed, cfg.n),
		val:    moons(seed+0x9e37, ValN),
		net:    newNet(cfg.width, tensor.NewRNG(seed+1)),
		opt:    optim.NewSGD(cfg.lr),
		lambda: cfg.lambda, p: cfg.p,
	}
	m.loop = trainer.Loop{
		N: cfg.n, Batch: cfg.n, Epochs: cfg.epochs, NoShuffle: true,
		Params: m.net.params(), Start: m.startStep, EndEpoch: m.endEpoch,
		Watch: trainer.Watch{Jump: -1}, // a large rate's jump goes on to the dead units this lesson shows
	}
	m.hist.startNorms = m.net.norms()
	m.hist.lambdaNorms = m.hist.startNorms
	m.measure()
	m.hist.bestParams = m.paramValues()
	return m
}

// Set implements lessons.Machine for the controls that continue the run.
func (m *machine) Set(name, value string) {
	v := lessons.Settings{name: value}.Float(name)
	m.set = m.set.Clone()
	m.set[name] = value
	switch name {
	case "lr":
		m.opt.LR = v
	case "l2":
		m.lambda = v
		m.hist.lambdaFrom, m.hist.lambdaNorms = m.loop.Step, m.net.norms()
	case "dropout":
		m.p = v
	}
}

// Done implements lessons.Machine.
func (m *machine) Done() bool { return m.loop.Done() }

// Advance implements lessons.Machine.
func (m *machine) Advance(g lessons.Granularity) { m.loop.Advance(g) }

// startStep records one training step on the whole training set: the
// network in training mode (dropout on), the cross-entropy of its logits,
// and an update that decays the weights (not the biases) by λ.
func (m *machine) startStep(rows []int) (func(*autograd.Tape) *autograd.Var, func()) {
	m.step = stepSettings{lambda: m.lambda, p: m.p}
	st := m.step
	// Each step's dropout masks come from their own seeded stream, so a
	// snapshot needs no generator state and a rewound step draws the same.
	rng := tensor.NewRNG(m.seed*0x2545f491 + uint64(m.loop.Step) + 1)
	xb, yb := data.Rows(m.train.X, rows), data.Rows(m.train.Y, rows)
	build := func(tp *autograd.Tape) *autograd.Var {
		logit := m.net.forward(tp, autograd.Const("x", xb), true, st.p, rng)
		return tp.BCEWithLogits(logit, autograd.Const("y", yb)).Named("L")
	}
	update := func() {
		// In mine mode the learner's L2Grad may decay the gradients
		// (then the optimizer adds no decay of its own), or stop the step.
		applied, ok := m.loop.MineL2(m.net.weights(), st.lambda)
		if !ok {
			return
		}
		m.opt.WeightDecay = st.lambda
		if applied {
			m.opt.WeightDecay = 0
		}
		m.opt.Step(m.net.weights())
		m.opt.WeightDecay = 0
		m.opt.Step(m.net.biases())
	}
	return build, update
}

// endEpoch measures both sets, keeps the best validation loss and, with
// early stopping on, ends the run Patience epochs after it.
func (m *machine) endEpoch() {
	if m.loop.Diverged {
		return
	}
	m.measure()
	e := m.loop.Epoch
	if m.hist.valLoss[e] < m.hist.valLoss[m.hist.best] {
		m.hist.best, m.hist.bestParams = e, m.paramValues()
	}
	if m.cfg.early && e-m.hist.best >= Patience {
		m.hist.stopped, m.hist.stoppedAt = true, e
		for i, p := range m.net.params() {
			copy(p.Value.Data, m.hist.bestParams[i])
		}
		m.hist.dead = m.net.deadShare(m.val)
		// The loop ends when its epoch count is reached.
		m.loop.Epochs = e
	}
}

// measure appends the loss and accuracy on both sets.
func (m *machine) measure() {
	tl, ta := m.net.eval(m.train)
	vl, va := m.net.eval(m.val)
	m.hist.trainLoss, m.hist.trainAcc = append(m.hist.trainLoss, tl), append(m.hist.trainAcc, ta)
	m.hist.valLoss, m.hist.valAcc = append(m.hist.valLoss, vl), append(m.hist.valAcc, va)
	m.hist.dead = m.net.deadShare(m.val)
}

// paramValues returns a copy of every parameter's values.
func (m *machine) paramValues() [][]float64 {
	var out [][]float64
	for _, p := range m.net.params() {
		out = append(out, slices.Clone(p.Value.Data))
	}
	return out
}

// snapshot is the machine between training steps (lessons.Snapshotter).
type snapshot struct {
	loop      trainer.Snapshot
	lambda, p float64
	step      stepSettings
	hist      history
	set       lessons.Settings
}

// Snapshot implements lessons.Snapshotter.
func (m *machine) Snapshot() (any, bool) {
	s, ok := m.loop.Snapshot(m.opt)
	if !ok {
		return nil, false
	}
	return snapshot{loop: s, lambda: m.lambda, p: m.p, step: m.step, hist: m.hist.clone(), set: m.set}, true
}

// Restore implements lessons.Snapshotter.
func (m *machine) Restore(state any) {
	s := state.(snapshot)
	m.opt = m.loop.Restore(s.loop).(*optim.SGD)
	m.lambda, m.p, m.step, m.hist, m.set = s.lambda, s.p, s.step, s.hist.clone(), s.set
}

// Mined implements lessons.Miner: mine mode checks the dense layers
// against the learner's dense exercise, the gradient of the loss with
// respect to the logits against logistic.Grad, and dropout's backward
// pass and the weight decay of the update (λ > 0) against the learner's
// regularize exercise.
func (m *machine) Mined() lessons.MineChecker { return &m.loop }

// Instruments implements lessons.Instrumented: the loop reports on training.
func (m *machine) Instruments() lessons.Instruments { return &m.loop }
