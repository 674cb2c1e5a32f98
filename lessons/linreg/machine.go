package linreg

import (
	"math"
	"slices"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/data"
	"github.com/dlearn/dlearn/engine/nn"
	"github.com/dlearn/dlearn/engine/optim"
	"github.com/dlearn/dlearn/engine/tensor"
	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/trainer"
)

// N is the number of points of the seed's data; Query is the x at which
// the trained model is asked for a prediction at the end.
const (
	N     = 100
	Query = 0.5
)

// machine is the lesson's state machine. Its fields hold the engine's real
// objects: the data, the Dense layer, the optimizer, and the loop that walks
// the training steps.
type machine struct {
	x, y   *tensor.Tensor // the seed's data
	u      *tensor.Tensor // the input the neuron is fed: (x − shift)/scale
	centre string
	// shift and scale turn x into u; (0, 1) when centring is off.
	shift, scale float64
	dense        *nn.Dense
	opt          *optim.SGD
	loop         trainer.Loop
	xb, yb       *tensor.Tensor // the current step's batch (of u and y)

	epochMSE []float64 // full-data MSE after every completed epoch
	startMSE float64   // full-data MSE before training
	firstMet int       // the first step after which the goal held (0: not yet)
}

func newMachine(seed uint64, lr float64, batch, epochs int, centre string) *machine {
	x, y := data.LinReg(seed, N)
	rng := tensor.NewRNG(seed + 1)
	d := nn.NewDense("dense", 1, 1, rng)
	// Keras's Dense starts from Glorot-uniform weights: U(−√(6/(in+out)), +…).
	limit := math.Sqrt(6.0 / 2.0)
	d.W.Value.Data[0] = -limit + 2*limit*rng.Float64()
	m := &machine{x: x, y: y, centre: centre, dense: d, opt: optim.NewSGD(lr)}
	m.shift, m.scale = transform(x.Data, centre)
	m.u = x.Clone()
	for i, xi := range x.Data {
		m.u.Data[i] = (xi - m.shift) / m.scale
	}
	m.loop = trainer.Loop{
		N: N, Batch: batch, Epochs: epochs, ShuffleSeed: seed,
		Params: d.Params(), Start: m.startStep,
		EndEpoch: func() { m.epochMSE = append(m.epochMSE, m.fullMSE()) },
	}
	m.startMSE = m.fullMSE()
	return m
}

