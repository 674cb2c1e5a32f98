package toolkit

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
	seed           uint64 // only in the cache's keys
	init, schedule string
	bn, standard   bool
	lr, lrLin      float64
	warmup, epochs int
}

// The stages before training. An Op or a Step moves one stage; an Epoch
// goes to the start of training; End runs the whole training too.
const (
	stageInit    = iota // the deep network at its start; a prediction about it
	stageSurvey         // activations per layer, five schemes; a prediction about gradients
	stageGrads          // and the gradients per layer
	stageSurface        // the linear model's two loss surfaces and Hessians
	stagePaths          // gradient descent on both surfaces
	stageTrain          // training the deep network
)

// machine walks the stages, then trains the deep network with the shared
// loop. Everything before training is computed once from the seed and
// never changes, so copies share it.
type machine struct {
	seed uint64
	cfg  config
	at   int // stage

	survey   *survey
	raw, std *surface

	train, test digits
	mu, sd      float64 // the training pixels' mean and standard deviation (0 … 1 scale)
	net         *net
	params      []*autograd.Var
	opt         *optim.SGD
	loop        trainer.Loop
	lr          float64 // the base rate now (the control)

	rows  []int
	pass  pass
	hist  history
	mined mineState
}

// history is what the training part measured. Epoch lists hold the value
// before training first, then one per epoch.
type history struct {
	trainLoss, testAcc []float64
	dead               float64   // share of hidden units silent on every test digit, now
	rates              []float64 // the rate every completed step used
	// actStd and gradStd are the standard deviations of each hidden
	// layer's activations and of their gradients in the last completed
	// step (nil before the first).
	actStd, gradStd []float64
}

func (h history) clone() history {
	h.trainLoss, h.testAcc, h.rates = slices.Clone(h.trainLoss), slices.Clone(h.testAcc), slices.Clone(h.rates)
	// actStd and gradStd are replaced, never written into.
	return h
}

func newMachine(seed uint64, cfg config) *machine {
	m := &machine{seed: seed, cfg: cfg, lr: cfg.lr}
	m.train, m.test, m.mu, m.sd = loadDigits(seed, cfg.standard)
	cache.Lock()
	m.survey = cache.survey[digitsKey{seed, cfg.standard}]
	cache.Unlock()
	if m.survey == nil {
		m.survey = newSurvey(seed, m.train)
		cache.Lock()
		cache.survey[digitsKey{seed, cfg.standard}] = m.survey
		cache.Unlock()
	}
	m.raw, m.std = newSurfaces(seed, cfg.lrLin)
	m.net = newNet(cfg.init, cfg.bn, tensor.NewRNG(seed+2))
	m.params = m.net.params()
	m.opt = optim.NewSGD(cfg.lr)
	m.loop = trainer.Loop{
		N: NTrain, Batch: Batch, Epochs: cfg.epochs, ShuffleSeed: seed,
		Params: m.params, Start: m.startStep, EndEpoch: m.measure,
	}
	// The untrained network's evaluation depends only on the seed and the
	// settings that shape it; machines made again for stepping back share
	// it.
	key := cfg
	key.lr, key.lrLin, key.schedule, key.warmup, key.epochs = 0, 0, "", 0, 0
	key.seed = seed
	cache.Lock()
	st, ok := cache.start[key]
	cache.Unlock()
	if !ok {
		st.loss, _, _ = m.net.evaluate(m.trainEval())
		_, st.acc, st.dead = m.net.evaluate(m.test)
		cache.Lock()
		cache.start[key] = st
		cache.Unlock()
	}
	m.hist.trainLoss, m.hist.testAcc, m.hist.dead = []float64{st.loss}, []float64{st.acc}, st.dead
	return m
}

// EvalTrain is how many training digits the training loss is measured on
// after every epoch (the first ones; a subset keeps the measure cheap).
const EvalTrain = 500

// trainEval is the first EvalTrain training digits: a view of the
// training set's values, which nothing writes into.
func (m *machine) trainEval() digits {
	x := &tensor.Tensor{Shape: []int{EvalTrain, Pixels}, Data: m.train.X.Data[:EvalTrain*Pixels]}
	return digits{X: x, Labels: m.train.Labels[:EvalTrain]}
}

// steps is the number of training steps of the whole run.
func (m *machine) steps() int { return m.cfg.epochs * m.loop.StepsPerEpoch() }

// Set implements lessons.Machine: the base learning rate, from the next
// step on (the schedule scales it).
func (m *machine) Set(name, value string) {
	if name == "lr" {
		m.lr = lessons.Settings{name: value}.Float(name)
	}
}

// Done implements lessons.Machine.
func (m *machine) Done() bool { return m.loop.Done() }

// Progress implements lessons.Progresser: each stage before training
// counts as a step, so whole steps stop at every stage.
func (m *machine) Progress() (step, epoch int) { return m.at + m.loop.Step, m.loop.Epoch }

// Advance implements lessons.Machine.
func (m *machine) Advance(g lessons.Granularity) {
	if m.at < stageTrain {
		switch g {
		case lessons.Op, lessons.Step:
			m.at++
		case lessons.Epoch:
			m.at = stageTrain
		default:
			m.at = stageTrain
			m.loop.Advance(g)
		}
		return
	}
	m.loop.Advance(g)
}

