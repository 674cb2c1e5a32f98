package privacy

import (
	"slices"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/optim"
	"github.com/dlearn/dlearn/engine/privacy"
	"github.com/dlearn/dlearn/engine/tensor"
	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/trainer"
)

// The stages of a run, in order.
const (
	stIntro  = iota // nothing trained yet
	stAttack        // the plain network trained and attacked
	stDP            // DP-SGD, step by step
	stFinal         // the private network attacked; the run is over
)

// The ops DP-SGD adds to a step between the backward pass and the
// update.
const (
	subNone  = iota // forward or backward pass
	subPerEx        // per-example gradients and their norms
	subClip         // each clipped to norm C
	subSum          // summed
	subNoise        // noise σ·C·z added
	subMean         // divided by the batch size
	dpOps    = subMean
)

// config is what a run starts with.
type config struct {
	epochs, batch int
}

// knobs are the controls that take effect from the next step.
type knobs struct{ lr, sigma, clip float64 }

// history is what the lesson measured after every epoch, entry 0 being
// the untrained network.
type history struct {
	trainAcc, heldAcc, trainLoss, heldLoss []float64
	adv, attAcc, eps                       []float64
	// atk is the latest attack, memberLoss and nonLoss the losses it was
	// run on.
	atk                 attack
	memberLoss, nonLoss []float64
}

func (h history) clone() history {
	h.trainAcc, h.heldAcc = slices.Clone(h.trainAcc), slices.Clone(h.heldAcc)
	h.trainLoss, h.heldLoss = slices.Clone(h.trainLoss), slices.Clone(h.heldLoss)
	h.adv, h.attAcc, h.eps = slices.Clone(h.adv), slices.Clone(h.attAcc), slices.Clone(h.eps)
	// The loss slices are replaced, never written into.
	return h
}

// machine drives the two trainings: plain SGD on one copy of the network
// (the attack's target, trained in one go) and DP-SGD on another, from
// the same starting weights, walked op by op.
type machine struct {
	seed uint64
	cfg  config
	d    *split

	base, priv *net
	baseHist   history
	hist       history
	stage      int

	loop trainer.Loop
	opt  *optim.SGD
	acct privacy.Accountant
	// set are the knobs as set now; step those the current (or last)
	// step started with.
	set, step knobs

	// The current step: its forward pass, and once its backward pass is
	// over, the per-example gradients and the DP-SGD step made of them;
	// sub is the DP-SGD op revealed.
	pass pass
	pe   perExample
	dp   *dpStep
	sub  int
}

func newMachine(seed uint64, s lessons.Settings) *machine {
	m := &machine{seed: seed, d: newSplit(seed),
		cfg: config{epochs: s.Int("epochs"), batch: s.Int("batch")},
		set: knobs{lr: s.Float("lr"), sigma: s.Float("sigma"), clip: s.Float("clip")}}
	m.priv = newNet(tensor.NewRNG(seed + 1))
	m.base = newNet(tensor.NewRNG(seed + 1))
	m.opt = optim.NewSGD(m.set.lr)
	m.loop = trainer.Loop{N: N, Batch: m.cfg.batch, Epochs: m.cfg.epochs, ShuffleSeed: seed,
		Params: m.priv.params(), Start: m.startStep, EndEpoch: func() { m.measure(&m.hist, m.priv) }}
	m.measure(&m.hist, m.priv)
	m.measure(&m.baseHist, m.base)
	return m
}

// q is the sampling rate: the chance that a given digit is in a batch.
func (m *machine) q() float64 { return float64(m.cfg.batch) / N }

// measure evaluates n on both sets, attacks it, and appends to h (with
// the ε spent so far).
func (m *machine) measure(h *history, n *net) {
	ml, mr := n.eval(m.d.member, m.d.memberY)
	nl, nr := n.eval(m.d.non, m.d.nonY)
	h.memberLoss, h.nonLoss = ml, nl
	h.atk = runAttack(ml, nl)
	h.trainAcc = append(h.trainAcc, share(mr))
	h.heldAcc = append(h.heldAcc, share(nr))
	h.trainLoss = append(h.trainLoss, mean(ml))
	h.heldLoss = append(h.heldLoss, mean(nl))
	h.adv = append(h.adv, h.atk.Adv)
	h.attAcc = append(h.attAcc, h.atk.Acc)
	eps := 0.0
	if n == m.priv {
		eps, _ = m.acct.Epsilon(Delta)
	}
	h.eps = append(h.eps, eps)
}

func share(b []bool) float64 {
	k := 0
	for _, x := range b {
		if x {
			k++
		}
	}
	return float64(k) / float64(len(b))
}

