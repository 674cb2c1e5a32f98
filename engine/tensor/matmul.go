package tensor

import (
	"fmt"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

// MatMul returns the matrix product a·b of two 2-D tensors [m k]·[k n].
// It panics if either is not 2-D or the inner sizes differ.
func MatMul(a, b *Tensor) *Tensor {
	m, n := checkMatMul("MatMul", a, b, false, false)
	out := New(m, n)
	MatMulInto(out, a, b, false, false, 0)
	return out
}

// MatMulInto computes dst = op(a)·op(b) + beta·dst, where op transposes its
// argument when the matching flag is set. dst must already have the result's
// shape. It panics on any shape mismatch, naming both shapes.
func MatMulInto(dst, a, b *Tensor, transA, transB bool, beta float64) {
	m, n := checkMatMul("MatMul", a, b, transA, transB)
	if len(dst.Shape) != 2 || dst.Shape[0] != m || dst.Shape[1] != n {
		panic(fmt.Sprintf("tensor: MatMul: destination shape %v, want [%d %d]", dst.Shape, m, n))
	}
	if m == 0 || n == 0 {
		return
	}
	ta, tb := blas.NoTrans, blas.NoTrans
	if transA {
		ta = blas.Trans
	}
	if transB {
		tb = blas.Trans
	}
	// Through gonum's BLAS interface, where BLAS (the engine's product) is
	// registered.
	blas64.Gemm(ta, tb, 1, general(a), general(b), beta, general(dst))
}

// MatMulBiasInto computes dst = act(a·b + bias) for 2-D a [m k] and b
// [k n]: bias [n] (nil for none) is added to every row, and act is ReLU,
// max(·, 0), when relu is set, else the identity. The bits are those of
// MatMulInto(dst, a, b, false, false, 0) followed by dst[i][j] += bias[j]
// and dst[i][j] = max(dst[i][j], 0): the kernels do these operations on
// the tile of dst in their registers, before they store it, instead of
// passing over dst again. It panics on any shape mismatch, naming the
// shapes.
func MatMulBiasInto(dst, a, b, bias *Tensor, relu bool) {
	m, n := checkMatMul("MatMulBias", a, b, false, false)
	if len(dst.Shape) != 2 || dst.Shape[0] != m || dst.Shape[1] != n {
		panic(fmt.Sprintf("tensor: MatMulBias: destination shape %v, want [%d %d]", dst.Shape, m, n))
	}
	flags := 0
	var bd []float64
	if bias != nil {
		if len(bias.Shape) != 1 || bias.Shape[0] != n {
			panic(fmt.Sprintf("tensor: MatMulBias: bias shape %v for shapes %v and %v, want [%d]", bias.Shape, a.Shape, b.Shape, n))
		}
		flags, bd = gemmBias, bias.Data
	}
	if relu {
		flags |= gemmReLU
	}
	k := a.Shape[1]
	gemmEpi(false, false, m, n, k, a.Data, max(k, 1), b.Data, max(n, 1), 0, dst.Data, max(n, 1), true, flags, bd)
}

// general views a 2-D tensor as a gonum matrix.
func general(t *Tensor) blas64.General {
	return blas64.General{Rows: t.Shape[0], Cols: t.Shape[1], Stride: max(t.Shape[1], 1), Data: t.Data}
}

func checkMatMul(op string, a, b *Tensor, transA, transB bool) (m, n int) {
	if len(a.Shape) != 2 || len(b.Shape) != 2 {
		panic(fmt.Sprintf("tensor: %s: shapes %v and %v must both be 2-D", op, a.Shape, b.Shape))
	}
	m, ka := a.Shape[0], a.Shape[1]
	if transA {
		m, ka = ka, m
	}
	kb, n := b.Shape[0], b.Shape[1]
	if transB {
		kb, n = n, kb
	}
	if ka != kb {
		panic(fmt.Sprintf("tensor: %s: shapes %v and %v do not match (inner sizes %d and %d)", op, a.Shape, b.Shape, ka, kb))
	}
	return m, n
}

// Transpose returns the transpose of a 2-D tensor as a new tensor.
// It panics if a is not 2-D.
func Transpose(a *Tensor) *Tensor {
	if len(a.Shape) != 2 {
		panic(fmt.Sprintf("tensor: Transpose: shape %v is not 2-D", a.Shape))
	}
	r, c := a.Shape[0], a.Shape[1]
	out := New(c, r)
	for i := range r {
		for j := range c {
			out.Data[j*r+i] = a.Data[i*c+j]
		}
	}
	return out
}