// transform returns the shift and scale of a centring mode on xs.
func transform(xs []float64, centre string) (shift, scale float64) {
	if centre != CentreOn && centre != CentreScale {
		return 0, 1
	}
	mean := 0.0
	for _, x := range xs {
		mean += x
	}
	mean /= float64(len(xs))
	if centre == CentreOn {
		return mean, 1
	}
	v := 0.0
	for _, x := range xs {
		v += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(v / float64(len(xs)))
}

func (m *machine) Set(name, value string) {
	if name == "lr" {
		m.opt.LR = lessons.Settings{"lr": value}.Float("lr")
	}
}

func (m *machine) Done() bool                    { return m.loop.Done() }
func (m *machine) Advance(g lessons.Granularity) { m.loop.Advance(g) }

// startStep records the forward pass of one training step on the batch
// rows: ŷ = x·W + b, L = mean((ŷ − y)²), one named node per op. (x is the
// input the neuron is fed: x itself, or centred.)
func (m *machine) startStep(rows []int) (func(*autograd.Tape) *autograd.Var, func()) {
	m.xb, m.yb = data.Rows(m.u, rows), data.Rows(m.y, rows)
	build := func(tp *autograd.Tape) *autograd.Var {
		x := autograd.Const("x", m.xb)
		y := autograd.Const("y", m.yb)
		z := tp.MatMul(x, m.dense.W).Named("z")
		yhat := tp.Add(z, m.dense.B).Named("ŷ")
		diff := tp.Sub(yhat, y).Named("e")
		sq := tp.Square(diff).Named("e²")
		return tp.Mean(sq).Named("L")
	}
	return build, func() {
		m.opt.Step(m.dense.Params())
		if m.firstMet == 0 && goal.Met(m.pred()) {
			m.firstMet = m.loop.Step + 1
		}
	}
}

// line is the model as a line in x: ŷ = w·x + b, whatever input the
// neuron is fed.
func (m *machine) line() (w, b float64) {
	wu, bu := m.dense.W.Value.Data[0], m.dense.B.Value.Data[0]
	return wu / m.scale, bu - wu*m.shift/m.scale
}

// pred is the model's prediction at x = Query.
func (m *machine) pred() float64 {
	w, b := m.line()
	return w*Query + b
}

// fullMSE is the loss over all N points with the current parameters.
func (m *machine) fullMSE() float64 {
	w, b := m.dense.W.Value.Data[0], m.dense.B.Value.Data[0]
	s := 0.0
	for i, ui := range m.u.Data {
		d := w*ui + b - m.y.Data[i]
		s += d * d
	}
	return s / N
}

// leastSquares is the best line through the data, in closed form, in x.
func (m *machine) leastSquares() (w, b float64) {
	var sx, sy, sxx, sxy float64
	for i, xi := range m.x.Data {
		yi := m.y.Data[i]
		sx += xi
		sy += yi
		sxx += xi * xi
		sxy += xi * yi
	}
	w = (N*sxy - sx*sy) / (N*sxx - sx*sx)
	return w, (sy - w*sx) / N
}

// Curvature is the Hessian of the full-data MSE in (W, b) for an input u:
// H = (2/N)·[[Σu², Σu], [Σu, N]], with its eigenvalues and the slow
// eigenvector (the direction of LMin).
type Curvature struct {
	H            [2][2]float64
	LMin, LMax   float64
	SlowW, SlowB float64
}

// Kappa is the condition number λmax/λmin.
func (c Curvature) Kappa() float64 { return c.LMax / c.LMin }

// Limit is the largest stable learning rate of full-batch gradient
// descent, 2/λmax.
func (c Curvature) Limit() float64 { return 2 / c.LMax }

// Left is the share of its error the slow direction keeps after steps
// full-batch steps at lr: |1 − lr·λmin|^steps.
func (c Curvature) Left(lr float64, steps int) float64 {
	return math.Pow(math.Abs(1-lr*c.LMin), float64(steps))
}

// curvature computes the Hessian of the MSE for inputs us.
func curvature(us []float64) Curvature {
	var su, suu float64
	for _, u := range us {
		su += u
		suu += u * u
	}
	n := float64(len(us))
	a, b, d := 2*suu/n, 2*su/n, 2.0
	mid, r := (a+d)/2, math.Hypot((a-d)/2, b)
	c := Curvature{H: [2][2]float64{{a, b}, {b, d}}, LMin: mid - r, LMax: mid + r}
	// (H − λmin)v = 0: v = (b, λmin − a), or an axis when H is diagonal.
	switch {
	case math.Abs(b) > 1e-12:
		c.SlowW, c.SlowB = b, c.LMin-a
	case a <= d:
		c.SlowW, c.SlowB = 1, 0
	default:
		c.SlowW, c.SlowB = 0, 1
	}
	nv := math.Hypot(c.SlowW, c.SlowB)
	c.SlowW, c.SlowB = c.SlowW/nv, c.SlowB/nv
	return c
}

// curvatureOf is the Hessian the neuron sees under a centring mode.
func (m *machine) curvatureOf(centre string) Curvature {
	shift, scale := transform(m.x.Data, centre)
	us := make([]float64, N)
	for i, x := range m.x.Data {
		us[i] = (x - shift) / scale
	}
	return curvature(us)
}

// snapshot is the machine between training steps (lessons.Snapshotter).
type snapshot struct {
	loop     trainer.Snapshot
	epochMSE []float64
	firstMet int
}

// Snapshot implements lessons.Snapshotter.
func (m *machine) Snapshot() (any, bool) {
	s, ok := m.loop.Snapshot(m.opt)
	if !ok {
		return nil, false
	}
	return snapshot{loop: s, epochMSE: slices.Clone(m.epochMSE), firstMet: m.firstMet}, true
}

// Restore implements lessons.Snapshotter.
func (m *machine) Restore(state any) {
	s := state.(snapshot)
	m.opt = m.loop.Restore(s.loop).(*optim.SGD)
	m.epochMSE = slices.Clone(s.epochMSE)
	m.firstMet = s.firstMet
	if m.loop.Rows != nil {
		m.xb, m.yb = data.Rows(m.u, m.loop.Rows), data.Rows(m.y, m.loop.Rows)
	}
}

// Mined implements lessons.Miner: mine mode checks the MSE (its value
// and the gradient it sends to ŷ) against the learner's mse exercise.
func (m *machine) Mined() lessons.MineChecker { return &m.loop }

// Instruments implements lessons.Instrumented: the loop reports on training.
func (m *machine) Instruments() lessons.Instruments { return &m.loop }
