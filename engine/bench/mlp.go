package bench

import (
	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/data"
	"github.com/dlearn/dlearn/engine/nn"
	"github.com/dlearn/dlearn/engine/optim"
	"github.com/dlearn/dlearn/engine/tensor"
)

// Sizes of W3.
const (
	MLPPerArm = 300 // spiral points per arm (900 in all)
	MLPHidden = 64
	MLPBatch  = 64  // 15 steps per epoch
	MLPSteps  = 750 // 50 epochs
	MLPLR     = 0.01
)

// MLP is W3: a 2→64→64→3 ReLU network classifying the three-arm spiral
// with softmax cross-entropy and Adam. The spiral comes arm after arm, so
// its 900 rows are reshuffled every epoch (otherwise most batches would
// hold a single class).
type MLP struct {
	L1, L2, L3 *nn.Dense
	Set        *data.Set
	tp         *autograd.Tape
	opt        optim.Optimizer
	params     []*autograd.Var
	batches    *epochBatches
}

// NewMLP returns W3 with data and weights drawn from seed and Adam at
// learning rate lr (the workload's is MLPLR).
func NewMLP(seed uint64, lr float64) *MLP {
	set := data.Spiral(seed, MLPPerArm)
	rng := tensor.NewRNG(seed + 1)
	w := &MLP{
		L1:  nn.NewDense("dense1", 2, MLPHidden, rng),
		L2:  nn.NewDense("dense2", MLPHidden, MLPHidden, rng),
		L3:  nn.NewDense("dense3", MLPHidden, data.SpiralArms, rng),
		Set: set,
		tp:  autograd.NewRecyclingTape(),
		opt: mustOptim("adam", lr),
	}
	for _, d := range []*nn.Dense{w.L1, w.L2, w.L3} {
		w.params = append(w.params, d.Params()...)
	}
	w.batches = newEpochBatches(set.X, nil, set.Labels, MLPBatch, tensor.NewRNG(seed+2))
	return w
}

// forward records the network's logits for x, each layer and its
// activation one fused op (autograd.DenseAct).
func (w *MLP) forward(tp *autograd.Tape, x *autograd.Var) *autograd.Var {
	h := w.L1.ForwardAct(tp, x, autograd.ActReLU)
	h = w.L2.ForwardAct(tp, h, autograd.ActReLU)
	return w.L3.ForwardAct(tp, h, autograd.ActNone)
}

// Step runs one training step on the next batch and returns its loss.
func (w *MLP) Step() float64 {
	b := w.batches.nextBatch()
	w.tp.Reset()
	loss := w.tp.SoftmaxCrossEntropy(w.forward(w.tp, w.batches.x[b]), w.batches.labels[b])
	update(w.tp, loss, w.opt, w.params)
	return loss.Item()
}

// Accuracy returns the fraction of the 900 training points classified
// correctly.
func (w *MLP) Accuracy() float64 {
	logits := w.forward(autograd.NoGradTape(), autograd.Const("x", w.Set.X)).Value
	ok := 0
	for i, c := range argmaxRows(logits) {
		if c == w.Set.Labels[i] {
			ok++
		}
	}
	return float64(ok) / float64(len(w.Set.Labels))
}
