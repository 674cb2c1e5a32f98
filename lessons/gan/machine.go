package gan

import (
	"math/rand/v2"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/data"
	"github.com/dlearn/dlearn/engine/nn"
	"github.com/dlearn/dlearn/engine/optim"
	"github.com/dlearn/dlearn/engine/tensor"
	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/scene"
	"github.com/dlearn/dlearn/lessons/trainer"
)

// Sizes of the lesson.
const (
	// N is the number of real points in the training set, Batch the real
	// points of one D step (and the generated points of every batch).
	N     = 6400
	Batch = 64
	// Beta1 and Beta2 are both Adams' decay rates (β1 = 0.5 as in DCGAN).
	Beta1, Beta2 = 0.5, 0.999
	// Shown is the number of generated points drawn and counted per mode;
	// ShownReal the number of real points drawn.
	Shown, ShownReal = 512, 256
	// evalEvery is how many training steps pass between the evaluations
	// of mode coverage that the curves show.
	evalEvery = 25
)

// config is the lesson's settings. The learning rates and D steps are the
// values the next training step will use.
type config struct {
	lrD, lrG   float64
	dSteps     int
	loss       string
	sampleSeed int
	width      int
	steps      int
}

// machine holds the engine's objects — the real data, G, D and their
// Adams — and walks training steps one op at a time.
type machine struct {
	seed   uint64
	cfg    config
	real   *data.Set
	loader data.Loader

	g, d             *nn.Sequential
	gParams, dParams []*autograd.Var
	optG, optD       optim.Optimizer
	ones, zeros      *autograd.Var // targets of a batch: real 1, fake 0

	inStep bool // a training step has begun and not ended
	ops    int  // ops done in the current (or last) training step
	byOp   bool // the last Advance was by op (the scene explains that op)
	k      int  // D steps of the current (or last) training step
	step   int  // training steps completed
	cur    stepVals
	// realX is the real batch of the latest D step (its tensor is never
	// modified), for the question about L_D after G's step.
	realX *tensor.Tensor
	live  liveStep // the tapes of the step in progress; never snapshotted

	hist     history
	last     evaluation // the latest evaluation (of step hist.evalStep's last)
	diverged bool
	divStep  int
	watch    trainer.Watch // stops the run at a divergence, with its autopsy
	// health is the training-health gauges per network, G and D: the
	// gradient norm and update-to-weight ratio of each update, and the
	// share of dead ReLU units of each network's forward passes.
	health trainer.Health

	shownZ *tensor.Tensor // the noise of the shown points; never modified

	mined mineState // mine mode (mine.go)
}

// liveStep is the engine state of the D or G step in progress.
type liveStep struct {
	tp                         *autograd.Tape
	lossReal, lossFake, lossG  *autograd.Var
	gOut                       *autograd.Var // G(z) on the G step's tape
	realLogits, fakeLogits, gl []float64
	gNodes                     int // G's forward pass is the first gNodes nodes of the G step's tape
}

// history is what the curves draw: one entry per completed step, and the
// evaluations of coverage every evalEvery steps (step 0 included).
type history struct {
	lossD, lossG, dReal, dFake []float64
	evalStep, covered, onRing  []float64
	// blockLD is the mean of L_D over the steps since the evaluation
	// before, one value per evaluation after step 0: the loss history the
	// verdict reads.
	blockLD []float64
}

func (h history) clone() history {
	c := func(s []float64) []float64 { return append([]float64(nil), s...) }
	return history{c(h.lossD), c(h.lossG), c(h.dReal), c(h.dFake), c(h.evalStep), c(h.covered), c(h.onRing), c(h.blockLD)}
}

func newMachine(seed uint64, cfg config) *machine {
	rng := tensor.NewRNG(seed + 1)
	m := &machine{
		seed: seed, cfg: cfg,
		real:   data.Ring(seed, N),
		loader: *data.NewLoader(N, Batch, true, seed),
		g:      mlp("G", cfg.width, 2, rng),
		d:      mlp("D", cfg.width, 1, rng),
		ones:   autograd.Const("ones", tensor.Ones(Batch, 1)),
		zeros:  autograd.Const("zeros", tensor.New(Batch, 1)),
		k:      cfg.dSteps,
	}
	m.gParams, m.dParams = m.g.Params(), m.d.Params()
	m.optG, m.optD = adam(cfg.lrG), adam(cfg.lrD)
	m.shownZ = shownNoise(cfg.sampleSeed)
	m.evaluate()
	return m
}

// mlp is a 2 → width → width → out network with ReLU after the two hidden
// layers and nothing after the last: G outputs a point, D a logit.
func mlp(name string, width, out int, rng *rand.Rand) *nn.Sequential {
	return nn.NewSequential(
		nn.NewDense(name+".dense1", 2, width, rng), nn.ReLU{},
		nn.NewDense(name+".dense2", width, width, rng), nn.ReLU{},
		nn.NewDense(name+".dense3", width, out, rng),
	)
}

