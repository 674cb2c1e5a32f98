package tensor

import "fmt"

// BatchMatMulShape returns the result shape [batch m n] of the batched
// product op(a)·op(b) of 3-D tensors, where op transposes the last two axes
// when its flag is set. It panics, naming both shapes, if either is not 3-D,
// the batch sizes differ or the inner sizes differ.
func BatchMatMulShape(a, b *Tensor, transA, transB bool) []int {
	if len(a.Shape) != 3 || len(b.Shape) != 3 {
		panic(fmt.Sprintf("tensor: BatchMatMul: shapes %v and %v must both be 3-D", a.Shape, b.Shape))
	}
	if a.Shape[0] != b.Shape[0] {
		panic(fmt.Sprintf("tensor: BatchMatMul: shapes %v and %v have different batch sizes", a.Shape, b.Shape))
	}
	m, ka := a.Shape[1], a.Shape[2]
	if transA {
		m, ka = ka, m
	}
	kb, n := b.Shape[1], b.Shape[2]
	if transB {
		kb, n = n, kb
	}
	if ka != kb {
		panic(fmt.Sprintf("tensor: BatchMatMul: shapes %v and %v do not match (inner sizes %d and %d)", a.Shape, b.Shape, ka, kb))
	}
	return []int{a.Shape[0], m, n}
}

// BatchMatMulInto computes dst[i] = op(a[i])·op(b[i]) + beta·dst[i] for
// every batch index i of 3-D tensors. dst must already have the result's
// shape. It panics on any shape mismatch, naming the shapes.
func BatchMatMulInto(dst, a, b *Tensor, transA, transB bool, beta float64) {
	shape := BatchMatMulShape(a, b, transA, transB)
	if len(dst.Shape) != 3 || dst.Shape[0] != shape[0] || dst.Shape[1] != shape[1] || dst.Shape[2] != shape[2] {
		panic(fmt.Sprintf("tensor: BatchMatMul: destination shape %v, want %v", dst.Shape, shape))
	}
	bt, m, n := shape[0], shape[1], shape[2]
	k := a.Shape[2]
	if transA {
		k = a.Shape[1]
	}
	sa, sb, sc := a.Shape[1]*a.Shape[2], b.Shape[1]*b.Shape[2], m*n
	parallelFor(bt, bt*m*n*k, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			gemm(transA, transB, m, n, k, a.Data[i*sa:(i+1)*sa], a.Shape[2], b.Data[i*sb:(i+1)*sb], b.Shape[2], beta, dst.Data[i*sc:(i+1)*sc], n, false)
		}
	})
}
