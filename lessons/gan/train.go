package gan

import (
	"math"
	"slices"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/optim"
)

// stepVals are the numbers of the training step in progress (or of the
// last one) that the scene shows: plain values, safe to copy.
type stepVals struct {
	// DStep is the D step the D values belong to, from 1.
	DStep int
	// D on the real batch: where the batch came from, its first point and
	// logit, the mean of D(x) = σ(logit), and −mean log D(x).
	Epoch, BatchNo      int
	Real0               [2]float64
	RealLogit0          float64
	DReal, LossReal     float64
	Fake0               [2]float64 // the same for G's points: mean D(G(z)), −mean log(1 − D(G(z)))
	FakeLogit0          float64
	DFake, LossFake     float64
	LossD, DGrad, DMove float64 // D's loss, the norm of its gradient and of Adam's update
	// Ranked is the share of the real batch that D scores above the median
	// of G's batch, before D's update: how well D orders real over fake,
	// whatever its probabilities are (½ is chance, 1 a perfect ordering).
	Ranked                float64
	G0                    [2]float64
	GLogit0, DG           float64 // the G step's first logit and mean D(G(z))
	LossG, LossNS, LossSa float64 // the loss G minimises, and both forms of it
	// PullNS and PullSa are the mean over the batch of |∂ℓ/∂logit| for one
	// point's loss ℓ, under either form: 1 − D(G(z)) and D(G(z)).
	PullNS, PullSa float64
	// Push0 is −∂ℓ/∂G(z) at the first point, the direction its loss
	// pushes it; Push is the mean length of that push over the batch.
	Push0        [2]float64
	Push         float64
	GGrad, GMove float64
}

// dReal records D's forward pass on the next real batch and the real half
// of D's loss, −mean log D(x).
func (m *machine) dReal(j int) {
	epoch, b := m.loader.Pos()
	_, rows := m.loader.Next()
	x, _ := m.real.Batch(rows)
	m.realX = x
	tp := autograd.NewTape()
	logits := m.d.Forward(tp, autograd.Const("x", x))
	m.live = liveStep{tp: tp, lossReal: tp.BCEWithLogits(logits, m.ones), realLogits: logits.Value.Data}
	c := &m.cur
	c.DStep, c.Epoch, c.BatchNo = j+1, epoch, b
	c.Real0 = [2]float64{x.Data[0], x.Data[1]}
	c.RealLogit0, c.DReal = logits.Value.Data[0], meanSigmoid(logits.Value.Data)
	c.LossReal = m.live.lossReal.Item()
}

// dFake makes a batch of G's points (G is held fixed: no tape records
// it) and records D's forward pass on them and the fake half of D's loss,
// −mean log(1 − D(G(z))).
func (m *machine) dFake(j int) {
	fake := m.g.Forward(autograd.NoGradTape(), autograd.Const("z", m.noise(j))).Value
	tp := m.live.tp
	logits := m.d.Forward(tp, autograd.Const("G(z)", fake))
	m.live.lossFake = tp.BCEWithLogits(logits, m.zeros)
	m.live.fakeLogits = logits.Value.Data
	c := &m.cur
	c.Fake0 = [2]float64{fake.Data[0], fake.Data[1]}
	c.FakeLogit0, c.DFake = logits.Value.Data[0], meanSigmoid(logits.Value.Data)
	c.LossFake = m.live.lossFake.Item()
	c.Ranked = rankedAbove(m.live.realLogits, m.live.fakeLogits)
}

// rankedAbove is the share of real above the median of fake.
func rankedAbove(real, fake []float64) float64 {
	f := slices.Clone(fake)
	slices.Sort(f)
	n := len(f)
	med := (f[(n-1)/2] + f[n/2]) / 2
	above := 0
	for _, r := range real {
		if r > med {
			above++
		}
	}
	return float64(above) / float64(len(real))
}

// dUpdate adds the two halves into D's loss, runs the backward pass
// through D and applies D's Adam.
func (m *machine) dUpdate() {
	tp := m.live.tp
	loss := tp.Add(m.live.lossReal, m.live.lossFake)
	if !m.mineDLoss(loss) {
		return
	}
	m.cur.LossD = loss.Item()
	if m.watch.Forward(tp, loss, m.step+1) != nil {
		m.diverge()
		return
	}
	// D's units on the real and the fake batch, pooled.
	m.health.RecordUnits("D", tp.Nodes())
	autograd.ZeroGrad(m.dParams...)
	if want, ok := m.dGrads(); !ok || !m.backward(tp, loss, want) {
		return
	}
	m.cur.DGrad = gradNorm(m.dParams)
	m.cur.DMove = m.update(m.optD, m.dParams, "D")
}

