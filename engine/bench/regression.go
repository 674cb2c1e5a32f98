package bench

import (
	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/data"
	"github.com/dlearn/dlearn/engine/nn"
	"github.com/dlearn/dlearn/engine/optim"
	"github.com/dlearn/dlearn/engine/tensor"
)

// Sizes of W1 and W2, the seed's two Keras examples.
const (
	RegressionPoints = 100 // data points
	RegressionBatch  = 32  // rows per step: 4 steps per epoch
	RegressionSteps  = 400 // 100 epochs
	RegressionLR     = 0.01
)

// Linreg is W1, the seed's linear regression: 100 points x ~ U[0,1),
// y = 2x + 1 + 0.5·N(0,1), one Dense 1→1 unit, MSE, plain SGD, batches of
// 32 reshuffled every epoch.
type Linreg struct {
	Dense   *nn.Dense
	X, Y    *tensor.Tensor // the whole data set, [100 1] each
	tp      *autograd.Tape
	opt     optim.Optimizer
	params  []*autograd.Var
	batches *epochBatches
}

// NewLinreg returns W1 with data and weights drawn from seed and SGD at
// learning rate lr (the workload's is RegressionLR).
func NewLinreg(seed uint64, lr float64) *Linreg {
	x, y := data.LinReg(seed, RegressionPoints)
	rng := tensor.NewRNG(seed + 1)
	d := nn.NewDense("dense", 1, 1, rng)
	return &Linreg{
		Dense: d, X: x, Y: y,
		tp:      autograd.NewRecyclingTape(),
		opt:     mustOptim("sgd", lr),
		params:  d.Params(),
		batches: newEpochBatches(x, y, nil, RegressionBatch, tensor.NewRNG(seed+2)),
	}
}

// Step runs one training step on the next batch and returns its loss.
func (w *Linreg) Step() float64 {
	b := w.batches.nextBatch()
	w.tp.Reset()
	loss := nn.MSE(w.tp, w.Dense.Forward(w.tp, w.batches.x[b]), w.batches.y[b])
	update(w.tp, loss, w.opt, w.params)
	return loss.Item()
}

// WB returns the learned slope and intercept.
func (w *Linreg) WB() (slope, intercept float64) {
	return w.Dense.W.Value.Data[0], w.Dense.B.Value.Data[0]
}

// Logreg is W2, the seed's logistic regression: 100 points x ~ U[0,1)²
// labelled round(0.5·(x1 + x2)), Dense 2→1 with a sigmoid, binary
// cross-entropy, plain SGD, batches of 32 in a fixed order (the workload
// does not reshuffle).
type Logreg struct {
	Dense   *nn.Dense
	X, Y    *tensor.Tensor // [100 2] and [100 1]
	tp      *autograd.Tape
	opt     optim.Optimizer
	params  []*autograd.Var
	batches *epochBatches
}

// NewLogreg returns W2 with data and weights drawn from seed and SGD at
// learning rate lr (the workload's is RegressionLR).
func NewLogreg(seed uint64, lr float64) *Logreg {
	x, y := data.LogReg(seed, RegressionPoints)
	rng := tensor.NewRNG(seed + 1)
	d := nn.NewDense("dense", 2, 1, rng)
	return &Logreg{
		Dense: d, X: x, Y: y,
		tp:      autograd.NewRecyclingTape(),
		opt:     mustOptim("sgd", lr),
		params:  d.Params(),
		batches: newEpochBatches(x, y, nil, RegressionBatch, nil),
	}
}

// Step runs one training step on the next batch and returns its loss.
func (w *Logreg) Step() float64 {
	b := w.batches.nextBatch()
	w.tp.Reset()
	p := w.tp.Sigmoid(w.Dense.Forward(w.tp, w.batches.x[b]))
	loss := w.tp.BCE(p, w.batches.y[b])
	update(w.tp, loss, w.opt, w.params)
	return loss.Item()
}

// Accuracy returns the fraction of the data set classified correctly
// (probability ≥ 0.5 read as class 1).
func (w *Logreg) Accuracy() float64 {
	tp := autograd.NoGradTape()
	p := tp.Sigmoid(w.Dense.Forward(tp, autograd.Const("x", w.X))).Value
	ok := 0
	for i, v := range p.Data {
		if (v >= 0.5) == (w.Y.Data[i] == 1) {
			ok++
		}
	}
	return float64(ok) / float64(len(p.Data))
}
