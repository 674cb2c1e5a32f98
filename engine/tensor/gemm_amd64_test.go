package tensor

import (
	"math"
	"testing"
)

// TestGemmSameBitsWithoutAVX2 runs the same products with the assembly
// micro-kernel and with the portable Go kernel (what a CPU without AVX2 or
// FMA runs) and requires identical bits: results do not depend on the
// machine.
func TestGemmSameBitsWithoutAVX2(t *testing.T) {
	if !gemmFast {
		t.Log("this CPU has no AVX2/FMA: both runs use the portable kernel")
	}
	rng := NewRNG(3)
	for _, s := range [][3]int{{1, 1, 1}, {7, 5, 3}, {16, 8, 16}, {64, 64, 64}, {100, 37, 300}, {13, 600, 9}} {
		m, k, n := s[0], s[1], s[2]
		a, b := RandN(rng, m, k), RandN(rng, k, n)
		fast := MatMul(a, b)
		saved := gemmFast
		gemmFast = false
		portable := MatMul(a, b)
		gemmFast = saved
		for i := range fast.Data {
			if math.Float64bits(fast.Data[i]) != math.Float64bits(portable.Data[i]) {
				t.Fatalf("%v: element %d: %v with the fast kernel, %v with the portable one", s, i, fast.Data[i], portable.Data[i])
			}
		}
	}
}
