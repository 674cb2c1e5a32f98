package tensor

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/blas/gonum"
	"gonum.org/v1/gonum/mat"
)

// TestMatMulAgreesWithGonum compares the engine's product, with every
// combination of transposes, against gonum's Dgemm as an independent
// reference. The two round differently (fused multiply-adds against
// separate ones), so they agree to a relative 1e-12, not to the bit.
func TestMatMulAgreesWithGonum(t *testing.T) {
	rng := NewRNG(11)
	for _, s := range [][3]int{{1, 1, 1}, {3, 4, 5}, {17, 9, 33}, {64, 64, 64}, {130, 70, 260}} {
		m, k, n := s[0], s[1], s[2]
		for _, ta := range []bool{false, true} {
			for _, tb := range []bool{false, true} {
				a := RandN(rng, m, k)
				if ta {
					a = RandN(rng, k, m)
				}
				b := RandN(rng, k, n)
				if tb {
					b = RandN(rng, n, k)
				}
				got := New(m, n)
				MatMulInto(got, a, b, ta, tb, 0)
				want := make([]float64, m*n)
				opA, opB := blas.NoTrans, blas.NoTrans
				if ta {
					opA = blas.Trans
				}
				if tb {
					opB = blas.Trans
				}
				// gonum's own Dgemm, not blas64.Gemm: that one now runs ours.
				gonum.Implementation{}.Dgemm(opA, opB, m, n, k, 1, a.Data, a.Shape[1], b.Data, b.Shape[1], 0, want, n)
				for i, w := range want {
					if d := math.Abs(got.Data[i] - w); d > 1e-12*math.Max(1, math.Abs(w)) {
						t.Fatalf("%v ta=%v tb=%v: element %d = %v, gonum %v", s, ta, tb, i, got.Data[i], w)
					}
				}
			}
		}
	}
}

// TestGonumUsesTheEnginesProduct checks that the engine's product is what
// gonum's blas64 interface (and so gonum's mat package) runs in a program
// that loads the engine: the same bits as MatMul.
func TestGonumUsesTheEnginesProduct(t *testing.T) {
	rng := NewRNG(5)
	a, b := RandN(rng, 37, 19), RandN(rng, 19, 23)
	want := MatMul(a, b)
	var got mat.Dense
	got.Mul(mat.NewDense(37, 19, a.Data), mat.NewDense(19, 23, b.Data))
	for i := range 37 {
		for j := range 23 {
			if math.Float64bits(got.At(i, j)) != math.Float64bits(want.At(i, j)) {
				t.Fatalf("mat.Dense.Mul at (%d,%d) = %v, MatMul %v", i, j, got.At(i, j), want.At(i, j))
			}
		}
	}
	if _, ok := blas64.Implementation().(BLAS); !ok {
		t.Fatalf("blas64 runs %T, not the engine's BLAS", blas64.Implementation())
	}
}
