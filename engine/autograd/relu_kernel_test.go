package autograd

import (
	"math"
	"testing"

	"pgregory.net/rapid"
)

// reluSpecials are the values where max(x, 0) and the sign test are
// delicate: zeros of both signs, NaNs of both signs, infinities,
// subnormals.
var reluSpecials = []float64{
	0, math.Copysign(0, -1), math.NaN(), math.Copysign(math.NaN(), -1),
	math.Inf(1), math.Inf(-1), 5e-324, -5e-324, 1, -1, math.MaxFloat64, -math.SmallestNonzeroFloat64,
}

// TestReLUKernelsVectorMatchScalar: the vector loops of reluKernel and
// reluGradKernel give the scalar loops' bits (NaN for NaN) on random
// lengths, ordinary and special values, in place and not.
func TestReLUKernelsVectorMatchScalar(t *testing.T) {
	if !reluVectorAvailable {
		t.Skip("no vector loop on this machine: the scalar loop is the only path")
	}
	defer func(old bool) { reluVector = old }(reluVector)
	rapid.Check(t, func(rt *rapid.T) {
		n := rapid.IntRange(0, 40).Draw(rt, "n")
		val := rapid.OneOf(rapid.Float64Range(-3, 3), rapid.SampledFrom(reluSpecials))
		a := rapid.SliceOfN(val, n, n).Draw(rt, "a")
		g := rapid.SliceOfN(val, n, n).Draw(rt, "g")
		inPlace := rapid.Bool().Draw(rt, "inPlace")
		run := func(vector bool) (fwd, grad []float64) {
			reluVector = vector
			fwd = append([]float64(nil), a...)
			if inPlace {
				reluKernel(fwd, fwd)
			} else {
				src := append([]float64(nil), a...)
				reluKernel(fwd, src)
			}
			grad = make([]float64, n)
			reluGradKernel(grad, g, a)
			return fwd, grad
		}
		wf, wg := run(false)
		gf, gg := run(true)
		for i := range n {
			if !sameFloat(wf[i], gf[i]) || math.Float64bits(wg[i]) != math.Float64bits(gg[i]) {
				rt.Fatalf("element %d of %d (a %v, g %v): relu %v / %v, grad %v / %v (scalar / vector)",
					i, n, a[i], g[i], wf[i], gf[i], wg[i], gg[i])
			}
		}
	})
}

// sameFloat reports whether x and y have the same bits, or are both NaN.
func sameFloat(x, y float64) bool {
	return math.Float64bits(x) == math.Float64bits(y) || (x != x && y != y)
}

// BenchmarkReLUKernels times the ReLU loops over a CNN activation
// (32 images of 8×28×28), scalar and vector.
func BenchmarkReLUKernels(b *testing.B) {
	n := 32 * 8 * 28 * 28
	a, g, d := make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range a {
		a[i], g[i] = float64(i%7)-3.1, float64(i%5)
	}
	defer func(old bool) { reluVector = old }(reluVector)
	for _, vector := range []bool{false, true} {
		if vector && !reluVectorAvailable {
			continue
		}
		name := map[bool]string{false: "scalar", true: "vector"}[vector]
		b.Run("forward/"+name, func(b *testing.B) {
			reluVector = vector
			for b.Loop() {
				reluKernel(d, a)
			}
		})
		b.Run("backward/"+name, func(b *testing.B) {
			reluVector = vector
			for b.Loop() {
				reluGradKernel(d, g, a)
			}
		})
	}
}
