package nn

import (
	"fmt"
	"math/rand/v2"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/tensor"
)

// GRUCell is a gated recurrent unit (Cho et al. 2014) in PyTorch's form,
// with the gates in PyTorch's order r, z, n:
//
//	r  = σ(x·Wx_r + bx_r + h·Wh_r + bh_r)        reset gate
//	z  = σ(x·Wx_z + bx_z + h·Wh_z + bh_z)        update gate
//	n  = tanh(x·Wx_n + bx_n + r ⊙ (h·Wh_n + bh_n)) candidate
//	h' = (1 − z) ⊙ n + z ⊙ h
//
// Wx is [in 3·hidden], Wh [hidden 3·hidden], and the biases Bx and Bh
// [3·hidden] each; the blocks are r, z, n. Two biases, as in PyTorch,
// because r multiplies only the hidden part of n's input: bh_n is gated by
// r and bx_n is not. One state instead of the LSTM's two: z both forgets
// and writes. With Fused set, a step is one op (autograd.GRUCellStep: the
// same values to rounding) instead of seventeen; the lessons, which show
// every op, leave it unset.
type GRUCell struct {
	Name           string
	Wx, Wh, Bx, Bh *autograd.Var
	Fused          bool
}

// NewGRUCell returns a cell with Wx drawn from N(0, 1/in), Wh from
// N(0, 1/hidden) using rng, and zero biases. It panics if a size is not
// positive.
func NewGRUCell(name string, in, hidden int, rng *rand.Rand) *GRUCell {
	if in <= 0 || hidden <= 0 {
		panic(fmt.Sprintf("nn: NewGRUCell %s: sizes %d→%d must be positive", name, in, hidden))
	}
	return &GRUCell{
		Name: name,
		Wx:   autograd.NewParam(name+".Wx", LeCunNormal.Tensor(rng, in, 3*hidden, in, 3*hidden)),
		Wh:   autograd.NewParam(name+".Wh", LeCunNormal.Tensor(rng, hidden, 3*hidden, hidden, 3*hidden)),
		Bx:   autograd.NewParam(name+".bx", tensor.New(3*hidden)),
		Bh:   autograd.NewParam(name+".bh", tensor.New(3*hidden)),
	}
}

// Hidden returns the size of the hidden state.
func (c *GRUCell) Hidden() int { return c.Wh.Value.Shape[0] }

// Step records one step: x [batch in] and h [batch hidden] give the next
// hidden state. It panics, naming the shapes, if x or h does not match
// the weights.
func (c *GRUCell) Step(tp *autograd.Tape, x, h *autograd.Var) *autograd.Var {
	if c.Fused {
		return tp.GRUCellStep(x, h, c.Wx, c.Wh, c.Bx, c.Bh)
	}
	n := c.Hidden()
	gx := tp.Add(tp.MatMul(x, c.Wx), c.Bx)
	gh := tp.Add(tp.MatMul(h, c.Wh), c.Bh)
	r := tp.Sigmoid(tp.Add(tp.Slice(gx, 1, 0, n), tp.Slice(gh, 1, 0, n)))
	z := tp.Sigmoid(tp.Add(tp.Slice(gx, 1, n, 2*n), tp.Slice(gh, 1, n, 2*n)))
	cand := tp.Tanh(tp.Add(tp.Slice(gx, 1, 2*n, 3*n), tp.Mul(r, tp.Slice(gh, 1, 2*n, 3*n))))
	// (1 − z) ⊙ n + z ⊙ h, written n + z ⊙ (h − n): the same value with
	// no constant tensor of ones.
	return tp.Add(cand, tp.Mul(z, tp.Sub(h, cand)))
}

// Params returns Wx, Wh, bx and bh.
func (c *GRUCell) Params() []*autograd.Var { return []*autograd.Var{c.Wx, c.Wh, c.Bx, c.Bh} }

// GRU unrolls a GRUCell over a sequence: Forward maps x [batch time in] to
// every hidden state [batch time hidden], from a zero state.
type GRU struct {
	Cell *GRUCell
}

// NewGRU returns a GRU around NewGRUCell(name, in, hidden, rng).
func NewGRU(name string, in, hidden int, rng *rand.Rand) *GRU {
	return &GRU{Cell: NewGRUCell(name, in, hidden, rng)}
}

// Forward returns all hidden states [batch time hidden] for x
// [batch time in]. It panics if x is not 3-D with in features.
func (g *GRU) Forward(tp *autograd.Tape, x *autograd.Var) *autograd.Var {
	hs, _ := g.ForwardFrom(tp, x, nil)
	return hs
}

// ForwardFrom is Forward from the initial state h0 [batch hidden] (zeros
// if nil); it also returns the last hidden state.
func (g *GRU) ForwardFrom(tp *autograd.Tape, x, h0 *autograd.Var) (all, last *autograd.Var) {
	return unroll(tp, "GRU", g.Cell.Name, x, h0, g.Cell.Wx.Value.Shape[0], g.Cell.Hidden(), g.Cell.Step)
}

// Params returns the cell's parameters.
func (g *GRU) Params() []*autograd.Var { return g.Cell.Params() }
