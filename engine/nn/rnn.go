package nn

import (
	"fmt"
	"math/rand/v2"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/tensor"
)

// RNNCell is a vanilla (Elman) recurrent cell:
//
//	h' = tanh(x·Wx + h·Wh + b)
//
// with Wx [in hidden], Wh [hidden hidden] and b [hidden]. With Fused set,
// a step is one op (autograd.RNNCellStep: the same values to rounding)
// instead of five; the lessons, which show every op, leave it unset.
type RNNCell struct {
	Name      string
	Wx, Wh, B *autograd.Var
	Fused     bool
}

// NewRNNCell returns a cell with Wx drawn from N(0, 1/in), Wh from
// N(0, 1/hidden) using rng, and b = 0. It panics if a size is not positive.
func NewRNNCell(name string, in, hidden int, rng *rand.Rand) *RNNCell {
	if in <= 0 || hidden <= 0 {
		panic(fmt.Sprintf("nn: NewRNNCell %s: sizes %d→%d must be positive", name, in, hidden))
	}
	return &RNNCell{
		Name: name,
		Wx:   autograd.NewParam(name+".Wx", LeCunNormal.Tensor(rng, in, hidden, in, hidden)),
		Wh:   autograd.NewParam(name+".Wh", LeCunNormal.Tensor(rng, hidden, hidden, hidden, hidden)),
		B:    autograd.NewParam(name+".b", tensor.New(hidden)),
	}
}

// Hidden returns the size of the hidden state.
func (c *RNNCell) Hidden() int { return c.Wh.Value.Shape[0] }

// Step records one step: x [batch in] and h [batch hidden] give the next
// hidden state [batch hidden]. It panics, naming both shapes, if x or h
// does not match the weights.
func (c *RNNCell) Step(tp *autograd.Tape, x, h *autograd.Var) *autograd.Var {
	if c.Fused {
		return tp.RNNCellStep(x, h, c.Wx, c.Wh, c.B)
	}
	return tp.Tanh(tp.Add(tp.Add(tp.MatMul(x, c.Wx), tp.MatMul(h, c.Wh)), c.B))
}

// Params returns Wx, Wh and b.
func (c *RNNCell) Params() []*autograd.Var { return []*autograd.Var{c.Wx, c.Wh, c.B} }

// RNN unrolls an RNNCell over a sequence: Forward maps x [batch time in]
// to every hidden state [batch time hidden], starting from h = 0. Its
// gradient is backpropagation through time over the whole sequence.
type RNN struct {
	Cell *RNNCell
}

// NewRNN returns an RNN around NewRNNCell(name, in, hidden, rng).
func NewRNN(name string, in, hidden int, rng *rand.Rand) *RNN {
	return &RNN{Cell: NewRNNCell(name, in, hidden, rng)}
}

// Forward returns all hidden states [batch time hidden] for x
// [batch time in], from a zero initial state. It panics if x is not 3-D
// with in features.
func (r *RNN) Forward(tp *autograd.Tape, x *autograd.Var) *autograd.Var {
	hs, _ := r.ForwardFrom(tp, x, nil)
	return hs
}

// ForwardFrom is Forward from the initial state h0 [batch hidden] (zeros
// if nil); it also returns the last hidden state. With the cell's Fused
// set, the whole sequence is one op (autograd.RNNSequence, between two
// permutes to and from time-major order).
func (r *RNN) ForwardFrom(tp *autograd.Tape, x, h0 *autograd.Var) (all, last *autograd.Var) {
	if c := r.Cell; c.Fused {
		b, steps := seqShape("RNN", c.Name, x, c.Wx.Value.Shape[0])
		if h0 == nil {
			h0 = autograd.Const("h0", tensor.New(b, c.Hidden()))
		}
		hs := tp.RNNSequence(tp.Permute(x, 1, 0, 2), h0, c.Wx, c.Wh, c.B) // [time batch hidden]
		return tp.Permute(hs, 1, 0, 2), tp.Select(hs, 0, steps-1)
	}
	return unroll(tp, "RNN", r.Cell.Name, x, h0, r.Cell.Wx.Value.Shape[0], r.Cell.Hidden(), r.Cell.Step)
}

// unroll runs a one-state cell's step over the time axis of x
// [batch time in] from h0 (zeros [batch hidden] if nil), returning every
// state stacked [batch time hidden] and the last. It panics, naming kind
// and name, if x is not 3-D with in features.
func unroll(tp *autograd.Tape, kind, name string, x, h0 *autograd.Var, in, hidden int,
	step func(tp *autograd.Tape, x, h *autograd.Var) *autograd.Var) (all, last *autograd.Var) {
	b, steps := seqShape(kind, name, x, in)
	h := h0
	if h == nil {
		h = autograd.Const("h0", tensor.New(b, hidden))
	}
	hs := make([]*autograd.Var, steps)
	for t := range steps {
		h = step(tp, tp.Select(x, 1, t), h)
		hs[t] = h
	}
	return tp.Stack(1, hs...), h
}

// Params returns the cell's parameters.
func (r *RNN) Params() []*autograd.Var { return r.Cell.Params() }

// seqShape checks that x is [batch time in] with time ≥ 1 and returns
// batch and time.
func seqShape(kind, name string, x *autograd.Var, in int) (batch, steps int) {
	s := x.Value.Shape
	if len(s) != 3 || s[2] != in || s[1] < 1 {
		panic(fmt.Sprintf("nn: %s %s: input shape %v, want [batch time %d] with time ≥ 1", kind, name, s, in))
	}
	return s[0], s[1]
}
