package tensor

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
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
				want := blas64.General{Rows: m, Cols: n, Stride: n, Data: make([]float64, m*n)}
				opA, opB := blas.NoTrans, blas.NoTrans
				if ta {
					opA = blas.Trans
				}
				if tb {
					opB = blas.Trans
				}
				blas64.Gemm(opA, opB, 1,
					blas64.General{Rows: a.Shape[0], Cols: a.Shape[1], Stride: a.Shape[1], Data: a.Data},
					blas64.General{Rows: b.Shape[0], Cols: b.Shape[1], Stride: b.Shape[1], Data: b.Data},
					0, want)
				for i, w := range want.Data {
					if d := math.Abs(got.Data[i] - w); d > 1e-12*math.Max(1, math.Abs(w)) {
						t.Fatalf("%v ta=%v tb=%v: element %d = %v, gonum %v", s, ta, tb, i, got.Data[i], w)
					}
				}
			}
		}
	}
}
