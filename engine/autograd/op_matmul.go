package autograd

import "github.com/dlearn/dlearn/engine/tensor"

// MatMul returns a·b for 2-D a [m k] and b [k n]. It panics if the inner
// sizes differ, naming both shapes.
//
// Backward: dL/da = g·bᵀ, dL/db = aᵀ·g.
func (t *Tape) MatMul(a, b *Var) *Var {
	out := tensor.MatMul(a.Value, b.Value)
	return t.record("matmul", out, []*Var{a, b}, func(g *tensor.Tensor) []*tensor.Tensor {
		var ga, gb *tensor.Tensor
		if a.requiresGrad {
			ga = tensor.New(a.Value.Shape...)
			tensor.MatMulInto(ga, g, b.Value, false, true, 0)
		}
		if b.requiresGrad {
			gb = tensor.New(b.Value.Shape...)
			tensor.MatMulInto(gb, a.Value, g, true, false, 0)
		}
		return []*tensor.Tensor{ga, gb}
	}, nil)
}
