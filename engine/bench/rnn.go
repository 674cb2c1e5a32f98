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
// The recurrence is unrolled from autograd ops,
//
//	h_t = tanh(x_t·Wxh + h_{t−1}·Whh + b)   (h_0 = 0, so t = 1 has no Whh term)
//
// and the head runs once over the 50 hidden states stacked time-major.
type RNN struct {
	Wxh, Whh, Bh *autograd.Var
	Head         *nn.Dense
	xs           []*autograd.Var // x_t of each step, [16 1]
	target       *autograd.Var   // next values, time-major [50·16 1]
	hs           []*autograd.Var // hidden states of the current step
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
		hs:   make([]*autograd.Var, steps),
		tp:   autograd.NewRecyclingTape(),
		opt:  mustOptim("adam", RNNLR),
	}
	w.params = append([]*autograd.Var{w.Wxh, w.Whh, w.Bh}, w.Head.Params()...)
	target := tensor.New(steps*RNNBatch, 1)
	for t := range steps {
		x := tensor.New(RNNBatch, 1)
		for b := range RNNBatch {
			x.Data[b] = in.Data[b*steps+t]
			target.Data[t*RNNBatch+b] = tg.Data[b*steps+t]
		}
		w.xs = append(w.xs, autograd.Const("x", x))
	}
	w.target = autograd.Const("target", target)
	return w
}

// Step runs one training step (all 50 time steps, full BPTT) and returns
// the loss.
func (w *RNN) Step() float64 {
	tp := w.tp
	tp.Reset()
	var h *autograd.Var
	for t, x := range w.xs {
		a := tp.MatMul(x, w.Wxh)
		if h != nil {
			a = tp.Add(a, tp.MatMul(h, w.Whh))
		}
		h = tp.Tanh(tp.Add(a, w.Bh))
		w.hs[t] = h
	}
	pred := w.Head.Forward(tp, tp.Concat(0, w.hs...))
	loss := nn.MSE(tp, pred, w.target)
	update(tp, loss, w.opt, w.params)
	clear(w.hs)
	return loss.Item()
}
