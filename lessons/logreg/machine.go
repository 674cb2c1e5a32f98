package logreg

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

// N is the number of points of the seed's data.
const N = 100

// machine holds the engine's real objects: the data, the Dense layer, the
// optimizer and the loop over training steps.
type machine struct {
	x, y   *tensor.Tensor
	dense  *nn.Dense
	opt    *optim.SGD
	loop   trainer.Loop
	xb, yb *tensor.Tensor // the current step's batch

	epochLoss, epochAcc []float64 // full-data loss and accuracy after each epoch
	startLoss           float64
}

func newMachine(seed uint64, lr float64, batch, epochs int) *machine {
	x, y := data.LogReg(seed, N)
	rng := tensor.NewRNG(seed + 1)
	d := nn.NewDense("dense", 2, 1, rng)
	// Keras's Dense starts from Glorot-uniform weights: U(−√(6/(in+out)), +…).
	limit := math.Sqrt(6.0 / 3.0)
	for i := range d.W.Value.Data {
		d.W.Value.Data[i] = -limit + 2*limit*rng.Float64()
	}
	m := &machine{x: x, y: y, dense: d, opt: optim.NewSGD(lr)}
	m.loop = trainer.Loop{
		N: N, Batch: batch, Epochs: epochs, ShuffleSeed: seed,
		Params: d.Params(), Start: m.startStep,
		EndEpoch: func() {
			l, a := m.evaluate()
			m.epochLoss = append(m.epochLoss, l)
			m.epochAcc = append(m.epochAcc, a)
		},
	}
	m.startLoss, _ = m.evaluate()
	return m
}

func (m *machine) Set(name, value string) {
	if name == "lr" {
		m.opt.LR = lessons.Settings{"lr": value}.Float("lr")
	}
}

func (m *machine) Done() bool                    { return m.loop.Done() }
func (m *machine) Advance(g lessons.Granularity) { m.loop.Advance(g) }

// startStep records one forward pass on the batch rows:
// s = x·W + b, p = σ(s), L = BCE(p, y).
func (m *machine) startStep(rows []int) (func(*autograd.Tape) *autograd.Var, func()) {
	m.xb, m.yb = data.Rows(m.x, rows), data.Rows(m.y, rows)
	build := func(tp *autograd.Tape) *autograd.Var {
		x := autograd.Const("x", m.xb)
		y := autograd.Const("y", m.yb)
		z := tp.MatMul(x, m.dense.W).Named("z")
		s := tp.Add(z, m.dense.B).Named("s")
		p := tp.Sigmoid(s).Named("p")
		return tp.BCE(p, y).Named("L")
	}
	return build, func() { m.opt.Step(m.dense.Params()) }
}

// params returns w1, w2 and b.
func (m *machine) params() (w1, w2, b float64) {
	w := m.dense.W.Value.Data
	return w[0], w[1], m.dense.B.Value.Data[0]
}

// prob is the model's p(class 1) at (x1, x2).
func (m *machine) prob(x1, x2 float64) float64 {
	w1, w2, b := m.params()
	return 1 / (1 + math.Exp(-(w1*x1 + w2*x2 + b)))
}

// evaluate returns the BCE (with the engine's clamp) and the accuracy at
// threshold 0.5 over all N points.
func (m *machine) evaluate() (loss, acc float64) {
	correct := 0
	for i := range N {
		p := m.prob(m.x.Data[2*i], m.x.Data[2*i+1])
		y := m.y.Data[i]
		pc := min(max(p, autograd.BCEEpsilon), 1-autograd.BCEEpsilon)
		loss -= y*math.Log(pc) + (1-y)*math.Log(1-pc)
		if (p >= 0.5) == (y == 1) {
			correct++
		}
	}
	return loss / N, float64(correct) / N
}

// snapshot is the machine between training steps (lessons.Snapshotter).
type snapshot struct {
	loop                trainer.Snapshot
	epochLoss, epochAcc []float64
}

// Snapshot implements lessons.Snapshotter.
func (m *machine) Snapshot() (any, bool) {
	s, ok := m.loop.Snapshot(m.opt)
	if !ok {
		return nil, false
	}
	return snapshot{loop: s, epochLoss: slices.Clone(m.epochLoss), epochAcc: slices.Clone(m.epochAcc)}, true
}

// Restore implements lessons.Snapshotter.
func (m *machine) Restore(state any) {
	s := state.(snapshot)
	m.opt = m.loop.Restore(s.loop).(*optim.SGD)
	m.epochLoss, m.epochAcc = slices.Clone(s.epochLoss), slices.Clone(s.epochAcc)
	if m.loop.Rows != nil {
		m.xb, m.yb = data.Rows(m.x, m.loop.Rows), data.Rows(m.y, m.loop.Rows)
	}
}

// Mined implements lessons.Miner: mine mode checks the sigmoid and the
// BCE against the learner's logistic exercise.
func (m *machine) Mined() lessons.MineChecker { return &m.loop }

// Instruments implements lessons.Instrumented: the loop reports on training.
func (m *machine) Instruments() lessons.Instruments { return &m.loop }