func mean(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

// trainBaseline trains the plain copy with SGD — same data, batches and
// epochs, no clipping and no noise, at PlainLR — measuring it after every
// epoch.
func (m *machine) trainBaseline() {
	opt := optim.NewSGD(PlainLR)
	l := trainer.Loop{N: N, Batch: m.cfg.batch, Epochs: m.cfg.epochs, ShuffleSeed: m.seed,
		Params: m.base.params(),
		Start: func(rows []int) (func(*autograd.Tape) *autograd.Var, func()) {
			x, y := m.d.batch(rows)
			return func(tp *autograd.Tape) *autograd.Var { return m.base.forward(tp, x, y).loss },
				func() { opt.Step(m.base.params()) }
		},
		EndEpoch: func() { m.measure(&m.baseHist, m.base) },
	}
	l.Advance(lessons.End)
}

// startStep records a DP-SGD step's forward pass; its update is the
// noisy mean gradient.
func (m *machine) startStep(rows []int) (func(*autograd.Tape) *autograd.Var, func()) {
	m.step = m.set
	m.dp, m.sub = nil, subNone
	x, y := m.d.batch(rows)
	build := func(tp *autograd.Tape) *autograd.Var {
		m.pass = m.priv.forward(tp, x, y)
		return m.pass.loss
	}
	return build, m.update
}

// makeDP reads the per-example gradients of the step's backward pass and
// makes the DP-SGD step: clip, sum, noise (from the step's own seeded
// stream, so a rewound step draws the same), average.
func (m *machine) makeDP() {
	if m.dp != nil {
		return
	}
	m.pe = readPerExample(m.pass)
	m.dp = newDPStep(m.pe, m.step.clip, m.step.sigma, m.step.lr, m.noise())
}

// noise is the step's standard normal draw z, one per parameter, from the
// step's own seeded stream: the same every time it is drawn.
func (m *machine) noise() []float64 {
	return drawNoise(tensor.NewRNG(m.seed*0x9e3779b9+uint64(m.loop.Step)+17), m.priv.size())
}

// update applies the DP-SGD step: the noisy mean gradient g̃ goes into
// the parameters' gradients and SGD takes w ← w − lr·g̃; the accountant
// adds the step.
func (m *machine) update() {
	m.makeDP()
	if impl := m.dpImpl(); impl != nil {
		m.mineUpdate(impl)
		return
	}
	k := 0
	for _, p := range m.priv.params() {
		copy(p.Grad.Data, m.dp.mean[k:k+len(p.Grad.Data)])
		k += len(p.Grad.Data)
	}
	m.opt.LR = m.step.lr
	m.opt.Step(m.priv.params())
	m.acct.Steps(m.q(), m.step.sigma, 1)
	m.sub = subNone
}

// Set implements lessons.Machine: the knobs apply from the next step.
func (m *machine) Set(name, value string) {
	v := lessons.Settings{name: value}.Float(name)
	switch name {
	case "lr":
		m.set.lr = v
	case "sigma":
		m.set.sigma = v
	case "clip":
		m.set.clip = v
	}
}

// Done implements lessons.Machine.
// A run that mine mode stopped (the learner's code disagreed) is done
// there, without the final stage's release.
func (m *machine) Done() bool { return m.loop.Diverged || m.loop.MineStopped || m.stage == stFinal }

// inDPOps reports whether the backward pass is over and the DP-SGD ops
// before the update are still to be revealed.
func (m *machine) inDPOps() bool {
	c := &m.loop.Cur
	return c.Phase == trainer.Backward && len(c.Steps) == c.Tape.Len() && m.sub < dpOps
}

// Advance implements lessons.Machine. The first advance trains the plain
// network and attacks it, the second gets DP-SGD ready; from there the
// loop's granularities apply, with DP-SGD's five ops between the backward
// pass and the update.
func (m *machine) Advance(g lessons.Granularity) {
	if m.stage == stIntro {
		m.trainBaseline()
		m.stage = stAttack
		if g != lessons.End {
			return
		}
	}
	if m.stage == stAttack {
		m.stage = stDP
		if g != lessons.End {
			return
		}
	}
	if g == lessons.Op && m.inDPOps() {
		m.makeDP()
		m.sub++
		return
	}
	m.loop.Advance(g)
	if m.loop.Cur.Phase == trainer.Updated && m.loop.Cur.Tape.Len() > 0 {
		// Let the finished step's tape go: snapshots stay small. The
		// step's numbers stay in m.dp.
		cur := &m.loop.Cur
		*cur = trainer.Cursor{Tape: autograd.NewTape(), Loss: cur.Loss.Detach(), Phase: trainer.Updated}
	}
	if m.loop.Done() && !m.loop.Diverged && !m.loop.MineStopped {
		m.stage = stFinal
	}
}

// Progress implements lessons.Progresser: the plain training and the
// attack count as one step, getting DP-SGD ready as another, then the
// DP-SGD steps.
func (m *machine) Progress() (step, epoch int) {
	return min(m.stage, stDP) + m.loop.Step, m.loop.Epoch
}

// released is the epoch whose network the lesson releases: the last one
// whose ε is within Budget (0, the untrained network, when even the first
// epoch spent more).
func (m *machine) released() int {
	r := 0
	for e, eps := range m.hist.eps {
		if eps <= Budget {
			r = e
		} else {
			break
		}
	}
	return r
}

// snapshot is the machine between steps.
type snapshot struct {
	loop           trainer.Snapshot
	baseHist, hist history
	stage          int
	acct           privacy.Accountant
	set, step      knobs
	dp             *dpStep
}

// Snapshot implements lessons.Snapshotter. A DP step's numbers are never
// changed once made, so they are shared.
func (m *machine) Snapshot() (any, bool) {
	s, ok := m.loop.Snapshot(m.opt)
	if !ok {
		return nil, false
	}
	return snapshot{loop: s, baseHist: m.baseHist.clone(), hist: m.hist.clone(), stage: m.stage,
		acct: m.acct, set: m.set, step: m.step, dp: m.dp}, true
}

// Restore implements lessons.Snapshotter.
func (m *machine) Restore(state any) {
	s := state.(snapshot)
	m.opt = m.loop.Restore(s.loop).(*optim.SGD)
	m.baseHist, m.hist = s.baseHist.clone(), s.hist.clone()
	m.stage, m.acct, m.set, m.step, m.dp, m.sub = s.stage, s.acct, s.set, s.step, s.dp, subNone
}

// Mined implements lessons.Miner: mine mode checks the ops the learner
// implemented in this lesson's exercises (trainer.MineOps).
func (m *machine) Mined() lessons.MineChecker { return &m.loop }

// Instruments implements lessons.Instrumented: the loop reports on
// training (health gauges, divergence autopsy, gradient check).
func (m *machine) Instruments() lessons.Instruments { return &m.loop }
