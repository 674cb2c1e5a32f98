package autograd

import (
	"slices"
	"testing"

	"github.com/dlearn/dlearn/engine/tensor"
)

// TestDenseActOneOutputSameBits: a dense layer with a single output takes
// DenseAct's own loops (columnProduct, columnWeightGrad) instead of the
// matrix product; on shapes that reach each of the product's paths (its
// small loop, its packed kernel) and row counts that are and are not
// multiples of four, the values and gradients equal the unfused
// MatMul + Add + activation bit for bit.
func TestDenseActOneOutputSameBits(t *testing.T) {
	rng := tensor.NewRNG(3)
	for _, m := range []int{1, 3, 4, 7, 128, 800} {
		for _, k := range []int{1, 5, 32, 64} {
			x, w, b := NewParam("x", tensor.RandN(rng, m, k)), NewParam("w", tensor.RandN(rng, k, 1)), NewParam("b", tensor.RandN(rng, 1))
			for _, act := range fusedActs {
				wantV, wantG := valueAndGrads(func(tp *Tape) *Var {
					return unfusedAct(tp, tp.Add(tp.MatMul(x, w), b), act)
				}, false, x, w, b)
				gotV, gotG := valueAndGrads(func(tp *Tape) *Var { return tp.DenseAct(x, w, b, act) }, true, x, w, b)
				if !slices.Equal(gotV, wantV) {
					t.Fatalf("m %d, k %d, %v: values differ from MatMul + Add", m, k, act)
				}
				for i, name := range []string{"x", "w", "b"} {
					if !slices.Equal(gotG[i], wantG[i]) {
						t.Fatalf("m %d, k %d, %v: gradient of %s differs from MatMul + Add", m, k, act, name)
					}
				}
			}
		}
	}
}
