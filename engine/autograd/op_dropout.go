package autograd

import (
	"fmt"
	"math/rand/v2"

	"github.com/dlearn/dlearn/engine/tensor"
)

// Dropout zeroes each element of x with probability p and scales the kept
// ones by 1/(1−p) (inverted dropout), so the expected value is unchanged
// and evaluation needs no rescaling. The mask is drawn from rng, one draw
// per element in order. With train false, or p = 0, Dropout returns x
// itself and records nothing. It panics unless 0 ≤ p < 1.
//
// Backward: dL/dx = g ⊙ mask, where mask is 0 or 1/(1−p). Local: mask.
func (t *Tape) Dropout(x *Var, p float64, rng *rand.Rand, train bool) *Var {
	if !(p >= 0 && p < 1) {
		panic(fmt.Sprintf("autograd: Dropout: probability %g not in [0, 1)", p))
	}
	if !train || p == 0 {
		return x
	}
	scale := 1 / (1 - p)
	mask := t.ar.New(x.Value.Shape...)
	out := t.ar.New(x.Value.Shape...)
	for i, v := range x.Value.Data {
		if rng.Float64() >= p {
			mask.Data[i] = scale
			out.Data[i] = v * scale
		}
	}
	v := t.record("dropout", out, []*Var{x}, func(g *tensor.Tensor) []*tensor.Tensor {
		return t.grads(t.ar.Mul(g, mask))
	}, func() []*tensor.Tensor { return []*tensor.Tensor{mask.Clone()} })
	// Computed again, the op keeps its mask: out = x ⊙ mask, bit for bit.
	replayAs(&v, func(t *Tape, in []*Var) *Var { return t.Mul(in[0], Const("mask", mask)) })
	return withAttrs(v, "p="+fmtFloat(p))
}
