package bench

import (
	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/data"
	"github.com/dlearn/dlearn/engine/nn"
	"github.com/dlearn/dlearn/engine/optim"
	"github.com/dlearn/dlearn/engine/tensor"
)

// Sizes of W5.
const (
	RNNBatch  = 16
	RNNLength = 51 // sequence length: 50 inputs and 50 targets
	RNNHidden = 32
	RNNSteps  = 100
	RNNLR     = 0.001
)

// RNN is W5: a vanilla tanh RNN (input 1, hidden 32) reading sine waves
// sin(0.1·t + φ) and predicting the next value at every step through a
// Dense 32→1 head, trained with the MSE over all 50 steps, full
// backpropagation through time and Adam.
//
// The recurrence over the 50 steps is one fused op
// (autograd.RNNSequence: what 50 steps of the cell compute, with the
// backward pass through time in one pass),
//
//	h_t = tanh(x_t·Wxh + h_{t−1}·Whh + b)   (h_0 = 0)
//
// and the head runs once over the 50 hidden states, time-major.
type RNN struct {
	Wxh, Whh, Bh *autograd.Var
	Head         *nn.Dense
	x            *autograd.Var // inputs, time-major [50 16 1]
	h0           *autograd.Var // zeros [16 32]
	target       *autograd.Var // next values, time-major [50·16 1]
	tp           *autograd.Tape
	opt          optim.Optimizer
	params       []*autograd.Var
}

// NewRNN returns W5 with 16 sequences and the weights drawn from seed.
func NewRNN(seed uint64) *RNN {
	in, tg := data.NextStep(data.Sine(seed, RNNBatch, RNNLength))
	steps := RNNLength - 1
	rng := tensor.NewRNG(seed + 1)
	w := &RNN{
		Wxh:  newParam("rnn.Wxh", rng, 1, 1, 1, RNNHidden),
		Whh:  newParam("rnn.Whh", rng, RNNHidden, 1, RNNHidden, RNNHidden),
		Bh:   newParam("rnn.b", rng, 0, 0, RNNHidden),
		Head: nn.NewDense("head", RNNHidden, 1, rng),
		h0:   autograd.Const("h0", tensor.New(RNNBatch, RNNHidden)),
		tp:   autograd.NewRecyclingTape(),
		opt:  mustOptim("adam", RNNLR),
	}
	w.params = append([]*autograd.Var{w.Wxh, w.Whh, w.Bh}, w.Head.Params()...)
	target, x := tensor.New(steps*RNNBatch, 1), tensor.New(steps, RNNBatch, 1)
	for t := range steps {
		for b := range RNNBatch {
			x.Data[t*RNNBatch+b] = in.Data[b*steps+t]
			target.Data[t*RNNBatch+b] = tg.Data[b*steps+t]
		}
	}
	w.x = autograd.Const("x", x)
	w.target = autograd.Const("target", target)
	return w
}

// Step runs one training step (all 50 time steps, full BPTT) and returns
// the loss.
func (w *RNN) Step() float64 {
	tp := w.tp
	tp.Reset()
	hs := tp.RNNSequence(w.x, w.h0, w.Wxh, w.Whh, w.Bh) // [50 16 32]
	pred := w.Head.ForwardAct(tp, tp.Reshape(hs, (RNNLength-1)*RNNBatch, RNNHidden), autograd.ActNone)
	loss := nn.MSE(tp, pred, w.target)
	update(tp, loss, w.opt, w.params)
	return loss.Item()
}
