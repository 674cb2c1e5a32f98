package autograd

import (
	"math"
	"runtime"
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
				if !sameBits(gotV, wantV) {
					t.Fatalf("m %d, k %d, %v: values differ from MatMul + Add", m, k, act)
				}
				for i, name := range []string{"x", "w", "b"} {
					if !sameBits(gotG[i], wantG[i]) {
						t.Fatalf("m %d, k %d, %v: gradient of %s differs from MatMul + Add", m, k, act, name)
					}
				}
			}
		}
	}
}

// TestDenseActSameBits: DenseAct adds the bias and applies the activation
// row by row, and sums the bias gradient in the same pass as the
// activation's gradient; on shapes small and large enough to be split
// between the cores, with and without a bias and with 1 and 2 cores, its
// values and gradients equal the unfused MatMul + Add + activation bit
// for bit.
func TestDenseActSameBits(t *testing.T) {
	rng := tensor.NewRNG(4)
	old := runtime.GOMAXPROCS(0)
	defer runtime.GOMAXPROCS(old)
	defer tensor.SetParallelThresholds(1<<10, 1<<10)() // split at these sizes too
	for _, sz := range [][3]int{{7, 5, 3}, {64, 2, 64}, {128, 64, 64}, {800, 32, 48}} {
		m, k, n := sz[0], sz[1], sz[2]
		x, w, b := NewParam("x", tensor.RandN(rng, m, k)), NewParam("w", tensor.RandN(rng, k, n)), NewParam("b", tensor.RandN(rng, n))
		for _, act := range fusedActs {
			for _, bias := range []bool{false, true} {
				params := []*Var{x, w}
				if bias {
					params = append(params, b)
				}
				runtime.GOMAXPROCS(1)
				wantV, wantG := valueAndGrads(func(tp *Tape) *Var {
					z := tp.MatMul(x, w)
					if bias {
						z = tp.Add(z, b)
					}
					return unfusedAct(tp, z, act)
				}, false, params...)
				for _, procs := range []int{1, 2} {
					runtime.GOMAXPROCS(procs)
					gotV, gotG := valueAndGrads(func(tp *Tape) *Var {
						if bias {
							return tp.DenseAct(x, w, b, act)
						}
						return tp.DenseAct(x, w, nil, act)
					}, true, params...)
					if !sameBits(gotV, wantV) {
						t.Fatalf("%v, %v, bias %v, GOMAXPROCS %d: values differ from MatMul + Add", sz, act, bias, procs)
					}
					for i, p := range params {
						if !sameBits(gotG[i], wantG[i]) {
							t.Fatalf("%v, %v, bias %v, GOMAXPROCS %d: gradient of %s differs from MatMul + Add", sz, act, bias, procs, p.Name)
						}
					}
				}
			}
		}
	}
}

// sameBits reports whether a and b hold the same float64s to the bit
// (slices.Equal would take −0 for +0).
func sameBits(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return false
		}
	}
	return true
}