// startStep records one training step on the batch rows: the network in
// training mode, the mean cross-entropy, and an SGD update at the
// schedule's rate for this step, which also records each layer's spread.
func (m *machine) startStep(rows []int) (func(*autograd.Tape) *autograd.Var, func()) {
	m.rows = rows
	xb := data.Rows(m.train.X, rows)
	labels := make([]int, len(rows))
	for i, r := range rows {
		labels[i] = m.train.Labels[r]
	}
	rate := rateAt(m.cfg.schedule, m.lr, m.cfg.warmup, m.steps(), m.loop.Step)
	build := func(tp *autograd.Tape) *autograd.Var {
		m.pass = m.net.forward(tp, autograd.Const("x", xb))
		return tp.SoftmaxCrossEntropy(m.pass.logits, labels).Named("L")
	}
	update := func() {
		rate, ok := m.mineRate(rate)
		if !ok {
			return
		}
		m.opt.LR = rate
		m.opt.Step(m.params)
		m.hist.rates = append(m.hist.rates, rate)
		m.hist.actStd, m.hist.gradStd = spreads(m.pass.h)
	}
	return build, update
}

// spreads returns the standard deviation of each activation and of its
// gradient (0 where no gradient reached it).
func spreads(hs []*autograd.Var) (act, grad []float64) {
	for _, h := range hs {
		act = append(act, std(h.Value.Data))
		g := 0.0
		if h.Grad != nil {
			g = std(h.Grad.Data)
		}
		grad = append(grad, g)
	}
	return act, grad
}

// measure evaluates the network on the first EvalTrain training digits
// (its loss) and
// on the test set (accuracy, silent units).
func (m *machine) measure() {
	if m.loop.Diverged {
		return
	}
	tl, _, _ := m.net.evaluate(m.trainEval())
	_, acc, dead := m.net.evaluate(m.test)
	m.hist.trainLoss, m.hist.testAcc = append(m.hist.trainLoss, tl), append(m.hist.testAcc, acc)
	m.hist.dead = dead
}

// Measures implements lessons.Measurer: the test accuracy after the last
// epoch (in %), the share of dead hidden units, and the training loss per
// epoch.
func (m *machine) Measures() lessons.Measures {
	acc := m.hist.testAcc[len(m.hist.testAcc)-1]
	return lessons.Measures{
		Values: map[string]float64{"test_acc": 100 * acc, lessons.SignalDead: m.hist.dead},
		Loss:   m.hist.trainLoss,
	}
}

// snapshot is the machine between training steps (lessons.Snapshotter).
type snapshot struct {
	at      int
	loop    trainer.Snapshot
	lr      float64
	hist    history
	running [][2][]float64 // each BatchNorm's running mean and variance
	mined   mineState
}

// Snapshot implements lessons.Snapshotter.
func (m *machine) Snapshot() (any, bool) {
	s, ok := m.loop.Snapshot(m.opt)
	if !ok {
		return nil, false
	}
	st := snapshot{at: m.at, loop: s, lr: m.lr, hist: m.hist.clone(), mined: m.mined}
	for _, b := range m.net.bn {
		st.running = append(st.running, [2][]float64{slices.Clone(b.RunMean.Data), slices.Clone(b.RunVar.Data)})
	}
	return st, true
}

// Restore implements lessons.Snapshotter.
func (m *machine) Restore(state any) {
	s := state.(snapshot)
	m.opt = m.loop.Restore(s.loop).(*optim.SGD)
	m.at, m.lr, m.hist, m.mined = s.at, s.lr, s.hist.clone(), s.mined
	m.pass, m.rows = pass{}, nil
	for i, b := range m.net.bn {
		copy(b.RunMean.Data, s.running[i][0])
		copy(b.RunVar.Data, s.running[i][1])
	}
}

// survey is every initialisation scheme's network at its start, on one
// batch of training digits as the run feeds them (standardised or raw) (batch normalisation off: the scheme alone):
// the standard deviation of each hidden layer's activations and of the
// loss's gradient with respect to them.
type survey struct {
	act, grad [][]float64 // [scheme][layer]
	loss      []float64   // the batch loss of each scheme's network
}

// SurveyBatch is the number of digits the survey runs through each network.
const SurveyBatch = 200

func newSurvey(seed uint64, train digits) *survey {
	rows := make([]int, SurveyBatch)
	for i := range rows {
		rows[i] = i
	}
	x := autograd.Const("x", data.Rows(train.X, rows))
	s := &survey{}
	for _, name := range Inits {
		n := newNet(name, false, tensor.NewRNG(seed+2))
		tp := autograd.NewTape()
		p := n.forward(tp, x)
		loss := tp.SoftmaxCrossEntropy(p.logits, train.Labels[:SurveyBatch])
		tp.Backward(loss)
		a, g := spreads(p.h)
		s.act, s.grad = append(s.act, a), append(s.grad, g)
		s.loss = append(s.loss, loss.Item())
	}
	return s
}

// of returns the index of scheme name in Inits.
func (s *survey) of(name string) int { return slices.Index(Inits, name) }

// Instruments implements lessons.Instrumented: the loop reports on
// training (health gauges, divergence autopsy, gradient check).
func (m *machine) Instruments() lessons.Instruments { return &m.loop }
