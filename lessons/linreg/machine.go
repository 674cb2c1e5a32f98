package linreg

import (
	"math"

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
// objects: the data, the Dense layer, the optimizer and the cursor over the
// current training step.
type machine struct {
	x, y   *tensor.Tensor
	dense  *nn.Dense
	opt    *optim.SGD
	shuf   rngShuffler
	batch  int
	epochs int

	cur     trainer.Cursor
	batches [][]int // the current epoch's batches
	next    int     // index of the next batch to start in batches
	rows    []int   // rows of the batch of the current step
	xb, yb  *tensor.Tensor

	step     int       // training steps completed
	epoch    int       // epochs completed
	losses   []float64 // batch loss of every completed step
	epochMSE []float64 // full-data MSE after every completed epoch
	startMSE float64   // full-data MSE before training
	diverged bool
	divStep  int
}

// rngShuffler draws the epoch shuffles from their own seeded stream, so
// changing the learning rate never changes which points form a batch.
type rngShuffler struct{ seed uint64 }

func (s rngShuffler) epoch(e, n, batch int) [][]int {
	return data.Batches(n, batch, tensor.NewRNG(s.seed*1_000_003+uint64(e)+1))
}

func newMachine(seed uint64, lr float64, batch, epochs int) *machine {
	x, y := data.LinReg(seed, N)
	rng := tensor.NewRNG(seed + 1)
	d := nn.NewDense("dense", 1, 1, rng)
	// Keras's Dense starts from Glorot-uniform weights: U(−√(6/(in+out)), +…).
	limit := math.Sqrt(6.0 / 2.0)
	d.W.Value.Data[0] = -limit + 2*limit*rng.Float64()
	m := &machine{x: x, y: y, dense: d, opt: optim.NewSGD(lr), shuf: rngShuffler{seed}, batch: batch, epochs: epochs}
	m.startMSE = m.fullMSE()
	return m
}

func (m *machine) Set(name, value string) {
	if name == "lr" {
		m.opt.LR = lessons.Settings{"lr": value}.Float("lr")
	}
}

func (m *machine) Done() bool { return m.diverged || m.epoch >= m.epochs }

// Advance implements lessons.Machine.
func (m *machine) Advance(g lessons.Granularity) {
	switch g {
	case lessons.Op:
		m.op()
	case lessons.Step:
		m.finishStep()
	case lessons.Epoch:
		e := m.epoch
		for !m.Done() && m.epoch == e {
			m.finishStep()
		}
	default:
		for !m.Done() {
			m.finishStep()
		}
	}
}

// inStep reports whether a training step has begun and not yet ended.
func (m *machine) inStep() bool {
	return m.cur.Phase == trainer.Forward || m.cur.Phase == trainer.Backward
}

// op reveals one op, starting a new training step when none is under way.
func (m *machine) op() {
	if !m.inStep() {
		m.begin()
		m.checkLoss()
		return
	}
	if m.cur.Op() {
		m.endStep()
	}
}

// finishStep completes the current training step, or runs a whole new one.
func (m *machine) finishStep() {
	if !m.inStep() {
		m.begin()
		if m.checkLoss() {
			return
		}
	}
	m.cur.Finish()
	m.endStep()
}

// begin starts the next training step: picks its batch and records the
// forward pass on a fresh tape.
func (m *machine) begin() {
	if m.batches == nil || m.next >= len(m.batches) {
		m.batches = m.shuf.epoch(m.epoch, N, m.batch)
		m.next = 0
	}
	m.rows = m.batches[m.next]
	m.next++
	m.xb, m.yb = data.Rows(m.x, m.rows), data.Rows(m.y, m.rows)
	params := m.dense.Params()
	autograd.ZeroGrad(params...)
	m.cur.Begin(func(tp *autograd.Tape) *autograd.Var {
		x := autograd.Const("x", m.xb)
		y := autograd.Const("y", m.yb)
		z := tp.MatMul(x, m.dense.W).Named("z")
		yhat := tp.Add(z, m.dense.B).Named("ŷ")
		diff := tp.Sub(yhat, y).Named("e")
		sq := tp.Square(diff).Named("e²")
		return tp.Mean(sq).Named("L")
	}, func() { m.opt.Step(params) })
}

// checkLoss marks the run diverged if the loss is not finite.
func (m *machine) checkLoss() bool {
	if m.cur.Diverged() {
		m.diverged, m.divStep = true, m.step+1
	}
	return m.diverged
}

// endStep does the bookkeeping after an update.
func (m *machine) endStep() {
	m.step++
	m.losses = append(m.losses, m.cur.Loss.Item())
	w, b := m.dense.W.Value.Data[0], m.dense.B.Value.Data[0]
	if math.IsNaN(w+b) || math.IsInf(w+b, 0) {
		m.diverged, m.divStep = true, m.step
	}
	if m.next >= len(m.batches) {
		m.epoch++
		m.epochMSE = append(m.epochMSE, m.fullMSE())
	}
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

func (m *machine) stepsPerEpoch() int { return (N + m.batch - 1) / m.batch }
