package nn

import (
	"fmt"
	"math/rand/v2"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/tensor"
)

// LSTMCell is a long short-term memory cell (Hochreiter & Schmidhuber,
// with the forget gate of Gers et al.), the gated cell dlearn uses to show
// how gating lets gradients survive long sequences:
//
//	z = x·Wx + h·Wh + b                   (z has 4 blocks of width hidden)
//	i = σ(z_i)  f = σ(z_f)  g = tanh(z_g)  o = σ(z_o)
//	c' = f ⊙ c + i ⊙ g
//	h' = o ⊙ tanh(c')
//
// Wx is [in 4·hidden], Wh [hidden 4·hidden] and b [4·hidden], with the
// blocks in the order i, f, g, o (as PyTorch). With Fused set, a step is
// one op (autograd.LSTMCellStep: the same values to rounding) and the two
// slices that take h' and c' out of it, instead of seventeen ops; the
// lessons, which show every op, leave it unset.
type LSTMCell struct {
	Name      string
	Wx, Wh, B *autograd.Var
	Fused     bool
}

// NewLSTMCell returns a cell with Wx drawn from N(0, 1/in), Wh from
// N(0, 1/hidden) using rng, and b = 0 except the forget-gate block, which
// starts at 1 so that the cell remembers by default (Jozefowicz et al.;
// Keras' unit_forget_bias). It panics if a size is not positive.
func NewLSTMCell(name string, in, hidden int, rng *rand.Rand) *LSTMCell {
	if in <= 0 || hidden <= 0 {
		panic(fmt.Sprintf("nn: NewLSTMCell %s: sizes %d→%d must be positive", name, in, hidden))
	}
	b := tensor.New(4 * hidden)
	for j := hidden; j < 2*hidden; j++ {
		b.Data[j] = 1
	}
	return &LSTMCell{
		Name: name,
		Wx:   autograd.NewParam(name+".Wx", LeCunNormal.Tensor(rng, in, 4*hidden, in, 4*hidden)),
		Wh:   autograd.NewParam(name+".Wh", LeCunNormal.Tensor(rng, hidden, 4*hidden, hidden, 4*hidden)),
		B:    autograd.NewParam(name+".b", b),
	}
}

// Hidden returns the size of the hidden and cell states.
func (c *LSTMCell) Hidden() int { return c.Wh.Value.Shape[0] }

// Step records one step: x [batch in] with the states h and c
// [batch hidden] gives the next h and c. It panics, naming the shapes, if
// they do not match the weights.
func (c *LSTMCell) Step(tp *autograd.Tape, x, h, cs *autograd.Var) (hNext, cNext *autograd.Var) {
	n := c.Hidden()
	if c.Fused {
		hc := tp.LSTMCellStep(x, h, cs, c.Wx, c.Wh, c.B)
		return tp.Slice(hc, 1, 0, n), tp.Slice(hc, 1, n, 2*n)
	}
	z := tp.Add(tp.Add(tp.MatMul(x, c.Wx), tp.MatMul(h, c.Wh)), c.B)
	i := tp.Sigmoid(tp.Slice(z, 1, 0, n))
	f := tp.Sigmoid(tp.Slice(z, 1, n, 2*n))
	g := tp.Tanh(tp.Slice(z, 1, 2*n, 3*n))
	o := tp.Sigmoid(tp.Slice(z, 1, 3*n, 4*n))
	cNext = tp.Add(tp.Mul(f, cs), tp.Mul(i, g))
	hNext = tp.Mul(o, tp.Tanh(cNext))
	return hNext, cNext
}

// Params returns Wx, Wh and b.
func (c *LSTMCell) Params() []*autograd.Var { return []*autograd.Var{c.Wx, c.Wh, c.B} }

// LSTM unrolls an LSTMCell over a sequence: Forward maps x
// [batch time in] to every hidden state [batch time hidden], from zero
// states.
type LSTM struct {
	Cell *LSTMCell
}

// NewLSTM returns an LSTM around NewLSTMCell(name, in, hidden, rng).
func NewLSTM(name string, in, hidden int, rng *rand.Rand) *LSTM {
	return &LSTM{Cell: NewLSTMCell(name, in, hidden, rng)}
}

// Forward returns all hidden states [batch time hidden] for x
// [batch time in]. It panics if x is not 3-D with in features.
func (l *LSTM) Forward(tp *autograd.Tape, x *autograd.Var) *autograd.Var {
	hs, _, _ := l.ForwardFrom(tp, x, nil, nil)
	return hs
}

// ForwardFrom is Forward from the states h0 and c0 [batch hidden] (zeros
// if nil); it also returns the last h and c.
func (l *LSTM) ForwardFrom(tp *autograd.Tape, x, h0, c0 *autograd.Var) (all, h, c *autograd.Var) {
	b, steps := seqShape("LSTM", l.Cell.Name, x, l.Cell.Wx.Value.Shape[0])
	h, c = h0, c0
	if h == nil {
		h = autograd.Const("h0", tensor.New(b, l.Cell.Hidden()))
	}
	if c == nil {
		c = autograd.Const("c0", tensor.New(b, l.Cell.Hidden()))
	}
	hs := make([]*autograd.Var, steps)
	for t := range steps {
		h, c = l.Cell.Step(tp, tp.Select(x, 1, t), h, c)
		hs[t] = h
	}
	return tp.Stack(1, hs...), h, c
}

// Params returns the cell's parameters.
func (l *LSTM) Params() []*autograd.Var { return l.Cell.Params() }
