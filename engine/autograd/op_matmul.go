package autograd

import "github.com/dlearn/dlearn/engine/tensor"

// MatMul returns a·b for 2-D a [m k] and b [k n]. It panics if the inner
// sizes differ, naming both shapes.
//
// Backward: dL/da = g·bᵀ, dL/db = aᵀ·g.
func (t *Tape) MatMul(a, b *Var) (res *Var) {
	defer replayAs(&res, func(t *Tape, in []*Var) *Var { return t.MatMul(in[0], in[1]) })
	out := t.ar.MatMul(a.Value, b.Value)
	return t.record("matmul", out, []*Var{a, b}, func(g *tensor.Tensor) []*tensor.Tensor {
		var ga, gb *tensor.Tensor
		if a.requiresGrad {
			ga = t.ar.Uninit(a.Value.Shape...)
			tensor.MatMulInto(ga, g, b.Value, false, true, 0)
		}
		if b.requiresGrad {
			gb = t.ar.Uninit(b.Value.Shape...)
			tensor.MatMulInto(gb, a.Value, g, true, false, 0)
		}
		return t.grads(ga, gb)
	}, nil)
}

// BatchMatMul returns the batched product op(a[i])·op(b[i]) of 3-D a and b
// with the same batch size, where op transposes the last two axes when its
// flag is set: attention scores are BatchMatMul(q, k, false, true). It
// panics, naming both shapes, if either is not 3-D or the batch or inner
// sizes differ.
//
// Backward, per batch element, for C = A·B: dA = G·Bᵀ and dB = Aᵀ·G; with
// transposed operands the same rule applied to the transposes (for
// C = A·Bᵀ: dA = G·B, dB = Gᵀ·A).
func (t *Tape) BatchMatMul(a, b *Var, transA, transB bool) (res *Var) {
	defer replayAs(&res, func(t *Tape, in []*Var) *Var { return t.BatchMatMul(in[0], in[1], transA, transB) })
	out := t.ar.Uninit(tensor.BatchMatMulShape(a.Value, b.Value, transA, transB)...)
	tensor.BatchMatMulInto(out, a.Value, b.Value, transA, transB, 0)
	v := t.record("bmm", out, []*Var{a, b}, func(g *tensor.Tensor) []*tensor.Tensor {
		var ga, gb *tensor.Tensor
		if a.requiresGrad {
			ga = t.ar.Uninit(a.Value.Shape...)
			if !transA {
				tensor.BatchMatMulInto(ga, g, b.Value, false, !transB, 0) // G·op(B)ᵀ
			} else {
				tensor.BatchMatMulInto(ga, b.Value, g, transB, true, 0) // op(B)·Gᵀ
			}
		}
		if b.requiresGrad {
			gb = t.ar.Uninit(b.Value.Shape...)
			if !transB {
				tensor.BatchMatMulInto(gb, a.Value, g, !transA, false, 0) // op(A)ᵀ·G
			} else {
				tensor.BatchMatMulInto(gb, g, a.Value, true, transA, 0) // Gᵀ·op(A)
			}
		}
		return t.grads(ga, gb)
	}, nil)
	switch {
	case transA && transB:
		return withAttrs(v, "transA, transB")
	case transA:
		return withAttrs(v, "transA")
	case transB:
		return withAttrs(v, "transB")
	}
	return v
}