func adam(lr float64) optim.Optimizer {
	o, err := optim.New("adam", lr, optim.WithBetas(Beta1, Beta2))
	if err != nil {
		panic("gan: " + err.Error()) // lr is validated by the control
	}
	return o
}

// shownNoise is the noise z behind the shown generated points.
func shownNoise(sampleSeed int) *tensor.Tensor {
	return tensor.RandN(rand.New(rand.NewPCG(uint64(sampleSeed), 0x5eed)), Shown, 2)
}

// Set implements lessons.Machine: learning rates and D steps apply from the
// next training step, the sample seed at once.
func (m *machine) Set(name, value string) {
	s := lessons.Settings{name: value}
	switch name {
	case "lrd":
		m.cfg.lrD = s.Float(name)
	case "lrg":
		m.cfg.lrG = s.Float(name)
	case "dsteps":
		m.cfg.dSteps = s.Int(name)
	case "samples":
		m.cfg.sampleSeed = s.Int(name)
		m.shownZ = shownNoise(m.cfg.sampleSeed)
	}
}

// Done implements lessons.Machine.
func (m *machine) Done() bool { return m.diverged || m.mined.stopped || m.step >= m.cfg.steps }

// OpsPerStep is the number of ops of the current training step: three per
// D step, two for the G step.
func (m *machine) OpsPerStep() int { return 3*m.k + 2 }

// Advance implements lessons.Machine. Op does one op; Step finishes the
// step in progress (or takes a whole one); Epoch runs steps until the
// training set has been dealt once more; End runs to the end.
func (m *machine) Advance(g lessons.Granularity) {
	m.byOp = g == lessons.Op
	switch g {
	case lessons.Op:
		m.op()
	case lessons.Step:
		m.finishStep()
	case lessons.Epoch:
		e, _ := m.loader.Pos()
		m.finishStep()
		for !m.Done() {
			if now, _ := m.loader.Pos(); now > e {
				break
			}
			m.finishStep()
		}
	default:
		for !m.Done() {
			m.finishStep()
		}
	}
}

func (m *machine) finishStep() {
	m.op()
	for m.inStep && !m.Done() {
		m.op()
	}
}

// op does the next op of the training step, beginning one if none is in
// progress: for D step j, ops 3j, 3j+1, 3j+2 are D on real points, D on
// G's points, and D's update; the last two are G's forward pass and G's
// update.
func (m *machine) op() {
	if m.Done() {
		return
	}
	if !m.inStep {
		m.beginStep()
	}
	switch i := m.ops; {
	case i < 3*m.k:
		switch i % 3 {
		case 0:
			m.dReal(i / 3)
		case 1:
			m.dFake(i / 3)
		default:
			m.dUpdate()
		}
	case i == 3*m.k:
		m.gForward()
	default:
		m.gUpdate()
	}
	m.ops++
	if m.ops == m.OpsPerStep() && !m.diverged && !m.mined.stopped {
		m.endStep()
	}
}

// beginStep puts the pending settings in place.
func (m *machine) beginStep() {
	m.inStep, m.ops, m.k = true, 0, m.cfg.dSteps
	m.optD.SetLearningRate(m.cfg.lrD)
	m.optG.SetLearningRate(m.cfg.lrG)
	m.cur = stepVals{}
	m.live = liveStep{}
}

// endStep records the finished step in the histories.
func (m *machine) endStep() {
	m.inStep = false
	m.live = liveStep{}
	m.step++
	h := &m.hist
	h.lossD = append(h.lossD, m.cur.LossD)
	h.lossG = append(h.lossG, m.cur.LossG)
	h.dReal = append(h.dReal, m.cur.DReal)
	h.dFake = append(h.dFake, m.cur.DFake)
	if m.step%evalEvery == 0 || m.step == m.cfg.steps {
		m.evaluate()
	}
}

// evaluate measures G and D now — the coverage of the shown points and
// the dead ReLU units — keeps it as the latest evaluation and adds the
// coverage to the history.
func (m *machine) evaluate() {
	pts := m.samples()
	c := coverageOf(pts)
	m.last = evaluation{Step: m.step, Cov: c, Dead: m.deadShare(pts)}
	if n := len(m.hist.evalStep); n > 0 {
		from := int(m.hist.evalStep[n-1])
		mean, _, _ := stats(m.hist.lossD[from:])
		m.hist.blockLD = append(m.hist.blockLD, mean)
	}
	m.hist.evalStep = append(m.hist.evalStep, float64(m.step))
	m.hist.covered = append(m.hist.covered, float64(c.Covered))
	m.hist.onRing = append(m.hist.onRing, c.OnRing)
}