// gForward records G on fresh noise and D on G's points, on one tape, and
// the loss G minimises: −mean log D(G(z)) (non-saturating) or
// mean log(1 − D(G(z))) (saturating).
func (m *machine) gForward() {
	tp := autograd.NewTape()
	gOut := m.g.Forward(tp, autograd.Const("z", m.noise(7)))
	logits := m.d.Forward(tp, gOut)
	var loss *autograd.Var
	if m.cfg.loss == Saturating {
		loss = tp.Neg(tp.BCEWithLogits(logits, m.zeros))
	} else {
		loss = tp.BCEWithLogits(logits, m.ones)
	}
	m.live = liveStep{tp: tp, lossG: loss, gOut: gOut, gl: logits.Value.Data, gNodes: gOut.Node().Index + 1}
	if !m.mineGLoss(loss) {
		return
	}
	c := &m.cur
	c.G0 = [2]float64{gOut.Value.Data[0], gOut.Value.Data[1]}
	c.GLogit0, c.DG = logits.Value.Data[0], meanSigmoid(logits.Value.Data)
	c.LossG = loss.Item()
	for _, l := range logits.Value.Data {
		c.LossNS += softplus(-l) // −log σ(l)
		c.LossSa -= softplus(l)  // log(1 − σ(l))
	}
	c.LossNS /= Batch
	c.LossSa /= Batch
}

// gUpdate runs the backward pass from G's loss through D into G and
// applies G's Adam. D's weights receive gradients on the way but are not
// updated: in G's step only G moves.
func (m *machine) gUpdate() {
	c := &m.cur
	if m.watch.Forward(m.live.tp, m.live.lossG, m.step+1) != nil {
		m.diverge()
		return
	}
	// G's units: the nodes of G's forward pass, before D's on its points.
	m.health.RecordUnits("G", m.live.tp.Nodes()[:m.live.gNodes])
	autograd.ZeroGrad(m.gParams...)
	autograd.ZeroGrad(m.dParams...)
	if want, ok := m.gGrads(); !ok || !m.backward(m.live.tp, m.live.lossG, want) {
		return
	}
	for _, l := range m.live.gl {
		s := sigmoid(l)
		c.PullNS += (1 - s) / Batch
		c.PullSa += s / Batch
	}
	push := m.live.gOut.Grad.Data // ∂L_G/∂G(z) = ∂ℓ/∂G(z) / Batch
	c.Push0 = [2]float64{-Batch * push[0], -Batch * push[1]}
	for i := range Batch { // the mean of |Batch·push| over the batch
		c.Push += math.Hypot(push[2*i], push[2*i+1])
	}
	c.GGrad = gradNorm(m.gParams)
	c.GMove = m.update(m.optG, m.gParams, "G")
}

// update applies one step of opt to the parameters of network net ("G"
// or "D"), records its gauges, and returns the length of the update.
// If a parameter became NaN or ±Inf the step is undone and the run marked
// diverged, so that no scene ever holds a non-finite value.
func (m *machine) update(opt optim.Optimizer, params []*autograd.Var, net string) float64 {
	before := values(params)
	m.watch.Update(params, func() { opt.Step(params) }, nil, m.step+1)
	m.health.RecordUpdate(net, m.watch.LastUpdate())
	s := 0.0
	for _, p := range params {
		for _, v := range opt.LastUpdate(p).Data {
			s += v * v
		}
		if p.Value.HasNaNOrInf() {
			setValues(params, before)
			m.diverge()
			return 0
		}
	}
	return math.Sqrt(s)
}

// diverge stops the run at the current step.
func (m *machine) diverge() {
	m.diverged, m.divStep, m.inStep = true, m.step+1, false
}

// gradNorm is the length of the gradient of params, all in one vector.
func gradNorm(params []*autograd.Var) float64 {
	s := 0.0
	for _, p := range params {
		if p.Grad != nil {
			for _, g := range p.Grad.Data {
				s += g * g
			}
		}
	}
	return math.Sqrt(s)
}

func sigmoid(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + math.Exp(-x))
	}
	e := math.Exp(x)
	return e / (1 + e)
}

// softplus is log(1 + eˣ), finite for any finite x.
func softplus(x float64) float64 { return max(x, 0) + math.Log1p(math.Exp(-math.Abs(x))) }

func meanSigmoid(logits []float64) float64 {
	s := 0.0
	for _, l := range logits {
		s += sigmoid(l)
	}
	return s / float64(len(logits))
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
