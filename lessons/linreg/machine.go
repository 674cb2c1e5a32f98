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
	x, y   *tensor.Tensor
	dense  *nn.Dense
	opt    *optim.SGD
	loop   trainer.Loop
	xb, yb *tensor.Tensor // the current step's batch

	epochMSE []float64 // full-data MSE after every completed epoch
	startMSE float64   // full-data MSE before training
}

func newMachine(seed uint64, lr float64, batch, epochs int) *machine {
	x, y := data.LinReg(seed, N)
	rng := tensor.NewRNG(seed + 1)
	d := nn.NewDense("dense", 1, 1, rng)
	// Keras's Dense starts from Glorot-uniform weights: U(−√(6/(in+out)), +…).
	limit := math.Sqrt(6.0 / 2.0)
	d.W.Value.Data[0] = -limit + 2*limit*rng.Float64()
	m := &machine{x: x, y: y, dense: d, opt: optim.NewSGD(lr)}
	m.loop = trainer.Loop{
		N: N, Batch: batch, Epochs: epochs, ShuffleSeed: seed,
		Params: d.Params(), Start: m.startStep,
		EndEpoch: func() { m.epochMSE = append(m.epochMSE, m.fullMSE()) },
	}
	m.startMSE = m.fullMSE()
	return m
}

func (m *machine) Set(name, value string) {
	if name == "lr" {
		m.opt.LR = lessons.Settings{"lr": value}.Float("lr")
	}
}

func (m *machine) Done() bool                    { return m.loop.Done() }
func (m *machine) Advance(g lessons.Granularity) { m.loop.Advance(g) }

// startStep records the forward pass of one training step on the batch
// rows: ŷ = x·W + b, L = mean((ŷ − y)²), one named node per op.
func (m *machine) startStep(rows []int) (func(*autograd.Tape) *autograd.Var, func()) {
	m.xb, m.yb = data.Rows(m.x, rows), data.Rows(m.y, rows)
	build := func(tp *autograd.Tape) *autograd.Var {
		x := autograd.Const("x", m.xb)
		y := autograd.Const("y", m.yb)
		z := tp.MatMul(x, m.dense.W).Named("z")
		yhat := tp.Add(z, m.dense.B).Named("ŷ")
		diff := tp.Sub(yhat, y).Named("e")
		sq := tp.Square(diff).Named("e²")
		return tp.Mean(sq).Named("L")
	}
	return build, func() { m.opt.Step(m.dense.Params()) }
}

// fullMSE is the loss over all N points with the current parameters.
func (m *machine) fullMSE() float64 {
	w, b := m.dense.W.Value.Data[0], m.dense.B.Value.Data[0]
	s := 0.0
	for i, xi := range m.x.Data {
		d := w*xi + b - m.y.Data[i]
		s += d * d
	}
	return s / N
}

// leastSquares is the best line through the data, in closed form.
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

// snapshot is the machine between training steps (lessons.Snapshotter).
type snapshot struct {
	loop     trainer.Snapshot
	epochMSE []float64
}

// Snapshot implements lessons.Snapshotter.
func (m *machine) Snapshot() (any, bool) {
	s, ok := m.loop.Snapshot(m.opt)
	if !ok {
		return nil, false
	}
	return snapshot{loop: s, epochMSE: slices.Clone(m.epochMSE)}, true
}

// Restore implements lessons.Snapshotter.
func (m *machine) Restore(state any) {
	s := state.(snapshot)
	m.opt = m.loop.Restore(s.loop).(*optim.SGD)
	m.epochMSE = slices.Clone(s.epochMSE)
	if m.loop.Rows != nil {
		m.xb, m.yb = data.Rows(m.x, m.loop.Rows), data.Rows(m.y, m.loop.Rows)
	}
}