// noise returns Batch draws of z ~ N(0, I₂) for D step j (0 … 4) or the G
// step (j = 7) of the training step in progress. They depend only on the
// seed, the step and j, so changing a setting never changes them.
func (m *machine) noise(j int) *tensor.Tensor { return m.noiseAt(m.step, j) }

// noiseAt is the noise of D step j (or the G step, j = 7) of the training
// step that follows step completed steps.
func (m *machine) noiseAt(step, j int) *tensor.Tensor {
	rng := rand.New(rand.NewPCG(m.seed+0x6a09e667, uint64(step)<<3|uint64(j)))
	return tensor.RandN(rng, Batch, 2)
}

// snapshot is the machine between training steps (lessons.Snapshotter).
type snapshot struct {
	cfg          config
	loader       data.Loader
	gVals, dVals [][]float64
	// gParams and dParams are the parameters optG and optD key their state
	// by: those of the machine the snapshot was taken of.
	gParams, dParams []*autograd.Var
	optG, optD       optim.Optimizer
	ops, k, step     int
	byOp             bool
	cur              stepVals
	realX            *tensor.Tensor
	hist             history
	last             evaluation
	diverged         bool
	divStep          int
	watch            trainer.Watch
	health           trainer.Health
	shownZ           *tensor.Tensor
	mined            mineState
}

// Snapshot implements lessons.Snapshotter; it reports false in the middle
// of a training step.
func (m *machine) Snapshot() (any, bool) {
	if m.inStep {
		return nil, false
	}
	return snapshot{
		cfg: m.cfg, loader: m.loader,
		gVals: values(m.gParams), dVals: values(m.dParams),
		gParams: m.gParams, dParams: m.dParams,
		optG: m.optG.Clone(nil), optD: m.optD.Clone(nil),
		ops: m.ops, k: m.k, step: m.step, byOp: m.byOp, cur: m.cur, realX: m.realX, hist: m.hist.clone(), last: m.last,
		diverged: m.diverged, divStep: m.divStep, watch: m.watch.Clone(), health: m.health.Clone(), shownZ: m.shownZ,
		mined: m.mined,
	}, true
}

// Restore implements lessons.Snapshotter.
func (m *machine) Restore(state any) {
	s := state.(snapshot)
	m.cfg, m.loader = s.cfg, s.loader
	setValues(m.gParams, s.gVals)
	setValues(m.dParams, s.dVals)
	// Adam's state moves to this machine's parameters, which are not the
	// snapshot's when it is restored into a new machine (a look-ahead copy).
	m.optG, m.optD = s.optG.Clone(remap(s.gParams, m.gParams)), s.optD.Clone(remap(s.dParams, m.dParams))
	m.inStep, m.ops, m.k, m.step, m.byOp, m.cur, m.realX = false, s.ops, s.k, s.step, s.byOp, s.cur, s.realX
	m.live = liveStep{}
	m.hist, m.last = s.hist.clone(), s.last
	m.diverged, m.divStep, m.watch, m.shownZ = s.diverged, s.divStep, s.watch.Clone(), s.shownZ
	// The learner's code stays this machine's (a look-ahead copy has none).
	m.mined.rep, m.mined.stopped = s.mined.rep, s.mined.stopped
	m.health = s.health.Clone()
}

// remap maps each of from to the parameter at the same place in to.
func remap(from, to []*autograd.Var) map[*autograd.Var]*autograd.Var {
	out := make(map[*autograd.Var]*autograd.Var, len(from))
	for i, p := range from {
		out[p] = to[i]
	}
	return out
}

// values copies the values of params.
func values(params []*autograd.Var) [][]float64 {
	out := make([][]float64, len(params))
	for i, p := range params {
		out[i] = append([]float64(nil), p.Value.Data...)
	}
	return out
}

// setValues copies vals into the values of params.
func setValues(params []*autograd.Var, vals [][]float64) {
	for i, p := range params {
		copy(p.Value.Data, vals[i])
	}
}

// Instruments implements lessons.Instrumented: the watch's autopsy and the
// gauges of both networks. There is no gradient check: the machine keeps
// its tapes to itself (it does not train through trainer.Loop).
func (m *machine) Instruments() lessons.Instruments { return instruments{m} }

type instruments struct{ m *machine }

func (in instruments) DivergenceAutopsy() *scene.Autopsy { return in.m.watch.DivergenceAutopsy() }

// HealthPanel is the gauges as trainer's panel, a row per network and
// gauge, nil before the first update.
func (in instruments) HealthPanel() *scene.Panel { return in.m.health.Panel() }

func (in instruments) GradCheck() (*scene.GradCheck, error) { return in.m.watch.GradCheck() }

// Health reads the gauges as numbers.
func (in instruments) Health() *trainer.Health { return &in.m.health }
